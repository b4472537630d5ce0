"""The model zoo: architecture facts, each entry citing its source.

Activation counts of the CNNs are derived from the published layer tables
(the tests recompute them); everything else is as published.
"""

from __future__ import annotations

from ..core.catalog import Catalog
from ..core.units import Q_
from .hf import from_hf_config
from .types import EncoderWorkload, TransformerWorkload
from .vision import TINY_MODELS, VISION_MODELS

GPT2 = TransformerWorkload(
    name="GPT-2 XL (1.5B)", parameters=Q_(1.558, "Bparam"),
    layers=48, hidden_size=1600, attention_heads=25, kv_heads=25, head_dim=64, ffn_size=6400,
    vocab_size=50257, context_length=1024, mlp="standard", tied_embeddings=True, bias=True, learned_positions=1024,
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
    vocab_size=50400, context_length=2048, mlp="standard", parallel_block=True, source="wang2021gptj",
)

# From the publishers' Hugging Face configs (tests/data/hf): parameters derived from the shapes;
# the tests check them against the published totals.
Llama2_7B = TransformerWorkload(
    name="Llama-2-7B", parameters=Q_(6_738_415_616, "param"),
    layers=32, hidden_size=4096, attention_heads=32, kv_heads=32, head_dim=128, ffn_size=11008,
    vocab_size=32000, context_length=4096, source="touvron2023llama2",
)
Llama3_1_8B = TransformerWorkload(
    name="Llama-3.1-8B", parameters=Q_(8_030_261_248, "param"),
    layers=32, hidden_size=4096, attention_heads=32, kv_heads=8, head_dim=128, ffn_size=14336,
    vocab_size=128256, context_length=131072, source="meta2024llama31",
)
Llama3_1_70B = TransformerWorkload(
    name="Llama-3.1-70B", parameters=Q_(70_553_706_496, "param"),
    layers=80, hidden_size=8192, attention_heads=64, kv_heads=8, head_dim=128, ffn_size=28672,
    vocab_size=128256, context_length=131072, source="meta2024llama31",
)
Llama3_2_1B = TransformerWorkload(
    name="Llama-3.2-1B", parameters=Q_(1_235_814_400, "param"),
    layers=16, hidden_size=2048, attention_heads=32, kv_heads=8, head_dim=64, ffn_size=8192, vocab_size=128256,
    context_length=131072, tied_embeddings=True, source="meta2024llama32",
)
Llama3_2_3B = TransformerWorkload(
    name="Llama-3.2-3B", parameters=Q_(3_212_749_824, "param"),
    layers=28, hidden_size=3072, attention_heads=24, kv_heads=8, head_dim=128, ffn_size=8192,
    vocab_size=128256, context_length=131072, tied_embeddings=True, source="meta2024llama32",
)
Llama3_3_70B = TransformerWorkload(
    name="Llama-3.3-70B", parameters=Q_(70_553_706_496, "param"),
    layers=80, hidden_size=8192, attention_heads=64, kv_heads=8, head_dim=128, ffn_size=28672,
    vocab_size=128256, context_length=131072, source="meta2024llama33",
)
Mistral_7B = TransformerWorkload(
    name="Mistral-7B-v0.1", parameters=Q_(7_241_732_096, "param"),
    layers=32, hidden_size=4096, attention_heads=32, kv_heads=8, head_dim=128, ffn_size=14336,
    vocab_size=32000, context_length=32768, sliding_window=4096, source="jiang2023mistral",
)
Mixtral_8x7B = TransformerWorkload(
    name="Mixtral-8x7B", parameters=Q_(46_702_792_704, "param"),
    layers=32, hidden_size=4096, attention_heads=32, kv_heads=8, head_dim=128, ffn_size=14336,
    vocab_size=32000, context_length=32768, experts=8, experts_per_token=2, expert_ffn_size=14336,
    moe_layers=32, source="jiang2024mixtral",
)
Mixtral_8x22B = TransformerWorkload(
    name="Mixtral-8x22B", parameters=Q_(140_620_634_112, "param"),
    layers=56, hidden_size=6144, attention_heads=48, kv_heads=8, head_dim=128, ffn_size=16384,
    vocab_size=32000, context_length=65536, experts=8, experts_per_token=2, expert_ffn_size=16384,
    moe_layers=56, source="mistral2024mixtral8x22b",
)
Qwen2_5_7B = TransformerWorkload(
    name="Qwen2.5-7B", parameters=Q_(7_615_616_512, "param"),
    layers=28, hidden_size=3584, attention_heads=28, kv_heads=4, head_dim=128, ffn_size=18944,
    vocab_size=152064, context_length=131072, qkv_bias=True, source="qwen2024qwen25",
)
Qwen2_5_72B = TransformerWorkload(
    name="Qwen2.5-72B", parameters=Q_(72_706_203_648, "param"),
    layers=80, hidden_size=8192, attention_heads=64, kv_heads=8, head_dim=128, ffn_size=29568,
    vocab_size=152064, context_length=131072, qkv_bias=True, source="qwen2024qwen25",
)
Qwen3_8B = TransformerWorkload(
    name="Qwen3-8B", parameters=Q_(8_190_735_360, "param"),
    layers=36, hidden_size=4096, attention_heads=32, kv_heads=8, head_dim=128, ffn_size=12288,
    vocab_size=151936, context_length=40960, qk_norm=True, source="qwen2025qwen3card",
)
Qwen3_30B_A3B = TransformerWorkload(
    name="Qwen3-30B-A3B", parameters=Q_(30_532_122_624, "param"),
    layers=48, hidden_size=2048, attention_heads=32, kv_heads=4, head_dim=128, ffn_size=6144,
    vocab_size=151936, context_length=40960, experts=128, experts_per_token=8, expert_ffn_size=768,
    moe_layers=48, qk_norm=True, source="qwen2025qwen3card",
)
Gemma_7B = TransformerWorkload(
    name="Gemma-7B", parameters=Q_(8_537_680_896, "param"),
    layers=28, hidden_size=3072, attention_heads=16, kv_heads=16, head_dim=256, ffn_size=24576,
    vocab_size=256000, context_length=8192, tied_embeddings=True, source="gemmateam2024gemma",
)
Gemma2_9B = TransformerWorkload(
    name="Gemma-2-9B", parameters=Q_(9_241_705_984, "param"),
    layers=42, hidden_size=3584, attention_heads=16, kv_heads=8, head_dim=256, ffn_size=14336,
    vocab_size=256000, context_length=8192, tied_embeddings=True, sliding_window=4096,
    sliding_window_layers=21, post_norms=True, source="gemmateam2024gemma2",
)
Gemma2_27B = TransformerWorkload(
    name="Gemma-2-27B", parameters=Q_(27_227_128_320, "param"),
    layers=46, hidden_size=4608, attention_heads=32, kv_heads=16, head_dim=128, ffn_size=36864,
    vocab_size=256000, context_length=8192, tied_embeddings=True, sliding_window=4096,
    sliding_window_layers=23, post_norms=True, source="gemmateam2024gemma2",
)
Phi3_Mini = TransformerWorkload(
    name="Phi-3-mini (4k)", parameters=Q_(3_821_079_552, "param"),
    layers=32, hidden_size=3072, attention_heads=32, kv_heads=32, head_dim=96, ffn_size=8192, vocab_size=32064,
    context_length=4096, sliding_window=2047, source="abdin2024phi3",
)
Phi3_Medium = TransformerWorkload(
    name="Phi-3-medium (4k)", parameters=Q_(13_960_238_080, "param"),
    layers=40, hidden_size=5120, attention_heads=40, kv_heads=10, head_dim=128, ffn_size=17920,
    vocab_size=32064, context_length=4096, sliding_window=2047, source="abdin2024phi3",
)
DeepSeek_V2_Lite = TransformerWorkload(
    name="DeepSeek-V2-Lite", parameters=Q_(15_706_484_224, "param"),
    layers=27, hidden_size=2048, attention_heads=16, kv_heads=16, head_dim=128, ffn_size=10944,
    vocab_size=102400, context_length=163840, experts=64, experts_per_token=6, shared_experts=2,
    expert_ffn_size=1408, moe_layers=26, kv_lora_rank=512, rope_head_dim=64, v_head_dim=128, source="deepseekai2024v2",
)
DeepSeek_V3 = TransformerWorkload(
    name="DeepSeek-V3", parameters=Q_(671_026_404_352, "param"),
    layers=61, hidden_size=7168, attention_heads=128, kv_heads=128, head_dim=128, ffn_size=18432,
    vocab_size=129280, context_length=163840, experts=256, experts_per_token=8, shared_experts=1,
    expert_ffn_size=2048, moe_layers=58, kv_lora_rank=512, q_lora_rank=1536, rope_head_dim=64, v_head_dim=128, source="deepseekai2024v3",
)
GPT2_Small = TransformerWorkload(
    name="GPT-2 (124M)", parameters=Q_(124_439_808, "param"),
    layers=12, hidden_size=768, attention_heads=12, kv_heads=12, head_dim=64, ffn_size=3072, vocab_size=50257,
    context_length=1024, mlp='standard', tied_embeddings=True, bias=True, learned_positions=1024, source="radford2019gpt2",
)
OPT_175B = TransformerWorkload(
    name="OPT-175B", parameters=Q_(175.0, "Bparam"),
    layers=96, hidden_size=12288, attention_heads=96, kv_heads=96, head_dim=128, ffn_size=49152,
    vocab_size=50272, context_length=2048, mlp="standard", tied_embeddings=True, bias=True, learned_positions=2050,
    source="zhang2022opt", notes="Learned positions: 2,048 plus the two offset rows of its reference implementation.",
)
BLOOM_176B = TransformerWorkload(
    name="BLOOM-176B", parameters=Q_(176_247_271_424, "param"),
    layers=70, hidden_size=14336, attention_heads=112, kv_heads=112, head_dim=128, ffn_size=57344,
    vocab_size=250880, context_length=2048, mlp="standard", tied_embeddings=True, bias=True,
    source="bigscience2022bloom", notes="ALiBi positions (no position table); an extra layer norm after the embedding.",
)

