"""The answer key: every qualitative claim a tutorial page makes, recomputed from the engine.

Each test names the page and the claim. The pages assert the same claims in hidden cells,
so a change in the engine that breaks a claim fails both the site build and this file.
"""

import math
import warnings

import pytest

from mlsysim import (
    Q_,
    CompressionModel,
    DeploymentSearch,
    DistributedModel,
    EconomicsModel,
    Engine,
    Hardware,
    Infra,
    Models,
    ParallelismOptimizer,
    PrecisionFallbackWarning,
    ReliabilityModel,
    SensitivitySolver,
    ServingModel,
    SustainabilityModel,
    SynthesisSolver,
    Systems,
    request_cost,
)
from mlsysim.systems.types import Fleet

serving, sustain, econ = ServingModel(), SustainabilityModel(), EconomicsModel()
FLEET_64 = Fleet(name="64", node=Systems.Nodes.DGX_H100, count=8, fabric=Systems.Fabrics.InfiniBand_NDR)


@pytest.fixture(autouse=True)
def _quiet_fallbacks():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrecisionFallbackWarning)
        yield


# --- index.qmd, getting-started.qmd --------------------------------------------------

def test_index_hero_resnet50_batch1_is_memory_bound():
    assert Engine.solve(Models.ResNet50, Hardware.A100, batch_size=1, precision="fp16").bottleneck == "Memory"
    # "Double the batch and the compute term wins"
    assert Engine.solve(Models.ResNet50, Hardware.A100, batch_size=2, precision="fp16").bottleneck == "Compute"


def test_getting_started_llama_decode_memory_bound_and_training_compute_bound():
    assert Engine.solve(Models.Llama3_8B, Hardware.H100).bottleneck == "Memory"
    train = Engine.solve(Models.Llama3_8B, Hardware.H100, 4, "bf16", mode="training")
    assert train.bottleneck == "Compute" and not train.feasible


# --- tutorials/exercises.qmd -----------------------------------------------------------

def test_exercise1_crossover_at_batch_2():
    runs = {bs: Engine.solve(Models.ResNet50, Hardware.A100, bs, "fp16", 0.5) for bs in (1, 2, 512)}
    assert runs[1].latency_compute < runs[1].latency_memory
    assert runs[2].latency_compute > runs[2].latency_memory and runs[512].bottleneck == "Compute"


def test_exercise1_full_efficiency_stays_memory_bound():
    assert Engine.solve(Models.ResNet50, Hardware.A100, 512, "fp16", 1.0).bottleneck == "Memory"


def test_exercise2_max_113_with_the_runtime_reserve_129_without():
    assert serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096).max_batch_size == 113
    assert not serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=128).feasible
    assert serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, reserved_memory=Q_(0, "GB")).max_batch_size == 129


def test_exercise2_kv_cache_dominates_at_max_batch():
    r = serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=113)
    assert r.kv_cache_size > 3.5 * r.weights_size


def test_exercise3_int4_speedup_near_4x_not_8x():
    r = CompressionModel().solve(Models.Llama3_8B, Hardware.H100, target_bitwidth=4)
    # Weight bytes shrink 16/4.125 = 3.9x; the fp16 KV cache and per-kernel launch costs do not (cost core v2).
    assert 2.5 < r.inference_speedup < 4 and 7.5 < r.compression_ratio < 8


def test_exercise3_h100_computes_int4_in_fp16_b200_natively():
    assert Engine.solve(Models.Llama3_8B, Hardware.H100, precision="int4").compute_precision == "fp16"
    assert not CompressionModel().solve(Models.Llama3_8B, Hardware.B200, target_bitwidth=4).notes


