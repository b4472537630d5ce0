"""The inverse roofline: what hardware would meet a latency target?

For one step of `model` (same definitions as `.roofline`), the device
must deliver FLOPs / (target × efficiency) of compute, bytes / (target ×
memory efficiency) of bandwidth, and hold the step's memory footprint (the
step's operators come from the cost core; the efficiencies are the ceilings of
the `Assumptions` curves unless given).  `matching_hardware` lists the zoo's
devices on which `Engine` itself prices the step within the
target and finds it feasible, so the two solvers never disagree.
"""

from __future__ import annotations

import dataclasses
import warnings

from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.precision import Precisions, check_precision
from ..core.units import BANDWIDTH_LADDER, BYTES_LADDER, FLOP_RATE_LADDER, Quantity, readable
from ..cost import totals
from ..cost.step import step_work
from ..hardware.registry import Hardware
from ..hardware.types import PrecisionFallbackWarning
from ..models.types import Workload
from .result import Result
from .roofline import Engine, model_sequence


@dataclasses.dataclass(frozen=True)
class SynthesisResult(Result):
    """Minimum compute, bandwidth and memory for a latency target, and devices that meet them: what
    `SynthesisSolver.solve` returns.

    Attributes:
        model: the workload's name.
        mode: "inference" or "training".
        target_latency: the latency asked for.
        required_flops: the dense FLOP/s one device needs.
        required_bw: the memory bandwidth it needs.
        required_memory: the memory capacity it needs.
        matching_hardware: keys of the `Hardware` entries that meet all three (`"H100"`; may be empty).

    Example:
        >>> from mlsysim import Hardware, Models, Q_, SynthesisSolver
        >>> r = SynthesisSolver().solve(Models.Llama3_8B, Q_("10 ms"))
        >>> r.required_bw < Hardware.H100.memory.bandwidth, "H100" in r.matching_hardware
        (True, True)
    """

    model: str
    mode: str
    target_latency: Quantity
    required_flops: Quantity
    required_bw: Quantity
    required_memory: Quantity
    matching_hardware: list[str] = dataclasses.field(repr=False)


class SynthesisSolver:
    """Hardware requirements from a latency target: the roofline read backwards
    [@williams2009roofline]."""

    def solve(self, model: Workload, target_latency, precision: str | None = None, *, batch_size: int | None = None,
              mode: str = "inference", seq_len: int | None = None, efficiency: float | None = None,
              memory_efficiency: float | None = None, assumptions: Assumptions | None = None) -> SynthesisResult:
        """Requirements for one step of `model` to take `target_latency`.

        Args:
            model: a workload from `Models`.
            target_latency (Quantity): the step time to meet.
            precision: a precision name; default `Assumptions.precision`.
            batch_size: samples (sequences) per step; default `Assumptions.batch_size`.
            mode: "inference" or "training".
            seq_len: context tokens per sequence (transformers); default `Assumptions.seq_len`.
            efficiency: the fraction of peak compute assumed reachable; default the ceiling of
                `Assumptions.gemm_efficiency`.
            memory_efficiency: the fraction of peak bandwidth assumed reachable; default the ceiling of
                `Assumptions.memory_efficiency`.
            assumptions: the modelling defaults; default `Assumptions()`.

        Returns:
            The compute, bandwidth and memory required, and the devices that have them.

        Example:
            >>> from mlsysim import Models, Q_, SynthesisSolver
            >>> r = SynthesisSolver().solve(Models.Llama3_70B, Q_("200 ms"), mode="training")
            >>> r.required_flops.to("PFLOP/s").magnitude > 1
            True
        """
        a = resolve(assumptions)
        validate.instance("model", model, Workload, "a workload such as Models.Llama3_70B")
        target = validate.quantity_in("target_latency", target_latency, "s", "200 ms")
        prec = check_precision(a.precision if precision is None else precision)
        batch = validate.positive_int("batch_size", a.batch_size if batch_size is None else batch_size)
        eff = a.gemm_efficiency.ceiling if efficiency is None else validate.fraction("efficiency", efficiency)
        mem_eff = (a.memory_efficiency.ceiling if memory_efficiency is None
                   else validate.fraction("memory_efficiency", memory_efficiency))
        validate.choice("mode", mode, ("inference", "training"))
        seq = model_sequence(model, seq_len, a)
        precisions = Precisions.from_shorthand(prec, training=mode == "training")
        ops, _, _, resident, activations = step_work(model, phase=mode, batch=batch, seq=seq,  # type: ignore[arg-type]
                                                     precisions=precisions, assumptions=a)
        work = totals(ops)
        need_flops, need_bw = work["flops"] / (target * eff), work["bytes"] / (target * mem_eff)
        with warnings.catch_warnings():  # a fallback on some zoo device is not the caller's concern here
            warnings.simplefilter("ignore", PrecisionFallbackWarning)
            matches = self._matching(model, target, batch, prec, efficiency, mode, seq_len, memory_efficiency, a)
        return SynthesisResult(
            model=model.name,
            mode=mode,
            target_latency=target_latency if not isinstance(target_latency, str) else readable(target, ((1.0, "s"),)),
            required_flops=readable(need_flops, FLOP_RATE_LADDER),
            required_bw=readable(need_bw, BANDWIDTH_LADDER),
            required_memory=readable(resident + activations, BYTES_LADDER),
            matching_hardware=matches,
        )

    @staticmethod
    def _matching(model, target, batch, prec, efficiency, mode, seq_len, memory_efficiency, a) -> list[str]:
        """Zoo devices on which `Engine` prices the step within `target` seconds and finds it feasible."""
        out = []
        for name, hw in Hardware.items():
            r = Engine.solve(model, hw, batch, prec, efficiency, mode=mode, seq_len=seq_len,
                             memory_efficiency=memory_efficiency, assumptions=a)
            if r.feasible and r.latency.to("s").magnitude <= target:
                out.append(name)
        return out
