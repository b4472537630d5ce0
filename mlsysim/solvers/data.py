"""Can the input pipeline feed the accelerators?  Demand against the slowest supply tier.

Supply is the minimum of storage read bandwidth, the host link (PCIe) and,
when data comes over the network, the fabric port.  Utilization above 1 means
the accelerators stall waiting for data.
"""

from __future__ import annotations

import dataclasses

from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.units import BANDWIDTH_LADDER, readable
from ..hardware.types import HardwareNode
from .result import Result


@dataclasses.dataclass(frozen=True)
class DataResult(Result):
    """Data demand against supply, per accelerator: what `DataModel.solve` returns.

    Attributes:
        demand_bw (Quantity): bytes/s the accelerator consumes.
        supply_bw (Quantity): bytes/s of the slowest supply tier.
        utilization (float): demand / supply; above 1 the accelerator waits for data.
        is_stalled (bool): whether demand exceeds supply.
        bottleneck (str): the slowest tier ("storage", "host link" or "network").
        tiers (dict[str, Quantity]): each supply tier on the path and its bytes/s.

    Example:
        >>> from mlsysim import DataModel, Hardware, Q_
        >>> r = DataModel().solve(Q_("8 MB/s"), Hardware.H100)
        >>> r.bottleneck, sorted(r.tiers)
        ('storage', ['host link', 'storage'])
    """

    demand_bw: object
    supply_bw: object
    utilization: float
    is_stalled: bool
    bottleneck: str
    tiers: dict = dataclasses.field(repr=False)


class DataModel:
    """Data-pipeline demand against storage, host-link and network supply: is the accelerator fed?"""

    def solve(self, workload_data_rate, hardware: HardwareNode | None = None, *, storage_bw=None,
              host_bw=None, network_bw=None, assumptions: Assumptions | None = None) -> DataResult:
        """Compare `workload_data_rate` (bytes/s one accelerator consumes) with the supply tiers.

        Args:
            workload_data_rate (Quantity): a bandwidth, e.g. `Q_("8 MB/s")`.
            hardware: the accelerator being fed (for the record; the supply tiers are below).
            storage_bw (Quantity | None): read bandwidth of the storage feeding it; default
                `Assumptions.storage_bandwidth_bytes_per_s` (one NVMe drive).
            host_bw (Quantity | None): host-to-device link; default `Assumptions.host_link_bandwidth_bytes_per_s`
                (PCIe 5.0 x16, one direction).
            network_bw (Quantity | None): network share when data is remote; default None, not on the path.
            assumptions: the default storage and host-link rates; default `Assumptions()`.

        Returns:
            Demand, the slowest supply, utilization and whether the accelerator stalls.

        Example:
            >>> from mlsysim import DataModel, Hardware, Q_
            >>> DataModel().solve(Q_("8 MB/s"), Hardware.H100).is_stalled
            False
        """
        a = resolve(assumptions)
        demand = validate.quantity_in("workload_data_rate", workload_data_rate, "B/s", "8 MB/s")
        if hardware is not None:
            validate.instance("hardware", hardware, HardwareNode, "a device such as Hardware.H100")
        tiers = {
            "storage": a.storage_bandwidth_bytes_per_s if storage_bw is None
            else validate.quantity_in("storage_bw", storage_bw, "B/s", "7 GB/s"),
            "host link": a.host_link_bandwidth_bytes_per_s if host_bw is None
            else validate.quantity_in("host_bw", host_bw, "B/s", "63 GB/s"),
        }
        if network_bw is not None:
            tiers["network"] = validate.quantity_in("network_bw", network_bw, "B/s", "50 GB/s")
        bottleneck = min(tiers, key=tiers.__getitem__)
        supply = tiers[bottleneck]
        return DataResult(
            demand_bw=readable(demand, BANDWIDTH_LADDER),
            supply_bw=readable(supply, BANDWIDTH_LADDER),
            utilization=demand / supply,
            is_stalled=demand > supply,
            bottleneck=bottleneck,
            tiers={k: readable(v, BANDWIDTH_LADDER) for k, v in tiers.items()},
        )
