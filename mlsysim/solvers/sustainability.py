"""Energy, carbon and water of running a fleet for a duration at a site.

Power comes from what the accelerators do, not from their MFU: large-model training and
prompt prefill hold GPUs at their power limit whatever fraction of peak FLOP/s they reach,
memory-bound decoding draws well below it, and an idle GPU about a tenth
(`Assumptions.accelerator_power_fractions` [@splitwisesim2024]).  The host (CPUs, memory,
NICs, fans) draws what a measured node draws in training less its accelerators
(`Assumptions.node_training_power_fraction` of the node's rated power
[@newkirk2025calibrated]), in every activity.  Over the duration the fleet spends
`utilization` of its time on `activity` and the rest idle.

Every energy says what it counts: **accelerator** energy (GPUs only, the boundary of
"GPU-hours × TDP" figures), **IT** energy (whole nodes; switches are not counted) and
**facility** energy (IT × the site's PUE, cooling and power delivery included).  Carbon is
facility energy × the grid's life-cycle intensity (and, as a second figure, its direct
intensity); water is IT energy × the site's WUE [@thegreengrid2011wue].  Embodied carbon,
the emissions of manufacturing the nodes, is spread over the hours they are used in their
lifetime and charged to the duration (BLOOM's method and figures [@luccioni2023bloom]);
`total_carbon` adds it to the operational footprint.
"""

from __future__ import annotations

import dataclasses

from .. import formulas
from ..core import validate
from ..core.assumptions import ACTIVITIES, Assumptions, resolve
from ..core.errors import InvalidArgumentError
from ..core.units import NumberIn, Quantity, quantity, si
from ..infra.types import Datacenter, GridProfile
from ..systems.types import Fleet, Node
from .result import Result


@dataclasses.dataclass(frozen=True)
class SustainabilityResult(Result):
    """Energy (accelerators, IT, facility), carbon (operational and embodied) and water of a fleet over a duration:
    what `SustainabilityModel.solve` returns.

    Fields whose names carry a unit are plain numbers in that unit (`total_energy_kwh` in kWh,
    `carbon_footprint_kg` in kg, `carbon_footprint` in tonnes, `water_usage_liters` in litres), so
    `f"{r.total_energy_kwh:,.0f} kWh"` reads right; each also converts (`r.total_energy_kwh.to("MWh")`).
    The Quantity sits beside it under a unit-free name (`total_energy`, `operational_carbon`, `water_usage`).

    Attributes:
        region_name: the grid the fleet draws from.
        facility: the facility's name (its PUE and WUE).
        duration_days: the period, days.
        activity: what the accelerators do while busy ("training", "prefill", "decode" or "idle").
        utilization: fraction of the period the fleet is busy (idle the rest).
        average_it_power: the nodes' average draw.
        accelerator_energy: energy of the accelerators alone.
        it_energy: energy of the whole nodes: accelerators, hosts, network.
        total_energy: energy of the facility: IT × PUE [@thegreengrid2012pue].
        accelerator_energy_kwh: `accelerator_energy`, a number in kWh.
        it_energy_kwh: `it_energy`, a number in kWh.
        total_energy_kwh: `total_energy`, a number in kWh.
        pue: the facility's power usage effectiveness.
        carbon_intensity: the grid's life-cycle carbon intensity (g CO2e per kWh).
        operational_carbon: facility energy × that intensity.
        carbon_footprint_kg: `operational_carbon`, a number in kg.
        carbon_footprint: `operational_carbon`, a number in tonnes.
        direct_carbon_footprint: facility energy × the grid's direct (combustion) intensity, None when the
            grid states none.
        embodied_carbon: manufacturing emissions this period of use carries [@luccioni2023bloom].
        total_carbon: operational + embodied.
        water_usage: site water: IT energy × WUE [@thegreengrid2011wue].
        water_usage_liters: `water_usage`, a number in litres.
        mfu: the model FLOP utilization given, None when none was.
        energy_per_model_flop: facility energy per model FLOP at that MFU, None without one.

    Example:
        >>> from mlsysim import Infra, SustainabilityModel, Systems
        >>> r = SustainabilityModel().solve(Systems.Clusters.Research_256, 30, Infra.Quebec)
        >>> r.region_name, r.activity
        ('Quebec', 'training')
        >>> print(f"facility energy {r.total_energy_kwh:,.0f} kWh, operational carbon {r.carbon_footprint:.1f} t")
        facility energy ... kWh, operational carbon ... t
    """

    region_name: str
    facility: str
    duration_days: float
    activity: str
    utilization: float
    average_it_power: Quantity
    accelerator_energy: Quantity  # the accelerators alone
    it_energy: Quantity  # the whole nodes: accelerators, hosts, network
    total_energy: Quantity  # the facility: IT × PUE
    accelerator_energy_kwh: NumberIn
    it_energy_kwh: NumberIn
    total_energy_kwh: NumberIn
    pue: float
    carbon_intensity: Quantity
    operational_carbon: Quantity  # facility energy × the grid's life-cycle intensity
    carbon_footprint_kg: NumberIn
    carbon_footprint: NumberIn  # tonnes
    direct_carbon_footprint: Quantity | None
    embodied_carbon: Quantity  # manufacturing emissions this duration of use carries
    total_carbon: Quantity  # operational + embodied
    water_usage: Quantity
    water_usage_liters: NumberIn
    mfu: float | None
    energy_per_model_flop: Quantity | None


