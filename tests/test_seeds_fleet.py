"""The fleet-scale seed code (exercises 4, 5, 6, 8; both tutorials; the Module 3 slide) runs unchanged."""

import re

from test_seeds import run


def test_exercise4_prints_the_search():
    out = run("exercise4.py")
    assert re.search(r"Best config: \{'tp': \d, 'pp': \d+, 'dp': \d+", out)
    assert len(re.findall(r"^ TP=", out, re.M)) == 10


def test_exercise5_energy_in_the_seed_range_and_carbon_reduction():
    out = run("exercise5.py")
    energy = int(re.search(r"Energy: ([\d,]+) kWh", out).group(1).replace(",", ""))
    assert 270_000 <= energy <= 290_000  # whole nodes at training power, × the industry-average PUE
    assert re.search(r"Carbon reduction: 9\d\.\d%", out)


def test_exercise6_prints_three_fleets():
    out = run("exercise6.py")
    assert out.count("TCO: $") == 3 and out.count("Feasible: True") == 3


def test_exercise8_runs_and_shows_the_70b_memory_wall():
    out = run("exercise8.py")
    assert "feasible=False" in out and out.count("Split") == 3


def test_module3_slide_reports_tonnes():
    assert re.search(r"Total Carbon: [\d.]+ tonnes CO2e\n", run("module3_slides.py"))  # the number, in tonnes, once


def test_full_stack_audit_and_geography_run():
    assert "Binding constraint" in run("full_stack_audit.py")
    out = run("geography.py")
    assert "Quebec" in out and "Poland" in out
