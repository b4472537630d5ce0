"""The cost core checked by hand: operator counts against closed forms, and the short-step physics.

Closed forms: decode FLOPs per token 2·N + 4·L·ctx·d_attn [@kaplan2020scaling]; KV-cache bytes
2·L·kv_heads·head_dim·bytes per token [@ainslie2023gqa]; activation bytes kept for the backward
pass s·b·h·(34 + 5·a·s/h) per layer for GPT with dropout and no fused attention
[@korthikanti2022reducing].
"""

from __future__ import annotations

import pytest

from mlsysim import Q_, Assumptions, Engine, Hardware, InvalidArgumentError, Models, Precisions, UnknownNameError
from mlsysim.cost import Op, price, step_cost
from mlsysim.cost.transformer import transformer_ops
from mlsysim.models.types import TransformerWorkload

FP16 = Precisions.from_shorthand("fp16")
DEFAULTS = Assumptions()

# GPT-style block (standard 4h MLP, full multi-head attention, dropout), the shape Korthikanti et al. count.
GPT_SMALL = TransformerWorkload(
    name="GPT test (124M)", parameters=Q_(124.4, "Mparam"), layers=12, hidden_size=768, attention_heads=12,
    kv_heads=12, head_dim=64, ffn_size=3072, vocab_size=50257, context_length=1024, mlp="standard",
    tied_embeddings=True, dropout=True,
)


def _matmul_flops(ops: tuple[Op, ...]) -> float:
    return sum(op.count * op.flops for op in ops if op.matmul)


@pytest.mark.parametrize("model", [Models.Llama3_8B, Models.Llama3_70B, Models.GPTJ_6B, Models.GPT2],
                         ids=lambda m: m.name)
@pytest.mark.parametrize("ctx", [1, 2048])
def test_decode_flops_per_token_are_2n_plus_4_l_ctx_d(model, ctx):
    ops = transformer_ops(model, "decode", 1, ctx, FP16)
    d_attn = model.attention_heads * model.head_dim
    n = model.matmul_parameters.to("param").magnitude  # published count less the input embedding
    closed_form = 2 * n + 4 * model.layers * ctx * d_attn
    # the operator list counts weight shapes; the published parameter count also holds norms and biases
    assert _matmul_flops(ops) == pytest.approx(closed_form, rel=0.01)


def test_decode_flops_grow_by_exactly_4_l_d_per_token_of_context():
    model = Models.Llama3_8B
    short = _matmul_flops(transformer_ops(model, "decode", 1, 1000, FP16))
    long = _matmul_flops(transformer_ops(model, "decode", 1, 2000, FP16))
    assert long - short == pytest.approx(4 * model.layers * 1000 * model.attention_heads * model.head_dim)


def test_kv_cache_bytes_per_token_are_2_l_kv_heads_head_dim_bytes():
    from mlsysim.cost.step import kv_bytes_per_token

    # Llama-3-8B in fp16: 2 × 32 layers × 8 KV heads × 128 × 2 bytes = 131,072 bytes (GQA: 4× less than MHA)
    assert kv_bytes_per_token(Models.Llama3_8B, FP16) == 131_072
    batch, ctx = 4, 1024
    ops = transformer_ops(Models.Llama3_8B, "decode", batch, ctx, FP16)
    read_and_appended = sum(op.count * op.kv_bytes for op in ops)
    assert read_and_appended == pytest.approx(batch * (ctx + 1) * 131_072)


def test_a_kernel_without_grouped_kv_reads_reads_the_cache_once_per_query_head():
    # Llama-2-70B: 64 query heads share 8 KV heads, so a kernel with one thread block per query head reads the
    # cache 8 times; the appended token is written once either way
    batch, ctx, per_token = 16, 2048, 2 * 80 * 8 * 128 * 2  # fp16 cache bytes per token
    grouped = transformer_ops(Models.Llama2_70B, "decode", batch, ctx, FP16)
    per_head = transformer_ops(Models.Llama2_70B, "decode", batch, ctx, FP16, grouped_kv_reads=False)
    assert sum(op.count * op.kv_bytes for op in grouped) == pytest.approx(batch * (ctx + 1) * per_token)
    assert sum(op.count * op.kv_bytes for op in per_head) == pytest.approx(batch * (8 * ctx + 1) * per_token)
    # over 8 GPUs each holds one KV head and its 8 query heads: still 8 reads; FLOPs never change
    tp8 = transformer_ops(Models.Llama2_70B, "decode", batch, ctx, FP16, tp=8, grouped_kv_reads=False)
    assert sum(op.count * op.kv_bytes for op in tp8) == pytest.approx(batch * (8 * ctx + 1) * per_token / 8)
    assert sum(o.count * o.flops for o in per_head) == sum(o.count * o.flops for o in grouped)
    # a model with as many KV heads as query heads (GPT-J), and the prefill, are unchanged
    for model, phase in ((Models.GPTJ_6B, "decode"), (Models.Llama2_70B, "prefill")):
        assert transformer_ops(model, phase, 4, 1024, FP16, grouped_kv_reads=False) == transformer_ops(
            model, phase, 4, 1024, FP16)


