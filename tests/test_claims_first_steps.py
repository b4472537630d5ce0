"""The answer key of the first-steps pages: every claim their prose makes, recomputed through the public API.

Pages: index.qmd, getting-started.qmd, tutorials/00_hello_roofline.qmd, tutorials/01_memory_wall.qmd,
tutorials/01_pipeline_callbacks.qmd, tutorials/02_differential_explainer.qmd and tutorials/exercises.qmd.
Each page asserts the same claims in a hidden cell; each assertion here names the page and the claim.
"""

from __future__ import annotations

import math
import warnings

import pytest
from pint import DimensionalityError

from mlsysim import (
    Q_,
    Assumptions,
    BatchingOptimizer,
    CompressionModel,
    DistributedModel,
    EconomicsModel,
    Engine,
    Hardware,
    Infra,
    InvalidArgumentError,
    MLSysimError,
    Models,
    ParallelismOptimizer,
    Pipeline,
    PlacementOptimizer,
    PrecisionFallbackWarning,
    Precisions,
    ReliabilityModel,
    ServingModel,
    SustainabilityModel,
    Systems,
    explain,
)
from mlsysim.systems.types import Fleet

serving, sustain, econ = ServingModel(), SustainabilityModel(), EconomicsModel()
DGX = Systems.Nodes.DGX_H100
FLEET_64 = Fleet(name="64-GPU H100 Cluster", node=DGX, count=8, fabric=Systems.Fabrics.InfiniBand_NDR)


@pytest.fixture(autouse=True)
def _quiet_fallbacks():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrecisionFallbackWarning)
        yield


def _bytes_by_role(result):
    return result.breakdown.bytes_by_role()


# --- index.qmd ------------------------------------------------------------------------------------------------

def test_index_resnet50_batch1_is_narrowly_memory_bound_and_its_three_terms_add_up():
    hero = Engine.solve(Models.ResNet50, Hardware.A100, batch_size=1, precision="fp16")
    assert hero.latency_compute < hero.latency_memory < 1.3 * hero.latency_compute, \
        "index.qmd: 'moving its weights and activations takes a little longer than the arithmetic'"
    parts = hero.latency_compute + hero.latency_memory + hero.latency_overhead
    assert abs((parts - hero.latency).to("us").magnitude) < 0.01, \
        "index.qmd: 'The engine adds the three up: the step takes ...'"
    double = Engine.solve(Models.ResNet50, Hardware.A100, batch_size=2, precision="fp16")
    assert double.bottleneck == "Compute", "index.qmd: 'Double the batch and the compute term wins'"


# --- getting-started.qmd --------------------------------------------------------------------------------------

def test_getting_started_decode_reads_every_weight_but_the_embedding_table():
    m = Models.Llama3_8B
    r = Engine.solve(m, Hardware.H100, batch_size=1, precision="fp16")
    moved = _bytes_by_role(r)
    table = m.weight_bytes("fp16").to("B").magnitude - moved["weights"]
    assert abs(table / (m.vocab_size * m.hidden_size * 2) - 1) < 0.01, \
        "getting-started.qmd: 'reads ... every weight except the embedding table, of which a token needs one row'"
    assert moved["kv_cache"] < 0.05 * moved["weights"], "getting-started.qmd: the KV cache read is small at batch 1"
    assert r.bottleneck == "Memory" and r.latency_memory > 10 * r.latency_compute, \
        "getting-started.qmd: 'So the step is memory-bound'"
    assert r.arithmetic_intensity < r.ridge_point / 100, \
        "getting-started.qmd: 'an arithmetic intensity ... far below the H100's ridge point'"


def test_getting_started_dimensions_refuse_dollars_plus_parameters_and_a_bandwidth_for_a_capacity():
    with pytest.raises(DimensionalityError):
        Q_(1_000, "USD") + Q_(8e9, "param")  # "adding dollars to parameters ... raises an error"
    with pytest.raises(MLSysimError, match="reserved_memory"):
        ServingModel().solve(Models.Llama3_8B, Hardware.H100, reserved_memory=Q_(2, "GB/s"))


