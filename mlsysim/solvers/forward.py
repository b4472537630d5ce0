"""Evaluate one (model, fleet, workload) everywhere at once: the composition the other solvers share.

`ForwardModel.solve` runs the roofline on one accelerator, the serving
model (for transformers), and the economics and sustainability of running
the fleet for `duration_days` on its grid, and returns one result linking
the four.  One `Assumptions` object reaches all four.
"""

from __future__ import annotations

import dataclasses

from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..models.types import TransformerWorkload, Workload
from ..systems.types import Fleet
from .economics import EconomicsModel
from .result import Result
from .roofline import SingleNodeModel
from .serving import ServingModel
from .sustainability import SustainabilityModel


@dataclasses.dataclass(frozen=True)
class ForwardResult(Result):
    """The per-domain results of one configuration, and its headline figures: what `ForwardModel.solve` returns.

    Attributes:
        model: the model's name.
        fleet: the fleet's name.
        bottleneck (str): what bounds one step on one device ("Compute" or "Memory").
        latency (Quantity): one step on one device (ms).
        tokens_per_second_per_gpu (Quantity): throughput of one device (tokens/s, or samples/s for a CNN).
        fits (bool): whether the model fits one device (or one serving replica).
        tco_usd (float): TCO of the fleet over the period, USD.
        carbon_footprint_kg (float): operational carbon over the period, kg CO2e.
        roofline (SingleNodeResult): the single-device step.
        serving (ServingResult | None): the serving replica (transformers), None for a CNN.
        economics (EconomicsResult): the fleet's costs.
        sustainability (SustainabilityResult): the fleet's energy, carbon and water.

    Example:
        >>> from mlsysim import ForwardModel, Infra, Models, Systems
        >>> r = ForwardModel().solve(Models.Llama3_8B, Systems.Clusters.Research_256, grid=Infra.Quebec)
        >>> r.fits, r.economics.region_name
        (True, 'Quebec')
    """

    model: str
    fleet: str
    bottleneck: str
    latency: object
    tokens_per_second_per_gpu: object
    fits: bool
    tco_usd: float
    carbon_footprint_kg: float
    roofline: Result = dataclasses.field(repr=False)
    serving: Result | None = dataclasses.field(repr=False)
    economics: Result = dataclasses.field(repr=False)
    sustainability: Result = dataclasses.field(repr=False)


class ForwardModel:
    """Roofline, serving, cost and carbon of one configuration, from one call: `SingleNodeModel`,
    `ServingModel`, `EconomicsModel` and `SustainabilityModel` composed."""

    def solve(self, model: Workload, fleet: Fleet, *, batch_size: int | None = None, seq_len: int | None = None,
              precision: str | None = None, grid=None, duration_days: float | None = None, mfu: float | None = None,
              efficiency: float | None = None, assumptions: Assumptions | None = None) -> ForwardResult:
        """Evaluate `model` served on `fleet` for `duration_days`.

        Args:
            model: a workload from `Models`.
            fleet: the cluster (`Systems.Clusters`, or a `Fleet`).
            batch_size: samples (sequences) per step; default `Assumptions.batch_size`.
            seq_len: context tokens; default `Assumptions.seq_len`, capped at the model's context.
            precision: a precision name; default `Assumptions.precision`.
            grid (GridProfile | Datacenter | None): where the fleet runs; default the fleet's region, else
                `Assumptions.grid`.
            duration_days: period priced; default `Assumptions.deployment_days`.
            mfu: fraction of the time the serving fleet is busy decoding, idle the rest (it sets the power
                draw); default `Assumptions.serving_utilization`.
            efficiency: fraction of peak FLOP/s for the roofline and serving solves; default None: the
                size-dependent curves.
            assumptions: passed to every solver composed; default `Assumptions()`.

        Returns:
            The headline figures and each composed solver's result.

        Example:
            >>> from mlsysim import ForwardModel, Infra, Models, Systems
            >>> r = ForwardModel().solve(Models.Llama3_8B, Systems.Clusters.Research_256, grid=Infra.Quebec)
            >>> r.roofline.bottleneck == r.bottleneck
            True
        """
        a = resolve(assumptions)
        validate.instance("model", model, Workload, "a workload such as Models.Llama3_8B")
        validate.instance("fleet", fleet, Fleet, "a fleet such as Systems.Clusters.Research_256")
        hw = fleet.node.accelerator
        days = a.deployment_days if duration_days is None else duration_days
        u = a.serving_utilization if mfu is None else validate.fraction("mfu", mfu)
        node_solver, serving_solver = SingleNodeModel(), ServingModel()
        roofline = node_solver.solve(model, hw, batch_size, precision, seq_len=seq_len,
                                     assumptions=a, efficiency=efficiency)
        serving = None
        if isinstance(model, TransformerWorkload):
            serving = serving_solver.solve(model, hw, seq_len=min(a.seq_len, model.context_length) if seq_len is None else seq_len,
                                           batch_size=batch_size, precision=precision,
                                           assumptions=a, efficiency=efficiency)
        economics = EconomicsModel().solve(fleet, days, grid, activity="decode", utilization=u, assumptions=a)
        sustainability = SustainabilityModel().solve(fleet, days, grid, activity="decode", utilization=u,
                                                     assumptions=a)
        return ForwardResult(
            model=model.name, fleet=fleet.name, bottleneck=roofline.bottleneck, latency=roofline.latency,
            tokens_per_second_per_gpu=None if serving is None else serving.throughput,
            fits=roofline.feasible and (serving is None or serving.feasible),
            tco_usd=economics.tco_usd, carbon_footprint_kg=sustainability.carbon_footprint_kg,
            roofline=roofline, serving=serving, economics=economics, sustainability=sustainability,
        )