# Encoders, priced per sample: every position attends to every other.
BERT_Base = EncoderWorkload(
    name="BERT-Base (uncased)", parameters=Q_(109_482_240, "param"),
    layers=12, hidden_size=768, attention_heads=12, ffn_size=3072, context_length=512, sequence_length=384,
    input="tokens", norm="post", vocab_size=30522, type_vocab_size=2, pooler=True,
    source="devlin2019bert",
    notes="Shapes from the paper (110M parameters, rounded); vocabulary, segment and position tables from the "
          "released checkpoints' configuration [@google2018bertrepo], whose count (pooler included, no "
          "pre-training heads) this is. 384 tokens per sample: SQuAD fine-tuning's maximum sequence.",
)
BERT_Large = EncoderWorkload(
    name="BERT-Large (uncased)", parameters=Q_(335_141_888, "param"),
    layers=24, hidden_size=1024, attention_heads=16, ffn_size=4096, context_length=512, sequence_length=384,
    input="tokens", norm="post", vocab_size=30522, type_vocab_size=2, pooler=True,
    source="devlin2019bert",
    notes="Shapes from the paper (340M parameters, rounded); vocabulary, segment and position tables from the "
          "released checkpoints' configuration [@google2018bertrepo], whose count (pooler included, no "
          "pre-training heads) this is. 384 tokens per sample: SQuAD fine-tuning's maximum sequence.",
)
_VIT_NOTES = ("196 patches of 16x16 pixels plus a class token. Parameters as torchvision counts them, "
              "with the 1,000-class head [@torchvision2024models].")
