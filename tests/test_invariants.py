"""Physical invariants over random valid inputs: what every answer must satisfy, whatever the numbers.

* Every fraction a result reports (utilizations of a resource, goodput, MFU, shares, probabilities,
  efficiencies, hit rates) lies in [0, 1].
* Fewer bits never make a bigger model: quantized sizes grow with the bit width, and a quantization is
  never larger than its baseline.
* What one solver calls feasible, the solver that owns the rule calls feasible too: every device
  ``SynthesisSolver`` lists meets the target under ``Engine``; a replica ``TailLatencyModel`` calls stable
  fits in memory under ``ServingModel`` at the context its requests hold.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsysim import (
    Q_,
    CompressionModel,
    DistributedModel,
    EconomicsModel,
    Engine,
    Hardware,
    Infra,
    MLSysimError,
    Models,
    PrecisionFallbackWarning,
    ReliabilityModel,
    ServingModel,
    SustainabilityModel,
    SynthesisSolver,
    Systems,
    TailLatencyModel,
    TransformerWorkload,
    ureg,
)
from mlsysim.core.assumptions import Assumptions
from mlsysim.solvers.request import held_context
from mlsysim.systems.types import Fleet

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
transformers = st.sampled_from([m for _, m in Models.items() if isinstance(m, TransformerWorkload)])
models = st.sampled_from([m for _, m in Models.items()])
devices = st.sampled_from([h for _, h in Hardware.items()])
precisions = st.sampled_from(["fp32", "bf16", "fp16", "fp8", "int8", "int4"])
fleets = st.builds(lambda n, node, fabric: Fleet(name="fuzz", node=node, count=n, fabric=fabric),
                   st.integers(1, 4096), st.sampled_from(list(Systems.Nodes)), st.sampled_from(list(Systems.Fabrics)))
grids = st.sampled_from([g for _, g in Infra.Grids.items()])

FRACTION_WORDS = ("fraction", "share", "goodput", "mfu", "overhead", "probability", "efficiency", "hit_rate")
OFFERED_LOAD = {"utilization"}  # offered load of a queue: above 1 means overloaded, reported as such


def _fractions(value, where: str = "") -> list[tuple[str, float]]:
    """Every number under a key whose name says it is a fraction, with its path."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            path = f"{where}.{k}"
            if isinstance(v, (int, float)) and not isinstance(v, bool) and any(w in str(k) for w in FRACTION_WORDS):
                out.append((path, float(v)))
            elif isinstance(v, ureg.Quantity) and v.dimensionless and any(w in str(k) for w in FRACTION_WORDS):
                out.append((path, float(v.to("dimensionless").magnitude)))
            elif isinstance(v, (dict, list, tuple)) or dataclasses.is_dataclass(v):
                out.extend(_fractions(v, path))
        return out
    if isinstance(value, (list, tuple)):
        return [item for v in value for item in _fractions(v, where)]
    return []


def _assert_fractions(result) -> None:
    for path, v in _fractions(result):
        assert 0.0 <= v <= 1.0 or math.isnan(v), f"{path} = {v}"


def _quietly(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrecisionFallbackWarning)
        try:
            return call()
        except MLSysimError:
            return None


@SETTINGS
@given(m=models, hw=devices, p=precisions, batch=st.integers(1, 512), mode=st.sampled_from(["inference", "training"]))
def test_single_node_fractions(m, hw, p, batch, mode):
    r = _quietly(lambda: Engine.solve(m, hw, batch_size=batch, precision=p, mode=mode))
    if r is not None:
        _assert_fractions(r)


@SETTINGS
@given(m=transformers, fleet=fleets, tp=st.sampled_from([1, 2, 4, 8]), pp=st.sampled_from([1, 2, 4, 8]),
       batch=st.sampled_from([64, 256, 1024]))
def test_training_fractions(m, fleet, tp, pp, batch):
    r = _quietly(lambda: DistributedModel().solve(m, fleet, batch_size=batch, tp_size=tp, pp_size=pp,
                                                  seq_len=min(2048, m.context_length)))
    if r is not None:
        _assert_fractions(r)


@SETTINGS
@given(fleet=fleets, hours=st.floats(1e-3, 1e6), ckpt=st.floats(1e-3, 1e6), restart=st.floats(0, 1e5),
       days=st.floats(1e-3, 1e4), grid=grids, u=st.floats(1e-3, 1.0))
def test_operations_fractions(fleet, hours, ckpt, restart, days, grid, u):
    for result in (_quietly(lambda: ReliabilityModel().solve(fleet, hours, ckpt, restart)),
                   _quietly(lambda: SustainabilityModel().solve(fleet, days, grid, utilization=u)),
                   _quietly(lambda: EconomicsModel().solve(fleet, days, grid, utilization=u))):
        if result is not None:
            _assert_fractions(result)


@SETTINGS
@given(m=transformers, hw=devices, rate=st.floats(1e-3, 1e3), batch=st.integers(1, 256),
       n_in=st.integers(1, 4096), n_out=st.integers(1, 1024), hit=st.floats(0, 0.99))
def test_serving_fractions_and_stable_replicas_fit(m, hw, rate, batch, n_in, n_out, hit):
    r = _quietly(lambda: TailLatencyModel().solve(m, hw, Q_(rate, "1/s"), input_len=n_in, output_len=n_out,
                                                  batch_size=batch, prefix_hit_rate=hit))
    if r is None:
        return
    _assert_fractions(r)
    if r.stable:
        held = held_context(n_in, n_out, batch, hit, False, Assumptions().kv_block_tokens)
        serving = _quietly(lambda: ServingModel().solve(m, hw, seq_len=min(held, m.context_length), batch_size=batch))
        assert serving is not None and serving.feasible, f"{m.name} on {hw.name} stable but does not fit"
        assert 0.0 <= r.utilization < 1.0


@SETTINGS
@given(m=models, hw=devices, low=st.integers(1, 15), step=st.integers(1, 15), group=st.integers(1, 4096),
       base=st.sampled_from(["fp32", "fp16", "bf16"]))
def test_fewer_bits_never_make_a_bigger_model(m, hw, low, step, group, base):
    high = min(16, low + step)

    def size(bits):
        r = _quietly(lambda: CompressionModel().solve(m, hw, "quantization", bits, group_size=group,
                                                      baseline_precision=base))
        return None if r is None else (r.compressed_size_gb, r.original_size_gb)

    small, large = size(low), size(high)
    for s in (small, large):
        if s is not None:
            assert s[0] < s[1], f"a quantization larger than its {base} baseline: {s}"
    if small is not None and large is not None:
        assert small[0] <= large[0]


@settings(max_examples=25, deadline=None)
@given(m=models, p=precisions, ms=st.floats(0.01, 1e5), mode=st.sampled_from(["inference", "training"]))
def test_what_synthesis_lists_the_engine_calls_feasible_within_target(m, p, ms, mode):
    r = _quietly(lambda: SynthesisSolver().solve(m, Q_(ms, "ms"), p, mode=mode))
    if r is None:
        return
    for name in r.matching_hardware:
        e = _quietly(lambda name=name: Engine.solve(m, Hardware.get(name), precision=p, mode=mode))
        assert e is not None and e.feasible and e.latency.to("ms").magnitude <= ms * (1 + 1e-12), name
