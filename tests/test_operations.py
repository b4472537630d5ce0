"""Reliability, data, scaling, economics and sustainability: hand checks and properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsysim import (
    Q_,
    DataModel,
    EconomicsModel,
    Hardware,
    Infra,
    MLSysimError,
    ReliabilityModel,
    ScalingModel,
    SustainabilityModel,
    Systems,
)
from mlsysim.systems.types import Fleet

FLEET = Systems.Clusters.Research_256
sustain, econ = SustainabilityModel(), EconomicsModel()


def test_reliability_of_256_gpus_for_30_days():
    r = ReliabilityModel().solve(FLEET, job_duration_hours=720, checkpoint_time_s=120)
    node_mtbf_h = 1000 / 6.5 * 24
    assert r.fleet_mtbf.to("hour").magnitude == pytest.approx(node_mtbf_h / 32)
    assert r.expected_failures == pytest.approx(720 / (node_mtbf_h / 32))
    assert r.optimal_checkpoint_interval.to("s").magnitude == pytest.approx((2 * 120 * node_mtbf_h / 32 * 3600) ** 0.5)
    assert 0 < r.checkpoint_overhead < 0.1 and r.goodput == pytest.approx(1 - r.checkpoint_overhead)


def test_bigger_fleets_fail_more_often():
    big = ReliabilityModel().solve(Systems.Clusters.Frontier_16K, job_duration_hours=720)
    small = ReliabilityModel().solve(FLEET, job_duration_hours=720)
    assert big.fleet_mtbf < small.fleet_mtbf and big.expected_failures > small.expected_failures


def test_text_training_data_does_not_stall():
    r = DataModel().solve(workload_data_rate=Q_("8 MB/s"), hardware=Hardware.H100)
    assert not r.is_stalled and r.bottleneck == "storage" and r.utilization == pytest.approx(8e6 / 7e9)


def test_video_rates_stall_on_the_slowest_tier():
    r = DataModel().solve(Q_("20 GB/s"), network_bw=Q_("12.5 GB/s"))
    assert r.is_stalled and r.bottleneck == "storage"


def test_chinchilla_allocation():
    r = ScalingModel().solve(target_model_size=Q_(70, "Bparam"))
    assert r.optimal_tokens.to("token").magnitude == pytest.approx(1.4e12)
    assert r.tokens_per_parameter == pytest.approx(20)
    r = ScalingModel().solve(compute_budget=Q_(5.88e23, "flop"), target_model_size=Q_(35, "Bparam"))
    assert r.tokens_per_parameter == pytest.approx(80)  # a half-size model sees 4x the tokens per parameter


def test_carbon_is_energy_times_intensity_and_energy_counts_pue():
    r = sustain.solve(FLEET, 30, Infra.US_Avg, mfu=0.4)
    assert r.total_energy_kwh.magnitude == pytest.approx(r.it_energy_kwh.magnitude * 1.58)
    assert r.carbon_footprint_kg == pytest.approx(r.total_energy_kwh.magnitude * 0.3569, rel=1e-3)
    assert r.carbon_footprint.to("kg").magnitude == pytest.approx(r.carbon_footprint_kg)


@settings(max_examples=60, deadline=None)
@given(days=st.floats(0.1, 3650), k=st.floats(1.01, 10), grid=st.sampled_from(list(Infra.Grids)))
def test_carbon_is_linear_in_duration_and_intensity(days, k, grid):
    a = sustain.solve(FLEET, days, grid)
    b = sustain.solve(FLEET, days * k, grid)
    assert b.carbon_footprint_kg == pytest.approx(k * a.carbon_footprint_kg)
    dirtier = grid.model_copy(update={"carbon_intensity": grid.carbon_intensity * k})
    assert sustain.solve(FLEET, days, dirtier).carbon_footprint_kg == pytest.approx(k * a.carbon_footprint_kg)


@settings(max_examples=40, deadline=None)
@given(nodes=st.integers(1, 4096), extra=st.integers(1, 4096), mfu=st.floats(0.01, 1.0))
def test_more_gpus_never_lower_energy(nodes, extra, mfu):
    make = lambda n: Fleet(name="f", node=Systems.Nodes.DGX_H100, count=n, fabric=Systems.Fabrics.InfiniBand_NDR)  # noqa: E731
    assert sustain.solve(make(nodes + extra), 30, Infra.Quebec, mfu).total_energy_kwh >= \
        sustain.solve(make(nodes), 30, Infra.Quebec, mfu).total_energy_kwh


def test_tco_adds_up_and_depreciates():
    r = econ.solve(FLEET, 365, Infra.US_Avg, mfu=0.4)
    assert r.tco_usd == pytest.approx(r.capex_usd + r.opex_energy_usd + r.opex_maintenance_usd)
    assert r.capex_usd == pytest.approx(r.capex_total_usd / 4)
    assert r.hardware_usd == 32 * 240_000
    assert 1.3 < r.infrastructure_multiplier < 2.5  # the slides' "infrastructure adds 50-150 %"
    assert r.opex_energy_usd == pytest.approx(r.energy_kwh * 0.080)


def test_region_comes_from_the_fleet_when_not_given():
    fleet = FLEET.model_copy(update={"region": Infra.Quebec})
    assert econ.solve(fleet, 30).region_name == "Quebec"
    assert sustain.solve(fleet, 30).region_name == "Quebec"


@pytest.mark.parametrize(("call", "match"), [
    (lambda: sustain.solve(FLEET, 0, Infra.Quebec), "duration_days=0"),
    (lambda: sustain.solve(FLEET, -5, Infra.Quebec), "duration_days=-5"),
    (lambda: sustain.solve(FLEET, 30, Infra.Quebec, mfu=1.2), "mfu=1.2"),
    (lambda: sustain.solve(FLEET, 30, "Quebec"), "datacenter='Quebec'"),
    (lambda: econ.solve(FLEET, 30, Infra.Quebec, mfu=0), "mfu=0"),
    (lambda: ReliabilityModel().solve(FLEET, job_duration_hours=0), "job_duration_hours"),
    (lambda: ScalingModel().solve(), "compute_budget"),
    (lambda: DataModel().solve(8), "workload_data_rate"),
])
def test_bad_operations_inputs_are_named(call, match):
    with pytest.raises(MLSysimError, match=match):
        call()
