"""The built site in Debian's Chromium, driven by Playwright: loads, navigation, copy, search."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parents[1] / "test-output"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make browser` (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    pg = context.new_page()
    pg.problems = []
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("requestfailed", lambda r: pg.problems.append(f"failed request: {r.url}"))
    pg.on("response", lambda r: pg.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    yield pg
    context.close()


def test_every_page_loads_cleanly(page, server, site):
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        page.goto(f"{server}/{rel}")
        page.wait_for_load_state("load")
        assert page.title(), rel
    assert page.problems == []


def test_sidebar_navigates(page, server):
    page.goto(f"{server}/index.html")
    page.click(".sidebar >> text=Hardware")
    page.wait_for_url("**/zoo/hardware.html")
    assert page.locator("h1.title").inner_text() == "Hardware"
    assert page.locator(".sidebar a.active").inner_text() == "Hardware"


def test_copy_button_copies_the_code(page, server):
    page.goto(f"{server}/getting-started.html")
    block = page.locator("div.sourceCode", has_text="from mlsysim import Engine, Hardware, Models").first
    block.hover()
    block.locator(".copy-button").click()
    page.wait_for_function("document.querySelector('.copy-button.copied') !== null")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "from mlsysim import Engine, Hardware, Models" in copied


def _word_only_in(site, target: str) -> str:
    import json
    import re

    index = json.loads((site / "assets/search-index.js").read_text().split("=", 1)[1].rstrip().rstrip(";"))
    texts = {p["href"]: (p["title"] + " " + p["text"]).lower() for p in index}
    for word in sorted(set(re.findall(r"[a-z]{8,}", texts[target]))):
        if not any(word in text for href, text in texts.items() if href != target):
            return word
    raise AssertionError(f"{target} has no word of its own")


def test_search_finds_a_page_by_a_word_only_it_contains(page, server, site):
    word = _word_only_in(site, "concepts/math.html")
    page.goto(f"{server}/index.html")
    page.fill("#search-input", word)
    hits = page.locator("#search-results a")
    hits.first.wait_for()
    assert "The math the engine uses" in hits.all_inner_texts()[0]
    hits.first.click()
    page.wait_for_url("**/concepts/math.html")


def test_screenshots(page, server):
    OUTPUT.mkdir(exist_ok=True)
    for name, rel in [("index", "index.html"), ("zoo-hardware", "zoo/hardware.html")]:
        page.goto(f"{server}/{rel}")
        page.wait_for_load_state("load")
        page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)
        assert (OUTPUT / f"{name}.png").stat().st_size > 10_000
