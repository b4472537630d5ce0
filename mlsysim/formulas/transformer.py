"""FLOP and byte counts of a decoder-only transformer.

Parameter-FLOP terms follow [@kaplan2020scaling] (2 FLOPs per matmul
parameter per token forward, ×3 for forward + backward); the attention
term counts QKᵀ and AV explicitly.  KV-cache size follows from grouped-query
attention [@ainslie2023gqa]; activation memory from [@korthikanti2022reducing].
"""

from __future__ import annotations


def kv_cache_bytes_per_token(layers, kv_heads, head_dim, bytes_per_value):
    """KV bytes per token = 2 (K and V) × layers × KV heads × head dim × bytes per value."""
    return 2 * layers * kv_heads * head_dim * bytes_per_value


def distinct_experts_fraction(experts, experts_per_token, tokens):
    """Expected share of ``experts`` that ``tokens`` tokens route to, each choosing ``experts_per_token``
    of them uniformly: 1 − (1 − k/E)^T (the occupancy problem [@feller1968probability]).

    A decode step reads only these experts' weights: one token reads k/E of them, a large batch all.

    Example:
        >>> from mlsysim.formulas import distinct_experts_fraction
        >>> round(distinct_experts_fraction(8, 2, 1), 3), round(distinct_experts_fraction(8, 2, 16), 3)
        (0.25, 0.99)
    """
    return 1.0 - (1.0 - experts_per_token / experts) ** tokens


def kv_cache_bytes(tokens, bytes_per_token):
    """KV-cache size = tokens held × bytes per token."""
    return tokens * bytes_per_token


def decode_flops_per_token(matmul_params, layers, context, attention_dim):
    """FLOPs to generate one token with ``context`` tokens cached.

    2·N for the weight matmuls plus 4·layers·context·d_attn for QKᵀ and AV
    over the whole context.
    """
    return 2 * matmul_params + 4 * layers * context * attention_dim


def prefill_flops_per_token(matmul_params, layers, context, attention_dim):
    """Average FLOPs per prompt token when ``context`` tokens are processed causally.

    2·N + 2·layers·context·d_attn: each token attends to half the context on
    average, which is Kaplan et al.'s forward cost per token.
    """
    return 2 * matmul_params + 2 * layers * context * attention_dim


def training_flops_per_token(matmul_params, layers, context, attention_dim, recompute=False):
    """Training FLOPs per token: 3 × forward (the backward pass costs 2 × forward).

    With full activation recomputation the forward runs twice: 4 × forward.
    """
    forward = prefill_flops_per_token(matmul_params, layers, context, attention_dim)
    return (4 if recompute else 3) * forward


def activation_bytes_per_token(hidden, layers, heads, context, flash_attention=True):
    """Activation bytes kept for backward, per token, in 16-bit training.

    Korthikanti et al. (2022), eq. 1: per layer s·b·h·(34 + 5·a·s/h) bytes
    for a sequence of s tokens; divided by s·b that is h·(34 + 5·a·s/h) per
    token.  Flash attention never stores the a·s² score matrix, leaving 34·h.
    """
    per_layer = 34 * hidden + (0 if flash_attention else 5 * heads * context)
    return layers * per_layer
