"""Hand-checked formulas, called with Quantities so that a wrong unit fails."""

import pint
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsysim import Q_, Hardware, Models, formulas


def test_llama3_8b_kv_cache_per_token_is_128_kib_at_fp16():
    per_token = formulas.kv_cache_bytes_per_token(32, 8, 128, Q_(2, "B"))
    assert per_token == Q_(128, "KiB")  # 2 x 32 x 8 x 128 x 2 B
    assert Models.Llama3_8B.kv_cache_bytes_per_token("fp16") == Q_(128, "KiB")


def test_kv_cache_of_one_4k_request_is_half_a_gib():
    per_token = Models.Llama3_8B.kv_cache_bytes_per_token("fp16")
    assert formulas.kv_cache_bytes(4096, per_token).to("MiB") == Q_(512, "MiB")


def test_weight_bytes_of_llama3_8b():
    assert Models.Llama3_8B.weight_bytes("fp16").to("GB").magnitude == pytest.approx(16.06)
    assert Models.Llama3_70B.weight_bytes("fp16").to("GB").magnitude == pytest.approx(141.2)
    assert formulas.weight_bytes(Q_(8.03e9, "param"), Q_(2, "B/param")) == Q_(16.06e9, "B")


@pytest.mark.parametrize(("hw", "expected"), [("A100", 312e12 / 2.039e12), ("H100", 989.4e12 / 3.35e12)])
def test_ridge_points_at_fp16(hw, expected):
    assert Hardware.get(hw).ridge_point("fp16").magnitude == pytest.approx(expected)
    assert formulas.ridge_point(Q_(312, "TFLOP/s"), Q_(2.039, "TB/s")).to("flop/B").magnitude == pytest.approx(153.0, rel=1e-3)


def test_exercise2_capacity_from_the_formula():
    capacity = Q_(80, "GiB")
    weights = Models.Llama3_8B.weight_bytes("fp16")
    per_request = formulas.kv_cache_bytes(4096, Models.Llama3_8B.kv_cache_bytes_per_token("fp16"))
    fits = int(((capacity - weights) / per_request).to("").magnitude)
    assert fits == 130  # so 128 requests fit and 160 do not


def test_roofline_terms_take_units():
    t = formulas.compute_time(Q_(8.18, "GFLOP"), Q_(312, "TFLOP/s"), 0.5)
    assert t.to("us").magnitude == pytest.approx(52.44, rel=1e-3)
    with pytest.raises(pint.DimensionalityError):
        formulas.roofline_latency(t, Q_(1, "GB"))


def test_kaplan_forward_and_training_flops():
    n = 1e9
    assert formulas.prefill_flops_per_token(n, 10, 100, 1000) == 2e9 + 2e6
    assert formulas.training_flops_per_token(n, 10, 100, 1000) == 3 * (2e9 + 2e6)
    assert formulas.training_flops_per_token(n, 10, 100, 1000, recompute=True) == 4 * (2e9 + 2e6)
    assert formulas.decode_flops_per_token(n, 10, 100, 1000) == 2e9 + 4e6


def test_mixed_precision_adam_keeps_16_bytes_per_parameter():
    assert formulas.training_state_bytes_per_param(2.0, "adam") == 16.0
    assert formulas.training_state_bytes_per_param(4.0, "adam") == 16.0
    assert formulas.training_state_bytes_per_param(2.0, "sgd") == 12.0


def test_group_quantization_costs_an_eighth_of_a_bit():
    assert formulas.quantized_bits_per_weight(4, 128) == 4.125


def test_korthikanti_activation_memory():
    # 34 h bytes per token per layer with flash attention; + 5 a s without it
    assert formulas.activation_bytes_per_token(4096, 1, 32, 2048) == 34 * 4096
    assert formulas.activation_bytes_per_token(4096, 1, 32, 2048, flash_attention=False) == 34 * 4096 + 5 * 32 * 2048


def test_energy_is_power_times_time():
    assert formulas.energy(Q_(15, "mW"), Q_(138.9, "ms")).to("mJ").magnitude == pytest.approx(2.0835)


@settings(max_examples=60, deadline=None)
@given(c=st.integers(1025, 20_000), load=st.floats(0.01, 1.5))
def test_erlang_b_closed_form_matches_the_recursion_above_a_thousand_servers(c, load):
    """Above 1,024 servers Erlang B is the Poisson ratio in log space (cost ∝ √c, not c); it must agree with
    the one-step-per-server recursion it replaces."""
    from mlsysim.formulas import erlang_b

    a = c * load
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    assert erlang_b(c, a) == pytest.approx(b, rel=1e-8, abs=1e-300)


def test_erlang_c_of_a_billion_servers_is_immediate_and_in_range():
    from mlsysim.formulas import erlang_c, erlang_c_array

    assert 0.0 <= erlang_c(10**9, 0.999e9) < 1e-100  # Halfin-Whitt: (1 - rho) sqrt(c) = 31.6, waiting is rare
    assert erlang_c_array([10**9, 4], [0.5e9, 3.0]).tolist() == pytest.approx([0.0, erlang_c(4, 3.0)])
