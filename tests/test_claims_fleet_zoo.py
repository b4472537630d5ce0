"""The answer key for the fleet, zoo and accuracy pages: every claim their prose makes, recomputed.

Pages: tutorials/module3.qmd (scale, dollars and carbon), tutorials/12_full_stack_audit.qmd, zoo/*.qmd,
accuracy.qmd, concepts/math.qmd and training-validation.qmd. Each page asserts the same claims in hidden
cells; each assertion here names its page and its claim, so a change in the engine that breaks one says which
sentence is now false. The zoo and assumptions tables are checked for what a reader sees in them: readable
units, no scientific notation, no nonzero value shown as zero.
"""

from __future__ import annotations

import io
import math
import re
import statistics
import warnings
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from mlsysim import (
    Q_,
    Assumptions,
    CNNWorkload,
    DataModel,
    DistributedModel,
    EconomicsModel,
    Engine,
    Hardware,
    Infra,
    Models,
    PrecisionFallbackWarning,
    Precisions,
    ReliabilityModel,
    ScalingModel,
    SensitivitySolver,
    SustainabilityModel,
    SynthesisSolver,
    Systems,
    TransformerWorkload,
    formulas,
    validation,
    zoo,
)
from mlsysim.systems.types import Fleet

ROOT = Path(__file__).resolve().parents[1]
M3 = "tutorials/module3.qmd"
AUDIT = "tutorials/12_full_stack_audit.qmd"
ACC = "accuracy.qmd"


@pytest.fixture(autouse=True)
def _quiet_fallbacks():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrecisionFallbackWarning)
        yield


@pytest.fixture(scope="module")
def by_id():
    return {c.entry.id: c for c in validation.evaluate()}


def _ridge(hw) -> float:
    return hw.ridge_point(next(p for p in ("fp16", "bf16", "int8") if hw.supports(p))).magnitude


# ---------------------------------------------------------------------------------------------- module3


def _strong_scaling(**kw):
    fleets = [Fleet(name=f"{n}", node=Systems.Nodes.DGX_H100, count=n, fabric=Systems.Fabrics.InfiniBand_NDR)
              for n in (8, 32, 128, 512)]
    return [DistributedModel().solve(Models.Llama3_70B, f, batch_size=1024, tp_size=8, pp_size=4, **kw) for f in fleets]


def test_module3_scaling_efficiency_is_never_100_percent_and_falls_as_the_bubble_grows():
    r = _strong_scaling()
    assert all(x.scaling_efficiency < 1 for x in r), f"{M3}: 'Scaling efficiency is never 100 %'"
    for a, b in zip(r, r[1:], strict=False):
        assert b.microbatches < a.microbatches, f"{M3}: 'more GPUs means fewer microbatches per pipeline'"
        assert b.bubble_fraction > a.bubble_fraction, f"{M3}: 'the bubble grows'"
        assert b.scaling_efficiency < a.scaling_efficiency, f"{M3}: 'efficiency falls'"
    assert 1 - r[0].scaling_efficiency > 2 * r[0].bubble_fraction, \
        f"{M3}: 'Most of the rest of the loss is communication' (at 64 GPUs the bubble is the smaller part)"


def test_module3_interleaving_divides_idle_time_by_the_chunks_and_pays_korthikantis_memory_price():
    fleet = Fleet(name="512", node=Systems.Nodes.DGX_H100, count=512, fabric=Systems.Fabrics.InfiniBand_NDR)
    runs = {r.schedule: r for r in (DistributedModel().solve(Models.Llama3_70B, fleet, batch_size=1024, tp_size=8,
                                                             pp_size=4, **kw)
                                    for kw in ({}, {"virtual_stages": 4}, {"schedule": "zb-h1"}))}
    plain, inter, zb = runs["1f1b"], runs["interleaved"], runs["zb-h1"]
    assert plain.bubble_latency / inter.bubble_latency == pytest.approx(4), \
        f"{M3}: 'Four chunks cut the idle time exactly 4×'"
    assert inter.bubble_latency < zb.bubble_latency < plain.bubble_latency, \
        f"{M3}: 'ZB-H1 fills part of it with weight-gradient work'"
    act = {k: r.memory_breakdown["activations"] for k, r in runs.items()}
    assert (act["interleaved"] / act["1f1b"]).to("").magnitude == pytest.approx(1 + 3 / 16), \
        f"{M3}: interleaving keeps 1 + (p − 1)/(p·v) times 1F1B's activations"
    assert act["zb-h1"] == act["1f1b"], f"{M3}: 'ZB-H1 keeps 1F1B's' activations"


