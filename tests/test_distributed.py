"""3D-parallel training: invariants, the memory model's options, and errors."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlsysim
from mlsysim import Q_, DistributedModel, MLSysimError, Models, Systems, formulas
from mlsysim.systems.types import Fleet

dist = DistributedModel()
FLEET = Systems.Clusters.Research_256


def test_slides_call_works_with_defaults_and_reports_the_whole_run():
    r = dist.solve(model=Models.Language.Llama3_70B, fleet=FLEET, tp_size=8, pp_size=1, dp_size=32)
    assert r.feasible and r.dp_size == 32
    assert r.training_tokens.to("token").magnitude == pytest.approx(20 * 70.6e9)
    days = r.total_steps * r.step_latency_total.to("day").magnitude
    assert r.latency.to("days").magnitude == pytest.approx(days)
    assert 0 < r.mfu < r.scaling_efficiency <= 1


def test_dp_is_inferred():
    assert dist.solve(Models.Llama3_70B, FLEET, tp_size=8, pp_size=2).dp_size == 16


def test_throughput_is_tokens_per_step_over_step_time():
    r = dist.solve(Models.Llama3_8B, FLEET, batch_size=512, tp_size=2)
    assert r.throughput.to("token/s").magnitude == pytest.approx(512 * 2048 / r.step_latency_total.to("s").magnitude)


def test_bubble_matches_the_formula():
    r = dist.solve(Models.Llama3_70B, FLEET, batch_size=256, tp_size=8, pp_size=4)
    assert r.microbatches == 256 // 8
    assert r.bubble_fraction == pytest.approx(formulas.pipeline_bubble_fraction(4, r.microbatches))


@pytest.mark.parametrize("tp", [2, 4, 8])
def test_per_gpu_compute_scales_as_one_over_tp(tp):
    # the same global work on the same 256 GPUs: at a flat efficiency, with sequence parallelism sharding the
    # norms too, compute time per GPU barely depends on the split. It grows only by what TP replicates (every
    # rank reads the whole activation into its GEMMs, and launches every kernel): under 10 % at TP=8.
    flat = dict(efficiency=0.5, sequence_parallel=True)
    one = dist.solve(Models.Llama3_8B, FLEET, tp_size=1, **flat).compute_latency.to("ms").magnitude
    split = dist.solve(Models.Llama3_8B, FLEET, tp_size=tp, **flat).compute_latency.to("ms").magnitude
    assert one < split < 1.1 * one


def test_the_end_stages_take_fewer_layers_for_the_embedding_and_the_head():
    # Llama-3-8B's LM head (4,096 × 128,256) costs about 2.4 layers. Over 8 stages the middle ones run
    # ⌈32/8⌉ = 4 layers; the first and last share the other 8, balanced against the embedding and the head
    # (Llama 3 took a layer off each end for the same reason), and the slowest stage sets the pace.
    from mlsysim.core.precision import Precisions
    from mlsysim.cost import step_cost

    c = step_cost(Models.Llama3_8B, FLEET.node.accelerator, phase="training", batch=1, seq=2048,
                  precisions=Precisions.from_shorthand("bf16", training=True), assumptions=mlsysim.Assumptions(),
                  efficiency=0.5, recompute="selective")
    g = c.breakdown.by_group()
    layer = g["layer"] / 32
    staged = dist.solve(Models.Llama3_8B, FLEET, tp_size=1, pp_size=8, efficiency=0.5)
    first, middle, last = staged.stage_layers
    assert middle == 4 and first + 6 * middle + last == 32 and last < first
    slowest = max(first * layer + g["embedding"], middle * layer, last * layer + g["head"])
    one = dist.solve(Models.Llama3_8B, FLEET, tp_size=1, pp_size=1, efficiency=0.5).compute_latency
    expected = slowest * 8 / (32 * layer + g["head"] + g["embedding"])
    assert (staged.compute_latency / one).to("").magnitude == pytest.approx(expected, rel=1e-6)
    # an even split (4 layers and the head on the last stage) would be slower
    assert slowest < 4 * layer + g["head"]


def test_more_gpus_shrink_compute_time_proportionally():
    small = Fleet(name="64", node=Systems.Nodes.DGX_H100, count=8, fabric=Systems.Fabrics.InfiniBand_NDR)
    a = dist.solve(Models.Llama3_8B, small, tp_size=8).compute_latency
    b = dist.solve(Models.Llama3_8B, FLEET, tp_size=8).compute_latency
    assert (a / b).to("").magnitude == pytest.approx(4.0)


def test_sharding_and_recomputation_reduce_memory():
    base = dict(model=Models.Llama3_70B, fleet=FLEET, tp_size=8, pp_size=2)
    none = dist.solve(**base, optimizer_sharding="none").memory_per_gpu
    zero1 = dist.solve(**base, optimizer_sharding="zero1").memory_per_gpu
    zero3 = dist.solve(**base, optimizer_sharding="zero3").memory_per_gpu
    assert none > zero1 > zero3
    sel = dist.solve(**base, recompute="selective").memory_breakdown["activations"]
    full = dist.solve(**base, recompute="full").memory_breakdown["activations"]
    assert full < sel


def test_unsharded_adam_needs_18_bytes_per_parameter():
    # Megatron's mixed precision: bf16 weights 2 + fp32 gradients 4 + fp32 master 4 + two fp32 moments 8
    # (one pipeline stage, so each GPU holds a 1/8 slice of every parameter)
    r = dist.solve(Models.Llama3_70B, FLEET, tp_size=8, pp_size=1, optimizer_sharding="none")
    b = r.memory_breakdown
    state = (b["weights"] + b["grads"] + b["optimizer"]).to("B").magnitude
    assert state == pytest.approx(70.6e9 * 18 / 8)


def test_the_distributed_optimizer_keeps_6_plus_12_over_d_bytes_per_parameter():
    r = dist.solve(Models.Llama3_70B, FLEET, tp_size=8, pp_size=1, optimizer_sharding="zero1")
    b = r.memory_breakdown
    state = (b["weights"] + b["grads"] + b["optimizer"]).to("B").magnitude
    assert r.dp_size == 32 and state == pytest.approx(70.6e9 * (6 + 12 / r.dp_size) / 8)


def test_a_70b_model_does_not_fit_without_model_parallelism():
    r = dist.solve(Models.Llama3_70B, FLEET, tp_size=1, pp_size=1, optimizer_sharding="none")
    assert not r.feasible and "per GPU" in r.reason


def test_overlap_hides_data_parallel_communication():
    hidden = dist.solve(Models.Llama3_8B, FLEET, tp_size=1, overlap_comm=True)
    exposed = dist.solve(Models.Llama3_8B, FLEET, tp_size=1, overlap_comm=False)
    assert hidden.dp_exposed_latency < exposed.dp_exposed_latency == exposed.dp_communication_latency


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"tp_size": 16}, "at most 8"),
    ({"tp_size": 3}, "divisor of .* attention heads"),
    ({"tp_size": 8, "pp_size": 81}, "at most .* 80 layers"),
    ({"tp_size": 8, "pp_size": 3}, "divisor of the fleet's 256 GPUs"),
    ({"tp_size": 8, "dp_size": 5}, "256 GPUs"),
    ({"tp_size": 8, "batch_size": 100}, "multiple of dp_size"),
    ({"tp_size": 8, "efficiency": 1.5}, "efficiency"),
    ({"tp_size": 8, "optimizer_sharding": "zero4"}, "optimizer_sharding"),
    ({"tp_size": 8, "training_tokens": Q_(1, "s")}, "training_tokens"),
])
def test_bad_splits_are_named(kwargs, match):
    with pytest.raises(MLSysimError, match=match):
        dist.solve(Models.Llama3_70B, FLEET, **kwargs)


def test_cnn_is_refused():
    with pytest.raises(MLSysimError, match="transformer"):
        dist.solve(Models.ResNet50, FLEET)


@settings(max_examples=60, deadline=None)
@given(tp=st.sampled_from([1, 2, 4, 8]), pp=st.sampled_from([1, 2, 4]), batch=st.sampled_from([256, 512, 1024]))
def test_step_time_is_at_least_compute_and_finite(tp, pp, batch):
    r = dist.solve(Models.Llama3_8B, FLEET, batch_size=batch, tp_size=tp, pp_size=pp)
    assert r.step_latency_total >= r.compute_latency > Q_(0, "ms")
    assert 0 < r.scaling_efficiency <= 1
