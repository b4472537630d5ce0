"""LLM serving on one device: time to first token, inter-token latency, KV-cache memory.

For ``batch_size`` concurrent requests with ``seq_len`` tokens of context:

* **TTFT** — the prefill of all ``batch_size × seq_len`` prompt tokens
  (compute on the causal attention cost, memory on weights + KV written).
* **ITL** — one decode step with the full ``seq_len`` context cached
  (weights + the whole KV cache read per token).
* **Memory** — weights + KV cache (2 × layers × KV heads × head dim × bytes
  per token, GQA-aware).  Framework reserves (CUDA context, allocator slack)
  are not counted unless given as ``reserved_memory``.
"""

from __future__ import annotations

import dataclasses

from .. import formulas
from ..core import validate
from ..core.assumptions import DEFAULT_EFFICIENCY, DEFAULT_MEMORY_EFFICIENCY, DEFAULT_SEQ_LEN
from ..core.precision import BYTES_PER_VALUE, check_precision, default_kv_precision
from ..core.units import BYTES_LADDER, quantity, readable
from ..hardware.types import HardwareNode, fallback_note
from ..models.types import TransformerWorkload
from .result import Result
from .roofline import _seq_len


@dataclasses.dataclass(frozen=True)
class ServingResult(Result):
    """Latency and memory of serving ``batch_size`` requests at ``seq_len`` context."""

    model: str
    hardware: str
    batch_size: int
    seq_len: int
    precision: str
    ttft: object
    itl: object
    decode_bottleneck: str
    throughput: object
    weights_size: object
    kv_cache_size: object
    kv_cache_per_request: object
    total_memory_required: object
    memory_capacity: object
    max_batch_size: int
    feasible: bool
    reason: str = ""
    notes: tuple[str, ...] = dataclasses.field(default=(), repr=False)


class ServingModel:
    """Prefill/decode latency and KV-cache capacity of one serving replica."""

    def solve(
        self,
        model: TransformerWorkload,
        hardware: HardwareNode,
        seq_len: int = DEFAULT_SEQ_LEN,
        batch_size: int = 1,
        precision: str = "fp16",
        efficiency: float = DEFAULT_EFFICIENCY,
        *,
        kv_precision: str | None = None,
        memory_efficiency: float = DEFAULT_MEMORY_EFFICIENCY,
        reserved_memory=None,
    ) -> ServingResult:
        """TTFT, ITL, KV-cache size and feasibility for one device.

        Args:
            model: a transformer from ``Models.Language``.
            hardware: the serving device.
            seq_len: tokens of context per request (prompt + generated so far).
            batch_size: concurrent requests.
            precision: weight precision; the KV cache uses ``kv_precision``
                (default: the same, or fp16 for sub-8-bit weights).
            efficiency, memory_efficiency: achieved fractions of peak.
            reserved_memory: memory set aside by the runtime (a Quantity).

        Example:
            >>> ServingModel().solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=128).feasible
            True
        """
        validate.instance("model", model, TransformerWorkload, "a transformer such as Models.Llama3_8B")
        validate.instance("hardware", hardware, HardwareNode, "a device such as Hardware.H100")
        seq = _seq_len(model, seq_len)
        batch = validate.positive_int("batch_size", batch_size)
        prec = check_precision(precision)
        kv_prec = check_precision(kv_precision, "kv_precision") if kv_precision else default_kv_precision(prec)
        eff = validate.fraction("efficiency", efficiency)
        mem_eff = validate.fraction("memory_efficiency", memory_efficiency)
        reserved = 0.0 if reserved_memory is None else validate.quantity_in(
            "reserved_memory", reserved_memory, "B", "2 GiB", allow_zero=True)
        rate, used, native = hardware.resolve_compute(prec)
        bw = hardware.memory._bandwidth * mem_eff
        peak = rate * eff

        n, layers, d = model._matmul_params, model.layers, model._attention_dim
        weights = formulas.weight_bytes(model._params, BYTES_PER_VALUE[prec])
        kv_token = formulas.kv_cache_bytes_per_token(layers, model.kv_heads, model.head_dim, BYTES_PER_VALUE[kv_prec])
        kv_request = formulas.kv_cache_bytes(seq, kv_token)
        kv_total = batch * kv_request

        prefill_flops = batch * seq * formulas.prefill_flops_per_token(n, layers, seq, d)
        ttft = formulas.roofline_latency(prefill_flops / peak, (weights + kv_total) / bw)
        decode_flops = batch * formulas.decode_flops_per_token(n, layers, seq, d)
        t_c, t_m = decode_flops / peak, (weights + kv_total) / bw
        itl = formulas.roofline_latency(t_c, t_m)

        capacity = hardware.memory._capacity
        need = weights + kv_total + reserved
        spare = capacity - weights - reserved
        max_batch = max(0, int(spare // kv_request)) if spare > 0 else 0
        feasible = need <= capacity
        reason = "" if feasible else (
            f"weights {weights / 1e9:.4g} GB + KV cache {kv_total / 1e9:.4g} GB"
            + (f" + reserved {reserved / 1e9:.4g} GB" if reserved else "")
            + f" exceed {capacity / 1e9:.4g} GB"
        )
        return ServingResult(
            model=model.name,
            hardware=hardware.name,
            batch_size=batch,
            seq_len=seq,
            precision=prec,
            ttft=quantity(ttft * 1e3, "ms"),
            itl=quantity(itl * 1e3, "ms"),
            decode_bottleneck="Compute" if t_c >= t_m else "Memory",
            throughput=quantity(batch / itl, "token/s"),
            weights_size=readable(weights, BYTES_LADDER),
            kv_cache_size=readable(kv_total, BYTES_LADDER),
            kv_cache_per_request=readable(kv_request, BYTES_LADDER),
            total_memory_required=readable(need, BYTES_LADDER),
            memory_capacity=readable(capacity, BYTES_LADDER),
            max_batch_size=max_batch,
            feasible=feasible,
            reason=reason,
            notes=() if native else (fallback_note(hardware, prec, used, rate),),
        )


def generation_throughput(model: TransformerWorkload, hardware: HardwareNode, batch_size: int, input_len: int,
                          output_len: int, precision: str = "fp16", **options):
    """Output tokens per second of a static batch: ``batch_size`` prompts of ``input_len`` tokens,
    each generating ``output_len`` tokens (token/s).

    Time = prefill of the prompts + ``output_len`` decode steps, each at the
    average context ``input_len + output_len / 2`` (the cache grows linearly).
    """
    out = validate.positive_int("output_len", output_len)
    solver = ServingModel()
    prefill = solver.solve(model, hardware, seq_len=input_len, batch_size=batch_size, precision=precision, **options)
    decode = solver.solve(model, hardware, seq_len=input_len + out // 2, batch_size=batch_size,
                          precision=precision, **options)
    seconds = prefill.ttft.to("s").magnitude + out * decode.itl.to("s").magnitude
    return quantity(batch_size * out / seconds, "token/s")
