"""Total cost of ownership of a fleet over a duration.

* **CapEx** — nodes × node price (or accelerators × accelerator price), plus
  the infrastructure around them: facility construction per watt of IT power
  (`Assumptions.facility_capex_per_watt`, [@barroso2018datacenter]) and the
  network as a fraction of node cost (`network_capex_fraction`).  The
  ratio of that total to the node cost is the *infrastructure multiplier*.
  `capex_usd` is the share depreciated over the duration (straight line
  over `lifetime_years`); `capex_total_usd` is the purchase.
* **OpEx** — facility energy (the sustainability model's, PUE included) ×
  the grid's price, and maintenance as a yearly fraction of hardware cost
  (`maintenance_fraction_per_year`).

A fleet with no region, given no grid, runs on `Assumptions.grid` (the U.S. average)
in a facility of class `Assumptions.facility`.
"""

from __future__ import annotations

import dataclasses

from .. import formulas
from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.errors import InvalidArgumentError
from ..core.units import NumberIn, Quantity, quantity, si
from ..systems.types import Fleet, Node
from .result import Result
from .sustainability import activity_and_utilization, fleet_energy, node_power_w, resolve_site

DAYS_PER_YEAR = 365.0


@dataclasses.dataclass(frozen=True)
class EconomicsResult(Result):
    """What owning and running a fleet costs over `duration_days`: what `EconomicsModel.solve` returns.

    Fields whose names end in `_usd` or `_kwh` or `_kg` are plain numbers in that unit (each also
    converts: `r.energy_kwh.to("MWh")`); `tco` is the same total as a Quantity in USD.

    Attributes:
        region_name: the grid the fleet draws from.
        duration_days: the period costed, days.
        hardware_usd: purchase price of the nodes, USD.
        capex_total_usd: the whole purchase: nodes, network and facility, USD.
        infrastructure_multiplier: total CapEx / node cost.
        capex_usd: the share of the purchase the period carries (straight-line over the lifetime), USD.
        opex_energy_usd: the facility's electricity over the period, USD.
        opex_maintenance_usd: maintenance over the period, USD.
        tco: total cost of ownership over the period (a Quantity in USD).
        tco_usd: the same, a number in USD.
        usd_per_gpu_hour: TCO over the accelerator-hours of the period, comparable with cloud prices.
        energy_kwh: the facility's energy over the period, kWh.
        carbon_footprint_kg: operational emissions of that energy on the grid, kg CO2e.

    Example:
        >>> from mlsysim import EconomicsModel, Systems
        >>> r = EconomicsModel().solve(Systems.Clusters.Research_256, 365)
        >>> r.tco_usd > r.capex_usd > 0
        True
        >>> print(f"TCO ${r.tco_usd:,.0f}, ${r.usd_per_gpu_hour:.2f} per GPU-hour")
        TCO $..., $... per GPU-hour
    """

    region_name: str
    duration_days: float
    hardware_usd: float
    capex_total_usd: float
    infrastructure_multiplier: float
    capex_usd: float
    opex_energy_usd: float
    opex_maintenance_usd: float
    tco: Quantity  # total cost of ownership over the duration, as a Quantity in USD
    tco_usd: NumberIn
    usd_per_gpu_hour: float  # TCO over the accelerator-hours of the duration, comparable with cloud prices
    energy_kwh: NumberIn
    carbon_footprint_kg: NumberIn

    def usd_per_million_tokens(self, tokens_per_gpu_second: float) -> float:
        """TCO per million tokens when each accelerator produces `tokens_per_gpu_second` on average over the
        duration: `usd_per_gpu_hour` / (tokens per GPU-hour / 10⁶).

        Args:
            tokens_per_gpu_second: tokens each accelerator produces per second, averaged over the duration.

        Returns:
            USD per million tokens.

        Example:
            >>> from mlsysim import EconomicsModel, Systems
            >>> r = EconomicsModel().solve(Systems.Clusters.Research_256, 365)
            >>> round(r.usd_per_million_tokens(1000.0), 2)  # 1,000 tokens/s per GPU
            0.58
        """
        rate = validate.positive_number("tokens_per_gpu_second", tokens_per_gpu_second)
        return self.usd_per_gpu_hour / (rate * 3600.0 / 1e6)


def node_price_or_none(node: Node, assumptions: Assumptions | None = None) -> float | None:
    """Price of one node in USD, host included: its own figure, else accelerators × accelerator price ×
    `assumptions.server_cost_overhead` (None when neither is known)."""
    if node.unit_cost is not None:
        return si(node.unit_cost)
    if node.accelerator.unit_cost is not None:
        return node.accelerators_per_node * si(node.accelerator.unit_cost) * resolve(assumptions).server_cost_overhead
    return None


