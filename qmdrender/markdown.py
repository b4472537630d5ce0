"""Turn an executed page back into Pandoc markdown: code, outputs, figures, inline values, cross-references."""

from __future__ import annotations

import base64
import html
import re

from .execute import _truthy
from .qmd import INLINE, Cell, Page

CROSSREF = re.compile(r"@((?:fig|tbl)-[\w-]+)")


def _raw(markup: str) -> str:
    return f"\n`````{{=html}}\n{markup}\n`````\n"


def _figure_numbers(page: Page) -> dict[str, str]:
    numbers: dict[str, str] = {}
    counters = {"fig": 0, "tbl": 0}
    for chunk in page.chunks:
        if isinstance(chunk, Cell) and isinstance(chunk.options.get("label"), str):
            label = chunk.options["label"]
            kind = label.split("-", 1)[0]
            if kind in counters:
                counters[kind] += 1
                numbers[label] = f"{'Figure' if kind == 'fig' else 'Table'}&nbsp;{counters[kind]}"
    return numbers


def _output_markup(out, options: dict, figure: list[str]) -> tuple[str, str]:
    """(markdown text, raw html) for one output; images are collected into ``figure``."""
    kind = out.get("output_type")
    if kind == "stream":
        if out.get("name") == "stderr" and not _truthy(options.get("warning", True)):
            return "", ""
        if options.get("output") == "asis" and out.get("name") == "stdout":
            return out["text"], ""
        css = "cell-output cell-stderr" if out.get("name") == "stderr" else "cell-output"
        return "", f'<pre class="{css}"><code>{html.escape(out["text"])}</code></pre>'
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
            return "", f'<pre class="cell-output"><code>{html.escape(data["text/plain"])}</code></pre>'
    return "", ""


def _figure(images: list[str], options: dict, numbers: dict[str, str]) -> str:
    label = options.get("label") if isinstance(options.get("label"), str) else None
    caption = options.get("fig-cap")
    alt = html.escape(str(options.get("fig-alt") or caption or "figure"), quote=True)
    imgs = "".join(f'<img src="{src}" alt="{alt}" class="figure-img">' for src in images)
    if not caption:
        return f'<div class="cell-output-display">{imgs}</div>'
    prefix = f"{numbers[label]}: " if label in numbers else ""
    ident = f' id="{label}"' if label else ""
    return f'<figure class="figure"{ident}>{imgs}<figcaption>{prefix}{html.escape(str(caption))}</figcaption></figure>'


def assemble(page: Page, outputs: dict[int, list], inline: list[list[str]], defaults: dict) -> str:
    """The page body as Pandoc markdown with raw-HTML outputs."""
    numbers = _figure_numbers(page)
    parts: list[str] = []
    for chunk_no, chunk in enumerate(page.chunks):
        if not isinstance(chunk, Cell):
            values = iter(inline[chunk_no])
            text = INLINE.sub(lambda _m, values=values: next(values), chunk)
            text = CROSSREF.sub(lambda m: f"[{numbers[m.group(1)]}](#{m.group(1)})" if m.group(1) in numbers
                                else m.group(0), text)
            parts.append(text)
            continue
        options = {**defaults, **chunk.options}
        if not _truthy(options.get("include", True)):
            continue
        body: list[str] = ['\n::: {.cell}\n']
        if _truthy(options.get("echo", True)) and chunk.code.strip():
            fence = f"\n```python\n{chunk.code}\n```\n"
            fold = options.get("code-fold")
            if _truthy(fold):
                opened = " open" if fold == "show" else ""
                summary = html.escape(str(options.get("code-summary", "Code")))
                fence = _raw(f"<details class=\"code-fold\"{opened}><summary>{summary}</summary>") + fence + _raw("</details>")
            body.append(fence)
        if _truthy(options.get("output", True)):
            images: list[str] = []
            for out in outputs.get(chunk.index, []):
                text, markup = _output_markup(out, options, images)
                if text:
                    body.append("\n" + text + "\n")
                if markup:
                    body.append(_raw(markup))
            if images:
                body.append(_raw(_figure(images, options, numbers)))
        body.append("\n:::\n")
        parts.append("".join(body))
    return "\n".join(parts)
