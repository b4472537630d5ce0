"""Model compression: quantization, pruning and distillation.

Definitions, stated once so pages and users agree:

* `compression_ratio` = size at `baseline_precision` (default **fp32**)
  ÷ compressed size.  Group-wise quantization stores a 16-bit scale per
  `group_size` weights, so INT4 costs 4.125 bits and its ratio to FP32 is
  7.76×, not 8×.
* `inference_speedup` = roofline latency of one batch-1 step at
  `speedup_baseline` (default **fp16**, what a model is served in
  unquantized) ÷ the same step compressed, on the given hardware.  A
  memory-bound step speeds up with the bytes saved; the math runs at the
  precision the device supports natively (INT4 on an H100 multiplies in FP16).
* `estimated_accuracy_delta` (alias `accuracy_delta`) is the typical
  change in task accuracy, in percentage points (negative = loss), reported
  by the surveys cited in `ACCURACY_DELTAS`; a literature prior, not a
  prediction for your model.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.errors import InvalidArgumentError, UnknownNameError
from ..core.precision import BITS_PER_VALUE, QUANT_GROUP_SIZE, Precisions, check_precision, quantized_bits
from ..core.units import Quantity, quantity
from ..cost import step_cost
from ..hardware.types import HardwareNode
from ..models.types import Workload
from .result import Result
from .roofline import model_sequence

Method = Literal["quantization", "pruning", "distillation"]

# (lowest bits or sparsity bound, point estimate, range, source key): literature priors.
QUANTIZATION_DELTAS = (
    (16, 0.0, (0.0, 0.0), "gholami2021survey"),
    (8, -0.5, (-1.0, 0.0), "dettmers2022llmint8"),
    (6, -1.0, (-2.0, -0.5), "gholami2021survey"),
    (4, -3.5, (-5.0, -2.0), "gholami2021survey"),
    (3, -8.0, (-12.0, -5.0), "frantar2023gptq"),
    (1, -20.0, (-40.0, -10.0), "frantar2023gptq"),
)
PRUNING_DELTAS = (
    (0.5, -0.5, (-1.0, 0.0), "hoefler2021sparsity"),
    (0.75, -1.5, (-3.0, -1.0), "hoefler2021sparsity"),
    (0.9, -4.0, (-6.0, -2.0), "hoefler2021sparsity"),
    (1.0, -10.0, (-20.0, -5.0), "hoefler2021sparsity"),
)
DISTILLATION_DELTA = (-3.0, (-5.0, -1.0), "sanh2019distilbert")


@dataclasses.dataclass(frozen=True)
class CompressionResult(Result):
    """Sizes, ratio, speedup and accuracy prior of one compression choice: what `CompressionModel.solve` returns.

    Attributes:
        model: the model's name.
        hardware: the device's name.
        method: "quantization", "pruning" or "distillation".
        baseline_precision: the precision `compression_ratio` is measured from.
        bits_per_weight: stored bits per weight after compression (group scales included).
        original_size_gb: weight bytes at `baseline_precision` (GB).
        compressed_size_gb: weight bytes after compression (GB).
        compression_ratio: original size / compressed size.
        memory_savings_pct: share of the original weight bytes saved, in percent.
        speedup_baseline: what `inference_speedup` is measured from (a precision and batch size).
        inference_speedup: batch-1 decode latency at the baseline / after compression.
        estimated_accuracy_delta: a prior on the accuracy change, percentage points (negative: a loss).
        accuracy_delta_range: the range of published accuracy changes behind that prior, percentage points.
        accuracy_source: the bibliography key of that prior.
        fits_in_memory: whether the compressed model fits the device.
        notes: warnings worth reading (weight-only quantization, a precision fallback).

    Example:
        >>> from mlsysim import CompressionModel, Hardware, Models
        >>> r = CompressionModel().solve(Models.Llama3_8B, Hardware.H100, target_bitwidth=4)
        >>> r.bits_per_weight, r.fits_in_memory
        (4.125, True)
    """

    model: str
    hardware: str
    method: str
    baseline_precision: str
    bits_per_weight: float
    original_size_gb: Quantity
    compressed_size_gb: Quantity
    compression_ratio: float
    memory_savings_pct: float
    speedup_baseline: str
    inference_speedup: float
    estimated_accuracy_delta: float
    accuracy_delta_range: tuple[float, float]
    accuracy_source: str
    fits_in_memory: bool
    notes: tuple[str, ...] = dataclasses.field(default=(), repr=False)

    @property
    def accuracy_delta(self) -> float:
        """Same as `estimated_accuracy_delta` (percentage points)."""
        return self.estimated_accuracy_delta


class CompressionModel:
    """What quantizing, pruning or distilling a model buys (memory, latency), and what it may cost (accuracy).

    The accuracy change is a prior from published surveys [@gholami2021survey], not a prediction for the model.
    """

    def solve(
        self,
        model: Workload,
        hardware: HardwareNode,
        method: Method = "quantization",
        target_bitwidth: int | None = None,
        *,
        sparsity: float | None = None,
        size_ratio: float | None = None,
        group_size: int = QUANT_GROUP_SIZE,
        baseline_precision: str | None = None,
        speedup_baseline: str | None = None,
        efficiency: float | None = None,
        assumptions: Assumptions | None = None,
    ) -> CompressionResult:
        """Compress `model` for `hardware` by `method`: sizes, speedup and an accuracy prior.

        Args:
            model: a workload from `Models`.
            hardware: the device it will run on.
            method: "quantization" (needs `target_bitwidth`), "pruning" (uses `sparsity`) or
                "distillation" (uses `size_ratio`).
            target_bitwidth: bits per quantized weight, 1 to 16 (quantization).
            sparsity: fraction of weights pruned, in [0, 1); default `Assumptions.pruning_sparsity`.
            size_ratio: student parameters / teacher parameters (distillation); default
                `Assumptions.distillation_size_ratio`.
            group_size: weights sharing one 16-bit scale (quantization).
            baseline_precision: what `compression_ratio` is measured from; default
                `Assumptions.compression_baseline_precision`.
            speedup_baseline: the precision `inference_speedup` is measured from; default `Assumptions.precision`.
            efficiency: a flat fraction of the dense peak; default None: the size-dependent curve.
            assumptions: the modelling defaults; default `Assumptions()`.

        Returns:
            Sizes, compression ratio, speedup, accuracy prior and whether the result fits.

        Example:
            >>> from mlsysim import CompressionModel, Hardware, Models
            >>> r = CompressionModel().solve(Models.Llama3_8B, Hardware.H100, target_bitwidth=4)
            >>> round(r.compression_ratio, 2)
            7.76
            >>> CompressionModel().solve(Models.Llama3_8B, Hardware.H100, "pruning", sparsity=0.5).method
            'pruning'
        """
        validate.instance("model", model, Workload, "a workload such as Models.Llama3_8B")
        validate.instance("hardware", hardware, HardwareNode, "a device such as Hardware.H100")
        a = resolve(assumptions)
        base = check_precision(a.compression_baseline_precision if baseline_precision is None else baseline_precision,
                               "baseline_precision")
        serve = check_precision(a.precision if speedup_baseline is None else speedup_baseline, "speedup_baseline")
        eff = validate.optional_fraction("efficiency", efficiency)
        base_bits, serve_bits = BITS_PER_VALUE[base], BITS_PER_VALUE[serve]
        params = model._params
        scale = 1.0  # fraction of FLOPs and weights kept (distillation)
        notes: list[str] = []

        if method == "quantization":
            if target_bitwidth is None:
                raise InvalidArgumentError("target_bitwidth", None, "an integer 1-16 for quantization, e.g. 4")
            target_bitwidth = validate.positive_int("target_bitwidth", target_bitwidth, upper=16)
            group = validate.positive_int("group_size", group_size)
            bits = quantized_bits(target_bitwidth, group)
            if target_bitwidth >= base_bits:
                raise InvalidArgumentError("target_bitwidth", target_bitwidth,
                                           f"fewer bits than the {base} baseline's {base_bits:g}")
            if target_bitwidth < 8 and bits >= 8:  # the scales would outweigh what the narrower weights save
                raise InvalidArgumentError("group_size", group, f"a group large enough that {target_bitwidth}-bit weights "
                                           f"with a 16-bit scale per group cost fewer than 8 bits each (they cost "
                                           f"{bits:g}): more than {16 / (8 - target_bitwidth):g} weights per scale")
            math_precision = _native_precision(hardware, target_bitwidth, serve)
            point, span, source = _lookup(QUANTIZATION_DELTAS, target_bitwidth, descending=True)
            if math_precision == serve and target_bitwidth < serve_bits:
                notes.append(f"{hardware.name} has no native {target_bitwidth}-bit math: weights are "
                             f"dequantized and multiplied in {serve} (weight-only quantization)")
        elif method == "pruning":
            s = validate.probability("sparsity", a.pruning_sparsity if sparsity is None else sparsity,
                                     "a fraction of weights removed in [0, 1), e.g. 0.5", closed=False)
            # Sparse storage: the kept weights at the serving precision plus a 1-bit presence mask.
            bits = (1.0 - s) * serve_bits + 1.0
            math_precision = serve
            point, span, source = _lookup(PRUNING_DELTAS, s, descending=False)
            notes.append("unstructured sparsity saves bytes, not FLOPs: the math stays dense")
        elif method == "distillation":
            scale = validate.real(a.distillation_size_ratio if size_ratio is None else size_ratio) or 0.0
            if not validate.MIN_FRACTION <= scale < 1.0:
                raise InvalidArgumentError("size_ratio", size_ratio, "student/teacher parameters in (0, 1), e.g. 0.6")
            bits, math_precision = serve_bits * scale, serve
            point, span, source = DISTILLATION_DELTA
        else:
            raise UnknownNameError("compression method", str(method), ["quantization", "pruning", "distillation"])

        original = params * base_bits / 8
        compressed = params * bits / 8
        speedup = _step_time(model, hardware, serve_bits, serve, 1.0, eff, a) / _step_time(
            model, hardware, bits, math_precision, scale, eff, a)
        return CompressionResult(
            model=model.name,
            hardware=hardware.name,
            method=method,
            baseline_precision=base,
            bits_per_weight=bits if method != "distillation" else serve_bits,
            original_size_gb=quantity(original / 1e9, "GB"),
            compressed_size_gb=quantity(compressed / 1e9, "GB"),
            compression_ratio=original / compressed,
            memory_savings_pct=100.0 * (1.0 - compressed / original),
            speedup_baseline=f"{serve}, batch 1",
            inference_speedup=speedup,
            estimated_accuracy_delta=point,
            accuracy_delta_range=span,
            accuracy_source=source,
            fits_in_memory=compressed <= hardware.si.memory_capacity,
            notes=tuple(notes),
        )


def _lookup(table, value, *, descending: bool):
    for bound, point, span, source in table:
        if (value >= bound) if descending else (value <= bound):
            return point, span, source
    return table[-1][1:]


def _native_precision(hw: HardwareNode, bits: int, fallback: str) -> str:
    """The narrowest native precision that holds `bits`-bit values, else `fallback`."""
    candidates = {4: ("int4", "fp4"), 8: ("int8", "fp8")}.get(bits, ())
    for p in candidates:
        if hw.supports(p):
            return p
    return fallback


def _step_time(model: Workload, hw: HardwareNode, weight_bits: float, math_precision: str, scale: float,
               eff: float | None, a: Assumptions) -> float:
    """Seconds of one batch-1 step from the cost core (a decode step, or a CNN forward pass).

    Weights cost `weight_bits` per original parameter (a distilled student's smaller size
    is already in it); `scale` shrinks the FLOPs and activations (distillation).
    """
    carrier = math_precision if BITS_PER_VALUE[math_precision] >= 16 else "fp16"
    weights = _precision_for_bits(weight_bits, carrier)
    prec = Precisions(weights, math_precision, carrier, carrier)
    seq = model_sequence(model, None, a)
    cost = step_cost(model, hw, phase="inference", batch=1, seq=seq, precisions=prec, assumptions=a,
                     efficiency=eff, warn=False)
    b = cost.breakdown
    if weight_bits == prec.weight_bits and scale == 1.0:
        return b.time
    # Rescale the weight traffic to the exact bits (pruned or distilled sizes are not a storage format),
    # and the FLOPs and activations by the distillation scale.
    t = 0.0
    for r in b.rows:
        op = r.op
        moved = op.weight_bytes + op.act_bytes + op.kv_bytes
        body = r.t_compute * scale + (r.t_memory * (op.weight_bytes * weight_bits / prec.weight_bits
                                                    + scale * (op.act_bytes + op.kv_bytes)) / moved if moved else 0.0)
        t += op.count * (body + r.t_overhead + r.t_comm)
    return t


def _precision_for_bits(bits: float, carrier: str) -> str:
    """The storage format closest above `bits` per weight."""
    for name in ("int4", "int8", "fp16", "fp32"):
        if bits <= BITS_PER_VALUE[name] + 0.5:
            return name if BITS_PER_VALUE[name] < 16 else carrier if BITS_PER_VALUE[name] == 16 else name
    return "fp32"
