"""Every fleet, serving-request and analysis solver reads its defaults from ``Assumptions``.

For each solver: ``Assumptions()`` gives the numbers the literal defaults gave, and a
non-default assumption moves the result the way the physics says it should.
"""

import dataclasses
import re
from pathlib import Path

import pytest

from mlsysim import (
    Q_,
    BatchingOptimizer,
    DataModel,
    EconomicsModel,
    ForwardModel,
    Hardware,
    Infra,
    MLSysimError,
    Models,
    PlacementOptimizer,
    ReliabilityModel,
    ScalingModel,
    SensitivitySolver,
    SustainabilityModel,
    Systems,
    TailLatencyModel,
    explain,
)
from mlsysim.core.assumptions import Assumptions
from mlsysim.systems.types import Fleet, Node

FLEET, DGX, H100 = Systems.Clusters.Research_256, Systems.Nodes.DGX_H100, Hardware.H100
DEFAULT = Assumptions()
OURS = ("request_input_tokens", "request_output_tokens", "replica_concurrency", "batch_candidates",
        "serving_utilization", "deployment_days", "sensitivity_step", "host_link_bandwidth_bytes_per_s",
        "checkpoint_time_s", "restart_time_s")


def test_new_assumptions_are_documented_and_cite_the_bibliography():
    keys = set(re.findall(r"^@\w+\{([^,]+),", (Path(__file__).parents[1] / "references.bib").read_text(), re.M))
    fields = {f.name: f for f in dataclasses.fields(Assumptions)}
    for name in OURS:
        meta = fields[name].metadata
        assert meta["source"] in keys, f"{name} cites {meta['source']!r}, missing from references.bib"
        assert len(meta["doc"]) > 40 and Assumptions.describe(name) == meta["doc"]


def test_a_wrong_assumptions_object_is_named():
    with pytest.raises(MLSysimError, match="assumptions"):
        SustainabilityModel().solve(FLEET, 30, Infra.Quebec, assumptions={"mfu": 0.4})


# --- sustainability and economics -------------------------------------------------------------------

def test_dgx_h100_power_at_training_load_and_at_idle():
    # training: 76 % of the 10.2 kW rating [@newkirk2025calibrated]; the host is what the 8 GPUs at 700 W leave
    from mlsysim.solvers.sustainability import node_draw_w
    gpus, node = node_draw_w(DGX, "training")
    assert (gpus, node) == (pytest.approx(5_600.0), pytest.approx(0.76 * 10_200))
    # idle: the same host, GPUs at 75 of 700 W (11 %) [@splitwisesim2024]
    gpus, node = node_draw_w(DGX, "idle")
    assert gpus == pytest.approx(8 * 0.11 * 700) and node == pytest.approx(0.76 * 10_200 - 8 * 0.89 * 700)
    assert node_draw_w(DGX, "decode")[1] < node_draw_w(DGX, "prefill")[1] == pytest.approx(0.76 * 10_200)


def test_sustainability_defaults_count_their_boundaries():
    r = SustainabilityModel().solve(FLEET, 30, Infra.Quebec, assumptions=DEFAULT)
    it = 32 * 0.76 * 10.2 * 30 * 24  # 32 DGX H100 nodes training for 30 days, kWh
    assert r.it_energy_kwh.magnitude == pytest.approx(it)
    assert r.accelerator_energy_kwh.magnitude == pytest.approx(256 * 0.7 * 30 * 24)
    assert r.total_energy_kwh.magnitude == pytest.approx(it * 1.58)  # a bare grid: the industry-average facility
    assert r.carbon_footprint_kg == pytest.approx(it * 1.58 * Infra.Quebec.kg_co2e_per_kwh)
    assert r.facility == "Industry average" and r.activity == "training" and r.utilization == 1.0


