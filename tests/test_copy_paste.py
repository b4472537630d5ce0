"""What a reader copies with the pages' Copy buttons is the code the REPL test runs.

`test_pages.py` pastes each page's copyable code, read from the `.qmd`, into the standard Python REPL.  This
clicks every Copy button of every Python block in Chromium, folded figure code included, and checks that
the clipboard holds that same code, block by block and in order, so a passing REPL test speaks for the site.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pages import ROOT, copyable_code

pytestmark = pytest.mark.slow

# Python blocks a reader runs: not signatures (reference pages), not the engine's own source (the math page).
PYTHON_BLOCKS = "main div.sourceCode:has(> pre.python:not(.signature, .engine-source))"
COPY_ALL = """
async (selector) => {
  const copied = [];
  for (const block of document.querySelectorAll(selector)) {
    const button = block.querySelector(":scope > .copy-button");
    if (!button) { copied.push(null); continue; }
    button.click();
    for (let i = 0; i < 50 && !button.classList.contains("copied"); i++) {
      await new Promise(r => setTimeout(r, 10));
    }
    copied.push(await navigator.clipboard.readText());
    button.classList.remove("copied");
  }
  return copied;
}
"""


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip().splitlines() if line.strip()]


def test_the_copy_buttons_copy_the_code_the_repl_test_runs(chromium, site_url, site):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page = context.new_page()
    checked = 0
    for qmd in sorted(ROOT.rglob("*.qmd")):
        rel = qmd.relative_to(ROOT).as_posix()
        if rel.startswith((".", "_site")) or not (site / Path(rel).with_suffix(".html")).exists():
            continue
        expected = copyable_code(rel)
        page.goto(f"{site_url}/{Path(rel).with_suffix('.html').as_posix()}")
        page.wait_for_load_state("load")
        copied = page.evaluate(COPY_ALL, PYTHON_BLOCKS)
        assert None not in copied, f"{rel}: a Python block has no Copy button"
        assert _lines("\n".join(copied)) == _lines(expected), f"{rel}: the Copy buttons copy other code than the page's"
        checked += len(copied)
    context.close()
    assert checked > 100, f"only {checked} blocks copied"
