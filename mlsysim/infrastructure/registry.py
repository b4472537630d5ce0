"""Re-export of `mlsysim.infra.registry` under the slides' name `Infrastructure`."""

from ..infra.registry import Datacenters, Grids, Infra

Infrastructure = Infra

__all__ = ["Datacenters", "Grids", "Infra", "Infrastructure"]
