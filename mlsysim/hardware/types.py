"""Accelerator and microcontroller specs: compute, memory, power, cost.

Conventions (typed, so a registry entry cannot blur them):

* every FLOP/s figure is the **dense** peak (no 2:4 sparsity) from the
  vendor datasheet; `precision_flops` maps a precision to that peak;
* memory capacities are stated in the binary units the parts are built in
  (an "80 GB" HBM3 H100 holds 80 GiB); bandwidths are decimal (TB/s);
* `peak_flops` is the headline rate used for precisions the device does
  not list: the fp16/bf16 tensor rate on GPUs, the fp32 rate on MCUs.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import PrivateAttr, field_validator

from ..core.assumptions import DEFAULTS, DeviceClass, EfficiencyCurve
from ..core.precision import COMPUTE_FALLBACK, check_precision
from ..core.spec import Bandwidth, Capacity, Duration, FlopRate, Money, Power, Spec
from ..core.units import quantity, si


class PrecisionFallbackWarning(UserWarning):
    """Warned when a precision has no native math on a device and the solve uses a fallback.

    The values stay in the asked precision in memory; the math runs at the fallback's rate (an A100 has no
    fp8 tensor cores, so fp8 math runs at the fp16 rate).  Silence it with the `warnings` module.

    Example:
        >>> import warnings
        >>> from mlsysim import Engine, Hardware, Models, PrecisionFallbackWarning
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     r = Engine.solve(Models.Llama3_8B, Hardware.A100, precision="fp8")
        >>> caught[0].category is PrecisionFallbackWarning, r.compute_precision
        (True, 'fp16')
    """


@dataclass(frozen=True, slots=True)
class DeviceSI:
    """A device's figures as SI floats: what the cost core reads (`HardwareNode.si`)."""

    memory_capacity: float
    """bytes of the memory that holds the weights"""
    memory_bandwidth: float
    """bytes/s of that memory at peak"""
    sram_capacity: float | None
    """bytes of on-chip SRAM where activations must fit (microcontrollers), else None"""
    vector_flops: float
    """flop/s of non-matrix (elementwise) math: the fp32 rate, or its fallback"""
    dispatch_tax: float
    """seconds of fixed cost per step (runtime dispatch), 0 when none"""
    tdp: float | None
    """watts at full load, None when unknown"""