def test_module3_capex_is_nodes_network_and_building_and_the_gpus_are_under_half_of_it():
    a = Assumptions()
    research = Systems.Clusters.Research_256
    econ = EconomicsModel().solve(research, duration_days=365, grid=Infra.US_Avg)
    building = research.count * research.node.max_power.to("W").magnitude * a.facility_capex_per_watt
    assert econ.capex_total_usd == pytest.approx(econ.hardware_usd * (1 + a.network_capex_fraction) + building), \
        f"{M3}: CapEx = C_nodes (1 + f_net) + c_facility P_IT"
    assert 0.4 < 1 / econ.infrastructure_multiplier < 0.8, f"{M3}: the nodes are most of the purchase"
    gpus = research.total_accelerators * research.node.accelerator.unit_cost.to("USD").magnitude
    assert gpus / econ.capex_total_usd > 0.4, \
        f"{M3}: the engine's count puts the GPUs above the rule of thumb's 40 % of CapEx"
    rule = EconomicsModel().solve(research, duration_days=365, grid=Infra.US_Avg,
                                  infrastructure_multiplier=gpus / 0.4 / econ.hardware_usd)
    assert rule.infrastructure_multiplier < 2.5 and rule.tco_usd > econ.tco_usd, \
        f"{M3}: the multiplier that puts GPUs at 40 % is below 2.5 for these nodes and costs more"
    assert rule.capex_total_usd == pytest.approx(gpus / 0.4), f"{M3}: that multiplier puts the GPUs at 40 % of CapEx"


def test_module3_google_iowa_differs_from_the_iowa_row_by_the_building_alone_and_geography_dominates():
    fleet = Systems.Clusters.Research_256
    perf = DistributedModel().solve(model=Models.Llama3_70B, fleet=fleet, tp_size=8, pp_size=1, dp_size=32)
    days = perf.latency.to("days").magnitude
    assert perf.training_tokens.magnitude == 20 * Models.Llama3_70B.parameters.to("param").magnitude, \
        f"{M3}: 'the compute-optimal 20 tokens per parameter, the default budget'"
    google = SustainabilityModel().solve(fleet=fleet, duration_days=days, mfu=perf.mfu,
                                         datacenter=Infra.Datacenters.GCP_Iowa)
    rows = {g.name: SustainabilityModel().solve(fleet=fleet, duration_days=days, datacenter=g) for g in Infra.Grids}
    assert len({r.pue for r in rows.values()}) == 1 and google.facility == "Hyperscale", \
        f"{M3}: every grid row is in the same (industry-average) building; Google's site is hyperscale"
    iowa = rows["Iowa"]
    assert google.carbon_intensity == iowa.carbon_intensity and google.pue < iowa.pue, \
        f"{M3}: 'The two Iowa rows share a grid and differ only in the building'"
    assert google.carbon_footprint == pytest.approx(iowa.carbon_footprint * google.pue / iowa.pue), \
        f"{M3}: Google's site emits the Iowa row × its PUE / the industry-average PUE"
    gap = rows["Poland"].carbon_footprint / rows["Quebec"].carbon_footprint
    assert min(rows, key=lambda n: rows[n].carbon_footprint) == "Quebec", f"{M3}: Quebec is the cleanest row"
    assert max(rows, key=lambda n: rows[n].carbon_footprint) == "Poland", f"{M3}: Poland is the dirtiest row"
    assert gap > iowa.pue / google.pue, f"{M3}: 'Geography is the biggest lever', ahead of the building"


# ---------------------------------------------------------------------------------- 12_full_stack_audit


def _audit_fleet() -> Fleet:
    from mlsysim.core.constants import INFINIBAND_NDR_BW, NVLINK_H100_BW
    from mlsysim.systems.types import NetworkFabric, Node

    node = Node(name="DGX H100", accelerator=Hardware.H100, accelerators_per_node=8, intra_node_bw=NVLINK_H100_BW)
    fabric = NetworkFabric(name="InfiniBand NDR", topology="fat-tree", bandwidth=INFINIBAND_NDR_BW)
    return Fleet(name="Training Cluster", node=node, count=64, fabric=fabric, region=Infra.Grids.Quebec)


def test_audit_node_inference_is_memory_bound_and_infeasible_training_compute_bound():
    model, h100 = Models.Llama3_70B, Hardware.H100
    inference = Engine.solve(model, h100, 4, "fp16")
    training = Engine.solve(model, h100, 4, "fp16", mode="training")
    assert inference.bottleneck == "Memory" and not inference.feasible, \
        f"{AUDIT}: 'one decode step of 4 sequences, which is memory-bound — and infeasible'"
    assert model.weight_bytes("fp16") > h100.memory.capacity, f"{AUDIT}: 70B parameters at fp16 exceed an H100"
    assert training.bottleneck == "Compute" and training.arithmetic_intensity > training.ridge_point, \
        f"{AUDIT}: 'Training is compute-bound' (intensity above the ridge)"
    assert not training.feasible, f"{AUDIT}: the training state 'must be spread over a fleet'"
    assert 4 * Assumptions().seq_len >= 1000, f"{AUDIT}: 'reuses every weight thousands of times'"