def test_getting_started_training_state_alone_exceeds_the_h100():
    train = Engine.solve(Models.Llama3_8B, Hardware.H100, batch_size=4, precision="bf16", mode="training")
    per_param = Precisions.from_shorthand("bf16", training=True).training_state_bytes_per_param()
    state = Q_(Models.Llama3_8B.parameters.to("param").magnitude * per_param, "B")
    assert per_param == 18, "getting-started.qmd: '18 bytes each (bf16 weights, fp32 gradients, master, moments)'"
    assert train.bottleneck == "Compute" and not train.feasible, \
        "getting-started.qmd: 'A training step is compute-bound — and it does not fit'"
    assert state > train.memory_capacity, "getting-started.qmd: the state alone, before activations, exceeds the GPU"


# --- tutorials/00_hello_roofline.qmd --------------------------------------------------------------------------

BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256]


def test_hello_roofline_both_batch1_steps_are_memory_bound_and_llama_does_one_flop_per_byte():
    resnet = Engine.solve(Models.ResNet50, Hardware.A100, batch_size=1, precision="fp16")
    llama = Engine.solve(Models.Llama3_8B, Hardware.A100, batch_size=1, precision="fp16")
    assert resnet.bottleneck == llama.bottleneck == "Memory", \
        "00_hello_roofline.qmd: 'Both are below the ridge point ... and both steps are memory-bound'"
    assert 0.95 < llama.arithmetic_intensity.magnitude < 1.1, \
        "00_hello_roofline.qmd: 'one multiply and one add on two bytes'"


def test_hello_roofline_resnet_turns_compute_bound_before_its_intensity_passes_the_ridge():
    hw = Hardware.A100
    cnn = [Engine.solve(Models.ResNet50, hw, batch_size=b, precision="fp16") for b in BATCHES]
    cross = next(b for b, r in zip(BATCHES, cnn, strict=True) if r.bottleneck == "Compute")
    ridge = next(b for b, r in zip(BATCHES, cnn, strict=True) if r.arithmetic_intensity > r.ridge_point)
    assert cross == 2 and ridge > cross, \
        "00_hello_roofline.qmd: 'compute-bound at batch 2, although its intensity there is still below the ridge'"
    at = cnn[1]
    achieved = (at.flops / at.latency_compute / hw.compute.flops_for("fp16")).to("").magnitude
    gemm_curve, _ = Assumptions().curves(hw)
    assert achieved < gemm_curve.ceiling, \
        "00_hello_roofline.qmd: 'the small layers of a two-image batch average less than the best efficiency'"
    assert all(r.bottleneck == "Compute" for r in cnn[1:]), \
        "00_hello_roofline.qmd: 'the same A100 is compute-bound for batched CNN inference'"


def test_hello_roofline_llama_decode_stays_memory_bound_to_batch_256_with_the_cache_above_the_weights():
    llm = [Engine.solve(Models.Llama3_8B, Hardware.A100, batch_size=b, precision="fp16", seq_len=512)
           for b in BATCHES]
    assert all(r.bottleneck == "Memory" for r in llm), \
        "00_hello_roofline.qmd: 'it stays memory-bound up to batch 256 at 512 tokens of context'"
    big = _bytes_by_role(llm[-1])
    assert big["kv_cache"] > big["weights"], "00_hello_roofline.qmd: 'at batch 256 the cache is more than the weights'"


# --- tutorials/01_memory_wall.qmd -----------------------------------------------------------------------------

def test_memory_wall_gpt3_tokens_cost_over_30x_the_kv_bytes_of_llama3_8b():
    ratio = Models.GPT3_175B.kv_cache_bytes_per_token("fp16") / Models.Llama3_8B.kv_cache_bytes_per_token("fp16")
    assert ratio.to("").magnitude > 30, "01_memory_wall.qmd: 'a GPT-3 token costs ~36x the KV bytes'"


