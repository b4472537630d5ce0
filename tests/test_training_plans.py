"""Training at scale, hand-checked: pipeline schedules, Megatron's memory, ZeRO-3 traffic, precision by role,
context and expert parallelism, and the joint plan search."""

import numpy as np
import pytest

from mlsysim import Assumptions, DistributedModel, MLSysimError, Models, ParallelismOptimizer, Systems, formulas
from mlsysim.systems.types import Fleet
from mlsysim.validation import _gpt

dist = DistributedModel()
H100_1K = Fleet(name="1,024 H100", node=Systems.Nodes.DGX_H100, count=128, fabric=Systems.Fabrics.InfiniBand_NDR)
A100_8 = Fleet(name="one DGX A100", node=Systems.Nodes.DGX_A100, count=1, fabric=Systems.Fabrics.InfiniBand_HDR)
GPT3 = _gpt(dict(params_b=174.6, heads=96, hidden=12288, layers=96))


def _ideal(r) -> float:
    """The pipelined step without its idle time: m × the slowest stage (compute and its exposed collectives)."""
    return (r.compute_latency + r.tp_communication_latency + r.cp_communication_latency
            + r.ep_communication_latency).to("ms").magnitude


@pytest.mark.parametrize("v", [2, 4])
def test_the_interleaved_bubble_is_p_minus_1_over_v_m_of_the_step(v):
    r = dist.solve(Models.Llama3_70B, H100_1K, batch_size=512, tp_size=8, pp_size=8, virtual_stages=v)
    assert r.schedule == "interleaved" and r.microbatches == 32
    assert r.bubble_latency.to("ms").magnitude / _ideal(r) == pytest.approx((8 - 1) / (v * 32))
    one = dist.solve(Models.Llama3_70B, H100_1K, batch_size=512, tp_size=8, pp_size=8)
    assert one.bubble_latency.to("ms").magnitude / _ideal(one) == pytest.approx(7 / 32)
    assert r.bubble_fraction == pytest.approx(formulas.pipeline_bubble_fraction(8, 32, v))


def test_interleaving_keeps_more_activations_in_flight():
    # Korthikanti et al.: the first stage holds p microbatches × (1 + (p − 1)/(p·v)) under interleaving
    kw = dict(batch_size=512, tp_size=8, pp_size=8, recompute="full")
    one = dist.solve(Models.Llama3_70B, H100_1K, **kw).memory_breakdown["activations"]
    two = dist.solve(Models.Llama3_70B, H100_1K, virtual_stages=2, **kw).memory_breakdown["activations"]
    assert (two / one).to("").magnitude == pytest.approx(1 + 7 / 16, rel=0.02)


def test_zero_bubble_idles_f_plus_b_minus_w():
    kw = dict(batch_size=512, tp_size=8, pp_size=8)
    zb = dist.solve(Models.Llama3_70B, H100_1K, schedule="zb-h1", **kw)
    one = dist.solve(Models.Llama3_70B, H100_1K, **kw)
    # (p − 1)(F + B − W) against (p − 1)(F + B + W): the weight gradient, half of each GEMM's backward, is about a
    # quarter of a stage that also recomputes and runs attention and norms, so ZB-H1 idles about half of 1F1B's time
    ratio = (zb.bubble_latency / one.bubble_latency).to("").magnitude
    assert 0.3 < ratio < 0.6
    assert zb.memory_per_gpu == one.memory_per_gpu  # at 1F1B's activation memory
    assert zb.step_latency_total < one.step_latency_total


def test_korthikanti_activation_memory_for_gpt3_175b():
    # Table 2: per layer s·b·h·34/t with tensor and sequence parallelism and selective recomputation, and
    # s·b·h·(34 + 5·a·s/h)/t without recomputation; plus the output layer's input 2sbh/t and fp32 logits 4sbv/t
    # (their Section 4.3). GPT-3 175B with dropout, 2,048 tokens, t = 8, one stage.
    gpt3 = GPT3.model_copy(update={"dropout": True})
    s, b, h, L, t, a, vocab = 2048, 1, 12288, 96, 8, 96, 51200
    extras = 2 * s * b * h / t + 4 * s * b * vocab / t
    for recompute, per_layer in (("selective", 34), ("none", 34 + 5 * a * s / h)):
        r = dist.solve(gpt3, A100_8, batch_size=8, precision="fp16", tp_size=8, recompute=recompute,
                       sequence_parallel=True, flash_attention=False)
        kept = r.memory_breakdown["activations"].to("B").magnitude
        assert kept == pytest.approx(s * b * h * L / t * per_layer + extras, rel=1e-3)


def test_flash_attention_is_its_own_switch():
    kw = dict(batch_size=8, precision="fp16", tp_size=8, sequence_parallel=True, recompute="none")
    flash = dist.solve(GPT3, A100_8, flash_attention=True, **kw).memory_breakdown["activations"]
    unfused = dist.solve(GPT3, A100_8, flash_attention=False, **kw).memory_breakdown["activations"]
    # without dropout the unfused kernel keeps the softmax output, 2·a·s/h per token and hidden unit (a·s/h = 16
    # for GPT-3), next to the 32 units both keep: half the memory
    assert (flash / unfused).to("").magnitude == pytest.approx(32 / (32 + 2 * 16), rel=0.01)