@dataclasses.dataclass(frozen=True)
class FleetEnergy:
    """Average power (W) and energy (kWh) of a fleet over a duration, by boundary."""

    accelerator_w: float
    it_w: float
    accelerator_kwh: float
    it_kwh: float
    facility_kwh: float


def node_embodied_kg(node: Node, assumptions: Assumptions | None = None) -> float:
    """Manufacturing emissions of one node, kg CO2e: accelerators × `embodied_carbon_kg_per_accelerator`
    + `embodied_carbon_kg_per_host` (BLOOM's per-GPU and per-server figures [@luccioni2023bloom]).

    Example:
        >>> from mlsysim import Systems
        >>> from mlsysim.solvers import node_embodied_kg
        >>> node_embodied_kg(Systems.Nodes.DGX_H100)  # 8 × 150 + 2,500
        3700.0
    """
    a = resolve(assumptions)
    return node.accelerators_per_node * a.embodied_carbon_kg_per_accelerator + a.embodied_carbon_kg_per_host


def resolve_site(site, fleet: Fleet, argument: str, assumptions: Assumptions | None = None) -> Datacenter:
    """The facility and grid a fleet runs in: the argument, else the fleet's region, else
    `assumptions.grid`; a bare grid gets a facility of class `assumptions.facility`."""
    from ..infra.registry import Facilities, Grids

    a = resolve(assumptions)
    site = fleet.region if site is None else site
    site = Grids.get(a.grid) if site is None else site
    if isinstance(site, Datacenter):
        return site
    if isinstance(site, GridProfile):
        return Datacenter.typical(site, Facilities.get(a.facility))
    raise InvalidArgumentError(argument, site, "a grid (Infra.Grids.Quebec) or datacenter (Infra.Datacenters.GCP_Iowa)")


def node_power_w(node: Node, assumptions: Assumptions | None = None) -> float | None:
    """Whole-node power at full load in W: the node's figure, else accelerators × TDP ×
    `assumptions.node_power_per_accelerator_tdp` (None when neither is known)."""
    if node.node_power is not None:
        return si(node.node_power)
    if node.accelerator.si.tdp is None:
        return None
    return node.accelerators_per_node * node.accelerator.si.tdp * resolve(assumptions).node_power_per_accelerator_tdp


def node_draw_w(node: Node, activity: str, assumptions: Assumptions | None = None) -> tuple[float, float]:
    """`(accelerators' W, whole node's W)` of one `node` doing `activity` ("training", "prefill",
    "decode" or "idle").

    Example:
        >>> from mlsysim import Systems
        >>> from mlsysim.solvers.sustainability import node_draw_w
        >>> gpus, node = node_draw_w(Systems.Nodes.DGX_H100, "training")
        >>> round(gpus), round(node)
        (5600, 7752)
    """
    a = resolve(assumptions)
    validate.choice("activity", activity, ACTIVITIES)
    rated, tdp = node_power_w(node, a), node.accelerator.si.tdp
    if rated is None or tdp is None:
        raise InvalidArgumentError("fleet", node.name, "a node whose accelerator has a TDP")
    fractions, n = dict(a.accelerator_power_fractions), node.accelerators_per_node
    host = formulas.host_power(rated, a.node_training_power_fraction, n, tdp * fractions["training"])
    gpus = n * tdp * fractions[activity]
    return gpus, formulas.node_power(n, tdp * fractions[activity], host)


def fleet_energy(fleet: Fleet, site: Datacenter, days: float, activity: str, utilization: float,
                 assumptions: Assumptions | None = None) -> FleetEnergy:
    """The fleet's energy over `days` spending `utilization` of its time on `activity` and the rest idle."""
    a = resolve(assumptions)
    busy_gpu, busy_node = node_draw_w(fleet.node, activity, a)
    idle_gpu, idle_node = node_draw_w(fleet.node, "idle", a)
    gpu_w = fleet.count * (utilization * busy_gpu + (1 - utilization) * idle_gpu)
    it_w = fleet.count * (utilization * busy_node + (1 - utilization) * idle_node)
    hours = days * 24.0
    it_kwh = it_w * hours / 1e3
    return FleetEnergy(gpu_w, it_w, gpu_w * hours / 1e3, it_kwh, formulas.facility_energy(it_kwh, site.site_pue))


