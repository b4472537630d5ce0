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
    Models,
    ReliabilityModel,
    ScalingModel,
    SustainabilityModel,
    Systems,
)
from mlsysim.solvers import node_embodied_kg, node_failure_rate
from mlsysim.systems.types import Fleet

FLEET = Systems.Clusters.Research_256
sustain, econ = SustainabilityModel(), EconomicsModel()


# Llama 3's Table 5 over the exposed part-days: 16,384 GPUs (and as many NICs and links), 2,048 hosts, 54 days
LLAMA3_NODE_RATE = (8 * (268 + 7 + 35) / (16_384 * 54) + (46 + 63) / (2_048 * 54)) * 1000  # per 1,000 node-days


def test_a_dgx_h100_node_fails_at_the_rate_of_llama3s_table():
    assert LLAMA3_NODE_RATE == pytest.approx(419 / (2_048 * 54) * 1000)  # every root cause counted once
    assert node_failure_rate(Systems.Nodes.DGX_H100) == pytest.approx(3.7887, abs=1e-4)


def test_expected_interruptions_of_a_2048_node_job_from_the_component_rates():
    fleet = Systems.Clusters.Frontier_16K  # 2,048 DGX H100 nodes
    r = ReliabilityModel().solve(fleet, job_duration_hours=30 * 24)
    assert r.expected_failures == pytest.approx(2_048 * 30 * 3.7887 / 1000, rel=1e-4)  # 232.8
    by = r.failures_by_component
    assert by["accelerator"] == pytest.approx(16_384 * 30 * 268 / (16_384 * 54), rel=1e-9)  # 148.9 GPU failures
    assert by["software"] == pytest.approx(2_048 * 30 * 63 / (2_048 * 54), rel=1e-9)  # 35.0
    assert sum(by.values()) == pytest.approx(r.expected_failures)


def test_a_node_with_fewer_gpus_fails_less_often_by_its_parts():
    four = Systems.Nodes.DGX_H100.model_copy(update={"accelerators_per_node": 4, "nics_per_node": 4})
    per_part = (268 + 7 + 35) / (16_384 * 54) * 1000
    assert node_failure_rate(four) == pytest.approx(4 * per_part + (46 + 63) / (2_048 * 54) * 1000)
    stated = four.model_copy(update={"failures_per_1000_days": 6.5})  # a measured rate for one's own fleet wins
    assert node_failure_rate(stated) == 6.5


def test_checkpoint_of_a_70b_model_at_a_stated_storage_bandwidth():
    r = ReliabilityModel().solve(FLEET, 720, model=Models.Llama3_70B, storage_bandwidth=Q_(100, "GB/s"))
    size = Models.Llama3_70B.parameter_count * (2 + 12)  # bf16 weights, fp32 master weights and Adam moments
    assert size == pytest.approx(0.988e12, rel=1e-3)
    assert r.checkpoint_size.to("TB").magnitude == pytest.approx(size / 1e12)
    assert r.checkpoint_write_time.to("s").magnitude == pytest.approx(size / 100e9)  # 9.9 s
    assert r.checkpoint_time == r.checkpoint_write_time  # a synchronous save pauses for the whole write


def test_asynchronous_checkpoints_pause_for_the_copy_to_host_and_lose_the_write_on_a_failure():
    sync = ReliabilityModel().solve(FLEET, 720, model=Models.Llama3_70B, storage_bandwidth=Q_(10, "GB/s"))
    lazy = ReliabilityModel().solve(FLEET, 720, model=Models.Llama3_70B, storage_bandwidth=Q_(10, "GB/s"),
                                    asynchronous=True)
    shard = Models.Llama3_70B.parameter_count * 14 / 256  # bytes each of 256 GPUs copies over its PCIe 5.0 link
    assert lazy.checkpoint_time.to("s").magnitude == pytest.approx(shard / 63e9)
    assert lazy.checkpoint_write_time == sync.checkpoint_write_time  # 98.8 s either way
    assert lazy.optimal_checkpoint_interval >= lazy.checkpoint_write_time  # one write at a time
    assert lazy.goodput > sync.goodput


