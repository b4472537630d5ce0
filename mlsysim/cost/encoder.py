"""The operators of a transformer encoder's step (BERT, ViT), and of an encoder–decoder's (Whisper).

A step is `batch` samples of `seq` positions each.  The input embedding (a gather of token,
position and segment rows; a patch projection; or the audio stem's two kernel-3 convolutions,
each a GEMM over the unfolded frames), then per layer: norm, QKV projection, bidirectional
attention over all `seq²` position pairs (one fused kernel with `flash` [@dao2022flashattention],
else the score matrix goes through memory), output projection, norm, two-matrix GELU MLP; then
the final norm and the pooler or classification head on the first position.

An encoder–decoder [@radford2023whisper] then generates `decoder_tokens` tokens per sample.  At
inference each is a decode step: self-attention over the tokens so far (read from the KV cache;
on average `(T + 1) / 2` of them), cross-attention over the encoder's `seq` outputs (their keys and
values are projected once per sample and cached), the MLP and the tied output head, every weight
read once per step.  In training the decoder runs teacher-forced: all `T` tokens at once, causal.

Closed forms this reproduces (tested): per layer and sample, `2·s·(4h² + 2hf)` matmul FLOPs and
`4·s²·h` attention FLOPs; ViT-B/16's 17.56 and ViT-L/16's 61.55 G multiply-accumulates at 224×224
[@torchvision2024models].
"""

from __future__ import annotations

import functools

from ..core.precision import Precisions
from ..models.types import EncoderWorkload
from .ops import Op, table_bytes_per_value
from .transformer import backward_op


