"""The inverse roofline: what hardware would meet a latency target?

For one step of ``model`` (same definitions as :mod:`.roofline`), the device
must deliver FLOPs / (target × efficiency) of compute, bytes / (target ×
memory efficiency) of bandwidth, and hold the step's memory footprint.
``matching_hardware`` lists the zoo's devices that meet all three.
"""

from __future__ import annotations

import dataclasses

from ..core import validate
from ..core.assumptions import DEFAULT_EFFICIENCY, DEFAULT_MEMORY_EFFICIENCY, DEFAULT_OPTIMIZER
from ..core.errors import InvalidArgumentError, UnknownNameError
from ..core.precision import BYTES_PER_VALUE, check_precision
from ..core.units import BANDWIDTH_LADDER, BYTES_LADDER, FLOP_RATE_LADDER, readable
from ..hardware.registry import Hardware
from ..models.types import TransformerWorkload, Workload
from .result import Result
from .roofline import _cnn_step, _seq_len, _transformer_step


@dataclasses.dataclass(frozen=True)
class SynthesisResult(Result):
    """Minimum compute, bandwidth and memory for the target, and devices that meet them."""

    model: str
    mode: str
    target_latency: object
    required_flops: object
    required_bw: object
    required_memory: object
    matching_hardware: list = dataclasses.field(repr=False)


class SynthesisSolver:
    """Hardware requirements from a latency target."""

    def solve(self, model: Workload, target_latency, precision: str = "fp16", *, batch_size: int = 1,
              mode: str = "inference", seq_len: int | None = None, efficiency: float = DEFAULT_EFFICIENCY,
              memory_efficiency: float = DEFAULT_MEMORY_EFFICIENCY) -> SynthesisResult:
        """Requirements for one step of ``model`` to take ``target_latency``.

        Example:
            >>> r = SynthesisSolver().solve(Models.Llama3_70B, Q_("200 ms"), mode="training")
            >>> r.required_flops.to("PFLOP/s").magnitude > 1
            True
        """
        validate.instance("model", model, Workload, "a workload such as Models.Llama3_70B")
        target = validate.quantity_in("target_latency", target_latency, "s", "200 ms")
        prec = check_precision(precision)
        batch = validate.positive_int("batch_size", batch_size)
        eff = validate.fraction("efficiency", efficiency)
        mem_eff = validate.fraction("memory_efficiency", memory_efficiency)
        if mode not in ("inference", "training"):
            raise UnknownNameError("mode", str(mode), ["inference", "training"])
        if isinstance(model, TransformerWorkload):
            work = _transformer_step(model, batch, _seq_len(model, seq_len), prec, mode, DEFAULT_OPTIMIZER)
        elif seq_len is not None:
            raise InvalidArgumentError("seq_len", seq_len, "None for a CNN (it has no sequence)")
        else:
            work = _cnn_step(model, batch, BYTES_PER_VALUE[prec], mode, DEFAULT_OPTIMIZER)
        flops, bytes_moved, resident, activations, _, _ = work
        need_flops, need_bw, need_mem = flops / (target * eff), bytes_moved / (target * mem_eff), resident + activations
        matches = [
            name for name, hw in Hardware.items()
            if hw.compute.resolve(prec)[0] >= need_flops and hw.memory._bandwidth >= need_bw
            and hw.memory._capacity >= need_mem
        ]
        return SynthesisResult(
            model=model.name,
            mode=mode,
            target_latency=target_latency if not isinstance(target_latency, str) else readable(target, ((1.0, "s"),)),
            required_flops=readable(need_flops, FLOP_RATE_LADDER),
            required_bw=readable(need_bw, BANDWIDTH_LADDER),
            required_memory=readable(need_mem, BYTES_LADDER),
            matching_hardware=matches,
        )
