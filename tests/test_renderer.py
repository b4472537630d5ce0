"""The renderer cannot hang, publish a broken or partial site, or publish stale or nondeterministic pages.

Each test builds a tiny throwaway project in ``tmp_path``; kernels start only where a test needs one.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from qmdrender import build, cache, config, nav, publish, qmd, search
from qmdrender.execute import merge_streams, tidy_stderr

ROOT = Path(__file__).resolve().parents[1]
QUIET = {"log": lambda _msg: None}


def _project(tmp_path: Path, pages: dict[str, str | bytes], timeout: float | None = None) -> Path:
    """A project with a minimal _quarto.yml and ``pages`` (text is dedented; bytes are written as they are)."""
    execute = f"execute:\n  timeout: {timeout}\n" if timeout else ""
    (tmp_path / "_quarto.yml").write_text(f'project:\n  output-dir: _site\nwebsite:\n  title: "T"\n{execute}')
    for name, text in pages.items():
        data = text if isinstance(text, bytes) else textwrap.dedent(text).encode()
        (tmp_path / name).write_bytes(data)
    return tmp_path


def _files(top: Path) -> dict[str, bytes]:
    return {p.relative_to(top).as_posix(): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


def _leftovers(root: Path) -> list[str]:
    """Staging or backup directories a build left beside the output."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith("._site"))


def _old_site(root: Path) -> dict[str, bytes]:
    """Publish a previous site by hand and return its files."""
    (root / "_site").mkdir()
    (root / "_site/index.html").write_text("<p>the previous site</p>")
    return _files(root / "_site")


