"""quartodoc's Markdown renderer, adapted to this site (`renderer: style:` in `_quarto.yml`).

`quartodoc build` imports it from the project root (hence the style name `reference._renderer.py`). What it
changes in quartodoc's `MdRenderer`, and why:

* each object's page starts with YAML front matter whose `title` is the object's name, so the
  sidebar, the search index and the browser tab read `Engine` rather than a file name;
* a docstring's `>>>` examples (Google style's `Example:` or `Examples:`) become executed `{python}` cells,
  a cell ending after each statement whose value the doctest shows, so every value an example shows is
  computed when the page is built and a reader copies code without prompts (`execute_examples: false`
  shows them with their doctest output instead, and no page needs a kernel);
* a signature is a `{.python .signature}` block: how to call the object, not code to paste and run;
* a class whose docstring lists its fields (`Attributes:`) shows them, with their defaults where any is
  worth reading, instead of its constructor's signature; its documented properties get a table, and its
  methods are `##` sections (their parameters, returns and examples `###`), so the table of contents lists them;
* parameter, attribute and return tables are plain pipe tables, names as code;
* the index gets front matter, an introduction, each object's first paragraph as its summary, and on each
  row the anchor the hand-written reference page gave the object (`#engine`), so old links still land;
* pages this renderer wrote for objects since removed from the `sections:` list are deleted.
"""

# ruff: noqa: F811  (plum's @dispatch defines `render` and `summarize` once per type they handle)
from __future__ import annotations

import dataclasses
import doctest
import json
import pydoc
from pathlib import Path

import quartodoc.ast as qast
from plum import dispatch
from quartodoc import MdRenderer, layout
from quartodoc._griffe_compat import dataclasses as dc
from quartodoc._griffe_compat import docstrings as ds

GENERATED = "# written by quartodoc build (reference/_renderer.py) from the docstrings: edit those, not this file"
INDEX_FRONT_MATTER = f"""\
---
{GENERATED}
title: "API reference"
description: "Every public class and function of mlsysim, generated from its docstring by quartodoc."
---

Everything here is importable from `mlsysim`; formulas from `mlsysim.formulas`, display helpers from
`mlsysim.show`. Each page is written by [quartodoc](https://machow.github.io/quartodoc/) from the object's
docstring when the site is built; the test suite runs every example and checks it prints what the page shows.
"""


def examples_markdown(source: str, execute: bool = True) -> str:
    """A docstring's example text as Markdown: prose stays prose, and `>>>` statements become executed cells,
    one cell ending after each statement whose value the doctest shows (the page shows the computed value).

    With `execute` false they become plain code blocks, each followed by the output the doctest expects."""
    parts: list[str] = []
    code: list[str] = []

    def cell(want: str = "") -> None:
        if code:
            parts.append(("```{python}\n" if execute else "```python\n") + "\n".join(code).rstrip("\n") + "\n```")
            code.clear()
        if want and not execute:
            # shown as a cell's output is; an unlabelled fence, since Pandoc spends half a second on a label
            # it has no highlighter for ("text")
            output = want.rstrip("\n").replace("<BLANKLINE>", "")
            parts.append("::: {.cell-output .cell-output-stdout}\n```\n" + output + "\n```\n:::")

    for piece in doctest.DocTestParser().parse(source):
        if isinstance(piece, doctest.Example):
            code.append(piece.source.rstrip("\n"))
            if piece.source.split("\n", 1)[0].rstrip().endswith(":"):
                code.append("")  # a blank line ends the block, as it must when the cell is pasted into a REPL
            if piece.want.strip():
                cell(piece.want)
        elif piece.strip():
            cell()
            parts.append(piece.strip())
    cell()
    return "\n\n".join(parts)


