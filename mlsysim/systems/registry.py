"""The systems zoo: nodes, fabrics and clusters, each citing its source."""

from __future__ import annotations

from ..core.assumptions import DEFAULT_INTRA_NODE_LATENCY_S
from ..core.catalog import Catalog
from ..core.constants import (
    ETHERNET_400G_BW,
    ETHERNET_800G_BW,
    INFINIBAND_HDR_BW,
    INFINIBAND_NDR_BW,
    INFINIBAND_XDR_BW,
    INFINITY_FABRIC_MI300X_BW,
    NVLINK3_BW,
    NVLINK4_BW,
    NVLINK5_BW,
    NVLINK_A100_BW,
    NVLINK_B200_BW,
    NVLINK_GB200_BW,
    NVLINK_H100_BW,
    NVLINK_V100_BW,
    TPU_V5P_ICI_BW,
    per_direction,
)
from ..core.units import Q_
from ..hardware.registry import A100, B200, GB200, H100, H200, MI300X, V100, TPUv5p
from .types import Fleet, NetworkFabric, Node

DGX_1 = Node(
    name="DGX-1 (8x V100 32GB)", accelerator=V100, accelerators_per_node=8,
    intra_node_bw=NVLINK_V100_BW, nics_per_node=4, node_power=Q_(3.5, "kW"),
    unit_cost=Q_(149_000, "USD"), source="nvidia2017dgx1",
)
DGX_A100 = Node(
    name="DGX A100 (8x A100 80GB)", accelerator=A100, accelerators_per_node=8,
    intra_node_bw=NVLINK_A100_BW, nics_per_node=8, node_power=Q_(6.5, "kW"),
    unit_cost=Q_(300_000, "USD"), source="nvidia2020dgxa100",
    notes="Price: the 640 GB DGX A100 at $300,000 in 2021 [@epoch2024hardwareprices]; the 320 GB launch model was "
          "$199,000 [@nvidia2020dgxa100].",
)
DGX_H100 = Node(
    name="DGX H100 (8x H100 SXM5)", accelerator=H100, accelerators_per_node=8,
    intra_node_bw=NVLINK_H100_BW, nics_per_node=8, node_power=Q_(10.2, "kW"),
    unit_cost=Q_(329_736, "USD"), source="nvidia2023dgxh100",
    notes="Price: a reseller's list price in March 2024, host included [@epoch2024hardwareprices]; NVIDIA publishes "
          "no DGX H100 list price.",
)
DGX_B200 = Node(
    name="DGX B200 (8x B200)", accelerator=B200, accelerators_per_node=8,
    intra_node_bw=NVLINK_B200_BW, nics_per_node=8, node_power=Q_(14.3, "kW"),
    unit_cost=Q_(379_273, "USD"), source="nvidia2024b200",
    notes="Price: a reseller's list price in December 2024, host included [@epoch2024hardwareprices].",
)
# HGX H100 / HGX B200 are left out: they are the 8-GPU baseboards inside DGX H100 / DGX B200, with the same
# GPUs and the same NVLink per GPU; NVIDIA gives no HGX system power, NIC count or price (OEMs choose them),
# so an HGX entry would be its DGX twin with fields emptied.
DGX_H200 = Node(
    name="DGX H200 (8x H200 SXM 141GB)", accelerator=H200, accelerators_per_node=8,
    intra_node_bw=NVLINK4_BW, nics_per_node=8, node_power=Q_(10.2, "kW"),
    source="nvidia2024dgxh200",
    notes="The DGX H100 chassis with H200: 1,128 GB of HBM3e in all, NVLink 4 at 900 GB/s per GPU (bidirectional), "
          "eight 400 Gb/s ConnectX-7 and 10.2 kW maximum, per the DGX H100/H200 user guide. NVIDIA publishes no DGX "
          "H200 price: a solver prices it as eight H200 at a street price of about $35k each [@aiinframap2026] "
          "times Assumptions.server_cost_overhead for the host [@cottier2024rising].",
)
GB200_NVL72 = Node(
    name="GB200 NVL72 (72x Blackwell, 36 Grace, one NVLink domain)", accelerator=GB200, accelerators_per_node=72,
    intra_node_bw=NVLINK_GB200_BW, nics_per_node=72, source="nvidia2024dgxgb200",
    notes="A rack as one node: 18 compute trays of 2 Grace CPUs and 4 Blackwell GPUs, and 9 NVLink switch trays, so "
          "all 72 GPUs share one NVLink 5 domain at 1.8 TB/s per GPU, bidirectional (900 GB/s each way; about "
          "130 TB/s per rack) [@nvidia2024nvlink; @nvidia2024gb200nvl72]. Tensor parallelism can span the rack. One "
          "400 Gb/s ConnectX-7 per GPU (four per compute tray) for the scale-out network. No NVIDIA rack power or "
          "price figure is cited, so both stay empty; NVIDIA's SuperPOD sizes eight racks with their switches at "
          "1.2 MW [@nvidia2024superpodgb200].",
)
TPUv5p_Slice = Node(
    name="TPU v5p slice 4x4x4 (64 chips, v5p-128)", accelerator=TPUv5p, accelerators_per_node=64,
    intra_node_bw=TPU_V5P_ICI_BW, source="google2023tpuv5p",
    notes="A slice as a node: the one-cube 4x4x4 shape, 64 chips (128 TensorCores) on 16 hosts, wired by ICI as a "
          "3D torus. The link figure is Google's 1,200 GB/s per chip, bidirectional over all of the chip's torus "
          "links (600 GB/s, 4,800 Gb/s, each way). The collective formulas read it like a switched link, which is "
          "optimistic for a ring along one torus axis. Between slices, traffic leaves over the data-center network at "
          "50 Gb/s per chip, not ICI. No Google chip power or purchase price is cited, so both stay empty.",
)
MI300X_Platform = Node(
    name="AMD Instinct MI300X Platform (8x MI300X)", accelerator=MI300X, accelerators_per_node=8,
    intra_node_bw=INFINITY_FABRIC_MI300X_BW, nics_per_node=8, source="amd2023cdna3",
    notes="Eight MI300X on one universal base board, each linked to the seven others by its own x16 Infinity Fabric "
          "link (a full mesh, no switch). 896 GB/s is AMD's peak aggregate figure per GPU over the seven links, "
          "bidirectional, read like NVLink's: 448 GB/s each way, so 64 GB/s each way to any one peer; a ring that "
          "uses one link per hop sees far less than the aggregate. One 400 Gb/s NIC per GPU, as in Azure's "
          "ND MI300X v5 [@microsoft2024ndmi300xv5]. No AMD platform power or price figure is cited, so both stay "
          "empty (power falls back to eight times the MI300X's 750 W TDP by the DGX ratio).",
)

