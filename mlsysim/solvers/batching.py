"""Choose the batch (continuous-batching concurrency) that serves the most tokens within SLAs.

Each candidate batch (default: `Assumptions.batch_candidates`) is priced by
`request_cost`, the definition every serving solver shares: its throughput
is output tokens per second *with* the prefills (output / (prefill + output × ITL / batch)).  Each is
checked for memory, its inter-token latency against `itl_sla` (the mean under `arrival_rate`'s prefills
when a rate is given), and its P99 end-to-end latency against `p99_sla` (`TailLatencyModel`).  The
result keeps every point swept, the Pareto front of (throughput ↑, P99 ↓), the chosen batch, and why the
next larger batch was rejected.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.errors import InvalidArgumentError
from ..core.precision import check_precision
from ..core.units import quantity
from ..hardware.types import HardwareNode, PrecisionFallbackWarning
from ..models.types import TransformerWorkload, decoder_only
from ..systems.types import Node
from .request import SpeculativeDecoding, request_cost
from .result import Result


def default_candidates(assumptions: Assumptions | None = None) -> tuple[int, ...]:
    """The batch sizes `assumptions.batch_candidates` lists, as integers (`Assumptions` checked the text)."""
    return tuple(int(part) for part in resolve(assumptions).batch_candidates.split(","))


@dataclasses.dataclass(frozen=True)
class BatchingResult(Result):
    """The chosen batch, its figures, the swept points and the reason the next batch fails: what
    `BatchingOptimizer.solve` returns.

    Attributes:
        model: the model's name.
        hardware: the device's or node's name.
        batch_size (int | None): the highest-throughput batch meeting every constraint; None when none does.
        throughput (Quantity | None): its output tokens/s.
        itl (Quantity | None): its inter-token latency (ms).
        p99_latency (Quantity | None): its P99 end-to-end latency at the arrival rate (ms); None without
            a P99 SLA.
        feasible (bool): whether any candidate meets every constraint.
        rejected_next (str): why the next larger candidate fails ("" when there is none).
        points (list[dict]): every candidate swept: "batch_size", "throughput", "itl", "p99_latency", "ok"
            and "reason".
        pareto_front (list[dict]): the feasible points no other beats in both throughput and ITL.

    Example:
        >>> from mlsysim import BatchingOptimizer, Hardware, Models, Q_
        >>> r = BatchingOptimizer().solve(Models.Llama3_8B, Hardware.H100, itl_sla=Q_(20, "ms"))
        >>> print(r.rejected_next)
        batch ...: ITL ... ms exceeds 20 ms
    """

    model: str
    hardware: str
    batch_size: int | None
    throughput: object
    itl: object
    p99_latency: object
    feasible: bool
    rejected_next: str
    points: list = dataclasses.field(repr=False)
    pareto_front: list = dataclasses.field(repr=False)


class BatchingOptimizer:
    """Throughput-maximizing batch under memory, ITL and P99 constraints: a sweep of candidate batch sizes,
    each priced as `request_cost` and queued as `TailLatencyModel` does."""

    def solve(self, model: TransformerWorkload, hardware: HardwareNode | Node, *, input_len: int | None = None,
              output_len: int | None = None, precision: str | None = None, itl_sla=None, p99_sla=None, arrival_rate=None,
              efficiency: float | None = None, candidates=None, tp_size: int | None = None,
              pp_size: int | None = None, chunk_tokens: int | None = None, prefix_hit_rate: float | None = None,
              speculative: SpeculativeDecoding | None = None,
              assumptions: Assumptions | None = None) -> BatchingResult:
        """Sweep `candidates` and keep the highest-throughput batch meeting every constraint.

        Args:
            model: a transformer from `Models.Language`.
            hardware: a device, or a node whose GPUs one replica splits.
            input_len: prompt tokens per request; default `Assumptions.request_input_tokens`.
            output_len: generated tokens per request; default `Assumptions.request_output_tokens`.
            precision: a precision name; default `Assumptions.precision`.
            itl_sla (Quantity | None): the largest inter-token latency allowed; default None, no limit.
            p99_sla (Quantity | None): the largest P99 end-to-end latency allowed, checked at `arrival_rate`.
            arrival_rate (Quantity | None): requests per second for the P99 check.
            efficiency: fraction of peak FLOP/s for the serving solves; default None: the size-dependent curves.
            candidates (list[int] | None): batch sizes to try; default `Assumptions.batch_candidates`.
            tp_size: tensor-parallel GPUs, as in `request_cost`.
            pp_size: pipeline stages, as in `request_cost`.
            chunk_tokens: chunked prefill's token budget, as in `request_cost`.
            prefix_hit_rate: prefix-cache hit rate, as in `request_cost`.
            speculative: speculative decoding, as in `request_cost`.
            assumptions: request shape and candidates, passed on to the serving model; default `Assumptions()`.

        Returns:
            The chosen batch, its figures, and every point swept.

        Example:
            >>> from mlsysim import BatchingOptimizer, Hardware, Models, Q_
            >>> r = BatchingOptimizer().solve(Models.Llama3_8B, Hardware.H100, itl_sla=Q_(20, "ms"))
            >>> r.itl < Q_(20, "ms")
            True
        """
        a = resolve(assumptions)
        itl_max = None if itl_sla is None else validate.quantity_in("itl_sla", itl_sla, "s", "50 ms")
        p99_max = None if p99_sla is None else validate.quantity_in("p99_sla", p99_sla, "s", "30 s")
        rate = None if arrival_rate is None else validate.quantity_in("arrival_rate", arrival_rate, "1/s", "5 / s")
        if (p99_max is None) != (rate is None):
            raise InvalidArgumentError("p99_sla", p99_sla, "given together with arrival_rate (P99 depends on the load)")
        input_len = validate.positive_int("input_len", a.request_input_tokens if input_len is None else input_len)
        output_len = validate.positive_int("output_len", a.request_output_tokens if output_len is None else output_len)
        candidates = validate.positive_ints("candidates", default_candidates(a) if candidates is None else candidates)
        precision = a.precision if precision is None else precision
        decoder_only(model, "Llama3_8B")
        validate.instance("hardware", hardware, (HardwareNode, Node), "a device such as Hardware.H100 or a node such as "
                          "Systems.Nodes.DGX_H100")
        device = hardware.accelerator if isinstance(hardware, Node) else hardware
        device.resolve_compute(check_precision(precision))  # warn once about a precision fallback, not per point
        options: dict[str, Any] = dict(precision=precision, efficiency=efficiency, tp_size=tp_size, pp_size=pp_size,
                       chunk_tokens=chunk_tokens, prefix_hit_rate=prefix_hit_rate, speculative=speculative,
                       assumptions=a)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PrecisionFallbackWarning)
            points = self._sweep(model, hardware, input_len, output_len, candidates, itl_max, p99_max, rate, options)
        ok = [p for p in points if p["ok"]]
        best = max(ok, key=lambda p: p["throughput"]) if ok else None
        after = [p for p in points if best and p["batch_size"] > best["batch_size"]]
        rejected = after[0] if after else None
        return BatchingResult(
            model=model.name, hardware=hardware.name,
            batch_size=None if best is None else best["batch_size"],
            throughput=None if best is None else best["throughput"],
            itl=None if best is None else best["itl"],
            p99_latency=None if best is None else best["p99_latency"],
            feasible=best is not None,
            rejected_next=("no batch size meets the constraints: " + points[0]["reason"]) if best is None else
            (f"batch {rejected['batch_size']}: {rejected['reason'] or 'lower throughput'}" if rejected
             else "largest candidate"),
            points=points,
            pareto_front=_pareto(points),
        )

    @staticmethod
    def _sweep(model, hardware, input_len, output_len, candidates, itl_max, p99_max, rate, options):
        """Every candidate batch with its throughput, ITL, P99 and the reasons it fails (if any)."""
        points = []
        for batch in candidates:
            cost = request_cost(model, hardware, input_len, output_len, batch, **options)
            load = 0.0 if rate is None else rate
            itl = cost.mean_itl_s(load)
            p99 = None
            if rate is not None and cost.stable(rate):
                p99 = cost.latency_s(rate, 0.99)
            reasons = []
            if not cost.feasible:
                reasons.append(f"memory: {cost.reason}")
            if itl_max is not None and itl > itl_max:
                reasons.append(f"ITL {itl * 1e3:.1f} ms exceeds {itl_max * 1e3:g} ms")
            if p99_max is not None and (p99 is None or p99 > p99_max):
                reasons.append("P99 unbounded: the replica is overloaded" if p99 is None
                               else f"P99 {p99:.2f} s exceeds {p99_max:g} s")
            points.append({"batch_size": batch, "throughput": cost.throughput,
                           "itl": quantity(itl * 1e3, "ms"),
                           "p99_latency": None if p99 is None else quantity(p99 * 1e3, "ms"),
                           "ok": not reasons, "reason": "; ".join(reasons)})
        return points


def _pareto(points: list[dict]) -> list[dict]:
    """Points no other point beats on both throughput (higher) and latency (lower)."""
    def latency(p):
        return (p["p99_latency"] or p["itl"]).to("ms").magnitude

    usable = [p for p in points if not p["reason"].startswith("memory")]
    return [p for p in usable if not any(
        q["throughput"] >= p["throughput"] and latency(q) <= latency(p) and (q["throughput"] > p["throughput"] or latency(q) < latency(p))
        for q in usable)]