def test_zero3_traffic_grows_with_the_microbatches():
    kw = dict(tp_size=8, pp_size=1, dp_size=32, micro_batch_size=1)
    fleet = Systems.Clusters.Research_256
    z3 = [dist.solve(Models.Llama3_70B, fleet, batch_size=b, optimizer_sharding="zero3", **kw) for b in (64, 128)]
    z1 = [dist.solve(Models.Llama3_70B, fleet, batch_size=b, optimizer_sharding="zero1", **kw) for b in (64, 128)]
    assert (z3[0].microbatches, z3[1].microbatches) == (2, 4)
    assert (z3[1].dp_communication_latency / z3[0].dp_communication_latency).to("").magnitude == pytest.approx(2, rel=1e-3)
    assert z1[1].dp_communication_latency == z1[0].dp_communication_latency
    # two weight all-gathers (bf16) and a gradient reduce-scatter (fp32) per microbatch, against one of each per step
    ratio = (z3[0].dp_communication_latency / z1[0].dp_communication_latency).to("").magnitude
    assert ratio == pytest.approx(2 * (2 * 2 + 4) / (2 + 4), rel=0.01)


def test_fp8_training_is_less_than_twice_as_fast_and_the_breakdown_says_why():
    kw = dict(batch_size=1024, tp_size=8, pp_size=4)
    bf16 = dist.solve(Models.Llama3_70B, H100_1K, precision="bf16", **kw)
    fp8 = dist.solve(Models.Llama3_70B, H100_1K, precision="fp8", **kw)
    speedup = (bf16.step_latency_total / fp8.step_latency_total).to("").magnitude
    assert 1.2 < speedup < 2.0
    # only the GEMM math changed: collectives, sends and the optimizer keep their precisions and their times
    for term in ("tp", "pp", "optimizer"):
        assert fp8.step_breakdown[term].magnitude == pytest.approx(bf16.step_breakdown[term].magnitude)
    assert fp8.dp_communication_latency.magnitude == pytest.approx(bf16.dp_communication_latency.magnitude)
    # ... and the shorter backward pass hides less of the gradient sync
    assert fp8.step_breakdown["dp"] > bf16.step_breakdown["dp"]
    assert fp8.compute_latency / bf16.compute_latency > 0.5
    assert fp8.memory_breakdown["grads"] == bf16.memory_breakdown["grads"]


def test_the_runtime_reserve_decides_feasibility():
    import mlsysim

    kw = dict(batch_size=256, tp_size=8, pp_size=1)
    r = dist.solve(Models.Llama3_70B, Systems.Clusters.Research_256, **kw)
    used = r.memory_per_gpu.to("B").magnitude
    capacity = Systems.Nodes.DGX_H100.accelerator.si.memory_capacity
    assert r.feasible == (used + 0.10 * capacity <= capacity)
    tight = mlsysim.Assumptions().replace(training_memory_reserve=1 - 0.99 * used / capacity)
    assert not dist.solve(Models.Llama3_70B, Systems.Clusters.Research_256, assumptions=tight, **kw).feasible
    assert "reserve" in dist.solve(Models.Llama3_70B, Systems.Clusters.Research_256, assumptions=tight, **kw).reason


def test_context_parallelism_splits_the_sequence_and_hides_its_ring():
    fleet = Fleet(name="2,048 H100", node=Systems.Nodes.DGX_H100, count=256, fabric=Systems.Fabrics.InfiniBand_NDR)
    kw = dict(batch_size=256, seq_len=65536, tp_size=8, pp_size=16, recompute="full")  # ≥ 16 microbatches either way
    one = dist.solve(Models.Llama3_405B, fleet, cp_size=1, **kw)
    four = dist.solve(Models.Llama3_405B, fleet, cp_size=4, **kw)
    assert four.cp_size == 4 and four.dp_size == one.dp_size // 4
    act = (four.memory_breakdown["activations"] / one.memory_breakdown["activations"]).to("").magnitude
    assert act == pytest.approx(1 / 4, rel=0.05)
    assert four.cp_communication_latency.magnitude == pytest.approx(0.0, abs=1e-9)  # under the attention it feeds
    with pytest.raises(MLSysimError, match="cp_size"):
        dist.solve(Models.Llama3_405B, fleet, cp_size=3, **kw)
    # an all-gather before the attention (Llama 3's context parallelism) leaves the exchange on the step
    gathered = dist.solve(Models.Llama3_405B, fleet, cp_size=4,
                          assumptions=Assumptions(cp_comm_overlap=False), **kw)
    exposed = gathered.cp_communication_latency - four.cp_communication_latency
    assert exposed.magnitude > 0
    slower = gathered.step_latency_total - four.step_latency_total
    assert slower >= exposed  # and the pipeline's fill and drain, made of longer stages, grow with it
    assert gathered.step_breakdown["compute"].magnitude == pytest.approx(four.step_breakdown["compute"].magnitude)
    grown = gathered.step_breakdown["bubble"] - four.step_breakdown["bubble"]
    assert (slower - exposed).to("ms").magnitude == pytest.approx(grown.to("ms").magnitude)