def test_per_query_head_reads_slow_a_long_context_batch_through_the_assumption():
    from mlsysim import ServingModel, Systems

    Nodes = Systems.Nodes
    common = dict(seq_len=4096, batch_size=64, precision="fp8", tp_size=2)
    fast = ServingModel().solve(Models.Llama2_70B, Nodes.DGX_H100, **common)
    slow = ServingModel().solve(Models.Llama2_70B, Nodes.DGX_H100, **common,
                                assumptions=Assumptions(grouped_kv_reads=False))
    assert slow.itl > 1.5 * fast.itl and slow.ttft == fast.ttft


def test_the_embedding_reads_only_the_rows_it_gathers():
    ops = transformer_ops(Models.Llama3_8B, "decode", 8, 512, FP16)
    embedding = next(op for op in ops if op.name == "embedding")
    assert embedding.weight_bytes == 8 * 4096 * 2  # 8 rows of 4,096 fp16 values, not the 1 GB table


def test_a_parallel_block_has_one_norm_that_joins_both_outputs_to_the_residual():
    # GPT-J: attention and the MLP read one norm of the layer's input; the next norm adds both outputs to the
    # residual, so per layer one fused norm reads three tensors and writes two (a sequential block: 2 × (2 + 2))
    tokens, h = 2048, 4096
    ops = {op.name: op for op in transformer_ops(Models.GPTJ_6B, "prefill", 1, tokens, FP16)}
    assert "mlp_norm" not in ops
    assert ops["attn_norm"].act_bytes == 5 * tokens * h * 2
    sequential = Models.GPTJ_6B.model_copy(update={"parallel_block": False})
    assert {op.name for op in transformer_ops(sequential, "prefill", 1, tokens, FP16)} >= {"attn_norm", "mlp_norm"}
    # one norm's weights per layer fewer than a sequential block of the same shapes
    dropped = sequential.architecture_parameters() - Models.GPTJ_6B.architecture_parameters()
    assert dropped.to("param").magnitude == 28 * 4096
    with pytest.raises(ValueError, match="no published model has both"):
        TransformerWorkload(**{**Models.GPTJ_6B.model_dump(), "post_norms": True})


@pytest.mark.parametrize(("batch", "seq"), [(1, 1024), (4, 512)])
def test_training_activations_match_korthikanti_34_sbh_plus_5_as2b(batch, seq):
    ops = transformer_ops(GPT_SMALL, "training", batch, seq, FP16, flash=False)
    per_layer = sum(op.count * op.saved_bytes for op in ops if op.group == "layer") / GPT_SMALL.layers
    s, b, h, a = seq, batch, GPT_SMALL.hidden_size, GPT_SMALL.attention_heads
    assert per_layer == pytest.approx(s * b * h * (34 + 5 * a * s / h))


def test_selective_recomputation_drops_exactly_the_5_as2b_term():
    s, b, h = 1024, 1, GPT_SMALL.hidden_size
    ops = transformer_ops(GPT_SMALL, "training", b, s, FP16, flash=False, recompute="selective")
    per_layer = sum(op.count * op.saved_bytes for op in ops if op.group == "layer") / GPT_SMALL.layers
    assert per_layer == pytest.approx(34 * s * b * h)


def test_full_recomputation_keeps_only_each_layers_input():
    s, b, h = 1024, 2, GPT_SMALL.hidden_size
    ops = transformer_ops(GPT_SMALL, "training", b, s, FP16, flash=False, recompute="full")
    per_layer = sum(op.count * op.saved_bytes for op in ops if op.group == "layer") / GPT_SMALL.layers
    assert per_layer == pytest.approx(2 * s * b * h)


def test_a_one_token_decode_of_a_small_model_is_dominated_by_kernel_overhead():
    r = Engine.solve(GPT_SMALL, Hardware.H100, batch_size=1, seq_len=16)
    b = r.breakdown
    # ~250 MB of weights stream in ~0.1 ms; 12 layers × 8 kernels × 3.8 µs of launches take ~0.4 ms
    assert b.bound == "overhead" and b.overhead_share > 0.5
    graphed = Engine.solve(GPT_SMALL, Hardware.H100, batch_size=1, seq_len=16,
                           assumptions=Assumptions(cuda_graphs=True))
    assert graphed.latency < 0.7 * r.latency


