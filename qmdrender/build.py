"""Render the whole site: run the pre-render commands, execute pages concurrently (unchanged ones come from the
cache), check links, index the site with Pagefind, publish ``_site/``."""

from __future__ import annotations

import asyncio
import html
import json
import re
import shutil
import signal
import sys
import time
from pathlib import Path

import yaml

from . import cache, config, markdown, page, pandoc, prerender, publish, qmd, search
from .execute import CellError, execute, run

HERE = Path(__file__).parent


class BuildError(Exception):
    """The site cannot be built as written: the message names the page and the problem."""


FOLD_OPTIONS = ("code-fold", "code-summary")  # format options that act on each cell, as its `#|` options can


async def render_page(root: Path, rel: str, text: str, cfg: config.SiteConfig) -> dict:
    """Execute and convert one page."""
    start = time.perf_counter()
    parsed = qmd.parse(rel, text)
    defaults = {**cfg.execute, **(parsed.meta.get("execute") or {})}
    outputs, inline = await execute(parsed, root, defaults)
    fold = {k: v for k in FOLD_OPTIONS if (v := config.format_option(parsed.meta, cfg.html, k)) is not None}
    body_md = markdown.assemble(parsed, outputs, inline, {**defaults, **fold})
    toc = config.format_option(parsed.meta, cfg.html, "toc", False) not in (False, None, "false")
    depth = config.format_option(parsed.meta, cfg.html, "toc-depth", 3)
    bibliography = root / cfg.bibliography if cfg.bibliography else None
    toc_html, body, css = await asyncio.to_thread(
        pandoc.to_html, body_md, page=rel, bibliography=bibliography, toc=toc, toc_depth=int(depth))
    meta = json.loads(json.dumps(parsed.meta, default=str))  # as the cache will hold it (dates become strings)
    return {"meta": meta, "toc": toc_html, "body": body, "css": css, "seconds": time.perf_counter() - start}


async def _render_all(root: Path, cfg: config.SiteConfig, todo: dict[str, tuple[str, Path]], jobs: int,
                      log) -> dict[str, dict]:
    """Render the pages of ``todo`` (page → (text, cache entry)), ``jobs`` at a time, caching each result.

    The first failure cancels the rest; a cancelled page shuts its kernel down before this returns."""
    slots = asyncio.Semaphore(jobs)

    async def one(rel: str) -> tuple[str, dict]:
        async with slots:
            return rel, await render_page(root, rel, todo[rel][0], cfg)

    tasks = [asyncio.create_task(one(rel)) for rel in todo]
    results: dict[str, dict] = {}
    try:
        for finished in asyncio.as_completed(tasks):
            rel, result = await finished
            cache.store(todo[rel][1], result)
            results[rel] = result
            log(f"  [{len(results)}/{len(todo)}] {rel} ({result['seconds']:.1f} s)")
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return results


def _read_page(root: Path, rel: str) -> str:
    try:
        return qmd.decode(rel, (root / rel).read_bytes())
    except qmd.PageError as exc:
        raise BuildError(str(exc)) from None


def _render(root: Path, cfg: config.SiteConfig, cache_dir: Path, jobs: int, use_cache: bool,
            log) -> tuple[dict[str, dict], int]:
    """Every page's result, sorted by page (from the cache when unchanged), and how many were rendered."""
    environment = cache.environment_key(root, cfg.bibliography)
    texts = {rel: _read_page(root, rel) for rel in cfg.pages()}
    results: dict[str, dict] = {}
    todo: dict[str, tuple[str, Path]] = {}
    for rel, text in texts.items():
        entry = cache_dir / f"{cache.page_key(environment, rel, text)}.json"
        cached = cache.load(entry) if use_cache else None
        if cached is None:
            todo[rel] = (text, entry)
        else:
            results[rel] = cached
    log(f"rendering {len(todo)} of {len(texts)} pages ({len(results)} unchanged), {jobs} at a time")
    if todo:
        try:
            results |= run(_render_all(root, cfg, todo, jobs, log))
        except (CellError, pandoc.PandocError, qmd.PageError) as exc:
            raise BuildError(str(exc)) from None
    return {rel: results[rel] for rel in sorted(results)}, len(todo)


def _load_config(root: Path) -> config.SiteConfig:
    try:
        return config.load(root)
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise BuildError(f"{root / '_quarto.yml'}: cannot be read: {' '.join(str(exc).split())}") from None


