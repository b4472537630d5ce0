"""The systems zoo: nodes, fabrics and clusters, each citing its source."""

from __future__ import annotations

from ..core.catalog import Catalog
from ..core.constants import (
    ETHERNET_400G_BW,
    INFINIBAND_HDR_BW,
    INFINIBAND_NDR_BW,
    INFINIBAND_XDR_BW,
    NVLINK_A100_BW,
    NVLINK_B200_BW,
    NVLINK_H100_BW,
    NVLINK_V100_BW,
)
from ..core.units import Q_
from ..hardware.registry import A100, B200, H100, V100
from .types import Fleet, NetworkFabric, Node

DGX_1 = Node(
    name="DGX-1 (8x V100 32GB)", accelerator=V100, accelerators_per_node=8,
    intra_node_bw=NVLINK_V100_BW, nics_per_node=4, node_power=Q_(3.5, "kW"),
    unit_cost=Q_(149_000, "USD"), source="nvidia2017dgx1",
)
DGX_A100 = Node(
    name="DGX A100 (8x A100 80GB)", accelerator=A100, accelerators_per_node=8,
    intra_node_bw=NVLINK_A100_BW, nics_per_node=8, node_power=Q_(6.5, "kW"),
    unit_cost=Q_(199_000, "USD"), source="nvidia2020dgxa100",
)
DGX_H100 = Node(
    name="DGX H100 (8x H100 SXM5)", accelerator=H100, accelerators_per_node=8,
    intra_node_bw=NVLINK_H100_BW, nics_per_node=8, node_power=Q_(10.2, "kW"),
    unit_cost=Q_(8 * 30_000, "USD"), source="nvidia2023dgxh100",
    notes="Price: eight H100 at a street price of about $30k each [@aiinframap2026]; NVIDIA publishes no DGX H100 list price.",
)
DGX_B200 = Node(
    name="DGX B200 (8x B200)", accelerator=B200, accelerators_per_node=8,
    intra_node_bw=NVLINK_B200_BW, nics_per_node=8, node_power=Q_(14.3, "kW"),
    unit_cost=Q_(8 * 40_000, "USD"), source="nvidia2024b200",
    notes="Price: eight B200 at a street price of about $40k each [@aiinframap2026].",
)

InfiniBand_HDR = NetworkFabric(name="InfiniBand HDR (200 Gb/s)", bandwidth=INFINIBAND_HDR_BW, source="nvidia2023connectx7")
InfiniBand_NDR = NetworkFabric(name="InfiniBand NDR (400 Gb/s)", bandwidth=INFINIBAND_NDR_BW, source="nvidia2023connectx7")
InfiniBand_XDR = NetworkFabric(name="InfiniBand XDR (800 Gb/s)", bandwidth=INFINIBAND_XDR_BW, source="nvidia2023connectx7")
Ethernet_400G = NetworkFabric(
    name="400G Ethernet (RoCE)", bandwidth=ETHERNET_400G_BW, latency=Q_(10, "us"), topology="rail-optimized clos",
    source="gangidi2024rdma",
)

Research_256 = Fleet(name="Research cluster (32x DGX H100)", node=DGX_H100, count=32, fabric=InfiniBand_NDR,
                     source="nvidia2023dgxh100")
Production_1K = Fleet(name="Production cluster (128x DGX H100)", node=DGX_H100, count=128, fabric=InfiniBand_NDR,
                      source="nvidia2023dgxh100")
Frontier_16K = Fleet(name="Frontier cluster (2048x DGX H100, RoCE)", node=DGX_H100, count=2048, fabric=Ethernet_400G,
                     source="dubey2024llama3")

Nodes = Catalog("node", {"DGX_1": DGX_1, "DGX_A100": DGX_A100, "DGX_H100": DGX_H100, "DGX_B200": DGX_B200})
Fabrics = Catalog("fabric", {
    "InfiniBand_HDR": InfiniBand_HDR, "InfiniBand_NDR": InfiniBand_NDR, "InfiniBand_XDR": InfiniBand_XDR,
    "Ethernet_400G": Ethernet_400G,
})
Clusters = Catalog("cluster", {"Research_256": Research_256, "Production_1K": Production_1K, "Frontier_16K": Frontier_16K})

Systems = Catalog("system", Nodes=Nodes, Fabrics=Fabrics, Clusters=Clusters)
"""Nodes, fabrics and clusters: ``Systems.Nodes.DGX_H100``, ``Systems.Clusters.Research_256``."""