def test_the_seeds_fields_are_sums_over_the_breakdown():
    r = Engine.solve(Models.Llama3_8B, Hardware.H100, batch_size=8)
    b = r.breakdown
    assert r.latency.to("s").magnitude == pytest.approx(b.time + Hardware.H100.si.dispatch_tax)
    assert r.latency_compute.to("s").magnitude == pytest.approx(b.compute)
    assert r.latency_memory.to("s").magnitude == pytest.approx(b.memory)
    assert r.flops.to("flop").magnitude == pytest.approx(b.flops)


def _gemm(n: int) -> Op:
    return Op("gemm", "gemm", "layer", flops=2.0 * n**3, weight_bytes=2.0 * n * n, act_bytes=4.0 * n * n)


def test_a_16k_gemm_reaches_the_large_gemm_efficiency():
    rate = 312e12  # the A100's dense fp16 peak: the default curve was measured there
    b = price((_gemm(16384),), Hardware.A100, rate, DEFAULTS)
    achieved = 2.0 * 16384**3 / b.rows[0].t_compute / rate
    assert achieved == pytest.approx(DEFAULTS.gemm_efficiency.ceiling, abs=0.01)


def test_a_1k_gemm_reaches_well_under_the_large_gemm_efficiency():
    rate = 312e12
    small = price((_gemm(1024),), Hardware.A100, rate, DEFAULTS).rows[0]
    achieved = 2.0 * 1024**3 / small.t_compute / rate
    assert achieved < 0.6 * DEFAULTS.gemm_efficiency.ceiling


@pytest.mark.parametrize("pass_", ["forward", "backward"])
def test_fused_attention_runs_at_its_measured_share_of_a_gemm_of_the_same_duration(pass_):
    # FlashAttention-3 on an H100 reaches 616 TFLOP/s forward (causal) and 561 backward at 16k tokens
    # [@shah2024flashattention3]: the engine's fused kernel lands there, not at the GEMM's 0.70 of peak.
    rate = 989.4e12
    fwd = Op("attention", "attention", "layer", flops=4.0 * 16384**2 * 128 * 16 / 2)
    op = fwd if pass_ == "forward" else Op("attention (bwd)", "attention", "layer", flops=2.5 * 2 * fwd.flops)
    row = price((op,), Hardware.H100, rate, DEFAULTS).rows[0]
    measured = {"forward": 616e12, "backward": 561e12}[pass_]
    assert op.flops / row.t_compute == pytest.approx(measured, rel=0.03)
    unfused = price((Op("scores", "attention", "layer", flops=op.flops, kernels=3),), Hardware.H100, rate,
                    DEFAULTS).rows[0]
    assert unfused.t_compute < row.t_compute  # the ratio applies to the one fused kernel only


# --- precision by role: FP8 serving keeps attention, activations and collectives at 16 bits ----------


def test_fp8_inference_quantizes_the_weight_gemms_and_the_cache_only():
    # TensorRT-LLM's FP8 engines: --dtype float16 --use_gpt_attention_plugin float16 --enable_fp8 --fp8_kv_cache
    # [@nvidia2023trtllmperf061]; vLLM quantizes the linear layers only [@vllm2024fp8]
    p = Precisions.from_shorthand("fp8")
    assert (p.weights, p.math, p.kv_cache) == ("fp8", "fp8", "fp8")
    assert (p.attention, p.activations, p.communication) == ("fp16", "fp16", "fp16")
    assert Precisions.from_shorthand("fp8", kv_precision="fp16").kv_cache == "fp16"
    # FP8 training: Transformer Engine's linear layers only, attention in bf16 [@nvidia2024transformerengine]
    assert Precisions.from_shorthand("fp8", training=True).attention == "bf16"
    assert Precisions.from_shorthand("int4").attention == "fp16"  # weight-only: 16-bit math throughout
    assert Precisions.from_shorthand("int8").attention == "int8"  # integer inference: every tensor
    assert Precisions("fp8", "fp8", "fp8", "fp8").attention == "fp8"  # told every role: attention follows the math
    assert Precisions("fp8", "fp8", "fp16", "fp8", attention="fp8").attention == "fp8"
    with pytest.raises(UnknownNameError):
        Precisions("fp8", "fp8", "fp16", "fp8", attention="fp7")


def test_fp8_attention_runs_at_the_16_bit_rate_and_the_gemms_at_the_8_bit_rate():
    def rows(precisions):
        c = step_cost(Models.Llama3_8B, Hardware.H100, phase="prefill", batch=1, seq=4096, precisions=precisions,
                      assumptions=DEFAULTS)
        return {r.op.name: r for r in c.breakdown.rows}

    fp8, fp16 = rows(Precisions.from_shorthand("fp8")), rows(FP16)
    all_fp8 = rows(Precisions("fp8", "fp8", "fp16", "fp8", communication="fp16", attention="fp8"))
    assert fp8["attention"].t_compute == pytest.approx(fp16["attention"].t_compute, rel=1e-12)
    assert fp8["attention"].t_compute > 1.5 * all_fp8["attention"].t_compute  # twice the peak, a bit less efficient
    assert fp8["mlp_up"].t_compute < fp16["mlp_up"].t_compute / 1.5


