"""The page cache: keys that cover everything a page's output depends on, entries written atomically."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
VERSION = "2"
FIELDS = {"meta": dict, "toc": str, "body": str, "css": str, "seconds": (int, float)}


def _tree(top: Path) -> list[Path]:
    """Every file under ``top`` except compiled bytecode."""
    return [p for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]


def _software() -> str:
    """The Python version and every installed distribution with its version (nbclient, matplotlib, pandoc…)."""
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    return "\n".join([sys.version, *dists])


def environment_key(root: Path, bibliography: str | None = None) -> str:
    """What every page's output depends on besides its own text: ``_quarto.yml``, the bibliography, the package
    (code and data files), the renderer (code, filter, template, assets) and the installed software."""
    named = {f"root/{p.relative_to(root).as_posix()}": p for p in [root / "_quarto.yml", *_tree(root / "mlsysim")]}
    if bibliography and (root / bibliography).is_file():
        named[f"root/{bibliography}"] = root / bibliography
    named |= {f"qmdrender/{p.relative_to(HERE).as_posix()}": p for p in _tree(HERE)}
    h = hashlib.sha256(f"{VERSION}\n{_software()}\n".encode())
    for name in sorted(named):
        h.update(f"\0{name}\0".encode())
        h.update(named[name].read_bytes())
    return h.hexdigest()


def page_key(environment: str, rel: str, text: str) -> str:
    """The cache key of page ``rel`` with source ``text`` in the given environment."""
    return hashlib.sha256(f"{environment}\0{rel}\0{text}".encode()).hexdigest()


def _valid(entry) -> bool:
    return isinstance(entry, dict) and all(isinstance(entry.get(k), t) for k, t in FIELDS.items())


def load(path: Path) -> dict | None:
    """The cached result at ``path``; None when there is none, and when it is corrupt (it is then deleted)."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:  # truncated, not JSON, not UTF-8
        entry = None
    if _valid(entry):
        return entry
    path.unlink(missing_ok=True)
    return None


def store(path: Path, result: dict) -> None:
    """Write ``result`` to ``path`` atomically: a reader (or a killed build) never sees half an entry."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(result, f)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def sweep(cache_dir: Path) -> None:
    """Delete the temporary files of writes that a killed build left unfinished."""
    for tmp in cache_dir.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
