"""Compression: ratios against their stated baselines, speedups from the roofline, sourced priors."""

import pytest

from mlsysim import CompressionModel, Hardware, InvalidArgumentError, Models, UnknownNameError

compress = CompressionModel()


def test_int4_ratio_is_measured_from_fp32_and_counts_group_scales():
    r = compress.solve(Models.Llama3_8B, Hardware.H100, method="quantization", target_bitwidth=4)
    assert r.baseline_precision == "fp32"
    assert r.compression_ratio == pytest.approx(32 / 4.125)
    assert r.memory_savings_pct == pytest.approx(100 * (1 - 4.125 / 32))
    assert r.original_size_gb.to("GB").magnitude == pytest.approx(32.12)


def test_exercise3_speedup_is_near_4x_against_fp16_because_decode_is_memory_bound():
    r = compress.solve(Models.Llama3_8B, Hardware.H100, method="quantization", target_bitwidth=4)
    assert r.speedup_baseline.startswith("fp16")
    assert 2.5 < r.inference_speedup < 4.0  # bytes ratio 16/4.125, diluted by the fp16 KV cache and launch costs
    assert any("dequantized" in n for n in r.notes)


def test_accuracy_delta_aliases_agree_and_int4_is_in_the_survey_range():
    r = compress.solve(Models.Llama3_8B, Hardware.H100, target_bitwidth=4)
    assert r.accuracy_delta == r.estimated_accuracy_delta
    low, high = r.accuracy_delta_range
    assert low == -5.0 and high == -2.0 and low <= r.accuracy_delta <= high
    assert r.accuracy_source == "gholami2021survey"


def test_int8_costs_less_accuracy_than_int4():
    assert compress.solve(Models.Llama3_8B, Hardware.H100, target_bitwidth=8).accuracy_delta > \
        compress.solve(Models.Llama3_8B, Hardware.H100, target_bitwidth=4).accuracy_delta


def test_b200_runs_4_bit_natively():
    r = compress.solve(Models.Llama3_70B, Hardware.B200, target_bitwidth=4)
    assert not r.notes
    assert r.fits_in_memory


def test_seventy_b_int4_fits_one_h100():
    assert compress.solve(Models.Llama3_70B, Hardware.H100, target_bitwidth=4).fits_in_memory


def test_pruning_and_distillation():
    pruned = compress.solve(Models.ResNet50, Hardware.A100, method="pruning", sparsity=0.75)
    assert pruned.compression_ratio > 1 and pruned.inference_speedup >= 1
    distilled = compress.solve(Models.Llama3_8B, Hardware.H100, method="distillation", size_ratio=0.5)
    assert distilled.inference_speedup == pytest.approx(2.0, rel=0.1)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"target_bitwidth": None}, InvalidArgumentError, "target_bitwidth"),
    ({"target_bitwidth": 0}, InvalidArgumentError, "target_bitwidth"),
    ({"target_bitwidth": 4, "method": "hashing"}, UnknownNameError, "compression method"),
    ({"method": "pruning", "sparsity": 1.5}, InvalidArgumentError, "sparsity"),
    ({"target_bitwidth": 4, "baseline_precision": "fp12"}, UnknownNameError, "baseline_precision"),
])
def test_bad_arguments_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        compress.solve(Models.Llama3_8B, Hardware.H100, **kwargs)
