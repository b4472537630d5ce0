"""Single-device performance: the roofline for inference and for a training step.

`Engine.solve(model, hardware, batch_size, precision, efficiency)` answers
"how long does one step take on one device, and what bounds it?".

* **Inference, CNN** — one forward pass of `batch_size` samples. Memory
  traffic is the weights once plus every layer output written and read back
  once per sample (no cross-layer fusion, no cache residency).
* **Inference, transformer** — one decode step: each of `batch_size`
  sequences, holding `seq_len` tokens of KV cache, produces one token.
  Traffic is the weights plus the whole KV cache.
* **Training** — forward + backward + optimizer step over `batch_size`
  samples (× `seq_len` tokens for a transformer), on one device with the
  full model: weights, gradients and optimizer state all resident.

Every step goes through the cost core (`mlsysim.cost.step_cost`): each operator
is timed on its own (size-dependent efficiency, per-kernel cost, the overlap model of
`Assumptions`), and the seeds' fields are sums over `breakdown`: `latency_compute`
and `latency_memory` are the operators' compute and memory times, `latency` their
priced total plus the device's `dispatch_tax`.  `bottleneck` compares the two roofs.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.errors import InvalidArgumentError
from ..core.precision import Precisions
from ..core.units import BYTES_LADDER, ENERGY_LADDER, Quantity, quantity, readable
from ..cost import StepBreakdown, StepCost, step_cost
from ..formulas import OPTIMIZER_STATE_BYTES
from ..hardware.types import HardwareNode, fallback_note
from ..models.types import EncoderWorkload, TransformerWorkload, Workload
from .result import Result

Mode = Literal["inference", "training"]


@dataclasses.dataclass(frozen=True)
class SingleNodeResult(Result):
    """One step of one workload on one device: what `SingleNodeModel.solve` (and `Engine.solve`) return.

    `str(result)` prints the fields as a table; in a notebook the result shows itself as one.

    Attributes:
        model: the workload's name.
        hardware: the device's name.
        mode: "inference" or "training".
        batch_size: samples (sequences) per step.
        precision: the precision the weights are stored in ("fp16", "int8", …; in training, the math's).
        compute_precision: the precision the math runs in on this device (a fallback when the device
            has no native math for `precision`; see `notes`).
        latency: time of one step, ms: the operators' priced total plus the device's dispatch tax.
        latency_compute: the operators' compute time, ms (the compute roof).
        latency_memory: the operators' memory time, ms (the memory roof).
        latency_overhead: fixed per-kernel costs and the dispatch tax, ms.
        bottleneck: "Compute" or "Memory", whichever roof is higher.
        throughput: samples/s for a CNN, tokens/s for a transformer.
        arithmetic_intensity: FLOPs per byte moved in the step (FLOP/B).
        ridge_point: the device's ridge point at the efficiencies used (FLOP/B).
        flops: floating-point operations of the step (GFLOP).
        bytes_moved: memory traffic of the step (bytes, in a readable unit).
        memory_footprint: weights, state, KV cache and activations resident (bytes).
        memory_capacity: the device's memory capacity (bytes).
        feasible: whether the footprint fits the device.
        energy: device energy of the step at TDP (J), None when the TDP is unknown.
        reason: why the design is infeasible ("" when it is feasible).
        notes: warnings worth reading (a precision fallback, launch-bound steps).
        breakdown: the per-operator account of the step (`StepBreakdown`).

    Example:
        >>> from mlsysim import Engine, Hardware, Models
        >>> r = Engine.solve(Models.Llama3_8B, Hardware.H100, batch_size=1)
        >>> r.bottleneck, r.feasible
        ('Memory', True)
        >>> print(f"latency {r.latency:.2f~P}, throughput {r.throughput:.0f~P}")
        latency ... ms, throughput ... tokens/s
    """

    model: str
    hardware: str
    mode: str
    batch_size: int
    precision: str
    compute_precision: str
    latency: Quantity
    latency_compute: Quantity
    latency_memory: Quantity
    latency_overhead: Quantity
    bottleneck: str
    throughput: Quantity
    arithmetic_intensity: Quantity
    ridge_point: Quantity
    flops: Quantity
    bytes_moved: Quantity
    memory_footprint: Quantity
    memory_capacity: Quantity
    feasible: bool
    energy: Quantity | None
    reason: str = ""
    notes: tuple[str, ...] = dataclasses.field(default=(), repr=False)
    breakdown: StepBreakdown | None = dataclasses.field(default=None, repr=False, compare=False)


class SingleNodeModel:
    """The roofline solver for one device: how long one step takes, and what bounds it.

    Also reachable as `Engine.solve`.  Every step goes through the cost core: each operator is timed
    on its own (size-dependent efficiency, per-kernel cost, the overlap model of `Assumptions`)
    [@williams2009roofline].
    """

    def solve(
        self,
        model: Workload,
        hardware: HardwareNode,
        batch_size: int | None = None,
        precision: str | Precisions | None = None,
        efficiency: float | None = None,
        *,
        mode: Mode = "inference",
        seq_len: int | None = None,
        memory_efficiency: float | None = None,
        dispatch_tax=None,
        optimizer: str | None = None,
        assumptions: Assumptions | None = None,
    ) -> SingleNodeResult:
        """Latency, bottleneck, throughput, memory and energy of one step, with its per-operator breakdown.

        Inference of a CNN is one forward pass of `batch_size` samples; inference of a transformer is
        one decode step, each of `batch_size` sequences holding `seq_len` tokens of KV cache and producing
        one token; training is forward + backward + optimizer step on one device holding the whole model.

        Args:
            model: a workload from `Models` (transformer or CNN).
            hardware: a device from `Hardware`.
            batch_size: samples (sequences) per step, at least 1; default `Assumptions.batch_size`.
            precision: a precision name ("fp32", "fp16", "bf16", "fp8", "int8", "int4", "fp4", …),
                expanded by role (`Precisions.from_shorthand`), or a `Precisions`; default
                `Assumptions.precision`.
            efficiency: a flat fraction of the dense peak for every operator (the first release's model);
                default None: the size-dependent curve `Assumptions.gemm_efficiency` (or the device's own).
            mode: "inference" (a forward pass; a decode step for transformers)
                or "training" (forward + backward + optimizer step).
            seq_len: context tokens per sequence (transformers only); default `Assumptions.seq_len`,
                capped at the model's context length.
            memory_efficiency: a flat fraction of peak bandwidth; default None: the size-dependent curve
                `Assumptions.memory_efficiency` (or the device's own).
            dispatch_tax (Quantity | None): fixed per-step overhead (a time); default the hardware's
                `dispatch_tax` (0 when it has none).
            optimizer: "adam" or "sgd" (training memory); default `Assumptions.optimizer`.
            assumptions: the modelling defaults; default `Assumptions()`.

        Returns:
            The step's latency, roofs, bottleneck, throughput, memory and energy, with its breakdown.

        Raises:
            InvalidArgumentError: an argument is out of range (the message names it and what is allowed).
            UnknownNameError: an unknown precision, mode or optimizer.

        Example:
            >>> from mlsysim import Hardware, Models, SingleNodeModel
            >>> r = SingleNodeModel().solve(Models.Llama3_8B, Hardware.H100, batch_size=1)
            >>> r.bottleneck
            'Memory'
            >>> t = SingleNodeModel().solve(Models.ResNet50, Hardware.A100, batch_size=256, mode="training")
            >>> t.bottleneck, t.feasible
            ('Compute', True)
        """
        a = resolve(assumptions)
        validate.instance("model", model, Workload, "a workload such as Models.Llama3_8B")
        validate.instance("hardware", hardware, HardwareNode, "a device such as Hardware.H100")
        batch = validate.positive_int("batch_size", a.batch_size if batch_size is None else batch_size)
        eff = validate.optional_fraction("efficiency", efficiency)
        mem_eff = validate.optional_fraction("memory_efficiency", memory_efficiency)
        validate.choice("mode", mode, ("inference", "training"))
        optimizer = a.optimizer if optimizer is None else optimizer
        validate.choice("optimizer", optimizer, OPTIMIZER_STATE_BYTES)
        tax = hardware.si.dispatch_tax if dispatch_tax is None else validate.quantity_in(
            "dispatch_tax", dispatch_tax, "s", "0.5 ms", allow_zero=True)
        training = mode == "training"
        prec = Precisions.from_shorthand(a.precision if precision is None else precision, training=training)
        seq = model_sequence(model, seq_len, a)
        cost = step_cost(model, hardware, phase="training" if training else "inference", batch=batch, seq=seq,
                         precisions=prec, assumptions=a, efficiency=eff, memory_efficiency=mem_eff,
                         state_values=2 if optimizer == "adam" else 1)
        gemm_curve, memory_curve = a.curves(hardware)
        if mem_eff is None:
            mem_eff = a.flat_memory_efficiency if eff is not None else memory_curve.ceiling
        return _result(model, hardware, mode, batch, prec, cost, tax,
                       eff if eff is not None else gemm_curve.ceiling, mem_eff)


def _result(model: Workload, hardware: HardwareNode, mode: str, batch: int, prec: Precisions, cost: StepCost,
            tax: float, eff: float, mem_eff: float) -> SingleNodeResult:
    """The seeds' fields from a priced step; `eff`/`mem_eff` are the efficiencies the ridge point uses."""
    b = cost.breakdown
    latency = b.time + tax
    feasible, reason = _fits(hardware, cost.resident_bytes, cost.activation_bytes)
    notes: tuple[str, ...] = () if cost.native else (fallback_note(hardware, prec.math, cost.compute_precision, cost.math_rate),)
    if b.overhead_share > 0.5:
        notes += (f"fixed per-kernel costs are {b.overhead_share:.0%} of this step: batch more work per launch, "
                  "or replay it from a captured graph (Assumptions(cuda_graphs=True))",)
    si = hardware.si
    return SingleNodeResult(
        model=model.name,
        hardware=hardware.name,
        mode=mode,
        batch_size=batch,
        precision=prec.weights if prec.weights == prec.math or mode == "inference" else prec.math,
        compute_precision=cost.compute_precision,
        latency=quantity(latency * 1e3, "ms"),
        latency_compute=quantity(b.compute * 1e3, "ms"),
        latency_memory=quantity(b.memory * 1e3, "ms"),
        latency_overhead=quantity((b.overhead + tax) * 1e3, "ms"),
        bottleneck="Compute" if b.compute >= b.memory else "Memory",
        throughput=quantity(cost.items / latency, cost.unit),
        arithmetic_intensity=quantity(b.flops / b.bytes, "flop/B"),
        ridge_point=quantity(cost.math_rate * eff / (si.memory_bandwidth * mem_eff), "flop/B"),
        flops=quantity(b.flops / 1e9, "GFLOP"),
        bytes_moved=readable(b.bytes, BYTES_LADDER),
        memory_footprint=readable(cost.resident_bytes + cost.activation_bytes, BYTES_LADDER),
        memory_capacity=readable(si.memory_capacity, BYTES_LADDER),
        feasible=feasible,
        energy=None if si.tdp is None else readable(si.tdp * latency, ENERGY_LADDER),
        reason=reason,
        notes=notes,
        breakdown=b,
    )


def seq_length(model: TransformerWorkload, seq_len: int | None, assumptions: Assumptions,
               argument: str = "seq_len") -> int:
    """`seq_len` checked against the model's context, or the default `assumptions.seq_len` (capped by it)."""
    if seq_len is None:
        return min(assumptions.seq_len, model.context_length)
    return _within_context(model, seq_len, argument, f"context length of {model.context_length} tokens")


def _within_context(model: TransformerWorkload | EncoderWorkload, seq_len: int, argument: str, limit: str) -> int:
    """`seq_len` as a whole number of at most the model's `context_length`, else an error naming `argument`."""
    seq = validate.positive_int(argument, seq_len)
    if seq > model.context_length:
        raise InvalidArgumentError(argument, seq, f"at most {model.name}'s {limit}")
    return seq


def model_sequence(model: Workload, seq_len: int | None, assumptions: Assumptions,
                   argument: str = "seq_len") -> int | None:
    """The positions one sample of `model` carries in a step: a transformer's context (`seq_length`); an
    encoder's `seq_len`, or its own `sequence_length` when not told, at most its `context_length`; None for a
    CNN, which refuses a `seq_len`."""
    if isinstance(model, TransformerWorkload):
        return seq_length(model, seq_len, assumptions, argument)
    if isinstance(model, EncoderWorkload):
        return model.sequence_length if seq_len is None else _within_context(
            model, seq_len, argument, f"{model.context_length} positions per sample")
    if seq_len is not None:
        raise InvalidArgumentError(argument, seq_len, "None for a CNN (it has no sequence)")
    return None


def _fits(hw: HardwareNode, resident: float, activations: float) -> tuple[bool, str]:
    """Whether weights/state and activations fit; on an MCU activations must fit in SRAM."""
    si = hw.si
    if si.sram_capacity is not None:
        if resident > si.memory_capacity:
            return False, f"weights need {resident / 1e6:.3g} MB but {hw.name} has {si.memory_capacity / 1e6:.3g} MB"
        if activations > si.sram_capacity:
            return False, f"activations need {activations / 1e3:.4g} kB but SRAM holds {si.sram_capacity / 1e3:.4g} kB"
        return True, ""
    need = resident + activations
    if need > si.memory_capacity:
        return False, f"needs {need / 1e9:.4g} GB but {hw.name} has {si.memory_capacity / 1e9:.4g} GB"
    return True, ""


class Engine:
    """The roofline entry point: `Engine.solve(model, hardware, …)`, the single-device solver
    (`SingleNodeModel`) without an instance."""

    @staticmethod
    def solve(model, hardware, batch_size=None, precision=None, efficiency=None, **options):
        """One step of `model` on `hardware`: the same as `SingleNodeModel.solve`, which documents every option.

        Args:
            model (Workload): a workload from `Models`.
            hardware (HardwareNode): a device from `Hardware`.
            batch_size (int | None): samples (sequences) per step; default `Assumptions.batch_size`.
            precision (str | Precisions | None): a precision name or a `Precisions`; default `Assumptions.precision`.
            efficiency (float | None): a flat fraction of the dense peak; default None, the size-dependent curve.
            **options (Any): `mode`, `seq_len`, `memory_efficiency`, `dispatch_tax`, `optimizer`, `assumptions`.

        Returns:
            (SingleNodeResult): latency, bottleneck, throughput, memory and energy of the step.

        Example:
            >>> from mlsysim import Engine, Hardware, Models
            >>> Engine.solve(Models.ResNet50, Hardware.A100, batch_size=1, precision="fp16").bottleneck
            'Memory'
        """
        return _ENGINE.solve(model, hardware, batch_size, precision, efficiency, **options)


_ENGINE = SingleNodeModel()
