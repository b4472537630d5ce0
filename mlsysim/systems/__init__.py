"""Nodes, fabrics and fleets (:mod:`.types`) and the systems zoo (:mod:`.registry`)."""

from .registry import Clusters, Fabrics, Nodes, Systems
from .types import Fleet, NetworkFabric, Node

__all__ = ["Clusters", "Fabrics", "Fleet", "NetworkFabric", "Node", "Nodes", "Systems"]
