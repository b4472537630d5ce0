"""Display helpers: rich HTML in a notebook or rendered page, aligned text in a terminal.

`table`, `info` and `banner` are what pages and snippets call; results
use `format_value` for their own `str()` and HTML views.  This is the
only module that prints.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

from .core.units import ureg

# Eight colours that stay distinct for readers with any common colour-vision deficiency, in the order figures use
# them for series: black, orange, sky blue, bluish green, yellow, blue, vermilion, reddish purple [@okabe2008color].
COLORS = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")


def format_value(value: Any) -> str:
    """A short, readable string for a Quantity, number, bool or text: what tables and results print.

    Quantities print in short form (`0.54 ms`); large numbers get thousands separators, very large or
    very small ones an exponent, others four significant figures.

    Args:
        value: a Quantity, a number, a bool, None, a dict (shown as `key=value` pairs) or anything else
            (shown with `str`).

    Returns:
        The text.

    Example:
        >>> from mlsysim import Q_, show
        >>> show.format_value(Q_(0.5432, "ms")), show.format_value(1843.27), show.format_value(2.5e-7)
        ('0.5432 ms', '1,843', '2.500e-07')
    """
    if isinstance(value, ureg.Quantity):
        return f"{_number(value.magnitude)} {value.units:~P}".strip()
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={format_value(v)}" for k, v in value.items())
    return str(value)


def _number(x: Any) -> str:
    if not isinstance(x, (int, float)) or isinstance(x, bool):
        return str(x)
    if isinstance(x, int) and abs(x) < 10**15:
        return f"{x:,}"
    if not math.isfinite(x):
        return str(x)
    if x != 0 and (abs(x) >= 1e15 or abs(x) < 1e-3):
        return f"{x:.3e}"
    if abs(x) >= 1e3:
        return f"{x:,.0f}"
    return f"{x:.4g}"


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _emit(text: str, markup: str) -> None:
    if _in_notebook():
        from IPython.display import HTML, display

        display(HTML(markup))
    else:
        print(text)


def table_text(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> str:
    """The table as aligned plain text (`align`: one of `<`, `>`, `^` per column)."""
    cells = [[format_value(c) for c in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in cells)) if cells else len(str(h)) for i, h in enumerate(headers)]
    marks = _alignments(align, cells, len(headers))
    line = "  ".join(f"{h:{m}{w}}" for h, m, w in zip(headers, marks, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(f"{c:{m}{w}}" for c, m, w in zip(r, marks, widths, strict=True)) for r in cells]
    return "\n".join([line, rule, *body])


def table_html(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> str:
    """The table as an HTML `<table class="mlsysim-table">`."""
    cells = [[format_value(c) for c in row] for row in rows]
    css = {"<": "left", ">": "right", "^": "center"}
    marks = [css[m] for m in _alignments(align, cells, len(headers))]
    head = "".join(f'<th style="text-align:{m}">{html.escape(str(h))}</th>' for h, m in zip(headers, marks, strict=True))
    body = "".join(
        "<tr>" + "".join(f'<td style="text-align:{m}">{html.escape(c)}</td>' for c, m in zip(r, marks, strict=True)) + "</tr>"
        for r in cells
    )
    return f'<table class="mlsysim-table table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _alignments(align: str | None, cells: list[list[str]], n: int) -> list[str]:
    from .core.errors import InvalidArgumentError

    for row in cells:
        if len(row) != n:
            raise InvalidArgumentError("rows", row, f"{n} cells per row, one per header")
    if align:
        if len(align) != n or set(align) - set("<>^"):
            raise InvalidArgumentError("align", align, f"{n} characters, each '<', '>' or '^'")
        return list(align)
    # Numbers right-aligned, text left-aligned.
    return [">" if cells and all(_numeric(r[i]) for r in cells) else "<" for i in range(n)]


def _numeric(text: str) -> bool:
    head = text.split(" ")[0].replace(",", "").replace("$", "").replace("%", "")
    try:
        float(head)
    except ValueError:
        return False
    return True


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> None:
    """Show a table: HTML in a notebook or a rendered page, aligned text in a terminal.

    Cells are formatted with `format_value`; numbers are right-aligned and text left-aligned unless
    `align` says otherwise.

    Args:
        headers: one header per column.
        rows: the rows, each with one cell per header.
        align: one character per column, `<` (left), `>` (right) or `^` (centre); default by content.

    Raises:
        InvalidArgumentError: a row with the wrong number of cells, or a bad `align`.

    Example:
        >>> from mlsysim import Q_, show
        >>> show.table(["Region", "Carbon"], [["Quebec", Q_(1.5, "t")], ["Poland", Q_(61.2, "t")]])
        Region  Carbon
        ------  ------
        Quebec   1.5 t
        Poland  61.2 t
    """
    _emit(table_text(headers, rows, align), table_html(headers, rows, align))


def info(title: str | None = None, **fields: Any) -> None:
    """Show `name: value` pairs under an optional title; underscores in names become spaces.

    Args:
        title: a caption above the pairs.
        **fields (Any): the pairs to show, values formatted with `format_value`.

    Example:
        >>> from mlsysim import Q_, show
        >>> show.info("Fleet", GPUs=512, step_time=Q_(0.54, "ms"))
        Fleet
          GPUs: 512
          step time: 0.54 ms
    """
    rows = [(k.replace("_", " "), v) for k, v in fields.items()]
    text = "\n".join(([title] if title else []) + [f"  {k}: {format_value(v)}" for k, v in rows])
    items = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(format_value(v))}</td></tr>" for k, v in rows
    )
    caption = f"<caption>{html.escape(title)}</caption>" if title else ""
    _emit(text, f'<table class="mlsysim-info table">{caption}<tbody>{items}</tbody></table>')


def banner(text: str) -> None:
    """Show a heading line that separates sections of output.

    Args:
        text: the heading.

    Example:
        >>> from mlsysim import show
        >>> show.banner("Domain: Node")
        == Domain: Node ==
    """
    _emit(f"== {text} ==", f'<div class="mlsysim-banner"><strong>{html.escape(text)}</strong></div>')


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> str:
    """The table as Markdown (a pipe table), for pages that print it from a cell with `output: asis`.

    Cells are formatted with `format_value`; a citation key in brackets in a cell
    becomes a citation when the page is rendered.

    Args:
        headers: one header per column.
        rows: the rows, each with one cell per header.
        align: one character per column, `<`, `>` or `^`; default by content.

    Returns:
        The Markdown text, ending in a newline.

    Example:
        >>> from mlsysim import Q_, show
        >>> print(show.markdown_table(["GPU", "Bandwidth"], [["H100", Q_(3.35, "TB/s")]]))
        | GPU | Bandwidth |
        |:--|--:|
        | H100 | 3.35 TB/s |
        <BLANKLINE>
    """
    cells = [[format_value(c).replace("|", "\\|") for c in row] for row in rows]
    marks = _alignments(align, cells, len(headers))
    rule = {"<": ":--", ">": "--:", "^": ":-:"}
    lines = ["| " + " | ".join(str(h).replace("|", "\\|") for h in headers) + " |", "|" + "|".join(rule[m] for m in marks) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in cells]
    return "\n".join(lines) + "\n"