class Renderer(MdRenderer):
    style = "mlsysim"

    def __init__(self, *args, execute_examples: bool = True, **kwargs):
        """`execute_examples` (`renderer: execute_examples:` in `_quarto.yml`): run the examples when the page
        is rendered (one kernel per page: the cold build's main cost), or show them with their doctest output."""
        super().__init__(*args, **kwargs)
        self.execute_examples = execute_examples
        self.written: set[str] = set()
        self._defaults: dict[str, str] = {}

    # pages -------------------------------------------------------------------------------

    @dispatch
    def render(self, el: layout.Page):
        self.written.add(el.path)
        (doc,) = el.contents  # one object per page
        title = json.dumps(doc.name, ensure_ascii=False)
        return f"---\n{GENERATED}\ntitle: {title}\n---\n\n" + self.render(doc) + "\n"

    @dispatch
    def render_header(self, el: layout.Doc) -> str:
        if self.crnt_header_level <= self.header_level:
            return ""  # the page's title is the object's name (front matter)
        return f"{'#' * self.crnt_header_level} {el.name} {{#{el.obj.path}}}"

    @dispatch
    def render_header(self, el: ds.DocstringSection) -> str:
        title = el.title or el.kind.value.title()
        return f"{'#' * self.crnt_header_level} {title}"

    @dispatch
    def render(self, el: layout.DocClass):
        """The class: signature, docstring, documented properties, then each method as a section.

        A class whose docstring lists its fields (`Attributes:`) shows them with their defaults instead of
        a signature: a result's constructor is not for readers, and a pydantic spec's is not in its source."""
        documented = _attribute_names(el.obj)
        parts = [_signature_block(self.signature(el))] if self.show_signature and not documented else []
        self._defaults = _field_defaults(el.obj.path) if documented else {}
        with self._increment_header():
            parts.append(self.render(el.obj))
        self._defaults = {}
        props = [m for m in el.members if m.obj.is_attribute and m.name not in documented]
        if props:
            rows = [(_code(p.name), _cell(self.summarize(p.obj))) for p in props]
            parts.append(f"{'#' * (self.header_level + 1)} Properties\n\n" + _table(["Name", "Description"], rows))
        with self._increment_header():
            for member in el.members:
                if member.obj.is_function and isinstance(member, layout.Doc):
                    parts.append(self.render(member))
        return "\n\n".join(p for p in parts if p)

    @dispatch
    def render(self, el: layout.DocFunction | layout.DocAttribute):
        parts = [self.render_header(el)]
        if self.show_signature and not isinstance(el, layout.DocAttribute):  # an instance has no call to show
            parts.append(_signature_block(self.signature(el)))
        with self._increment_header():
            parts.append(self.render(el.obj))
        return "\n\n".join(p for p in parts if p)

    # tables: names as code; a Returns table without names has no Name column -------------

    @dispatch
    def render(self, el: ds.DocstringSectionParameters):
        rows = [(_code(p.name), self.render_annotation(p.annotation), _cell(p.description),
                 "_required_" if p.default is None else _code(str(p.default))) for p in el.value]
        return _table(["Name", "Type", "Description", "Default"], rows)

    @dispatch
    def render(self, el: ds.DocstringSectionAttributes):
        defaults = getattr(self, "_defaults", {})
        rows = [(_code(a.name), self.render_annotation(a.annotation), _cell(a.description or ""),
                 defaults.get(a.name, "")) for a in el.value]
        if not defaults:
            return _table(["Name", "Type", "Description"], [r[:3] for r in rows])
        return _table(["Name", "Type", "Description", "Default"], rows)

    @dispatch
    def render(self, el: ds.DocstringSectionReturns | ds.DocstringSectionRaises):
        rows = [(_code(r.name) if getattr(r, "name", "") else "", self.render_annotation(r.annotation),
                 _cell(r.description)) for r in el.value]
        if not any(r[0] for r in rows):
            return _table(["Type", "Description"], [r[1:] for r in rows])
        return _table(["Name", "Type", "Description"], rows)

    # examples ----------------------------------------------------------------------------

    @dispatch
    def render(self, el: qast.ExampleCode):
        return examples_markdown(el.value, self.execute_examples)

    @dispatch
    def render(self, el: ds.DocstringSectionAdmonition):
        """Google style's `Example:` (which griffe reads as an admonition, not as `Examples:`) runs too."""
        if el.title.lower() in ("example", "examples"):
            return examples_markdown(el.value.description, self.execute_examples)
        return el.value.description

    # the index ---------------------------------------------------------------------------

    @dispatch
    def summarize(self, el: layout.Doc, path: str | None = None, shorten: bool = False):
        """One row of the index: the object's name, linking to its page, and the first line of its docstring.

        The link carries the anchor the hand-written reference page gave the object (`#engine`,
        `#formulas-ridge_point`), so links into the index from other pages still land on its row."""
        anchor = el.name.replace(".", "-").lower()
        link = f"[`{el.name}`]({path}.qmd){{#{anchor}}}" if path else f"[`{el.name}`](#{el.anchor})"
        return self._summary_row(link, self.summarize(el.obj))

    @dispatch
    def summarize(self, obj: dc.Object | dc.Alias) -> str:
        """The docstring's first paragraph on one line (quartodoc's is its first line, cut mid-sentence)."""
        parsed = obj.docstring.parsed if obj.docstring else []
        if parsed and isinstance(parsed[0], ds.DocstringSectionText):
            return " ".join(parsed[0].value.split("\n\n")[0].split())
        return ""

    def _pages_written(self, builder) -> None:
        """Give the index its front matter, and delete pages of objects no longer documented."""
        folder = Path(builder.dir)
        index = folder / builder.out_index
        text = index.read_text(encoding="utf-8")
        first, _, rest = text.partition("\n")
        if first.startswith("# "):
            index.write_text(INDEX_FRONT_MATTER + rest, encoding="utf-8")
        for page in folder.glob("*.qmd"):  # a page written by an earlier build, of an object since removed
            if page.name != builder.out_index and page.stem not in self.written and _generated(page):
                page.unlink()


