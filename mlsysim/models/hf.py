"""Bring your own model: a transformer from a local Hugging Face `config.json`.

`from_hf_config` reads the shapes a config declares (never the network) and
derives the parameter count from them, for the decoder-only families whose
configs it understands (`SUPPORTED_ARCHITECTURES`).  The keys it reads are
the ones the `transformers` library defines for each family; anything it does
not recognise fails with an error naming what is supported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..core.errors import InvalidArgumentError
from ..core.units import Q_
from .types import TransformerWorkload

Config = Mapping[str, Any]


def _get(config: Config, *keys: str, default: Any = None) -> Any:
    """The first of `keys` the config sets (`None` counts as unset), else `default`."""
    for key in keys:
        if config.get(key) is not None:
            return config[key]
    return default


def _need(config: Config, *keys: str) -> Any:
    value = _get(config, *keys)
    if value is None:
        raise InvalidArgumentError("config", f"{{... {keys[0]!r} missing ...}}",
                                   f"a config with {' or '.join(repr(k) for k in keys)}")
    return value


def _decoder(config: Config) -> dict[str, Any]:
    """The fields every Llama-like config shares (Llama, Mistral, Qwen, Gemma, Phi-3, DeepSeek)."""
    hidden, heads = _need(config, "hidden_size"), _need(config, "num_attention_heads")
    return {
        "layers": _need(config, "num_hidden_layers"),
        "hidden_size": hidden,
        "attention_heads": heads,
        "kv_heads": _get(config, "num_key_value_heads", default=heads),
        "head_dim": _get(config, "head_dim", default=hidden // heads),
        "ffn_size": _need(config, "intermediate_size"),
        "vocab_size": _need(config, "vocab_size"),
        "context_length": _need(config, "max_position_embeddings"),
        "tied_embeddings": bool(_get(config, "tie_word_embeddings", default=False)),
        "mlp": "gated",
    }


def _windowed(config: Config, fields: dict[str, Any], *, every_other: bool = False) -> dict[str, Any]:
    """Sliding-window attention where the config declares one (and enables it, for Qwen)."""
    window = config.get("sliding_window")
    if window is None or config.get("use_sliding_window") is False or window >= fields["context_length"]:
        return fields
    fields["sliding_window"] = window
    if every_other:  # Gemma 2 alternates local and global layers
        fields["sliding_window_layers"] = fields["layers"] // 2
    return fields


def _llama(config: Config) -> dict[str, Any]:
    return _windowed(config, _decoder(config))


def _gemma(config: Config) -> dict[str, Any]:
    fields = _decoder(config)
    fields["tied_embeddings"] = bool(_get(config, "tie_word_embeddings", default=True))
    return fields


def _gemma2(config: Config) -> dict[str, Any]:
    return {**_windowed(config, _gemma(config), every_other=True), "post_norms": True}


def _qwen3(config: Config) -> dict[str, Any]:
    return {**_llama(config), "qk_norm": True}


def _qwen2(config: Config) -> dict[str, Any]:
    return {**_windowed(config, _decoder(config)), "qkv_bias": True}


def _moe(config: Config, fields: dict[str, Any], *, experts: str, shared_width: int | None = None,
         shared: int = 0) -> dict[str, Any]:
    """Mixture-of-experts fields (Mixtral, Qwen MoE): every layer but the dense `mlp_only_layers`."""
    step = _get(config, "decoder_sparse_step", default=1)
    dense = set(_get(config, "mlp_only_layers", default=[]))
    moe = [i for i in range(fields["layers"]) if i not in dense and (i + 1) % step == 0]
    fields.update(experts=_need(config, experts), experts_per_token=_need(config, "num_experts_per_tok"),
                  expert_ffn_size=_get(config, "moe_intermediate_size", default=fields["ffn_size"]),
                  moe_layers=len(moe))
    if shared:
        fields.update(shared_experts=shared, shared_expert_ffn_size=shared_width)
    return fields


def _mixtral(config: Config) -> dict[str, Any]:
    return _moe(config, _llama(config), experts="num_local_experts")


def _qwen_moe(config: Config) -> dict[str, Any]:
    width = config.get("shared_expert_intermediate_size")
    return _moe(config, _qwen2(config) if config.get("model_type") == "qwen2_moe" else _qwen3(config),
                experts="num_experts", shared_width=width, shared=1 if width else 0)


def _deepseek(config: Config) -> dict[str, Any]:
    """DeepSeek-V2/V3: latent attention, `first_k_dense_replace` dense layers, then MoE every
    `moe_layer_freq` layers with `n_shared_experts` shared experts."""
    fields = _decoder(config)
    first_dense, freq = _get(config, "first_k_dense_replace", default=0), _get(config, "moe_layer_freq", default=1)
    moe = [i for i in range(first_dense, fields["layers"]) if i % freq == 0]
    fields.update(
        head_dim=_need(config, "qk_nope_head_dim"), rope_head_dim=_need(config, "qk_rope_head_dim"),
        v_head_dim=_need(config, "v_head_dim"), kv_lora_rank=_need(config, "kv_lora_rank"),
        q_lora_rank=config.get("q_lora_rank"), kv_heads=fields["attention_heads"],
        experts=_need(config, "n_routed_experts"), experts_per_token=_need(config, "num_experts_per_tok"),
        expert_ffn_size=_need(config, "moe_intermediate_size"), moe_layers=len(moe),
        shared_experts=_get(config, "n_shared_experts", default=0),
    )
    return fields


def _gpt2(config: Config) -> dict[str, Any]:
    hidden, heads = _need(config, "n_embd"), _need(config, "n_head")
    positions = _need(config, "n_positions")
    return {
        "layers": _need(config, "n_layer"), "hidden_size": hidden, "attention_heads": heads, "kv_heads": heads,
        "head_dim": hidden // heads, "ffn_size": _get(config, "n_inner", default=4 * hidden),
        "vocab_size": _need(config, "vocab_size"), "context_length": positions, "mlp": "standard",
        "tied_embeddings": bool(_get(config, "tie_word_embeddings", default=True)), "bias": True,
        "learned_positions": positions,
    }


SUPPORTED_ARCHITECTURES: dict[str, Callable[[Config], dict[str, Any]]] = {
    "LlamaForCausalLM": _llama,
    "MistralForCausalLM": _llama,
    "MixtralForCausalLM": _mixtral,
    "Qwen2ForCausalLM": _qwen2,
    "Qwen2MoeForCausalLM": _qwen_moe,
    "Qwen3ForCausalLM": _qwen3,
    "Qwen3MoeForCausalLM": _qwen_moe,
    "GemmaForCausalLM": _gemma,
    "Gemma2ForCausalLM": _gemma2,
    "Phi3ForCausalLM": _llama,
    "DeepseekV2ForCausalLM": _deepseek,
    "DeepseekV3ForCausalLM": _deepseek,
    "GPT2LMHeadModel": _gpt2,
}
"""The `architectures` entries `from_hf_config` reads, and the reader of each family's keys."""


