"""Turn an executed page back into Pandoc markdown: code (folded or not), outputs, figures, inline values.

Outputs carry Quarto's classes (``cell-output-stdout``, ``cell-output-stderr``, ``cell-output-display``).
A cell whose ``label`` is ``fig-…`` or ``tbl-…``, or that has a ``fig-cap``/``tbl-cap``, becomes a Div of
class ``qr-float`` with its caption in a child Div ``qr-caption``; crossref.lua numbers it and resolves the
``@fig-…`` references to it.
"""

from __future__ import annotations

import base64
import html
import re

from .execute import _truthy
from .qmd import INLINE, Cell, Page


def _raw(markup: str) -> str:
    return f"\n`````{{=html}}\n{markup}\n`````\n"


def _pre(css: str, text: str) -> str:
    return f'<div class="cell-output {css}"><pre><code>{html.escape(text)}</code></pre></div>'


def _output_markup(out, options: dict, figure: list[str]) -> tuple[str, str]:
    """(markdown text, raw html) for one output; images are collected into ``figure``."""
    kind = out.get("output_type")
    if kind == "stream":
        if out.get("name") == "stderr":  # warnings: shown as Quarto shows them unless `warning: false`
            return ("", _pre("cell-output-stderr", out["text"])) if _truthy(options.get("warning", True)) else ("", "")
        if options.get("output") == "asis":
            return out["text"], ""
        return "", _pre("cell-output-stdout", out["text"])
    if kind in ("display_data", "execute_result"):
        data = out.get("data", {})
        if options.get("output") == "asis" and "text/markdown" in data:
            return data["text/markdown"], ""
        if "image/svg+xml" in data:
            svg = data["image/svg+xml"]
            figure.append("data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode())
            return "", ""
        if "image/png" in data:
            figure.append("data:image/png;base64," + data["image/png"].replace("\n", ""))
            return "", ""
        if "text/html" in data:
            return "", f'<div class="cell-output cell-output-display">{data["text/html"]}</div>'
        if "text/markdown" in data:
            return data["text/markdown"], ""
        if "text/plain" in data:
            return "", _pre("cell-output-display", data["text/plain"])
    return "", ""


def _label(options: dict) -> str | None:
    label = options.get("label")
    return label if isinstance(label, str) and label.strip() else None


def _float(kind: str, label: str | None, caption, content: str) -> str:
    """A Div crossref.lua turns into a (numbered when labelled) figure or table with its caption."""
    ident = f"#{label} " if label else ""
    cap = f"\n::: {{.qr-caption}}\n{caption}\n:::\n" if caption else ""
    return f"\n::::: {{{ident}.qr-float .qr-{kind}}}\n{content}\n{cap}\n:::::\n"


def _figure(images: list[str], options: dict) -> str:
    label = _label(options)
    caption = options.get("fig-cap")
    alt = html.escape(str(options.get("fig-alt") or re.sub(r"[*_`]", "", str(caption or "")) or "figure"), quote=True)
    imgs = "".join(f'<img src="{src}" alt="{alt}" class="figure-img">' for src in images)
    if not caption and not (label or "").startswith("fig-"):
        return _raw(f'<div class="cell-output-display">{imgs}</div>')
    return _float("fig", label, caption, _raw(imgs))


def _code(chunk: Cell, options: dict) -> str:
    """The cell's source, folded into ``<details class="code-fold">`` as Quarto does under ``code-fold``."""
    fence = f"\n```{{.python .cell-code}}\n{chunk.code}\n```\n"
    fold = options.get("code-fold")
    if not _truthy(fold) or fold == "none":
        return fence
    opened = " open" if fold == "show" else ""
    summary = html.escape(str(options.get("code-summary", "Code")))
    return _raw(f'<details class="code-fold"{opened}>\n<summary>{summary}</summary>') + fence + _raw("</details>")


def _outputs(chunk: Cell, options: dict, outputs: list) -> str:
    parts: list[str] = []
    images: list[str] = []
    for out in outputs:
        text, markup = _output_markup(out, options, images)
        if text:
            parts.append("\n" + text + "\n")
        if markup:
            parts.append(_raw(markup))
    label = _label(options)
    if (label or "").startswith("tbl-") or options.get("tbl-cap"):
        parts = [_float("tbl", label, options.get("tbl-cap"), "".join(parts))]
    if images:
        parts.append(_figure(images, options))
    return "".join(parts)


def assemble(page: Page, outputs: dict[int, list], inline: list[list[str]], defaults: dict) -> str:
    """The page body as Pandoc markdown with raw-HTML outputs.

    ``defaults`` holds the execute options and the format's ``code-fold``/``code-summary``; a cell's own
    ``#|`` options override them."""
    parts: list[str] = []
    for chunk_no, chunk in enumerate(page.chunks):
        if not isinstance(chunk, Cell):
            values = iter(inline[chunk_no])
            parts.append(INLINE.sub(lambda _m, values=values: next(values), chunk))
            continue
        options = {**defaults, **chunk.options}
        if not _truthy(options.get("include", True)):
            continue
        body: list[str] = ["\n::: {.cell}\n"]
        if _truthy(options.get("echo", True)) and chunk.code.strip():
            body.append(_code(chunk, options))
        if _truthy(options.get("output", True)):
            body.append(_outputs(chunk, options, outputs.get(chunk.index, [])))
        body.append("\n:::\n")
        parts.append("".join(body))
    return "\n".join(parts)