ViT_B16 = EncoderWorkload(
    name="ViT-B/16 (224x224)", parameters=Q_(86_567_656, "param"),
    layers=12, hidden_size=768, attention_heads=12, ffn_size=3072, context_length=197, sequence_length=197,
    input="patches", norm="pre", patch_size=16, classes=1000,
    source="dosovitskiy2021vit",
    notes=_VIT_NOTES,
)
ViT_L16 = EncoderWorkload(
    name="ViT-L/16 (224x224)", parameters=Q_(304_326_632, "param"),
    layers=24, hidden_size=1024, attention_heads=16, ffn_size=4096, context_length=197, sequence_length=197,
    input="patches", norm="pre", patch_size=16, classes=1000,
    source="dosovitskiy2021vit",
    notes=_VIT_NOTES,
)
Whisper_Large_v3 = EncoderWorkload(
    name="Whisper large-v3", parameters=Q_(1_543_490_560, "param"),
    layers=32, hidden_size=1280, attention_heads=20, ffn_size=5120, context_length=1500, sequence_length=1500,
    input="audio", norm="pre", mel_bins=128, key_bias=False, vocab_size=51866,
    decoder_layers=32, decoder_context=448, decoder_tokens=448,
    source="radford2023whisper",
    notes="Encoder-decoder over one 30 s window (3,000 log-mel frames, 1,500 positions after the stride-2 stem); "
          "shapes from its configuration [@openai2023whisperlargev3]. The paper gives 1,550M for large; this "
          "count is the configuration's, the encoder's sinusoidal position table included. A sample decodes "
          "the decoder's limit of 448 tokens: an upper bound; a real transcript of 30 s of speech is shorter "
          "(set decoder_tokens).",
)

