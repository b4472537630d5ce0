"""Quarto's ``project: pre-render:``: commands run from the project root before any page is rendered.

Each command runs as Quarto runs it: a ``.py`` script with the Python running the build, anything else as a
program with its arguments (no shell).  The virtual environment's ``bin`` directory comes first on ``PATH``, so a
tool installed there (``quartodoc build``) is found even when the environment is not activated.  A command that
fails stops the build, with its exit status and the end of its output.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path


class PreRenderError(Exception):
    """A pre-render command could not be started or exited with a non-zero status."""


def environment(root: Path, output_dir: str) -> dict[str, str]:
    """The commands' environment: ours, the interpreter's directory first on PATH, and Quarto's project variables."""
    bin_dir = str(Path(sys.executable).parent)  # not resolved: a venv's python is a symlink to the base one
    path = os.pathsep.join([bin_dir, os.environ.get("PATH", os.defpath)])
    return {**os.environ, "PATH": path, "QUARTO_PROJECT_RENDER_ALL": "1",
            "QUARTO_PROJECT_OUTPUT_DIR": output_dir, "QUARTO_PROJECT_DIR": str(root)}


def _argv(command: str) -> list[str]:
    argv = shlex.split(command)
    if not argv:
        raise PreRenderError("project: pre-render: has an empty command")
    if argv[0].endswith(".py"):
        return [sys.executable, *argv]
    return argv


def run(root: Path, commands: tuple[str, ...], output_dir: str, log) -> None:
    """Run ``commands`` in order from ``root``; raise PreRenderError naming the first one that fails."""
    env = environment(root, output_dir)
    for command in commands:
        log(f"pre-render: {command}")
        argv = _argv(command)
        try:
            done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, errors="replace")
        except OSError as exc:
            raise PreRenderError(f"pre-render command `{command}` could not be started: {exc.strerror or exc}"
                                 " (is it installed in the virtual environment?)") from None
        if done.returncode != 0:
            output = (done.stdout + done.stderr).strip().splitlines()
            tail = "\n".join(output[-20:])
            raise PreRenderError(f"pre-render command `{command}` failed with exit status {done.returncode}"
                                 + (f":\n{tail}" if tail else ""))