def test_mfu_does_not_set_power_but_utilization_and_activity_do():
    base = SustainabilityModel().solve(FLEET, 30, Infra.Quebec)
    low, high = (SustainabilityModel().solve(FLEET, 30, Infra.Quebec, mfu=m) for m in (0.2, 0.5))
    assert low.total_energy_kwh == high.total_energy_kwh == base.total_energy_kwh
    per_flop = [r.energy_per_model_flop.to("pJ/flop").magnitude for r in (low, high)]
    assert per_flop[0] == pytest.approx(2.5 * per_flop[1])  # the same energy for less useful work
    half = SustainabilityModel().solve(FLEET, 30, Infra.Quebec, utilization=0.5)
    decode = SustainabilityModel().solve(FLEET, 30, Infra.Quebec, activity="decode")
    assert half.total_energy_kwh < base.total_energy_kwh and decode.total_energy_kwh < base.total_energy_kwh
    hungry = SustainabilityModel().solve(FLEET, 30, Infra.Quebec, assumptions=Assumptions(node_training_power_fraction=0.9))
    assert hungry.total_energy_kwh > base.total_energy_kwh


def test_node_power_ratio_applies_only_to_nodes_without_a_figure():
    bare = Node(name="8xH100", accelerator=H100, accelerators_per_node=8, intra_node_bw=DGX.intra_node_bw)
    fleet = Fleet(name="f", node=bare, count=4, fabric=Systems.Fabrics.InfiniBand_NDR)
    hungry = Assumptions(node_power_per_accelerator_tdp=2.5)
    assert (SustainabilityModel().solve(fleet, 30, Infra.Quebec, assumptions=hungry).total_energy_kwh
            > SustainabilityModel().solve(fleet, 30, Infra.Quebec).total_energy_kwh)
    assert (SustainabilityModel().solve(FLEET, 30, Infra.Quebec, assumptions=hungry)
            == SustainabilityModel().solve(FLEET, 30, Infra.Quebec))  # DGX H100 states 10.2 kW


def test_economics_defaults_price_the_facility_energy_on_the_default_grid():
    r = EconomicsModel().solve(FLEET, 365, assumptions=DEFAULT)  # no region: Assumptions.grid
    assert r.region_name == "US Average"
    assert r.opex_energy_usd == pytest.approx(32 * 0.76 * 10.2 * 8760 * 1.58 * 0.080)
    # 32 DGX H100 at $329,736 each, the network at 15 % of that, the building at $10 per watt of 10.2 kW
    assert r.capex_total_usd == pytest.approx(32 * 329_736 * 1.15 + 32 * 10_200 * 10.0, rel=1e-12)
    assert r.usd_per_gpu_hour == pytest.approx(r.tco_usd / (256 * 8760))
    assert r == EconomicsModel().solve(FLEET, 365, Infra.US_Avg)


def test_a_node_without_a_price_is_priced_from_its_gpus_and_the_server_overhead():
    h200 = Systems.Nodes.DGX_H200
    fleet = Fleet(name="h200", node=h200, count=1, fabric=Systems.Fabrics.InfiniBand_NDR)
    base = EconomicsModel().solve(fleet, 365)
    assert base.hardware_usd == pytest.approx(8 * 35_000 * 1.64)  # the host at Epoch's average server overhead
    cheap = EconomicsModel().solve(fleet, 365, assumptions=Assumptions(server_cost_overhead=1.3))
    assert cheap.hardware_usd == pytest.approx(8 * 35_000 * 1.3)
    with pytest.raises(MLSysimError, match="server_cost_overhead"):
        Assumptions(server_cost_overhead=0.9)


@pytest.mark.parametrize(("change", "field"), [
    ({"facility_capex_per_watt": 13.0}, "capex_total_usd"),
    ({"network_capex_fraction": 0.3}, "capex_total_usd"),
    ({"lifetime_years": 3.0}, "capex_usd"),
    ({"maintenance_fraction_per_year": 0.08}, "opex_maintenance_usd"),
    ({"node_training_power_fraction": 0.9}, "opex_energy_usd"),
    ({"facility": "IndustryAverage", "grid": "Poland"}, "opex_energy_usd"),
])
def test_costlier_assumptions_raise_the_tco(change, field):
    base = EconomicsModel().solve(FLEET, 365)
    r = EconomicsModel().solve(FLEET, 365, assumptions=Assumptions(**change))
    assert getattr(r, field) > getattr(base, field) and r.tco_usd > base.tco_usd


