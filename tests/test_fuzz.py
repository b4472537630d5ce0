"""Property-based fuzzing of every solver and the command line.

Valid inputs must give finite, non-negative, unit-carrying outputs; invalid ones must raise the
project's own error (an ``MLSysimError``, a ``ValueError``) — never ``ZeroDivisionError``,
``KeyError``, a pint error or a NaN.  The number of inputs tried is reported at the end of the run.
"""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsysim import (
    Q_,
    CompressionModel,
    DataModel,
    DistributedModel,
    EconomicsModel,
    Engine,
    Hardware,
    Infra,
    MLSysimError,
    Models,
    ParallelismOptimizer,
    PrecisionFallbackWarning,
    ReliabilityModel,
    ScalingModel,
    SensitivitySolver,
    ServingModel,
    SustainabilityModel,
    SynthesisSolver,
    Systems,
    TransformerWorkload,
    cli,
    ureg,
)
from mlsysim.solvers.result import Result
from mlsysim.systems.types import Fleet

TRIED = {"valid": 0, "invalid": 0}
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

models = st.sampled_from([m for _, m in Models.items()])
transformers = st.sampled_from([m for _, m in Models.items() if isinstance(m, TransformerWorkload)])
devices = st.sampled_from([h for _, h in Hardware.items()])
precisions = st.sampled_from(["fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4", "fp4"])
fractions = st.floats(1e-3, 1.0)
grids = st.sampled_from([g for _, g in Infra.items()])
fleets = st.builds(lambda n, node, fabric: Fleet(name="fuzz", node=node, count=n, fabric=fabric),
                   st.integers(1, 2048), st.sampled_from(list(Systems.Nodes)), st.sampled_from(list(Systems.Fabrics)))
BAD = st.sampled_from([0, -1, -0.5, math.nan, math.inf, -math.inf, "abc", [], True,
                       Q_(1, "GB"), Q_(-1, "s"), Q_(math.nan, "ms")])
BAD_FRACTION = st.one_of(BAD, st.sampled_from([1e-12, 1.5, 2]))
FRACTION_ARGS = {"efficiency", "mfu"}


def _finite(value, where="result") -> None:
    if isinstance(value, ureg.Quantity):
        _finite(value.magnitude, where)
    elif isinstance(value, bool) or value is None or isinstance(value, str):
        return
    elif isinstance(value, (int, float)):
        assert math.isfinite(value), f"{where} is {value}"
        signed = where.endswith(("delta", "sensitivities")) or "accuracy" in where or "slack" in where
        assert value >= 0 or signed, f"{where} is {value}"
    elif isinstance(value, dict):
        for k, v in value.items():
            _finite(v, f"{where}.{k}" if where != "sensitivities" else "sensitivities")
    elif isinstance(value, (list, tuple)):
        for v in value:
            _finite(v, where)


def valid(call) -> None:
    """``call()`` must succeed with finite outputs."""
    TRIED["valid"] += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrecisionFallbackWarning)
        try:
            result = call()
        except MLSysimError:
            return  # a valid-looking combination the model refuses with a named reason (e.g. seq_len > context)
    fields = result.summary() if isinstance(result, Result) else {"value": result}
    for name, v in fields.items():
        _finite(v, name)


def invalid(call) -> None:
    """``call()`` must raise the project's own error type and nothing else."""
    TRIED["invalid"] += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrecisionFallbackWarning)
        with pytest.raises(MLSysimError):
            call()


def corrupt(data, kwargs: dict, names: list[str]) -> dict:
    name = data.draw(st.sampled_from(names), label="argument")
    return {**kwargs, name: data.draw(BAD_FRACTION if name in FRACTION_ARGS else BAD, label="value")}


@FUZZ
@given(m=models, hw=devices, batch=st.integers(1, 4096), p=precisions, eff=fractions,
       mode=st.sampled_from(["inference", "training"]), data=st.data())
def test_engine(m, hw, batch, p, eff, mode, data):
    kwargs = dict(batch_size=batch, precision=p, efficiency=eff, mode=mode)
    valid(lambda: Engine.solve(m, hw, **kwargs))
    bad = corrupt(data, kwargs, ["batch_size", "precision", "efficiency", "mode"])
    invalid(lambda: Engine.solve(m, hw, **bad))
    invalid(lambda: Engine.solve(hw, m, **kwargs))