def build(root: Path, out: Path | None = None, *, jobs: int = 2, use_cache: bool = True, log=print) -> dict:
    """Render every page under ``root`` into ``out`` (default: the output-dir); return timing and page counts.

    One build of a project runs at a time: a second one waits for the first.  ``project: pre-render:`` runs
    first, so the pages it writes are rendered too.  The site is written beside ``out``, checked and indexed for
    search there; only a site that passes replaces ``out``, so a failed, interrupted or killed build leaves the
    previous site in place.  ``use_cache=False`` executes every page and runs Pagefind again."""
    if jobs < 1:
        raise BuildError(f"jobs must be at least 1, got {jobs}")
    started = time.perf_counter()
    cfg = _load_config(root)
    out = Path(out or root / cfg.output_dir).resolve()
    cache_dir = root / ".cache" / "qmdrender"
    with publish.lock(cache_dir / "build.lock", log):
        publish.recover(out)
        cache.sweep(cache_dir)
        try:
            prerender.run(root, cfg.pre_render, cfg.output_dir, log)
        except prerender.PreRenderError as exc:
            raise BuildError(str(exc)) from None
        results, rendered = _render(root, cfg, cache_dir, jobs, use_cache, log)
        _publish(cfg, out, results, cache_dir, use_cache, log)
    seconds = time.perf_counter() - started
    log(f"built {len(results)} pages into {out} in {seconds:.1f} s")
    return {"pages": len(results), "rendered": rendered, "seconds": seconds, "out": out}


def _publish(cfg: config.SiteConfig, out: Path, results: dict[str, dict], cache_dir: Path, use_cache: bool,
             log) -> None:
    """Write the site beside ``out``, check it, index it for search, and swap it in only if every internal
    link resolves and Pagefind indexed it."""
    new = publish.staging(out)
    try:
        _write_site(cfg, new, results)
        problems = check_links(new)
        if problems:
            raise BuildError("broken internal links: " + "; ".join(problems))
        try:
            search.index(new, cache_dir, log, reuse=use_cache)
        except search.SearchError as exc:
            raise BuildError(str(exc)) from None
        publish.swap(new, out)
    finally:
        publish.recover(out)  # whatever stopped us, and wherever: the previous site or the new one is at ``out``


def _write_site(cfg: config.SiteConfig, out: Path, results: dict[str, dict]) -> None:
    """Write the pages and assets of ``results`` (sorted by page) into the empty directory ``out``."""
    (out / "assets").mkdir()
    titles = {page.html_path(rel): str(r["meta"].get("title", rel)) for rel, r in results.items()}
    for rel, r in results.items():
        target = page.html_path(rel)
        dest = out / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(page.render(cfg, target, r["meta"], r["toc"], r["body"], titles), encoding="utf-8")
    for asset in (HERE / "assets").iterdir():
        shutil.copy(asset, out / "assets" / asset.name)
    css = next((r["css"] for r in results.values() if r["css"]), "")
    (out / "assets" / "highlight.css").write_text(css, encoding="utf-8")
    (out / ".nojekyll").write_text("", encoding="utf-8")


LINK = re.compile(r'(?:href|src)="([^"]+)"')


def check_links(out: Path) -> list[str]:
    """Every relative href/src in the output that points to a missing file or anchor, or out of the site."""
    problems = []
    site = out.resolve()
    texts = {file: file.read_text(encoding="utf-8") for file in sorted(out.rglob("*.html"))}
    ids = {file.resolve(): set(re.findall(r'\sid="([^"]+)"', text)) for file, text in texts.items()}
    for file, text in texts.items():
        for target in LINK.findall(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("//"):
                continue
            path, _, anchor = target.partition("#")
            dest = (file.parent / html.unescape(path)).resolve() if path else file.resolve()
            rel = file.relative_to(out).as_posix()
            if not dest.is_relative_to(site):
                problems.append(f"{rel}: {target} (outside the site)")
            elif not dest.exists():
                problems.append(f"{rel}: {target} (no such file)")
            elif anchor and dest.suffix == ".html" and anchor not in ids.get(dest, set()):
                problems.append(f"{rel}: {target} (no element with id '{anchor}')")
    return problems


class Terminated(KeyboardInterrupt):
    """SIGTERM: stops a build the way Ctrl-C does."""


def _terminate(signum, frame):
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """The command line: 0 when the site was published, 1 with a one-line ``error:`` when it was not,
    130 after Ctrl-C and 143 after SIGTERM (kernels stopped, previous site left in place)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m qmdrender", description="Render the Quarto site without Quarto.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root holding _quarto.yml")
    parser.add_argument("--out", type=Path, default=None, help="output directory (default: project output-dir)")
    parser.add_argument("--jobs", type=int, default=2, help="pages rendered in parallel (default 2)")
    parser.add_argument("--no-cache", action="store_true",
                        help="execute every page and index the site again, even if unchanged")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        report = build(args.root.resolve(), args.out, jobs=args.jobs, use_cache=not args.no_cache)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print("error: interrupted; the previous site was left in place", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    print(f"open {report['out'] / 'index.html'}")
    return 0