def test_an_explicit_argument_beats_the_assumption():
    a = Assumptions(lifetime_years=2.0)
    assert (EconomicsModel().solve(FLEET, 365, Infra.US_Avg, lifetime_years=4.0, assumptions=a)
            == EconomicsModel().solve(FLEET, 365, Infra.US_Avg))


# --- reliability and data ----------------------------------------------------------------------------

def test_reliability_defaults_are_the_assumptions():
    r = ReliabilityModel().solve(FLEET, 720, assumptions=DEFAULT)
    assert r == ReliabilityModel().solve(FLEET, 720, 60.0, 600.0)
    assert r.node_failure_rate == pytest.approx(419 / (2_048 * 54) * 1000)
    assert r.checkpoint_time.to("s").magnitude == 60.0 and r.restart_time.to("s").magnitude == 600.0


def test_slower_checkpoints_and_restarts_cost_goodput():
    base = ReliabilityModel().solve(FLEET, 720)
    slow = ReliabilityModel().solve(FLEET, 720, assumptions=Assumptions(checkpoint_time_s=240.0))
    assert slow.optimal_checkpoint_interval > base.optimal_checkpoint_interval and slow.goodput < base.goodput
    restart = ReliabilityModel().solve(FLEET, 720, assumptions=Assumptions(restart_time_s=3600.0))
    assert restart.checkpoint_overhead > base.checkpoint_overhead
    narrow = Assumptions(checkpoint_write_bandwidth_per_node_bytes_per_s=1e8)
    model = Models.Llama3_70B
    assert (ReliabilityModel().solve(FLEET, 720, model=model, assumptions=narrow).checkpoint_write_time
            == 10 * ReliabilityModel().solve(FLEET, 720, model=model,
                                             assumptions=Assumptions(checkpoint_write_bandwidth_per_node_bytes_per_s=1e9)).checkpoint_write_time)


def test_component_rates_apply_to_nodes_that_state_none():
    rates = dict(DEFAULT.component_failures_per_1000_days)
    flaky = Assumptions(component_failures_per_1000_days=tuple((k, 2 * v) for k, v in rates.items()))
    base = ReliabilityModel().solve(FLEET, 720)
    assert ReliabilityModel().solve(FLEET, 720, assumptions=flaky).expected_failures == pytest.approx(
        2 * base.expected_failures)
    stated = FLEET.model_copy(update={"node": DGX.model_copy(update={"failures_per_1000_days": 2.3})})
    assert (ReliabilityModel().solve(stated, 720, assumptions=flaky).expected_failures
            == ReliabilityModel().solve(stated, 720).expected_failures)
    with pytest.raises(MLSysimError, match="component_failures_per_1000_days"):
        Assumptions(component_failures_per_1000_days=(("accelerator", 0.3),))


def test_data_supply_tiers_come_from_the_assumptions():
    r = DataModel().solve(Q_("8 GB/s"), assumptions=DEFAULT)
    assert r.utilization == pytest.approx(8e9 / 7e9) and r.bottleneck == "storage"
    raid = DataModel().solve(Q_("8 GB/s"), assumptions=Assumptions(storage_bandwidth_bytes_per_s=28e9))
    assert raid.utilization < r.utilization and not raid.is_stalled
    narrow = DataModel().solve(Q_("8 GB/s"), assumptions=Assumptions(storage_bandwidth_bytes_per_s=28e9,
                                                                      host_link_bandwidth_bytes_per_s=4e9))
    assert narrow.bottleneck == "host link" and narrow.is_stalled


# --- placement and the forward model ------------------------------------------------------------------