def _cli(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "qmdrender", "--root", str(root), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _live_kernels(parent: int) -> list[int]:
    """Running (not zombie) ipykernel processes whose parent is ``parent``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, ppid = stat.read_text().rsplit(")", 1)[1].split()[:2]
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(ppid) == parent and state != "Z" and b"ipykernel" in cmdline:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


# --- 1. cells that never finish or kill their kernel --------------------------------------

LOOP_PAGE = """\
    ---
    title: "Loop"
    ---

    Some text.

    ```{python}
    x = 1
    ```

    ```{python}
    CODE
    ```
    """


@pytest.mark.parametrize(("code", "message"), [
    ("while True:\n    pass", r"^loop\.qmd: cell 2 \(line 11\) did not finish within 2 s \(execute: timeout\)"),
    ("import os; os._exit(1)", r"^loop\.qmd: cell 2 \(line 11\) killed its kernel"),
])
def test_a_cell_that_hangs_or_kills_its_kernel_fails_the_build_naming_page_and_line(tmp_path, code, message):
    root = _project(tmp_path, {"loop.qmd": LOOP_PAGE.replace("CODE", code.replace("\n", "\n    "))}, timeout=2)
    start = time.monotonic()
    with pytest.raises(build.BuildError, match=message):
        build.build(root, **QUIET)
    assert time.monotonic() - start < 20
    assert _live_kernels(os.getpid()) == []
    assert not (root / "_site").exists() and _leftovers(root) == []


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGKILL, -9)])
def test_a_signal_stops_the_build_and_its_kernels_and_keeps_the_previous_site(tmp_path, sig, status):
    root = _project(tmp_path, {"index.qmd": "```{python}\nopen('running', 'w').close()\nwhile True:\n    pass\n```\n"})
    previous = _old_site(root)
    proc = _cli(root)
    try:
        assert _wait_for(lambda: (root / "running").exists(), 30), "the cell never started"
        kernels = _live_kernels(proc.pid)
        assert len(kernels) == 1
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=15)
    finally:
        proc.kill()
    assert proc.returncode == status
    if sig != signal.SIGKILL:
        assert err == "error: interrupted; the previous site was left in place\n"
    assert _wait_for(lambda: not any(_alive(k) for k in kernels), 5), "a kernel outlived the build"
    assert _files(root / "_site") == previous
    if sig != signal.SIGKILL:  # a killed build cannot tidy up; the next one does (see test_recover_...)
        assert _leftovers(root) == []


# --- 2. the cache ---------------------------------------------------------------------------

def test_a_corrupt_cache_entry_is_discarded_and_the_page_rebuilt(tmp_path):
    root = _project(tmp_path, {"index.qmd": "# Hello\n\nA page without cells.\n"})
    assert build.build(root, **QUIET)["rendered"] == 1
    expected = _files(root / "_site")
    [entry] = (root / ".cache/qmdrender").glob("*.json")
    good = entry.read_bytes()
    for bad in [good[: len(good) // 2], b"{}", b'{"meta": {}, "toc": 1}', b"[]", b"\xff\xfe", b""]:
        entry.write_bytes(bad)
        assert build.build(root, **QUIET)["rendered"] == 1, bad
        assert _files(root / "_site") == expected
        assert cache.load(entry) is not None
    assert build.build(root, **QUIET)["rendered"] == 0


def test_cache_entries_are_written_atomically(tmp_path):
    entry = tmp_path / "key.json"
    cache.store(entry, {"meta": {}, "toc": "", "body": "<p>x</p>", "css": "", "seconds": 0.1})
    assert cache.load(entry)["body"] == "<p>x</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["key.json"]  # no temporary file left behind


def test_the_cache_key_covers_config_package_data_bibliography_and_renderer(tmp_path, monkeypatch):
    root = _project(tmp_path, {"refs.bib": b"@misc{a, title={A}}\n"})
    renderer = tmp_path / "renderer"
    for path in ["mlsysim/core.py", "mlsysim/data/validation.json", "mlsysim/zoo/gpus.yaml",
                 "renderer/build.py", "renderer/template.html", "renderer/assets/site.css"]:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("original")
    monkeypatch.setattr(cache, "HERE", renderer)
    key = lambda: cache.environment_key(root, "refs.bib")  # noqa: E731
    before = key()
    for path in ["_quarto.yml", "refs.bib", "mlsysim/core.py", "mlsysim/data/validation.json",
                 "mlsysim/zoo/gpus.yaml", "renderer/template.html", "renderer/assets/site.css"]:
        original = (tmp_path / path).read_bytes()
        (tmp_path / path).write_bytes(original + b" edited")
        assert key() != before, f"editing {path} does not invalidate the cache"
        (tmp_path / path).write_bytes(original)
    (tmp_path / "mlsysim/__pycache__").mkdir()
    (tmp_path / "mlsysim/__pycache__/core.cpython-311.pyc").write_bytes(b"bytecode")
    assert key() == before


def test_an_unchanged_site_is_not_indexed_again(tmp_path, monkeypatch):
    root = _project(tmp_path, {"index.qmd": "# Home\n\nA pipeline bubble.\n"})
    runs = []
    index = search._run_pagefind
    monkeypatch.setattr(search, "_run_pagefind", lambda site: (runs.append(site), index(site)))
    build.build(root, **QUIET)
    first = _files(root / "_site/pagefind")
    assert build.build(root, **QUIET)["rendered"] == 0 and len(runs) == 1
    assert _files(root / "_site/pagefind") == first  # the same index, from the cache
    (root / "index.qmd").write_text("# Home\n\nSomething else.\n")
    build.build(root, **QUIET)
    assert len(runs) == 2 and _files(root / "_site/pagefind") != first


# --- 3. publishing --------------------------------------------------------------------------

def test_a_broken_link_leaves_the_previous_site_untouched(tmp_path):
    root = _project(tmp_path, {"index.qmd": "# Home\n\n[About](about.qmd)\n", "about.qmd": "# About\n"})
    build.build(root, **QUIET)
    previous = _files(root / "_site")
    (root / "about.qmd").write_text("# About\n\n[Nowhere](missing.qmd) and [Up](../outside.html)\n")
    with pytest.raises(build.BuildError, match=r"^broken internal links: about\.html: missing\.html \(no such file\); "
                                               r"about\.html: \.\./outside\.html \(outside the site\)$"):
        build.build(root, **QUIET)
    assert _files(root / "_site") == previous
    assert _leftovers(root) == []


def test_recover_restores_the_site_a_killed_build_had_moved_aside(tmp_path):
    out = tmp_path / "_site"
    (tmp_path / "._site.old").mkdir()
    (tmp_path / "._site.old/index.html").write_text("previous")
    (tmp_path / "._site.new").mkdir()
    (tmp_path / "._site.new/half.html").write_text("half-written")
    publish.recover(out)
    assert _files(out) == {"index.html": b"previous"}
    assert _leftovers(tmp_path) == []


def test_concurrent_builds_queue_and_end_with_one_complete_site(tmp_path):
    pages = {f"p{i}.qmd": f"# Page {i}\n\n[Home](index.qmd)\n" for i in range(4)}
    root = _project(tmp_path, {"index.qmd": "# Home\n", **pages})
    lock = root / ".cache/qmdrender/build.lock"
    lock.parent.mkdir(parents=True)
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a build of our own is running
        procs = [_cli(root, "--no-cache") for _ in range(2)]
        for proc in procs:
            assert "waiting for another build" in proc.stdout.readline()
        assert not (root / "_site").exists()
    for proc in procs:
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    files = sorted(_files(root / "_site"))
    assert [f for f in files if f.endswith(".html")] == ["index.html", "p0.html", "p1.html", "p2.html", "p3.html"]
    assert {"assets/site.css", "assets/search.js", "pagefind/pagefind.js", ".nojekyll"} <= set(files)
    assert _leftovers(root) == []


# --- 6. determinism, and kernels isolated from the user's settings ---------------------------

DETERMINISM_PAGE = """\
    ```{python}
    #| echo: false
    assert "qr_from_startup_file" not in globals(), "a user's IPython startup file ran"
    import matplotlib
    assert matplotlib.rcParams["lines.linewidth"] == 1.5, "a matplotlibrc changed the figures"
    ```

    ```{python}
    import time
    words = {"alpha", "beta", "gamma", "delta", "epsilon"}
    print(words, flush=True)
    time.sleep(0.2)
    print("after a pause")
    ```

    ```{python}
    import matplotlib.pyplot as plt
    plt.plot([0, 1, 2], [0, 1, 4], "o-")
    plt.show()
    ```

    A set prints in the same order in every build: `{python} str(words)`.
    """


def test_identical_builds_give_byte_identical_html(tmp_path, monkeypatch):
    root = _project(tmp_path, {"index.qmd": DETERMINISM_PAGE, "other.qmd": "Two is `{python} 1 + 1`.\n"})
    (root / "matplotlibrc").write_text("lines.linewidth: 9\n")
    startup = tmp_path / "ipython/profile_default/startup"
    startup.mkdir(parents=True)
    (startup / "00-user.py").write_text("qr_from_startup_file = True\n")
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    build.build(root, **QUIET)
    first = _files(root / "_site")
    assert build.build(root, use_cache=False, **QUIET)["rendered"] == 2
    assert _files(root / "_site") == first
    html = first["index.html"].decode()
    assert html.count('class="cell-output cell-output-stdout"') == 1 and "\nafter a pause" in html  # writes merged


def test_consecutive_streams_of_the_same_name_are_merged():
    out = lambda name, text: {"output_type": "stream", "name": name, "text": text}  # noqa: E731
    image = {"output_type": "display_data", "data": {"text/plain": "fig"}}
    merged = merge_streams([out("stdout", "a"), out("stdout", "b"), out("stderr", "w"), out("stdout", "c"), image,
                            out("stdout", "d")])
    assert [o.get("text") for o in merged] == ["ab", "w", "c", None, "d"]


# --- 7. and 8. line numbers, unreadable pages, the command line ------------------------------

def test_cell_lines_are_counted_from_the_top_of_the_file():
    text = "---\ntitle: T\nexecute:\n  echo: false\n---\n\n\nText.\n\n```{python}\nx = 1\n```\n"
    [cell] = [c for c in qmd.parse("p.qmd", text).chunks if isinstance(c, qmd.Cell)]
    assert text.split("\n")[cell.line - 1] == "```{python}"
    with pytest.raises(qmd.PageError, match=r"^p\.qmd:10: unclosed"):
        qmd.parse("p.qmd", text.replace("x = 1\n```\n", "x = 1\n"))


@pytest.mark.parametrize(("data", "message"), [
    (b"", r"^bad\.qmd: the page is empty"),
    (b" \n\t\n", r"^bad\.qmd: the page is empty"),
    (b"# Caf\xe9\n", r"^bad\.qmd:1: not valid UTF-8"),
    (b"---\ntitle: [unclosed\n---\nText.\n", r"^bad\.qmd: invalid YAML front matter"),
])
def test_empty_undecodable_or_malformed_pages_are_refused_naming_the_file(tmp_path, data, message):
    root = _project(tmp_path, {"index.qmd": "# Home\n", "bad.qmd": data})
    with pytest.raises(build.BuildError, match=message):
        build.build(root, **QUIET)
    assert not (root / "_site").exists()


def test_the_command_line_reports_a_failure_in_one_line(tmp_path):
    root = _project(tmp_path, {"index.qmd": b"\xff\n"})
    proc = _cli(root)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert err.startswith("error: index.qmd:1: not valid UTF-8") and err.count("\n") == 1


# --- 9. pieces that need no kernel: stderr, navigation order -----------------------------------

def test_stderr_loses_the_build_machines_paths(tmp_path):
    out = {"output_type": "stream", "name": "stderr",
           "text": f"/tmp/ipykernel_4242/3208438427.py:2: UserWarning: careful\n"
                   f"{tmp_path}/mlsysim/hardware/types.py:9: PrecisionFallbackWarning: slow\n"}
    [tidied] = tidy_stderr([out], tmp_path)
    assert tidied["text"] == ("3208438427.py:2: UserWarning: careful\n"
                              "mlsysim/hardware/types.py:9: PrecisionFallbackWarning: slow\n")


def test_sidebar_order_lists_each_page_once_with_its_sections(tmp_path):
    (tmp_path / "_quarto.yml").write_text(textwrap.dedent("""\
        website:
          sidebar:
            contents:
              - index.qmd
              - section: "Guide"
                href: guide/index.qmd
                contents:
                  - text: "All of it"
                    href: guide/index.qmd
                  - guide/a.qmd
              - section: "More"
                contents:
                  - index.qmd
                  - text: "Elsewhere"
                    href: https://example.org
                  - guide/b.qmd
        """))
    entries = nav.entries(config.load(tmp_path).sidebar)
    assert [(e.path, [s.text for s in e.sections]) for e in entries] == [
        ("index.html", []), ("guide/index.html", []), ("guide/a.html", ["Guide"]), ("guide/b.html", ["More"])]