def test_expert_parallelism_spreads_the_experts_and_pays_an_all_to_all():
    fleet = Systems.Clusters.Research_256
    kw = dict(batch_size=256, tp_size=2, pp_size=1, seq_len=4096)
    one = dist.solve(Models.Mixtral_8x7B, fleet, ep_size=1, **kw)
    eight = dist.solve(Models.Mixtral_8x7B, fleet, ep_size=8, **kw)
    assert one.ep_communication_latency.magnitude == 0 < eight.ep_communication_latency.magnitude
    assert eight.memory_breakdown["weights"] < 0.3 * one.memory_breakdown["weights"]
    with pytest.raises(MLSysimError, match="ep_size"):
        dist.solve(Models.Llama3_70B, fleet, ep_size=2, **kw)
    with pytest.raises(MLSysimError, match="ep_size"):
        dist.solve(Models.Mixtral_8x7B, fleet, ep_size=3, **kw)


def test_bad_schedules_are_named():
    fleet = Systems.Clusters.Research_256
    with pytest.raises(MLSysimError, match="schedule"):
        dist.solve(Models.Llama3_70B, fleet, tp_size=8, schedule="gpipe")
    with pytest.raises(MLSysimError, match="virtual_stages"):
        dist.solve(Models.Llama3_70B, fleet, tp_size=8, pp_size=4, schedule="interleaved")
    with pytest.raises(MLSysimError, match="schedule"):
        dist.solve(Models.Llama3_70B, fleet, tp_size=8, pp_size=1, virtual_stages=2)


@pytest.fixture(scope="module")
def llama3_16k():
    fleet = Systems.Clusters.Frontier_16K if hasattr(Systems.Clusters, "Frontier_16K") else None
    assert fleet is not None and fleet.total_accelerators == 16384
    return ParallelismOptimizer().solve(
        Models.Llama3_405B, fleet, batch_size=2048, seq_len=8192,
        compare_to={"tp_size": 8, "pp_size": 16, "schedule": "1f1b", "recompute": "none",
                    "optimizer_sharding": "zero2"})


def test_the_joint_search_covers_every_dimension(llama3_16k):
    r = llama3_16k
    assert r.total_searched > 5_000 and r.total_searched == r.feasible_count + r.rejected_count
    seen = {k: {c["config"][k] for c in r.pareto_front + r.top_candidates} for k in ("schedule", "recompute")}
    assert r.best_config is not None and {"tp", "pp", "dp", "cp", "ep", "virtual_stages"} <= set(r.best_config)
    assert seen["recompute"] and seen["schedule"]


def test_the_pareto_front_trades_step_time_for_memory(llama3_16k):
    front = llama3_16k.pareto_front
    steps = [c["step_time"].magnitude for c in front]
    memory = [c["memory_per_gpu"].magnitude for c in front]
    assert len(front) >= 2 and steps == sorted(steps) and memory == sorted(memory, reverse=True)
    assert front[0]["mfu"] == pytest.approx(llama3_16k.best_mfu)


def test_a_named_plan_gets_its_rank_and_the_reason(llama3_16k):
    named = llama3_16k.named_plan
    assert named["config"]["tp"] == 8 and named["config"]["schedule"] == "1f1b"
    if named["feasible"]:
        assert named["rank"] > 1 and "bubble" in named["why"]
    else:
        assert named["rank"] is None and "GB per GPU" in named["why"]


def test_the_search_agrees_with_distributed_model():
    fleet = Systems.Clusters.Research_256
    r = ParallelismOptimizer().solve(Models.Llama3_70B, fleet, batch_size=512)
    c = r.best_config
    one = dist.solve(Models.Llama3_70B, fleet, batch_size=512, tp_size=c["tp"], pp_size=c["pp"], cp_size=c["cp"],
                     micro_batch_size=c["micro_batch_size"], virtual_stages=c["virtual_stages"],
                     schedule=c["schedule"], recompute=c["recompute"], optimizer_sharding=c["optimizer_sharding"])
    assert one.mfu == pytest.approx(r.best_mfu) and one.feasible
    assert np.isclose(one.step_latency_total.to("ms").magnitude, r.best_step_time.to("ms").magnitude)


def test_selective_recompute_is_searched_only_where_it_recomputes_something():
    # Under fused attention selective recomputation keeps exactly what "none" keeps: the same plan twice.
    fleet = Systems.Clusters.Research_256
    fused = ParallelismOptimizer().solve(Models.Llama3_70B, fleet, batch_size=512)
    unfused = ParallelismOptimizer().solve(Models.Llama3_70B, fleet, batch_size=512, flash_attention=False)
    assert "selective" not in {c["config"]["recompute"] for c in fused.top_candidates + fused.pareto_front}
    assert fused.total_searched == 2 * unfused.total_searched // 3
    asked = ParallelismOptimizer().solve(Models.Llama3_70B, fleet, batch_size=512, recompute="selective")
    assert {c["config"]["recompute"] for c in asked.top_candidates} == {"selective"}
