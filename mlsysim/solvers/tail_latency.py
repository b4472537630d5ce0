"""Request latency under load for one serving replica: queueing on top of the request cost.

The replica's cost per request, its capacity and its queue come from `request_cost`,
the definition every serving solver shares: a request costs the replica g = prefill + output × ITL / batch
seconds, so the replica is stable below 1/g requests per second.  Under Poisson arrivals a request waits for one
of `batch_size` decode slots (M/M/c [@harchol2013performance]; exponential service is a conservative stand-in
for the nearly constant slot time, M/D/c waits about half as long), is prefilled, then decodes at the mean
inter-token latency that the prefills of other arrivals stretch.  Percentiles are the wait's quantile plus the
first-token time (TTFT) or plus the whole generation (end to end).
"""

from __future__ import annotations

import dataclasses

from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.precision import Precisions
from ..core.units import Quantity, quantity
from ..hardware.types import HardwareNode
from ..models.types import TransformerWorkload
from ..systems.types import Node
from .request import RequestCost, SpeculativeDecoding, request_cost
from .result import Result


@dataclasses.dataclass(frozen=True)
class TailLatencyResult(Result):
    """Latency percentiles of one replica at one arrival rate: what `TailLatencyModel.solve` returns.

    Times are in ms; they are None where the queue is unstable (arrivals reach the capacity), and
    `reason` says so.

    Attributes:
        model: the model's name.
        hardware: the device's or node's name.
        arrival_rate: requests per second arriving (1/s).
        capacity: requests per second the replica completes when always busy (1/s).
        utilization: arrival rate / capacity.
        stable: whether the queue is stable (utilization below 1, and the replica fits in memory).
        service_time: replica time one request costs, g = prefill + output × ITL / batch (ms).
        mean_itl: mean inter-token latency under the load (ms).
        worst_itl: a decode step that also waits for one prompt (ms).
        mean_wait: mean queueing delay for a decode slot (ms).
        p50_ttft: median time to first token (ms).
        p95_ttft: 95th-percentile time to first token (ms).
        p99_ttft: 99th-percentile time to first token (ms).
        p50_latency: median end-to-end latency (ms).
        p95_latency: 95th-percentile end-to-end latency (ms).
        p99_latency: 99th-percentile end-to-end latency (ms).
        reason: why the queue is unstable ("" when it is stable).

    Example:
        >>> from mlsysim import Hardware, Models, Q_, TailLatencyModel
        >>> r = TailLatencyModel().solve(Models.Llama3_8B, Hardware.H100, Q_(2, "1/s"))
        >>> r.stable, r.p99_ttft >= r.p50_ttft
        (True, True)
        >>> TailLatencyModel().solve(Models.Llama3_8B, Hardware.H100, Q_(1000, "1/s")).p99_ttft is None
        True
    """

    model: str
    hardware: str
    arrival_rate: Quantity
    capacity: Quantity
    utilization: float
    stable: bool
    service_time: Quantity
    mean_itl: Quantity | None
    worst_itl: Quantity | None
    mean_wait: Quantity | None
    p50_ttft: Quantity | None
    p95_ttft: Quantity | None
    p99_ttft: Quantity | None
    p50_latency: Quantity | None
    p95_latency: Quantity | None
    p99_latency: Quantity | None
    reason: str = ""


