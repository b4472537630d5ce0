"""The seeds' exercise code runs unchanged in a fresh interpreter and prints what the engine says."""

import subprocess
import sys
from pathlib import Path

import pytest

SEEDS = Path(__file__).parent / "seeds"


def run(name: str) -> str:
    done = subprocess.run([sys.executable, str(SEEDS / name)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_exercise1_prints_the_crossover():
    out = run("exercise1.py")
    assert "bs=   1 bottleneck=Memory" in out
    assert "bs=   2 bottleneck=Compute" in out
    assert "T_compute=0.052 ms" in out


def test_exercise2_prints_feasible_up_to_64():
    # 128 requests' caches (68.7 GB) fit the 85.9 GB only if the runtime keeps nothing; it keeps 10 %
    out = run("exercise2.py")
    assert out.count("feasible=True") == 7
    assert "bs= 128 feasible=False mem=93.7 GB kv_cache=68.7 GB" in out


def test_exercise3_prints_ratio_savings_and_speedup():
    out = run("exercise3.py")
    assert "Compression ratio: 7.8x" in out
    assert "Memory savings: 87.1%" in out
    assert "Accuracy delta: -3.50%" in out
    assert "INT4 latency:" in out and "bottleneck: Memory" in out


def test_exercise7_prints_latency_energy_and_sla():
    out = run("exercise7.py")
    assert "Bottleneck: Compute" in out
    assert "Feasible: True" in out
    assert "Meets 30ms: False" in out
    assert "Energy: 2.1320 mJ" in out  # 142.13 ms x 15 mW: per-layer compute + memory time (cost core v2)


@pytest.mark.parametrize("name", ["exercise1.py", "exercise2.py", "exercise3.py", "exercise7.py"])
def test_no_nan_or_inf_in_seed_output(name):
    out = run(name).lower()
    assert "nan" not in out.replace("nano", "") and "inf " not in out
