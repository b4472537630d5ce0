"""The model zoo: architecture facts, each entry citing its source.

Activation counts of the CNNs are derived from the published layer tables
(the tests recompute them); everything else is as published.
"""

from __future__ import annotations

from ..core.catalog import Catalog
from ..core.units import Q_
from .hf import from_hf_config
from .types import TransformerWorkload
from .vision import TINY_MODELS, VISION_MODELS

GPT2 = TransformerWorkload(
    name="GPT-2 XL (1.5B)", parameters=Q_(1.558, "Bparam"),
    layers=48, hidden_size=1600, attention_heads=25, kv_heads=25, head_dim=64, ffn_size=6400,
    vocab_size=50257, context_length=1024, mlp="standard", tied_embeddings=True,
    source="radford2019gpt2",
)
GPT3_175B = TransformerWorkload(
    name="GPT-3 175B", parameters=Q_(175.0, "Bparam"),
    layers=96, hidden_size=12288, attention_heads=96, kv_heads=96, head_dim=128, ffn_size=49152,
    vocab_size=50257, context_length=2048, mlp="standard", tied_embeddings=True,
    source="brown2020gpt3",
)
Llama3_8B = TransformerWorkload(
    name="Llama-3-8B", parameters=Q_(8.03, "Bparam"),
    layers=32, hidden_size=4096, attention_heads=32, kv_heads=8, head_dim=128, ffn_size=14336,
    vocab_size=128256, context_length=8192, source="dubey2024llama3",
)
Llama3_70B = TransformerWorkload(
    name="Llama-3-70B", parameters=Q_(70.6, "Bparam"),
    layers=80, hidden_size=8192, attention_heads=64, kv_heads=8, head_dim=128, ffn_size=28672,
    vocab_size=128256, context_length=8192, source="dubey2024llama3",
)
Llama3_405B = TransformerWorkload(
    name="Llama-3.1-405B", parameters=Q_(405.9, "Bparam"),
    layers=126, hidden_size=16384, attention_heads=128, kv_heads=8, head_dim=128, ffn_size=53248,
    vocab_size=128256, context_length=131072, source="dubey2024llama3",
)

Llama2_13B = TransformerWorkload(
    name="Llama-2-13B", parameters=Q_(13.016, "Bparam"),
    layers=40, hidden_size=5120, attention_heads=40, kv_heads=40, head_dim=128, ffn_size=13824,
    vocab_size=32000, context_length=4096, source="touvron2023llama2",
)
Llama2_70B = TransformerWorkload(
    name="Llama-2-70B", parameters=Q_(68.98, "Bparam"),
    layers=80, hidden_size=8192, attention_heads=64, kv_heads=8, head_dim=128, ffn_size=28672,
    vocab_size=32000, context_length=4096, source="touvron2023llama2",
)
GPTJ_6B = TransformerWorkload(
    name="GPT-J 6B", parameters=Q_(6.053, "Bparam"),
    layers=28, hidden_size=4096, attention_heads=16, kv_heads=16, head_dim=256, ffn_size=16384,
    vocab_size=50400, context_length=2048, mlp="standard", source="wang2021gptj",
)

Language = Catalog("language model", {
    "GPT2": GPT2, "GPTJ_6B": GPTJ_6B, "GPT3_175B": GPT3_175B, "Llama2_13B": Llama2_13B, "Llama2_70B": Llama2_70B,
    "Llama3_8B": Llama3_8B, "Llama3_70B": Llama3_70B, "Llama3_405B": Llama3_405B,
})
Vision = Catalog("vision model", VISION_MODELS)
Tiny = Catalog("tiny model", TINY_MODELS)



class ModelCatalog(Catalog):
    """The model zoo, which can also read a model of your own from a Hugging Face config."""

    @staticmethod
    def from_hf_config(config, *, name=None, source=None) -> TransformerWorkload:
        """A transformer from a local Hugging Face ``config.json`` path or dict: see
        :func:`mlsysim.models.hf.from_hf_config`."""
        return from_hf_config(config, name=name, source=source)


Models = ModelCatalog("model", Language=Language, Vision=Vision, Tiny=Tiny)
"""Every workload, by group (``Models.Language.Llama3_8B``) or directly (``Models.Llama3_8B``);
``Models.from_hf_config("config.json")`` reads one of your own."""
