"""Failures of a fleet over a job, and the checkpoint interval that minimizes lost time.

Nodes fail independently at the node's ``failures_per_1000_days``, or, for a
node that states none, ``Assumptions.node_failures_per_1000_node_days`` (Meta's
RSC-1 measurement [@kokolis2025reliability]), so the fleet's MTBF is the node
MTBF over the node count.  The checkpoint interval is Young–Daly's
√(2·δ·MTBF) [@young1974; @daly2006]; overhead counts writing checkpoints,
redoing lost work (half an interval per failure on average) and restarting.
"""

from __future__ import annotations

import dataclasses

from .. import formulas
from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.units import quantity
from ..systems.types import Fleet, Node
from .result import Result


@dataclasses.dataclass(frozen=True)
class ReliabilityResult(Result):
    """Failure statistics of a job and its best checkpoint cadence."""

    fleet: str
    nodes: int
    node_mtbf: object
    fleet_mtbf: object
    job_duration: object
    failure_probability: float
    expected_failures: float
    checkpoint_time: object
    optimal_checkpoint_interval: object
    checkpoint_overhead: float
    goodput: float


def node_failure_rate(node: Node, assumptions: Assumptions | None = None) -> float:
    """Failures per 1,000 node-days: the node's own figure, else ``assumptions.node_failures_per_1000_node_days``."""
    if "failures_per_1000_days" in node.model_fields_set:
        return node.failures_per_1000_days
    return resolve(assumptions).node_failures_per_1000_node_days


class ReliabilityModel:
    """Fleet MTBF, failure odds and Young–Daly checkpointing for a job."""

    def solve(self, fleet: Fleet, job_duration_hours: float, checkpoint_time_s: float | None = None,
              restart_time_s: float | None = None, *, assumptions: Assumptions | None = None) -> ReliabilityResult:
        """Failures expected in ``job_duration_hours`` and the optimal checkpoint interval.

        Args:
            job_duration_hours: wall-clock length of the job, hours (> 0).
            checkpoint_time_s: time to write one checkpoint, seconds (> 0; default
                ``assumptions.checkpoint_time_s``).
            restart_time_s: time to detect a failure and resume, seconds (≥ 0; default
                ``assumptions.restart_time_s``).
            assumptions: checkpoint and restart times, and the failure rate of nodes that
                state none (default: ``Assumptions()``).

        Example:
            >>> r = ReliabilityModel().solve(Systems.Clusters.Research_256, job_duration_hours=720)
            >>> round(r.expected_failures, 1)
            6.2
        """
        a = resolve(assumptions)
        validate.instance("fleet", fleet, Fleet, "a fleet such as Systems.Clusters.Research_256")
        hours = validate.positive_number("job_duration_hours", job_duration_hours)
        delta = validate.positive_number("checkpoint_time_s", a.checkpoint_time_s
                                         if checkpoint_time_s is None else checkpoint_time_s)
        restart = validate.positive_number("restart_time_s", a.restart_time_s if restart_time_s is None
                                           else restart_time_s, allow_zero=True)
        node_mtbf = 1000.0 / node_failure_rate(fleet.node, a) * 86400.0
        mtbf = formulas.fleet_mtbf(node_mtbf, fleet.count)
        duration = hours * 3600.0
        interval = formulas.young_daly_interval(delta, mtbf)
        overhead = formulas.checkpoint_overhead(interval, delta, mtbf, restart)
        return ReliabilityResult(
            fleet=fleet.name,
            nodes=fleet.count,
            node_mtbf=quantity(node_mtbf / 3600, "hour"),
            fleet_mtbf=quantity(mtbf / 3600, "hour"),
            job_duration=quantity(hours, "hour"),
            failure_probability=formulas.failure_probability(duration, mtbf),
            expected_failures=duration / mtbf,
            checkpoint_time=quantity(delta, "s"),
            optimal_checkpoint_interval=quantity(interval / 60, "minute"),
            checkpoint_overhead=overhead,
            goodput=max(0.0, 1.0 - overhead),
        )
