"""The built pages read right: no unit printed twice, no raw float, no phrase that only the source material explains.

These run over the text a reader sees (prose, tables and cell outputs; code a reader copies is left out, since
the seeds' own snippets appear there verbatim where the page says so).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

UNITS = r"(?:kWh|MWh|GWh|kW|MW|W|kg|t|tonnes?|GB|GiB|TB|MB|ms|µs|us|s|FLOP/byte|FLOP/B|tokens?/s|samples?/s|USD|L)"
DOUBLED = [
    re.compile(rf"(?<![\w/])({UNITS})\s+\1(?![\w/])"),  # "kWh kWh", "t t"
    re.compile(r"(?<![\w/])t tonnes"),  # "98.4 t tonnes CO2e"
    re.compile(r"tokens\s*/\s*s samples/s"),
    re.compile(r"FLOP\s*/\s*B FLOP/byte"),
    re.compile(r"(?<![\w.])\d+\.\d{7,}\b"),  # a float printed with its full repr: "6092.699797014925 µs"
    re.compile(r"(?<![\w.])\d(?:\.\d+)?e[-+]?\d+\s*(?:GB|MB|kB|B|s|ms|W|J|g)\b"),  # "4.751e-05 GB" in prose or a table
    re.compile(r"(?<![\w.])0\.0+ (?:g|kg|t|W|J|s|ms|µs|GB|MB)\b"),  # a nonzero value rounded to nothing: "0.000 g"
]
LEFTOVERS = [
    re.compile(p, re.I) for p in (
        r"\bthe slides?\b", r"\boriginal exercise", r"\brelease notes\b", r"\bModule \d\b", r"\bconference tutorial\b",
        r"\bpart of the tutorial\b", r"\bWalls? \d", r"\bthe seeds?\b",
    )
]
SOURCE_CODE = re.compile(r'<div class="sourceCode".*?</div>|<pre class="sourceCode.*?</pre>', re.S)
MATH = re.compile(r"<math\b.*?</math>", re.S)  # MathML repeats each symbol in its annotation
BIBLIOGRAPHY = re.compile(r'<div[^>]*class="csl-entry".*?</div>', re.S)  # titles and DOIs of cited works
TAG = re.compile(r"<[^>]+>")


def reader_text(page: Path) -> str:
    """What a reader reads on ``page``: its main content, without source code, as plain text."""
    markup = page.read_text(encoding="utf-8")
    start, end = markup.find("<main"), markup.rfind("</main>")
    body = markup[start:end] if start >= 0 else markup
    for skipped in (SOURCE_CODE, MATH, BIBLIOGRAPHY):
        body = skipped.sub(" ", body)
    return html.unescape(TAG.sub(" ", body))


def _pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if "pagefind" not in p.parts]


def _hits(site: Path, patterns) -> list[str]:
    found = []
    for page in _pages(site):
        text = reader_text(page)
        for pattern in patterns:
            for m in pattern.finditer(text):
                context = " ".join(text[max(0, m.start() - 50):m.end() + 30].split())
                found.append(f"{page.relative_to(site)}: {m.group(0)!r} in “…{context}…”")
    return found


def test_no_unit_is_printed_twice_and_no_raw_float(site):
    hits = _hits(site, DOUBLED)
    assert not hits, "units doubled or numbers printed raw:\n" + "\n".join(hits)


def test_no_phrase_refers_to_material_the_reader_has_not_seen(site):
    hits = _hits(site, LEFTOVERS)
    assert not hits, "phrases that refer to the source material:\n" + "\n".join(hits)


@pytest.mark.parametrize("text, bad", [
    ("Energy: 226,501 kWh kWh", True), ("98.4 t tonnes CO2e", True), ("75 tokens / s samples/s", True),
    ("6.0 FLOP / B FLOP/byte", True), ("6092.699797014925 µs", True), ("4.751e-05 GB", True), ("0.000 g/k tokens", True),
    ("Energy: 226,501 kWh", False), ("98.4 t CO2e", False), ("6.09 ms", False), ("3.35 TB/s at 0.54 ms", False),
])
def test_the_unit_patterns_catch_what_they_should(text, bad):
    assert any(p.search(text) for p in DOUBLED) == bad


@pytest.mark.parametrize("text, bad", [
    ("as in the slides", True), ("the original exercise asks", True), ("Module 3 of the conference tutorial", True),
    ("Walls 1-3", True), ("the memory wall", False), ("a module of the package", False),
])
def test_the_leftover_patterns_catch_what_they_should(text, bad):
    assert any(p.search(text) for p in LEFTOVERS) == bad
