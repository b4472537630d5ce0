"""Which hardware parameter does a workload's latency depend on?  Elasticities by perturbation.

For each parameter x the solver re-runs the roofline (or, given a fleet, the
distributed step) with x scaled by 1 ± h and reports the central-difference
elasticity ∂ln T / ∂ln x.  On a bound workload the binding resource has an
elasticity near −1 (doubling it halves the time); the others are near 0; a
fixed overhead shows as a positive share.  ``binding_constraint`` is the
parameter with the largest |elasticity|.
"""

from __future__ import annotations

import dataclasses
import warnings

from ..core import validate
from ..core.assumptions import DEFAULT_EFFICIENCY, DEFAULT_GLOBAL_BATCH
from ..hardware.types import HardwareNode, PrecisionFallbackWarning
from ..models.types import Workload
from ..systems.types import Fleet
from .distributed import DistributedModel
from .result import Result
from .roofline import SingleNodeModel


@dataclasses.dataclass(frozen=True)
class SensitivityResult(Result):
    """Elasticities of step latency with respect to each hardware parameter."""

    model: str
    target: str
    baseline_latency: object
    sensitivities: dict
    binding_constraint: str


def _scaled(spec, path: tuple[str, ...], factor: float):
    """A copy of ``spec`` with the Quantity at ``path`` multiplied by ``factor`` (all rates for 'compute')."""
    head, *rest = path
    value = getattr(spec, head)
    if rest:
        return spec.model_copy(update={head: _scaled(value, tuple(rest), factor)})
    if head == "compute":
        return spec.model_copy(update={"compute": value.model_copy(update={
            "peak_flops": value.peak_flops * factor,
            "precision_flops": {p: q * factor for p, q in value.precision_flops.items()}})})
    if value is None:
        return spec
    return spec.model_copy(update={head: value * factor})


DEVICE_PARAMETERS = {
    "peak_flops": ("compute",),
    "memory_bandwidth": ("memory", "bandwidth"),
    "memory_capacity": ("memory", "capacity"),
    "dispatch_tax": ("dispatch_tax",),
}
FLEET_PARAMETERS = {
    "peak_flops": ("node", "accelerator", "compute"),
    "intra_node_bw": ("node", "intra_node_bw"),
    "network_bw": ("fabric", "bandwidth"),
    "network_latency": ("fabric", "latency"),
}


class SensitivitySolver:
    """Partial derivatives (elasticities) of latency with respect to hardware parameters."""

    def solve(self, model: Workload, hardware: HardwareNode | None = None, precision: str = "fp16", *,
              fleet: Fleet | None = None, batch_size: int | None = None, efficiency: float = DEFAULT_EFFICIENCY,
              step: float = 0.01, **options) -> SensitivityResult:
        """Elasticity of the step time of ``model`` on ``hardware`` (or on ``fleet``) to each parameter.

        ``batch_size`` defaults to 1 on a device and to the global batch on a fleet.
        Extra ``options`` go to the underlying solver (e.g. ``mode="training"``,
        ``seq_len``; or ``tp_size``/``pp_size`` with a fleet).

        Example:
            >>> r = SensitivitySolver().solve(Models.Llama3_8B, Hardware.H100)
            >>> r.binding_constraint
            'memory_bandwidth'
        """
        h = validate.fraction("step", step)
        if fleet is None:
            validate.instance("hardware", hardware, HardwareNode, "a device such as Hardware.H100, or fleet=")
            target, params = hardware, DEVICE_PARAMETERS

            def run(hw):
                return SingleNodeModel().solve(model, hw, batch_size or 1, precision, efficiency, **options).latency

            rebuild = lambda path, f: _scaled(hardware, path, f)  # noqa: E731
        else:
            validate.instance("fleet", fleet, Fleet, "a fleet such as Systems.Clusters.Research_256")
            target, params = fleet, FLEET_PARAMETERS

            def run(fl):
                return DistributedModel().solve(model, fl, batch_size or DEFAULT_GLOBAL_BATCH, precision, efficiency,
                                                **options).step_latency_total

            rebuild = lambda path, f: _scaled(fleet, path, f)  # noqa: E731
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PrecisionFallbackWarning)
            base = run(target)
            out = {}
            for name, path in params.items():
                up = run(rebuild(path, 1 + h)).to(base.units).magnitude
                down = run(rebuild(path, 1 - h)).to(base.units).magnitude
                out[name] = (up - down) / (2 * h) / base.magnitude
        binding = max(out, key=lambda k: abs(out[k]))
        return SensitivityResult(
            model=model.name,
            target=target.name,
            baseline_latency=base,
            sensitivities=out,
            binding_constraint=binding,
        )

