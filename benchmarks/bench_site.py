"""Seconds for a cold site build (pre-render commands, every page executed, Pagefind indexing) and for an
unchanged rebuild (the pre-render commands again; every page and the search index from the cache).

Run with ``make bench-site``.  Targets on a 2-core machine: < 60 s cold for the hand-written pages (each
generated API page adds a kernel start), < 3 s unchanged plus the pre-render commands' own time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qmdrender import build  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "_site"
        start = time.perf_counter()
        report = build.build(ROOT, out, jobs=2, use_cache=False, log=lambda _m: None)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        build.build(ROOT, out, jobs=2, use_cache=True, log=lambda _m: None)
        warm = time.perf_counter() - start
    print(f"cold build of {report['pages']} pages: {cold:5.1f} s")
    print(f"unchanged rebuild:          {warm:5.1f} s")


if __name__ == "__main__":
    main()
