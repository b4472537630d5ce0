"""LLM serving: Exercise 2's capacity from the KV-cache formula, and latency regimes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsysim import Q_, Hardware, Models, ServingModel

serving = ServingModel()


def test_exercise2_112_requests_fit_and_128_do_not():
    # the runtime keeps 10 % of the GPU (vLLM's gpu_memory_utilization = 0.9); without it 128 would fit
    assert serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=112).feasible
    assert not serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=128).feasible
    assert serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=128, reserved_memory=Q_(0, "GB")).feasible


def test_exercise2_max_batch_from_the_formula_term_by_term():
    # 80 GiB × (1 − 0.10) − 16.06 GB weights − 4,096 × (4,096 + 2 × 14,336) × 2 B workspace, over
    # 4,096 tokens × 131,072 B of KV cache + 128,256 fp32 logits per request: 60.98 GB / 537.4 MB = 113.5
    spare = 80 * 2**30 * 0.9 - 16.06e9 - 4096 * (4096 + 2 * 14336) * 2
    per_request = 4096 * 131072 + 128256 * 4
    r = serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=1)
    assert r.max_batch_size == int(spare // per_request) == 113
    assert serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=113).feasible
    assert not serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=114).feasible


def test_exercise2_kv_cache_dominates_at_max_batch():
    r = serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=113)
    assert r.kv_cache_size > 3.5 * r.weights_size
    assert r.kv_cache_per_request.to("MiB") == Q_(512, "MiB")


def test_int8_halves_weights_and_cache_and_doubles_capacity():
    fp16 = serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, precision="fp16")
    int8 = serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, precision="int8")
    assert int8.max_batch_size >= 2 * fp16.max_batch_size


def test_decode_is_memory_bound_and_prefill_slower_than_a_step():
    r = serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=2048, batch_size=1)
    assert r.decode_bottleneck == "Memory"
    assert r.ttft > r.itl
    # one decode step reads the weights (less the embedding table, of which one row is gathered) and the
    # KV cache; transfers reach at most 90 % of 3.35 TB/s, smaller ones less, and per-kernel costs add a few %
    moved = 16.06e9 - 128256 * 4096 * 2 + 2048 * 131072
    assert r.breakdown.bytes == pytest.approx(moved, rel=0.01)
    assert moved / (0.9 * 3.35e12) < r.itl.to("s").magnitude < 1.2 * moved / (0.9 * 3.35e12)


def test_llama3_70b_fp16_needs_more_than_one_h100():
    r = serving.solve(Models.Llama3_70B, Hardware.H100, seq_len=2048, batch_size=1)
    assert not r.feasible and "weights do not fit" in r.reason
    assert r.max_batch_size == 0


def test_reserved_memory_counts():
    r = serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=128, reserved_memory=Q_(2, "GiB"))
    assert not r.feasible


@settings(max_examples=100, deadline=None)
@given(batch=st.integers(1, 256), extra=st.integers(1, 256), seq=st.integers(1, 8192))
def test_more_requests_never_shrink_memory_or_speed_up_decode(batch, extra, seq):
    a = serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=seq, batch_size=batch)
    b = serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=seq, batch_size=batch + extra)
    assert b.total_memory_required >= a.total_memory_required
    assert b.itl >= a.itl and a.itl.magnitude > 0


# --- a replica split over a node ---------------------------------------------------------------------

def test_llama3_70b_tp8_on_a_dgx_h100_per_gpu_memory_term_by_term():
    from mlsysim import Systems
    r = serving.solve(Models.Llama3_70B, Systems.Nodes.DGX_H100, seq_len=4096, batch_size=64, tp_size=8)
    t = {k: v.to("B").magnitude for k, v in r.memory_per_gpu.items()}
    assert t["weights"] == pytest.approx(70.6e9 * 2 / 8)                        # fp16 weights over 8 GPUs
    assert t["kv_cache"] == pytest.approx(64 * 4096 * (2 * 80 * 8 * 128 * 2) / 8)  # 8 KV heads, one per GPU
    assert t["workspace"] == pytest.approx(4096 * (8192 + 2 * 28672 / 8) * 2)   # one prompt's MLP hidden
    assert t["logits"] == pytest.approx(64 * 128256 / 8 * 4)                    # fp32, vocabulary-parallel
    assert t["runtime_reserve"] == pytest.approx(0.10 * 80 * 2**30)             # vLLM's 0.9 utilization
    assert r.feasible and r.tp_size == 8 and r.replicas == 1
    assert r.total_memory_required.to("B").magnitude == pytest.approx(sum(t.values()))


def test_kv_heads_are_replicated_when_fewer_than_tp():
    from mlsysim import Systems
    four = Models.Llama3_70B.model_copy(update={"kv_heads": 4})
    where = {1: Hardware.H100, 4: Systems.Nodes.DGX_H100, 8: Systems.Nodes.DGX_H100}
    kv = {tp: serving.solve(four, where[tp], seq_len=1000, tp_size=tp).memory_per_gpu["kv_cache"].magnitude
          for tp in (1, 4, 8)}
    assert kv[4] == pytest.approx(kv[1] / 4) and kv[8] == kv[4]  # 8 GPUs cannot split 4 heads further


def test_a_70b_replica_needs_a_node_and_the_reason_says_so():
    from mlsysim import MLSysimError, Systems
    one = serving.solve(Models.Llama3_70B, Hardware.H100, seq_len=2048)
    assert not one.feasible and "weights do not fit on 1 GPU" in one.reason
    two = serving.solve(Models.Llama3_70B, Systems.Nodes.DGX_H100, seq_len=2048, tp_size=2)
    assert two.feasible and two.replicas == 4
    with pytest.raises(MLSysimError, match="tp_size"):
        serving.solve(Models.Llama3_70B, Hardware.H100, tp_size=2)
    with pytest.raises(MLSysimError, match="tp_size"):
        serving.solve(Models.Llama3_70B, Systems.Nodes.DGX_H100, tp_size=16)


def test_tensor_parallel_decode_is_faster_but_pays_all_reduces():
    from mlsysim import Systems
    node = Systems.Nodes.DGX_H100
    tp2 = serving.solve(Models.Llama3_70B, node, seq_len=2048, batch_size=8, tp_size=2)
    tp8 = serving.solve(Models.Llama3_70B, node, seq_len=2048, batch_size=8, tp_size=8)
    assert tp8.itl < tp2.itl
    assert tp8.breakdown.network > tp2.breakdown.network > 0
    # the network roofline is a view of the same solve, with the same memory check
    from mlsysim import NetworkRooflineModel
    view = NetworkRooflineModel().solve(Models.Llama3_70B, node, tp_size=8, batch_size=8, seq_len=2048)
    assert view.latency.to("ms").magnitude == pytest.approx(tp8.breakdown.time * 1e3)
    assert view.feasible and view.memory_per_gpu == tp8.memory_per_gpu


def test_a_decode_all_reduce_costs_what_nvswitch_all_reduces_measure():
    # Llama-3-70B at batch 1, TP 8: each all-reduce carries 8,192 fp16 values (16 KiB); one-shot kernels
    # measure 13.3-14.7 us for 8 H100s on 16-128 KB, NCCL 21-24 us [@helion2025oneshot]
    from mlsysim import Systems, formulas
    node = Systems.Nodes.DGX_H100
    t = formulas.small_allreduce_time(16384, 8, node.link_bandwidth, 4.3e-6, 1.3e-6)
    assert 13.3e-6 <= t <= 14.7e-6
    assert formulas.small_allreduce_time(16384, 2, node.link_bandwidth, 4.3e-6, 1.3e-6) < 6e-6  # NVLS: 5.6 us
    step = serving.solve(Models.Llama3_70B, node, seq_len=2048, batch_size=1, tp_size=8).breakdown
    reduces = [c for c in step.rows if c.op.collective is not None and c.op.collective.kind == "all_reduce"]
    per_layer = [c.t_comm for c in reduces if c.op.group == "layer"]
    assert all(t == pytest.approx(x, rel=1e-6) for x in per_layer) and len(per_layer) == 2
