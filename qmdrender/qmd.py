"""Parse a .qmd page: front matter, markdown chunks, executable cells and inline expressions."""

from __future__ import annotations

import dataclasses
import re

import yaml

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,})\s*\{(?P<lang>[a-zA-Z0-9_]+)(?P<rest>[^}]*)\}\s*$")
INLINE = re.compile(r"`\{python\}\s+([^`]+)`")
OPTION = re.compile(r"^#\|\s*([\w-]+)\s*:\s*(.*)$")


class PageError(ValueError):
    """The page cannot be read or parsed: the message names the file (and the line where there is one)."""


@dataclasses.dataclass
class Cell:
    index: int
    code: str
    options: dict
    line: int  # of the opening fence, counted from the top of the .qmd file (1-based)


@dataclasses.dataclass
class Page:
    path: str
    meta: dict
    chunks: list  # str (markdown) or Cell, in order


def decode(path: str, data: bytes) -> str:
    """The text of page ``path`` from its bytes; refuses pages that are not UTF-8 or have no content."""
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark is not part of the text
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise PageError(f"{path}:{line}: not valid UTF-8 (byte {exc.start}); save the page as UTF-8") from None
    if not text.strip():
        raise PageError(f"{path}: the page is empty; give it content or delete it")
    return text


def _option_value(text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text.strip()


def _front_matter(path: str, text: str) -> tuple[dict, int]:
    """(metadata, number of lines it takes, closing ``---`` included); ({}, 0) when there is none."""
    if not text.startswith("---"):
        return {}, 0
    end = text.find("\n---", 3)
    if end == -1:
        return {}, 0
    try:
        meta = yaml.safe_load(text[3:end]) or {}
    except yaml.YAMLError as exc:
        raise PageError(f"{path}: invalid YAML front matter: {' '.join(str(exc).split())}") from None
    if not isinstance(meta, dict):
        raise PageError(f"{path}: the front matter must be a YAML mapping, got {type(meta).__name__}")
    return meta, text[:end + 4].count("\n") + 1


def parse(path: str, text: str) -> Page:
    """Split ``text`` into front matter and an ordered list of markdown strings and cells."""
    meta, skipped = _front_matter(path, text)
    lines = text.split("\n")[skipped:]
    while skipped and lines and not lines[0]:  # blank lines after the front matter are not part of the body
        lines.pop(0)
        skipped += 1
    chunks: list = []
    buf: list[str] = []
    i, count = 0, 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m and m.group("lang") == "python":
            ticks = m.group("ticks")
            start = i
            i += 1
            code: list[str] = []
            while i < len(lines) and lines[i].strip() != ticks:
                code.append(lines[i])
                i += 1
            if i == len(lines):
                raise PageError(f"{path}:{skipped + start + 1}: unclosed ```{{python}} cell")
            options = {}
            while code and OPTION.match(code[0]):
                key, value = OPTION.match(code.pop(0)).groups()
                options[key] = _option_value(value)
            if buf:
                chunks.append("\n".join(buf))
                buf = []
            count += 1
            chunks.append(Cell(index=count, code="\n".join(code), options=options, line=skipped + start + 1))
        else:
            buf.append(lines[i])
        i += 1
    if buf:
        chunks.append("\n".join(buf))
    return Page(path=path, meta=meta, chunks=chunks)


def inline_expressions(markdown: str) -> list[str]:
    """The inline ``{python}`` expressions of a markdown chunk, in order."""
    return INLINE.findall(markdown)
