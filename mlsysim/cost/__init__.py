"""The cost core: the one place that counts a step's work and turns it into time.

* `.ops` — `Op`, one operator's FLOPs, bytes by role, saved activations, collective;
* `.transformer`, `.cnn` — a workload's step as operators (prefill, decode, training);
* `.timing` — `price`: operators → time on a device (per-kernel cost,
  size-dependent efficiency, overlap);
* `.breakdown` — `StepBreakdown`, the per-operator result every step carries;
* `.step` — `step_cost`, the façade the solvers call.
"""

from .breakdown import OpCost, StepBreakdown
from .ops import Collective, Op, totals
from .step import StepCost, step_cost
from .timing import price

__all__ = ["Collective", "Op", "OpCost", "StepBreakdown", "StepCost", "price", "step_cost", "totals"]
