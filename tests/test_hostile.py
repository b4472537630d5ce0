"""Hostile values at every argument of every public entry point.

Each entry point is called once with a valid set of arguments, then once per argument with each value of a
hostile set substituted: huge and subnormal numbers, ``inf`` and ``nan`` (Python and NumPy), wrong types,
wrong dimensions, unit strings that would be arithmetic if evaluated, and absurd specs.  Every call must
either return a result whose numbers are all finite or raise the project's own error
(:class:`MLSysimError`) — never a foreign exception — and finish within a few seconds.  The same valid
arguments given as NumPy scalars must give the same result.  The count of calls joins the fuzz summary
printed at the end of ``make test``.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from fractions import Fraction

import numpy as np
import pytest

from mlsysim import (
    Q_,
    Assumptions,
    BatchingOptimizer,
    CNNWorkload,
    CompressionModel,
    Datacenter,
    DataModel,
    DeploymentSearch,
    DistributedModel,
    EconomicsModel,
    EncoderWorkload,
    Engine,
    Facility,
    Fleet,
    ForwardModel,
    GridProfile,
    Hardware,
    HardwareNode,
    Infra,
    InvalidArgumentError,
    MLSysimError,
    Models,
    NetworkFabric,
    NetworkRooflineModel,
    Node,
    ParallelismOptimizer,
    PlacementOptimizer,
    PrecisionFallbackWarning,
    ReliabilityModel,
    ScalingModel,
    SensitivitySolver,
    ServingModel,
    SingleNodeModel,
    SpeculativeDecoding,
    SustainabilityModel,
    SynthesisSolver,
    Systems,
    TailLatencyModel,
    TransformerWorkload,
    explain,
    generation_throughput,
    request_cost,
    ureg,
)
from mlsysim.solvers.result import Result
from mlsysim.sweep import sweep_serving

TRIED = {"answered": 0, "refused": 0, "slowest_s": 0.0}
SLOW_S = 5.0
"""A call that takes longer than this counts as a hang."""

M8, M70, RESNET = Models.Llama3_8B, Models.Llama3_70B, Models.ResNet50
H100, DGX, FLEET = Hardware.H100, Systems.Nodes.DGX_H100, Systems.Clusters.Research_256
QUEBEC, IOWA = Infra.Grids.Quebec, Infra.Grids.US_Iowa if hasattr(Infra.Grids, "US_Iowa") else Infra.Grids.Quebec

HOSTILE: list = [
    0, -1, -0.0, 2.5, 10**400, -(10**400), 1e300, -1e300, 5e-324, 1e-300, math.inf, -math.inf, math.nan,
    np.float64("nan"), np.float64(1e300), np.int64(2**62), np.float32("inf"), True, False, None, 1 + 2j,
    Fraction(1, 3), "x", "", "nan", "1e999", "10**10**8 s", "2**2**40 s", "1e999 s", "-5 ms", "5 GB", "s",
    "__import__('os') s", [], [1], [math.nan], (0,), {}, {"a": 1}, object(), Q_(1, "GB"), Q_(-1, "s"),
    Q_(math.nan, "ms"), Q_(1e300, "s"), Q_(5e-324, "s"), Q_(1, "dimensionless"), Q_(10, "percent"),
    Hardware.H100, Models.ResNet50, Systems.Nodes.DGX_H100, Infra.Grids.Quebec,
    1e31, 1e-31, 2**63, -(2**63), np.float64("-inf"), np.bool_(True), np.int8(-3), "inf s", "1e31 s", b"5 ms",
    Q_(math.inf, "GB/s"), Q_(1e31, "1/s"), Q_(-0.0, "s"), range(10**12), [10**400], [2.5, "x"],
]
"""Values no argument should turn into a crash, a hang or a non-finite result."""

SPECULATIVE = SpeculativeDecoding(draft_tokens=4, acceptance_rate=0.7)


def _itl(hardware, precision):
    return ServingModel().solve(M8, hardware, precision=precision).itl


ENTRY_POINTS: dict[str, tuple] = {
    "Engine.solve": (Engine.solve, dict(model=M8, hardware=H100, batch_size=4, precision="fp16", efficiency=0.5)),
    "SingleNodeModel": (SingleNodeModel().solve, dict(
        model=RESNET, hardware=H100, batch_size=8, precision="fp16", efficiency=0.5, mode="training", seq_len=None,
        memory_efficiency=0.9, dispatch_tax=Q_(10, "us"), optimizer="adam")),
    "ServingModel": (ServingModel().solve, dict(
        model=M70, hardware=DGX, seq_len=4096, batch_size=8, precision="fp16", efficiency=0.5, tp_size=8, pp_size=1,
        kv_precision="fp8", memory_efficiency=0.9, reserved_memory=Q_(2, "GiB"), query_tokens=1)),
    "CompressionModel": (CompressionModel().solve, dict(
        model=M8, hardware=H100, method="quantization", target_bitwidth=4, group_size=128, baseline_precision="fp16",
        efficiency=0.5)),
    "DataModel": (DataModel().solve, dict(workload_data_rate=Q_(8, "MB/s"), hardware=H100,
                                          storage_bw=Q_(2, "GB/s"), host_bw=Q_(20, "GB/s"), network_bw=Q_(10, "GB/s"))),
    "DistributedModel": (DistributedModel().solve, dict(
        model=M70, fleet=FLEET, batch_size=256, precision="bf16", efficiency=0.5, tp_size=8, pp_size=4, dp_size=8,
        micro_batch_size=1, seq_len=2048, overlap_comm=True, optimizer_sharding="zero1", recompute="selective",
        schedule="1f1b", flash_attention=True, optimizer="adam", training_tokens=Q_(1e12, "token"))),
    "ParallelismOptimizer": (ParallelismOptimizer().solve, dict(
        model=M70, fleet=FLEET, batch_size=256, precision="bf16", efficiency=0.5, seq_len=2048, top_k=3)),
    "EconomicsModel": (EconomicsModel().solve, dict(
        fleet=FLEET, duration_days=30, grid=QUEBEC, mfu=0.4, utilization=0.8, lifetime_years=4,
        infrastructure_multiplier=1.3, network_capex_fraction=0.1, maintenance_fraction=0.05)),
    "SustainabilityModel": (SustainabilityModel().solve, dict(fleet=FLEET, duration_days=30, datacenter=QUEBEC,
                                                              mfu=0.4, utilization=0.8)),
    "ReliabilityModel": (ReliabilityModel().solve, dict(
        fleet=FLEET, job_duration_hours=720, model=M70, precision="bf16", storage_bandwidth=Q_(100, "GB/s"),
        asynchronous=False)),
    "ReliabilityModel(checkpoint_s)": (ReliabilityModel().solve, dict(
        fleet=FLEET, job_duration_hours=720, checkpoint_time_s=60, restart_time_s=600)),
    "ScalingModel": (ScalingModel().solve, dict(compute_budget=Q_(1e23, "flop"), target_model_size=Q_(7e9, "param"))),
    "SensitivitySolver": (SensitivitySolver().solve, dict(model=M8, hardware=H100, precision="fp16", batch_size=4,
                                                          efficiency=0.5, step=0.1)),
    "SynthesisSolver": (SynthesisSolver().solve, dict(model=RESNET, target_latency=Q_(5, "ms"), precision="fp16",
                                                      batch_size=1, seq_len=None, efficiency=0.5,
                                                      memory_efficiency=0.9)),
    "BatchingOptimizer": (BatchingOptimizer().solve, dict(
        model=M8, hardware=H100, input_len=512, output_len=128, precision="fp16", itl_sla=Q_(50, "ms"),
        p99_sla=Q_(5, "s"), arrival_rate=Q_(2, "1/s"), efficiency=0.5, candidates=[1, 8, 32], chunk_tokens=512,
        prefix_hit_rate=0.1)),
    "TailLatencyModel": (TailLatencyModel().solve, dict(
        model=M8, hardware=H100, arrival_rate=Q_(2, "1/s"), input_len=512, output_len=128, batch_size=16,
        precision="fp16", efficiency=0.5, chunk_tokens=512, prefix_hit_rate=0.1)),
    "TailLatencyModel.max_rate": (TailLatencyModel().max_rate, dict(
        model=M8, hardware=H100, p99_sla=Q_(5, "s"), input_len=512, output_len=128, batch_size=16, precision="fp16")),
    "PlacementOptimizer": (PlacementOptimizer().solve, dict(
        node=DGX, nodes_needed=8, regions=[QUEBEC, Infra.Grids.Poland], user_latency_ms={"Quebec": 20, "Poland": 90},
        max_latency_ms=100, budget_usd=1e8, carbon_cap_t=1e4, min_regions=1, objective="cost", mfu=0.4)),
    "NetworkRooflineModel": (NetworkRooflineModel().solve, dict(
        model=M70, node=DGX, tp_size=8, batch_size=8, seq_len=2048, precision="fp16", phase="decode", efficiency=0.5)),
    "ForwardModel": (ForwardModel().solve, dict(model=M8, fleet=FLEET, batch_size=8, seq_len=1024, precision="fp16",
                                                grid=QUEBEC, duration_days=30, mfu=0.4, efficiency=0.5)),
    "DeploymentSearch": (DeploymentSearch().solve, dict(
        model=M8, arrival_rate=Q_(5, "1/s"), input_len=512, output_len=128, ttft_p99=Q_(2, "s"), itl=Q_(50, "ms"),
        nodes=[DGX], precisions=["fp16"], tp_sizes=[1, 2], pp_sizes=[1], batches=[8, 32], grid=QUEBEC)),
    "request_cost": (request_cost, dict(model=M8, hardware=H100, input_len=512, output_len=128, batch_size=16,
                                        precision="fp16", chunk_tokens=512, prefix_hit_rate=0.1,
                                        speculative=SPECULATIVE, efficiency=0.5)),
    "generation_throughput": (generation_throughput, dict(model=M8, hardware=H100, batch_size=16, input_len=512,
                                                          output_len=128, precision="fp16")),
    "SpeculativeDecoding": (SpeculativeDecoding, dict(draft_tokens=4, acceptance_rate=0.7)),
    "sweep_serving": (sweep_serving, dict(models=[M8], nodes=[DGX], precisions=["fp16"], batch_sizes=[1, 8],
                                          input_lens=[512], grids=[QUEBEC], output_len=64, efficiency=0.5,
                                          utilization=0.5)),
    "explain": (explain, dict(metric=_itl, baseline={"hardware": Hardware.A100, "precision": "fp16"},
                              alternative={"hardware": H100, "precision": "fp8"})),
    "Hardware.get": (Hardware.get, dict(name="H100")),
    "Models.get": (Models.get, dict(name="Llama3_8B")),
    "Systems.get": (Systems.get, dict(name="DGX_H100")),
    "Infra.get": (Infra.get, dict(name="Quebec")),
    "Models.from_hf_config": (Models.from_hf_config, dict(config={
        "architectures": ["LlamaForCausalLM"], "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
        "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 8192,
        "tie_word_embeddings": False})),
}


def _fields(spec) -> dict:
    return {f: getattr(spec, f) for f in type(spec).model_fields}


SPECS = {
    "HardwareNode": (HardwareNode, _fields(H100)),
    "Node": (Node, _fields(DGX)),
    "NetworkFabric": (NetworkFabric, _fields(Systems.Fabrics.InfiniBand_NDR)),
    "Fleet": (Fleet, _fields(FLEET)),
    "GridProfile": (GridProfile, _fields(QUEBEC)),
    "Facility": (Facility, _fields(next(f for _, f in Infra.items() if isinstance(f, Facility)))),
    "Datacenter": (Datacenter, _fields(next(d for _, d in Infra.items() if isinstance(d, Datacenter)))),
    "TransformerWorkload": (TransformerWorkload, _fields(Models.Mixtral_8x7B)),
    "CNNWorkload": (CNNWorkload, _fields(RESNET)),
    "EncoderWorkload": (EncoderWorkload, _fields(Models.Whisper_Large_v3)),
    "Assumptions": (Assumptions, {f.name: getattr(Assumptions(), f.name) for f in dataclasses.fields(Assumptions)}),
}
"""Every spec type and the assumptions, built from a registry entry's own fields."""

