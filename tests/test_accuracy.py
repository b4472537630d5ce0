"""The validation dataset is sourced and well-formed, and the engine's errors stay within locked bounds.

A regression makes a bound fail; an improvement updates the bound in a commit that says why.
"""

import inspect

import pytest

from mlsysim import validation

COMPARISONS = validation.evaluate()
HELD = validation.summary(COMPARISONS, "held-out")

# (median, worst) absolute relative error on held-out entries, rounded up from the current values.
BOUNDS = {
    "distributed": (0.06, 0.24),
    "serving": (0.08, 0.42),
    "single-node": (0.24, 475.0),
    "reliability": (0.26, 0.78),
    "sustainability": (0.01, 0.16),
}


def test_there_are_at_least_25_measurements_in_both_splits():
    entries = validation.load()
    assert len(entries) >= 25
    assert {e.split for e in entries} == {"calibration", "held-out"}
    assert len({e.id for e in entries}) == len(entries)


@pytest.mark.parametrize("entry", validation.load(), ids=lambda e: e.id)
def test_every_entry_cites_a_source_with_a_location(entry, bib_keys):
    assert entry.source in bib_keys
    assert entry.location and entry.quantity and entry.unit


@pytest.mark.parametrize("entry", validation.load(), ids=lambda e: e.id)
def test_every_condition_is_one_its_solver_reads(entry):
    # a condition the predictor never reads is a typo or text pasted from another entry, and silently ignored
    read = inspect.getsource(validation.PREDICTORS[entry.solver])
    if "_software(c, a)" in read:  # the measured system's software, read by one helper for two predictors
        read += inspect.getsource(validation._software)
    assert [k for k in entry.conditions if f'"{k}"' not in read] == []


@pytest.mark.parametrize("solver", sorted(BOUNDS))
def test_held_out_error_bounds(solver):
    median, worst = BOUNDS[solver]
    assert HELD[solver]["median"] <= median, f"{solver} median error {HELD[solver]['median']:.3f} > {median}"
    assert HELD[solver]["worst"] <= worst, f"{solver} worst error {HELD[solver]['worst']:.3f} > {worst}"


def test_targets_met_where_the_model_claims_them():
    assert HELD["distributed"]["median"] <= 0.25 and HELD["serving"]["median"] <= 0.25
    assert HELD["single-node"]["median"] <= 0.25


def test_predictions_are_finite_and_positive():
    for c in COMPARISONS:
        assert c.predicted > 0 and c.predicted < float("inf"), c.entry.id


def _entry(**changes) -> validation.Measurement:
    fields = dict(id="gpu-failures", solver="reliability", split="held-out", quantity="GPU failures a week",
                  unit="1/week", measured=1.5, measured_range=(1.0, 2.0), source="huggingface2022bloomtraining",
                  location="1-2 a week", conditions={})
    return validation.Measurement(**{**fields, **changes})


def test_a_published_range_counts_no_error_inside_and_the_nearer_end_outside():
    weekly = _entry()
    assert validation.Comparison(weekly, 1.2).error == 0.0 and validation.Comparison(weekly, 2.0).error == 0.0
    assert validation.Comparison(weekly, 0.8).error == pytest.approx(0.8 / 1.0 - 1)  # below: from the low end
    assert validation.Comparison(weekly, 3.0).error == pytest.approx(3.0 / 2.0 - 1)  # above: from the high end
    at_least = _entry(measured=105, measured_range=(105, None))
    assert validation.Comparison(at_least, 500).error == 0.0
    assert validation.Comparison(at_least, 21).error == pytest.approx(-0.8)
    assert (weekly.published, at_least.published, _entry(measured_range=None).published) == ("1–2", "≥ 105", "1.5")


@pytest.mark.parametrize("bad", [(2.0, 3.0), (0.5, 1.2), (0.0, 2.0)])
def test_a_range_that_does_not_hold_its_figure_is_refused(bad):
    with pytest.raises(ValueError, match="measured_range"):
        _entry(measured_range=bad)


def test_a_fleet_that_counts_infrastructure_failures_is_predicted_without_software_causes():
    from mlsysim import Systems
    from mlsysim.solvers import node_failures_by_part
    by_id = {c.entry.id: c for c in COMPARISONS}
    parts = node_failures_by_part(Systems.Nodes.DGX_A100)
    assert by_id["rsc1-node-failure-rate"].predicted == pytest.approx(sum(parts.values()) - parts["software"])
    assert parts["software"] > 0


def test_a_what_if_changes_only_what_its_assumptions_reach():
    from mlsysim import Assumptions
    slow_restart = validation.evaluate(assumptions=Assumptions(restart_time_s=3600.0))
    moved = {c.entry.id for c, base in zip(slow_restart, COMPARISONS, strict=True) if c.predicted != base.predicted}
    assert moved == {"llama3-405b-goodput"}  # the one entry that pays for restarts
    assert [c.predicted for c in validation.evaluate(assumptions=Assumptions())] == [c.predicted for c in COMPARISONS]