@FUZZ
@given(m=transformers, hw=devices, batch=st.integers(1, 1024), seq=st.integers(1, 8192), p=precisions, data=st.data())
def test_serving(m, hw, batch, seq, p, data):
    kwargs = dict(seq_len=min(seq, m.context_length), batch_size=batch, precision=p)
    valid(lambda: ServingModel().solve(m, hw, **kwargs))
    bad = corrupt(data, kwargs, ["seq_len", "batch_size", "precision"])
    invalid(lambda: ServingModel().solve(m, hw, **bad))
    bad_memory = data.draw(st.sampled_from([Q_(2, "GB/s"), Q_(-1, "GiB"), Q_(math.inf, "GB"), 2, "x", math.nan]))
    invalid(lambda: ServingModel().solve(m, hw, **kwargs, reserved_memory=bad_memory))


@FUZZ
@given(m=models, hw=devices, bits=st.integers(1, 16), s=st.floats(0, 0.99), r=st.floats(0.01, 0.99), data=st.data())
def test_compression(m, hw, bits, s, r, data):
    valid(lambda: CompressionModel().solve(m, hw, "quantization", bits))
    valid(lambda: CompressionModel().solve(m, hw, "pruning", sparsity=s))
    valid(lambda: CompressionModel().solve(m, hw, "distillation", size_ratio=r))
    bad = data.draw(st.sampled_from([{"target_bitwidth": 0}, {"target_bitwidth": 17}, {"target_bitwidth": "4"},
                                     {"method": "hashing", "target_bitwidth": 4}, {"method": "pruning", "sparsity": 1.0},
                                     {"method": "distillation", "size_ratio": 0}, {"target_bitwidth": 4, "group_size": 0}]))
    invalid(lambda: CompressionModel().solve(m, hw, **bad))


@settings(max_examples=120, deadline=None)
@given(m=transformers, fleet=fleets, tp=st.sampled_from([1, 2, 4, 8, 16, 3]), pp=st.integers(1, 130),
       batch=st.integers(1, 4096), mbs=st.integers(1, 8), data=st.data())
def test_distributed(m, fleet, tp, pp, batch, mbs, data):
    kwargs = dict(batch_size=batch, tp_size=tp, pp_size=pp, micro_batch_size=mbs, seq_len=min(2048, m.context_length))
    valid(lambda: DistributedModel().solve(m, fleet, **kwargs))  # refusals must be MLSysimError, not crashes
    bad = corrupt(data, kwargs, ["batch_size", "tp_size", "pp_size", "micro_batch_size", "seq_len"])
    invalid(lambda: DistributedModel().solve(m, fleet, **bad))


@settings(max_examples=40, deadline=None)
@given(m=transformers, fleet=fleets, batch=st.sampled_from([64, 256, 1024, 4096]))
def test_parallelism_optimizer(m, fleet, batch):
    valid(lambda: ParallelismOptimizer().solve(m, fleet, batch_size=batch, seq_len=min(2048, m.context_length)))


@FUZZ
@given(fleet=fleets, days=st.floats(1e-3, 1e4), grid=grids, mfu=fractions, data=st.data())
def test_sustainability_and_economics(fleet, days, grid, mfu, data):
    valid(lambda: SustainabilityModel().solve(fleet, days, grid, mfu))
    valid(lambda: EconomicsModel().solve(fleet, days, grid, mfu))
    bad = corrupt(data, dict(duration_days=days, mfu=mfu), ["duration_days", "mfu"])
    invalid(lambda: SustainabilityModel().solve(fleet, datacenter=grid, **bad))
    invalid(lambda: EconomicsModel().solve(fleet, grid=grid, **bad))
    invalid(lambda: SustainabilityModel().solve(fleet, days, data.draw(BAD), mfu))


@FUZZ
@given(fleet=fleets, hours=st.floats(1e-3, 1e5), ckpt=st.floats(1e-3, 1e4), data=st.data())
def test_reliability(fleet, hours, ckpt, data):
    valid(lambda: ReliabilityModel().solve(fleet, hours, ckpt))
    model, lazy = data.draw(models, label="model"), data.draw(st.booleans(), label="asynchronous")
    valid(lambda: ReliabilityModel().solve(fleet, hours, model=model, asynchronous=lazy))
    invalid(lambda: ReliabilityModel().solve(fleet, hours, model=model, storage_bandwidth=data.draw(BAD)))
    invalid(lambda: ReliabilityModel().solve(fleet, hours, model=model,
                                             asynchronous=data.draw(BAD.filter(lambda v: v is not True))))
    bad = corrupt(data, dict(job_duration_hours=hours, checkpoint_time_s=ckpt), ["job_duration_hours", "checkpoint_time_s"])
    invalid(lambda: ReliabilityModel().solve(fleet, **bad))