def test_audit_data_pipeline_is_not_binding():
    r = DataModel().solve(workload_data_rate=Q_("8 MB/s"), hardware=Hardware.H100)
    assert not r.is_stalled and r.utilization < 0.01, f"{AUDIT}: 'Tokenized text is tiny' (data not binding)"


def test_audit_thirty_days_buy_a_little_under_twenty_tokens_per_parameter():
    flops = 512 * Hardware.H100.compute.peak_flops.to("flop/s").magnitude * 30 * 86400 * 0.4
    r = ScalingModel().solve(compute_budget=Q_(flops, "flop"), target_model_size=Models.Llama3_70B.parameters)
    assert 15 < r.tokens_per_parameter < 20, f"{AUDIT}: 'a little under the compute-optimal 20'"
    assert r.optimal_parameters < Models.Llama3_70B.parameters, f"{AUDIT}: 'the budget's optimal model would be smaller'"


def test_audit_fleet_tensor_parallel_communication_binds_and_failures_pile_up():
    fleet = _audit_fleet()
    d = DistributedModel().solve(model=Models.Llama3_70B, fleet=fleet, batch_size=2048, precision="fp16", tp_size=8,
                                 pp_size=1, overlap_comm=True, seq_len=2048)
    assert d.feasible and d.tp_communication_latency > d.dp_exposed_latency, \
        f"{AUDIT}: tensor-parallel communication is what binds the fleet"
    assert 0 < d.dp_exposed_latency.magnitude and d.dp_exposed_latency < d.dp_communication_latency, \
        f"{AUDIT}: part of the gradient all-reduce is left exposed, the rest hidden"
    assert d.bubble_latency.magnitude == 0, f"{AUDIT}: 'With one pipeline stage there is no bubble'"
    assert d.step_latency_total.to("s").magnitude > 2, f"{AUDIT}: 'several seconds per step'"
    rel = ReliabilityModel().solve(fleet=fleet, job_duration_hours=30 * 24, checkpoint_time_s=120)
    assert rel.expected_failures > 5, f"{AUDIT}: several node failures a month"


def test_audit_depreciation_dominates_the_month_and_poland_emits_over_twenty_times_quebec():
    fleet = _audit_fleet()
    e = EconomicsModel().solve(fleet=fleet, duration_days=30, grid=Infra.Grids.Quebec, mfu=0.4)
    assert e.capex_usd > e.opex_energy_usd + e.opex_maintenance_usd and e.capex_usd / e.tco_usd > 0.5, \
        f"{AUDIT}: 'hardware depreciation' is most of the month's cost"
    quebec = SustainabilityModel().solve(fleet=fleet, duration_days=30, datacenter=Infra.Grids.Quebec, mfu=0.4)
    poland = SustainabilityModel().solve(fleet=fleet, duration_days=30, datacenter=Infra.Grids.Poland, mfu=0.4)
    assert poland.carbon_footprint_kg / quebec.carbon_footprint_kg > 20, f"{AUDIT}: Poland emits over 20× Quebec"


def test_audit_sensitivity_and_synthesis_of_inference_and_training():
    s = SensitivitySolver()
    assert s.solve(model=Models.Llama3_70B, hardware=Hardware.H100, precision="fp16").binding_constraint \
        == "memory_bandwidth", f"{AUDIT}: the default (inference) step 'is bandwidth-bound'"
    assert s.solve(model=Models.Llama3_70B, hardware=Hardware.H100, precision="fp16", mode="training",
                   batch_size=4).binding_constraint == "peak_flops", f"{AUDIT}: the training step binds on peak FLOP/s"
    inference = SynthesisSolver().solve(model=Models.Llama3_70B, target_latency=Q_("200 ms"), precision="fp16")
    training = SynthesisSolver().solve(model=Models.Llama3_70B, target_latency=Q_("200 ms"), precision="fp16",
                                       mode="training")
    assert training.required_flops.to("PFLOP/s").magnitude > 1, f"{AUDIT}: a 200 ms training step needs PFLOP/s"
    assert training.required_memory > inference.required_memory, f"{AUDIT}: training needs more memory than inference"


def test_audit_self_check_young_daly():
    interval = formulas.young_daly_interval(Q_(2, "minute"), Q_(4, "hour"))
    assert interval.to("minute").magnitude == pytest.approx(math.sqrt(2 * 2 * 240)), \
        f"{AUDIT}: Young–Daly interval sqrt(2 δ M)"


# ------------------------------------------------------------------------------------------------ zoo


