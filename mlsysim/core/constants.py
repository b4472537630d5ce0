"""Physical constants of interconnects and number formats, with their conventions.

Interconnect conventions differ by vendor and are easy to mix up by 2×:

* NVLink figures are the **bidirectional total per GPU** as NVIDIA quotes
  them (H100: 900 GB/s = 450 GB/s each way).  Collective-time formulas use
  one direction: see :func:`per_direction`.
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

# InfiniBand / Ethernet, per port per direction [@nvidia2023connectx7]
INFINIBAND_HDR_BW = Q_(200, "Gbps")
INFINIBAND_NDR_BW = Q_(400, "Gbps")
INFINIBAND_XDR_BW = Q_(800, "Gbps")
ETHERNET_400G_BW = Q_(400, "Gbps")

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
    "BYTES_INT8", "BYTES_PER_VALUE", "BYTES_TF32", "ETHERNET_400G_BW", "INFINIBAND_HDR_BW",
    "INFINIBAND_NDR_BW", "INFINIBAND_XDR_BW", "NVLINK_A100_BW", "NVLINK_B200_BW", "NVLINK_H100_BW",
    "NVLINK_V100_BW", "PCIE_GEN4_X16_BW", "PCIE_GEN5_X16_BW", "Q_", "per_direction", "ureg",
]
