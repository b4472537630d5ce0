"""Failures of a fleet over a job, the checkpoint interval that minimizes lost time, and the goodput left.

* **Failures from components.**  A node fails at its own `failures_per_1000_days`
  when it states one (a measured rate for your fleet); otherwise at the sum over its
  parts of `Assumptions.component_failures_per_1000_days` — accelerators, NICs and
  their network links counted per part, host and software per node — the root causes
  of Llama 3's 419 unexpected interruptions in 54 days on 16,384 H100s
  [@dubey2024llama3].  Nodes fail independently, so the fleet's MTBF is the node's
  over the node count.
* **Checkpoints from state and storage.**  Given a model (or a state size), one
  checkpoint holds the weights and the fp32 optimizer state (14 bytes per parameter
  in mixed precision) and is written at the fleet's storage bandwidth (default
  `Assumptions.checkpoint_write_bandwidth_per_node_bytes_per_s` per node, Llama 3's
  2 TB/s for 2,048 nodes).  A synchronous save pauses training for the whole write;
  an asynchronous one pauses only to copy each accelerator's shard to host memory over
  its host link, and the checkpoint becomes durable a write time later, which a
  failure adds to the work redone.
* **Interval and goodput.**  Daly's higher-order optimum interval (Young's first-order
  √(2·δ·MTBF) is reported beside it) and Daly's expected wall time give the fraction
  of the job spent on useful work [@young1974; @daly2006].  A job shorter than one
  interval takes no checkpoint: a failure reruns it from the start.
"""

from __future__ import annotations

import dataclasses

from .. import formulas
from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.errors import InvalidArgumentError
from ..core.precision import Precisions
from ..core.units import Quantity, quantity
from ..models.types import Workload
from ..systems.types import Fleet, Node
from .result import Result

SECONDS_PER_DAY = 86400.0


@dataclasses.dataclass(frozen=True)
class ReliabilityResult(Result):
    """Failure statistics of a job, its best checkpoint cadence and the goodput left: what
    `ReliabilityModel.solve` returns.

    Attributes:
        fleet: the fleet's name.
        nodes: nodes in the fleet.
        node_failure_rate: failures per 1,000 node-days of one node.
        failures_by_component: expected failures over the job by part ("accelerator", "nic", "network",
            "host", "software"; a node with its own rate is one part, "node").
        node_mtbf: mean time between failures of one node (hours).
        fleet_mtbf: mean time between failures of the whole fleet (hours).
        job_duration: the job's wall-clock length (hours).
        failure_probability: probability of at least one failure during the job.
        expected_failures: failures expected during the job.
        checkpoint_size: bytes of one checkpoint, None when the write time was given or assumed rather
            than derived from a model or a size.
        checkpoint_write_time: time to write one checkpoint to storage.
        checkpoint_time: the pause in training per checkpoint (the write, or the copy to host memory when
            checkpointing is asynchronous).
        asynchronous: whether checkpoints are written in the background.
        restart_time: time to detect a failure and resume.
        young_daly_interval: Young's first-order checkpoint interval √(2δ·MTBF) [@young1974].
        optimal_checkpoint_interval: Daly's higher-order optimal interval [@daly2006].
        checkpoint_overhead: fraction of time lost to checkpoints, rework and restarts, to first order.
        goodput: fraction of wall-clock time spent on useful work at the optimal interval [@daly2006].

    Example:
        >>> from mlsysim import ReliabilityModel, Systems
        >>> r = ReliabilityModel().solve(Systems.Clusters.Research_256, job_duration_hours=720)
        >>> sorted(r.failures_by_component)
        ['accelerator', 'host', 'network', 'nic', 'software']
        >>> print(f"{r.expected_failures:.1f} failures, checkpoint every {r.optimal_checkpoint_interval:.0f~P}")
        3.6 failures, checkpoint every ... min
    """

    fleet: str
    nodes: int
    node_failure_rate: float  # failures per 1,000 node-days
    failures_by_component: dict[str, float]  # expected failures over the job; a node's own rate is "node"
    node_mtbf: Quantity
    fleet_mtbf: Quantity
    job_duration: Quantity
    failure_probability: float
    expected_failures: float
    checkpoint_size: Quantity | None  # None when the write time was given or assumed rather than derived
    checkpoint_write_time: Quantity
    checkpoint_time: Quantity  # the pause in training per checkpoint
    asynchronous: bool
    restart_time: Quantity
    young_daly_interval: Quantity
    optimal_checkpoint_interval: Quantity
    checkpoint_overhead: float
    goodput: float


