"""Where a fleet runs: the grid it draws from, and the facility around it.

A **grid** is a region's electricity: its carbon intensity, price and generation mix.
Carbon intensities are **life-cycle** figures (construction, fuel supply and operation,
IPCC AR5 medians [@schlomer2014annexiii]) of the region's generation mix, so hydro and
nuclear are low but not zero; the **direct** figure (combustion only) is the second one.
A **facility** class says how much overhead a building adds to the IT load (PUE) and how
much water it evaporates per kWh of IT energy (WUE); a `Datacenter` is a facility on
a grid.  The two are independent: moving a cluster changes the grid, building it
differently changes the facility.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import Field, field_validator

from ..core.spec import Spec, _quantity_field
from ..core.units import Quantity, si

if TYPE_CHECKING:  # as in core/spec.py: the type checker sees the validated Quantity
    CarbonIntensity: TypeAlias = Quantity
    DirectCarbonIntensity: TypeAlias = Quantity
    WaterIntensity: TypeAlias = Quantity
    EnergyPrice: TypeAlias = Quantity
else:
    CarbonIntensity = _quantity_field("g/kWh", "carbon intensity", "25 g/kWh")
    DirectCarbonIntensity = _quantity_field("g/kWh", "direct carbon intensity", "2 g/kWh", allow_zero=True)
    WaterIntensity = _quantity_field("L/kWh", "water use effectiveness", "1.8 L/kWh", allow_zero=True)
    EnergyPrice = _quantity_field("USD/kWh", "electricity price", "0.08 USD/kWh")

# IPCC AR5 WG3 Annex III, Table A.III.2: life-cycle medians in gCO2e/kWh.
LIFECYCLE_G_PER_KWH: dict[str, float] = {
    "coal": 820.0,
    "gas": 490.0,
    "biomass": 230.0,
    "solar": 48.0,
    "geothermal": 38.0,
    "hydro": 24.0,
    "nuclear": 12.0,
    "wind": 11.0,
}

# The same table's direct emissions (combustion at the plant only), medians in gCO2e/kWh: zero for
# sources that burn nothing; biomass's biogenic CO2 is counted as zero there.
DIRECT_G_PER_KWH: dict[str, float] = {
    "coal": 760.0,
    "gas": 370.0,
    "biomass": 0.0,
    "solar": 0.0,
    "geothermal": 0.0,
    "hydro": 0.0,
    "nuclear": 0.0,
    "wind": 0.0,
}


class GridProfile(Spec):
    """A region's electricity: carbon intensity (life-cycle, and direct when known), price and generation mix.

    Attributes:
        name: the region's name.
        carbon_intensity: life-cycle emissions per kWh (g CO2e/kWh).
        electricity_price: price per kWh (USD/kWh).
        primary_source: the largest source of generation ("hydro", "coal", …).
        generation_mix: each source's share of generation, summing to 1, when known.
        direct_carbon_intensity: combustion emissions per kWh only, when known.
        source: the bibliography key of the figures.

    Example:
        >>> from mlsysim import Infra
        >>> g = Infra.Quebec
        >>> g.primary_source, g.carbon_intensity
        ('hydro', <Quantity(25.4, 'gram / kilowatt_hour')>)
    """

    name: str
    carbon_intensity: CarbonIntensity
    electricity_price: EnergyPrice
    primary_source: str
    generation_mix: dict[str, float] | None = None
    direct_carbon_intensity: DirectCarbonIntensity | None = None
    source: str | None = None

    if TYPE_CHECKING:  # cached by model_post_init with object.__setattr__, not pydantic fields
        _kg_per_kwh: float
        _usd_per_kwh: float

    @field_validator("generation_mix")
    @classmethod
    def _mix_is_a_distribution(cls, mix):
        if mix is None:
            return mix
        unknown = set(mix) - set(LIFECYCLE_G_PER_KWH)
        if unknown:
            raise ValueError(f"unknown generation sources {sorted(unknown)}; known: {sorted(LIFECYCLE_G_PER_KWH)}")
        if abs(sum(mix.values()) - 1.0) > 0.01:
            raise ValueError(f"shares must sum to 1, got {sum(mix.values()):.3f}")
        return mix

    @property
    def region_name(self) -> str:
        """The region's display name (same as `name`)."""
        return self.name

    def model_post_init(self, _context: Any) -> None:
        # SI-friendly floats: kg CO2e per kWh, USD per kWh.
        object.__setattr__(self, "_kg_per_kwh", si(self.carbon_intensity) * 3.6e6)
        object.__setattr__(self, "_usd_per_kwh", self.electricity_price.to("USD/kWh").magnitude)

    @property
    def kg_co2e_per_kwh(self) -> float:
        """Life-cycle carbon intensity as a plain float, kg CO2e per kWh."""
        return self._kg_per_kwh

    @property
    def usd_per_kwh(self) -> float:
        """Electricity price as a plain float, USD per kWh."""
        return self._usd_per_kwh