InfiniBand_HDR = NetworkFabric(name="InfiniBand HDR (200 Gb/s)", bandwidth=INFINIBAND_HDR_BW, source="nvidia2023connectx7")
InfiniBand_NDR = NetworkFabric(name="InfiniBand NDR (400 Gb/s)", bandwidth=INFINIBAND_NDR_BW, source="nvidia2023connectx7")
InfiniBand_XDR = NetworkFabric(name="InfiniBand XDR (800 Gb/s)", bandwidth=INFINIBAND_XDR_BW, source="nvidia2023connectx7")
Ethernet_400G = NetworkFabric(
    name="400G Ethernet (RoCE)", bandwidth=ETHERNET_400G_BW, latency=Q_(10, "us"), topology="rail-optimized clos",
    source="gangidi2024rdma",
)

# NVLink generations as fabrics: per GPU per direction through NVSwitch / NVLink Switch (one hop), with the
# model's NVLink latency α. Half of NVIDIA's bidirectional per-GPU totals (600 / 900 / 1,800 GB/s).
NVLink3 = NetworkFabric(
    name="NVLink 3 (A100, 300 GB/s per GPU each way)", bandwidth=per_direction(NVLINK3_BW),
    latency=Q_(DEFAULT_INTRA_NODE_LATENCY_S * 1e6, "us"), topology="NVSwitch, single hop", source="nvidia2020a100",
)
NVLink4 = NetworkFabric(
    name="NVLink 4 (H100/H200, 450 GB/s per GPU each way)", bandwidth=per_direction(NVLINK4_BW),
    latency=Q_(DEFAULT_INTRA_NODE_LATENCY_S * 1e6, "us"), topology="NVSwitch, single hop", source="nvidia2022h100",
)
NVLink5 = NetworkFabric(
    name="NVLink 5 (Blackwell, 900 GB/s per GPU each way)", bandwidth=per_direction(NVLINK5_BW),
    latency=Q_(DEFAULT_INTRA_NODE_LATENCY_S * 1e6, "us"), topology="NVLink Switch, single hop",
    source="nvidia2024nvlink",
)
# RoCE at 800 Gb/s per GPU: ConnectX-8 SuperNIC as two 400GbE planes (Spectrum-X multiplane). The 400G RoCE
# fabric is Ethernet_400G above (no alias: a second catalog name would list the same fabric twice).
RoCE_800G = NetworkFabric(
    name="800G Ethernet (RoCE, ConnectX-8 as 2 x 400GbE planes)", bandwidth=ETHERNET_800G_BW,
    topology="rail-optimized multiplane clos", source="nvidia2024connectx8",
)
# TPU v5p ICI: per chip per direction, summed over all of the chip's 3D-torus links (half of Google's 1,200 GB/s
# bidirectional). A ring along one torus axis uses only that axis's links, a fraction of this.
TPU_ICI = NetworkFabric(
    name="TPU v5p ICI (600 GB/s per chip each way)", bandwidth=per_direction(TPU_V5P_ICI_BW),
    latency=Q_(DEFAULT_INTRA_NODE_LATENCY_S * 1e6, "us"), topology="3D torus", source="google2023tpuv5p",
)