ENTRY_POINTS.update(SPECS)


def _check_finite(value, where: str, seen: set) -> None:
    """Every number reachable from ``value`` (a result, Quantity, container) is finite."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, ureg.Quantity):
        _check_finite(value.magnitude, where, seen)
    elif isinstance(value, (bool, str, type(None))):
        return
    elif isinstance(value, (int, float, np.integer, np.floating)):
        assert math.isfinite(value), f"{where} is {value}"
    elif isinstance(value, np.ndarray):
        if value.dtype.kind in "fc":
            assert np.isfinite(value[~np.isnan(value)] if where.endswith(("usd_per_mtok", "gco2_per_ktok")) else value).all(), \
                f"{where} holds non-finite values"
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_finite(v, f"{where}.{k}", seen)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _check_finite(v, f"{where}[{i}]", seen)
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            _check_finite(getattr(value, f.name), f"{where}.{f.name}", seen)
    elif hasattr(value, "columns"):  # a SweepResult
        _check_finite(value.columns, f"{where}.columns", seen)


def attempt(name: str, fn, kwargs: dict) -> str | MLSysimError:
    """Call ``fn(**kwargs)``; return 'ok' or the project's error it raised, or fail the test naming the entry
    point and arguments."""
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrecisionFallbackWarning)
        try:
            result = fn(**kwargs)
            outcome: str | MLSysimError = "ok"
        except MLSysimError as err:
            result, outcome = None, err
        except Exception as exc:  # noqa: BLE001 - the point of the test is to find these
            pytest.fail(f"{name}({_short(kwargs)}) raised {type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - started
    TRIED["slowest_s"] = max(TRIED["slowest_s"], seconds)
    assert seconds < SLOW_S, f"{name}({_short(kwargs)}) took {seconds:.1f} s"
    if result is not None:
        _check_finite(result.summary() if isinstance(result, Result) else result, name, set())
        _check_finite(result, name, set())
    TRIED["answered" if outcome == "ok" else "refused"] += 1
    return outcome


def _short(kwargs: dict) -> str:
    return ", ".join(f"{k}={str(v)[:40]}" for k, v in kwargs.items())


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_valid_arguments_give_a_finite_result(name):
    fn, kwargs = ENTRY_POINTS[name]
    assert attempt(name, fn, kwargs) == "ok"


def _numpy(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return np.int64(value)
    if isinstance(value, float):
        return np.float64(value)
    return value


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_numpy_scalars_are_the_numbers_they_are(name):
    fn, kwargs = ENTRY_POINTS[name]
    assert attempt(name, fn, {k: _numpy(v) for k, v in kwargs.items()}) == "ok"


CROSS_CHECKS = {
    ("BatchingOptimizer", "arrival_rate", "p99_sla"), ("BatchingOptimizer", "candidates", "chunk_tokens"),
    ("DistributedModel", "pp_size", "dp_size"), ("DistributedModel", "tp_size", "dp_size"),
    ("ForwardModel", "model", "seq_len"), ("ServingModel", "hardware", "tp_size"), ("explain", "baseline", "alternative"),
}
"""Refusals that rightly name another argument: the value given is fine alone, the pair is not."""


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_hostile_values_at_every_argument(name):
    fn, kwargs = ENTRY_POINTS[name]
    for argument in kwargs:
        for value in HOSTILE:
            outcome = attempt(name, fn, {**kwargs, argument: value})
            if isinstance(outcome, InvalidArgumentError):  # the error names the argument the caller got wrong
                named = outcome.argument
                assert argument in named or named in argument or (name, argument, named) in CROSS_CHECKS, \
                    f"{name}({argument}={str(value)[:40]}) refused naming {named!r}"


def test_report_hostile_calls(request):
    """Runs last in this module: hands the counts to the summary ``make test`` prints."""
    request.config.hostile_tried = dict(TRIED)
    assert TRIED["answered"] + TRIED["refused"] >= 20_000, TRIED