class Facility(Spec):
    """A class of datacenter building: its PUE (facility energy ÷ IT energy) [@thegreengrid2012pue] and WUE
    (site water ÷ IT energy) [@thegreengrid2011wue].

    Attributes:
        name: the class's name.
        pue: power usage effectiveness, 1 to 3.
        wue: water usage effectiveness (litres per kWh of IT energy).
        source: the bibliography key of the figures.

    Example:
        >>> from mlsysim import Infra
        >>> Infra.Facilities.Hyperscale.pue, Infra.Facilities.Hyperscale.liters_per_kwh
        (1.1, 0.49)
    """

    name: str
    pue: float = Field(ge=1.0, le=3.0)
    wue: WaterIntensity
    source: str | None = None

    @property
    def liters_per_kwh(self) -> float:
        """Water intensity as a plain float, L per kWh of IT energy."""
        return self.wue.to("L/kWh").magnitude


class Datacenter(Spec):
    """A facility on a grid: `facility` gives its class's PUE and WUE; `pue` and `wue` override them where
    the site publishes its own (one of the two ways must give each).

    Attributes:
        name: the site's name.
        grid: the grid it draws from (a `GridProfile`).
        facility: its class of building (a `Facility`), when the site publishes no figures of its own.
        pue: the site's own PUE, overriding the facility class's.
        wue: the site's own WUE, overriding the facility class's.
        source: the bibliography key of the figures.

    Example:
        >>> from mlsysim import Datacenter, Infra
        >>> dc = Datacenter(name="my site", grid=Infra.Norway, facility=Infra.Facilities.Hyperscale, pue=1.2)
        >>> dc.site_pue, dc.liters_per_kwh
        (1.2, 0.49)
    """

    name: str
    grid: GridProfile
    facility: Facility | None = None
    pue: float | None = Field(default=None, ge=1.0, le=3.0)
    wue: WaterIntensity | None = None
    source: str | None = None

    if TYPE_CHECKING:  # cached by model_post_init with object.__setattr__, not pydantic fields
        _pue: float
        _l_per_kwh: float

    def model_post_init(self, _context: Any) -> None:
        pue = self.pue if self.pue is not None else (self.facility.pue if self.facility else None)
        wue = self.wue if self.wue is not None else (self.facility.wue if self.facility else None)
        if pue is None or wue is None:
            raise ValueError(f"datacenter {self.name!r} needs a facility class (Infra.Facilities.Hyperscale) or "
                             "both pue and wue")
        object.__setattr__(self, "_pue", float(pue))
        object.__setattr__(self, "_l_per_kwh", wue.to("L/kWh").magnitude)

    @property
    def site_pue(self) -> float:
        """The PUE this site runs at: its own figure, else its facility class's."""
        return self._pue

    @property
    def liters_per_kwh(self) -> float:
        """Water per kWh of IT energy as a plain float (L/kWh): the site's WUE, else its facility class's."""
        return self._l_per_kwh

    @property
    def region_name(self) -> str:
        """The site and its grid, e.g. `GCP Iowa (Iowa)`; a typical facility on a grid is named by the grid."""
        return self.grid.name if self.name == self.grid.name else f"{self.name} ({self.grid.name})"

    @classmethod
    def typical(cls, grid: GridProfile, facility: Facility) -> Datacenter:
        """A facility of class `facility` on `grid` (what a bare grid means to a solver).

        Args:
            grid: the grid.
            facility: the class of building.

        Returns:
            A datacenter named after the grid.

        Example:
            >>> from mlsysim import Datacenter, Infra
            >>> dc = Datacenter.typical(Infra.Quebec, Infra.Facilities.Hyperscale)
            >>> dc.region_name, dc.site_pue
            ('Quebec', 1.1)
        """
        return cls(name=grid.name, grid=grid, facility=facility)


class CloudPrice(Spec):
    """An on-demand cloud offer's list price per accelerator-hour, dated, with what it includes.

    Cloud instance prices include the host (CPUs, memory, local storage) and the scale-out NICs,
    but not storage services or network egress; prices change, so each carries the date it was read.
    """

    name: str
    provider: str
    offer: str
    accelerator: str  # the accelerator's name in the hardware zoo
    accelerators: int = Field(ge=1)
    usd_per_gpu_hour: float = Field(gt=0, allow_inf_nan=False)
    date: str
    region: str | None = None
    source: str | None = None