def test_zoo_hardware_span_and_ridge_band():
    page = "zoo/hardware.qmd"
    peaks = {n: max(r.to("flop/s").magnitude for r in [hw.compute.peak_flops, *hw.compute.precision_flops.values()])
             for n, hw in Hardware.items()}
    ridges = {n: _ridge(hw) for n, hw in Hardware.items()}
    host_linked = {n for n, hw in Hardware.items() if hw.device_class == "npu" and ridges[n] > 1000}
    on_device = [r for n, r in ridges.items() if n not in host_linked]
    assert max(peaks, key=peaks.get) == "WSE3" and min(peaks, key=peaks.get) == "nRF52840", \
        f"{page}: the prose names the fastest and slowest devices from the registry"
    assert round(math.log10(max(peaks.values()) / min(peaks.values()))) == 9, f"{page}: the zoo spans 9 orders"
    assert 0.5 <= min(on_device) and max(on_device) < 1000, f"{page}: on-device ridges lie in a narrow band"
    assert host_linked == {"Coral_EdgeTPU", "Hailo8"}, f"{page}: the host-linked accelerators are the exceptions"


def test_zoo_models_decode_is_one_flop_per_byte_below_every_accelerator_ridge():
    page = "zoo/models.qmd"
    ctx = Assumptions().seq_len
    intensity = {}
    for name, m in Models.items():
        flops = (m.flops_per_token("decode", min(ctx, m.context_length)) if isinstance(m, TransformerWorkload)
                 else m.flops_per_inference)
        intensity[name] = flops.to("flop").magnitude / m.weight_bytes("fp16").to("B").magnitude
    dense = [v for n, v in intensity.items() if isinstance(Models.get(n), TransformerWorkload) and not Models.get(n).is_moe]
    moe = [v for n, v in intensity.items() if isinstance(Models.get(n), TransformerWorkload) and Models.get(n).is_moe]
    convs = [v for n, v in intensity.items() if isinstance(Models.get(n), CNNWorkload) and n != "AD_Autoencoder"]
    lowest = min(_ridge(hw) for _, hw in Hardware.items() if hw.device_class != "mcu")
    assert 0.9 < min(dense) and max(dense) < 1.25 < lowest, \
        f"{page}: dense decode is about one FLOP per byte, below every accelerator's ridge"
    assert max(moe) < 0.5, f"{page}: 'A mixture of experts sits below the line'"
    for _, m in Models.items():
        if isinstance(m, TransformerWorkload) and m.is_moe:
            assert formulas.distinct_experts_fraction(m.experts, m.experts_per_token, 128) > 0.95, \
                f"{page}: 'a batch of 128 tokens already routes to more than 95 % of every model's experts' ({m.name})"
    assert min(convs) > 10, f"{page}: convolutional networks 'sit at least N× above the line'"
    assert intensity["AD_Autoencoder"] < 1.25, f"{page}: the fully connected autoencoder 'sits on the line'"
    gqa = Models.Llama3_8B
    assert gqa.attention_heads // gqa.kv_heads == 4, f"{page}: GQA makes Llama-3-8B's KV cache 4× smaller"


def test_zoo_systems_scale_up_outruns_the_fabric_everywhere():
    page = "zoo/systems.qmd"
    ndr = Systems.Fabrics.InfiniBand_NDR.bandwidth
    assert (Systems.Nodes.DGX_H100.intra_node_bw / 2 / ndr).to("").magnitude > 5, \
        f"{page}: a DGX H100 GPU reaches its peers several times faster than another node"
    assert all(node.intra_node_bw / 2 > 2 * ndr for _, node in Systems.Nodes.items()), \
        f"{page}: 'every node in the zoo keeps its scale-up link well ahead of the port'"


def test_zoo_infra_quebec_burns_nothing_and_a_bare_grid_gets_the_default_facility():
    page = "zoo/infra.qmd"
    grids = sorted(Infra.Grids, key=lambda g: g.carbon_intensity)
    assert grids[0].name == "Quebec" and grids[-1].name == "Poland", f"{page}: cleanest and dirtiest grids"
    assert grids[0].direct_carbon_intensity.magnitude == 0, f"{page}: Quebec 'Directly it emits nothing'"
    assert set(grids[0].generation_mix) <= {"hydro", "nuclear", "wind", "solar", "biomass"}, \
        f"{page}: Quebec's sources burn no fossil fuel"
    bare = SustainabilityModel().solve(Systems.Clusters.Research_256, 1, Infra.Quebec)
    assert bare.pue == Infra.Facilities.get(Assumptions().facility).pue, \
        f"{page}: a bare grid is put in Assumptions.facility's class"


