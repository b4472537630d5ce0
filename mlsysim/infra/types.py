"""Where a fleet runs: the grid's carbon, price and climate, and the facility around it.

Carbon intensities are **life-cycle** figures (construction, fuel supply and
operation, IPCC AR5 medians [@schlomer2014annexiii]) of the region's
generation mix, so hydro and nuclear are low but not zero.  PUE and WUE are
those of a typical facility in the region; a :class:`Datacenter` overrides them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import Field, field_validator

from ..core.spec import Spec, _quantity_field
from ..core.units import Quantity, si

if TYPE_CHECKING:  # as in core/spec.py: the type checker sees the validated Quantity
    CarbonIntensity: TypeAlias = Quantity
    WaterIntensity: TypeAlias = Quantity
    EnergyPrice: TypeAlias = Quantity
else:
    CarbonIntensity = _quantity_field("g/kWh", "carbon intensity", "25 g/kWh")
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


class GridProfile(Spec):
    """A region's electricity: carbon intensity, price, and a typical facility's PUE and WUE."""

    name: str
    carbon_intensity: CarbonIntensity
    pue: float = Field(ge=1.0, le=3.0)
    wue: WaterIntensity
    electricity_price: EnergyPrice
    primary_source: str
    generation_mix: dict[str, float] | None = None
    source: str | None = None

    if TYPE_CHECKING:  # cached by model_post_init with object.__setattr__, not pydantic fields
        _kg_per_kwh: float
        _l_per_kwh: float
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
        """The region's display name (same as ``name``)."""
        return self.name

    def model_post_init(self, _context: Any) -> None:
        # SI-friendly floats: kg CO2e per kWh, L per kWh, USD per kWh.
        object.__setattr__(self, "_kg_per_kwh", si(self.carbon_intensity) * 3.6e6)
        object.__setattr__(self, "_l_per_kwh", self.wue.to("L/kWh").magnitude)
        object.__setattr__(self, "_usd_per_kwh", self.electricity_price.to("USD/kWh").magnitude)

    @property
    def kg_co2e_per_kwh(self) -> float:
        """Carbon intensity as a plain float, kg CO2e per kWh."""
        return self._kg_per_kwh

    @property
    def liters_per_kwh(self) -> float:
        """Water intensity as a plain float, L per kWh of IT energy."""
        return self._l_per_kwh

    @property
    def usd_per_kwh(self) -> float:
        """Electricity price as a plain float, USD per kWh."""
        return self._usd_per_kwh


class Datacenter(Spec):
    """A facility on a grid, with its own PUE and WUE when known."""

    name: str
    grid: GridProfile
    pue: float | None = Field(default=None, ge=1.0, le=3.0)
    wue: WaterIntensity | None = None
    source: str | None = None

    if TYPE_CHECKING:  # cached by model_post_init with object.__setattr__, not a pydantic field
        _grid: GridProfile

    def model_post_init(self, _context: Any) -> None:
        update: dict[str, Any] = {"name": f"{self.name} ({self.grid.name})"}
        if self.pue is not None:
            update["pue"] = self.pue
        if self.wue is not None:
            update["wue"] = self.wue
        object.__setattr__(self, "_grid", self.grid.model_copy(update=update))

    def as_grid(self) -> GridProfile:
        """The grid profile with this facility's PUE and WUE in place of the regional ones."""
        return self._grid

    @property
    def region_name(self) -> str:
        """The facility and its grid, e.g. ``GCP Iowa (Iowa)``."""
        return self._grid.name