def test_memory_wall_cache_outweighs_weights_from_30_requests_and_h100_fills_at_113():
    solve = lambda b: serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=b)  # noqa: E731
    one = solve(1)
    crossing = int(one.weights_size / one.kv_cache_per_request) + 1
    assert solve(crossing - 1).kv_cache_size <= solve(crossing - 1).weights_size, \
        "01_memory_wall.qmd: 'from N requests on the KV cache is bigger than the weights' (not before)"
    assert solve(crossing).kv_cache_size > solve(crossing).weights_size, \
        "01_memory_wall.qmd: 'from N requests on the KV cache is bigger than the weights'"
    cap = one.max_batch_size
    assert crossing < cap and solve(cap).feasible and not solve(cap + 1).feasible, \
        "01_memory_wall.qmd: 'past 113 the total passes the capacity'"


def test_memory_wall_h200_same_compute_more_requests_and_a_full_gpu_is_slower_per_token():
    h100 = serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096).max_batch_size
    h200 = serving.solve(Models.Llama3_8B, Hardware.H200, seq_len=4096).max_batch_size
    assert h200 > h100, "01_memory_wall.qmd: 'The H200 ... holds more requests'"
    assert Hardware.H200.compute.flops_for("fp16") == Hardware.H100.compute.flops_for("fp16"), \
        "01_memory_wall.qmd: 'The H200, the same compute'"
    itl = [serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=b) for b in (1, 64, h100)]
    assert itl[0].itl < itl[1].itl < itl[2].itl and itl[2].decode_bottleneck == "Memory", \
        "01_memory_wall.qmd: 'a full GPU is slower per token than an empty one'"


# --- tutorials/01_pipeline_callbacks.qmd ----------------------------------------------------------------------

def test_pipeline_callbacks_grids_order_carbon_and_cost_and_dollars_differ_only_in_electricity():
    audit = (
        Pipeline(model=Models.Llama3_70B, fleet=Systems.Clusters.Research_256, grid=Infra.Quebec)
        .stage("train", lambda c: DistributedModel().solve(c["model"], c["fleet"], tp_size=8, pp_size=2))
        .stage("days", lambda c: c["train"].latency.to("day").magnitude)
        .stage("failures", lambda c: ReliabilityModel().solve(c["fleet"], job_duration_hours=24 * c["days"]))
        .stage("carbon", lambda c: sustain.solve(c["fleet"], c["days"], c["grid"], mfu=c["train"].mfu))
        .stage("cost", lambda c: econ.solve(c["fleet"], c["days"], c["grid"], mfu=c["train"].mfu))
    )
    runs = {g.name: audit.run(grid=g) for g in (Infra.Quebec, Infra.US_Avg, Infra.Poland)}
    carbon = [r["carbon"].carbon_footprint_kg for r in runs.values()]
    cost = [r["cost"].tco_usd for r in runs.values()]
    assert carbon == sorted(carbon) and cost == sorted(cost), \
        "01_pipeline_callbacks.qmd: Quebec < US average < Poland in carbon and in cost"
    assert len({r["days"] for r in runs.values()}) == 1, "01_pipeline_callbacks.qmd: 'the same days everywhere'"
    dirty, clean = runs["Poland"]["cost"], runs["Quebec"]["cost"]
    assert abs((dirty.tco_usd - clean.tco_usd) - (dirty.opex_energy_usd - clean.opex_energy_usd)) < 1, \
        "01_pipeline_callbacks.qmd: 'its electricity costs $X more'"


# --- tutorials/02_differential_explainer.qmd ------------------------------------------------------------------

def _itl(hardware, precision, batch_size):
    return serving.solve(Models.Llama3_8B, hardware, seq_len=4096, batch_size=batch_size, precision=precision).itl