def test_exercise4_best_split_beats_tp8_pp2_dp4():
    best = ParallelismOptimizer().solve(Models.Llama3_70B, FLEET_64, batch_size=512, precision="fp16", efficiency=0.4)
    seed = DistributedModel().solve(Models.Llama3_70B, FLEET_64, 512, "fp16", 0.4, tp_size=8, pp_size=2)
    assert seed.feasible and seed.mfu <= best.best_mfu
    # Re-pinned when the search became joint (issue 14): it also tries every optimizer sharding, recomputation and
    # pipeline schedule, and ZeRO-3's full sharding (two weight all-gathers and a gradient reduce-scatter per
    # microbatch, all hidden behind compute at the exercise's 40 % efficiency) lets pure data parallelism fit
    # (with a layer gathered and one prefetched, and a tenth of the GPU left to the runtime).
    assert best.best_config == {"tp": 1, "pp": 1, "dp": 64, "cp": 1, "ep": 1, "micro_batch_size": 1,
                                "virtual_stages": 1, "schedule": "1f1b", "recompute": "none",
                                "optimizer_sharding": "zero3"}
    # Megatron's own defaults (ZeRO-1, selective recomputation, 1F1B) give the earlier answer, TP=4 × PP=4
    zero1 = ParallelismOptimizer().solve(Models.Llama3_70B, FLEET_64, batch_size=512, precision="fp16",
                                         efficiency=0.4, optimizer_sharding="zero1", recompute="selective",
                                         schedule="1f1b")
    assert {k: zero1.best_config[k] for k in ("tp", "pp", "dp")} == {"tp": 4, "pp": 4, "dp": 4}


def test_exercise5_quebec_cuts_carbon_by_over_90_percent():
    va = sustain.solve(Systems.Clusters.Research_256, 30, Infra.US_Avg, 0.4)
    qc = sustain.solve(Systems.Clusters.Research_256, 30, Infra.Quebec, 0.4)
    assert 0.9 < 1 - qc.carbon_footprint_kg / va.carbon_footprint_kg < 0.99
    # re-pinned: training holds the GPUs near their power limit whatever the MFU, and both sites are the same
    # industry-average facility (PUE 1.58): 32 nodes × 7.75 kW × 720 h × 1.58
    assert va.total_energy_kwh == qc.total_energy_kwh
    assert 270_000 <= va.total_energy_kwh.magnitude <= 290_000


def test_exercise6_b200_cheapest_per_token():
    costs = {}
    for name, hw, node, n in [("A100", Hardware.A100, Systems.Nodes.DGX_A100, 20),
                              ("H100", Hardware.H100, Systems.Nodes.DGX_H100, 8),
                              ("B200", Hardware.B200, Systems.Nodes.DGX_B200, 4)]:
        fleet = Fleet(name=name, node=node, count=n, fabric=Systems.Fabrics.InfiniBand_NDR, region=Infra.US_Avg)
        r = serving.solve(Models.Llama3_8B, hw, seq_len=4096, batch_size=32)
        costs[name] = econ.solve(fleet, 365, mfu=0.3).tco_usd / (32 / r.itl.to("s").magnitude * fleet.total_accelerators)
    assert min(costs, key=costs.get) == "B200"


def test_exercise7_ds_cnn_misses_30ms_on_nrf52840_even_at_full_efficiency():
    assert Engine.solve(Models.DS_CNN, Hardware.nRF52840, 1, "int8", 1.0).latency > Q_(30, "ms")
    assert Engine.solve(Models.DS_CNN, Hardware.ESP32_S3, 1, "int8", 0.3).latency < Q_(30, "ms")
    assert not Engine.solve(Models.MobileNetV2, Hardware.nRF52840, 1, "int8").feasible


def test_exercise8_fp16_70b_does_not_fit_int4_does():
    assert not serving.solve(Models.Llama3_70B, Hardware.H100, seq_len=2048).feasible
    int4 = serving.solve(Models.Llama3_70B, Hardware.H100, seq_len=2048, batch_size=48, precision="int4")
    assert int4.feasible and 48 <= int4.max_batch_size < 64


