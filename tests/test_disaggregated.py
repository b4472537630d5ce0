"""Prefill and decode on separate pools: the transfer, the capacities and the queues, checked by hand."""

import math

import pytest

from mlsysim import InvalidArgumentError, Models, Systems, disaggregated_cost, formulas, request_cost

NODE = Systems.Nodes.DGX_H100
SHAPE = dict(input_len=2048, output_len=256, batch_size=64, precision="fp8", prefill_tp=4, decode_tp=4)
ONE_EACH = dict(prefill_replicas=1, decode_replicas=1)


def test_the_kv_transfer_is_one_gpus_shard_over_its_own_ndr_port():
    d = disaggregated_cost(Models.Llama3_70B, NODE, **SHAPE, **ONE_EACH)
    # 2,048 tokens x 2 x 80 layers x 8 KV heads x 128 x 1 byte (FP8), over 4 GPUs; 50 GB/s and 5 us per port
    shard = 2048 * 2 * 80 * 8 * 128 / 4
    assert d.kv_bytes_per_gpu == shard == 83_886_080
    assert d.transfer_s == pytest.approx(shard / 50e9 + 5e-6)
    assert d.gpus == 8


def test_capacity_is_the_slower_pool_and_the_balance_point_equalizes_them():
    d = disaggregated_cost(Models.Llama3_70B, NODE, **SHAPE, prefill_replicas=2, decode_replicas=3)
    prefill_rate = 2 / d.prefill.prefill_s
    decode_rate = 3 * 64 / (d.transfer_s + 255 * d.decode.itl_s)  # the first token came from the prefill
    assert d.capacity_per_s == pytest.approx(min(prefill_rate, decode_rate))
    assert d.bottleneck == ("prefill" if prefill_rate < decode_rate else "decode")
    ratio = d.balanced_decode_per_prefill
    assert ratio * d.decode.batch_size / d.slot_time_s == pytest.approx(1 / d.prefill.prefill_s)


def test_decode_never_waits_for_a_prompt_where_a_colocated_replica_does():
    d = disaggregated_cost(Models.Llama3_70B, NODE, **SHAPE, **ONE_EACH)
    together = request_cost(Models.Llama3_70B, NODE, 2048, 256, 64, "fp8", tp_size=4)
    assert d.itl_s == together.itl_s  # the same decode batch on the same four GPUs
    rate = 0.5 * d.capacity_per_s
    assert together.worst_itl_s(rate) > together.itl_s + together.prefill_s  # a step can wait for a whole prompt
    assert d.latency_s(rate, 0.5) < math.inf and d.stable(rate) and not d.stable(1.01 * d.capacity_per_s)


def test_one_prefill_replica_queues_as_m_m_1():
    d = disaggregated_cost(Models.Llama3_70B, NODE, **SHAPE, **ONE_EACH)
    mu = 1 / d.prefill.prefill_s
    rate = 0.6 * min(mu, d.decode_capacity_per_s)
    rho = rate / mu
    # P(wait > t) = rho * exp(-(mu - rate) t): the 99th percentile is ln(100 rho) / (mu - rate)
    p99_wait = max(0.0, math.log(rho / 0.01) / (mu - rate))
    assert d.ttft_s(rate, 0.99) == pytest.approx(p99_wait + d.prefill.prefill_s, rel=1e-6)
    assert formulas.mmc_wait_percentile(rate, mu, 1, 0.99) == pytest.approx(p99_wait, rel=1e-6)
    assert d.ttft_s(0.0, 0.99) == d.prefill.prefill_s


def test_bad_input_names_the_argument_and_an_oversized_pool_names_itself():
    with pytest.raises(InvalidArgumentError, match="prefill_replicas"):
        disaggregated_cost(Models.Llama3_70B, NODE, **SHAPE, prefill_replicas=0, decode_replicas=1)
    with pytest.raises(InvalidArgumentError, match="decode_replicas"):
        disaggregated_cost(Models.Llama3_70B, NODE, **SHAPE, prefill_replicas=1, decode_replicas=1.5)
    with pytest.raises(InvalidArgumentError, match="tp_size"):
        disaggregated_cost(Models.Llama3_70B, NODE, **{**SHAPE, "prefill_tp": 16}, **ONE_EACH)
    with pytest.raises(InvalidArgumentError, match="decoder-only"):
        disaggregated_cost(Models.BERT_Base, Systems.Nodes.DGX_H100, **ONE_EACH)
    d = disaggregated_cost(Models.Llama3_70B, Systems.Nodes.DGX_H100, input_len=2048, output_len=256,
                           batch_size=64, precision="fp16", prefill_tp=1, decode_tp=8, **ONE_EACH)
    assert not d.feasible and d.reason.startswith("prefill replica:") and d.capacity_per_s == 0
    assert not d.stable(0.1) and d.ttft_s(0.1, 0.99) == math.inf