def test_differential_explainer_gpu_and_fp8_share_the_credit_in_a_memory_bound_decode():
    why = explain(_itl, {"hardware": Hardware.A100, "precision": "fp16", "batch_size": 64},
                  {"hardware": Hardware.H100, "precision": "fp8", "batch_size": 32})
    share = {t["input"]: t["share"] for t in why.terms}
    assert why.terms[0]["input"] == "hardware" and abs(share["hardware"] - share["precision"]) < 0.1, \
        "02_differential_explainer.qmd: 'The newer GPU deserves ... and FP8 nearly as much'"
    assert share["precision"] > share["batch_size"], "02_differential_explainer.qmd: 'The smaller batch takes the rest'"
    mixes = [serving.solve(Models.Llama3_8B, hw, seq_len=4096, batch_size=b, precision=p)
             for hw in (Hardware.A100, Hardware.H100) for p in ("fp16", "fp8") for b in (32, 64)]
    assert all(m.decode_bottleneck == "Memory" for m in mixes), \
        "02_differential_explainer.qmd: 'decoding is memory-bound in every mix'"
    fp8 = Precisions.from_shorthand("fp8")
    assert fp8.weights == fp8.kv_cache == "fp8", \
        "02_differential_explainer.qmd: 'FP8's halving of the bytes of both the weights and the KV cache'"
    a100 = serving.solve(Models.Llama3_8B, Hardware.A100, seq_len=4096, batch_size=32, precision="fp8")
    assert any("fp16 math" in n for n in a100.notes), \
        "02_differential_explainer.qmd: 'keeps the values in FP8 and multiplies in FP16, and says so'"


def test_differential_explainer_quebec_grid_term_dwarfs_the_longer_run():
    def carbon(grid, days):
        return sustain.solve(Systems.Clusters.Research_256, days, grid).operational_carbon

    move = explain(carbon, {"grid": Infra.US_Avg, "days": 30}, {"grid": Infra.Quebec, "days": 45})
    grid, days = (t["contribution"] for t in move.terms)
    assert move.terms[0]["input"] == "grid" and move.total_change.magnitude < 0, \
        "02_differential_explainer.qmd: 'Training half again as long in Quebec still cuts carbon'"
    assert grid.magnitude < 0 < days.magnitude and abs(grid) > 3 * abs(days), \
        "02_differential_explainer.qmd: 'the grid term dwarfs the duration term; the terms pull in opposite directions'"


# --- tutorials/exercises.qmd ----------------------------------------------------------------------------------

def test_exercise1_a_weights_only_count_calls_batch1_compute_bound_the_activations_do_not():
    m, hw = Models.ResNet50, Hardware.A100
    one = Engine.solve(m, hw, batch_size=1, precision="fp16", efficiency=0.5)
    weights_only = m.flops_per_inference.to("flop").magnitude / m.weight_bytes("fp16").to("B").magnitude
    assert weights_only > one.ridge_point.magnitude > one.arithmetic_intensity.magnitude, \
        "exercises.qmd#exercise-1: 'Count only the weights and ResNet-50 looks compute-bound already at batch 1'"
    full = Engine.solve(m, hw, batch_size=1, precision="fp16", efficiency=1.0)
    assert abs(full.ridge_point / one.ridge_point - 2) < 1e-9, \
        "exercises.qmd#exercise-1: 'Push compute efficiency to 100 % and the ridge point doubles'"
    assert Assumptions().flat_memory_efficiency == 0.8, "exercises.qmd#exercise-1: '80 % memory efficiency'"
    for e in (None, 0.5, 1.0):
        assert Engine.solve(Models.Llama3_8B, hw, 1, "fp16", e).bottleneck == "Memory", \
            "exercises.qmd#exercise-1: 'Llama-3-8B decoding at batch 1 is memory-bound ... either way'"


def test_exercise2_the_int8_cache_buys_more_requests_than_int8_weights():
    solve = lambda **kw: serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, **kw).max_batch_size  # noqa: E731
    fp16 = solve(precision="fp16")
    weights_only = solve(precision="int8", kv_precision="fp16")
    cache_only = solve(precision="fp16", kv_precision="int8")
    assert cache_only > weights_only > fp16 and solve(precision="int8") > cache_only, \
        "exercises.qmd#exercise-2: 'The cache shrinking matters more, because it is most of the memory'"
    m = Models.Llama3_8B
    assert m.kv_cache_bytes_per_token("fp16").to("B").magnitude == 2 * m.layers * m.kv_heads * m.head_dim * 2, \
        "exercises.qmd#exercise-2: 'KV per token = 2 x layers x KV heads x head dim x 2 B'"


