"""Bad input gets the project's own ValueError, naming the argument and what is allowed."""

import pickle

import pytest

from mlsysim import (
    Q_,
    ComputeCore,
    Engine,
    Hardware,
    HardwareNode,
    InvalidArgumentError,
    MemoryHierarchy,
    MLSysimError,
    Models,
    ServingModel,
    SpecError,
    UnknownNameError,
    ureg,
)
from mlsysim.core import validate


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


@pytest.mark.parametrize(("units", "example"), [("B", "16 GB"), ("B/s", "3.35 TB/s")])
@pytest.mark.parametrize("bad", [Q_(80, "percent"), Q_(5, "1/s"), 5, 5.0])
def test_quantity_in_refuses_what_is_not_bytes(units, example, bad):
    with pytest.raises(InvalidArgumentError, match=r"^memory=") as err:
        validate.quantity_in("memory", bad, units, example)
    assert err.value.argument == "memory"
    assert example in err.value.expected


def test_quantity_in_reads_any_information_unit():
    assert validate.quantity_in("memory", Q_(80, "GiB"), "B", "16 GB") == pytest.approx(80 * 2**30)
    assert validate.quantity_in("link", Q_(400, "Gbps"), "B/s", "50 GB/s") == pytest.approx(50e9)
    assert validate.quantity_in("link", "3.35 TB/s", "GB/s", "50 GB/s") == pytest.approx(3350)


def _spec_error() -> SpecError:
    try:
        MemoryHierarchy(capacity=Q_(80, "percent"), bandwidth=Q_(5, "1/s"))
    except SpecError as err:
        return err
    raise AssertionError("MemoryHierarchy accepted a percentage and a frequency")


@pytest.mark.parametrize(("make", "fields"), [
    (lambda: MLSysimError("something is off"), ()),
    (lambda: InvalidArgumentError("batch_size", -4, "a positive whole number", "Use 1 or more."),
     ("argument", "value", "expected", "fix")),
    (lambda: InvalidArgumentError("memory", "80 %", "a quantity in units like '16 GB'"),
     ("argument", "value", "expected", "fix")),
    (lambda: UnknownNameError("precision", "fp12", ["fp32", "fp16", "int8"]), ("kind", "name", "known")),
    (lambda: SpecError("invalid Toy:\n  size: too big", "Toy", [("size", "too big")]), ("spec", "problems")),
    (_spec_error, ("spec", "problems")),
])
def test_errors_survive_pickling(make, fields):
    err = make()
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err)
    assert str(back) == str(err)
    assert back.args == err.args
    for field in fields:
        assert getattr(back, field) == getattr(err, field), field


def test_a_pickled_error_is_still_caught_as_before():
    back = pickle.loads(pickle.dumps(UnknownNameError("model", "Llama3_8b", ["Llama3_8B"])))
    assert isinstance(back, MLSysimError) and isinstance(back, AttributeError) and isinstance(back, ValueError)
    assert "did you mean Llama3_8B" in str(back)
