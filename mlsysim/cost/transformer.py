"""The operators of a decoder-only transformer step: prefill, decode, or training forward + backward.

Per layer (sharded `tp` ways as Megatron-LM does [@shoeybi2019megatron]): the
attention norm, the QKV projection (GQA-aware [@ainslie2023gqa]), attention
scores and values (causal; one fused kernel with `flash` [@dao2022flashattention],
else the score matrix goes through memory), the output projection and its
collective, the MLP norm (none in a parallel block, where attention and the MLP
share the attention norm), the MLP (gated SwiGLU or standard) and its collective.
Per step: the embedding gather (only the rows looked up are read), the final
norm, the LM head and the logits.  Tensor parallelism all-reduces the
activations after the output and down projections; with sequence parallelism
[@korthikanti2022reducing] each all-reduce becomes a reduce-scatter plus an
all-gather and the norms run on `1/tp` of the tokens.

Closed forms this reproduces (tested): decode FLOPs per token 2·N + 4·L·ctx·d_attn
[@kaplan2020scaling]; KV-cache bytes 2·L·kv_heads·head_dim·bytes per token;
Korthikanti et al.'s activation bytes s·b·h·(34 + 5·a·s/h) per layer for GPT
with dropout and no flash attention.
"""

from __future__ import annotations

import functools
import math
from dataclasses import replace
from typing import Literal

from .. import formulas
from ..core.precision import Precisions
from ..models.types import TransformerWorkload
from .ops import Collective, Op, table_bytes_per_value

Phase = Literal["prefill", "decode", "training"]
Recompute = Literal["none", "selective", "full"]
DROPOUT_MASK_BYTES = 1.0  # one byte per element [@korthikanti2022reducing]


@functools.lru_cache(maxsize=4096)
def transformer_ops(model: TransformerWorkload, phase: Phase, batch: int, seq: int, precisions: Precisions, *,
                    tp: int = 1, sequence_parallel: bool = False, flash: bool = True, recompute: Recompute = "none",
                    logits_bytes: float = 4.0, flash_backward_factor: float = 2.5,
                    query_tokens: int = 1, ep: int = 1, moe_imbalance: float = 1.0, cp: int = 1,
                    grouped_kv_reads: bool = True) -> tuple[Op, ...]:
    """The operators of one step on one of `tp` GPUs.

    `phase="decode"`: `batch` sequences with `seq` tokens of context each produce one token
    (`query_tokens` > 1: each checks that many drafted tokens in one step, as speculative decoding's
    verification does [@leviathan2023fast] — the cache is read once, every drafted token is computed
    and gets its logits).
    `phase="prefill"`: `batch` prompts of `seq` tokens, logits for the last token of each.
    `phase="training"`: forward and backward over `batch × seq` tokens (logits for all of them);
    the optimizer step is `optimizer_ops`.
    `ep`: a mixture of experts' experts are spread over `ep` GPUs, each with a `batch` of its own
    (expert parallelism: an all-to-all before and after the experts); the busiest routes `moe_imbalance` ×
    the mean.
    `cp`: context parallelism [@liu2023ringattention] — each of `cp` GPUs takes `seq / cp` tokens of every
    sequence (prefill and training) and computes their attention against the whole sequence: the GPUs exchange
    keys and values around a ring (`cp_exchange`, an all-gather; its backward also returns their gradients).
    `grouped_kv_reads=False`: a decode step's attention reads each key/value head once per query head that
    uses it, as a kernel with one thread block per query head does (`Assumptions.grouped_kv_reads`).

    Example:
        >>> from mlsysim import Models
        >>> from mlsysim.core.precision import Precisions
        >>> from mlsysim.cost.transformer import transformer_ops
        >>> ops = transformer_ops(Models.Llama3_8B, "decode", 1, 2048, Precisions.from_shorthand("fp16"))
        >>> [op.name for op in ops][:4]
        ['embedding', 'attn_norm', 'qkv_proj', 'attention']
    """
    forward = _forward(model, phase, batch, seq, precisions, tp, sequence_parallel, flash, logits_bytes, recompute,
                       query_tokens, ep, moe_imbalance, cp if phase != "decode" else 1, grouped_kv_reads)
    if phase != "training":
        return forward
    backward = tuple(backward_op(op, precisions, flash_backward_factor) for op in reversed(forward))
    if recompute == "full":
        again = tuple(replace(op, name=f"{op.name} (recompute)", saved_bytes=0.0) for op in forward
                      if op.group == "layer")
    elif recompute == "selective" and not flash:
        again = tuple(replace(op, name="attention (recompute)", saved_bytes=0.0) for op in forward
                      if op.kind == "attention")
    else:
        again = ()
    return forward + again + backward


