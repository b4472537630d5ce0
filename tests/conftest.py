"""Shared fixtures: the bibliography's keys, the built site, and the site served to Debian's Chromium."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from site_server import serve

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def bib_keys() -> set[str]:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    return set(re.findall(r"@\w+\{([^,\s]+),", text))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The whole site, built once per test session into a temporary directory."""
    from qmdrender import build

    out = tmp_path_factory.mktemp("site")
    build.build(ROOT, out, jobs=2, log=lambda _msg: None)
    return out


@pytest.fixture(scope="session")
def site_url(site):
    """The built site served over HTTP on a free local port, for the browser tests."""
    httpd, url = serve(site)
    yield url
    httpd.shutdown()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium driven by Playwright (never a browser download).  Module-scoped: Playwright's sync API
    keeps an event loop running while it is open, and the renderer's tests need none running."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.fail("Debian's chromium is not installed: run `make browser` (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    tried = getattr(config, "fuzz_tried", None)
    if tried:
        terminalreporter.write_line(
            f"fuzz: {tried['valid'] + tried['invalid']} inputs tried "
            f"({tried['valid']} valid, {tried['invalid']} invalid)")
    hostile = getattr(config, "hostile_tried", None)
    if hostile:
        terminalreporter.write_line(
            f"hostile: {hostile['answered'] + hostile['refused']:,} calls with a hostile argument or none "
            f"({hostile['answered']:,} answered with finite numbers, {hostile['refused']:,} refused with the "
            f"project's error), 0 foreign exceptions, slowest {hostile['slowest_s']:.2f} s")