def node_price_usd(fleet: Fleet, assumptions: Assumptions | None = None) -> float:
    """Price of one node of `fleet` in USD, or an error naming the fleet when the zoo has none."""
    price = node_price_or_none(fleet.node, assumptions)
    if price is not None:
        return price
    raise InvalidArgumentError("fleet", fleet.name, "a node (or accelerator) with a unit_cost, e.g. Node(unit_cost=Q_(300_000, 'USD'))")


class EconomicsModel:
    """CapEx, OpEx and TCO of a fleet: the purchase (nodes, network, facility) spread over its lifetime, plus
    electricity and maintenance."""

    def solve(
        self,
        fleet: Fleet,
        duration_days: float,
        grid=None,
        mfu: float | None = None,
        *,
        activity: str | None = None,
        utilization: float | None = None,
        lifetime_years: float | None = None,
        infrastructure_multiplier: float | None = None,
        network_capex_fraction: float | None = None,
        maintenance_fraction: float | None = None,
        assumptions: Assumptions | None = None,
    ) -> EconomicsResult:
        """TCO of owning and running `fleet` for `duration_days`.

        Args:
            fleet: the cluster (`Systems.Clusters`, or a `Fleet`).
            duration_days: the period costed, days.
            grid (GridProfile | Datacenter | None): where the fleet runs; default the fleet's region, else
                `Assumptions.grid` (a bare grid sits in a facility of class `Assumptions.facility`).
            mfu: the workload's model FLOP utilization; it does not set power (see `SustainabilityModel`)
                and is accepted for the seeds' calls.
            activity: what the accelerators do while busy (see `SustainabilityModel`); default
                `Assumptions.fleet_activity`.
            utilization: the fraction of time they are busy; default `Assumptions.fleet_utilization`.
            lifetime_years: depreciation period of the purchase; default `Assumptions.lifetime_years`.
            infrastructure_multiplier: total CapEx / node cost; default None, computed from
                `Assumptions.network_capex_fraction` and `Assumptions.facility_capex_per_watt`.
            network_capex_fraction: network cost / node cost; default `Assumptions.network_capex_fraction`.
            maintenance_fraction: yearly maintenance / node cost; default `Assumptions.maintenance_fraction_per_year`.
            assumptions: facility cost per watt, network and maintenance fractions, lifetime,
                power model; default `Assumptions()`.

        Returns:
            CapEx, OpEx, TCO and energy over the period.

        Example:
            >>> from mlsysim import EconomicsModel, Systems
            >>> r = EconomicsModel().solve(Systems.Clusters.Research_256, 365)  # on Assumptions.grid
            >>> r.region_name, r.tco_usd > r.capex_usd > 0
            ('US Average', True)
        """
        a = resolve(assumptions)
        validate.instance("fleet", fleet, Fleet, "a fleet such as Systems.Clusters.Research_256")
        days = validate.positive_number("duration_days", duration_days)
        if mfu is not None:
            validate.fraction("mfu", mfu)
        act, u = activity_and_utilization(activity, utilization, a.fleet_activity, a.fleet_utilization)
        life = validate.positive_number("lifetime_years", a.lifetime_years if lifetime_years is None else lifetime_years)
        net = validate.positive_number("network_capex_fraction", a.network_capex_fraction
                                       if network_capex_fraction is None else network_capex_fraction, allow_zero=True)
        maint = validate.positive_number("maintenance_fraction", a.maintenance_fraction_per_year
                                         if maintenance_fraction is None else maintenance_fraction, allow_zero=True)
        site = resolve_site(grid, fleet, "grid", a)
        hardware = fleet.count * node_price_usd(fleet, a)
        if infrastructure_multiplier is None:
            facility = fleet.count * (node_power_w(fleet.node, a) or 0.0) * a.facility_capex_per_watt
            capex_total = hardware * (1 + net) + facility
        else:
            m = validate.positive_number("infrastructure_multiplier", infrastructure_multiplier)
            if m < 1:
                raise InvalidArgumentError("infrastructure_multiplier", m, "≥ 1 (total CapEx over node cost)")
            capex_total = hardware * m
        years = days / DAYS_PER_YEAR
        energy = fleet_energy(fleet, site, days, act, u, a).facility_kwh
        capex = capex_total * min(1.0, years / life)
        opex_energy = energy * site.grid.usd_per_kwh
        opex_maint = hardware * maint * years
        tco = capex + opex_energy + opex_maint
        return EconomicsResult(
            region_name=site.region_name,
            duration_days=days,
            hardware_usd=hardware,
            capex_total_usd=capex_total,
            infrastructure_multiplier=capex_total / hardware,
            capex_usd=capex,
            opex_energy_usd=opex_energy,
            opex_maintenance_usd=opex_maint,
            tco=quantity(tco, "USD"),
            tco_usd=NumberIn(tco, "USD"),
            usd_per_gpu_hour=tco / (fleet.total_accelerators * days * 24.0),
            energy_kwh=NumberIn(energy, "kWh"),
            carbon_footprint_kg=NumberIn(formulas.carbon_emissions(energy, site.grid.kg_co2e_per_kwh), "kg"),
        )