def _forward(model: TransformerWorkload, phase: str, batch: int, seq: int, p: Precisions, tp: int, sp: bool,
             flash: bool, logits_bytes: float, recompute: str = "none", query_tokens: int = 1, ep: int = 1,
             moe_imbalance: float = 1.0, cp: int = 1, grouped_kv_reads: bool = True) -> tuple[Op, ...]:
    """The forward operators; `saved_bytes` follow `recompute` (what the backward pass finds in memory)."""
    h, d, f, vocab, layers = model.hidden_size, model.head_dim, model.ffn_size, model.vocab_size, model.layers
    bw, ba, bk, bc = p.bytes("weights"), p.bytes("activations"), p.bytes("kv_cache"), p.bytes("communication")
    heads = model.attention_heads / tp
    kv_heads = max(model.kv_heads / tp, 1.0)  # KV heads are replicated when there are fewer than tp
    q_dim, kv_dim = heads * d, kv_heads * d
    ffn = f / tp
    tokens = batch * query_tokens if phase == "decode" else batch * seq / cp
    logit_tokens = tokens if phase in ("training", "decode") else batch
    norm_tokens = tokens / tp if sp else tokens
    dropout = model.dropout and phase == "training"
    mask = DROPOUT_MASK_BYTES if dropout else 0.0
    keep = 1.0 if phase == "training" else 0.0  # activations are kept for a backward pass only
    message = tokens * h * bc

    def tp_collective(kind):
        return Collective(kind, message, tp) if tp > 1 else None

    gather_in = tp_collective("all_gather") if sp else None
    reduce_out = tp_collective("reduce_scatter" if sp else "all_reduce")

    def norm(name: str, addends: int = 1) -> Op:
        # Fused residual add + norm: reads the residual and the `addends` joining it, writes both back.
        return Op(name, "elementwise", "layer", flops=(4 + addends) * norm_tokens * h, weight_bytes=h * ba,
                  act_bytes=(3 + addends) * norm_tokens * h * ba, saved_bytes=keep * norm_tokens * h * ba,
                  count=layers)

    def plain_norm(name: str, rows: float, width: float, weights: float) -> Op:
        # A norm on its own (Gemma 2's block outputs, Qwen3's query and key heads): reads and writes the values.
        return Op(name, "elementwise", "layer", flops=4 * rows * width, weight_bytes=weights * ba,
                  act_bytes=2 * rows * width * ba, saved_bytes=keep * rows * width * ba, count=layers)

    def gemm(name: str, n_in: float, n_out: float, collective=None, saved_extra=0.0, *, count: int = layers,
             rows: float = tokens, matrices: float = 1.0) -> Op:
        """`rows` tokens through `matrices` weight matrices of `n_in × n_out` (one, unless experts).

        Under sequence parallelism a GEMM fed by an all-gather keeps its input sharded over the sequence (the
        backward pass gathers it again), and the dropout after a reduce-scatter works on `1/tp` of the tokens
        [@korthikanti2022reducing]."""
        kind = collective.kind if sp and collective is not None else None
        saved = rows * n_in * ba / (tp if kind == "all_gather" else 1) + saved_extra / (tp if kind == "reduce_scatter" else 1)
        return Op(name, "gemm", "layer", flops=2 * rows * n_in * n_out, weight_bytes=matrices * n_in * n_out * bw,
                  act_bytes=rows * (n_in + n_out) * ba, saved_bytes=keep * saved, count=count, collective=collective)

    # Attention: scores and values over the context, causal for prompts; windowed layers see the last
    # ``sliding_window`` tokens only [@jiang2023mistral].  Latent attention (MLA) caches one latent and a
    # rotary key per token; decoding absorbs the up-projection into the query and output, so scores run over
    # the latent's width, while prompts and training rebuild per-head keys and values [@deepseekai2024v2].
    latent = model.kv_lora_rank is not None
    kvl, rope, v_dim = model.kv_lora_rank or 0, model.rope_head_dim, model.value_dim
    if latent:
        cache_width = float(kvl + rope)  # shared by every head: each GPU keeps the whole latent
        qk_dim, value_dim = (kvl + rope, kvl) if phase == "decode" else (d + rope, v_dim)
        q_out = heads * (d + rope)
    else:
        cache_width = 2 * kv_dim
        qk_dim = value_dim = d
        q_out = q_dim
    windowed = model.windowed_layer_count
    spans = [(layers - windowed, float(seq), "attention"),
             (windowed, float(min(seq, model.sliding_window or seq)), "attention (window)")]
    attention_ops = []
    for count, span, name in spans:
        if not count:
            continue
        if phase == "decode":
            pairs = tokens * span
            # read the cache once (once per query head when the kernel does not share a head's reads), append
            reads = 1.0 if grouped_kv_reads or latent else heads / kv_heads
            kv = reads * batch * span * cache_width * bk + tokens * cache_width * bk
            scores = 0.0
        else:
            # causal: query i sees min(i + 1, span) keys; context parallelism balances them over the cp GPUs
            pairs = batch * (seq * span - span * (span - 1) / 2) / cp
            kv = batch * span * cache_width * bk / cp if phase == "prefill" else 0.0
            scores = batch * heads * float(seq) * span / cp  # an unfused kernel computes the whole band
        qkv_io = tokens * (2 * q_out + cache_width) * ba  # read Q, K, V (or the latent); write O
        saved = tokens * (q_out + cache_width) * ba  # selective recomputation keeps these
        if flash:
            attn_bytes, kernels = qkv_io, 1
        else:
            attn_bytes, kernels = qkv_io + 4 * scores * ba + (3 * scores * ba if dropout else 0.0), 3 + int(dropout)
            if recompute == "none":  # the softmax output, and the dropout mask and output
                saved += scores * ba + (scores * (mask + ba) if dropout else 0.0)
        attention_ops.append(Op(name, "attention", "layer", flops=2 * pairs * heads * (qk_dim + value_dim),
                                act_bytes=attn_bytes, kv_bytes=kv, saved_bytes=keep * saved, count=count,
                                kernels=kernels))

    if latent:  # the query (through its own latent when q_lora_rank is set), the KV latent, the up-projection
        ql = model.q_lora_rank
        query = [gemm("q_proj", h, q_out, gather_in)] if ql is None else [
            gemm("q_down", h, ql, gather_in), gemm("q_up", ql, q_out)]  # down-projections are not sharded
        projections = [*query, gemm("kv_down", h, cache_width), gemm("kv_up", kvl, heads * (d + v_dim))]
        o_in = heads * v_dim
    else:
        projections = [gemm("qkv_proj", h, q_dim + 2 * kv_dim, gather_in)]
        o_in = q_dim
    if cp > 1:  # every GPU gathers the other chunks' keys and values (the latent, with MLA) for the whole sequence
        exchange = Collective("all_gather", batch * seq * cache_width * ba, cp, "cp")
        projections.append(Op("cp_exchange", "elementwise", "layer", count=layers, collective=exchange))
    if model.qk_norm:  # per-head norms of the queries and keys [@yang2025qwen3]
        projections.append(plain_norm("qk_norm", tokens, q_dim + kv_dim, 2 * d))
    post = [plain_norm("attn_post_norm", norm_tokens, h, h)] if model.post_norms else []  # [@gemmateam2024gemma2]
    # A parallel block (GPT-J [@wang2021gptj]) feeds attention and the MLP one norm; both outputs join the
    # residual in the next layer's norm.
    parallel = model.parallel_block
    layer_ops = [norm("attn_norm", 2 if parallel else 1), *projections, *attention_ops,
                 gemm("out_proj", o_in, h, reduce_out, saved_extra=tokens * h * mask), *post,
                 *([] if parallel else [norm("mlp_norm")])]
    gated = model.mlp == "gated"

    def mlp(prefix: str, width: float, count: int, rows: float = tokens, matrices: float = 1.0,
            first=gather_in, last=reduce_out) -> list[Op]:
        up_out = 2 * width if gated else width
        return [gemm(f"{prefix}_up", h, up_out, first, count=count, rows=rows, matrices=matrices),
                Op(f"{prefix}_act", "elementwise", "layer", flops=(5 if gated else 8) * rows * width,
                   act_bytes=rows * (up_out + width) * ba, saved_bytes=keep * rows * up_out * ba, count=count),
                gemm(f"{prefix}_down", width, h, last, saved_extra=rows * h * mask, count=count, rows=rows,
                     matrices=matrices)]

    if model.dense_layer_count:
        layer_ops += mlp("mlp", ffn, model.dense_layer_count)
    moe = model.moe_layer_count
    if moe:
        # Routed experts, sharded tp ways in width.  Expert parallelism spreads them over ep GPUs that each
        # bring ``tokens`` of their own (an all-to-all sends every token to its experts and back); the busiest
        # GPU processes moe_imbalance × the mean [@fedus2022switch].  A GPU reads only the experts its tokens
        # route to: uniform routing touches E·(1 − (1 − k/E)^T) of E experts for T tokens [@feller1968probability].
        e, k = model.experts, model.experts_per_token
        routed = tokens * k * (moe_imbalance if ep > 1 else 1.0)
        touched = e / ep * formulas.distinct_experts_fraction(e, k, tokens * ep)
        shuffle = Collective("all_to_all", tokens * k * h * bc, ep, "ep") if ep > 1 else None
        layer_ops.append(gemm("router", h, e, count=moe))
        if shuffle is not None:
            layer_ops.append(Op("moe_dispatch", "elementwise", "layer", count=moe, collective=shuffle))
        layer_ops += mlp("experts", model.expert_width / tp, moe, rows=routed, matrices=touched)
        if shuffle is not None:
            layer_ops.append(Op("moe_combine", "elementwise", "layer", count=moe, collective=shuffle))
        if model.shared_experts:
            layer_ops += mlp("shared_experts", model.shared_experts * model.shared_expert_width / tp, moe,
                             last=None)
    if model.post_norms:
        layer_ops.append(plain_norm("mlp_post_norm", norm_tokens, h, h))
    emb_weight = table_bytes_per_value(p)
    embedding = Op("embedding", "gather", "embedding", weight_bytes=tokens * h * emb_weight / tp,
                   act_bytes=tokens * h * ba, collective=tp_collective("all_reduce"))
    head_saved = keep * logit_tokens * (h * ba / (tp if sp else 1) + vocab / tp * logits_bytes)
    head = (
        Op("final_norm", "elementwise", "head", flops=5 * logit_tokens * h, weight_bytes=h * ba,
           act_bytes=2 * logit_tokens * h * ba),
        Op("lm_head", "gemm", "head", flops=2 * logit_tokens * h * vocab / tp, weight_bytes=h * vocab / tp * bw,
           act_bytes=logit_tokens * (h * ba + vocab / tp * logits_bytes), saved_bytes=head_saved),
        Op("logits", "elementwise", "head", flops=3 * logit_tokens * vocab / tp,
           act_bytes=logit_tokens * vocab / tp * logits_bytes,
           collective=Collective("all_gather", logit_tokens * vocab * logits_bytes, tp)
           if tp > 1 and phase != "training" else None),
    )
    if recompute == "full":  # only each layer's input is kept (the attention norm's input)
        layer_ops = [op if op.name == "attn_norm" else replace(op, saved_bytes=0.0) for op in layer_ops]
    return (embedding, *layer_ops, *head)