def test_exercise3_the_flat_roofline_finds_more_speedup_because_small_transfers_reach_less_bandwidth():
    m, hw = Models.Llama3_8B, Hardware.H100
    c = CompressionModel().solve(m, hw, method="quantization", target_bitwidth=4)
    curved16, curved4 = (Engine.solve(m, hw, batch_size=1, precision=p) for p in ("fp16", "int4"))
    assert abs((curved16.latency / curved4.latency).to("").magnitude - c.inference_speedup) < 0.01, \
        "exercises.qmd#exercise-3: the compression model's speedup is the curved roofline's"
    reach16, reach4 = ((r.bytes_moved / r.latency_memory / hw.memory.bandwidth).to("").magnitude
                       for r in (curved16, curved4))
    assert reach4 < reach16, "exercises.qmd#exercise-3: 'the INT4 matrices ... reach less of the bandwidth'"
    flat = (Engine.solve(m, hw, 1, "fp16", 0.5).latency / Engine.solve(m, hw, 1, "int4", 0.5).latency).to("")
    assert flat.magnitude > c.inference_speedup, "exercises.qmd#exercise-3: 'The task's roofline ... finds a little more'"
    b200 = Engine.solve(m, Hardware.B200, batch_size=1, precision="fp4")
    assert b200.compute_precision == "fp4", "exercises.qmd#exercise-3: 'A B200 computes in 4 bits natively (FP4)'"
    assert b200.breakdown.overhead_share > curved4.breakdown.overhead_share, \
        "exercises.qmd#exercise-3: 'fixed launch costs become a larger share of the B200's 4-bit step'"


def test_exercise4_tp1_has_no_tensor_parallel_traffic_and_selective_recompute_is_not_repeated():
    result = ParallelismOptimizer().solve(Models.Llama3_70B, FLEET_64, batch_size=512, precision="fp16",
                                          efficiency=0.4, overlap_comm=True)
    best = result.best_config
    plan = {k: best[k] for k in ("micro_batch_size", "virtual_stages", "schedule", "recompute", "optimizer_sharding")}
    run = DistributedModel().solve(Models.Llama3_70B, FLEET_64, batch_size=512, precision="fp16", efficiency=0.4,
                                   tp_size=best["tp"], pp_size=best["pp"], **plan)
    tp8 = DistributedModel().solve(Models.Llama3_70B, FLEET_64, batch_size=512, precision="fp16", efficiency=0.4,
                                   tp_size=8, pp_size=2)
    assert run.tp_communication_latency.magnitude == 0 < tp8.tp_communication_latency.magnitude, \
        "exercises.qmd#exercise-4: 'TP=1 has no tensor-parallel collectives at all, where TP=8 spends ...'"
    assert {c["config"]["recompute"] for c in result.top_candidates} <= {"none", "full"}, \
        "exercises.qmd#exercise-4: 'selective recomputation ... the search does not repeat those plans'"
    assert any(c["config"]["cp"] > 1 for c in result.top_candidates[:10]), \
        "exercises.qmd#exercise-4: 'rows with DP=32 and CP=2 split each sequence over two GPUs'"


def test_exercise5_same_water_measured_node_power_and_the_direct_rate():
    fleet = Systems.Clusters.Research_256
    va = sustain.solve(fleet, duration_days=30, datacenter=Infra.US_Avg, mfu=0.4)
    qc = sustain.solve(fleet, duration_days=30, datacenter=Infra.Quebec, mfu=0.4)
    assert va.water_usage_liters == qc.water_usage_liters, "exercises.qmd#exercise-5: 'both use the same water'"
    rating = fleet.node.node_power.to("kW").magnitude
    node_kw = va.average_it_power.to("kW").magnitude / fleet.count
    assert abs(node_kw - rating * Assumptions().node_training_power_fraction) < 0.01, \
        "exercises.qmd#exercise-5: 'a measured H100 node draws 76 % of its 10.2 kW rating in training'"
    linear_kwh = rating * (0.35 + 0.65 * 0.4) * fleet.count * 30 * 24 * va.pue
    assert linear_kwh < va.total_energy_kwh, "exercises.qmd#exercise-5: 'At 40 % MFU that gives ... less'"
    direct = 1 - (qc.total_energy * Q_(1, "g/kWh")).to("kg").magnitude / va.carbon_footprint_kg
    assert 0.99 < direct < 1, "exercises.qmd#exercise-5: 'At the reported direct rate the reduction would be 99.7 %'"
    assert Infra.Quebec.direct_carbon_intensity.magnitude == 0, \
        "exercises.qmd#exercise-5: 'Infra.Quebec.direct_carbon_intensity is zero'"


