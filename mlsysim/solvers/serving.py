"""LLM serving on one device: time to first token, inter-token latency, KV-cache memory.

For ``batch_size`` concurrent requests with ``seq_len`` tokens of context:

* **TTFT** — the prefill of all ``batch_size × seq_len`` prompt tokens, priced
  operator by operator by the cost core (``prefill_breakdown``).
* **ITL** — one decode step with the full ``seq_len`` context cached
  (weights + the whole KV cache read per token; ``breakdown``).
* **Memory** — weights + KV cache (2 × layers × KV heads × head dim × bytes
  per token, GQA-aware).  Framework reserves (CUDA context, allocator slack)
  are not counted unless given as ``reserved_memory``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.precision import Precisions
from ..core.units import BYTES_LADDER, Quantity, quantity, readable
from ..cost import StepBreakdown, step_cost
from ..cost.step import kv_bytes_per_token
from ..hardware.types import HardwareNode, fallback_note
from ..models.types import TransformerWorkload
from .result import Result
from .roofline import seq_length


@dataclasses.dataclass(frozen=True)
class ServingResult(Result):
    """Latency and memory of serving ``batch_size`` requests at ``seq_len`` context."""

    model: str
    hardware: str
    batch_size: int
    seq_len: int
    precision: str
    ttft: Quantity
    itl: Quantity
    decode_bottleneck: str
    throughput: Quantity
    weights_size: Quantity
    kv_cache_size: Quantity
    kv_cache_per_request: Quantity
    total_memory_required: Quantity
    memory_capacity: Quantity
    max_batch_size: int
    feasible: bool
    reason: str = ""
    notes: tuple[str, ...] = dataclasses.field(default=(), repr=False)
    breakdown: StepBreakdown | None = dataclasses.field(default=None, repr=False, compare=False)
    prefill_breakdown: StepBreakdown | None = dataclasses.field(default=None, repr=False, compare=False)


class ServingModel:
    """Prefill/decode latency and KV-cache capacity of one serving replica."""

    def solve(
        self,
        model: TransformerWorkload,
        hardware: HardwareNode,
        seq_len: int | None = None,
        batch_size: int | None = None,
        precision: str | Precisions | None = None,
        efficiency: float | None = None,
        *,
        kv_precision: str | None = None,
        memory_efficiency: float | None = None,
        reserved_memory=None,
        assumptions: Assumptions | None = None,
    ) -> ServingResult:
        """TTFT, ITL, KV-cache size and feasibility for one device.

        Args:
            model: a transformer from ``Models.Language``.
            hardware: the serving device.
            seq_len: tokens of context per request (prompt + generated so far; default ``assumptions.seq_len``).
            batch_size: concurrent requests (default ``assumptions.batch_size``).
            precision: (default ``assumptions.precision``) a seed-style string expanded by role (the KV cache uses ``kv_precision``,
                default the same, or fp16 for sub-8-bit weights), or a ``Precisions``.
            efficiency, memory_efficiency: flat fractions of peak; default None: the size-dependent curves.
            reserved_memory: memory set aside by the runtime (a Quantity).
            assumptions: the modelling defaults (``mlsysim.Assumptions``).

        Example:
            >>> ServingModel().solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=128).feasible
            True
        """
        a = resolve(assumptions)
        validate.instance("model", model, TransformerWorkload, "a transformer such as Models.Llama3_8B")
        validate.instance("hardware", hardware, HardwareNode, "a device such as Hardware.H100")
        seq = seq_length(model, seq_len, a)
        batch = validate.positive_int("batch_size", a.batch_size if batch_size is None else batch_size)
        prec = Precisions.from_shorthand(a.precision if precision is None else precision, kv_precision=kv_precision)
        eff = validate.optional_fraction("efficiency", efficiency)
        mem_eff = validate.optional_fraction("memory_efficiency", memory_efficiency)
        reserved = 0.0 if reserved_memory is None else validate.quantity_in(
            "reserved_memory", reserved_memory, "B", "2 GiB", allow_zero=True)
        common: dict[str, Any] = dict(batch=batch, seq=seq, precisions=prec, assumptions=a, efficiency=eff,
                      memory_efficiency=mem_eff)
        prefill = step_cost(model, hardware, phase="prefill", **common)
        decode = step_cost(model, hardware, phase="decode", warn=False, **common)
        itl, ttft = decode.breakdown.time, prefill.breakdown.time

        weights = decode.resident_bytes
        kv_request = seq * kv_bytes_per_token(model, prec)
        kv_total = batch * kv_request
        capacity = hardware.si.memory_capacity
        need = weights + kv_total + reserved
        spare = capacity - weights - reserved
        max_batch = max(0, int(spare // kv_request)) if spare > 0 else 0
        feasible = need <= capacity
        reason = "" if feasible else (
            f"weights {weights / 1e9:.4g} GB + KV cache {kv_total / 1e9:.4g} GB"
            + (f" + reserved {reserved / 1e9:.4g} GB" if reserved else "")
            + f" exceed {capacity / 1e9:.4g} GB"
        )
        notes = () if decode.native else (
            fallback_note(hardware, prec.math, decode.compute_precision, decode.math_rate),)
        return ServingResult(
            model=model.name,
            hardware=hardware.name,
            batch_size=batch,
            seq_len=seq,
            precision=prec.weights,
            ttft=quantity(ttft * 1e3, "ms"),
            itl=quantity(itl * 1e3, "ms"),
            decode_bottleneck="Compute" if decode.breakdown.compute >= decode.breakdown.memory else "Memory",
            throughput=quantity(batch / itl, "token/s"),
            weights_size=readable(weights, BYTES_LADDER),
            kv_cache_size=readable(kv_total, BYTES_LADDER),
            kv_cache_per_request=readable(kv_request, BYTES_LADDER),
            total_memory_required=readable(need, BYTES_LADDER),
            memory_capacity=readable(capacity, BYTES_LADDER),
            max_batch_size=max_batch,
            feasible=feasible,
            reason=reason,
            notes=notes,
            breakdown=decode.breakdown,
            prefill_breakdown=prefill.breakdown,
        )


def generation_throughput(model: TransformerWorkload, hardware: HardwareNode, batch_size: int, input_len: int,
                          output_len: int, precision: str | Precisions | None = None, **options):
    """Output tokens per second of a static batch: ``batch_size`` prompts of ``input_len`` tokens,
    each generating ``output_len`` tokens (token/s).

    Time = prefill of the prompts + ``output_len`` decode steps, each at the
    average context ``input_len + output_len / 2`` (the cache grows linearly).
    ``precision`` defaults to the ``assumptions`` option's (else :data:`DEFAULTS`) ``precision``.
    """
    out = validate.positive_int("output_len", output_len)
    solver = ServingModel()
    prefill = solver.solve(model, hardware, seq_len=input_len, batch_size=batch_size, precision=precision, **options)
    decode = solver.solve(model, hardware, seq_len=input_len + out // 2, batch_size=batch_size,
                          precision=precision, **options)
    seconds = prefill.ttft.to("s").magnitude + out * decode.itl.to("s").magnitude
    return quantity(batch_size * out / seconds, "token/s")