def test_fp8_tensor_parallel_all_reduces_carry_16_bit_activations():
    ops = {op.name: op for op in transformer_ops(Models.Llama3_70B, "prefill", 1, 2048,
                                                 Precisions.from_shorthand("fp8"), tp=4)}
    assert ops["out_proj"].collective.payload == 2048 * Models.Llama3_70B.hidden_size * 2


def test_overlap_max_is_never_slower_than_sum():
    c_sum = step_cost(Models.Llama3_8B, Hardware.H100, phase="prefill", batch=1, seq=512, precisions=FP16,
                      assumptions=DEFAULTS)
    c_max = step_cost(Models.Llama3_8B, Hardware.H100, phase="prefill", batch=1, seq=512, precisions=FP16,
                      assumptions=Assumptions(overlap="max"))
    assert c_max.breakdown.time < c_sum.breakdown.time
    assert c_max.breakdown.time >= max(c_sum.breakdown.compute, c_sum.breakdown.memory)


# --- microcontroller kernels by operator shape (CMSIS-NN) -----------------------------------------


def test_ds_cnn_layers_carry_their_convolution_shapes():
    from mlsysim.cost.cnn import cnn_ops
    ops = {op.name: op for op in cnn_ops(Models.DS_CNN, 1, Precisions.from_shorthand("int8"))}
    assert (ops["conv 10x4"].shape, ops["depthwise 3x3"].shape, ops["pointwise 1x1"].shape, ops["fc"].shape) == \
        ("conv", "depthwise", "pointwise", "")
    # 25 × 5 positions × 64 channels: 9 MACs per output for the depthwise filter, 64 for the pointwise one
    assert ops["depthwise 3x3"].flops == 2 * 125 * 64 * 9 and ops["pointwise 1x1"].flops == 2 * 125 * 64 * 64


def test_a_cmsis_nn_device_times_each_shape_at_its_table_entry():
    step = Engine.solve(Models.DS_CNN, Hardware.MCXN947, 1, "int8").breakdown
    peak = 0.6e9  # int8: two 16-bit MACs per cycle at 150 MHz
    table = dict(Assumptions().cmsis_nn_efficiency)
    for row in step.rows:
        if row.op.flops and row.op.matmul:
            assert row.t_compute == pytest.approx(row.op.flops / (peak * table[row.op.shape or "gemm"]))
    # a depthwise MAC costs over five times a pointwise one
    rows = {r.op.shape: r for r in step.rows}
    per_flop = {k: rows[k].t_compute / rows[k].op.flops for k in ("depthwise", "pointwise")}
    assert per_flop["depthwise"] > 5 * per_flop["pointwise"]


def test_the_shape_table_is_an_assumption_and_other_devices_keep_the_gemm_curve():
    slower = Assumptions().replace(cmsis_nn_efficiency=(("depthwise", 0.025), ("pointwise", 0.268), ("conv", 0.13),
                                                         ("gemm", 0.188)))
    base = Engine.solve(Models.DS_CNN, Hardware.MCXN947, 1, "int8").latency
    assert Engine.solve(Models.DS_CNN, Hardware.MCXN947, 1, "int8", assumptions=slower).latency > base
    assert Engine.solve(Models.DS_CNN, Hardware.H100, 1, "int8", assumptions=slower).latency == \
        Engine.solve(Models.DS_CNN, Hardware.H100, 1, "int8").latency
    assert Assumptions().shape_efficiency(Hardware.ESP32_S3) is None  # its own vector kernels (ESP-NN)
    # a flat efficiency still overrides every table
    flat = Engine.solve(Models.DS_CNN, Hardware.MCXN947, 1, "int8", efficiency=0.3).breakdown
    assert all(r.t_compute == pytest.approx(r.op.flops / (0.6e9 * 0.3)) for r in flat.rows if r.op.matmul and r.op.flops)


@pytest.mark.parametrize("table", [(("depthwise", 0.05),), (("depthwise", 0.0), ("pointwise", 0.3), ("conv", 0.1),
                                                             ("gemm", 0.2)), (("depthwise", 1.5), ("pointwise", 0.3),
                                                                              ("conv", 0.1), ("gemm", 0.2))])
def test_a_bad_shape_table_is_refused(table):
    with pytest.raises(InvalidArgumentError, match="cmsis_nn_efficiency"):
        Assumptions(cmsis_nn_efficiency=table)