class TailLatencyModel:
    """P50/P95/P99 time to first token and end-to-end latency of a replica under Poisson load.

    The replica is priced as `request_cost` prices it and queued as an M/M/c system of decode slots
    [@harchol2013performance].
    """

    def solve(self, model: TransformerWorkload, hardware: HardwareNode | Node, arrival_rate,
              input_len: int | None = None, output_len: int | None = None, batch_size: int | None = None,
              precision: str | Precisions | None = None, efficiency: float | None = None, *,
              tp_size: int | None = None, pp_size: int | None = None, chunk_tokens: int | None = None,
              prefix_hit_rate: float | None = None, speculative: SpeculativeDecoding | None = None,
              assumptions: Assumptions | None = None) -> TailLatencyResult:
        """Latency percentiles at `arrival_rate`.

        An overloaded replica (λ ≥ 1/g), or one that does not fit in memory, is a result with
        `stable=False`, no percentiles (None) and a `reason`, not an error.

        Args:
            model: a transformer from `Models.Language`.
            hardware: a device, or a node whose GPUs one replica splits `tp_size × pp_size` ways.
            arrival_rate (Quantity): requests per second, such as `Q_(5, "1/s")`.
            input_len: prompt tokens per request; default `Assumptions.request_input_tokens`.
            output_len: generated tokens per request; default `Assumptions.request_output_tokens`.
            batch_size: requests the replica runs at once; default `Assumptions.replica_concurrency`.
            precision: a precision name or a `Precisions`; default `Assumptions.precision`.
            efficiency: fraction of peak FLOP/s for the serving solves; default None: the size-dependent curves.
            tp_size: tensor-parallel GPUs (as in `ServingModel.solve`).
            pp_size: pipeline stages (as in `ServingModel.solve`).
            chunk_tokens: chunked prefill's token budget per step, as in `request_cost`.
            prefix_hit_rate: fraction of each prompt found in a prefix cache, as in `request_cost`.
            speculative: speculative decoding, as in `request_cost`.
            assumptions: request shape and concurrency, passed on to the serving model; default `Assumptions()`.

        Returns:
            Capacity, utilization and the latency percentiles.

        Example:
            >>> from mlsysim import Hardware, Models, Q_, TailLatencyModel
            >>> r = TailLatencyModel().solve(Models.Llama3_8B, Hardware.H100, Q_(2, "1/s"))
            >>> r.stable
            True
        """
        rate = validate.quantity_in("arrival_rate", arrival_rate, "1/s", "5 / s", allow_zero=True)
        cost = request_cost(model, hardware, input_len, output_len, batch_size, precision, tp_size=tp_size,
                            pp_size=pp_size, chunk_tokens=chunk_tokens, prefix_hit_rate=prefix_hit_rate,
                            speculative=speculative, efficiency=efficiency, assumptions=resolve(assumptions))
        return under_load(cost, rate)

    def max_rate(self, model: TransformerWorkload, hardware: HardwareNode | Node, p99_sla,
                 input_len: int | None = None, output_len: int | None = None, batch_size: int | None = None,
                 precision: str | Precisions | None = None, efficiency: float | None = None, *,
                 tp_size: int | None = None, pp_size: int | None = None, chunk_tokens: int | None = None,
                 prefix_hit_rate: float | None = None, speculative: SpeculativeDecoding | None = None,
                 assumptions: Assumptions | None = None) -> Quantity:
        """The highest arrival rate at which P99 end-to-end latency stays within `p99_sla` (found by bisection).

        Zero when even an idle replica misses the SLA, or the replica does not fit.  The other arguments and
        their defaults are those of `solve`.

        Args:
            model: a transformer from `Models.Language`.
            hardware: a device, or a node.
            p99_sla (Quantity): the P99 end-to-end latency allowed.
            input_len: prompt tokens per request; default `Assumptions.request_input_tokens`.
            output_len: generated tokens per request; default `Assumptions.request_output_tokens`.
            batch_size: requests the replica runs at once; default `Assumptions.replica_concurrency`.
            precision: a precision name or a `Precisions`; default `Assumptions.precision`.
            efficiency: fraction of peak FLOP/s; default None: the size-dependent curves.
            tp_size: tensor-parallel GPUs.
            pp_size: pipeline stages.
            chunk_tokens: chunked prefill's token budget per step.
            prefix_hit_rate: fraction of each prompt found in a prefix cache.
            speculative: speculative decoding.
            assumptions: the modelling defaults; default `Assumptions()`.

        Returns:
            (Quantity): requests per second (1/s).

        Example:
            >>> from mlsysim import Hardware, Models, Q_, TailLatencyModel
            >>> rate = TailLatencyModel().max_rate(Models.Llama3_8B, Hardware.H100, Q_(10, "s"))
            >>> TailLatencyModel().solve(Models.Llama3_8B, Hardware.H100, rate * 0.99).p99_latency <= Q_(10, "s")
            True
        """
        sla = validate.quantity_in("p99_sla", p99_sla, "s", "30 s")
        cost = request_cost(model, hardware, input_len, output_len, batch_size, precision, tp_size=tp_size,
                            pp_size=pp_size, chunk_tokens=chunk_tokens, prefix_hit_rate=prefix_hit_rate,
                            speculative=speculative, efficiency=efficiency, assumptions=resolve(assumptions))
        return quantity(max_rate(cost, sla, 0.99), "1/s")


def max_rate(cost: RequestCost, sla_s: float, percentile: float) -> float:
    """The highest arrival rate (1/s) whose end-to-end latency percentile stays within `sla_s` (bisection)."""
    if not cost.feasible or cost.latency_s(0.0, percentile) > sla_s:
        return 0.0
    lo, hi = 0.0, cost.capacity_per_s
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cost.latency_s(mid, percentile) <= sla_s else (lo, mid)
    return lo


def under_load(cost: RequestCost, rate: float) -> TailLatencyResult:
    """The percentiles of an already-priced replica (`request_cost`) at `rate` requests per second."""
    stable = cost.stable(rate)

    def ms(seconds):  # an unstable replica has no finite percentiles: None
        return quantity(seconds * 1e3, "ms") if stable else None

    if not cost.feasible:
        reason = f"the replica does not fit: {cost.reason}"
    elif not stable:
        reason = (f"arrivals {rate:.3g}/s exceed the replica's capacity {cost.capacity_per_s:.3g}/s "
                  f"(1 / (prefill + output × ITL / batch))")
    else:
        reason = ""
    return TailLatencyResult(
        model=cost.model, hardware=cost.hardware, arrival_rate=quantity(rate, "1/s"),
        capacity=quantity(cost.capacity_per_s, "1/s"), utilization=rate * cost.gpu_time_s, stable=stable,
        service_time=quantity(cost.gpu_time_s * 1e3, "ms"),
        mean_itl=ms(cost.mean_itl_s(rate)), worst_itl=ms(cost.worst_itl_s(rate)), mean_wait=ms(cost.wait_s(rate)),
        p50_ttft=ms(cost.ttft_s(rate, 0.50)), p95_ttft=ms(cost.ttft_s(rate, 0.95)), p99_ttft=ms(cost.ttft_s(rate, 0.99)),
        p50_latency=ms(cost.latency_s(rate, 0.50)), p95_latency=ms(cost.latency_s(rate, 0.95)),
        p99_latency=ms(cost.latency_s(rate, 0.99)), reason=reason,
    )
