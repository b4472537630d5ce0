"""Nodes, network fabrics and fleets.

Link conventions are typed: `intra_node_bw` is read as a vendor quotes it
(`intra_node_convention`: NVLink's figure is the bidirectional total per
GPU); fabric `bandwidth` is per port per direction.  Solvers use
`_link_bw` / `_port_bw`: bytes per second in one direction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from ..core.assumptions import (
    DEFAULT_FABRIC_LATENCY_S,
    DEFAULT_INTRA_NODE_LATENCY_S,
    NODE_POWER_PER_ACCELERATOR_TDP,
)
from ..core.spec import Bandwidth, Duration, Money, Power, Spec
from ..core.units import Q_, si
from ..hardware.types import HardwareNode
from ..infra.types import Datacenter, GridProfile


class Node(Spec):
    """A server: accelerators, the scale-up link between them, power and price.

    Attributes:
        name: the node's name.
        accelerator: the device it holds (a `HardwareNode`).
        accelerators_per_node: how many.
        intra_node_bw: the scale-up link rate per GPU as the vendor quotes it (NVLink: both directions).
        intra_node_convention: whether `intra_node_bw` counts "bidirectional" or "unidirectional" traffic.
        intra_node_latency: small-message latency of the scale-up link (α).
        nics_per_node: scale-out network ports (default one per accelerator).
        node_power: whole-node power at full load, when the datasheet gives it.
        unit_cost: price of one node, host included, when known.
        failures_per_1000_days: the node's own failure rate, when measured; else its parts' rates in
            `Assumptions.component_failures_per_1000_days`.
        source: the bibliography key of the figures.
        notes: anything a reader should know about the entry.

    Example:
        >>> from mlsysim import Systems
        >>> n = Systems.Nodes.DGX_H100
        >>> n.accelerators_per_node, n.link_bandwidth / 1e9  # GB/s per GPU, one direction
        (8, 450.0)
    """

    name: str
    accelerator: HardwareNode
    accelerators_per_node: int = Field(ge=1)
    intra_node_bw: Bandwidth
    intra_node_convention: Literal["bidirectional", "unidirectional"] = "bidirectional"
    intra_node_latency: Duration = Q_(DEFAULT_INTRA_NODE_LATENCY_S * 1e6, "us")
    nics_per_node: int | None = Field(default=None, ge=1)
    node_power: Power | None = None
    unit_cost: Money | None = None
    failures_per_1000_days: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    source: str | None = None
    notes: str | None = None

    if TYPE_CHECKING:  # cached by model_post_init with object.__setattr__, not pydantic fields
        _link_bw: float
        _link_latency: float
        _power: float | None
        _nics: int

    def model_post_init(self, _context: Any) -> None:
        link = si(self.intra_node_bw)
        object.__setattr__(self, "_link_bw", link / 2 if self.intra_node_convention == "bidirectional" else link)
        object.__setattr__(self, "_link_latency", si(self.intra_node_latency))
        if self.node_power is not None:
            power = si(self.node_power)
        elif self.accelerator.si.tdp is not None:
            power = self.accelerators_per_node * self.accelerator.si.tdp * NODE_POWER_PER_ACCELERATOR_TDP
        else:
            power = None
        object.__setattr__(self, "_power", power)
        object.__setattr__(self, "_nics", self.nics_per_node or self.accelerators_per_node)

    @property
    def link_bandwidth(self) -> float:
        """Scale-up link rate per GPU in one direction, bytes/s (what collective formulas take)."""
        return self._link_bw

    @property
    def link_latency(self) -> float:
        """Scale-up link small-message latency α, seconds."""
        return self._link_latency

    @property
    def nics(self) -> int:
        """Scale-out network ports per node (one per accelerator unless stated)."""
        return self._nics

    @property
    def max_power(self):
        """Whole-node power at full load (kW): the datasheet figure, or accelerators × TDP ×
        `Assumptions.node_power_per_accelerator_tdp`."""
        return None if self._power is None else Q_(self._power / 1e3, "kW")


class NetworkFabric(Spec):
    """The scale-out network: per-port bandwidth per direction, latency, topology.

    Attributes:
        name: the fabric's name.
        bandwidth: one port's rate in one direction.
        topology: "fat-tree", "rail-optimized", "torus", …
        latency: small-message latency through the fabric (α); default `Assumptions.fabric_latency_s`.
        oversubscription: the ratio of port bandwidth to the bisection each port gets (1: non-blocking).
        source: the bibliography key of the figures.

    Example:
        >>> from mlsysim import Systems
        >>> f = Systems.Fabrics.InfiniBand_NDR
        >>> f.port_bandwidth / 1e9  # GB/s per port, one direction
        50.0
    """

    name: str
    bandwidth: Bandwidth
    topology: str = "fat-tree"
    latency: Duration = Q_(DEFAULT_FABRIC_LATENCY_S * 1e6, "us")
    oversubscription: float = Field(default=1.0, ge=1.0, allow_inf_nan=False)
    source: str | None = None

    if TYPE_CHECKING:  # cached by model_post_init with object.__setattr__, not pydantic fields
        _port_bw: float
        _latency: float

    def model_post_init(self, _context: Any) -> None:
        object.__setattr__(self, "_port_bw", si(self.bandwidth) / self.oversubscription)
        object.__setattr__(self, "_latency", si(self.latency))

    @property
    def port_bandwidth(self) -> float:
        """Bytes/s one port sustains in one direction, after oversubscription."""
        return self._port_bw

    @property
    def latency_s(self) -> float:
        """Small-message latency α through the fabric, seconds."""
        return self._latency


class Fleet(Spec):
    """`count` identical nodes on one fabric, optionally in a region: what the training, reliability, cost and
    carbon solvers take.

    Attributes:
        name: the fleet's name.
        node: the node (a `Node`).
        count: nodes.
        fabric: the scale-out network (a `NetworkFabric`).
        region: the grid or datacenter it runs in; None: the solvers' default (`Assumptions.grid`).
        source: the bibliography key of the figures.

    Example:
        >>> from mlsysim import Fleet, Infra, Systems
        >>> Systems.Clusters.Research_256.total_accelerators
        256
        >>> big = Fleet(name="4K H100", node=Systems.Nodes.DGX_H100, count=512,
        ...             fabric=Systems.Fabrics.InfiniBand_NDR, region=Infra.Quebec)
        >>> big.total_accelerators
        4096
    """

    name: str
    node: Node
    count: int = Field(ge=1)
    fabric: NetworkFabric
    region: GridProfile | Datacenter | None = None
    source: str | None = None

    @property
    def total_accelerators(self) -> int:
        """Accelerators in the fleet: nodes × accelerators per node."""
        return self.count * self.node.accelerators_per_node