def test_exercise8_fp8_over_two_gpus_serves_more_queries_per_gpu_than_int4_on_one():
    # 1,024-token prompts: INT4 is weight-only (16-bit math), so prefill dominates its GPU time
    int4 = request_cost(Models.Llama3_70B, Hardware.H100, 1024, 256, 64, "int4")
    fp8 = request_cost(Models.Llama3_70B, Systems.Nodes.DGX_H100, 1024, 256, 64, "fp8", tp_size=2)
    assert int4.prefill_s > int4.gpu_time_s / 2 and fp8.prefill_s < int4.prefill_s / 2
    assert fp8.capacity_per_s / 2 > 1.05 * int4.capacity_per_s  # per GPU, at the same batch (attention stays 16-bit)
    wide = request_cost(Models.Llama3_70B, Systems.Nodes.DGX_H100, 1024, 256, 256, "fp8", tp_size=2)
    assert wide.feasible and wide.itl < Q_(50, "ms") and wide.capacity_per_s / 2 > 1.5 * int4.capacity_per_s


# --- tutorial pages ------------------------------------------------------------------------

def test_hello_roofline_llama_decode_memory_bound_through_batch_16():
    for b in (1, 2, 4, 8, 16):
        assert Engine.solve(Models.Llama3_8B, Hardware.A100, b, "fp16", seq_len=512).bottleneck == "Memory"


def test_memory_wall_h200_holds_more_requests_than_h100():
    h100 = serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096).max_batch_size
    h200 = serving.solve(Models.Llama3_8B, Hardware.H200, seq_len=4096).max_batch_size
    assert h200 > 1.5 * h100


def test_scaling_1000_gpus_big_fleet_loses_more_to_failures():
    make = lambda n: Fleet(name="f", node=Systems.Nodes.DGX_H100, count=n, fabric=Systems.Fabrics.InfiniBand_NDR)  # noqa: E731
    assert ReliabilityModel().solve(make(2048), 720, 60).goodput < ReliabilityModel().solve(make(8), 720, 60).goodput


def test_geography_poland_10_days_emits_more_than_quebec_30_days():
    fleet = Systems.Clusters.Research_256
    assert sustain.solve(fleet, 10, Infra.Poland).carbon_footprint_kg > sustain.solve(fleet, 30, Infra.Quebec).carbon_footprint_kg


def test_geography_quebec_cheapest_at_every_carbon_price():
    fleet = Systems.Clusters.Research_256
    for price in range(0, 501, 50):
        totals = {g.name: (lambda t: t.tco_usd + t.carbon_footprint_kg / 1000 * price)(econ.solve(fleet, 30, g))
                  for g in Infra.Grids}
        assert min(totals, key=totals.get) == "Quebec"


def test_nine_million_dollar_reasoning_needs_fewer_gpus_than_its_token_ratio():
    def gpus(answer_tokens):
        plan = DeploymentSearch().solve(Models.Llama3_70B, Q_(10_000_000 / 86_400, "1/s"), input_len=1024,
                                        output_len=answer_tokens, itl=Q_(50, "ms"), ttft_p99=Q_(2, "s"),
                                        nodes=[Systems.Nodes.DGX_H100], precisions=["int4"], tp_sizes=[1],
                                        pp_sizes=[1], batches=list(range(1, 129)))
        return plan.best.gpus
    # each query's prompt is prefilled once, whatever its answer: 10× the tokens takes fewer than 10× the GPUs
    assert 1 < gpus(4000) / gpus(400) < 10


def test_sensitivity_decode_bandwidth_training_compute():
    s = SensitivitySolver()
    assert s.solve(Models.Llama3_8B, Hardware.H100).binding_constraint == "memory_bandwidth"
    assert s.solve(Models.Llama3_8B, Hardware.H100, mode="training", batch_size=4).binding_constraint == "peak_flops"


def test_gpu_vs_wafer_70b_does_not_fit_a_wafer_and_roofline_overshoots_measurement():
    assert not Engine.solve(Models.Llama3_70B, Hardware.WSE3).feasible
    assert Engine.solve(Models.Llama3_8B, Hardware.WSE3).throughput.magnitude > 100 * 1800


