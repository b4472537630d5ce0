"""Run a page's cells (and inline expressions) in a Jupyter kernel, in document order."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import nbformat
from jupyter_client import KernelManager
from nbclient import NotebookClient

from .qmd import Cell, Page, inline_expressions

SETUP = """\
%matplotlib inline
from IPython import get_ipython as _qr_ip
_qr_ip().run_line_magic("config", "InlineBackend.figure_formats = ['svg']")
import matplotlib as _qr_mpl
_qr_mpl.rcParams.update({"figure.figsize": (7.0, 4.2), "svg.fonttype": "none", "figure.dpi": 100})
del _qr_ip, _qr_mpl
"""


class CellError(Exception):
    """A cell or inline expression raised: carries the page, cell and traceback."""


def _truthy(value) -> bool:
    return value not in (False, "false", "False", 0, None)


def execute(page: Page, root: Path, execute_defaults: dict) -> tuple[dict[int, list], list[list[str]]]:
    """Execute ``page``; return outputs per cell index and the inline values per markdown chunk."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(SETUP))
    plan: list[tuple[str, object]] = []  # ("cell", Cell) or ("inline", (chunk_no, expr))
    for chunk_no, chunk in enumerate(page.chunks):
        if isinstance(chunk, Cell):
            options = {**execute_defaults, **chunk.options}
            if not _truthy(options.get("eval", True)):
                continue
            plan.append(("cell", chunk))
            nb.cells.append(nbformat.v4.new_code_cell(chunk.code))
        else:
            for expr in inline_expressions(chunk):
                plan.append(("inline", (chunk_no, expr)))
                nb.cells.append(nbformat.v4.new_code_cell(f"print(str({expr.strip()}), end='')"))
    if len(nb.cells) == 1:
        return {}, [[] for _ in page.chunks]
    # IPC transport: no TCP ports, and no plain-text-over-TCP warning from every kernel.
    km = KernelManager(kernel_name="python3", transport="ipc")
    client = NotebookClient(
        nb, km=km, timeout=600, allow_errors=True,
        resources={"metadata": {"path": str((root / page.path).parent)}},
    )
    with tempfile.TemporaryDirectory(prefix="qmdrender-") as sockets:
        km.connection_file = str(Path(sockets) / "kernel.json")
        km.ip = str(Path(sockets) / "kernel")
        try:
            client.execute()
        finally:
            if km.has_kernel:  # the client only shuts down kernels it created itself
                km.shutdown_kernel(now=True)
    outputs: dict[int, list] = {}
    inline: list[list[str]] = [[] for _ in page.chunks]
    setup_error = _error(nb.cells[0])
    if setup_error:
        raise CellError(f"{page.path}: the kernel set-up failed:\n{setup_error}")
    for (kind, item), cell in zip(plan, nb.cells[1:], strict=True):
        error = _error(cell)
        if kind == "cell":
            if error:
                raise CellError(f"{page.path}: cell {item.index} (line {item.line}) raised:\n{error}")
            outputs[item.index] = cell.outputs
        else:
            chunk_no, expr = item
            if error:
                raise CellError(f"{page.path}: inline expression `{{python}} {expr}` raised:\n{error}")
            inline[chunk_no].append("".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream"
                                            and o.name == "stdout"))
    return outputs, inline


def _error(cell) -> str | None:
    for out in cell.outputs:
        if out.output_type == "error":
            tb = "\n".join(out.traceback)
            return re.sub(r"\x1b\[[0-9;]*m", "", tb)
    return None
