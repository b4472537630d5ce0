"""Encoders (BERT, ViT) and an encoder–decoder (Whisper): shapes, counts and step costs checked by hand."""

from __future__ import annotations

import pytest

from mlsysim import Q_, EncoderWorkload, Engine, Hardware, Models, ServingModel
from mlsysim.core.assumptions import DEFAULTS
from mlsysim.core.errors import InvalidArgumentError, SpecError
from mlsysim.core.precision import Precisions
from mlsysim.cost import step_cost
from mlsysim.cost.encoder import encoder_ops

FP16 = Precisions.from_shorthand("fp16")
ENCODERS = list(Models.Encoders.items())


def _matmul_flops(ops) -> float:
    return sum(o.count * o.flops for o in ops if o.matmul)


def test_bert_parameters_by_hand():
    # embeddings (30,522 + 512 + 2 rows) x 768 and their norm; per layer QKV+O with biases, the MLP, two norms;
    # the pooler.  The released checkpoint's count, which the paper rounds to 110M.
    h, f = 768, 3072
    embeddings = (30522 + 512 + 2) * h + 2 * h
    layer = 4 * (h * h + h) + (h * f + f) + (f * h + h) + 2 * 2 * h
    pooler = h * h + h
    assert embeddings + 12 * layer + pooler == 109_482_240
    assert Models.BERT_Base.architecture_parameters().magnitude == 109_482_240
    assert Models.BERT_Base.parameter_count == pytest.approx(110e6, rel=0.01)  # the paper's 110M
    assert Models.BERT_Large.parameter_count == pytest.approx(340e6, rel=0.02)  # the paper's 340M


@pytest.mark.parametrize(("name", "model"), ENCODERS)
def test_encoder_parameter_counts_match_their_shapes_exactly(name, model):
    assert model.architecture_parameters().to("param").magnitude == model.parameter_count, name


@pytest.mark.parametrize(("name", "published"), [("ViT_B16", 86e6), ("ViT_L16", 307e6), ("Whisper_Large_v3", 1550e6)])
def test_counts_agree_with_the_papers_rounded_figures(name, published):
    # ViT Table 1: 86M and 307M (torchvision's exact counts include the 1,000-class head); Whisper Table 1: 1,550M
    assert Models.get(name).parameter_count == pytest.approx(published, rel=0.015)


@pytest.mark.parametrize(("name", "gmacs"), [("ViT_B16", 17.56), ("ViT_L16", 61.55)])
def test_vit_multiply_accumulates_match_torchvision(name, gmacs):
    ops = encoder_ops(Models.get(name), 1, 197, FP16)
    assert round(_matmul_flops(ops) / 2e9, 2) == gmacs


@pytest.mark.parametrize(("name", "model"), ENCODERS)
def test_the_closed_form_is_what_the_operators_sum_to(name, model):
    ops = encoder_ops(model, 1, model.sequence_length, FP16)
    assert _matmul_flops(ops) == pytest.approx(model.flops_per_inference.to("flop").magnitude, rel=1e-12), name


def test_a_layer_is_2s_4h2_plus_2hf_and_attention_4s2h():
    bert, s, b = Models.BERT_Base, 128, 4
    h, f = bert.hidden_size, bert.ffn_size
    ops = {o.name: o for o in encoder_ops(bert, b, s, FP16)}
    projections = sum(ops[n].flops for n in ("qkv_proj", "out_proj", "mlp_up", "mlp_down"))
    assert projections == 2 * b * s * (4 * h * h + 2 * h * f)
    assert ops["attention"].flops == 4 * b * s * s * h  # bidirectional: every position sees all s positions
    assert ops["attention"].count == bert.layers
    # the embedding reads only the rows it looks up (token, position, segment), never the table
    assert ops["embedding"].weight_bytes == 3 * b * s * h * 2


def test_attention_grows_with_the_square_of_the_positions():
    at = {s: {o.name: o for o in encoder_ops(Models.BERT_Base, 1, s, FP16)}["attention"].flops for s in (128, 256)}
    assert at[256] == 4 * at[128]