def test_reliability_of_256_gpus_for_30_days_against_young_and_daly():
    r = ReliabilityModel().solve(FLEET, job_duration_hours=720, checkpoint_time_s=120)
    mtbf = 1000 / LLAMA3_NODE_RATE * 86400 / 32  # seconds
    assert r.fleet_mtbf.to("s").magnitude == pytest.approx(mtbf)
    assert r.expected_failures == pytest.approx(720 * 3600 / mtbf)
    assert r.young_daly_interval.to("s").magnitude == pytest.approx((2 * 120 * mtbf) ** 0.5)
    x = 120 / (2 * mtbf)  # Daly's higher-order interval sits just below Young's
    tau = (2 * 120 * mtbf) ** 0.5 * (1 + x**0.5 / 3 + x / 9) - 120
    assert r.optimal_checkpoint_interval.to("s").magnitude == pytest.approx(tau)
    first_order = 120 / tau + (tau / 2 + 600) / mtbf
    assert r.checkpoint_overhead == pytest.approx(first_order, rel=0.02)  # Daly's exact form ≈ the expansion here
    assert r.goodput == pytest.approx(1 - r.checkpoint_overhead)


def test_goodput_stays_a_fraction_when_failures_outpace_checkpoints():
    r = ReliabilityModel().solve(Systems.Clusters.Frontier_16K, 720, checkpoint_time_s=3600, restart_time_s=7200)
    tau, mtbf = r.optimal_checkpoint_interval.to("s").magnitude, r.fleet_mtbf.to("s").magnitude  # 112 min, 3.1 h
    assert 3600 / tau + (tau / 2 + 7200) / mtbf > 1  # the first-order expansion would lose more than all the time
    assert 0.1 < r.goodput < 0.25 and r.checkpoint_overhead == pytest.approx(1 - r.goodput)


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


def test_owning_an_h100_at_full_use_costs_less_per_gpu_hour_than_renting_one():
    owned = econ.solve(FLEET, 365).usd_per_gpu_hour  # 4-year depreciation, network, building, power, upkeep
    rented = [c.usd_per_gpu_hour for c in Infra.CloudPrices if c.accelerator == "H100"]
    assert 1.5 < owned < min(rented)  # below the cheapest on-demand H100 ($2.99), above a bare GPU's share
    half = econ.solve(FLEET, 365, utilization=0.5)
    assert half.usd_per_gpu_hour < owned  # an idle GPU draws less power; the hours are still paid for


def test_embodied_carbon_of_one_node_and_of_blooms_training():
    assert node_embodied_kg(Systems.Nodes.DGX_H100) == 8 * 150 + 2500  # BLOOM's per-GPU and per-server figures
    node = Fleet(name="bloom", node=Systems.Nodes.DGX_A100, count=1, fabric=Systems.Fabrics.InfiniBand_NDR)
    days = 1_082_990 / 8 / 24  # BLOOM's GPU hours on one 8-GPU node
    r = sustain.solve(node, days, Infra.France)
    # 150 kg per GPU and 2,500 kg per server over 6 years at 85 % use: 3.64 t + 7.57 t as published
    assert r.embodied_carbon.to("t").magnitude == pytest.approx(11.2, abs=0.05)
    assert r.total_carbon == r.operational_carbon + r.embodied_carbon


def test_tco_adds_up_and_depreciates():
    r = econ.solve(FLEET, 365, Infra.US_Avg, mfu=0.4)
    assert r.tco_usd == pytest.approx(r.capex_usd + r.opex_energy_usd + r.opex_maintenance_usd)
    assert r.capex_usd == pytest.approx(r.capex_total_usd / 4)
    assert r.hardware_usd == 32 * 329_736  # a reseller's DGX H100 list price, host included
    assert 1.3 < r.infrastructure_multiplier < 2.5  # network and building add a third to a half of the nodes' price
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