def test_placement_defaults_price_decoding_nodes_busy_half_the_time():
    r = PlacementOptimizer().solve(DGX, 14, [Infra.US_Avg, Infra.Quebec], min_regions=2, assumptions=DEFAULT)
    assert r.placement == {"US Average": 1, "Quebec": 13}
    decode_kw = 0.5 * (0.76 * 10.2 - 8 * 0.46 * 0.7) + 0.5 * (0.76 * 10.2 - 8 * 0.89 * 0.7)  # busy half the year
    kwh = decode_kw * 8760 * 1.58
    assert r.carbon_t_per_year == pytest.approx(kwh * (Infra.US_Avg.kg_co2e_per_kwh + 13 * Infra.Quebec.kg_co2e_per_kwh)
                                                / 1e3)


def test_busier_serving_nodes_cost_and_emit_more():
    base = PlacementOptimizer().solve(DGX, 14, [Infra.US_Avg, Infra.Quebec], min_regions=2)
    busy = PlacementOptimizer().solve(DGX, 14, [Infra.US_Avg, Infra.Quebec], min_regions=2,
                                      assumptions=Assumptions(serving_utilization=0.9))
    assert busy.cost_usd_per_year > base.cost_usd_per_year and busy.carbon_t_per_year > base.carbon_t_per_year


def test_forward_defaults_are_the_assumptions_they_name():
    r = ForwardModel().solve(Models.Llama3_8B, FLEET, grid=Infra.Quebec, assumptions=DEFAULT)
    assert r == ForwardModel().solve(Models.Llama3_8B, FLEET, grid=Infra.Quebec, duration_days=365, mfu=0.5)
    serving = SustainabilityModel().solve(FLEET, 365, Infra.Quebec, activity="decode", utilization=0.5)
    assert r.carbon_footprint_kg == pytest.approx(serving.carbon_footprint_kg)


def test_forward_prices_the_deployment_period_and_utilization_assumed():
    base = ForwardModel().solve(Models.Llama3_8B, FLEET, grid=Infra.Quebec)
    month = ForwardModel().solve(Models.Llama3_8B, FLEET, grid=Infra.Quebec, assumptions=Assumptions(deployment_days=30))
    assert month.tco_usd < base.tco_usd and month.carbon_footprint_kg == pytest.approx(base.carbon_footprint_kg * 30 / 365)
    busy = ForwardModel().solve(Models.Llama3_8B, FLEET, grid=Infra.Quebec,
                                assumptions=Assumptions(serving_utilization=0.9))
    assert busy.carbon_footprint_kg > base.carbon_footprint_kg


# --- serving requests ------------------------------------------------------------------------------------

def test_tail_latency_defaults_are_the_literals_they_replace():
    t = TailLatencyModel()
    rate = Q_(2, "1/s")
    r = t.solve(Models.Llama3_8B, H100, rate, assumptions=DEFAULT)
    assert r == t.solve(Models.Llama3_8B, H100, rate, input_len=1024, output_len=256, batch_size=32)
    assert t.max_rate(Models.Llama3_8B, H100, Q_(12, "s")) == t.max_rate(
        Models.Llama3_8B, H100, Q_(12, "s"), 1024, 256, 32)


def test_longer_answers_take_longer_and_more_slots_serve_more():
    t = TailLatencyModel()
    base = t.solve(Models.Llama3_8B, H100, Q_(2, "1/s"))
    long = t.solve(Models.Llama3_8B, H100, Q_(2, "1/s"), assumptions=Assumptions(request_output_tokens=1024))
    assert long.service_time > base.service_time and long.p99_latency > base.p99_latency
    wide = t.solve(Models.Llama3_8B, H100, Q_(2, "1/s"), assumptions=Assumptions(replica_concurrency=64))
    assert wide.capacity > base.capacity
    assert t.max_rate(Models.Llama3_8B, H100, Q_(12, "s"), assumptions=Assumptions(request_output_tokens=1024)) \
        < t.max_rate(Models.Llama3_8B, H100, Q_(12, "s"))


