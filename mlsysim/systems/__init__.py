"""Nodes, fabrics and fleets (`.types`) and the systems zoo (`.registry`)."""

from .registry import Clusters, Fabrics, Nodes, Systems
from .types import Fleet, NetworkFabric, Node

__all__ = ["Clusters", "Fabrics", "Fleet", "NetworkFabric", "Node", "Nodes", "Systems"]
