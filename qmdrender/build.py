"""Render the whole site: execute pages in parallel, cache unchanged ones, check links, write ``_site/``."""

from __future__ import annotations

import concurrent.futures
import hashlib
import html
import json
import re
import shutil
import sys
import time
from pathlib import Path

from . import config, markdown, page, pandoc, qmd
from .execute import CellError, execute

HERE = Path(__file__).parent
CACHE_VERSION = "1"


class BuildError(Exception):
    """The site cannot be built as written: the message names the page and the problem."""


def _digest(paths) -> str:
    h = hashlib.sha256(CACHE_VERSION.encode())
    for p in sorted(paths):
        h.update(p.as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def environment_key(root: Path) -> str:
    """What every page's output depends on besides its own text: the package, bibliography, renderer."""
    files = [*root.glob("mlsysim/**/*.py"), *HERE.glob("*.py"), *HERE.glob("*.lua"), *HERE.glob("*.html")]
    bib = root / "references.bib"
    if bib.exists():
        files.append(bib)
    return _digest(files)


def render_page(root: str, rel: str, execute_defaults: dict, bibliography: str | None) -> dict:
    """Execute and convert one page (runs in a worker process)."""
    start = time.perf_counter()
    rootp = Path(root)
    parsed = qmd.parse(rel, (rootp / rel).read_text(encoding="utf-8"))
    defaults = {**execute_defaults, **(parsed.meta.get("execute") or {})}
    outputs, inline = execute(parsed, rootp, defaults)
    body_md = markdown.assemble(parsed, outputs, inline, defaults)
    toc = parsed.meta.get("toc", True) is not False
    toc_html, body, css = pandoc.to_html(body_md, page=rel, bibliography=rootp / bibliography if bibliography else None,
                                         toc=toc)
    return {"meta": parsed.meta, "toc": toc_html, "body": body, "css": css, "seconds": time.perf_counter() - start}


def _plain_text(markup: str) -> str:
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", markup, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def build(root: Path, out: Path | None = None, *, jobs: int = 2, use_cache: bool = True, log=print) -> dict:
    """Render every page under ``root`` into ``out``; return timing and page counts."""
    started = time.perf_counter()
    cfg = config.load(root)
    out = out or root / cfg.output_dir
    cache_dir = root / ".cache" / "qmdrender"
    cache_dir.mkdir(parents=True, exist_ok=True)
    env = environment_key(root)
    pages = cfg.pages()
    results: dict[str, dict] = {}
    todo = []
    for rel in pages:
        key = hashlib.sha256((env + rel + (root / rel).read_text(encoding="utf-8")).encode()).hexdigest()
        cached = cache_dir / f"{key}.json"
        if use_cache and cached.exists():
            results[rel] = json.loads(cached.read_text(encoding="utf-8"))
        else:
            todo.append((rel, cached))
    log(f"rendering {len(todo)} of {len(pages)} pages ({len(pages) - len(todo)} unchanged) with {jobs} workers")
    if todo:
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(render_page, str(root), rel, cfg.execute, cfg.bibliography): (rel, cached)
                       for rel, cached in todo}
            done = 0
            for future in concurrent.futures.as_completed(futures):
                rel, cached = futures[future]
                try:
                    result = future.result()
                except (CellError, pandoc.PandocError, ValueError) as exc:
                    for f in futures:
                        f.cancel()
                    raise BuildError(str(exc)) from None
                done += 1
                log(f"  [{done}/{len(todo)}] {rel} ({result['seconds']:.1f} s)")
                cached.write_text(json.dumps(result), encoding="utf-8")
                results[rel] = result
    _write_site(cfg, out, results)
    problems = check_links(out)
    if problems:
        raise BuildError("broken internal links:\n" + "\n".join(problems))
    seconds = time.perf_counter() - started
    log(f"built {len(pages)} pages into {out} in {seconds:.1f} s")
    return {"pages": len(pages), "rendered": len(todo), "seconds": seconds, "out": out}


def _write_site(cfg: config.SiteConfig, out: Path, results: dict[str, dict]) -> None:
    if out.exists():
        shutil.rmtree(out)
    (out / "assets").mkdir(parents=True)
    titles = {page.html_path(rel): str(r["meta"].get("title", rel)) for rel, r in results.items()}
    index = []
    for rel, r in sorted(results.items()):
        target = page.html_path(rel)
        dest = out / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(page.render(cfg, target, r["meta"], r["toc"], r["body"], titles), encoding="utf-8")
        index.append({"title": titles[target], "href": target, "text": _plain_text(r["body"])[:20000]})
    for asset in (HERE / "assets").iterdir():
        shutil.copy(asset, out / "assets" / asset.name)
    css = next((r["css"] for r in results.values() if r["css"]), "")
    (out / "assets" / "highlight.css").write_text(css, encoding="utf-8")
    (out / "assets" / "search-index.js").write_text("window.QR_SEARCH = " + json.dumps(index) + ";\n", encoding="utf-8")
    (out / ".nojekyll").write_text("", encoding="utf-8")


LINK = re.compile(r'(?:href|src)="([^"]+)"')


def check_links(out: Path) -> list[str]:
    """Every relative href/src in the output that points to a missing file or anchor."""
    problems = []
    ids: dict[Path, set[str]] = {}
    for file in sorted(out.rglob("*.html")):
        text = file.read_text(encoding="utf-8")
        ids[file.resolve()] = set(re.findall(r'\sid="([^"]+)"', text))
    for file in sorted(out.rglob("*.html")):
        for target in LINK.findall(file.read_text(encoding="utf-8")):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("//"):
                continue
            path, _, anchor = target.partition("#")
            dest = (file.parent / html.unescape(path)).resolve() if path else file.resolve()
            rel = file.relative_to(out).as_posix()
            if not dest.exists():
                problems.append(f"  {rel}: {target} (no such file)")
            elif anchor and dest.suffix == ".html" and anchor not in ids.get(dest, set()):
                problems.append(f"  {rel}: {target} (no element with id '{anchor}')")
    return problems


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m qmdrender", description="Render the Quarto site without Quarto.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root holding _quarto.yml")
    parser.add_argument("--out", type=Path, default=None, help="output directory (default: project output-dir)")
    parser.add_argument("--jobs", type=int, default=2, help="pages rendered in parallel (default 2)")
    parser.add_argument("--no-cache", action="store_true", help="execute every page even if unchanged")
    args = parser.parse_args(argv)
    try:
        report = build(args.root.resolve(), args.out, jobs=args.jobs, use_cache=not args.no_cache)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"open {report['out'] / 'index.html'}")
    return 0
