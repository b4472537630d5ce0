"""Grids and datacenters (:mod:`.types`) and the infrastructure zoo (:mod:`.registry`)."""

from .registry import Datacenters, Grids, Infra
from .types import Datacenter, GridProfile

__all__ = ["Datacenter", "Datacenters", "GridProfile", "Grids", "Infra"]
