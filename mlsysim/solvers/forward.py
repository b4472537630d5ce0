"""Evaluate one (model, fleet, workload) everywhere at once: the composition the other solvers share.

``ForwardModel.solve`` runs the roofline on one accelerator, the serving
model (for transformers), and the economics and sustainability of running
the fleet for ``duration_days`` on its grid, and returns one result linking
the four.  One :class:`~mlsysim.Assumptions` object reaches all four.
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
    """The per-domain results of one configuration, and its headline figures."""

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
    """Roofline, serving, cost and carbon of one configuration."""

    def solve(self, model: Workload, fleet: Fleet, *, batch_size: int | None = None, seq_len: int | None = None,
              precision: str | None = None, grid=None, duration_days: float | None = None, mfu: float | None = None,
              efficiency: float | None = None, assumptions: Assumptions | None = None) -> ForwardResult:
        """Evaluate ``model`` served on ``fleet`` for ``duration_days``.

        Args:
            batch_size, precision: of each step (default: ``assumptions.batch_size`` and ``precision``).
            seq_len: context tokens (default: ``assumptions.seq_len``, capped at the model's context).
            duration_days: period priced (default: ``assumptions.deployment_days``).
            mfu: fraction of the time the serving fleet is busy decoding, idle the rest (it sets the power
                draw; default: ``assumptions.serving_utilization``).
            efficiency: fraction of peak FLOP/s for the roofline and serving solves (default: theirs).
            assumptions: passed to every solver composed (default: ``Assumptions()``).

        Example:
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
