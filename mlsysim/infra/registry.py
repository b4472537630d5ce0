"""The infrastructure zoo: regional grids, facility classes and named datacenters, every figure cited.

A grid's carbon intensities are computed from its generation mix and the IPCC
life-cycle and direct factors (`grid_from_mix`), so every page that compares
regions uses one definition.  Facilities come in classes with cited PUE and WUE: the
industry average [@uptime2023survey; @shehabi2016energy] and a hyperscale free-cooled
one [@google2024environmental; @microsoft2022sustainability].  A solver given a bare
grid puts the fleet in `Assumptions.facility`'s class, so two grids compare like with
like.
"""

from __future__ import annotations

from .. import formulas
from ..core.catalog import Catalog
from ..core.units import Q_
from .types import DIRECT_G_PER_KWH, LIFECYCLE_G_PER_KWH, CloudPrice, Datacenter, Facility, GridProfile

IndustryAverage = Facility(name="Industry average", pue=1.58, wue=Q_(1.8, "L/kWh"), source="uptime2023survey")
"""The average facility of the Uptime Institute's 2023 survey (PUE 1.58); WUE 1.8 L/kWh, the U.S. average."""
Hyperscale = Facility(name="Hyperscale", pue=1.10, wue=Q_(0.49, "L/kWh"), source="google2024environmental")
"""A hyperscale free-cooled facility: Google's 2023 fleet PUE (1.10) and Microsoft's WUE (0.49 L/kWh)."""


def grid_from_mix(name, *, mix, price_usd_per_kwh, source):
    """A grid whose life-cycle and direct intensities are Σ share × IPCC factor of its `mix`."""
    return GridProfile(
        name=name,
        carbon_intensity=Q_(round(formulas.mix_intensity(mix, LIFECYCLE_G_PER_KWH), 1), "g/kWh"),
        direct_carbon_intensity=Q_(round(formulas.mix_intensity(mix, DIRECT_G_PER_KWH), 1), "g/kWh"),
        electricity_price=Q_(price_usd_per_kwh, "USD/kWh"),
        primary_source=max(mix, key=mix.get),
        generation_mix=mix,
        source=source,
    )


Quebec = grid_from_mix(
    "Quebec", mix={"hydro": 0.94, "wind": 0.05, "biomass": 0.01},
    price_usd_per_kwh=0.040, source="hydroquebec2024supply",
)
Norway = grid_from_mix(
    "Norway", mix={"hydro": 0.88, "wind": 0.10, "gas": 0.01, "biomass": 0.01},
    price_usd_per_kwh=0.085, source="ember2024review",
)
Sweden = grid_from_mix(
    "Sweden", mix={"hydro": 0.40, "nuclear": 0.29, "wind": 0.21, "biomass": 0.07, "solar": 0.02, "gas": 0.01},
    price_usd_per_kwh=0.090, source="ember2024review",
)
France = grid_from_mix(
    "France", mix={"nuclear": 0.65, "hydro": 0.12, "wind": 0.10, "solar": 0.05, "gas": 0.06, "biomass": 0.015, "coal": 0.005},
    price_usd_per_kwh=0.20, source="ember2024review",
)
US_Avg = grid_from_mix(
    "US Average", mix={"gas": 0.44, "coal": 0.16, "nuclear": 0.185, "wind": 0.10, "hydro": 0.06, "solar": 0.04, "biomass": 0.015},
    price_usd_per_kwh=0.080, source="eia2024electricity",
)
Iowa = grid_from_mix(
    "Iowa", mix={"wind": 0.59, "coal": 0.24, "gas": 0.12, "hydro": 0.02, "solar": 0.02, "biomass": 0.01},
    price_usd_per_kwh=0.076, source="eia2024electricity",
)
Virginia = grid_from_mix(
    "Virginia", mix={"gas": 0.59, "nuclear": 0.31, "solar": 0.05, "coal": 0.02, "biomass": 0.02, "hydro": 0.01},
    price_usd_per_kwh=0.089, source="eia2024electricity",
)
Poland = grid_from_mix(
    "Poland", mix={"coal": 0.61, "gas": 0.10, "wind": 0.14, "solar": 0.09, "biomass": 0.05, "hydro": 0.01},
    price_usd_per_kwh=0.22, source="ember2024review",
)

GCP_Iowa = Datacenter(name="GCP Iowa", grid=Iowa, facility=Hyperscale, source="google2024environmental")

Grids = Catalog("grid", {
    "Quebec": Quebec, "Norway": Norway, "Sweden": Sweden, "France": France,
    "US_Avg": US_Avg, "Iowa": Iowa, "Virginia": Virginia, "Poland": Poland,
})
Datacenters = Catalog("datacenter", {"GCP_Iowa": GCP_Iowa})
Facilities = Catalog("facility", {"IndustryAverage": IndustryAverage, "Hyperscale": Hyperscale})


def _cloud(name, provider, offer, accelerator, accelerators, usd, date, region=None):
    return CloudPrice(name=name, provider=provider, offer=offer, accelerator=accelerator, accelerators=accelerators,
                      usd_per_gpu_hour=usd, date=date, region=region, source="epoch2024hardwareprices")


# On-demand list prices as dated in Epoch AI's hardware-price dataset, each row with the provider page it was read from.
CloudPrices = Catalog("cloud price", {
    "AWS_p5": _cloud("AWS p5.48xlarge", "AWS", "p5.48xlarge", "H100", 8, 12.29, "2025-03-17", "US East"),
    "GCP_a3": _cloud("Google Cloud a3-highgpu", "Google Cloud", "a3-highgpu", "H100", 8, 11.06, "2025-03-17",
                     "us-central1"),
    "Lambda_H100": _cloud("Lambda 8x H100 SXM", "Lambda", "8x H100 SXM", "H100", 8, 2.99, "2024-09-01"),
    "AWS_p4d": _cloud("AWS p4d.24xlarge", "AWS", "p4d.24xlarge", "A100 (40 GB)", 8, 4.10, "2022-12-09", "US East"),
    "Azure_ND96asr_A100": _cloud("Azure ND96asr A100 v4", "Azure", "ND96asr A100 v4", "A100 (40 GB)", 8, 3.40,
                                 "2024-01-29", "East US"),
})

Infra = Catalog("infrastructure", Grids=Grids, Facilities=Facilities, Datacenters=Datacenters, CloudPrices=CloudPrices)
"""Grids, facility classes, datacenters and cloud prices: `Infra.Grids.Quebec`, `Infra.Quebec`,
`Infra.Facilities.Hyperscale`, `Infra.Datacenters.GCP_Iowa`, `Infra.CloudPrices.AWS_p5`.

`Grids` are regions' electricity (`GridProfile`), `Facilities` classes of building (`Facility`),
`Datacenters` sites that publish their own figures (`Datacenter`), and `CloudPrices` dated on-demand
offers.  The [infrastructure zoo](../zoo/infra.qmd) lists them.

Example:
    >>> from mlsysim import Infra
    >>> Infra.Quebec is Infra.Grids.Quebec, sorted(Infra.groups)
    (True, ['CloudPrices', 'Datacenters', 'Facilities', 'Grids'])
    >>> Infra.Quebec.carbon_intensity < Infra.Poland.carbon_intensity
    True
"""