def from_hf_config(config: str | Path | Config, *, name: str | None = None,
                   source: str | None = None) -> TransformerWorkload:
    """A `TransformerWorkload` from a Hugging Face `config.json` (a local path or a dict).

    The parameter count is derived from the shapes
    (`TransformerWorkload.architecture_parameters`); mixture-of-experts, latent-attention
    and sliding-window keys become the matching fields.  `name` defaults to the file's name (or
    the config's `_name_or_path`).  Reads only the file given: nothing is downloaded.

    Example:
        >>> from mlsysim import Models
        >>> m = Models.from_hf_config({"architectures": ["MixtralForCausalLM"], "hidden_size": 4096,
        ...     "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
        ...     "num_key_value_heads": 8, "vocab_size": 32000, "max_position_embeddings": 32768,
        ...     "num_local_experts": 8, "num_experts_per_tok": 2}, name="Mixtral-8x7B")
        >>> round(m.parameter_count / 1e9, 1), round(m.active_parameters.to("Bparam").magnitude, 1)
        (46.7, 12.9)
    """
    path = None
    if isinstance(config, (str, Path)):
        path = Path(config)
        if path.is_dir():
            path = path / "config.json"
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InvalidArgumentError("config", str(config), "the path of a local config.json") from None
        except json.JSONDecodeError as exc:
            raise InvalidArgumentError("config", str(config), f"a JSON file ({exc.msg} at line {exc.lineno})") from None
        config = loaded
    if not isinstance(config, Mapping):
        raise InvalidArgumentError("config", type(config).__name__, "a path to config.json or a dict")
    architectures = config.get("architectures") or []
    known = [a for a in architectures if a in SUPPORTED_ARCHITECTURES]
    if not known:
        raise InvalidArgumentError(
            "config", f"architectures={list(architectures)}",
            f"one of the supported architectures: {', '.join(SUPPORTED_ARCHITECTURES)}")
    fields = SUPPORTED_ARCHITECTURES[known[0]](config)
    label = name or (path.stem if path is not None and path.name != "config.json" else None) \
        or (path.parent.name if path is not None else None) or config.get("_name_or_path") or known[0]
    # A draft only to count the parameters its shapes imply; the placeholder count must exceed its embeddings.
    draft = TransformerWorkload(name=label, parameters=Q_(1e20, "param"), **fields)
    count = draft.architecture_parameters()
    return TransformerWorkload(name=label, parameters=count, source=source,
                               notes=f"from a Hugging Face config ({known[0]})", **fields)