def test_full_stack_audit_training_step_compute_bound_needs_petaflops_for_200ms():
    assert Engine.solve(Models.Llama3_70B, Hardware.H100, 4, "fp16", mode="training").bottleneck == "Compute"
    r = SynthesisSolver().solve(Models.Llama3_70B, Q_("200 ms"), mode="training")
    assert r.required_flops.to("PFLOP/s").magnitude > 1


def test_module3_fixed_batch_efficiency_falls_with_scale():
    make = lambda n: Fleet(name="f", node=Systems.Nodes.DGX_H100, count=n, fabric=Systems.Fabrics.InfiniBand_NDR)  # noqa: E731
    small = DistributedModel().solve(Models.Llama3_70B, make(8), 1024, tp_size=8, pp_size=4)
    big = DistributedModel().solve(Models.Llama3_70B, make(512), 1024, tp_size=8, pp_size=4)
    assert big.scaling_efficiency < small.scaling_efficiency and big.bubble_fraction > small.bubble_fraction


def test_module3_slide_run_is_a_compute_optimal_budget_in_days():
    perf = DistributedModel().solve(model=Models.Llama3_70B, fleet=Systems.Clusters.Research_256, tp_size=8, pp_size=1, dp_size=32)
    days = perf.latency.to("days").magnitude
    assert 10 < days < 1000 and math.isclose(perf.training_tokens.magnitude, 20 * 70.6e9)


def test_serving_70b_on_a_node_longer_answers_need_more_gpus_but_cost_less_per_token():
    from mlsysim import DeploymentSearch
    shape = dict(input_len=2048, ttft_p99=Q_(2, "s"), itl=Q_(50, "ms"), nodes=[Systems.Nodes.DGX_H100])
    short = DeploymentSearch().solve(Models.Llama3_70B, Q_(10, "1/s"), output_len=256, **shape).best
    long = DeploymentSearch().solve(Models.Llama3_70B, Q_(10, "1/s"), output_len=1024, **shape).best
    assert short.precision == "fp8" and short.gpus <= 8 < long.gpus
    assert long.usd_per_mtok < 0.6 * short.usd_per_mtok  # the prompt's prefill is spread over 4x the tokens


def test_serving_70b_on_a_node_the_sla_not_the_capacity_sets_the_batch():
    node = Systems.Nodes.DGX_H100
    small = request_cost(Models.Llama3_70B, node, 2048, 256, 64, "fp8", tp_size=2)
    large = request_cost(Models.Llama3_70B, node, 2048, 256, 192, "fp8", tp_size=2)
    assert large.capacity_per_s > small.capacity_per_s
    rate = 2.0  # requests/s per replica: prefill interference pushes the large batch over 50 ms, not the small one
    assert large.mean_itl_s(rate) > 0.05 > small.mean_itl_s(rate)


def test_mixture_of_experts_decodes_like_its_active_size_until_the_batch_touches_every_expert():
    from mlsysim import ServingModel, formulas

    def itl(model, batch):
        return ServingModel().solve(model, Hardware.H100, seq_len=1024, batch_size=batch, precision="fp8").itl_s

    moe, dense13 = Models.Mixtral_8x7B, Models.Llama2_13B
    assert itl(moe, 1) == pytest.approx(itl(dense13, 1), rel=0.1)  # two of eight experts ≈ a dense 13 B
    assert itl(moe, 16) > 1.5 * itl(dense13, 16)  # a batch of 16 reads nearly every expert
    # The page's answers: 9 tokens read 90 % of Mixtral's experts (E=8, k=2); 36 for Qwen3-30B-A3B (E=128, k=8).
    assert formulas.distinct_experts_fraction(8, 2, 9) >= 0.9 > formulas.distinct_experts_fraction(8, 2, 8)
    assert formulas.distinct_experts_fraction(128, 8, 36) >= 0.9 > formulas.distinct_experts_fraction(128, 8, 35)
