"""Bad input gets the project's own ValueError, naming the argument and what is allowed."""

import pytest

from mlsysim import (
    Q_,
    ComputeCore,
    Engine,
    Hardware,
    HardwareNode,
    MemoryHierarchy,
    MLSysimError,
    Models,
    ServingModel,
    SpecError,
    ureg,
)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"batch_size": 0}, "batch_size=0"),
    ({"batch_size": -4}, "batch_size=-4"),
    ({"batch_size": 2.5}, "batch_size=2.5"),
    ({"efficiency": 0.0}, "efficiency=0.0"),
    ({"efficiency": 1.5}, r"\(0, 1\]"),
    ({"precision": "fp12"}, "unknown precision 'fp12'"),
    ({"mode": "serving"}, "unknown mode"),
    ({"seq_len": 10**6}, "context length"),
])
def test_engine_rejects_bad_arguments(kwargs, match):
    args = {"batch_size": 1, "precision": "fp16", **kwargs}
    with pytest.raises(MLSysimError, match=match):
        Engine.solve(Models.Llama3_8B, Hardware.H100, **args)


def test_errors_are_value_errors():
    assert issubclass(MLSysimError, ValueError)


def test_swapped_arguments_name_what_belongs_there():
    with pytest.raises(MLSysimError, match="model=.*expected a workload"):
        Engine.solve(Hardware.H100, Models.Llama3_8B)


def test_a_capacity_where_a_bandwidth_belongs_is_refused_with_the_field_named():
    with pytest.raises(SpecError, match="bandwidth: expected a bandwidth"):
        MemoryHierarchy(capacity=Q_(80, "GB"), bandwidth=Q_(3.35, "TB"))


def test_negative_and_bare_numbers_are_refused():
    with pytest.raises(SpecError, match="must be positive"):
        ComputeCore(peak_flops=Q_(-1, "TFLOP/s"))
    with pytest.raises(SpecError, match="not a bare float"):
        ComputeCore(peak_flops=989.0)


def test_unknown_fields_and_precisions_in_specs():
    with pytest.raises(SpecError, match="Extra inputs are not permitted"):
        ComputeCore(peak_flops=Q_(1, "TFLOP/s"), peak_flop=Q_(1, "TFLOP/s"))
    with pytest.raises(MLSysimError, match="fp12"):
        ComputeCore(peak_flops=Q_(1, "TFLOP/s"), precision_flops={"fp12": Q_(1, "TFLOP/s")})


def test_unknown_model_attribute_suggests():
    with pytest.raises(MLSysimError, match="did you mean Llama3_8B"):
        Models.Llama3_8b  # noqa: B018


def test_serving_rejects_cnn_and_wrong_units():
    with pytest.raises(MLSysimError, match="transformer"):
        ServingModel().solve(Models.ResNet50, Hardware.H100)
    with pytest.raises(MLSysimError, match="reserved_memory"):
        ServingModel().solve(Models.Llama3_8B, Hardware.H100, reserved_memory=Q_(2, "GB/s"))
    with pytest.raises(MLSysimError, match="reserved_memory"):
        ServingModel().solve(Models.Llama3_8B, Hardware.H100, reserved_memory=2)


def test_heads_must_group_evenly():
    with pytest.raises(SpecError, match="multiple of kv_heads"):
        Models.Llama3_8B.model_copy(update={"kv_heads": 5})


def test_a_toy_device_is_constructible_from_strings():
    hw = HardwareNode(name="toy", compute=ComputeCore(peak_flops="1 TFLOP/s"),
                      memory=MemoryHierarchy(capacity="1 GiB", bandwidth=100 * ureg.GB / ureg.s))
    assert Engine.solve(Models.DS_CNN, hw, precision="fp32").feasible