def component_counts(node: Node) -> dict[str, int]:
    """How many of each failing part one node holds: its accelerators, its NICs and their links, one host,
    one software stack."""
    return {"accelerator": node.accelerators_per_node, "nic": node.nics, "network": node.nics, "host": 1,
            "software": 1}


def node_failures_by_part(node: Node, assumptions: Assumptions | None = None) -> dict[str, float]:
    """Failures per 1,000 node-days of one node, by part: each part's count × its rate in
    `assumptions.component_failures_per_1000_days`; a node that states its own `failures_per_1000_days`
    is one part, `"node"`.

    Example:
        >>> from mlsysim import Systems
        >>> from mlsysim.solvers import node_failures_by_part
        >>> parts = node_failures_by_part(Systems.Nodes.DGX_H100)
        >>> round(parts["accelerator"], 2), round(sum(parts.values()) - parts["software"], 2)  # the hardware alone
        (2.42, 3.22)
    """
    if node.failures_per_1000_days is not None:
        return {"node": node.failures_per_1000_days}
    rates = dict(resolve(assumptions).component_failures_per_1000_days)
    return {part: n * rates[part] for part, n in component_counts(node).items()}


def node_failure_rate(node: Node, assumptions: Assumptions | None = None) -> float:
    """Failures per 1,000 node-days: the node's own figure, else the sum of its parts' rates
    (`assumptions.component_failures_per_1000_days`).

    Example:
        >>> from mlsysim import Systems
        >>> from mlsysim.solvers import node_failure_rate
        >>> round(node_failure_rate(Systems.Nodes.DGX_H100), 2)  # 8 GPUs, 8 NICs: Llama 3's 419 / (2,048 × 54)
        3.79
    """
    return sum(node_failures_by_part(node, assumptions).values())


def checkpoint_bytes(model: Workload, precision: str | None = None, assumptions: Assumptions | None = None) -> float:
    """Bytes one training checkpoint of `model` holds: parameters × (weights + fp32 optimizer state)
    at the training precision (default `assumptions.training_precision`, bf16: 14 B per parameter).

    Example:
        >>> from mlsysim import Models
        >>> from mlsysim.solvers import checkpoint_bytes
        >>> round(checkpoint_bytes(Models.Llama3_70B) / 1e12, 2)  # TB
        0.99
    """
    a = resolve(assumptions)
    validate.instance("model", model, Workload, "a model such as Models.Llama3_70B")
    prec = Precisions.from_shorthand(a.training_precision if precision is None else precision, training=True)
    return model.parameter_count * formulas.checkpoint_bytes_per_param(prec.bytes("weights"), a.optimizer)