def activity_and_utilization(activity: str | None, utilization: float | None, default_activity: str,
                             default_utilization: float) -> tuple[str, float]:
    """`(activity, utilization)` with a solver's defaults, the utilization validated (`node_draw_w` names an
    unknown activity)."""
    act = default_activity if activity is None else activity
    return act, validate.fraction("utilization", default_utilization if utilization is None else utilization)


class SustainabilityModel:
    """Energy, carbon and water of a fleet at a site.

    Accelerators draw a fraction of their TDP by activity (`Assumptions.accelerator_power_fractions`), the
    host the rest of a node measured in training [@newkirk2025calibrated]; the facility adds its PUE
    [@thegreengrid2012pue] and WUE [@thegreengrid2011wue], the grid its carbon intensity.
    """

    def solve(self, fleet: Fleet, duration_days: float, datacenter=None, mfu: float | None = None, *,
              activity: str | None = None, utilization: float | None = None,
              assumptions: Assumptions | None = None) -> SustainabilityResult:
        """Footprint of running `fleet` for `duration_days`.

        Args:
            fleet: the cluster (`Systems.Clusters`, or a `Fleet`).
            duration_days: the period, days.
            datacenter (Datacenter | GridProfile | None): where the fleet runs; a bare grid sits in a facility
                of class `Assumptions.facility`; default the fleet's region, else `Assumptions.grid`.
            mfu: the workload's model FLOP utilization in (0, 1]. It does not set power (a GPU training at
                40 % MFU still draws near its limit); it gives `energy_per_model_flop`.
            activity: what the accelerators do while busy: "training", "prefill", "decode" or "idle";
                default `Assumptions.fleet_activity`.
            utilization: fraction of the duration the fleet is busy, idle the rest; default
                `Assumptions.fleet_utilization`.
            assumptions: power fractions, facility class, default grid; default `Assumptions()`.

        Returns:
            Energy by boundary, operational and embodied carbon, and water.

        Example:
            >>> from mlsysim import Infra, SustainabilityModel, Systems
            >>> r = SustainabilityModel().solve(Systems.Clusters.Research_256, 30, Infra.Quebec)
            >>> f"{r.total_energy_kwh:,.0f} kWh", f"{r.total_energy.to('MWh'):.0f}"
            ('282,198 kWh', '282 MWh')
        """
        a = resolve(assumptions)
        validate.instance("fleet", fleet, Fleet, "a fleet such as Systems.Clusters.Research_256")
        days = validate.positive_number("duration_days", duration_days)
        act, u = activity_and_utilization(activity, utilization, a.fleet_activity, a.fleet_utilization)
        m = None if mfu is None else validate.fraction("mfu", mfu)
        site = resolve_site(datacenter, fleet, "datacenter", a)
        grid = site.grid
        e = fleet_energy(fleet, site, days, act, u, a)
        carbon_kg = formulas.carbon_emissions(e.facility_kwh, grid.kg_co2e_per_kwh)
        direct = grid.direct_carbon_intensity
        per_flop = None
        if m is not None:
            peak = si(fleet.node.accelerator.compute.flops_for("fp16"))
            useful = m * u * peak * fleet.total_accelerators * days * 86400.0
            per_flop = quantity(e.facility_kwh * 3.6e6 / useful * 1e12, "pJ/flop")
        embodied_kg = formulas.embodied_carbon(node_embodied_kg(fleet.node, a), fleet.count, days,
                                               a.embodied_lifetime_years, a.embodied_usage_fraction)
        water = formulas.water_use(e.it_kwh, site.liters_per_kwh)
        return SustainabilityResult(
            region_name=site.region_name,
            facility=site.facility.name if site.facility else site.name,
            duration_days=days,
            activity=act,
            utilization=u,
            average_it_power=quantity(e.it_w / 1e3, "kW"),
            accelerator_energy=quantity(e.accelerator_kwh, "kWh"),
            it_energy=quantity(e.it_kwh, "kWh"),
            total_energy=quantity(e.facility_kwh, "kWh"),
            accelerator_energy_kwh=NumberIn(e.accelerator_kwh, "kWh"),
            it_energy_kwh=NumberIn(e.it_kwh, "kWh"),
            total_energy_kwh=NumberIn(e.facility_kwh, "kWh"),
            pue=site.site_pue,
            carbon_intensity=grid.carbon_intensity,
            operational_carbon=quantity(carbon_kg / 1e3, "t"),
            carbon_footprint_kg=NumberIn(carbon_kg, "kg"),
            carbon_footprint=NumberIn(carbon_kg / 1e3, "t"),
            direct_carbon_footprint=(None if direct is None else quantity(
                formulas.carbon_emissions(e.facility_kwh, direct.to("kg/kWh").magnitude) / 1e3, "t")),
            embodied_carbon=quantity(embodied_kg / 1e3, "t"),
            total_carbon=quantity((carbon_kg + embodied_kg) / 1e3, "t"),
            water_usage=quantity(water, "L"),
            water_usage_liters=NumberIn(water, "L"),
            mfu=m,
            energy_per_model_flop=per_flop,
        )
