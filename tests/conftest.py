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
    hostile = getattr(config, "hostile_tried", None)
    if hostile:
        terminalreporter.write_line(
            f"hostile: {hostile['answered'] + hostile['refused']:,} calls with a hostile argument or none "
            f"({hostile['answered']:,} answered with finite numbers, {hostile['refused']:,} refused with the "
            f"project's error), 0 foreign exceptions, slowest {hostile['slowest_s']:.2f} s")