@pytest.mark.parametrize("catalog", [Hardware, Models, Systems.Nodes, Systems.Fabrics, Systems.Clusters, Infra.Grids,
                                     Infra.Facilities, Infra.Datacenters, Infra.CloudPrices])
def test_zoo_tables_show_no_scientific_notation_and_one_row_per_entry(catalog):
    headers, rows = zoo.zoo_rows(catalog)
    assert len(rows) == len(catalog)
    for row in rows:
        assert len(row) == len(headers)
        for cell in map(str, row):
            assert not re.search(r"\d[eE][-+]?\d", cell), f"zoo table cell in scientific notation: {cell!r}"
            assert not re.search(r"(?<![\d.])0\.0+ \w", cell), f"zoo table cell rounds a value to zero: {cell!r}"


def test_zoo_tables_read_in_sensible_units():
    models = {r[0]: r for r in zoo.zoo_rows(Models)[1]}
    assert models["`DS_CNN`"][8:11] == ["47.51 kB", "23.76 kB", "11.88 kB"], "zoo/models.qmd: tiny weights in kB"
    assert models["`DS_CNN`"][2] == "23.76 kparam"
    assert models["`DeepSeek_V3`"][8] == "1.342 TB"
    hardware = {r[0]: r for r in zoo.zoo_rows(Hardware)[1]}
    assert hardware["`nRF52840`"][2] == "64 MFLOP/s", "zoo/hardware.qmd: microcontroller peaks name their unit"
    fabrics = {r[0]: r for r in zoo.zoo_rows(Systems.Fabrics)[1]}
    assert fabrics["`InfiniBand_NDR`"][2] == "400 Gb/s (50 GB/s)" and fabrics["`NVLink4`"][2] == "450 GB/s", \
        "zoo/systems.qmd: a link rated in bytes is shown once"
    grids = {r[0]: r for r in zoo.zoo_rows(Infra.Grids)[1]}
    assert grids["`Quebec`"][3] == "0 g/kWh" and grids["`Norway`"][3] == "3.7 g/kWh", "zoo/infra.qmd: direct intensity"
    assert "coal 0.5%" in grids["`France`"][5], "zoo/infra.qmd: a 0.5 % share is not shown as 0 %"


# ------------------------------------------------------------------------------------- assumptions table


def test_assumptions_table_reads_in_units_with_no_raw_floats():
    rows = {name: (value, unit) for name, value, unit, _ in Assumptions().table()}
    assert rows["fabric_latency_s"] == ("5 µs", ""), "accuracy.qmd / concepts/math.qmd: 5 µs, not 5e-06 s"
    assert rows["checkpoint_write_bandwidth_per_node_bytes_per_s"] == ("976.6 MB/s", "")
    assert rows["component_failures_per_1000_days"][0].startswith("accelerator 0.303, nic 0.00791")
    assert rows["seq_len"] == ("2,048", "token")
    for name, (value, unit) in rows.items():
        assert not re.search(r"\d[eE][-+]?\d", value), f"assumption {name} shown in scientific notation: {value!r}"
        assert not re.search(r"\d\.0*[1-9]\d{4,}", value), f"assumption {name} shown with too many digits: {value!r}"
        assert not (unit and value.endswith(" " + unit)), f"assumption {name} shows its unit twice"


# ---------------------------------------------------------------------------------------------- accuracy


def _page_cell_output(page: str, marker: str) -> str:
    """What the cell of ``page`` whose code contains ``marker`` prints, after the page's first cell."""
    from qmdrender import qmd

    cells = [c for c in qmd.parse(page, (ROOT / page).read_text(encoding="utf-8")).chunks if isinstance(c, qmd.Cell)]
    target = next(c for c in cells if marker in c.code)
    namespace: dict = {}
    out = io.StringIO()
    with redirect_stdout(out):
        exec(cells[0].code, namespace)  # the page's own set-up cell
        exec(target.code, namespace)
    return out.getvalue()


def test_accuracy_per_solver_table_header_has_one_column_per_cell():
    import pypandoc

    table = _page_cell_output(ACC, '"Solver", "Entries"')
    html = pypandoc.convert_text(table, "html", format="markdown")
    headers = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", html, re.S)
    assert headers == ["Solver", "Entries", "Median absolute error", "Worst absolute error"], \
        f"{ACC}: the per-solver table's header is split or wrong: {headers}"
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)[1:]:
        assert len(re.findall(r"<td", row)) == len(headers), f"{ACC}: a row of the per-solver table has the wrong width"