class ReliabilityModel:
    """Fleet MTBF, failures by component, checkpoint cost, Daly's interval and goodput for a training job.

    Failures are exponential and independent by part, at the component rates of
    `Assumptions.component_failures_per_1000_days`; the checkpoint interval and goodput follow
    Young [@young1974] and Daly [@daly2006].
    """

    def solve(self, fleet: Fleet, job_duration_hours: float, checkpoint_time_s: float | None = None,
              restart_time_s: float | None = None, *, model: Workload | None = None, state_bytes=None,
              precision: str | None = None, storage_bandwidth=None, asynchronous: bool | None = None,
              assumptions: Assumptions | None = None) -> ReliabilityResult:
        """Failures expected in `job_duration_hours`, the optimal checkpoint interval and the goodput.

        Args:
            fleet: the cluster (`Systems.Clusters`, or a `Fleet`).
            job_duration_hours: wall-clock length of the job, hours (> 0).
            checkpoint_time_s: time one checkpoint pauses training, seconds (> 0); when given, it is used
                as is and `model` only names the job.  Default: derived from `model` or `state_bytes`,
                else `Assumptions.checkpoint_time_s`.
            restart_time_s: time to detect a failure and resume, seconds (≥ 0); default
                `Assumptions.restart_time_s`.
            model: the model trained; its checkpoint is parameters × 14 B at bf16 (weights and fp32 optimizer
                state, `formulas.checkpoint_bytes_per_param`).
            state_bytes (Quantity | None): the checkpoint's size (`Q_(1, "TB")`), instead of a model.
            precision: training precision of `model`; default `Assumptions.training_precision`.
            storage_bandwidth (Quantity | None): write bandwidth of the fleet's checkpoint store, such as
                `Q_(2, "TB/s")`; default nodes × `Assumptions.checkpoint_write_bandwidth_per_node_bytes_per_s`.
            asynchronous: pause only to copy state to host memory and write in the background; default
                `Assumptions.asynchronous_checkpointing`.
            assumptions: component failure rates, storage and host-link bandwidths, checkpoint and restart
                times; default `Assumptions()`.

        Returns:
            Failures, MTBFs, checkpoint times, the optimal interval and the goodput.

        Example:
            >>> from mlsysim import Models, ReliabilityModel, Systems
            >>> r = ReliabilityModel().solve(Systems.Clusters.Research_256, job_duration_hours=720)
            >>> round(r.expected_failures, 1), f"{r.goodput:.1%}"
            (3.6, '98.6%')
            >>> big = ReliabilityModel().solve(Systems.Clusters.Frontier_16K, 720, model=Models.Llama3_70B)
            >>> f"{big.checkpoint_write_time:.2f~P}", f"{big.optimal_checkpoint_interval:.1f~P}", f"{big.goodput:.1%}"
            ('0.49 s', '1.7 min', '93.9%')
        """
        a = resolve(assumptions)
        validate.instance("fleet", fleet, Fleet, "a fleet such as Systems.Clusters.Research_256")
        hours = validate.positive_number("job_duration_hours", job_duration_hours)
        restart = validate.positive_number("restart_time_s", a.restart_time_s if restart_time_s is None
                                           else restart_time_s, allow_zero=True)
        is_async = a.asynchronous_checkpointing if asynchronous is None else asynchronous
        if not isinstance(is_async, bool):
            raise InvalidArgumentError("asynchronous", is_async, "True or False")
        if model is not None and state_bytes is not None:
            raise InvalidArgumentError("state_bytes", state_bytes, "omitted when a model is given (its size is "
                                       "derived from the model)")
        size = None
        if state_bytes is not None:
            size = validate.quantity_in("state_bytes", state_bytes, "B", "1 TB")
        elif model is not None:
            size = checkpoint_bytes(model, precision, a)
        bandwidth = (fleet.count * a.checkpoint_write_bandwidth_per_node_bytes_per_s if storage_bandwidth is None
                     else validate.quantity_in("storage_bandwidth", storage_bandwidth, "B/s", "2 TB/s"))

        if checkpoint_time_s is not None:  # told how long a save pauses training
            pause = write = validate.positive_number("checkpoint_time_s", checkpoint_time_s)
            is_async = False
        elif size is None:  # nothing to derive it from
            pause = write = a.checkpoint_time_s
            is_async = False
        else:
            write = formulas.checkpoint_write_time(size, 1, bandwidth)
            # asynchronous: each accelerator copies its shard to host memory over its own link
            pause = (formulas.checkpoint_write_time(size, fleet.total_accelerators, a.host_link_bandwidth_bytes_per_s)
                     if is_async else write)

        by_part = node_failures_by_part(fleet.node, a)
        rate = sum(by_part.values())
        node_mtbf = 1000.0 / rate * SECONDS_PER_DAY
        mtbf = formulas.fleet_mtbf(node_mtbf, fleet.count)
        duration = hours * 3600.0
        interval = formulas.daly_interval(pause, mtbf)
        if is_async:  # a new checkpoint starts only when the last one is on storage
            interval = max(interval, write)
        lost_on_restart = restart + (write if is_async else 0.0)  # an unfinished write is not a checkpoint
        if interval >= duration:  # a job shorter than one interval is rerun from the start, never checkpointed
            interval = duration
            goodput = formulas.daly_goodput(duration, 0.0, mtbf, restart)
        else:
            goodput = formulas.daly_goodput(interval, pause, mtbf, lost_on_restart)
        return ReliabilityResult(
            fleet=fleet.name,
            nodes=fleet.count,
            node_failure_rate=rate,
            failures_by_component={part: fleet.count * hours / 24 * r / 1000 for part, r in by_part.items()},
            node_mtbf=quantity(node_mtbf / 3600, "hour"),
            fleet_mtbf=quantity(mtbf / 3600, "hour"),
            job_duration=quantity(hours, "hour"),
            failure_probability=formulas.failure_probability(duration, mtbf),
            expected_failures=duration / mtbf,
            checkpoint_size=None if size is None else quantity(size / 1e12, "TB"),
            checkpoint_write_time=quantity(write, "s"),
            checkpoint_time=quantity(pause, "s"),
            asynchronous=is_async,
            restart_time=quantity(restart, "s"),
            young_daly_interval=quantity(formulas.young_daly_interval(pause, mtbf) / 60, "minute"),
            optimal_checkpoint_interval=quantity(interval / 60, "minute"),
            checkpoint_overhead=1.0 - goodput,
            goodput=goodput,
        )
