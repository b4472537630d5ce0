"""Accelerator and microcontroller specs: compute, memory, power, cost.

Conventions (typed, so a registry entry cannot blur them):

* every FLOP/s figure is the **dense** peak (no 2:4 sparsity) from the
  vendor datasheet; ``precision_flops`` maps a precision to that peak;
* memory capacities are stated in the binary units the parts are built in
  (an "80 GB" HBM3 H100 holds 80 GiB); bandwidths are decimal (TB/s);
* ``peak_flops`` is the headline rate used for precisions the device does
  not list: the fp16/bf16 tensor rate on GPUs, the fp32 rate on MCUs.
"""

from __future__ import annotations

import warnings
from typing import Any

from pydantic import field_validator

from ..core.precision import COMPUTE_FALLBACK, check_precision
from ..core.spec import Bandwidth, Capacity, Duration, FlopRate, Money, Power, Spec
from ..core.units import quantity, si


class PrecisionFallbackWarning(UserWarning):
    """A precision has no native math on a device; the solve uses a fallback."""


class ComputeCore(Spec):
    """Peak arithmetic throughput: a headline peak and per-precision dense peaks.

    ``peak_flops`` is quoted at ``peak_precision`` (fp32 unless stated);
    ``precision_flops`` lists the other precisions the device runs natively.
    """

    peak_flops: FlopRate
    precision_flops: dict[str, FlopRate] = {}
    peak_precision: str = "fp32"

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
        rates = {self.peak_precision: si(self.peak_flops)}
        rates.update({p: si(q) for p, q in self.precision_flops.items()})
        object.__setattr__(self, "_rates", rates)
        object.__setattr__(self, "_peak", si(self.peak_flops))
        object.__setattr__(self, "_resolved", {})

    def resolve(self, precision: str) -> tuple[float, str, bool]:
        """``(flop/s in SI, precision the math runs in, native?)`` for ``precision``.

        A precision the device does not list (in ``precision_flops`` or as
        ``peak_precision``) falls back along
        :data:`mlsysim.core.precision.COMPUTE_FALLBACK` to the first one it
        does, and finally to ``peak_flops``.
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
        """The dense peak FLOP/s this device applies to math at ``precision``."""
        return quantity(self.resolve(precision)[0] / 1e12, "TFLOP/s")


class MemoryHierarchy(Spec):
    """Main memory (capacity, bandwidth) and optional on-chip SRAM and flash tiers.

    ``capacity``/``bandwidth`` describe the tier that holds the weights:
    HBM on a GPU, flash or PSRAM on a microcontroller.
    """

    capacity: Capacity
    bandwidth: Bandwidth
    sram_capacity: Capacity | None = None
    sram_bandwidth: Bandwidth | None = None
    flash_capacity: Capacity | None = None
    flash_bandwidth: Bandwidth | None = None

    def model_post_init(self, _context: Any) -> None:
        object.__setattr__(self, "_capacity", si(self.capacity))
        object.__setattr__(self, "_bandwidth", si(self.bandwidth))


class HardwareNode(Spec):
    """One accelerator or microcontroller, as its datasheet describes it.

    Example::

        HardwareNode(name="toy", compute=ComputeCore(peak_flops=Q_("1 TFLOP/s")),
                     memory=MemoryHierarchy(capacity=Q_("1 GiB"), bandwidth=Q_("100 GB/s")))
    """

    name: str
    compute: ComputeCore
    memory: MemoryHierarchy
    release_year: int | None = None
    vendor: str | None = None
    tdp: Power | None = None
    dispatch_tax: Duration | None = None
    unit_cost: Money | None = None
    source: str | None = None
    notes: str | None = None

    def model_post_init(self, _context: Any) -> None:
        tax = 0.0 if self.dispatch_tax is None else si(self.dispatch_tax)
        object.__setattr__(self, "_dispatch_tax", tax)
        object.__setattr__(self, "_tdp", None if self.tdp is None else si(self.tdp))

    def resolve_compute(self, precision: str, *, warn: bool = True) -> tuple[float, str, bool]:
        """Like :meth:`ComputeCore.resolve`, warning when the math falls back."""
        rate, used, native = self.compute.resolve(precision)
        if warn and not native:
            warnings.warn(fallback_note(self, precision, used, rate), PrecisionFallbackWarning, stacklevel=4)
        return rate, used, native

    def ridge_point(self, precision: str = "fp16"):
        """Arithmetic intensity (flop/byte) where compute and memory time are equal at peak."""
        rate = self.compute.resolve(precision)[0]
        return quantity(rate / self.memory._bandwidth, "flop/B")

    def supports(self, precision: str) -> bool:
        """True when the device lists native math for ``precision``."""
        return self.compute.resolve(precision)[2]


def fallback_note(hw: HardwareNode, precision: str, used: str, rate: float) -> str:
    """One sentence explaining a precision fallback, for warnings and results."""
    path = f"{used} math" if used != "peak" else "its generic peak_flops path"
    return (
        f"{hw.name} has no native {precision} math; values stay {precision} in memory "
        f"but the computation runs on {path} at {rate / 1e12:.4g} TFLOP/s"
    )

