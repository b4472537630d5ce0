"""Which hardware parameter does a workload's latency depend on?  Elasticities by perturbation.

For each parameter x the solver re-runs the roofline (or, given a fleet, the
distributed step) with x scaled by 1 ± h (`Assumptions.sensitivity_step`)
and reports the central-difference elasticity ∂ln T / ∂ln x
[@press2007numerical].  On a bound workload the binding resource has an
elasticity near −1 (doubling it halves the time); the others are near 0; a
fixed overhead shows as a positive share.  `binding_constraint` is the
parameter with the largest |elasticity|.
"""

from __future__ import annotations

import dataclasses
import warnings

from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..hardware.types import HardwareNode, PrecisionFallbackWarning
from ..models.types import Workload
from ..systems.types import Fleet
from .distributed import DistributedModel
from .result import Result
from .roofline import SingleNodeModel


@dataclasses.dataclass(frozen=True)
class SensitivityResult(Result):
    """Elasticities of step latency with respect to each hardware parameter: what `SensitivitySolver.solve`
    returns.

    An elasticity is d ln(latency) / d ln(parameter): −1 means latency falls in proportion as the parameter
    grows (the parameter binds), 0 that it does not matter.

    Attributes:
        model: the workload's name.
        target: the device's or fleet's name.
        baseline_latency (Quantity): the step time before any change.
        sensitivities (dict[str, float]): elasticity per parameter: "peak_flops", "memory_bandwidth",
            "memory_capacity" and "dispatch_tax" on a device; "peak_flops", "intra_node_bw", "network_bw" and
            "network_latency" on a fleet.
        binding_constraint: the parameter with the largest elasticity in magnitude.

    Example:
        >>> from mlsysim import Hardware, Models, SensitivitySolver
        >>> r = SensitivitySolver().solve(Models.Llama3_8B, Hardware.H100)
        >>> sorted(r.sensitivities)
        ['dispatch_tax', 'memory_bandwidth', 'memory_capacity', 'peak_flops']
        >>> r.sensitivities["memory_bandwidth"] < -0.5
        True
    """

    model: str
    target: str
    baseline_latency: object
    sensitivities: dict
    binding_constraint: str


def _scaled(spec, path: tuple[str, ...], factor: float):
    """A copy of `spec` with the Quantity at `path` multiplied by `factor` (all rates for 'compute')."""
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
    """Partial derivatives (elasticities) of latency with respect to hardware parameters, by finite
    differences: each parameter is scaled by 1 + `step` and the step re-solved."""

    def solve(self, model: Workload, hardware: HardwareNode | None = None, precision: str | None = None, *,
              fleet: Fleet | None = None, batch_size: int | None = None, efficiency: float | None = None,
              step: float | None = None, assumptions: Assumptions | None = None, **options) -> SensitivityResult:
        """Elasticity of the step time of `model` on `hardware` (or on `fleet`) to each parameter.

        On a device the step is `SingleNodeModel.solve`'s; on a fleet, `DistributedModel.solve`'s.

        Args:
            model: a workload from `Models`.
            hardware: the device (give this or `fleet`).
            precision: a precision name; default the underlying solver's (`Assumptions.precision` on a
                device, `Assumptions.training_precision` on a fleet).
            fleet: the cluster, for the elasticities of a training step.
            batch_size: default the underlying solver's: `Assumptions.batch_size` on a device,
                `Assumptions.global_batch` on a fleet.
            efficiency: a flat fraction of the dense peak; default None: the size-dependent curves.
            step: the relative change applied to each parameter; default `Assumptions.sensitivity_step`.
            assumptions: the modelling defaults, passed to the underlying solver; default `Assumptions()`.
            **options (Any): further keywords of the underlying solver (`mode="training"`, `seq_len`; or
                `tp_size`, `pp_size` with a fleet).

        Returns:
            The baseline step time, the elasticity per parameter and the binding one.

        Example:
            >>> from mlsysim import Hardware, Models, SensitivitySolver
            >>> r = SensitivitySolver().solve(Models.Llama3_8B, Hardware.H100)
            >>> r.binding_constraint
            'memory_bandwidth'
        """
        a = resolve(assumptions)
        h = validate.fraction("step", a.sensitivity_step if step is None else step)
        batch = {} if batch_size is None else {"batch_size": batch_size}
        target: HardwareNode | Fleet
        if fleet is None:
            target = validate.instance("hardware", hardware, HardwareNode, "a device such as Hardware.H100, or fleet=")
            params = DEVICE_PARAMETERS
            node_solver = SingleNodeModel()
            passed = {**batch, "assumptions": a, "efficiency": efficiency, **options}

            def run(hw):
                return node_solver.solve(model, hw, precision=precision, **passed).latency

            rebuild = lambda path, f: _scaled(hardware, path, f)  # noqa: E731
        else:
            validate.instance("fleet", fleet, Fleet, "a fleet such as Systems.Clusters.Research_256")
            target, params = fleet, FLEET_PARAMETERS

            fleet_solver = DistributedModel()
            passed = {"batch_size": a.global_batch, **batch, "assumptions": a, "efficiency": efficiency, **options}

            def run(fl):
                return fleet_solver.solve(model, fl, precision=precision, **passed).step_latency_total

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