def test_accuracy_held_out_targets_and_the_single_node_split(by_id):
    comparisons = list(by_id.values())
    held = validation.summary(comparisons, "held-out")
    calibration = [c.entry.solver for c in comparisons if c.entry.split == "calibration"]
    assert sorted(calibration) == sorted(held), f"{ACC}: calibration entries are 'one per solver'"
    assert max(held[s]["median"] for s in ("distributed", "serving", "single-node")) <= 0.25, \
        f"{ACC}: distributed, serving and single-node meet the 25 % target"
    near = ["llama3-8b-a100-gptfast-bs1-decode", "llama3-8b-a100-torchao-bs1-decode", "llama3-8b-h100-torchao-bs1-decode",
            "resnet50-h100-mlperf-offline", "resnet50-a100-mlperf-offline", "resnet50-orin-mlperf-singlestream",
            "ds-cnn-mcxn947-cpu"]
    far = ["gptj-h100-fp8-bs1-decode", "resnet50-a100-mlperf-singlestream", "llama3-8b-wse3-decode"]
    single = {c.entry.id for c in comparisons if c.entry.solver == "single-node" and c.entry.split == "held-out"}
    assert set(near) | set(far) == single, f"{ACC}: the near and far groups cover every held-out single-node entry"
    assert max(abs(by_id[i].error) for i in near) < min(abs(by_id[i].error) for i in far), \
        f"{ACC}: 16-bit batch-1 decoding, ResNet-50 on GPUs and the MCU are nearer than the FP8, one-image and wafer entries"


