"""Grids, facility classes, datacenters and cloud prices (:mod:`.types`) and the infrastructure zoo (:mod:`.registry`)."""

from .registry import CloudPrices, Datacenters, Facilities, Grids, Infra
from .types import CloudPrice, Datacenter, Facility, GridProfile

__all__ = ["CloudPrice", "CloudPrices", "Datacenter", "Datacenters", "Facilities", "Facility", "GridProfile", "Grids",
           "Infra"]
