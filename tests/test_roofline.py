"""The single-device roofline: regimes, fallbacks, training steps and tiny devices."""

import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsysim import Q_, Engine, Hardware, Models, PrecisionFallbackWarning, SingleNodeModel


def test_resnet50_on_a100_turns_compute_bound_at_batch_2():
    bottlenecks = {bs: Engine.solve(Models.ResNet50, Hardware.A100, bs, "fp16", 0.5).bottleneck for bs in (1, 2, 4, 512)}
    assert bottlenecks == {1: "Memory", 2: "Compute", 4: "Compute", 512: "Compute"}


def test_llama3_8b_decode_is_memory_bound_at_batch_1():
    r = Engine.solve(Models.Llama3_8B, Hardware.A100, batch_size=1, precision="fp16")
    assert r.bottleneck == "Memory"
    assert r.throughput.units == Q_(1, "token/s").units


def test_latency_is_the_priced_operators_plus_dispatch():
    r = Engine.solve(Models.DS_CNN, Hardware.nRF52840, batch_size=1, precision="int8", efficiency=0.3)
    assert r.latency.to("ms").magnitude == pytest.approx(r.breakdown.time * 1e3 + 0.5)
    # the default overlap model is "sum": an operator costs its compute plus its memory time
    terms = (r.latency_compute + r.latency_memory).to("ms").magnitude
    assert r.latency.to("ms").magnitude == pytest.approx(terms + 0.5)
    assert r.energy.to("mJ").magnitude == pytest.approx(15e-3 * r.latency.to("s").magnitude * 1e3)


def test_int4_on_h100_warns_and_computes_in_fp16():
    with pytest.warns(PrecisionFallbackWarning, match="no native int4"):
        r = Engine.solve(Models.Llama3_8B, Hardware.H100, batch_size=1, precision="int4")
    assert r.compute_precision == "fp16"
    assert r.notes and "int4" in r.notes[0]


def test_fp16_on_a_cortex_m4_runs_on_the_fp32_path():
    with pytest.warns(PrecisionFallbackWarning):
        r = Engine.solve(Models.DS_CNN, Hardware.nRF52840, batch_size=1, precision="fp16", efficiency=0.1)
    assert r.compute_precision == "fp32"
    assert r.latency > Engine.solve(Models.DS_CNN, Hardware.nRF52840, 1, "int8", 0.1).latency


def test_mobilenet_v2_does_not_fit_an_nrf52840():
    r = Engine.solve(Models.MobileNetV2, Hardware.nRF52840, batch_size=1, precision="int8")
    assert not r.feasible
    assert "MB" in r.reason


def test_ds_cnn_fits_but_misses_30_ms_on_nrf52840_and_meets_it_on_esp32_s3():
    nrf = Engine.solve(Models.DS_CNN, Hardware.nRF52840, batch_size=1, precision="int8", efficiency=0.3)
    esp = Engine.solve(Models.DS_CNN, Hardware.ESP32_S3, batch_size=1, precision="int8", efficiency=0.3)
    assert nrf.feasible and nrf.bottleneck == "Compute" and nrf.latency > Q_(30, "ms")
    assert esp.feasible and esp.latency < Q_(30, "ms")


def test_training_step_of_a_transformer_is_compute_bound():
    r = SingleNodeModel().solve(Models.Llama3_8B, Hardware.H100, batch_size=4, precision="bf16", mode="training")
    assert r.bottleneck == "Compute"
    tokens = 4 * 2048
    # the operators add norms, logits and the optimizer to the closed form's matmuls and attention: within 1 %
    closed = tokens * Models.Llama3_8B.flops_per_token("training", 2048).to("flop").magnitude
    assert r.flops.to("flop").magnitude == pytest.approx(closed, rel=0.01)
    # 18 bytes/param of state (bf16 weights, fp32 gradients, master and Adam moments): ~145 GB, more than one H100
    assert not r.feasible


def test_seventy_b_inference_does_not_fit_one_h100():
    r = SingleNodeModel().solve(model=Models.Llama3_70B, hardware=Hardware.H100, batch_size=4, precision="fp16")
    assert not r.feasible and r.bottleneck == "Memory"


def test_str_and_html_views_show_fields():
    r = Engine.solve(Models.ResNet50, Hardware.A100)
    assert "bottleneck" in str(r) and "Memory" in str(r)
    assert "<table" in r._repr_html_()


positive_scale = st.floats(min_value=1.01, max_value=100.0)
models = st.sampled_from([Models.ResNet50, Models.Llama3_8B, Models.GPT2, Models.DS_CNN, Models.MobileNetV2])
devices = st.sampled_from([Hardware.A100, Hardware.H100, Hardware.B200, Hardware.Jetson_AGX_Orin, Hardware.ESP32_S3])


@settings(max_examples=150, deadline=None)
@given(model=models, hw=devices, batch=st.integers(1, 1024), scale=positive_scale,
       eff=st.floats(0.01, 1.0), precision=st.sampled_from(["fp16", "int8", "fp32"]))
def test_more_bandwidth_never_slows_a_solve(model, hw, batch, scale, eff, precision):
    faster = hw.model_copy(update={"memory": hw.memory.model_copy(update={"bandwidth": hw.memory.bandwidth * scale})})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrecisionFallbackWarning)
        a = Engine.solve(model, hw, batch, precision, eff)
        b = Engine.solve(model, faster, batch, precision, eff)
    assert b.latency <= a.latency
    for r in (a, b):
        assert math.isfinite(r.latency.magnitude) and r.latency.magnitude > 0


@settings(max_examples=150, deadline=None)
@given(model=models, hw=devices, batch=st.integers(1, 512), extra=st.integers(1, 512),
       mode=st.sampled_from(["inference", "training"]))
def test_more_batch_never_shrinks_memory(model, hw, batch, extra, mode):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrecisionFallbackWarning)
        small = Engine.solve(model, hw, batch, "fp16", mode=mode)
        large = Engine.solve(model, hw, batch + extra, "fp16", mode=mode)
    assert large.memory_footprint >= small.memory_footprint
    assert large.throughput.magnitude > 0