def backward_op(op: Op, p: Precisions, flash_factor: float) -> Op:
    """The backward of a forward operator: 2× FLOPs (fused attention recomputes its scores: `flash_factor`)."""
    name = f"{op.name} (bwd)"
    if op.kind == "gemm":  # input gradient and weight gradient; fp32 gradient accumulated in place
        grads = op.weight_bytes / p.bytes("weights") * 2 * p.bytes("gradients")
        return Op(name, "gemm", op.group, 2 * op.flops, op.weight_bytes + grads, 2 * op.act_bytes, 0.0, 0.0,
                  op.count, 2, op.collective)
    if op.kind == "attention":
        factor = flash_factor if op.fused_attention else 2.0
        return Op(name, "attention", op.group, factor * op.flops, 0.0, 2 * op.act_bytes, 0.0, 0.0, op.count,
                  op.kernels, None)
    if op.kind == "gather":  # scatter-add into the embedding gradient
        grads = op.weight_bytes / p.bytes("weights") * p.bytes("gradients")
        return Op(name, "gather", op.group, 0.0, grads, op.act_bytes, 0.0, 0.0, op.count, 1, None)
    collective = op.collective if op.collective is not None and op.collective.group != "tp" else None
    if collective is not None and collective.group == "cp":  # the keys and values again, and their gradients back
        collective = replace(collective, payload=2 * collective.payload)
    return Op(name, op.kind, op.group, 2 * op.flops, op.weight_bytes, 2 * op.act_bytes, 0.0, 0.0, op.count, 1,
              collective)


def optimizer_ops(parameters: float, p: Precisions, *, shards: int = 1, state_values: int = 2) -> tuple[Op, ...]:
    """One optimizer step over `parameters / shards` parameters (Adam: `state_values=2` moments).

    Reads the gradient, reads and writes the master weights and each moment, writes the
    working weights: about 12 FLOPs per parameter [@kingma2015adam].
    """
    n = parameters / shards
    per_param = p.bytes("gradients") + 2 * p.optimizer_bytes_per_param(state_values) + p.bytes("weights")
    return (Op("optimizer", "optimizer", "step", flops=12 * n, weight_bytes=n * per_param,
               kernels=max(1, math.ceil(n / 2**28))),)
