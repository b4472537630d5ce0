"""Put a built site in place safely: one build at a time, written beside the output, swapped in by renames.

The output directory ``out`` only ever changes by ``rename``: the new site is written and checked in
``.<out>.new`` next to it, the previous site moves to ``.<out>.old``, the new one to ``out``, and the old one
is deleted.  A build killed at any point leaves either the previous site or the new one at ``out``, or, in
the instant between the two renames, the previous one at ``.<out>.old``, where the next build restores it.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
from pathlib import Path


@contextlib.contextmanager
def lock(path: Path, log):
    """Hold an exclusive lock on ``path`` for the block; while another build holds it, say so and wait."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:  # the lock goes with the file descriptor, so also with a killed process
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for another build of this project to finish (lock: {path})")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _beside(out: Path, what: str) -> Path:
    return out.with_name(f".{out.name}.{what}")


def remove(path: Path) -> None:
    """Delete the directory ``path`` if it exists."""
    if path.exists():
        shutil.rmtree(path)


def recover(out: Path) -> None:
    """Undo what a killed build left: restore a previous site it had moved aside, delete a half-written one."""
    old = _beside(out, "old")
    if old.exists() and not out.exists():
        old.rename(out)
    remove(old)
    remove(_beside(out, "new"))


def staging(out: Path) -> Path:
    """A new empty directory beside ``out`` (same file system) to write the next site into."""
    new = _beside(out, "new")
    remove(new)
    new.mkdir(parents=True)
    return new


def swap(new: Path, out: Path) -> None:
    """Replace ``out`` with ``new`` by two renames, then delete the previous site."""
    old = _beside(out, "old")
    if out.exists():
        out.rename(old)
    new.rename(out)
    remove(old)