@FUZZ
@given(budget=st.floats(1e15, 1e28), size=st.floats(1e6, 1e13), rate=st.floats(1.0, 1e12), data=st.data())
def test_scaling_and_data(budget, size, rate, data):
    valid(lambda: ScalingModel().solve(Q_(budget, "flop"), Q_(size, "param")))
    valid(lambda: ScalingModel().solve(compute_budget=Q_(budget, "flop")))
    valid(lambda: DataModel().solve(Q_(rate, "B/s")))
    invalid(lambda: ScalingModel().solve(data.draw(BAD), Q_(size, "param")))
    invalid(lambda: DataModel().solve(data.draw(BAD)))


@settings(max_examples=40, deadline=None)
@given(m=models, hw=devices, p=precisions, ms=st.floats(0.01, 1e5), mode=st.sampled_from(["inference", "training"]))
def test_sensitivity_and_synthesis(m, hw, p, ms, mode):
    valid(lambda: SensitivitySolver().solve(m, hw, p, mode=mode))
    valid(lambda: SynthesisSolver().solve(m, Q_(ms, "ms"), p, mode=mode))
    invalid(lambda: SynthesisSolver().solve(m, Q_(ms, "GB"), p))
    invalid(lambda: SynthesisSolver().solve(m, -ms, p))


@settings(max_examples=60, deadline=None)
@given(m=transformers, hw=devices, rate=st.floats(1e-3, 1e3), batch=st.integers(1, 512), data=st.data())
def test_tail_latency_and_batching(m, hw, rate, batch, data):
    from mlsysim import BatchingOptimizer, TailLatencyModel

    valid(lambda: TailLatencyModel().solve(m, hw, Q_(rate, "1/s"), batch_size=batch))
    valid(lambda: BatchingOptimizer().solve(m, hw, itl_sla=Q_(50, "ms")))
    invalid(lambda: TailLatencyModel().solve(m, hw, data.draw(BAD), batch_size=batch))
    invalid(lambda: BatchingOptimizer().solve(m, hw, itl_sla=data.draw(BAD)))


@settings(max_examples=60, deadline=None)
@given(node=st.sampled_from(list(Systems.Nodes)), n=st.integers(1, 40), regions=st.lists(grids, min_size=1, max_size=3),
       cap=st.floats(1, 1e5), tp=st.sampled_from([1, 2, 4, 8]), data=st.data())
def test_placement_and_network_roofline(node, n, regions, cap, tp, data):
    from mlsysim import NetworkRooflineModel, PlacementOptimizer

    valid(lambda: PlacementOptimizer().solve(node, n, regions, carbon_cap_t=cap))
    valid(lambda: NetworkRooflineModel().solve(Models.Llama3_70B, node, tp_size=tp, batch_size=n))
    invalid(lambda: PlacementOptimizer().solve(node, data.draw(BAD), regions))
    invalid(lambda: NetworkRooflineModel().solve(Models.Llama3_70B, node, tp_size=data.draw(BAD)))


NAMES = st.sampled_from([*Models.names()[:4], *Hardware.names()[:4], "H10", "llama", "", "Quebec", "Research_256"])
NUMBERS = st.sampled_from(["1", "0", "-3", "2.5", "nan", "inf", "1e9", "x", "0.5", "4096"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(["eval", "zoo", "optimize", "carbon"]), a=NAMES, b=NAMES, n=NUMBERS, m=NUMBERS,
       flag=st.sampled_from(["--batch-size", "--efficiency", "--seq-len", "--precision", "--days", "--mfu", "--json"]))
def test_cli_never_crashes(command, a, b, n, m, flag, capsys):
    argv = {
        "eval": [command, a, b, flag, n] if flag != "--json" else [command, a, b, flag],
        "zoo": [command, a.lower() if a else "hardware"],
        "optimize": [command, a, "--fleet", b, "--batch-size", n],
        "carbon": [command, "--fleet", a, "--days", n, "--grid", b, "--mfu", m],
    }[command]
    TRIED["invalid" if n in ("0", "-3", "nan", "inf", "x") else "valid"] += 1
    capsys.readouterr()
    try:
        code = cli.main(argv)
    except SystemExit as stop:  # argparse usage errors
        code = stop.code
    assert code in (0, 2), f"{argv} exited {code}: {capsys.readouterr().err}"
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err


def test_report_inputs_tried(request):
    request.config.fuzz_tried = dict(TRIED)
    assert sum(TRIED.values()) > 1000, TRIED