Research_256 = Fleet(name="Research cluster (32x DGX H100)", node=DGX_H100, count=32, fabric=InfiniBand_NDR,
                     source="nvidia2023dgxh100")
Production_1K = Fleet(name="Production cluster (128x DGX H100)", node=DGX_H100, count=128, fabric=InfiniBand_NDR,
                      source="nvidia2023dgxh100")
Frontier_16K = Fleet(name="Frontier cluster (2048x DGX H100, RoCE)", node=DGX_H100, count=2048, fabric=Ethernet_400G,
                     source="dubey2024llama3")
# Four DGX SuperPOD scalable units of 32 DGX nodes on NDR: 128 node slots (NVIDIA's component table fills 127,
# one slot going to the fabric managers; 128 keeps batch sizes divisible). DGX H200 is the DGX H100 chassis, so
# the H100 reference layout carries over.
H200_SuperPOD_4SU = Fleet(name="DGX SuperPOD, 4 SUs (128x DGX H200)", node=DGX_H200, count=128, fabric=InfiniBand_NDR,
                          source="nvidia2023superpodh100")
# One DGX SuperPOD scalable unit: eight GB200 NVL72 racks (576 GPUs) on NDR 400 Gb/s InfiniBand, one port per GPU.
GB200_SuperPOD_SU = Fleet(name="DGX SuperPOD GB200, 1 SU (8x GB200 NVL72)", node=GB200_NVL72, count=8,
                          fabric=InfiniBand_NDR, source="nvidia2024superpodgb200")
# AMD's MI300 cluster reference: a full 128-node layout of 8-GPU platforms, one 400 Gb/s port per GPU (NDR
# InfiniBand as on Azure ND MI300X v5).
MI300X_1K = Fleet(name="MI300X cluster (128x MI300X Platform, NDR)", node=MI300X_Platform, count=128,
                  fabric=InfiniBand_NDR, source="amd2024mi300cluster")

Nodes = Catalog("node", {
    "DGX_1": DGX_1, "DGX_A100": DGX_A100, "DGX_H100": DGX_H100, "DGX_B200": DGX_B200, "DGX_H200": DGX_H200,
    "GB200_NVL72": GB200_NVL72, "TPUv5p_Slice": TPUv5p_Slice, "MI300X_Platform": MI300X_Platform,
})
Fabrics = Catalog("fabric", {
    "InfiniBand_HDR": InfiniBand_HDR, "InfiniBand_NDR": InfiniBand_NDR, "InfiniBand_XDR": InfiniBand_XDR,
    "Ethernet_400G": Ethernet_400G, "RoCE_800G": RoCE_800G, "NVLink3": NVLink3, "NVLink4": NVLink4,
    "NVLink5": NVLink5, "TPU_ICI": TPU_ICI,
})
Clusters = Catalog("cluster", {
    "Research_256": Research_256, "Production_1K": Production_1K, "Frontier_16K": Frontier_16K,
    "H200_SuperPOD_4SU": H200_SuperPOD_4SU, "GB200_SuperPOD_SU": GB200_SuperPOD_SU, "MI300X_1K": MI300X_1K,
})

Systems = Catalog("system", Nodes=Nodes, Fabrics=Fabrics, Clusters=Clusters)
"""Nodes, fabrics and clusters: `Systems.Nodes.DGX_H100`, `Systems.Clusters.Research_256`.

`Nodes` are servers (`Node`), `Fabrics` scale-out networks (`NetworkFabric`) and `Clusters` fleets of
nodes on a fabric (`Fleet`).  The [systems zoo](../zoo/systems.qmd) lists them.

Example:
    >>> from mlsysim import Systems
    >>> c = Systems.Clusters.Research_256
    >>> c.node is Systems.Nodes.DGX_H100, c.count, c.total_accelerators
    (True, 32, 256)
    >>> print(", ".join(Systems.Fabrics.names()[:3]))
    InfiniBand_HDR, InfiniBand_NDR, InfiniBand_XDR
"""