def test_exercise6_only_the_b200_fleet_fits_a_million_dollars_and_cost_follows_bandwidth_per_dollar():
    rows = []
    for name, hw, node, n in [("A100 cluster", Hardware.A100, Systems.Nodes.DGX_A100, 20),
                              ("H100 cluster", Hardware.H100, Systems.Nodes.DGX_H100, 8),
                              ("B200 cluster", Hardware.B200, Systems.Nodes.DGX_B200, 4)]:
        fleet = Fleet(name=name, node=node, count=n, fabric=Systems.Fabrics.InfiniBand_NDR, region=Infra.US_Avg)
        tco = econ.solve(fleet, duration_days=365, activity="decode", utilization=0.3).tco_usd
        r = serving.solve(Models.Llama3_8B, hw, seq_len=4096, batch_size=32, precision="fp16")
        assert r.decode_bottleneck == "Memory", f"exercises.qmd#exercise-6: '{name}: memory-bound at batch 32'"
        tokens = 32 / r.itl.to("s").magnitude * fleet.total_accelerators * 365 * 86400
        bandwidth = fleet.total_accelerators * hw.memory.bandwidth.to("TB/s").magnitude
        rows.append((name, tco, tco / tokens, bandwidth / tco))
    assert [r[0] for r in rows if r[1] <= 1_000_000] == ["B200 cluster"], \
        "exercises.qmd#exercise-6: 'only the B200 cluster stays within $1M a year'"
    per_token = [r[2] for r in rows]
    assert per_token == sorted(per_token, reverse=True), \
        "exercises.qmd#exercise-6: 'each newer generation is cheaper than the one before'"
    assert [r[3] for r in rows] == sorted(r[3] for r in rows), \
        "exercises.qmd#exercise-6: 'a token's cost follows bandwidth per dollar'"


def test_exercise7_m7_and_esp32_meet_the_sla_and_the_nrf52840_step_is_the_sum_of_its_parts():
    m = Models.Tiny.DS_CNN
    for hw in (Hardware.STM32H7, Hardware.Tiny.ESP32_S3):
        assert Engine.solve(m, hw, 1, "int8", 0.3).latency < Q_(30, "ms"), \
            f"exercises.qmd#exercise-7: '{hw.name}: meets the SLA'"
    r = Engine.solve(m, Hardware.nRF52840, 1, "int8", 0.3)
    parts = r.latency_compute + r.latency_memory + r.latency_overhead
    assert abs((parts - r.latency).to("ms").magnitude) < 0.01 and r.bottleneck == "Compute", \
        "exercises.qmd#exercise-7: 'X of arithmetic, plus Y to read the weights from flash and the dispatch overhead'"


def test_exercise8_quebec_is_cheaper_and_cleaner_and_fp8_math_runs_at_twice_fp16():
    assert Infra.Quebec.carbon_intensity < Infra.US_Avg.carbon_intensity, \
        "exercises.qmd#exercise-8: 'its grid is both cleaner ...'"
    assert Infra.Quebec.electricity_price < Infra.US_Avg.electricity_price, "exercises.qmd#exercise-8: '... and cheaper'"
    rate = Hardware.H100.compute.flops_for
    assert abs((rate("fp8") / rate("fp16")).to("").magnitude - 2) < 0.01, \
        "exercises.qmd#exercise-8: 'runs the math at 8 bits, twice the 16-bit rate'"


