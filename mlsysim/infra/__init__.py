"""Grids, facility classes, datacenters and cloud prices (`.types`) and the infrastructure zoo (`.registry`)."""

from .registry import CloudPrices, Datacenters, Facilities, Grids, Infra
from .types import CloudPrice, Datacenter, Facility, GridProfile

__all__ = ["CloudPrice", "CloudPrices", "Datacenter", "Datacenters", "Facilities", "Facility", "GridProfile", "Grids",
           "Infra"]
