"""The operators of a decoder-only transformer step: prefill, decode, or training forward + backward.

Per layer (sharded ``tp`` ways as Megatron-LM does [@shoeybi2019megatron]): the
attention norm, the QKV projection (GQA-aware [@ainslie2023gqa]), attention
scores and values (causal; one fused kernel with ``flash`` [@dao2022flashattention],
else the score matrix goes through memory), the output projection and its
collective, the MLP norm, the MLP (gated SwiGLU or standard) and its collective.
Per step: the embedding gather (only the rows looked up are read), the final
norm, the LM head and the logits.  Tensor parallelism all-reduces the
activations after the output and down projections; with sequence parallelism
[@korthikanti2022reducing] each all-reduce becomes a reduce-scatter plus an
all-gather and the norms run on ``1/tp`` of the tokens.

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

from ..core.precision import BYTES_PER_VALUE, Precisions
from ..models.types import TransformerWorkload
from .ops import Collective, Op

Phase = Literal["prefill", "decode", "training"]
Recompute = Literal["none", "selective", "full"]
DROPOUT_MASK_BYTES = 1.0  # one byte per element [@korthikanti2022reducing]


@functools.lru_cache(maxsize=4096)
def transformer_ops(model: TransformerWorkload, phase: Phase, batch: int, seq: int, precisions: Precisions, *,
                    tp: int = 1, sequence_parallel: bool = False, flash: bool = True, recompute: Recompute = "none",
                    logits_bytes: float = 4.0, flash_backward_factor: float = 2.5,
                    query_tokens: int = 1) -> tuple[Op, ...]:
    """The operators of one step on one of ``tp`` GPUs.

    ``phase="decode"``: ``batch`` sequences with ``seq`` tokens of context each produce one token
    (``query_tokens`` > 1: each checks that many drafted tokens in one step, as speculative decoding's
    verification does [@leviathan2023fast] — the cache is read once, every drafted token is computed
    and gets its logits).
    ``phase="prefill"``: ``batch`` prompts of ``seq`` tokens, logits for the last token of each.
    ``phase="training"``: forward and backward over ``batch × seq`` tokens (logits for all of them);
    the optimizer step is :func:`optimizer_ops`.

    Example:
        >>> from mlsysim import Models
        >>> from mlsysim.core.precision import Precisions
        >>> from mlsysim.cost.transformer import transformer_ops
        >>> ops = transformer_ops(Models.Llama3_8B, "decode", 1, 2048, Precisions.from_shorthand("fp16"))
        >>> [op.name for op in ops][:4]
        ['embedding', 'attn_norm', 'qkv_proj', 'attention']
    """
    forward = _forward(model, phase, batch, seq, precisions, tp, sequence_parallel, flash, logits_bytes, recompute,
                       query_tokens)
    if phase != "training":
        return forward
    backward = tuple(_backward(op, precisions, flash_backward_factor) for op in reversed(forward))
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
             flash: bool, logits_bytes: float, recompute: str = "none", query_tokens: int = 1) -> tuple[Op, ...]:
    """The forward operators; ``saved_bytes`` follow ``recompute`` (what the backward pass finds in memory)."""
    h, d, f, vocab, layers = model.hidden_size, model.head_dim, model.ffn_size, model.vocab_size, model.layers
    bw, ba, bk, bc = p.bytes("weights"), p.bytes("activations"), p.bytes("kv_cache"), p.bytes("communication")
    heads = model.attention_heads / tp
    kv_heads = max(model.kv_heads / tp, 1.0)  # KV heads are replicated when there are fewer than tp
    q_dim, kv_dim = heads * d, kv_heads * d
    ffn = f / tp
    tokens = batch * query_tokens if phase == "decode" else batch * seq
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

    def norm(name: str) -> Op:
        # Fused residual add + norm: reads the input and the residual, writes both back.
        return Op(name, "elementwise", "layer", flops=5 * norm_tokens * h, weight_bytes=h * ba,
                  act_bytes=4 * norm_tokens * h * ba, saved_bytes=keep * norm_tokens * h * ba, count=layers)

    def gemm(name: str, n_in: float, n_out: float, collective=None, saved_extra=0.0) -> Op:
        return Op(name, "gemm", "layer", flops=2 * tokens * n_in * n_out, weight_bytes=n_in * n_out * bw,
                  act_bytes=tokens * (n_in + n_out) * ba, saved_bytes=keep * (tokens * n_in * ba + saved_extra),
                  count=layers, collective=collective)

    # Attention: scores and values over the context, causal for prompts.
    if phase == "decode":
        pairs = tokens * float(seq)
        kv = batch * seq * 2 * kv_dim * bk + tokens * 2 * kv_dim * bk  # read the cache once, append the new tokens
        scores = 0.0
    else:
        pairs = batch * seq * (seq + 1) / 2
        kv = batch * seq * 2 * kv_dim * bk if phase == "prefill" else 0.0
        scores = batch * heads * float(seq) * seq  # an unfused kernel computes the whole square
    qkv_io = tokens * (2 * q_dim + 2 * kv_dim) * ba  # read Q, K, V; write O
    saved = tokens * (q_dim + 2 * kv_dim) * ba  # Q, K and V; selective recomputation keeps only these
    if flash:
        attn_bytes, kernels = qkv_io, 1
    else:
        attn_bytes, kernels = qkv_io + 4 * scores * ba + (3 * scores * ba if dropout else 0.0), 3 + int(dropout)
        if recompute == "none":  # the softmax output, and the dropout mask and output
            saved += scores * ba + (scores * (mask + ba) if dropout else 0.0)
    attention = Op("attention", "attention", "layer", flops=4 * pairs * q_dim, act_bytes=attn_bytes,
                   kv_bytes=kv, saved_bytes=keep * saved, count=layers, kernels=kernels)

    gated = model.mlp == "gated"
    up_out = 2 * ffn if gated else ffn
    layer_ops = [
        norm("attn_norm"),
        gemm("qkv_proj", h, q_dim + 2 * kv_dim, gather_in),
        attention,
        gemm("out_proj", q_dim, h, reduce_out, saved_extra=tokens * h * mask),
        norm("mlp_norm"),
        gemm("mlp_up", h, up_out, gather_in),
        Op("mlp_act", "elementwise", "layer", flops=(5 if gated else 8) * tokens * ffn,
           act_bytes=tokens * (up_out + ffn) * ba, saved_bytes=keep * tokens * up_out * ba, count=layers),
        gemm("mlp_down", ffn, h, reduce_out, saved_extra=tokens * h * mask),
    ]
    emb_weight = BYTES_PER_VALUE[p.activations] if bw < 1 else bw  # tables stay 16-bit under weight-only quantization
    embedding = Op("embedding", "gather", "embedding", weight_bytes=tokens * h * emb_weight / tp,
                   act_bytes=tokens * h * ba, collective=tp_collective("all_reduce"))
    head_saved = keep * logit_tokens * (h * ba + vocab / tp * logits_bytes)
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


def _backward(op: Op, p: Precisions, flash_factor: float) -> Op:
    """The backward of a forward operator: 2× FLOPs (fused attention recomputes its scores: ``flash_factor``)."""
    name = f"{op.name} (bwd)"
    if op.kind == "gemm":  # input gradient and weight gradient; fp32 gradient accumulated in place
        grads = op.weight_bytes / p.bytes("weights") * 2 * p.bytes("gradients")
        return Op(name, "gemm", op.group, 2 * op.flops, op.weight_bytes + grads, 2 * op.act_bytes, 0.0, 0.0,
                  op.count, 2, op.collective)
    if op.kind == "attention":
        factor = flash_factor if op.kernels == 1 else 2.0
        return Op(name, "attention", op.group, factor * op.flops, 0.0, 2 * op.act_bytes, 0.0, 0.0, op.count,
                  op.kernels, None)
    if op.kind == "gather":  # scatter-add into the embedding gradient
        grads = op.weight_bytes / p.bytes("weights") * p.bytes("gradients")
        return Op(name, "gather", op.group, 0.0, grads, op.act_bytes, 0.0, 0.0, op.count, 1, None)
    return Op(name, op.kind, op.group, 2 * op.flops, op.weight_bytes, 2 * op.act_bytes, 0.0, 0.0, op.count, 1, None)


def optimizer_ops(parameters: float, p: Precisions, *, shards: int = 1, state_values: int = 2) -> tuple[Op, ...]:
    """One optimizer step over ``parameters / shards`` parameters (Adam: ``state_values=2`` moments).

    Reads the gradient, reads and writes the master weights and each moment, writes the
    working weights: about 12 FLOPs per parameter [@kingma2015adam].
    """
    n = parameters / shards
    per_param = p.bytes("gradients") + 2 * p.optimizer_bytes_per_param(state_values) + p.bytes("weights")
    return (Op("optimizer", "optimizer", "step", flops=12 * n, weight_bytes=n * per_param,
               kernels=max(1, math.ceil(n / 2**28))),)
