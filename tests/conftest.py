"""Shared fixtures: the registries' entries, and the bibliography's keys."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def bib_keys() -> set[str]:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    return set(re.findall(r"@\w+\{([^,\s]+),", text))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The whole site, built once per test session into a temporary directory."""
    from qmdrender import build

    out = tmp_path_factory.mktemp("site")
    build.build(ROOT, out, jobs=2, log=lambda _msg: None)
    return out


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    tried = getattr(config, "fuzz_tried", None)
    if tried:
        terminalreporter.write_line(
            f"fuzz: {tried['valid'] + tried['invalid']} inputs tried "
            f"({tried['valid']} valid, {tried['invalid']} invalid)")