def test_batching_defaults_are_the_literals_they_replace():
    b = BatchingOptimizer()
    r = b.solve(Models.Llama3_8B, H100, itl_sla=Q_(20, "ms"), assumptions=DEFAULT)
    assert [p["batch_size"] for p in r.points] == [1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512]
    same = b.solve(Models.Llama3_8B, H100, itl_sla=Q_(20, "ms"), input_len=1024, output_len=256,
                   candidates=(1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512))
    assert (r.batch_size, r.throughput, r.itl) == (same.batch_size, same.throughput, same.itl)


def test_batching_sweeps_the_assumed_candidates_and_request_shape():
    b = BatchingOptimizer()
    few = b.solve(Models.Llama3_8B, H100, itl_sla=Q_(20, "ms"), assumptions=Assumptions(batch_candidates="1, 2, 4"))
    assert [p["batch_size"] for p in few.points] == [1, 2, 4] and few.batch_size <= 4
    base = b.solve(Models.Llama3_8B, H100)
    longer = b.solve(Models.Llama3_8B, H100, assumptions=Assumptions(request_input_tokens=4096))
    assert longer.points[0]["itl"] > base.points[0]["itl"]  # a longer context reads a larger KV cache
    with pytest.raises(MLSysimError, match="batch_candidates"):
        b.solve(Models.Llama3_8B, H100, assumptions=Assumptions(batch_candidates="1, two, 4"))


# --- analysis --------------------------------------------------------------------------------------------

def test_sensitivity_defaults_are_the_literals_they_replace():
    s = SensitivitySolver()
    r = s.solve(Models.Llama3_8B, H100, assumptions=DEFAULT)
    assert r == s.solve(Models.Llama3_8B, H100, batch_size=1, step=0.01)
    fleet = s.solve(Models.Llama3_8B, fleet=FLEET, tp_size=1, overlap_comm=False)
    assert fleet == s.solve(Models.Llama3_8B, fleet=FLEET, batch_size=1024, tp_size=1, overlap_comm=False)


def test_a_wider_step_bends_the_central_difference():
    # the memory part of a decode step goes as 1/B: a wider central difference reads it as −share/(1 − h²)
    s = SensitivitySolver()
    narrow, wide = (s.solve(Models.Llama3_8B, H100, assumptions=Assumptions(sensitivity_step=h))
                    for h in (0.01, 0.1))
    ratio = wide.sensitivities["memory_bandwidth"] / narrow.sensitivities["memory_bandwidth"]
    assert ratio == pytest.approx((1 - 0.01**2) / (1 - 0.1**2), rel=1e-6)
    small = s.solve(Models.Llama3_8B, fleet=FLEET, tp_size=1, assumptions=Assumptions(global_batch=256))
    assert small.baseline_latency < s.solve(Models.Llama3_8B, fleet=FLEET, tp_size=1).baseline_latency


def test_scaling_accepts_assumptions_and_its_closed_form_does_not_move():
    r = ScalingModel().solve(compute_budget=Q_(1e24, "flop"), assumptions=DEFAULT)
    assert r.optimal_parameters.to("Bparam").magnitude == pytest.approx(91.28709291752767, rel=1e-12)
    assert r == ScalingModel().solve(compute_budget=Q_(1e24, "flop"), assumptions=Assumptions(mfu=0.2))


def test_explain_attributes_a_change_to_the_assumptions_that_differ():
    def carbon(assumptions, grid):
        return SustainabilityModel().solve(FLEET, 30, grid, assumptions=assumptions).carbon_footprint

    r = explain(carbon, {"assumptions": DEFAULT, "grid": Infra.US_Avg},
                {"assumptions": Assumptions(node_training_power_fraction=0.9), "grid": Infra.Quebec})
    term = next(t for t in r.terms if t["input"] == "assumptions")
    assert term["from"] == "node_training_power_fraction=0.76" and term["to"] == "node_training_power_fraction=0.9"
    assert term["contribution"] > 0 * term["contribution"]
