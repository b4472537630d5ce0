"""Grids, facility classes and datacenters (:mod:`.types`) and the infrastructure zoo (:mod:`.registry`)."""

from .registry import Datacenters, Facilities, Grids, Infra
from .types import Datacenter, Facility, GridProfile

__all__ = ["Datacenter", "Datacenters", "Facilities", "Facility", "GridProfile", "Grids", "Infra"]
