"""One definition of a served request: its replica time, the stable boundary, and the serving mechanisms."""

import pytest

from mlsysim import (
    Q_,
    BatchingOptimizer,
    Hardware,
    InvalidArgumentError,
    Models,
    ServingModel,
    SpeculativeDecoding,
    Systems,
    TailLatencyModel,
    formulas,
    generation_throughput,
    request_cost,
)
from mlsysim.solvers.request import held_context

H100, DGX = Hardware.H100, Systems.Nodes.DGX_H100
IN, OUT, BATCH = 1024, 256, 32


def _hand_boundary(model, hardware, batch, **split):
    """1 / (prefill + output × ITL / batch), from two ServingModel solves priced independently."""
    s = ServingModel()
    prefill = s.solve(model, hardware, seq_len=IN, batch_size=1, **split).ttft.to("s").magnitude
    itl = s.solve(model, hardware, seq_len=IN + OUT // 2, batch_size=batch, **split).itl.to("s").magnitude
    return 1.0 / (prefill + OUT * itl / batch)


@pytest.mark.parametrize("model, hardware, batch, split", [
    (Models.Llama3_8B, H100, BATCH, {}),
    (Models.Llama3_70B, DGX, 64, {"tp_size": 8}),
])
def test_the_stable_boundary_is_one_over_the_replica_time_per_request(model, hardware, batch, split):
    boundary = _hand_boundary(model, hardware, batch, **split)
    t = TailLatencyModel()
    kw = dict(input_len=IN, output_len=OUT, batch_size=batch, **split)
    assert t.solve(model, hardware, Q_(0.99 * boundary, "1/s"), **kw).stable
    assert not t.solve(model, hardware, Q_(1.01 * boundary, "1/s"), **kw).stable
    assert t.solve(model, hardware, Q_(1, "1/s"), **kw).capacity.magnitude == pytest.approx(boundary, rel=1e-9)


def test_the_slot_queue_and_the_replica_agree_on_the_boundary():
    # A request holds a decode slot for output × ITL / (1 − λ·prefill); at λ = 1/g the offered load is the batch.
    r = request_cost(Models.Llama3_8B, H100, IN, OUT, BATCH)
    lam = r.capacity_per_s
    assert lam * r.slot_time_s(lam) == pytest.approx(BATCH, rel=1e-9)
    assert r.mean_itl_s(0.0) == r.itl_s and r.mean_itl_s(0.5 * lam) > r.itl_s


def test_throughput_counts_the_prefills_and_every_solver_agrees():
    r = request_cost(Models.Llama3_8B, H100, IN, OUT, BATCH)
    decode_only = BATCH / r.itl_s
    assert r.throughput.magnitude == pytest.approx(OUT / (r.prefill_s + OUT * r.itl_s / BATCH))
    assert r.throughput.magnitude < decode_only
    b = BatchingOptimizer().solve(Models.Llama3_8B, H100, input_len=IN, output_len=OUT, candidates=[BATCH])
    assert b.throughput.magnitude == pytest.approx(r.throughput.magnitude)
    tail = TailLatencyModel().solve(Models.Llama3_8B, H100, Q_(1, "1/s"), IN, OUT, BATCH)
    assert tail.capacity.magnitude * OUT == pytest.approx(r.throughput.magnitude)


def test_a_static_batch_prefills_its_prompts_together():
    s = ServingModel()
    prefill = s.solve(Models.Llama3_8B, H100, seq_len=IN, batch_size=8).ttft.to("s").magnitude
    itl = s.solve(Models.Llama3_8B, H100, seq_len=IN + OUT // 2, batch_size=8).itl.to("s").magnitude
    expected = 8 * OUT / (prefill + OUT * itl)
    assert generation_throughput(Models.Llama3_8B, H100, 8, IN, OUT).magnitude == pytest.approx(expected)


def test_a_replica_that_does_not_fit_is_never_stable():
    r = TailLatencyModel().solve(Models.Llama3_70B, H100, Q_(0.01, "1/s"))
    assert not r.stable and r.p99_latency is None and "does not fit" in r.reason
    assert TailLatencyModel().max_rate(Models.Llama3_70B, H100, Q_(60, "s")).magnitude == 0


def test_speculative_tokens_per_step_is_the_closed_form():
    for gamma, alpha in [(1, 0.5), (4, 0.8), (7, 0.6)]:
        spec = SpeculativeDecoding(draft_tokens=gamma, acceptance_rate=alpha)
        assert spec.tokens_per_step == pytest.approx((1 - alpha ** (gamma + 1)) / (1 - alpha))
    assert SpeculativeDecoding(3, 0.0).tokens_per_step == 1.0
    assert SpeculativeDecoding(3, 1.0).tokens_per_step == 4.0
    assert formulas.speculative_tokens_per_step(4, 0.8) == pytest.approx(3.3616)


def test_verification_reads_the_weights_and_the_cache_once():
    s = ServingModel()
    one = s.solve(Models.Llama3_8B, H100, seq_len=2048, batch_size=1).breakdown
    five = s.solve(Models.Llama3_8B, H100, seq_len=2048, batch_size=1, query_tokens=5).breakdown
    assert five.flops == pytest.approx(5 * one.flops, rel=0.02)  # five tokens computed (attention grows too)
    assert five.bytes < 1.05 * one.bytes  # weights and KV cache read once, not five times


def test_speculation_pays_at_small_batches_and_costs_at_large_ones():
    spec = SpeculativeDecoding(draft_tokens=4, acceptance_rate=0.7)
    small = request_cost(Models.Llama3_70B, DGX, 2048, 256, 1, tp_size=8, speculative=spec)
    large = request_cost(Models.Llama3_70B, DGX, 2048, 256, 640, tp_size=8,
                         speculative=SpeculativeDecoding(draft_tokens=4, acceptance_rate=0.6))
    assert small.speedup > 1.5  # memory-bound: five tokens checked for the price of about one
    assert large.speedup < 1.0  # compute-bound: the rejected drafts' FLOPs are lost
    drafted = request_cost(Models.Llama3_70B, DGX, 2048, 256, 1, tp_size=8,
                           speculative=SpeculativeDecoding(4, 0.7, draft_model=Models.Llama3_8B))
    assert 1.0 < drafted.speedup < small.speedup  # the draft model's four steps are not free
    assert drafted.memory_gb > small.memory_gb and drafted.prefill_s > small.prefill_s


def test_chunked_prefill_bounds_the_stall_at_the_price_of_first_token_time():
    whole = request_cost(Models.Llama3_70B, DGX, 4096, 256, 64, tp_size=8)
    chunked = request_cost(Models.Llama3_70B, DGX, 4096, 256, 64, tp_size=8, chunk_tokens=576)
    assert chunked.prompt_steps == 8  # 4,096 prompt tokens, 512 beside the 64 decodes per step
    assert chunked.stall_s == pytest.approx(whole.stall_s / 8)
    rate = 0.5 * whole.capacity_per_s
    assert chunked.worst_itl_s(rate) < whole.worst_itl_s(rate)
    assert chunked.first_token_s(rate) > whole.first_token_s(rate)


def test_a_prefix_cache_saves_prefill_and_memory():
    cold = request_cost(Models.Llama3_8B, H100, 4096, 256, 64)
    warm = request_cost(Models.Llama3_8B, H100, 4096, 256, 64, prefix_hit_rate=0.75)
    assert warm.prefill_s < 0.35 * cold.prefill_s
    assert warm.memory_gb < cold.memory_gb and warm.max_batch_size > cold.max_batch_size
    assert warm.itl_s == cold.itl_s  # attention still reads the whole context


def test_paged_kv_holds_the_average_context_in_blocks():
    assert held_context(1024, 256, 32, 0.0, False, 16) == 1024 + 128 + 8
    assert held_context(1024, 256, 32, 0.0, True, 16) == 1024 + 256 + 8
    assert held_context(1000, 0, 10, 0.5, False, 1) == 500 + 50 + 1


@pytest.mark.parametrize("kwargs, name", [
    (dict(chunk_tokens=32), "chunk_tokens"),
    (dict(prefix_hit_rate=1.0), "prefix_hit_rate"),
    (dict(schedule="eager"), "schedule"),
    (dict(speculative="yes"), "speculative"),
    (dict(input_len=8000, output_len=500), "input_len"),
    (dict(output_len=0), "output_len"),
])
def test_bad_serving_options_are_named(kwargs, name):
    args = dict(input_len=IN, output_len=OUT, batch_size=BATCH) | kwargs
    with pytest.raises(InvalidArgumentError, match=name):
        request_cost(Models.Llama3_8B, H100, **args)


def test_bad_speculation_is_named():
    with pytest.raises(InvalidArgumentError, match="acceptance_rate"):
        SpeculativeDecoding(draft_tokens=4, acceptance_rate=1.5)
    with pytest.raises(InvalidArgumentError, match="draft_tokens"):
        SpeculativeDecoding(draft_tokens=0, acceptance_rate=0.5)