class ComputeCore(Spec):
    """Peak arithmetic throughput: a headline peak and per-precision dense peaks.

    `peak_flops` is quoted at `peak_precision` (fp32 unless stated);
    `precision_flops` lists the other precisions the device runs natively.  Every figure is the
    dense peak (no 2:4 sparsity) from the vendor's datasheet.

    Attributes:
        peak_flops: the headline dense peak (FLOP/s).
        precision_flops: the dense peak of each precision the device runs natively.
        peak_precision: the precision `peak_flops` is quoted at.

    Example:
        >>> from mlsysim import ComputeCore, Hardware, Q_
        >>> Hardware.H100.compute.flops_for("fp8")
        <Quantity(1978.9, 'teraflop / second')>
        >>> ComputeCore(peak_flops=Q_("100 TFLOP/s"), peak_precision="fp16").resolve("fp8")  # falls back
        (100000000000000.0, 'fp16', False)
    """

    peak_flops: FlopRate
    precision_flops: dict[str, FlopRate] = {}
    peak_precision: str = "fp32"
    _rates: dict[str, float] = PrivateAttr(default_factory=dict)
    _peak: float = PrivateAttr(default=0.0)
    _resolved: dict[str, tuple[float, str, bool]] = PrivateAttr(default_factory=dict)

    @field_validator("peak_precision", mode="before")
    @classmethod
    def _known_peak_precision(cls, value: Any) -> Any:
        return check_precision(value, "peak_precision")

    @field_validator("precision_flops", mode="before")
    @classmethod
    def _known_precisions(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {check_precision(k, "precision_flops key"): v for k, v in value.items()}
        return value

    def model_post_init(self, _context: Any) -> None:
        self._rates = {self.peak_precision: si(self.peak_flops)}
        self._rates.update({p: si(q) for p, q in self.precision_flops.items()})
        self._peak = si(self.peak_flops)

    def resolve(self, precision: str) -> tuple[float, str, bool]:
        """`(flop/s in SI, precision the math runs in, native?)` for `precision`.

        A precision the device does not list (in `precision_flops` or as
        `peak_precision`) falls back along the package's fallback order (fp8 to fp16,
        int4 to int8, …) to the first one it does, and finally to `peak_flops`.

        Args:
            precision: a precision name.

        Returns:
            The rate in FLOP/s, the precision the math runs in, and whether that is native.
        """
        try:
            return self._resolved[precision]
        except KeyError:
            pass
        p = check_precision(precision)
        if p in self._rates:
            out = (self._rates[p], p, True)
        else:
            step = COMPUTE_FALLBACK[p]
            while step is not None and step not in self._rates:
                step = COMPUTE_FALLBACK[step]
            out = (self._rates[step], step, False) if step else (self._peak, "peak", False)
        self._resolved[precision] = out
        return out

    def flops_for(self, precision: str):
        """The dense peak FLOP/s this device applies to math at `precision` (after any fallback).

        Args:
            precision: a precision name.

        Returns:
            (Quantity): TFLOP/s.
        """
        return quantity(self.resolve(precision)[0] / 1e12, "TFLOP/s")


class MemoryHierarchy(Spec):
    """Main memory (capacity, bandwidth) and optional on-chip SRAM and flash tiers.

    `capacity` and `bandwidth` describe the tier that holds the weights:
    HBM on a GPU, flash or PSRAM on a microcontroller.  Capacities are in the binary units the parts
    are built in (an "80 GB" HBM3 H100 holds 80 GiB); bandwidths are decimal (TB/s).

    Attributes:
        capacity: bytes of the tier that holds the weights.
        bandwidth: its peak bandwidth.
        sram_capacity: bytes of on-chip SRAM where activations must fit (microcontrollers).
        sram_bandwidth: the SRAM's bandwidth.
        flash_capacity: bytes of flash, when separate from `capacity`.
        flash_bandwidth: the flash's bandwidth.

    Example:
        >>> from mlsysim import Hardware
        >>> Hardware.H100.memory.capacity, Hardware.H100.memory.bandwidth
        (<Quantity(80, 'gibibyte')>, <Quantity(3.35, 'terabyte / second')>)
    """

    capacity: Capacity
    bandwidth: Bandwidth
    sram_capacity: Capacity | None = None
    sram_bandwidth: Bandwidth | None = None
    flash_capacity: Capacity | None = None
    flash_bandwidth: Bandwidth | None = None


class HardwareNode(Spec):
    """One accelerator or microcontroller, as its datasheet describes it.

    Attributes:
        name: the device's name.
        compute: its peak arithmetic (a `ComputeCore`).
        memory: its memory tiers (a `MemoryHierarchy`).
        device_class: "gpu", "tpu", "npu", "dataflow" or "mcu" (it selects the per-kernel costs of
            `Assumptions.kernel_launch_s` and `Assumptions.kernel_gap_s`).
        gemm_efficiency: the device's own measured matmul efficiency curve, overriding
            `Assumptions.gemm_efficiency`.
        memory_efficiency: the device's own measured bandwidth efficiency curve, overriding
            `Assumptions.memory_efficiency`.
        kernel_library: the int8 kernel library its CPU runs, when its efficiency depends on the operator's
            shape rather than its size: "cmsis-nn" (Arm Cortex-M with the DSP extension), whose table is
            `Assumptions.cmsis_nn_efficiency`; None: the GEMM curve.
        release_year: the year it shipped.
        vendor: who makes it.
        tdp: thermal design power (the board's power limit).
        dispatch_tax: fixed time per step (runtime dispatch), when measured.
        unit_cost: price of one device.
        source: the bibliography key of the figures.
        notes: anything a reader should know about the entry.

    Example:
        >>> from mlsysim import ComputeCore, Hardware, HardwareNode, MemoryHierarchy, Q_
        >>> toy = HardwareNode(name="toy", compute=ComputeCore(peak_flops=Q_("1 TFLOP/s")),
        ...                    memory=MemoryHierarchy(capacity=Q_("1 GiB"), bandwidth=Q_("100 GB/s")))
        >>> toy.ridge_point("fp32")
        <Quantity(10.0, 'flop / byte')>
        >>> Hardware.H100.supports("fp8"), Hardware.A100.supports("fp8")
        (True, False)
    """

    name: str
    compute: ComputeCore
    memory: MemoryHierarchy
    device_class: DeviceClass = "gpu"
    gemm_efficiency: EfficiencyCurve | None = None
    memory_efficiency: EfficiencyCurve | None = None
    kernel_library: Literal["cmsis-nn"] | None = None
    release_year: int | None = None
    vendor: str | None = None
    tdp: Power | None = None
    dispatch_tax: Duration | None = None
    unit_cost: Money | None = None
    source: str | None = None
    notes: str | None = None
    _si: DeviceSI = PrivateAttr()

    def model_post_init(self, _context: Any) -> None:
        mem = self.memory
        self._si = DeviceSI(
            memory_capacity=si(mem.capacity),
            memory_bandwidth=si(mem.bandwidth),
            sram_capacity=None if mem.sram_capacity is None else si(mem.sram_capacity),
            vector_flops=self.compute.resolve("fp32")[0],
            dispatch_tax=0.0 if self.dispatch_tax is None else si(self.dispatch_tax),
            tdp=None if self.tdp is None else si(self.tdp),
        )

    @property
    def si(self) -> DeviceSI:
        """The figures the solvers compute with, as floats in SI units (bytes, B/s, flop/s, s, W)."""
        # read the private store directly: pydantic's attribute fallback costs about 1.5 µs per access
        return self.__pydantic_private__["_si"]  # type: ignore[index]

    def resolve_compute(self, precision: str, *, warn: bool = True) -> tuple[float, str, bool]:
        """Like `ComputeCore.resolve`, warning (`PrecisionFallbackWarning`) when the math falls back.

        Args:
            precision: a precision name.
            warn: whether to warn on a fallback.

        Returns:
            The rate in FLOP/s, the precision the math runs in, and whether that is native.
        """
        rate, used, native = self.compute.resolve(precision)
        if warn and not native:
            warnings.warn(fallback_note(self, precision, used, rate), PrecisionFallbackWarning, stacklevel=4)
        return rate, used, native

    def ridge_point(self, precision: str | None = None):
        """Arithmetic intensity (flop/byte) where compute and memory time are equal at peak, at `precision`
        [@williams2009roofline].

        Args:
            precision: a precision name; default `Assumptions.precision`.

        Returns:
            (Quantity): FLOP/B.
        """
        rate = self.compute.resolve(DEFAULTS.precision if precision is None else precision)[0]
        return quantity(rate / self._si.memory_bandwidth, "flop/B")

    def supports(self, precision: str) -> bool:
        """True when the device lists native math for `precision`.

        Args:
            precision: a precision name.
        """
        return self.compute.resolve(precision)[2]


def fallback_note(hw: HardwareNode, precision: str, used: str, rate: float) -> str:
    """One sentence explaining a precision fallback, for warnings and results."""
    path = f"{used} math" if used != "peak" else "its generic peak_flops path"
    return (
        f"{hw.name} has no native {precision} math; values stay {precision} in memory "
        f"but the computation runs on {path} at {rate / 1e12:.4g} TFLOP/s"
    )

