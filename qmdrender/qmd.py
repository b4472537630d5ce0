"""Parse a .qmd page: front matter, markdown chunks, executable cells and inline expressions."""

from __future__ import annotations

import dataclasses
import re

import yaml

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,})\s*\{(?P<lang>[a-zA-Z0-9_]+)(?P<rest>[^}]*)\}\s*$")
INLINE = re.compile(r"`\{python\}\s+([^`]+)`")
OPTION = re.compile(r"^#\|\s*([\w-]+)\s*:\s*(.*)$")


@dataclasses.dataclass
class Cell:
    index: int
    code: str
    options: dict
    line: int


@dataclasses.dataclass
class Page:
    path: str
    meta: dict
    chunks: list  # str (markdown) or Cell, in order


def _option_value(text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text.strip()


def parse(path: str, text: str) -> Page:
    """Split ``text`` into front matter and an ordered list of markdown strings and cells."""
    meta: dict = {}
    body = text
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            meta = yaml.safe_load(text[3:end]) or {}
            body = text[end + 4:].lstrip("\n")
    lines = body.split("\n")
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
                raise ValueError(f"{path}:{start + 1}: unclosed ```{{python}} cell")
            options = {}
            while code and OPTION.match(code[0]):
                key, value = OPTION.match(code.pop(0)).groups()
                options[key] = _option_value(value)
            if buf:
                chunks.append("\n".join(buf))
                buf = []
            count += 1
            chunks.append(Cell(index=count, code="\n".join(code), options=options, line=start + 1))
        else:
            buf.append(lines[i])
        i += 1
    if buf:
        chunks.append("\n".join(buf))
    return Page(path=path, meta=meta, chunks=chunks)


def inline_expressions(markdown: str) -> list[str]:
    """The inline ``{python}`` expressions of a markdown chunk, in order."""
    return INLINE.findall(markdown)
