"""Every page's copyable code runs pasted in order into the standard Python REPL, using only the public API."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import mlsysim
from qmdrender import config, qmd

ROOT = Path(__file__).resolve().parents[1]
PAGES = config.load(ROOT).pages()
DISPLAY_BLOCK = re.compile(r"^```python\s*\n(.*?)^```", re.M | re.S)
PUBLIC_MODULES = {
    "mlsysim", "mlsysim.core.constants", "mlsysim.hardware.types", "mlsysim.models.registry",
    "mlsysim.systems.types", "mlsysim.systems.registry", "mlsysim.infra.registry", "mlsysim.infra.types",
    "mlsysim.infrastructure.registry", "mlsysim.solvers", "mlsysim.show", "mlsysim.zoo", "mlsysim.formulas",
    "mlsysim.sweep", "mlsysim.validation", "mlsysim.cost",
}


def _truthy(v) -> bool:
    return v not in (False, "false", 0, None)


def copyable_code(page: str) -> str:
    """The code a reader can copy from ``page``, in order: echoed cells and display-only blocks."""
    parsed = qmd.parse(page, (ROOT / page).read_text(encoding="utf-8"))
    defaults = {**config.load(ROOT).execute, **(parsed.meta.get("execute") or {})}
    parts = []
    for chunk in parsed.chunks:
        if isinstance(chunk, qmd.Cell):
            options = {**defaults, **chunk.options}
            if _truthy(options.get("echo", True)) and _truthy(options.get("include", True)):
                parts.append(chunk.code)
        else:
            parts.extend(DISPLAY_BLOCK.findall(chunk))
    return "\n\n".join(parts)


def all_code(page: str) -> str:
    parsed = qmd.parse(page, (ROOT / page).read_text(encoding="utf-8"))
    return "\n\n".join(c.code if isinstance(c, qmd.Cell) else "\n".join(DISPLAY_BLOCK.findall(c)) for c in parsed.chunks)


# Feeds each page's code to Python's own interactive console line by line, as a paste into the standard REPL
# does: a blank line ends an indented block, and a statement right after a block without one is a syntax error.
# stdin is a JSON list of [page, code]; each page gets a console of its own, with a namespace of its own.
REPL = """
import code, json, sys

class Console(code.InteractiveConsole):
    def showtraceback(self):
        super().showtraceback()
        self.failed = True

    def showsyntaxerror(self, filename=None, **kwargs):
        super().showsyntaxerror(filename)
        self.failed = True

failures = 0
for page, text in json.load(sys.stdin):
    console = Console(locals={"__name__": "__console__"})
    console.failed = False
    for number, line in enumerate(text.splitlines() + [""], 1):
        console.push(line)
        if console.failed:
            print(f"{page}: the paste failed at line {number}: {line!r}", file=sys.stderr)
            failures += 1
            break
sys.exit(min(failures, 1))
"""


def paste_into_the_repl(pages: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Each page's copyable code pasted into a Python REPL (one process, a fresh console per page)."""
    pasted = json.dumps([[page, copyable_code(page)] for page in pages])
    return subprocess.run([sys.executable, "-c", REPL], input=pasted, capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "MPLBACKEND": "Agg"}, timeout=600)


WRITTEN = [p for p in PAGES if not p.startswith("reference/")]


@pytest.mark.slow
@pytest.mark.parametrize("page", WRITTEN)
def test_copyable_code_runs_pasted_into_the_python_repl(page):
    if not copyable_code(page).strip():
        pytest.skip(f"{page} shows no code")
    done = paste_into_the_repl([page], ROOT / Path(page).parent)
    assert done.returncode == 0, f"{page}: pasted code failed:\n{done.stderr[-3000:]}"


@pytest.mark.slow
def test_every_reference_example_runs_pasted_into_the_python_repl(site):
    """The API reference's examples, one console each: the pages quartodoc writes when the site is built."""
    generated = [p for p in config.load(ROOT).pages() if p.startswith("reference/") and copyable_code(p).strip()]
    assert len(generated) > 100, f"only {len(generated)} reference pages with examples"
    done = paste_into_the_repl(generated, ROOT / "reference")
    assert done.returncode == 0, f"pasted examples failed:\n{done.stderr[-3000:]}"


@pytest.mark.parametrize("page", PAGES)
def test_pages_import_only_the_public_api(page):
    tree = ast.parse(re.sub(r"^\s*%.*$", "", all_code(page), flags=re.M))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mlsysim"):
            assert node.module in PUBLIC_MODULES, f"{page} imports from private module {node.module}"
            for alias in node.names:
                assert not alias.name.startswith("_"), f"{page} imports private name {alias.name}"
                if node.module == "mlsysim":
                    assert alias.name in mlsysim.__all__, f"{page} imports {alias.name}, not in mlsysim.__all__"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("mlsysim"):
                    assert alias.name in PUBLIC_MODULES, f"{page} imports private module {alias.name}"
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            pytest.fail(f"{page} reaches into private attribute .{node.attr}")
