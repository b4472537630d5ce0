"""3D-parallel training: invariants, the memory model's options, and errors."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize(("tp", "pp"), [(1, 1), (2, 2), (4, 8), (8, 4)])
def test_per_gpu_compute_scales_as_one_over_tp_times_pp(tp, pp):
    one = dist.solve(Models.Llama3_8B, FLEET, tp_size=1, pp_size=1).compute_latency
    split = dist.solve(Models.Llama3_8B, FLEET, tp_size=tp, pp_size=pp).compute_latency
    # the same global work on the same 256 GPUs: compute time per GPU does not change with the split
    assert split.to("ms").magnitude == pytest.approx(one.to("ms").magnitude)


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


def test_unsharded_adam_needs_16_bytes_per_parameter():
    r = dist.solve(Models.Llama3_70B, FLEET, tp_size=8, pp_size=8, optimizer_sharding="none")
    b = r.memory_breakdown
    state = (b["weights"] + b["grads"] + b["optimizer"]).to("B").magnitude
    assert state == pytest.approx(70.6e9 * 16 / 64)


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