def test_exercise8_placement_redundancy_binds_not_the_budget():
    batching = BatchingOptimizer().solve(Models.Llama3_70B, DGX, tp_size=2, input_len=1024, output_len=256,
                                         precision="fp8", itl_sla=Q_(50, "ms"))
    qps = batching.throughput.to("token/s").magnitude / 256 / 2
    needed = math.ceil(math.ceil(1000 / qps) / 8)
    regions = [Infra.US_Avg, Infra.Quebec]
    place = PlacementOptimizer().solve(DGX, needed, regions, min_regions=2, budget_usd=5_000_000, carbon_cap_t=500,
                                       mfu=0.3)
    assert place.feasible and place.placement["US Average"] == 1, "exercises.qmd#exercise-8: one node in the US"
    assert place.binding_constraint == "min_regions", \
        "exercises.qmd#exercise-8: 'the requirement that binds is the redundancy'"
    alone = PlacementOptimizer().solve(DGX, needed, regions, budget_usd=5_000_000, carbon_cap_t=500, mfu=0.3)
    assert alone.placement == {"Quebec": needed} and alone.cost_usd_per_year < place.cost_usd_per_year, \
        "exercises.qmd#exercise-8: 'without min_regions=2 every node would go there, saving ...'"
    assert alone.carbon_t_per_year < place.carbon_t_per_year
    assert place.worst_latency_ms is None and place.latency_slack_ms is None, \
        "exercises.qmd#exercise-8: 'The latency fields are None because the call gives no latencies'"


# --- PlacementOptimizer: the fields exercise 8 prints mean what they say --------------------------------------

def test_placement_binding_constraint_names_a_limit_only_when_it_changes_the_answer():
    regions = [Infra.US_Avg, Infra.Quebec]
    free = PlacementOptimizer().solve(DGX, 14, regions, budget_usd=5e6, carbon_cap_t=500)
    assert free.binding_constraint == "none" and free.placement == {"Quebec": 14}
    # the US-average grid is cheaper than Norway's but dirtier: a carbon cap that moves nodes to Norway binds
    pair = [Infra.US_Avg, Infra.Norway]
    cheapest = PlacementOptimizer().solve(DGX, 14, pair)
    assert cheapest.placement == {"US Average": 14} and cheapest.binding_constraint == "none"
    capped = PlacementOptimizer().solve(DGX, 14, pair, carbon_cap_t=cheapest.carbon_t_per_year / 2)
    assert capped.feasible and capped.binding_constraint == "carbon" and 0 <= capped.carbon_slack_t
    assert capped.cost_usd_per_year > cheapest.cost_usd_per_year
    # with a budget too, the cap still binds and the budget does not (it is met with room to spare)
    both = PlacementOptimizer().solve(DGX, 14, pair, carbon_cap_t=cheapest.carbon_t_per_year / 2, budget_usd=1e8)
    assert both.binding_constraint == "carbon" and both.budget_slack_usd > 0
    # a latency limit that excludes the cheapest region binds
    far = PlacementOptimizer().solve(DGX, 14, regions, user_latency_ms={"Quebec": 60, "US Average": 10},
                                     max_latency_ms=50)
    assert far.placement == {"US Average": 14} and far.binding_constraint == "latency"


def test_placement_latency_fields_are_the_real_worst_latency_and_its_slack():
    regions = [Infra.US_Avg, Infra.Quebec, Infra.Poland]
    r = PlacementOptimizer().solve(DGX, 10, regions, user_latency_ms={"US Average": 10, "Quebec": 40, "Poland": 90},
                                   max_latency_ms=50, min_regions=2)
    used = [n for n, k in r.placement.items() if k]
    worst = max({"US Average": 10, "Quebec": 40, "Poland": 90}[n] for n in used)
    assert r.worst_latency_ms == worst and r.latency_slack_ms == 50 - worst
    unknown = PlacementOptimizer().solve(DGX, 10, regions[:2], user_latency_ms={"Quebec": 40}, min_regions=2)
    assert unknown.worst_latency_ms is None and unknown.latency_slack_ms is None  # US Average's latency unknown
    known = PlacementOptimizer().solve(DGX, 10, regions[:2], user_latency_ms={"Quebec": 40})
    assert known.placement == {"Quebec": 10} and known.worst_latency_ms == 40 and known.latency_slack_ms is None


def test_placement_latency_limit_needs_every_regions_latency():
    with pytest.raises(InvalidArgumentError, match="user_latency_ms.*missing: US Average"):
        PlacementOptimizer().solve(DGX, 4, [Infra.US_Avg, Infra.Quebec], user_latency_ms={"Quebec": 40},
                                   max_latency_ms=50)
