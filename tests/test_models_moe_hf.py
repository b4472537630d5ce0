"""Mixture of experts, latent attention, sliding windows and Hugging Face configs, checked by hand."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlsysim import Hardware, Models, Systems
from mlsysim.core.errors import InvalidArgumentError
from mlsysim.core.precision import Precisions
from mlsysim.cost.ops import totals
from mlsysim.cost.step import kv_cache_bytes
from mlsysim.cost.transformer import transformer_ops
from mlsysim.models.hf import SUPPORTED_ARCHITECTURES
from mlsysim.models.types import TransformerWorkload
from mlsysim.solvers.serving import ServingModel

CONFIGS = Path(__file__).parent / "data" / "hf"
FP16 = Precisions.from_shorthand("fp16")
BF16 = Precisions.from_shorthand("bf16")

# The registry entry each shipped config must reproduce.
SHIPPED = {
    "llama-2-7b": "Llama2_7B", "llama-2-13b": "Llama2_13B", "llama-2-70b": "Llama2_70B", "llama-3-8b": "Llama3_8B",
    "llama-3-70b": "Llama3_70B", "llama-3.1-8b": "Llama3_1_8B", "llama-3.1-70b": "Llama3_1_70B",
    "llama-3.1-405b": "Llama3_405B", "llama-3.2-1b": "Llama3_2_1B", "llama-3.2-3b": "Llama3_2_3B",
    "llama-3.3-70b": "Llama3_3_70B", "mistral-7b-v0.1": "Mistral_7B", "mixtral-8x7b": "Mixtral_8x7B",
    "mixtral-8x22b": "Mixtral_8x22B", "qwen2.5-7b": "Qwen2_5_7B", "qwen2.5-72b": "Qwen2_5_72B",
    "qwen3-8b": "Qwen3_8B", "qwen3-30b-a3b": "Qwen3_30B_A3B", "gemma-7b": "Gemma_7B", "gemma-2-9b": "Gemma2_9B",
    "gemma-2-27b": "Gemma2_27B", "phi-3-mini": "Phi3_Mini", "phi-3-medium": "Phi3_Medium",
    "deepseek-v2-lite": "DeepSeek_V2_Lite", "deepseek-v3": "DeepSeek_V3", "gpt2": "GPT2_Small", "gpt2-xl": "GPT2",
}
SHAPE_FIELDS = [f for f in TransformerWorkload.model_fields if f not in ("name", "parameters", "source", "notes")]


@pytest.mark.parametrize(("stem", "name"), SHIPPED.items())
def test_each_shipped_config_reproduces_its_registry_entry(stem, name):
    mine = Models.from_hf_config(CONFIGS / f"{stem}.json")
    entry = Models.get(name)
    for field in SHAPE_FIELDS:
        assert getattr(mine, field) == getattr(entry, field), f"{stem}: {field}"
    # New entries store the count derived from the shapes (exact); the first release's entries state the
    # published count to three or four significant figures.
    assert mine.parameter_count == pytest.approx(entry.parameter_count, rel=1e-3)


def test_every_shipped_config_is_checked():
    assert {p.stem for p in CONFIGS.glob("*.json")} - set(SHIPPED) <= {"qwen2.5-72b-instruct"}


def test_mixtral_8x7b_total_and_active_parameters_from_its_shapes():
    m = Models.Mixtral_8x7B
    # Mistral AI: 46.7 B total, 12.9 B used per token (two of eight experts in each of 32 layers).
    assert m.parameter_count / 1e9 == pytest.approx(46.7, abs=0.05)
    assert m.active_parameters.to("Bparam").magnitude == pytest.approx(12.9, abs=0.05)
    # One expert: 3 × 4096 × 14336; the idle six in 32 layers are the difference.
    assert m.parameter_count - m.active_parameters.to("param").magnitude == 32 * 6 * 3 * 4096 * 14336
    assert Models.Llama3_8B.active_parameters == Models.Llama3_8B.parameters  # dense: all of them


def test_deepseek_v3_total_active_and_latent_kv_bytes():
    m = Models.DeepSeek_V3
    assert m.parameter_count / 1e9 == pytest.approx(671, abs=0.5)  # DeepSeek-AI: 671 B total
    # 37 B activated; DeepSeek's count leaves out the input embedding (129,280 × 7,168 = 0.93 B).
    active = m.active_parameters.to("param").magnitude - 129280 * 7168
    assert active / 1e9 == pytest.approx(37, abs=0.7)
    # MLA caches the 512-value latent and the 64-value rotary key per layer: 61 × 576 × 2 bytes.
    assert m.kv_cache_bytes_per_token("bf16").to("B").magnitude == 61 * 576 * 2
    assert kv_cache_bytes(m, 1000, BF16, tp=8) == 1000 * 61 * 576 * 2  # the latent is not split over GPUs


def test_a_decode_step_reads_only_the_experts_the_batch_routes_to():
    m = Models.Mixtral_8x7B
    expert_bytes = 3 * 4096 * 14336 * 2  # one expert at fp16

    def expert_weight_bytes(batch):
        ops = transformer_ops(m, "decode", batch, 1024, FP16)
        return sum(op.count * op.weight_bytes for op in ops if op.name in ("experts_up", "experts_down"))

    for batch in (1, 4, 64):
        expected_experts = 8 * (1 - (1 - 2 / 8) ** batch)  # E·(1 − (1 − k/E)^T)
        assert expert_weight_bytes(batch) == pytest.approx(32 * expected_experts * expert_bytes, rel=1e-9)
    assert expert_weight_bytes(1) == pytest.approx(32 * 2 * expert_bytes)  # one token: its two experts
    assert expert_weight_bytes(64) == pytest.approx(32 * 8 * expert_bytes, rel=1e-7)  # a big batch: all eight


def test_moe_decode_flops_follow_the_active_parameters():
    m = Models.Mixtral_8x7B
    flops = totals(transformer_ops(m, "decode", 16, 1, FP16))["flops"] / 16
    # 2 FLOPs per active matmul parameter (the embedding lookup is not a matmul), attention negligible at 1 token
    assert flops == pytest.approx(m.flops_per_token("decode", 1).to("flop").magnitude, rel=0.01)


def test_sliding_window_caps_the_kv_cache_and_attention():
    m = Models.Mistral_7B  # 4,096-token window on all 32 layers
    assert kv_cache_bytes(m, 32768, FP16) == kv_cache_bytes(m, 4096, FP16) == 4096 * 32 * 2 * 8 * 128 * 2
    long = {o.name: o for o in transformer_ops(m, "decode", 1, 32768, FP16)}
    assert "attention (window)" in long and "attention" not in long
    assert long["attention (window)"].flops == 2 * 4096 * 32 * (128 + 128)
    g = Models.Gemma2_9B  # 21 of 42 layers local
    assert g.cached_tokens(8192) == 21 * 8192 + 21 * 4096


def test_latent_attention_decode_scores_over_the_latent():
    m = Models.DeepSeek_V3
    att = next(o for o in transformer_ops(m, "decode", 1, 1000, BF16) if o.kind == "attention")
    assert att.flops == 2 * 1000 * 128 * (512 + 64 + 512)  # scores over latent + rope, values over the latent
    assert att.kv_bytes == (1000 + 1) * 576 * 2


def test_expert_parallelism_spreads_experts_and_adds_an_all_to_all():
    node = Systems.Nodes.DGX_H100
    m = Models.Mixtral_8x7B
    tp8 = ServingModel().solve(m, node, seq_len=2048, batch_size=64, tp_size=8)
    ep8 = ServingModel().solve(m, node, seq_len=2048, batch_size=64, tp_size=1, ep_size=8)
    assert ep8.ep_size == 8 and ep8.feasible
    names = {row.op.name for row in ep8.breakdown.rows}
    assert {"moe_dispatch", "moe_combine"} <= names and "moe_dispatch" not in {r.op.name for r in tp8.breakdown.rows}
    # Experts split 8 ways either way; attention is replicated under expert parallelism, so weights grow.
    assert ep8.memory_per_gpu["weights"] > tp8.memory_per_gpu["weights"]
    with pytest.raises(InvalidArgumentError, match="ep_size"):
        ServingModel().solve(Models.Llama3_8B, node, ep_size=2)
    with pytest.raises(InvalidArgumentError, match="ep_size"):
        ServingModel().solve(m, node, tp_size=1, ep_size=3)


def test_unsupported_architectures_are_refused_with_the_supported_ones_named(tmp_path):
    with pytest.raises(InvalidArgumentError, match="MixtralForCausalLM") as err:
        Models.from_hf_config({"architectures": ["T5ForConditionalGeneration"]})
    assert all(a in str(err.value) for a in SUPPORTED_ARCHITECTURES)
    with pytest.raises(InvalidArgumentError, match="config.json"):
        Models.from_hf_config(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(InvalidArgumentError, match="JSON"):
        Models.from_hf_config(broken)
    with pytest.raises(InvalidArgumentError, match="num_attention_heads"):
        Models.from_hf_config({"architectures": ["LlamaForCausalLM"], "hidden_size": 64})


def test_a_config_directory_and_a_dict_work_too(tmp_path):
    folder = tmp_path / "my-model"
    folder.mkdir()
    config = json.loads((CONFIGS / "qwen2.5-7b.json").read_text())
    (folder / "config.json").write_text(json.dumps(config))
    from_dir = Models.from_hf_config(folder)
    assert from_dir.name == "my-model" and from_dir.qkv_bias
    assert Models.from_hf_config(config, name="x").parameter_count == from_dir.parameter_count


def test_the_command_line_evaluates_a_config_file():
    out = subprocess.run([sys.executable, "-m", "mlsysim", "eval", str(CONFIGS / "mixtral-8x7b.json"), "H100",
                          "--precision", "fp8", "--json"], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["model"] == "mixtral-8x7b" and result["feasible"]


def test_moe_weights_fit_by_total_but_decode_by_active():
    m = Models.Mixtral_8x7B
    r = ServingModel().solve(m, Hardware.H100, seq_len=1024, batch_size=1, precision="fp8")
    assert r.memory_per_gpu["weights"].to("GB").magnitude == pytest.approx(46.7, rel=0.01)  # all experts resident


def test_the_command_line_spreads_experts():
    run = [sys.executable, "-m", "mlsysim", "serve", "Mixtral_8x7B", "DGX_H100", "--tp", "1", "--ep", "8",
           "--batch-size", "64", "--rate", "5", "--json"]
    result = json.loads(subprocess.run(run, capture_output=True, text=True, check=True).stdout)
    assert result["tp_size"] == 1 and result["replicas"] == 1
    refused = subprocess.run([sys.executable, "-m", "mlsysim", "serve", "Llama3_8B", "DGX_H100", "--ep", "2",
                              "--rate", "1"], capture_output=True, text=True)
    assert refused.returncode == 2 and "ep_size" in refused.stderr


def test_gemma2_and_qwen3_norms_make_the_shapes_give_the_published_counts():
    # Gemma 2 Table 2 gives the non-embedding parameters; its four RMSNorms per layer (pre and post) are in them
    for name, non_embedding in (("Gemma2_9B", 8_324_201_984), ("Gemma2_27B", 26_047_480_320)):
        m = Models.get(name)
        assert m.post_norms
        assert m.architecture_parameters().magnitude - m.vocab_size * m.hidden_size == non_embedding
    # Qwen3's query and key norms add 2 x head_dim weights per layer
    qwen = Models.Qwen3_8B
    without = qwen.model_copy(update={"qk_norm": False, "parameters": qwen.parameters})
    assert (qwen.architecture_parameters() - without.architecture_parameters()).magnitude == 36 * 2 * 128
    assert Models.from_hf_config(CONFIGS / "qwen3-8b.json").qk_norm
