"""FLOP and byte counts of a decoder-only transformer.

Parameter-FLOP terms follow [@kaplan2020scaling] (2 FLOPs per matmul
parameter per token forward, ×3 for forward + backward); the attention
term counts QKᵀ and AV explicitly.  KV-cache size follows from grouped-query
attention [@ainslie2023gqa]; activation memory from [@korthikanti2022reducing].
"""

from __future__ import annotations


def kv_cache_bytes_per_token(layers, kv_heads, head_dim, bytes_per_value):
    """KV-cache bytes per token = 2 (K and V) × layers × KV heads × head dim × bytes per value
    (grouped-query attention [@ainslie2023gqa]).

    Args:
        layers (int): attention layers.
        kv_heads (int): key/value heads per layer (the attention heads, without GQA).
        head_dim (int): values per head.
        bytes_per_value (float): bytes of one cached value (2 for fp16/bf16, 1 for fp8).

    Returns:
        (float): bytes per token of context.

    Example:
        >>> from mlsysim.formulas import kv_cache_bytes_per_token
        >>> kv_cache_bytes_per_token(32, 8, 128, 2)  # Llama 3 8B in bf16: 128 KiB per token
        131072
    """
    return 2 * layers * kv_heads * head_dim * bytes_per_value


def distinct_experts_fraction(experts, experts_per_token, tokens):
    """Expected share of `experts` that `tokens` tokens route to, each choosing `experts_per_token`
    of them uniformly: 1 − (1 − k/E)^T (the occupancy problem [@feller1968probability]).

    A decode step reads only these experts' weights: one token reads k/E of them, a large batch all.

    Args:
        experts (int): routed experts per layer (E).
        experts_per_token (int): experts each token is routed to (k).
        tokens (int | float): tokens in the step (T).

    Returns:
        (float): the expected fraction of experts touched, in (0, 1].

    Example:
        >>> from mlsysim.formulas import distinct_experts_fraction
        >>> round(distinct_experts_fraction(8, 2, 1), 3), round(distinct_experts_fraction(8, 2, 16), 3)
        (0.25, 0.99)
    """
    return 1.0 - (1.0 - experts_per_token / experts) ** tokens


def kv_cache_bytes(tokens, bytes_per_token):
    """KV-cache size = tokens held × bytes per token.

    Args:
        tokens (int | float): tokens held in the cache, over all sequences.
        bytes_per_token (Quantity | float): bytes per token (see `kv_cache_bytes_per_token`).

    Returns:
        (Quantity | float): bytes.

    Example:
        >>> from mlsysim.formulas import kv_cache_bytes
        >>> kv_cache_bytes(32 * 8192, 131072) / 2**30  # GiB: 32 sequences of 8,192 tokens, Llama 3 8B
        32.0
    """
    return tokens * bytes_per_token


def decode_flops_per_token(matmul_params, layers, context, attention_dim):
    """FLOPs to generate one token with `context` tokens cached: 2·N + 4·layers·context·d_attn.

    2·N for the weight matmuls [@kaplan2020scaling] plus 4·layers·context·d_attn for QKᵀ and AV
    over the whole context.

    Args:
        matmul_params (float): parameters that take part in matrix multiplies per token (N; the active
            ones for a mixture of experts).
        layers (int): attention layers.
        context (int | float): tokens already cached.
        attention_dim (int): query heads × head dim (d_attn).

    Returns:
        (float): FLOPs per generated token.

    Example:
        >>> from mlsysim.formulas import decode_flops_per_token
        >>> round(decode_flops_per_token(7e9, 32, 4096, 4096) / 1e9, 2)  # GFLOP: 7B matmul parameters, 4k context
        16.15
    """
    return 2 * matmul_params + 4 * layers * context * attention_dim


def prefill_flops_per_token(matmul_params, layers, context, attention_dim):
    """Average FLOPs per prompt token when `context` tokens are processed causally: 2·N + 2·layers·context·d_attn.

    Each token attends to half the context on average, which is the forward cost per token of
    [@kaplan2020scaling].

    Args:
        matmul_params (float): parameters that take part in matrix multiplies per token (N).
        layers (int): attention layers.
        context (int | float): tokens in the prompt.
        attention_dim (int): query heads × head dim (d_attn).

    Returns:
        (float): FLOPs per prompt token.

    Example:
        >>> from mlsysim.formulas import prefill_flops_per_token
        >>> round(prefill_flops_per_token(7e9, 32, 4096, 4096) / 1e9, 2)  # GFLOP per token of a 4k prompt
        15.07
    """
    return 2 * matmul_params + 2 * layers * context * attention_dim


def training_flops_per_token(matmul_params, layers, context, attention_dim, recompute=False):
    """Training FLOPs per token: 3 × forward, as the backward pass costs 2 × forward [@kaplan2020scaling].

    With full activation recomputation the forward runs twice: 4 × forward.

    Args:
        matmul_params (float): parameters that take part in matrix multiplies per token (N).
        layers (int): attention layers.
        context (int | float): tokens per training sequence.
        attention_dim (int): query heads × head dim (d_attn).
        recompute (bool): whether activations are recomputed in the backward pass (full recomputation).

    Returns:
        (float): FLOPs per training token.

    Example:
        >>> from mlsysim.formulas import training_flops_per_token
        >>> round(training_flops_per_token(7e9, 32, 4096, 4096) / 1e9, 2)  # GFLOP: about 6 × 7B plus attention
        45.22
    """
    forward = prefill_flops_per_token(matmul_params, layers, context, attention_dim)
    return (4 if recompute else 3) * forward


def activation_bytes_per_token(hidden, layers, heads, context, flash_attention=True):
    """Activation bytes kept for the backward pass, per token, in 16-bit training [@korthikanti2022reducing].

    Eq. 1 of the source: per layer s·b·h·(34 + 5·a·s/h) bytes for a sequence of s tokens; divided by
    s·b that is h·(34 + 5·a·s/h) per token.  Flash attention never stores the a·s² score matrix,
    leaving 34·h.

    Args:
        hidden (int): hidden size (h).
        layers (int): transformer layers.
        heads (int): attention heads (a).
        context (int | float): tokens per sequence (s).
        flash_attention (bool): whether attention runs fused, without storing the score matrix.

    Returns:
        (float): bytes per token, over all layers.

    Example:
        >>> from mlsysim.formulas import activation_bytes_per_token
        >>> activation_bytes_per_token(4096, 32, 32, 4096) / 2**20  # MiB per token with flash attention
        4.25
    """
    per_layer = 34 * hidden + (0 if flash_attention else 5 * heads * context)
    return layers * per_layer
