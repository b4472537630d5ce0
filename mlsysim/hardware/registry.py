"""The hardware zoo: datasheet figures, each entry citing its source.

Adding a device is adding one entry here (and its source to
``references.bib``); the zoo page and the CLI pick it up with no other edit.
All FLOP/s are dense peaks; see :mod:`mlsysim.hardware.types` for the
conventions.
"""

from __future__ import annotations

from ..core.assumptions import EfficiencyCurve
from ..core.catalog import Catalog
from ..core.units import Q_
from .types import ComputeCore, HardwareNode, MemoryHierarchy

# cuBLASLt GEMM efficiency by time at peak (FLOPs / dense peak), square m=n=k of 1,024 to 32,768, measured
# in fp8 on one H100 SXM and one H200 [@azure2024aibenchmarkingguide]: peaks 1,979 TFLOP/s for both.
H100_FP8_GEMM = EfficiencyCurve(((1.09e-6, 0.14), (8.7e-6, 0.51), (69e-6, 0.61), (556e-6, 0.65), (4.4e-3, 0.70),
                                 (35.6e-3, 0.70)), "s", "azure2024aibenchmarkingguide")
H200_FP8_GEMM = EfficiencyCurve(((1.09e-6, 0.15), (8.7e-6, 0.51), (69e-6, 0.63), (556e-6, 0.66), (4.4e-3, 0.69),
                                 (35.6e-3, 0.68)), "s", "azure2024aibenchmarkingguide")


def _streaming(fraction: float) -> EfficiencyCurve:
    """Memory efficiency by transfer size: Calculon's shape for short transfers [@isaev2023calculon], with the
    streaming fraction BabelStream's Triad measured on the device (268 MB arrays) for transfers of 100 MB and
    more [@azure2024aibenchmarkingguide]."""
    return EfficiencyCurve(((0.0, 0.3), (1e6, 0.6), (10e6, 0.75), (100e6, fraction)), "byte",
                           "azure2024aibenchmarkingguide")


# BabelStream Triad [@azure2024aibenchmarkingguide]: A100 SXM 1.70 of 2.039 TB/s, H100 SXM 2.97 of 3.35 TB/s,
# H200 4.15 of 4.8 TB/s.
A100_STREAM = _streaming(0.83)
H100_STREAM = _streaming(0.887)
H200_STREAM = _streaming(0.865)


def _gpu(name, *, year, vendor, tflops, capacity, bandwidth, tdp, source, peak="fp16", price=None, notes=None,
         device_class="gpu", gemm_efficiency=None, memory_efficiency=None):
    """A datacenter accelerator from its per-precision dense TFLOP/s table."""
    return HardwareNode(
        name=name,
        device_class=device_class,
        gemm_efficiency=gemm_efficiency,
        memory_efficiency=memory_efficiency,
        release_year=year,
        vendor=vendor,
        compute=ComputeCore(
            peak_flops=Q_(tflops[peak], "TFLOP/s"),
            peak_precision=peak,
            precision_flops={p: Q_(v, "TFLOP/s") for p, v in tflops.items()},
        ),
        memory=MemoryHierarchy(capacity=Q_(capacity), bandwidth=Q_(bandwidth)),
        tdp=None if tdp is None else Q_(tdp),
        unit_cost=None if price is None else Q_(price, "USD"),
        source=source,
        notes=notes,
    )