Language = Catalog("language model", {
    "GPT2": GPT2, "GPTJ_6B": GPTJ_6B, "GPT3_175B": GPT3_175B, "Llama2_13B": Llama2_13B, "Llama2_70B": Llama2_70B,
    "Llama3_8B": Llama3_8B, "Llama3_70B": Llama3_70B, "Llama3_405B": Llama3_405B,
    "Llama2_7B": Llama2_7B, "Llama3_1_8B": Llama3_1_8B, "Llama3_1_70B": Llama3_1_70B, "Llama3_2_1B": Llama3_2_1B,
    "Llama3_2_3B": Llama3_2_3B, "Llama3_3_70B": Llama3_3_70B, "Mistral_7B": Mistral_7B, "Mixtral_8x7B": Mixtral_8x7B,
    "Mixtral_8x22B": Mixtral_8x22B, "Qwen2_5_7B": Qwen2_5_7B, "Qwen2_5_72B": Qwen2_5_72B, "Qwen3_8B": Qwen3_8B,
    "Qwen3_30B_A3B": Qwen3_30B_A3B, "Gemma_7B": Gemma_7B, "Gemma2_9B": Gemma2_9B, "Gemma2_27B": Gemma2_27B,
    "Phi3_Mini": Phi3_Mini, "Phi3_Medium": Phi3_Medium, "DeepSeek_V2_Lite": DeepSeek_V2_Lite,
    "DeepSeek_V3": DeepSeek_V3, "GPT2_Small": GPT2_Small, "OPT_175B": OPT_175B, "BLOOM_176B": BLOOM_176B,
})
Vision = Catalog("vision model", VISION_MODELS)
Encoders = Catalog("encoder model", {
    "BERT_Base": BERT_Base, "BERT_Large": BERT_Large, "ViT_B16": ViT_B16, "ViT_L16": ViT_L16,
    "Whisper_Large_v3": Whisper_Large_v3,
})
Tiny = Catalog("tiny model", TINY_MODELS)



class ModelCatalog(Catalog):
    """The model zoo, which can also read a model of your own from a Hugging Face config."""

    @staticmethod
    def from_hf_config(config, *, name=None, source=None) -> TransformerWorkload:
        """A transformer from a local Hugging Face `config.json` path or dict: the parameter count comes
        from the shapes, and mixture-of-experts, latent-attention and sliding-window keys become the
        matching fields.  Nothing is downloaded."""
        return from_hf_config(config, name=name, source=source)


Models = ModelCatalog("model", Language=Language, Encoders=Encoders, Vision=Vision, Tiny=Tiny)
"""Every workload, by group (`Models.Language.Llama3_8B`) or directly (`Models.Llama3_8B`);
`Models.from_hf_config("config.json")` reads one of your own.

The groups are `Language` (decoder-only transformers, most from their publishers' Hugging Face configs),
`Encoders` (BERT, ViT and Whisper: every position attends to every other; priced per sample), `Vision`
(CNNs, with layer tables) and `Tiny` (microcontroller models).  The [model zoo](../zoo/models.qmd)
lists them.

Example:
    >>> from mlsysim import Models
    >>> Models.Llama3_8B.name, sorted(Models.groups)
    ('Llama-3-8B', ['Encoders', 'Language', 'Tiny', 'Vision'])
    >>> m = Models.from_hf_config({"architectures": ["LlamaForCausalLM"], "hidden_size": 2048,
    ...     "intermediate_size": 8192, "num_hidden_layers": 16, "num_attention_heads": 32,
    ...     "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 131072,
    ...     "tie_word_embeddings": True}, name="my-1B")
    >>> round(m.parameter_count / 1e9, 2)
    1.24
"""
