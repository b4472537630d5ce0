"""Energy, carbon and water of running a fleet for a duration in a region.

IT power per node follows a linear model between idle and full load
[@barroso2018datacenter]: P = P_max · (f + (1 − f) · u), with ``f`` the idle
fraction (``Assumptions.idle_power_fraction``), ``u`` the utilization
(``mfu``) and P_max the node's whole-system power (CPUs, NICs, fans included,
e.g. 10.2 kW for a DGX H100; accelerators × TDP ×
``Assumptions.node_power_per_accelerator_tdp`` for a node that gives no
figure).  Facility energy = IT energy × PUE; carbon = facility energy × the
grid's life-cycle intensity; water = IT energy × WUE [@thegreengrid2011wue].
"""

from __future__ import annotations

import dataclasses

from .. import formulas
from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.errors import InvalidArgumentError
from ..core.units import Quantity, quantity, si
from ..infra.types import Datacenter, GridProfile
from ..systems.types import Fleet, Node
from .result import Result


@dataclasses.dataclass(frozen=True)
class SustainabilityResult(Result):
    """Energy (kWh), carbon (kg and t CO2e) and water (L) of a fleet over a duration."""

    region_name: str
    duration_days: float
    average_it_power: Quantity
    it_energy_kwh: Quantity
    total_energy_kwh: Quantity
    pue: float
    carbon_intensity: Quantity
    carbon_footprint_kg: float
    carbon_footprint: Quantity
    water_usage_liters: float


def resolve_grid(site, fleet: Fleet, argument: str) -> GridProfile:
    """The grid a fleet draws from: the argument, else the fleet's region."""
    site = fleet.region if site is None else site
    if isinstance(site, Datacenter):
        return site.as_grid()
    if isinstance(site, GridProfile):
        return site
    raise InvalidArgumentError(argument, site, "a grid (Infra.Grids.Quebec) or datacenter (Infra.Datacenters.GCP_Iowa); "
                               "the fleet has no region to fall back on" if fleet.region is None else "a grid or datacenter")


def node_power_w(node: Node, assumptions: Assumptions | None = None) -> float | None:
    """Whole-node power at full load in W: the node's figure, else accelerators × TDP ×
    ``assumptions.node_power_per_accelerator_tdp`` (None when neither is known)."""
    if node.node_power is not None:
        return si(node.node_power)
    if node.accelerator.si.tdp is None:
        return None
    return node.accelerators_per_node * node.accelerator.si.tdp * resolve(assumptions).node_power_per_accelerator_tdp


def fleet_energy_kwh(fleet: Fleet, grid: GridProfile, days: float, utilization: float,
                     assumptions: Assumptions | None = None) -> tuple[float, float, float]:
    """(average IT power in kW, IT energy in kWh, facility energy in kWh)."""
    a = resolve(assumptions)
    peak = node_power_w(fleet.node, a)
    if peak is None:
        raise InvalidArgumentError("fleet", fleet.name, "a node with node_power or an accelerator with a TDP")
    power_kw = fleet.count * formulas.node_power(peak, utilization, a.idle_power_fraction) / 1e3
    it = power_kw * days * 24.0
    return power_kw, it, formulas.facility_energy(it, grid.pue)


class SustainabilityModel:
    """Energy, carbon and water of a fleet in a region."""

    def solve(self, fleet: Fleet, duration_days: float, datacenter=None, mfu: float | None = None, *,
              assumptions: Assumptions | None = None) -> SustainabilityResult:
        """Footprint of running ``fleet`` for ``duration_days`` at utilization ``mfu``.

        Args:
            datacenter: a ``GridProfile`` or ``Datacenter`` (default: the fleet's region).
            mfu: utilization in (0, 1] that sets power between idle and full load
                (default: ``assumptions.mfu``).
            assumptions: idle power fraction, node power ratio and default utilization
                (default: ``Assumptions()``).

        Example:
            >>> r = SustainabilityModel().solve(Systems.Clusters.Research_256, 30, Infra.Quebec, mfu=0.4)
            >>> f"{r.total_energy_kwh:,.0f}"
            '157,690 kWh'
        """
        a = resolve(assumptions)
        validate.instance("fleet", fleet, Fleet, "a fleet such as Systems.Clusters.Research_256")
        days = validate.positive_number("duration_days", duration_days)
        u = validate.fraction("mfu", a.mfu if mfu is None else mfu)
        grid = resolve_grid(datacenter, fleet, "datacenter")
        power_kw, it, total = fleet_energy_kwh(fleet, grid, days, u, a)
        carbon_kg = formulas.carbon_emissions(total, grid.kg_co2e_per_kwh)
        return SustainabilityResult(
            region_name=grid.name,
            duration_days=days,
            average_it_power=quantity(power_kw, "kW"),
            it_energy_kwh=quantity(it, "kWh"),
            total_energy_kwh=quantity(total, "kWh"),
            pue=grid.pue,
            carbon_intensity=grid.carbon_intensity,
            carbon_footprint_kg=carbon_kg,
            carbon_footprint=quantity(carbon_kg / 1e3, "t"),
            water_usage_liters=formulas.water_use(it, grid.liters_per_kwh),
        )
