"""Site search with Pagefind: index the built site (before it is published) into ``<site>/pagefind/``.

Pagefind reads each page's ``<main data-pagefind-body>`` (navigation, sidebar, TOC and footer stay out), splits
it into sections at headings with ids, and writes a static index plus its JS search API, which
``assets/search.js`` loads from ``pagefind/pagefind.js``: no server, no network.  Indexing the same pages
gives the same index, so it is kept in the build cache under a key of every page's bytes, and an unchanged
rebuild copies it instead of running Pagefind again.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BUNDLE = "pagefind"


class SearchError(Exception):
    """Pagefind is not installed or could not index the site."""


def _version() -> str:
    try:
        return importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        raise SearchError("Pagefind is not installed: run `pip install -e '.[docs]'` (it brings `pagefind[bin]`)"
                          ) from None


def index_key(site: Path) -> str:
    """A key of the Pagefind version and every page (path and bytes) of ``site``."""
    h = hashlib.sha256(f"pagefind {_version()}\n".encode())
    for page in sorted(site.rglob("*.html")):
        h.update(f"\0{page.relative_to(site).as_posix()}\0".encode())
        h.update(page.read_bytes())
    return h.hexdigest()


def _run_pagefind(site: Path) -> None:
    argv = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", BUNDLE, "--silent"]
    done = subprocess.run(argv, capture_output=True, text=True, errors="replace")
    if done.returncode != 0 or not (site / BUNDLE / "pagefind.js").is_file():
        output = (done.stdout + done.stderr).strip()
        raise SearchError(f"Pagefind could not index the site (exit status {done.returncode}):\n{output}")


def index(site: Path, cache_dir: Path, log=print, reuse: bool = True) -> bool:
    """Write ``site/pagefind/``; True when Pagefind ran, False when an identical index came from the cache
    (only looked for when ``reuse``)."""
    key = index_key(site)
    store = cache_dir / BUNDLE
    kept = store / key
    if reuse and (kept / "pagefind.js").is_file():
        shutil.copytree(kept, site / BUNDLE)
        return False
    log("indexing the site with Pagefind")
    _run_pagefind(site)
    store.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=store, prefix=".new-"))
    try:
        shutil.copytree(site / BUNDLE, tmp / BUNDLE)
        for old in store.iterdir():  # one index is kept: the site's
            if old.name != tmp.name:
                shutil.rmtree(old, ignore_errors=True)
        os.replace(tmp / BUNDLE, kept)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return True
