"""LLM serving: Exercise 2's capacity from the KV-cache formula, and latency regimes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsysim import Q_, Hardware, Models, ServingModel

serving = ServingModel()


def test_exercise2_128_requests_fit_and_160_do_not():
    assert serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=128).feasible
    assert not serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=160).feasible


def test_exercise2_max_batch_is_130_from_the_formula():
    r = serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=1)
    assert r.max_batch_size == 130
    assert serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=130).feasible
    assert not serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=131).feasible


def test_exercise2_kv_cache_dominates_at_max_batch():
    r = serving.solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=128)
    assert r.kv_cache_size > 4 * r.weights_size
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
    assert not r.feasible and "exceed" in r.reason
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