V100 = _gpu(
    "NVIDIA V100 SXM2 32GB", year=2017, vendor="NVIDIA",
    tflops={"fp64": 7.8, "fp32": 15.7, "fp16": 125.0},
    capacity="32 GiB", bandwidth="900 GB/s", tdp="300 W", source="nvidia2017v100",
)
A100 = _gpu(
    "NVIDIA A100 80GB SXM", year=2020, vendor="NVIDIA",
    tflops={"fp64": 9.7, "fp32": 19.5, "tf32": 156.0, "bf16": 312.0, "fp16": 312.0, "int8": 624.0, "int4": 1248.0},
    capacity="80 GiB", bandwidth="2039 GB/s", tdp="400 W", source="nvidia2020a100",
    memory_efficiency=A100_STREAM,
)
H100 = _gpu(
    "NVIDIA H100 SXM5 80GB", year=2022, vendor="NVIDIA",
    tflops={"fp64": 33.5, "fp32": 66.9, "tf32": 494.7, "bf16": 989.4, "fp16": 989.4, "fp8": 1978.9, "int8": 1978.9},
    capacity="80 GiB", bandwidth="3.35 TB/s", tdp="700 W", source="nvidia2022h100", price=30_000,
    gemm_efficiency=H100_FP8_GEMM, memory_efficiency=H100_STREAM,
    notes="Price: rough street estimate [@aiinframap2026]. No INT4 or FP4 tensor-core math: INT4 weights are dequantized and multiplied in FP16.",
)
H200 = _gpu(
    "NVIDIA H200 SXM 141GB", year=2024, vendor="NVIDIA",
    tflops={"fp64": 33.5, "fp32": 66.9, "tf32": 494.7, "bf16": 989.4, "fp16": 989.4, "fp8": 1978.9, "int8": 1978.9},
    capacity="141 GiB", bandwidth="4.8 TB/s", tdp="700 W", source="nvidia2024h200", price=35_000,
    gemm_efficiency=H200_FP8_GEMM, memory_efficiency=H200_STREAM,
    notes="Price: rough street estimate [@aiinframap2026].",
)
B200 = _gpu(
    "NVIDIA B200 (HGX, 1000 W)", year=2024, vendor="NVIDIA",
    tflops={"fp64": 40.0, "fp32": 80.0, "tf32": 1100.0, "bf16": 2250.0, "fp16": 2250.0,
            "fp8": 4500.0, "int8": 4500.0, "fp4": 9000.0},
    capacity="180 GiB", bandwidth="8 TB/s", tdp="1000 W", source="nvidia2024b200", price=40_000,
    notes="Price: rough street estimate [@aiinframap2026].",
)
MI300X = _gpu(
    "AMD Instinct MI300X", year=2023, vendor="AMD",
    tflops={"fp64": 81.7, "fp32": 163.4, "tf32": 653.7, "bf16": 1307.4, "fp16": 1307.4, "fp8": 2614.9, "int8": 2614.9},
    capacity="192 GiB", bandwidth="5.3 TB/s", tdp="750 W", source="amd2023mi300x",
)
TPUv5e = _gpu(
    "Google TPU v5e", year=2023, vendor="Google",
    tflops={"bf16": 197.0, "int8": 394.0}, peak="bf16",
    capacity="16 GiB", bandwidth="819 GB/s", tdp=None, source="google2023tpuv5e", device_class="tpu",
    notes="Google publishes no per-chip power figure. No fp32 rate is listed: fp32 math falls back to the bf16 peak, which is optimistic.",
)
WSE3 = _gpu(
    "Cerebras WSE-3 (CS-3)", year=2024, vendor="Cerebras",
    tflops={"fp16": 125_000.0}, capacity="44 GB", bandwidth="21 PB/s", tdp="23 kW", source="cerebras2024wse3",
    device_class="dataflow",
    notes="Wafer-scale: 900,000 cores with 44 GB of on-chip SRAM. 125 PFLOP/s is Cerebras's quoted AI peak, "
          "which it does not state as dense or sparse. Power is the whole CS-3 system.",
)
Jetson_AGX_Orin = _gpu(
    "NVIDIA Jetson AGX Orin 64GB (GPU)", year=2022, vendor="NVIDIA",
    tflops={"fp32": 5.3, "fp16": 42.5, "int8": 85.0},
    capacity="64 GiB", bandwidth="204.8 GB/s", tdp="60 W", source="nvidia2022orin",
    notes="GPU only (DLAs excluded); dense rates are half the datasheet's sparse TOPS.",
)

