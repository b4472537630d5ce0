"""Run a page's cells (and inline expressions) in a Jupyter kernel, in document order."""

from __future__ import annotations

import asyncio
import math
import os
import re
import tempfile
from pathlib import Path

import nbformat
from jupyter_client import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from .qmd import Cell, Page, PageError, inline_expressions

DEFAULT_TIMEOUT = 600  # seconds per cell, unless a page or _quarto.yml sets `execute: timeout:`

SETUP = """\
import matplotlib as _qr_mpl
_qr_mpl.rcdefaults()  # no matplotlibrc (the user's, the page directory's) changes the figures
%matplotlib inline
from IPython import get_ipython as _qr_ip
_qr_ip().run_line_magic("config", "InlineBackend.figure_formats = ['svg']")
_qr_mpl.rcParams.update({"figure.figsize": (7.0, 4.2), "svg.fonttype": "none", "figure.dpi": 100,
                         "svg.hashsalt": "qmdrender"})  # SVG element ids from content, not from a random salt
del _qr_ip, _qr_mpl
"""


class CellError(Exception):
    """A cell or inline expression raised, overran its timeout or killed its kernel: names the page and cell."""


class _Loop(asyncio.SelectorEventLoop):
    """An event loop that declines signal handlers: nbclient installs some that swallow SIGINT and SIGTERM."""

    def add_signal_handler(self, sig, callback, *args):
        raise RuntimeError("qmdrender leaves SIGINT and SIGTERM to the build")


def run(coroutine):
    """Run ``coroutine`` to completion; Ctrl-C cancels it, so every kernel it started is shut down."""
    with asyncio.Runner(loop_factory=_Loop) as runner:
        return runner.run(coroutine)


def _truthy(value) -> bool:
    return value not in (False, "false", "False", 0, None)


def _timeout(page: Page, options: dict) -> int:
    """The per-cell time limit in whole seconds, from the ``execute: timeout:`` option."""
    value = options.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise PageError(f"{page.path}: execute: timeout must be a positive number of seconds, got {value!r}")
    return math.ceil(value)


def _kernel_env(tmp: Path) -> dict[str, str]:
    """The kernel's environment: ours, with user-level IPython/Jupyter settings and hash seed taken out of play."""
    return {**os.environ, "IPYTHONDIR": str(tmp / "ipython"), "JUPYTER_CONFIG_DIR": str(tmp / "jupyter"),
            "PYTHONHASHSEED": "0",  # set and dict-of-set orders print the same in every build
            "SOURCE_DATE_EPOCH": "0"}  # matplotlib stamps this date, not today's, into each SVG


def _notebook(page: Page, execute_defaults: dict) -> tuple[nbformat.NotebookNode, list]:
    """The notebook to run, and what each of its cells is: None (set-up), a Cell, or (chunk number, expression)."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(SETUP))
    plan: list = [None]
    for chunk_no, chunk in enumerate(page.chunks):
        if isinstance(chunk, Cell):
            if _truthy({**execute_defaults, **chunk.options}.get("eval", True)):
                plan.append(chunk)
                nb.cells.append(nbformat.v4.new_code_cell(chunk.code))
        else:
            for expr in inline_expressions(chunk):
                plan.append((chunk_no, expr))
                nb.cells.append(nbformat.v4.new_code_cell(f"print(str({expr.strip()}), end='')"))
    return nb, plan


def _describe(page: Page, item) -> str:
    if item is None:
        return f"{page.path}: the kernel set-up"
    if isinstance(item, Cell):
        return f"{page.path}: cell {item.index} (line {item.line})"
    return f"{page.path}: inline expression `{{python}} {item[1]}`"


async def _run_cell(client: NotebookClient, index: int, where: str, timeout: int) -> None:
    """Execute notebook cell ``index``; a raise, an overrun or a dead kernel becomes a CellError naming ``where``."""
    cell = client.nb.cells[index]
    try:
        await client.async_execute_cell(cell, index)
    except CellTimeoutError:
        raise CellError(f"{where} did not finish within {timeout} s (execute: timeout); its kernel was stopped") from None
    except DeadKernelError:
        if asyncio.current_task().cancelling():  # nbclient reports its own cancellation as a dead kernel
            raise asyncio.CancelledError from None
        raise CellError(f"{where} killed its kernel (the kernel process exited while running it)") from None
    error = _error(cell)
    if error:
        raise CellError(f"{where} raised:\n{error}")


async def _run_notebook(page: Page, root: Path, nb: nbformat.NotebookNode, plan: list, timeout: int) -> None:
    """Execute every cell of ``nb`` in a fresh kernel, stopping at the first failure; the kernel never outlives it."""
    with tempfile.TemporaryDirectory(prefix="qmdrender-") as tmp:
        # IPC transport: no TCP ports, and no plain-text-over-TCP warning from every kernel.
        km = AsyncKernelManager(kernel_name="python3", transport="ipc", connection_file=f"{tmp}/kernel.json",
                                ip=f"{tmp}/kernel")
        client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=True,
                                resources={"metadata": {"path": str((root / page.path).parent)}})
        try:
            async with client.async_setup_kernel(env=_kernel_env(Path(tmp))):
                for index, item in enumerate(plan):
                    await _run_cell(client, index, _describe(page, item), timeout)
        finally:
            if km.has_kernel:  # the client only shuts down kernels it created itself
                await km.shutdown_kernel(now=True)


def merge_streams(outputs: list) -> list:
    """``outputs`` with consecutive stream outputs of the same name joined: how a kernel splits them is timing."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if prev and out.get("output_type") == prev.get("output_type") == "stream" and out["name"] == prev["name"]:
            merged[-1] = {**prev, "text": prev["text"] + out["text"]}
        else:
            merged.append(out)
    return merged


KERNEL_TMP = re.compile(r"[^\s\"'()]*/ipykernel_\d+/")


def tidy_stderr(outputs: list, root: Path) -> list:
    """``outputs`` with the build machine's paths cut out of what cells wrote to stderr (warnings name the file
    that raised them): the project root, and the kernel's per-process directory, whose name changes every run."""
    prefix = str(root).rstrip("/") + "/"
    tidied = []
    for out in outputs:
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            out = {**out, "text": KERNEL_TMP.sub("", out["text"].replace(prefix, ""))}
        tidied.append(out)
    return tidied


async def execute(page: Page, root: Path, execute_defaults: dict) -> tuple[dict[int, list], list[list[str]]]:
    """Execute ``page``; return outputs per cell index and the inline values per markdown chunk."""
    nb, plan = _notebook(page, execute_defaults)
    outputs: dict[int, list] = {}
    inline: list[list[str]] = [[] for _ in page.chunks]
    if len(plan) == 1:
        return outputs, inline
    await _run_notebook(page, root, nb, plan, _timeout(page, execute_defaults))
    for item, cell in zip(plan[1:], nb.cells[1:], strict=True):
        if isinstance(item, Cell):
            outputs[item.index] = tidy_stderr(merge_streams(cell.outputs), root)
        else:
            inline[item[0]].append("".join(o.get("text", "") for o in cell.outputs
                                           if o.output_type == "stream" and o.name == "stdout"))
    return outputs, inline


def _error(cell) -> str | None:
    for out in cell.outputs:
        if out.output_type == "error":
            tb = "\n".join(out.traceback)
            return re.sub(r"\x1b\[[0-9;]*m", "", tb)
    return None
