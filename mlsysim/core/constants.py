"""Physical constants of interconnects and number formats, with their conventions.

Interconnect conventions differ by vendor and are easy to mix up by 2×:

* NVLink figures are the **bidirectional total per GPU** as NVIDIA quotes
  them (H100: 900 GB/s = 450 GB/s each way).  Collective-time formulas use
  one direction: see `per_direction`.
* AMD Infinity Fabric (MI300X) and Google TPU ICI figures follow NVLink's
  convention: the **bidirectional total per accelerator** over all of its
  scale-up links, as the vendors quote them.
* InfiniBand and Ethernet figures are the **per-port, per-direction** line
  rate (NDR: 400 Gb/s each way).
* PCIe figures are per direction for an x16 link.
"""

from __future__ import annotations

from .precision import BYTES_PER_VALUE
from .units import Q_, ureg

# NVLink, bidirectional total per GPU [@nvidia2017v100; @nvidia2020a100; @nvidia2022h100; @nvidia2024b200]
NVLINK_V100_BW = Q_(300, "GB/s")
NVLINK_A100_BW = Q_(600, "GB/s")
NVLINK_H100_BW = Q_(900, "GB/s")
NVLINK_B200_BW = Q_(1800, "GB/s")
# GB200 NVL72: NVLink 5, 18 links x 100 GB/s per Blackwell GPU; 72 x 1.8 TB/s ~ the 130 TB/s NVIDIA quotes
# per NVL72 rack [@nvidia2024nvlink]
NVLINK_GB200_BW = Q_(1800, "GB/s")

# NVLink by generation, bidirectional total per GPU: 3 = A100, 4 = H100/H200, 5 = B200/GB200
# [@nvidia2020a100; @nvidia2022h100; @nvidia2024nvlink]
NVLINK3_BW = NVLINK_A100_BW
NVLINK4_BW = NVLINK_H100_BW
NVLINK5_BW = NVLINK_GB200_BW

# AMD MI300X platform: 7 x16 Infinity Fabric links per GPU, 64 GB/s each way per link; 896 GB/s is AMD's
# peak aggregate peer-to-peer figure, bidirectional per GPU (448 GB/s each way) [@amd2023cdna3]
INFINITY_FABRIC_MI300X_BW = Q_(896, "GB/s")

# Google TPU v5p inter-chip interconnect, bidirectional total per chip over its 3D-torus links
# (600 GB/s = 4,800 Gb/s each way) [@google2023tpuv5p]
TPU_V5P_ICI_BW = Q_(1200, "GB/s")

# InfiniBand / Ethernet, per port per direction [@nvidia2023connectx7]
INFINIBAND_HDR_BW = Q_(200, "Gbps")
INFINIBAND_NDR_BW = Q_(400, "Gbps")
INFINIBAND_XDR_BW = Q_(800, "Gbps")
ETHERNET_400G_BW = Q_(400, "Gbps")
# 800G Ethernet per SuperNIC per direction: ConnectX-8 runs it as 2 x 400GbE planes, since a single
# 800GbE port is not supported [@nvidia2024connectx8]
ETHERNET_800G_BW = Q_(800, "Gbps")

# PCIe x16, per direction after 128b/130b encoding [@pcisig2019pcie5]
PCIE_GEN4_X16_BW = Q_(31.5, "GB/s")
PCIE_GEN5_X16_BW = Q_(63.0, "GB/s")

BYTES_FP64 = BYTES_PER_VALUE["fp64"]
BYTES_FP32 = BYTES_PER_VALUE["fp32"]
BYTES_TF32 = BYTES_PER_VALUE["tf32"]
BYTES_BF16 = BYTES_PER_VALUE["bf16"]
BYTES_FP16 = BYTES_PER_VALUE["fp16"]
BYTES_FP8 = BYTES_PER_VALUE["fp8"]
BYTES_INT8 = BYTES_PER_VALUE["int8"]
BYTES_INT4 = BYTES_PER_VALUE["int4"]
BYTES_FP4 = BYTES_PER_VALUE["fp4"]


def per_direction(bidirectional_total):
    """One direction of a link quoted as a bidirectional total (half of it)."""
    return bidirectional_total / 2


__all__ = [
    "BYTES_BF16", "BYTES_FP16", "BYTES_FP32", "BYTES_FP4", "BYTES_FP64", "BYTES_FP8", "BYTES_INT4",
    "BYTES_INT8", "BYTES_PER_VALUE", "BYTES_TF32", "ETHERNET_400G_BW", "ETHERNET_800G_BW", "INFINIBAND_HDR_BW",
    "INFINIBAND_NDR_BW", "INFINIBAND_XDR_BW", "INFINITY_FABRIC_MI300X_BW", "NVLINK3_BW", "NVLINK4_BW",
    "NVLINK5_BW", "NVLINK_A100_BW", "NVLINK_B200_BW", "NVLINK_GB200_BW", "NVLINK_H100_BW", "NVLINK_V100_BW",
    "PCIE_GEN4_X16_BW", "PCIE_GEN5_X16_BW", "Q_", "TPU_V5P_ICI_BW", "per_direction", "ureg",
]
