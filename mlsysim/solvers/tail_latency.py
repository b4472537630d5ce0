"""Request latency under load for one serving replica: queueing on top of the roofline.

A replica runs ``batch_size`` requests at once (continuous batching
[@yu2022orca]; default ``Assumptions.replica_concurrency``): each
holds a slot for its service time S = prefill + ``output_len`` decode steps at
the batch's inter-token latency.  Requests arrive as a Poisson process of rate
λ, so the replica is an M/M/c queue with c = ``batch_size`` servers of rate
1/S [@harchol2013performance].  Exponential service is a conservative
stand-in for the nearly constant S (M/D/c waits about half as long).
Percentiles: waiting-time quantile + prefill (TTFT) or + S (end to end).
"""

from __future__ import annotations

import dataclasses

from .. import formulas
from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.units import quantity
from ..hardware.types import HardwareNode
from ..models.types import TransformerWorkload
from .result import Result
from .serving import ServingModel


@dataclasses.dataclass(frozen=True)
class TailLatencyResult(Result):
    """Latency percentiles of one replica at one arrival rate (ms)."""

    model: str
    hardware: str
    arrival_rate: object
    capacity: object
    utilization: float
    stable: bool
    service_time: object
    mean_wait: object
    p50_ttft: object
    p95_ttft: object
    p99_ttft: object
    p50_latency: object
    p95_latency: object
    p99_latency: object
    reason: str = ""


@dataclasses.dataclass(frozen=True)
class _Replica:
    servers: int
    prefill: float  # s
    service: float  # s


def replica(model, hardware, input_len, output_len, batch_size, precision, efficiency=None,
            assumptions: Assumptions | None = None) -> _Replica:
    """Service-time figures of a replica (shared with the batching optimizer)."""
    serving = ServingModel()
    options = {"assumptions": resolve(assumptions), "efficiency": efficiency}
    prefill = serving.solve(model, hardware, seq_len=input_len, batch_size=1, precision=precision,
                            **options).ttft.to("s").magnitude
    decode = serving.solve(model, hardware, seq_len=input_len + output_len // 2, batch_size=batch_size,
                           precision=precision, **options)
    return _Replica(batch_size, prefill, prefill + output_len * decode.itl.to("s").magnitude)


def percentiles(r: _Replica, rate: float) -> dict[str, float]:
    """Waiting-time quantiles and latency percentiles in seconds (inf when unstable)."""
    mu = 1.0 / r.service
    if rate >= r.servers * mu:
        inf = float("inf")
        return {"wait": inf, **{f"p{p}": inf for p in (50, 95, 99)}}
    out = {"wait": formulas.mmc_mean_wait(rate, mu, r.servers)}
    for p in (50, 95, 99):
        out[f"p{p}"] = formulas.mmc_wait_percentile(rate, mu, r.servers, p / 100)
    return out


def _replica(model, hardware, input_len, output_len, batch_size, precision, efficiency, a: Assumptions) -> _Replica:
    """``replica`` with the request shape validated and its gaps filled from ``a``."""
    return replica(
        model, hardware,
        validate.positive_int("input_len", a.request_input_tokens if input_len is None else input_len),
        validate.positive_int("output_len", a.request_output_tokens if output_len is None else output_len),
        validate.positive_int("batch_size", a.replica_concurrency if batch_size is None else batch_size),
        precision, efficiency, a)


class TailLatencyModel:
    """P50/P95/P99 time to first token and end-to-end latency of a replica under Poisson load."""

    def solve(self, model: TransformerWorkload, hardware: HardwareNode, arrival_rate, input_len: int | None = None,
              output_len: int | None = None, batch_size: int | None = None, precision: str | None = None,
              efficiency: float | None = None, *, assumptions: Assumptions | None = None) -> TailLatencyResult:
        """Latency percentiles at ``arrival_rate`` (requests per second, a Quantity like ``Q_(5, "1/s")``).

        An overloaded replica (λ ≥ capacity) is a result with ``stable=False`` and no
        percentiles (``None``), not an error.

        Args:
            input_len, output_len: prompt and generated tokens per request (default:
                ``assumptions.request_input_tokens`` and ``request_output_tokens``).
            batch_size: requests the replica runs at once (default: ``assumptions.replica_concurrency``).
            efficiency: fraction of peak FLOP/s for the serving solves (default: the serving model's).
            assumptions: request shape and concurrency, passed on to the serving model
                (default: ``Assumptions()``).

        Example:
            >>> r = TailLatencyModel().solve(Models.Llama3_8B, Hardware.H100, Q_(2, "1/s"))
            >>> r.stable
            True
        """
        a = resolve(assumptions)
        rate = validate.quantity_in("arrival_rate", arrival_rate, "1/s", "5 / s")
        r = _replica(model, hardware, input_len, output_len, batch_size, precision, efficiency, a)
        q = percentiles(r, rate)
        capacity = r.servers / r.service
        stable = rate < capacity
        def ms(seconds):  # an overloaded replica has no finite percentiles: None
            return quantity(seconds * 1e3, "ms") if stable else None

        return TailLatencyResult(
            model=model.name, hardware=hardware.name, arrival_rate=quantity(rate, "1/s"),
            capacity=quantity(capacity, "1/s"), utilization=rate / capacity, stable=stable,
            service_time=quantity(r.service * 1e3, "ms"), mean_wait=ms(q["wait"]),
            p50_ttft=ms(q["p50"] + r.prefill), p95_ttft=ms(q["p95"] + r.prefill), p99_ttft=ms(q["p99"] + r.prefill),
            p50_latency=ms(q["p50"] + r.service), p95_latency=ms(q["p95"] + r.service),
            p99_latency=ms(q["p99"] + r.service),
            reason="" if stable else f"arrivals {rate:.3g}/s exceed the replica's capacity {capacity:.3g}/s",
        )

    def max_rate(self, model: TransformerWorkload, hardware: HardwareNode, p99_sla, input_len: int | None = None,
                 output_len: int | None = None, batch_size: int | None = None, precision: str | None = None,
                 efficiency: float | None = None, *, assumptions: Assumptions | None = None):
        """The highest arrival rate (1/s) at which P99 end-to-end latency stays within ``p99_sla``.

        Zero when even an idle replica misses the SLA.  Defaults as in :meth:`solve`.
        """
        sla = validate.quantity_in("p99_sla", p99_sla, "s", "30 s")
        r = _replica(model, hardware, input_len, output_len, batch_size, precision, efficiency, resolve(assumptions))
        if r.service > sla:
            return quantity(0.0, "1/s")
        lo, hi = 0.0, r.servers / r.service
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if percentiles(r, mid)["p99"] + r.service <= sla else (lo, mid)
        return quantity(lo, "1/s")