@functools.lru_cache(maxsize=1024)
def encoder_ops(model: EncoderWorkload, batch: int, seq: int, precisions: Precisions, *, training: bool = False,
                flash: bool = True, flash_backward_factor: float = 2.5) -> tuple[Op, ...]:
    """The operators of one step of `batch` samples of `seq` positions (forward; with `training`, also the
    backward, 2× the forward FLOPs, fused attention `flash_backward_factor`×).

    Example:
        >>> from mlsysim import Models
        >>> from mlsysim.core.precision import Precisions
        >>> from mlsysim.cost.encoder import encoder_ops
        >>> ops = encoder_ops(Models.ViT_B16, 1, 197, Precisions.from_shorthand("fp16"))
        >>> round(sum(o.count * o.flops for o in ops if o.matmul) / 2e9, 2)  # G multiply-accumulates
        17.56
    """
    p = precisions
    h, f, layers = model.hidden_size, model.ffn_size, model.layers
    bw, ba, bk = p.bytes("weights"), p.bytes("activations"), p.bytes("kv_cache")
    emb_weight = table_bytes_per_value(p)
    keep = 1.0 if training else 0.0
    rows = float(batch * seq)

    def norm(name: str, n: float, count: int) -> Op:
        # Fused residual add + LayerNorm: reads the input and the residual, writes both back.
        return Op(name, "elementwise", "layer", flops=5 * n * h, weight_bytes=2 * h * ba, act_bytes=4 * n * h * ba,
                  saved_bytes=keep * n * h * ba, count=count)

    def gemm(name: str, n: float, n_in: float, n_out: float, count: int, group="layer") -> Op:
        return Op(name, "gemm", group, flops=2 * n * n_in * n_out, weight_bytes=n_in * n_out * bw,
                  act_bytes=n * (n_in + n_out) * ba, saved_bytes=keep * n * n_in * ba, count=count)

    def attention(name: str, queries: float, pairs: float, count: int, cached: float = 0.0) -> Op:
        """`queries` positions attending over `pairs` (query, key) pairs; `cached` keys and values read from a
        cache instead of computed in this kernel's input."""
        io = queries * (2 * h + (0 if cached else 2 * h)) * ba  # read Q (and K, V unless cached), write O
        scores = model.attention_heads * pairs
        saved = keep * queries * 3 * h * ba
        if flash:
            moved, kernels = io, 1
        else:
            moved, kernels = io + 4 * scores * ba, 3
            saved += keep * scores * ba
        return Op(name, "attention", "layer", flops=4 * pairs * h, act_bytes=moved, kv_bytes=cached * 2 * h * bk,
                  saved_bytes=saved, count=count, kernels=kernels)

    def mlp(prefix: str, n: float, count: int) -> list[Op]:
        return [gemm(f"{prefix}_up", n, h, f, count),
                Op(f"{prefix}_act", "elementwise", "layer", flops=8 * n * f, act_bytes=2 * n * f * ba,
                   saved_bytes=keep * n * f * ba, count=count),
                gemm(f"{prefix}_down", n, f, h, count)]

    # Input embedding.
    if model.input == "tokens":
        tables = 2 + (1 if model.type_vocab_size else 0)  # token, position (and segment) rows looked up
        embed = [Op("embedding", "gather", "embedding", flops=tables * rows * h,
                    weight_bytes=tables * rows * h * emb_weight, act_bytes=rows * h * ba)]
    elif model.input == "patches":
        patches = float(batch * (seq - 1))  # the class token is a learned row, not a patch
        embed = [gemm("patch_embed", patches, model.channels * model.patch_size ** 2, h, 1, "embedding"),
                 Op("positions", "elementwise", "embedding", flops=rows * h, weight_bytes=seq * h * ba,
                    act_bytes=2 * rows * h * ba)]
    else:  # two kernel-3 convolutions over the log-mel frames, the second of stride 2
        embed = [gemm("conv1", 2 * rows, 3 * model.mel_bins, h, 1, "embedding"),
                 gemm("conv2", rows, 3 * h, h, 1, "embedding"),
                 Op("positions", "elementwise", "embedding", flops=2 * rows * h, weight_bytes=seq * h * ba,
                    act_bytes=2 * rows * h * ba)]
    if model.norm == "post":
        embed.append(norm("embedding_norm", rows, 1))
    pairs = float(batch * seq * seq)
    layer = [norm("attn_norm", rows, layers), gemm("qkv_proj", rows, h, 3 * h, layers),
             attention("attention", rows, pairs, layers), gemm("out_proj", rows, h, h, layers),
             norm("mlp_norm", rows, layers), *mlp("mlp", rows, layers)]
    head = [norm("final_norm", rows, 1)] if model.norm == "pre" else []
    if model.pooler:
        head.append(gemm("pooler", float(batch), h, h, 1, "head"))
    if model.classes:
        head.append(gemm("classifier", float(batch), h, model.classes, 1, "head"))

    def decoder() -> list[Op]:
        """The decoder's operators for `model.decoder_tokens` tokens per sample (see the module's docstring)."""
        depth, tokens = model.decoder_layers, model.decoder_tokens
        if training:  # teacher-forced: every token at once, causal self-attention
            n, steps = float(batch * tokens), 1
            self_pairs, cached = batch * tokens * (tokens + 1) / 2, 0.0
            cross = attention("cross_attention", n, float(batch * tokens * seq), depth)
        else:  # one token per sample per step; the caches hold the tokens so far and the encoder's keys and values
            n, steps = float(batch), tokens
            self_pairs = batch * (tokens + 1) / 2
            cached = self_pairs + batch  # read the average context, append this token's key and value
            cross = attention("cross_attention", n, float(batch * seq), depth * steps, cached=float(batch * seq))
        count = depth * steps
        embedding = Op("decoder_embedding", "gather", "embedding", flops=2 * n * h,
                       weight_bytes=2 * n * h * emb_weight, act_bytes=n * h * ba, count=steps)
        return [gemm("cross_kv_proj", float(batch * seq), h, 2 * h, depth), embedding,
                norm("decoder_self_norm", n, count), gemm("decoder_qkv_proj", n, h, 3 * h, count),
                attention("decoder_self_attention", n, self_pairs, count, cached=cached),
                gemm("decoder_out_proj", n, h, h, count), norm("decoder_cross_norm", n, count),
                gemm("cross_q_proj", n, h, h, count), cross, gemm("cross_out_proj", n, h, h, count),
                norm("decoder_mlp_norm", n, count), *mlp("decoder_mlp", n, count),
                norm("decoder_final_norm", n, steps), gemm("lm_head", n, h, model.vocab_size, steps, "head")]

    forward = (*embed, *layer, *head, *(decoder() if model.has_decoder else ()))
    if not training:
        return forward
    return forward + tuple(backward_op(op, p, flash_backward_factor) for op in reversed(forward))


def activation_bytes(model: EncoderWorkload, ops: tuple[Op, ...], batch: int, seq: int, precisions: Precisions) -> float:
    """Inference memory beyond the weights: the largest operator's inputs and outputs (the live tensors
    between two operators), plus an encoder–decoder's caches: the decoder's keys and values for its
    `decoder_tokens` tokens and the cross-attention keys and values of the encoder's `seq` outputs,
    per layer and sample."""
    live = max(op.act_bytes for op in ops)
    if not model.has_decoder:
        return live
    cache = batch * (model.decoder_tokens + seq) * 2 * model.hidden_size * model.decoder_layers
    return live + cache * precisions.bytes("kv_cache")