def test_whisper_decoder_reads_its_weights_once_per_token_and_caches_both_attentions():
    w, batch = Models.Whisper_Large_v3, 2
    h, tokens, layers, s = w.hidden_size, w.decoder_tokens, w.decoder_layers, w.sequence_length
    ops = {o.name: o for o in encoder_ops(w, batch, s, FP16)}
    # per decoder layer and token: self QKV (3h²) + O (h²), cross Q (h²) + O (h²), MLP (2hf), each read once a step
    per_layer = sum(ops[n].weight_bytes for n in ("decoder_qkv_proj", "decoder_out_proj", "cross_q_proj",
                                                  "cross_out_proj", "decoder_mlp_up", "decoder_mlp_down"))
    assert per_layer == (6 * h * h + 2 * h * w.ffn_size) * 2
    assert ops["decoder_qkv_proj"].count == tokens * layers
    assert ops["lm_head"].count == tokens and ops["lm_head"].weight_bytes == h * w.vocab_size * 2
    # the encoder's keys and values are projected once per sample, then read from the cache at every step
    assert ops["cross_kv_proj"].count == layers and ops["cross_kv_proj"].flops == 2 * batch * s * h * 2 * h
    assert ops["cross_attention"].kv_bytes == batch * s * 2 * h * 2
    cost = step_cost(w, Hardware.H100, phase="inference", batch=batch, seq=s, precisions=FP16, assumptions=DEFAULTS)
    caches = batch * (tokens + s) * 2 * h * layers * 2
    assert cost.activation_bytes == pytest.approx(caches + max(o.act_bytes for o in ops.values()))


def test_engine_prices_encoders_per_sample_at_their_own_sequence():
    r = Engine.solve(Models.BERT_Base, Hardware.A100, batch_size=8)
    assert r.throughput.units == Q_(1, "sample/s").units
    assert r.flops.to("flop").magnitude == pytest.approx(
        sum(o.count * o.flops for o in encoder_ops(Models.BERT_Base, 8, 384, FP16)))
    shorter = Engine.solve(Models.BERT_Base, Hardware.A100, batch_size=8, seq_len=128)
    assert shorter.latency < r.latency
    with pytest.raises(InvalidArgumentError, match="seq_len"):
        Engine.solve(Models.BERT_Base, Hardware.A100, seq_len=1024)
    trained = Engine.solve(Models.ViT_B16, Hardware.H100, batch_size=64, mode="training")
    served = Engine.solve(Models.ViT_B16, Hardware.H100, batch_size=64)
    assert trained.memory_footprint > served.memory_footprint and trained.latency > 2.5 * served.latency


def test_bert_and_vit_are_compute_bound_from_one_sample_whisper_is_not():
    for name in ("BERT_Base", "BERT_Large", "ViT_B16", "ViT_L16"):
        assert Engine.solve(Models.get(name), Hardware.A100, batch_size=1).bottleneck == "Compute", name
    assert Engine.solve(Models.Whisper_Large_v3, Hardware.A100, batch_size=1).bottleneck == "Memory"


def test_serving_names_what_it_needs():
    with pytest.raises(InvalidArgumentError, match="decoder-only"):
        ServingModel().solve(Models.BERT_Base, Hardware.H100)


@pytest.mark.parametrize(("update", "match"), [
    ({"attention_heads": 7}, "multiple of attention_heads"),
    ({"sequence_length": 600}, "at most context_length"),
    ({"vocab_size": 0}, "needs vocab_size"),
    ({"input": "patches"}, "needs patch_size"),
    ({"decoder_layers": 2}, "decoder"),
])
def test_inconsistent_shapes_are_refused(update, match):
    fields = {f: getattr(Models.BERT_Base, f) for f in type(Models.BERT_Base).model_fields}
    with pytest.raises(SpecError, match=match):
        EncoderWorkload(**{**fields, **update})