ESP32_S3 = HardwareNode(
    device_class="mcu",
    name="Espressif ESP32-S3 (2x Xtensa LX7 @ 240 MHz)",
    release_year=2020,
    vendor="Espressif",
    compute=ComputeCore(
        # 2 cores x 240 MHz x 1 single-precision FMA/cycle x 2 flop
        peak_flops=Q_(0.96, "GFLOP/s"),
        # 2 cores x 240 MHz x 16 int8 MACs per 128-bit PIE vector instruction x 2 ops
        precision_flops={"fp32": Q_(0.96, "GFLOP/s"), "int8": Q_(15.36, "GFLOP/s")},
    ),
    memory=MemoryHierarchy(
        capacity=Q_(8, "MiB"),  # octal PSRAM on the common N8R8 module
        bandwidth=Q_(160, "MB/s"),  # 8-bit octal SPI at 80 MHz, double data rate
        sram_capacity=Q_(512, "KiB"),
        flash_capacity=Q_(8, "MiB"),
    ),
    tdp=Q_(0.33, "W"),
    source="espressif2023esp32s3",
    notes="Peak int8 assumes every cycle issues a 16-lane PIE multiply-accumulate on both cores.",
)
nRF52840 = HardwareNode(
    device_class="mcu",
    name="Nordic nRF52840 (Cortex-M4F @ 64 MHz)",
    release_year=2018,
    vendor="Nordic Semiconductor",
    compute=ComputeCore(
        peak_flops=Q_(64, "MFLOP/s"),  # one single-precision FPU op per cycle
        precision_flops={"fp32": Q_(64, "MFLOP/s"), "int8": Q_(128, "MFLOP/s")},  # SIMD dual 16-bit MAC
    ),
    memory=MemoryHierarchy(
        capacity=Q_(1, "MiB"),
        bandwidth=Q_(64, "MB/s"),  # 32-bit flash reads at 64 MHz, cache misses aside
        sram_capacity=Q_(256, "KiB"),
        sram_bandwidth=Q_(256, "MB/s"),
        flash_capacity=Q_(1, "MiB"),
        flash_bandwidth=Q_(64, "MB/s"),
    ),
    tdp=Q_(15, "mW"),
    dispatch_tax=Q_(0.5, "ms"),
    source="nordic2021nrf52840",
)
MCXN947 = HardwareNode(
    device_class="mcu",
    name="NXP MCX N947 (Cortex-M33 @ 150 MHz)",
    release_year=2024,
    vendor="NXP",
    compute=ComputeCore(
        peak_flops=Q_(0.3, "GFLOP/s"),  # one single-precision FMA per cycle
        precision_flops={"fp32": Q_(0.3, "GFLOP/s"), "int8": Q_(0.6, "GFLOP/s")},  # DSP dual 16-bit MAC per cycle
    ),
    memory=MemoryHierarchy(
        capacity=Q_(2, "MiB"),
        bandwidth=Q_(0.6, "GB/s"),  # 32-bit flash reads at 150 MHz through the cache
        sram_capacity=Q_(512, "KiB"),
        flash_capacity=Q_(2, "MiB"),
    ),
    tdp=Q_(0.05, "W"),
    source="nxp2024mcxn947",
    notes="CPU only; the on-chip eIQ Neutron NPU is not modelled.",
)
STM32H7 = HardwareNode(
    device_class="mcu",
    name="ST STM32H743 (Cortex-M7 @ 480 MHz)",
    release_year=2017,
    vendor="STMicroelectronics",
    compute=ComputeCore(
        peak_flops=Q_(0.96, "GFLOP/s"),  # one single-precision FMA per cycle
        precision_flops={"fp32": Q_(0.96, "GFLOP/s"), "int8": Q_(1.92, "GFLOP/s")},  # dual 16-bit MAC
    ),
    memory=MemoryHierarchy(
        capacity=Q_(2, "MiB"),
        bandwidth=Q_(1.92, "GB/s"),  # 64-bit AXI at 240 MHz
        sram_capacity=Q_(1, "MiB"),
        flash_capacity=Q_(2, "MiB"),
    ),
    tdp=Q_(0.45, "W"),
    source="st2023stm32h743",
)

Cloud = Catalog("cloud hardware", {
    "V100": V100, "A100": A100, "H100": H100, "H200": H200, "B200": B200,
    "MI300X": MI300X, "TPUv5e": TPUv5e, "WSE3": WSE3,
})
Edge = Catalog("edge hardware", {"Jetson_AGX_Orin": Jetson_AGX_Orin})
Tiny = Catalog("tiny hardware", {"ESP32_S3": ESP32_S3, "nRF52840": nRF52840, "STM32H7": STM32H7, "MCXN947": MCXN947})

Hardware = Catalog("hardware", Cloud=Cloud, Edge=Edge, Tiny=Tiny)
"""Every device, by group (``Hardware.Cloud.H100``) or directly (``Hardware.H100``)."""