def test_accuracy_large_misses_paragraphs(by_id):
    e = {i: c.error for i, c in by_id.items()}
    assert e["megatron-1.7b"] > 0.1 > abs(e["megatron-1008b"]), f"{ACC}: 'Small models train slower than their GEMMs'"
    assert 0 < e["llama3-405b-16k-gpus"] < e["llama3-405b-8k-gpus"] < e["llama3-405b-16k-gpus-131k"] < 0.15, \
        f"{ACC}: Llama 3 405B within 15 %, the 131 K entry the most optimistic of the three"
    assert all(e[f"mtnlg-530b-{g}-gpus"] < -0.15 for g in (2240, 2800, 3360)), f"{ACC}: MT-NLG runs slower than predicted"
    assert max(abs(v) for i, v in e.items() if i.startswith("korthikanti-")) < 0.12, f"{ACC}: Korthikanti within 12 %"
    for entry in ("llama3-405b-8k-gpus", "llama3-405b-16k-gpus"):
        k = by_id[entry].entry.conditions
        bubble = formulas.pipeline_bubble_fraction(k["pp"], k["batch"] // (k["gpus"] // (k["tp"] * k["pp"])))
        assert 0.3 < bubble < 0.5, f"{ACC}: a plain 1F1B bubble would be a third to a half of the step"
    assert e["llama3-8b-wse3-decode"] > 100 and e["gptj-h100-fp8-bs1-decode"] > 1 and e["gptj-h100-fp8-ttft"] < -0.25, \
        f"{ACC}: the wafer and short FP8 steps are far off"
    assert abs(e["gptj-a100-fp16-ttft-2048"]) < 0.25 and abs(e["gptj-h100-fp8-bs64"]) < 0.1, \
        f"{ACC}: a 2,048-token prompt and batch 64 at FP8 are close"
    first_token = [c for c in by_id.values() if c.entry.conditions.get("metric") == "ttft"]
    assert max(abs(c.error) for c in first_token if c.entry.conditions["input_len"] == 2048) < 0.25, \
        f"{ACC}: every first-token entry with a 2,048-token prompt is within 25 %"
    far = [c for c in first_token if c.entry.conditions["input_len"] == 128 and abs(c.error) > 0.25]
    assert far and all(c.error < 0 and c.entry.conditions["precision"] == "fp8" for c in far), \
        f"{ACC}: the 128-token first-token entries further than 25 % are all at FP8 and optimistic"
    bs1 = by_id["gptj-h100-fp8-bs1-decode"]
    implied = bs1.entry.measured * Models.GPTJ_6B.weight_bytes("fp8").to("B").magnitude / Hardware.H100.si.memory_bandwidth
    assert 0.25 < implied < 0.4, f"{ACC}: the FP8 batch-1 decode implies about a third of the H100's bandwidth"
    assert e["resnet50-a100-mlperf-singlestream"] < -0.25, f"{ACC}: one-image ResNet-50 is slower than predicted"
    mcu = Hardware.MCXN947
    by_curve = Engine.solve(Models.DS_CNN, mcu.model_copy(update={"kernel_library": None}), 1, "int8").latency
    assert abs(e["ds-cnn-mcxn947-cpu"]) < 0.25 and by_curve.to("ms").magnitude < 0.5 * by_id["ds-cnn-mcxn947-cpu"].entry.measured, \
        f"{ACC}: the microcontroller is within 25 % with CMSIS-NN's table by shape, and was under half with the GEMM curve"
    compiled = ("llama3-8b-a100-gptfast-bs1-decode", "llama3-8b-a100-torchao-bs1-decode", "llama3-8b-h100-torchao-bs1-decode")
    assert all(e[i] > 0 for i in compiled), f"{ACC}: compiled batch-1 decoding is over-predicted"


def test_accuracy_attention_is_the_largest_operator_at_131k_tokens():
    from mlsysim.cost import step_cost

    rows = step_cost(Models.Llama3_405B, Hardware.H100, phase="training", batch=1, seq=131072, tp=8, cp=16,
                     precisions=Precisions.from_shorthand("bf16"), assumptions=Assumptions(),
                     link=(450e9, 1e-6), group_links=(("cp", (50e9, 5e-6)),)).breakdown.rows
    per_op: dict[str, float] = {}
    for r in rows:
        if r.op.group == "layer":
            base = r.op.name.removesuffix(" (bwd)")
            per_op[base] = per_op.get(base, 0.0) + r.time - r.t_comm
    assert max(per_op, key=per_op.get) == "attention", f"{ACC}: 'attention is the largest operator of each layer'"


def test_accuracy_serving_reliability_and_energy_paragraphs(by_id):
    comparisons = list(by_id.values())
    big = [c for c in comparisons if c.entry.solver == "serving" and isinstance(c.entry.conditions.get("batch"), int)
           and c.entry.conditions["batch"] >= 512 and c.entry.conditions.get("output_len") == 128]
    furthest = max(big, key=lambda c: c.error)
    assert len(big) >= 3 and max(abs(c.error) for c in big) < 0.3, \
        f"{ACC}: the largest batches of short requests are within 30 %"
    assert furthest.entry.conditions.get("hardware") == "H200" and furthest.entry.conditions["model"] in (
        "Llama2_7B", "Llama2_13B"), f"{ACC}: 'the furthest over are the 7B and 13B models on one H200'"
    assert by_id["llama2-70b-h100-tp4-ttft"].error < 0, f"{ACC}: a 128-token FP8 prompt on four GPUs is optimistic"
    long_out = [by_id[i] for i in ("llama2-70b-h100-tp4-bs480-long-out", "llama2-70b-h100-tp2-bs64-long")]
    assert all(c.entry.conditions["grouped_kv_reads"] is False and abs(c.error) < 0.2 for c in long_out), \
        f"{ACC}: with the per-query-head reads of their release, the 2,048-token static batches are within 20 %"
    v090 = [c.error for c in comparisons if c.entry.source == "nvidia2024trtllmperf090"]
    assert sorted(abs(x) for x in v090)[len(v090) // 2] < 0.1, f"{ACC}: the v0.9.0 tables are within a median of 10 %"
    single_gpu_061 = [c.error for c in comparisons if c.entry.id.startswith(("trtllm061-", "trtllm05-"))]
    assert sorted(abs(x) for x in single_gpu_061)[len(single_gpu_061) // 2] < 0.1, \
        f"{ACC}: the v0.6.1 page's single-GPU rows, L40S included, are within a median of 10 %"
    fleets = [by_id[i] for i in ("rsc1-node-failure-rate", "rsc2-node-failure-rate", "bloom-176b-gpu-failures",
                                 "opt-175b-hardware-restarts", "b200-504-gpu-failures")]
    assert max(1 + c.error for c in fleets) / min(1 + c.error for c in fleets) > 1.2 / 0.8, \
        f"{ACC}: 'No single default lies within 20 % of all of them'"
    assert abs(by_id["llama3-405b-goodput"].error) < 0.05, f"{ACC}: the checkpoint and restart model is close"
    saves = [by_id[f"gpt-1.5b-megatron-sync-checkpoint-{gb}gb"] for gb in (18, 24)]
    assert all(abs(c.error) < 0.2 for c in saves), f"{ACC}: size over bandwidth gives the Megatron-LM saves within 20 %"
    recovery = [c for c in comparisons if c.entry.solver == "reliability" and c.entry.split == "held-out"
                and c.entry.conditions["metric"] in ("goodput", "checkpoint_s")]
    assert statistics.median(abs(c.error) for c in recovery) <= 0.2 < statistics.median(abs(c.error) for c in fleets), \
        f"{ACC}: 'the checkpoint and goodput entries meet a 20 % target; the fleet failure rates miss it'"
    held = [c for c in comparisons if c.entry.solver == "reliability" and c.entry.split == "held-out"]
    assert statistics.median(abs(c.error) for c in held) <= 0.2, f"{ACC}: 'together their median is ... inside 20 %'"
    assert by_id["bloom-176b-gpu-failures"].entry.measured_range == (1, 2), f"{ACC}: BLOOM's '1-2 a week' is a range"
    for i in ("llama2-70b-energy", "llama3-405b-energy", "bloom-energy"):
        assert abs(by_id[i].error) < 1e-6, f"{ACC}: GPU-hours × TDP energy figures 'agree exactly' ({i})"


def _evaluate_with(**changes) -> dict:
    """Every entry evaluated with the engine's defaults changed as ``changes`` says (the page's 'what if')."""
    return {c.entry.id: c for c in validation.evaluate(assumptions=Assumptions().replace(**changes))}


def test_accuracy_summing_compute_and_memory_fits_the_calibration_entries_better(by_id):
    calibration = [i for i, c in by_id.items() if c.entry.split == "calibration"]
    with_max = _evaluate_with(overlap="max")
    summed = statistics.median(abs(by_id[i].error) for i in calibration)
    maxed = statistics.median(abs(with_max[i].error) for i in calibration)
    assert summed < maxed, f"{ACC}: 'summing an operator's compute and memory time fits them better'"


def test_accuracy_a_ring_at_2us_a_hop_would_move_no_serving_figure_by_four_points(by_id):
    ring = _evaluate_with(tp_allreduce_base_s=0.0,
                          tp_allreduce_per_rank_s=2 * Assumptions().intra_node_latency_s)
    moved = max(abs(ring[i].error - c.error) for i, c in by_id.items()
                if c.entry.solver == "serving" and c.entry.split == "held-out")
    assert moved <= 0.04, f"{ACC}: the ring's latencies 'would move no held-out serving figure by more than four points'"


# --------------------------------------------------------------------------------------- concepts/math


def test_math_decode_breakdown_and_collective_latency_fit():
    page = "concepts/math.qmd"
    b = Engine.solve(Models.Llama3_8B, Hardware.H100, batch_size=1, seq_len=2048).breakdown
    assert b.bound == "memory" and b.bytes_by_role()["weights"] > 0.9 * b.bytes, f"{page}: weights are most bytes"
    assert b.by_group()["layer"] > 0.5 * b.time, f"{page}: 'the 32 layers dominate'"
    a = Assumptions()
    assert (a.tp_allreduce_base_s + a.tp_allreduce_per_rank_s) * 1e6 == pytest.approx(5.6, abs=0.05), \
        f"{page}: the fit gives 5.6 µs for two GPUs"
    assert 13.3 <= (a.tp_allreduce_base_s + 7 * a.tp_allreduce_per_rank_s) * 1e6 <= 14.7, \
        f"{page}: the fit lies within the 13.3–14.7 µs measured for eight GPUs"
    assert Models.Llama3_70B.hidden_size * 2 == 16 * 1024, f"{page}: one 70B activation is 16 KiB"
    assert formulas.checkpoint_bytes_per_param(2) == 14, f"{page}: a checkpoint holds 14 bytes per parameter"


# ------------------------------------------------------------------------------------ training-validation


def test_training_validation_what_each_entry_takes_from_its_source():
    page = "training-validation.qmd"
    runs = [c for c in validation.evaluate() if c.entry.solver == "distributed"]
    assert [c.entry.id for c in runs if c.entry.split == "calibration"] == ["megatron-1.7b"], \
        f"{page}: 'all but the smallest Megatron-LM row are held out'"
    assert validation.summary(runs, "held-out")["distributed"]["median"] <= 0.12
    groups = {key: [c for c in runs if c.entry.source == key] for key in
              ("narayanan2021megatron", "korthikanti2022reducing", "dubey2024llama3", "smith2022mtnlg")}
    assert sum(map(len, groups.values())) == len(runs), f"{page}: every training entry comes from one of four sources"
    assert all(c.entry.conditions["recompute"] == "full" and c.entry.conditions["flash_attention"] is False
               and c.entry.conditions["overlap_comm"] is False for c in groups["narayanan2021megatron"]), \
        f"{page}: Megatron-LM runs recompute every layer, use no fused attention, reduce gradients after the backward"
    assert all(c.entry.conditions["virtual_stages"] == 3 for c in groups["korthikanti2022reducing"]
               if c.entry.id.startswith(("korthikanti-175b", "korthikanti-530b"))), \
        f"{page}: 'the 175 B and 530 B runs interleave three chunks per GPU'"
    assert all(c.entry.conditions["recompute"] == "none" for c in groups["dubey2024llama3"]), \
        f"{page}: Llama 3's sequences train without activation checkpointing"
    assert [c.entry.conditions.get("cp_overlap") for c in groups["dubey2024llama3"]
            if c.entry.conditions.get("cp", 1) > 1] == [False], f"{page}: the 131 K entry turns cp_comm_overlap off"
    assert all("micro_batch" not in c.entry.conditions and "virtual_stages" not in c.entry.conditions
               for c in groups["smith2022mtnlg"]), f"{page}: MT-NLG's micro-batch and schedule are the engine's defaults"