def _generated(page: Path) -> bool:
    """Whether `page` was written by this renderer (a hand-written page in the folder is left alone)."""
    with page.open(encoding="utf-8") as f:
        return f.readline() == "---\n" and f.readline().rstrip("\n") == GENERATED


def _signature_block(markdown: str) -> str:
    """A signature shown as Python but marked `.signature`: it is how to call the object, not code to run."""
    return markdown.replace("```python\n", "```{.python .signature}\n", 1)


def _code(text: str) -> str:
    return f"`{text}`" if text else ""


def _cell(text: str) -> str:
    """Text for one table cell: on one line, with `|` escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _table(headers: list[str], rows: list[tuple]) -> str:
    """A Markdown pipe table."""
    # Pandoc sizes the columns of a wide pipe table by the dashes under each header: as the longest cell, capped.
    widths = [min(60, max(3, len(h), *(len(str(r[i])) for r in rows))) for i, h in enumerate(headers)]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("-" * w for w in widths) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _field_defaults(path: str) -> dict[str, str]:
    """Each field of the dataclass or pydantic model at `path` → its default as code, or `_required_`."""
    cls = pydoc.locate(path)
    if dataclasses.is_dataclass(cls):
        fields = {f.name: (f.default if f.default is not dataclasses.MISSING else
                           f.default_factory() if f.default_factory is not dataclasses.MISSING else _REQUIRED)
                  for f in dataclasses.fields(cls)}
    elif hasattr(cls, "model_fields"):
        fields = {name: _REQUIRED if f.is_required() else f.get_default(call_default_factory=True)
                  for name, f in cls.model_fields.items()}
    else:
        return {}
    if all(value is _REQUIRED or value in (None, "", (), [], {}) for value in fields.values()):
        return {}  # a record (a solver's result): nothing a reader would set
    return {name: "_required_" if value is _REQUIRED else _code(_short_repr(value)) for name, value in fields.items()}


_REQUIRED = object()


def _short_repr(value) -> str:
    """A default as a reader would type it; a long one (an efficiency table) cut short."""
    text = getattr(value, "name", None) if hasattr(value, "model_fields") else None
    text = text or (f"{value:~P}" if hasattr(value, "units") else repr(value))
    return _cell(text if len(text) <= 40 else text[:37] + "…").replace("`", "'")


def _attribute_names(obj) -> set[str]:
    """Names listed in the `Attributes:` section of `obj`'s docstring."""
    doc = obj.docstring
    if doc is None:
        return set()
    return {a.name for s in doc.parsed if isinstance(s, ds.DocstringSectionAttributes) for a in s.value}
