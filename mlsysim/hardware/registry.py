"""The hardware zoo: datasheet figures, each entry citing its source.

Adding a device is adding one entry here (and its source to
`references.bib`); the zoo page and the CLI pick it up with no other edit.
All FLOP/s are dense peaks; see `mlsysim.hardware.types` for the
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

# --- More datacenter GPUs --------------------------------------------------------------------------------------
T4 = _gpu(
    "NVIDIA T4 16GB (PCIe)", year=2018, vendor="NVIDIA",
    tflops={"fp32": 8.1, "fp16": 65.0, "int8": 130.0, "int4": 260.0},
    capacity="16 GiB", bandwidth="320 GB/s", tdp="70 W", source="nvidia2018t4",
    notes="Turing has no structured sparsity, so the datasheet's tensor rates are dense. FP16 is the mixed-precision "
          "(FP16 multiply, FP32 accumulate) tensor rate; no BF16. Bandwidth is the datasheet's \"320+ GB/s\".",
)
A10G = _gpu(
    "NVIDIA A10G 24GB (AWS G5)", year=2021, vendor="NVIDIA",
    tflops={"fp32": 35.0, "tf32": 35.0, "bf16": 70.0, "fp16": 70.0, "int8": 140.0, "int4": 280.0},
    capacity="24 GiB", bandwidth="600 GB/s", tdp=None, source="nvidia2022a10g",
    notes="AWS-only variant of the A10 with lower tensor rates (70 dense BF16/FP16 TFLOP/s against the A10's 125). "
          "Dense rates are half the datasheet's sparsity figures. TDP left empty: not taken from the datasheet.",
)
A100_40GB = _gpu(
    "NVIDIA A100 40GB SXM", year=2020, vendor="NVIDIA",
    tflops={"fp64": 9.7, "fp32": 19.5, "tf32": 156.0, "bf16": 312.0, "fp16": 312.0, "int8": 624.0, "int4": 1248.0},
    capacity="40 GiB", bandwidth="1555 GB/s", tdp="400 W", source="nvidia2020a10040gb",
    notes="Same compute as the 80GB part; 40 GB of HBM2 at 1,555 GB/s.",
)
L4 = _gpu(
    "NVIDIA L4 24GB (PCIe)", year=2023, vendor="NVIDIA",
    tflops={"fp32": 30.3, "tf32": 60.0, "bf16": 121.0, "fp16": 121.0, "fp8": 242.5, "int8": 242.5},
    capacity="24 GiB", bandwidth="300 GB/s", tdp="72 W", source="nvidia2023l4",
    notes="Dense rates: NVIDIA quotes 120 TF32, 242 BF16/FP16 and 485 FP8/INT8 TFLOPS/TOPS with sparsity; "
          "these are halved. GDDR6 capacity in GiB as built.",
)
L40S = _gpu(
    "NVIDIA L40S 48GB (PCIe)", year=2023, vendor="NVIDIA",
    tflops={"fp32": 91.6, "tf32": 183.0, "bf16": 362.05, "fp16": 362.05, "fp8": 733.0},
    capacity="48 GiB", bandwidth="864 GB/s", tdp="350 W", source="nvidia2023l40s",
    notes="Dense rates (the datasheet's first figure; the second, with sparsity, is twice as high). The L40S "
          "datasheet lists no INT8 or INT4 tensor rate, so INT8 math falls back to the FP16 rate here.",
)
H100_PCIe = _gpu(
    "NVIDIA H100 PCIe 80GB", year=2022, vendor="NVIDIA",
    tflops={"fp64": 26.0, "fp32": 51.0, "tf32": 378.0, "bf16": 756.5, "fp16": 756.5, "fp8": 1513.0, "int8": 1513.0},
    capacity="80 GiB", bandwidth="2 TB/s", tdp="350 W", source="nvidia2022h100pcie",
    notes="Dense rates are half the datasheet's sparsity figures (756 TF32, 1,513 BF16/FP16, 3,026 FP8/INT8). "
          "HBM2e; 350 W is the product brief's maximum TDP. No INT4 or FP4 tensor-core math.",
)
H100_NVL = _gpu(
    "NVIDIA H100 NVL 94GB (per GPU)", year=2023, vendor="NVIDIA",
    tflops={"fp64": 30.0, "fp32": 60.0, "tf32": 417.5, "bf16": 835.5, "fp16": 835.5, "fp8": 1670.5, "int8": 1670.5},
    capacity="94 GiB", bandwidth="3.9 TB/s", tdp="400 W", source="nvidia2023h100nvl",
    notes="One GPU of the NVLink-bridged PCIe pair. Dense rates are half the datasheet's sparsity figures "
          "(835 TF32, 1,671 BF16/FP16, 3,341 FP8/INT8). TDP is configurable from 350 to 400 W; the upper bound is used. "
          "No INT4 or FP4 tensor-core math.",
)
GB200 = _gpu(
    "NVIDIA GB200 (one Blackwell GPU, NVL72)", year=2024, vendor="NVIDIA",
    tflops={"fp64": 40.0, "fp32": 80.0, "tf32": 1250.0, "bf16": 2500.0, "fp16": 2500.0,
            "fp8": 5000.0, "int8": 5000.0, "fp4": 10000.0},
    capacity="186 GiB", bandwidth="8 TB/s", tdp=None, source="nvidia2024gb200nvl72",
    notes="Per GPU = the GB200 NVL72 rack figures / 72 (superchip / 2). NVIDIA quotes FP4, FP8, INT8, FP16/BF16 and "
          "TF32 with sparsity; these are halved. 186 GB = 13.4 TB HBM3e / 72, in GiB as for other HBM parts. "
          "NVIDIA publishes no per-GPU power for the NVL72 GPU, so TDP is left empty.",
)
MI250X = _gpu(
    "AMD Instinct MI250X (OAM, 2 GCDs)", year=2021, vendor="AMD",
    tflops={"fp64": 47.9, "fp32": 47.9, "bf16": 383.0, "fp16": 383.0, "int8": 383.0, "int4": 383.0},
    capacity="128 GiB", bandwidth="3.2 TB/s", tdp="560 W", source="amd2021mi250x",
    notes="The whole OAM module: software sees two GPUs (GCDs) of 64 GiB and 1.6 TB/s each. FP32 is the vector "
          "rate; matrix-core FP32 and FP64 reach 95.7 TFLOP/s. No TF32 or FP8. 560 W is AMD's peak board power.",
)
MI325X = _gpu(
    "AMD Instinct MI325X", year=2024, vendor="AMD",
    tflops={"fp64": 81.7, "fp32": 163.4, "tf32": 653.7, "bf16": 1307.4, "fp16": 1307.4, "fp8": 2614.9, "int8": 2614.9},
    capacity="256 GiB", bandwidth="6 TB/s", tdp="1000 W", source="amd2024mi325x",
    notes="Same CDNA 3 compute as the MI300X with 256 GB of HBM3E; dense rates (sparsity doubles the matrix figures).",
)

# --- Compiled-graph accelerators: Google TPUs, and (device_class "tpu" as well) AWS Trainium/Inferentia and Intel
# Gaudi, whose programs are whole graphs compiled ahead of time rather than host-launched kernels -----------------
TPUv4 = _gpu(
    "Google TPU v4", year=2021, vendor="Google",
    tflops={"bf16": 275.0, "int8": 275.0}, peak="bf16",
    capacity="32 GiB", bandwidth="1200 GB/s", tdp="192 W", source="google2021tpuv4", device_class="tpu",
    notes="Per chip (two TensorCores). TDP is Google's measured maximum power (mean 170 W), not a rating. "
          "No fp32 rate is listed: fp32 math falls back to the bf16 peak, which is optimistic.",
)
TPUv5p = _gpu(
    "Google TPU v5p", year=2023, vendor="Google",
    tflops={"bf16": 459.0}, peak="bf16",
    capacity="95 GiB", bandwidth="2765 GB/s", tdp=None, source="google2023tpuv5p", device_class="tpu",
    notes="Per chip. Google publishes no per-chip power figure and no int8 or fp32 rate here: other precisions fall "
          "back to the bf16 peak.",
)
TPUv6e = _gpu(
    "Google TPU v6e (Trillium)", year=2024, vendor="Google",
    tflops={"bf16": 918.0, "int8": 1836.0}, peak="bf16",
    capacity="32 GiB", bandwidth="1638 GB/s", tdp=None, source="google2024tpuv6e", device_class="tpu",
    notes="Per chip. Google's \"32 GB\" of HBM recorded in GiB, as for v5e. No per-chip power figure and no fp32 "
          "rate is published: fp32 math falls back to the bf16 peak, which is optimistic.",
)
Gaudi2 = _gpu(
    "Intel Gaudi 2 (OAM)", year=2022, vendor="Intel",
    tflops={"bf16": 432.0}, peak="bf16",
    capacity="96 GiB", bandwidth="2.46 TB/s", tdp="600 W", source="kaplan2024gaudi3", device_class="tpu",
    notes="Compiled-graph accelerator (matrix engines plus programmable TPCs), classed with TPUs. Only the BF16 "
          "peak is taken from the source: other precisions fall back to it.",
)
Gaudi3 = _gpu(
    "Intel Gaudi 3 (OAM, air-cooled)", year=2024, vendor="Intel",
    tflops={"bf16": 1835.0, "fp8": 1835.0}, peak="bf16",
    capacity="128 GiB", bandwidth="3.67 TB/s", tdp="900 W", source="kaplan2024gaudi3", device_class="tpu",
    notes="Compiled-graph accelerator, classed with TPUs. Matrix-engine BF16 and FP8 run at the same rate; the "
          "vector (TPC) BF16 rate is only 28.7 TFLOP/s and no fp32 rate is given, so fp32 math falls back to the "
          "matrix BF16 peak, which is optimistic. 96 MB of on-die SRAM at 12.8 TB/s. 1,200 W when liquid-cooled.",
)
Trainium1 = _gpu(
    "AWS Trainium (Trn1)", year=2022, vendor="AWS",
    tflops={"fp32": 47.5, "tf32": 190.0, "bf16": 190.0, "fp16": 190.0, "fp8": 190.0, "int8": 380.0}, peak="bf16",
    capacity="32 GiB", bandwidth="820 GB/s", tdp=None, source="aws2022trainium", device_class="tpu",
    notes="Per chip (two NeuronCore-v2). Graphs are compiled ahead of time by the Neuron compiler, so it is classed "
          "with TPUs. FP8 is AWS's cFP8. AWS publishes no per-chip power.",
)
Trainium2 = _gpu(
    "AWS Trainium2 (Trn2)", year=2024, vendor="AWS",
    tflops={"fp32": 181.0, "tf32": 667.0, "bf16": 667.0, "fp16": 667.0, "fp8": 1299.0}, peak="bf16",
    capacity="96 GiB", bandwidth="2.9 TB/s", tdp=None, source="aws2024trainium2", device_class="tpu",
    notes="Per chip (eight NeuronCore-v3); dense rates (2,563 TFLOP/s with sparsity). Compiled-graph accelerator, "
          "classed with TPUs. AWS publishes no per-chip power.",
)
Inferentia2 = _gpu(
    "AWS Inferentia2 (Inf2)", year=2023, vendor="AWS",
    tflops={"fp32": 47.5, "tf32": 190.0, "bf16": 190.0, "fp16": 190.0, "fp8": 190.0, "int8": 380.0}, peak="bf16",
    capacity="32 GiB", bandwidth="820 GB/s", tdp=None, source="aws2023inferentia2", device_class="tpu",
    notes="Per chip (two NeuronCore-v2, as Trainium). Compiled-graph accelerator, classed with TPUs. FP8 is AWS's "
          "cFP8. AWS publishes no per-chip power.",
)
WSE2 = _gpu(
    "Cerebras WSE-2 (CS-2)", year=2021, vendor="Cerebras",
    tflops={"fp16": 62_500.0}, capacity="40 GB", bandwidth="20 PB/s", tdp=None, source="cerebras2021wse2",
    device_class="dataflow",
    notes="Wafer-scale: 850,000 cores with 40 GB of on-chip SRAM (decimal GB, as Cerebras writes it). Cerebras "
          "states no per-chip peak; 62.5 PFLOP/s is its 4 exaFLOPS Condor Galaxy 1 divided by its 64 CS-2 systems "
          "[@cerebras2023cg1], quoted as FP16 and not said to be dense or sparse. No power figure is taken.",
)

# --- Edge devices ------------------------------------------------------------------------------------------------
Jetson_Orin_Nano = _gpu(
    "NVIDIA Jetson Orin Nano 8GB (GPU)", year=2023, vendor="NVIDIA",
    # fp32: 1,024 CUDA cores x 2 flop (FMA) x 625 MHz; int8: the datasheet's 20 dense TOPS (40 sparse);
    # fp16 tensor: half the int8 rate, the Ampere ratio also used for the AGX Orin entry.
    tflops={"fp32": 1.28, "fp16": 10.0, "int8": 20.0},
    capacity="8 GiB", bandwidth="68 GB/s", tdp="15 W", source="nvidia2023orinnano",
    notes="GPU only (the Orin Nano has no DLA). Original 15 W module clocks; JetPack's later 25 W \"Super\" mode "
          "raises clocks and bandwidth. The FP32 and FP16 rates are derived from cores, clock and the INT8 rate.",
)
Jetson_Orin_NX = _gpu(
    "NVIDIA Jetson Orin NX 16GB (GPU)", year=2023, vendor="NVIDIA",
    # The Orin NX GPU is the Orin Nano's (1,024 CUDA cores, 32 tensor cores) at 918 MHz instead of 625 MHz
    # [@nvidia2023orinnano]: fp32 1,024 x 2 x 918 MHz; int8 the Nano's 20 dense TOPS x 918/625; fp16 half of that.
    tflops={"fp32": 1.88, "fp16": 14.7, "int8": 29.4},
    capacity="16 GiB", bandwidth="102.4 GB/s", tdp="25 W", source="nvidia2023orinnx",
    notes="GPU only (the two DLAs excluded), derived from the datasheet's clock by scaling the Orin Nano's GPU; "
          "NVIDIA's 100 sparse TOPS is the whole module including the DLAs.",
)
Apple_M4 = _gpu(
    "Apple M4 (Neural Engine)", year=2024, vendor="Apple",
    tflops={"int8": 38.0}, peak="int8",
    capacity="16 GiB", bandwidth="120 GB/s", tdp=None, source="apple2024m4", device_class="npu",
    notes="The 16-core Neural Engine, chosen because Apple publishes its rate (38 trillion operations per second) and "
          "none for the GPU. Apple does not name the precision; it is recorded as int8, an assumption. Memory is the "
          "16 GB unified LPDDR5X of the base M4 MacBook Pro [@apple2024macbookpro], shared with CPU and GPU. "
          "No power figure is published.",
)
Coral_EdgeTPU = _gpu(
    "Google Coral Edge TPU (USB Accelerator)", year=2019, vendor="Google",
    tflops={"int8": 4.0}, peak="int8",
    capacity="8 MiB", bandwidth="625 MB/s", tdp="2 W", source="google2019coralfaq", device_class="npu",
    notes="4 TOPS of 8-bit fixed-point math at 2 W. Capacity is the roughly 8 MB of on-chip SRAM that caches the "
          "parameters [@google2019coralcompiler]. No memory bandwidth is published: the bandwidth is the documented "
          "interface limit, USB 3.0 at 5 Gb/s [@google2019coralusb] (8b/10b coding leaves 500 MB/s of payload), "
          "the rate at which parameters stream from the host. Once a model's parameters are cached on chip "
          "this understates the device.",
)
Hailo8 = _gpu(
    "Hailo-8 (Raspberry Pi AI HAT+ 26 TOPS on a Raspberry Pi 5 8GB)", year=2024, vendor="Hailo",
    tflops={"int8": 26.0}, peak="int8",
    capacity="8 GiB", bandwidth="985 MB/s", tdp=None, source="raspberrypi2024aihat", device_class="npu",
    notes="Hailo-8 at 26 TOPS INT8. Hailo publishes neither the size nor the bandwidth of its on-chip memory; "
          "the AI HAT+ has no memory of its own and uses the host's, so capacity is the 8 GB Raspberry Pi 5's "
          "LPDDR4X [@raspberrypi2023pi5] and bandwidth is the documented interface limit, one PCIe Gen 3 lane "
          "(8 GT/s with 128b/130b coding). Networks whose weights stay on chip run faster than this implies. "
          "No power figure is taken.",
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
    kernel_library="cmsis-nn",
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
    kernel_library="cmsis-nn",
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
    kernel_library="cmsis-nn",
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

STM32H7A3 = HardwareNode(
    device_class="mcu",
    kernel_library="cmsis-nn",
    name="ST STM32H7A3 (Cortex-M7 @ 280 MHz)",
    release_year=2020,
    vendor="STMicroelectronics",
    compute=ComputeCore(
        peak_flops=Q_(0.56, "GFLOP/s"),  # one single-precision FMA per cycle at 280 MHz
        precision_flops={"fp32": Q_(0.56, "GFLOP/s"), "int8": Q_(1.12, "GFLOP/s")},  # dual 16-bit MAC per cycle
    ),
    memory=MemoryHierarchy(
        capacity=Q_(2, "MiB"),
        # one 128-bit flash word per 7 cycles: 6 wait states at 280 MHz (RM0455 Table 16) [@st2023rm0455]
        bandwidth=Q_(0.64, "GB/s"),
        sram_capacity=Q_(1.4, "MiB"),  # about 1.4 MB of RAM: TCM, user SRAM and backup SRAM together
        flash_capacity=Q_(2, "MiB"),
        flash_bandwidth=Q_(0.64, "GB/s"),
    ),
    source="st2020stm32h7a3",
    notes="Weights read from flash, so the flash's wait states set the bandwidth rather than the 64-bit AXI bus. "
          "No run-mode power is taken from the datasheet.",
)
Alif_Ensemble_E3 = HardwareNode(
    device_class="mcu",
    name="Alif Ensemble E3 (Cortex-M55 @ 400 MHz + Ethos-U55-256)",
    vendor="Alif Semiconductor",
    compute=ComputeCore(
        peak_flops=Q_(0.8, "GFLOP/s"),  # scalar FPU: one single-precision FMA per cycle at 400 MHz (Helium not counted)
        # Ethos-U55: 256 MACs per cycle x 2 ops at 400 MHz, assuming the NPU runs at its subsystem's clock
        precision_flops={"fp32": Q_(0.8, "GFLOP/s"), "int8": Q_(204.8, "GFLOP/s")},
    ),
    memory=MemoryHierarchy(
        capacity=Q_(5632, "KiB"),  # 5.5 MiB of on-chip MRAM (device tree of the AE302F80F55 parts)
        # the NPU's 64-bit AXI port [@arm2021vela] at 400 MHz; the MRAM's own read rate is not published
        bandwidth=Q_(3.2, "GB/s"),
        sram_capacity=Q_(6656, "KiB"),  # SRAM0 (4,096 KB) + SRAM1 (2,560 KB), TCMs not counted
        flash_capacity=Q_(5632, "KiB"),
    ),
    source="alif2025ensemblesdk",
    notes="High-performance subsystem only; the high-efficiency Cortex-M55 (160 MHz) with its 128-MAC Ethos-U55 is "
          "not modelled. Bandwidth is the documented interface limit of the NPU's AXI port. No power or release "
          "year is taken from a source.",
)
MAX78000 = HardwareNode(
    device_class="mcu",
    kernel_library="cmsis-nn",
    name="ADI MAX78000 (Cortex-M4F @ 100 MHz)",
    release_year=2020,
    vendor="Analog Devices (Maxim Integrated)",
    compute=ComputeCore(
        peak_flops=Q_(0.2, "GFLOP/s"),  # one single-precision FMA per cycle at 100 MHz
        precision_flops={"fp32": Q_(0.2, "GFLOP/s"), "int8": Q_(0.4, "GFLOP/s")},  # dual 16-bit MAC per cycle
    ),
    memory=MemoryHierarchy(
        capacity=Q_(512, "KiB"),
        bandwidth=Q_(0.4, "GB/s"),  # 32-bit reads at 100 MHz, flash wait states aside
        sram_capacity=Q_(128, "KiB"),
        flash_capacity=Q_(512, "KiB"),
    ),
    source="adi2020max78000",
    notes="CPU only: the CNN accelerator (64 parallel processors, 442K 8-bit weights in its own memory) is not "
          "modelled because its peak rate is not published. No power figure is taken.",
)

Cloud = Catalog("cloud hardware", {
    "V100": V100, "A100": A100, "H100": H100, "H200": H200, "B200": B200,
    "MI300X": MI300X, "TPUv5e": TPUv5e, "WSE3": WSE3,
    "T4": T4, "A10G": A10G, "A100_40GB": A100_40GB, "L4": L4, "L40S": L40S, "H100_PCIe": H100_PCIe,
    "H100_NVL": H100_NVL, "GB200": GB200, "MI250X": MI250X, "MI325X": MI325X, "TPUv4": TPUv4, "TPUv5p": TPUv5p,
    "TPUv6e": TPUv6e, "Gaudi2": Gaudi2, "Gaudi3": Gaudi3, "Trainium1": Trainium1, "Trainium2": Trainium2,
    "Inferentia2": Inferentia2, "WSE2": WSE2,
})
Edge = Catalog("edge hardware", {
    "Jetson_AGX_Orin": Jetson_AGX_Orin, "Jetson_Orin_Nano": Jetson_Orin_Nano, "Jetson_Orin_NX": Jetson_Orin_NX,
    "Apple_M4": Apple_M4, "Coral_EdgeTPU": Coral_EdgeTPU, "Hailo8": Hailo8,
})
Tiny = Catalog("tiny hardware", {
    "ESP32_S3": ESP32_S3, "nRF52840": nRF52840, "STM32H7": STM32H7, "MCXN947": MCXN947,
    "STM32H7A3": STM32H7A3, "Alif_Ensemble_E3": Alif_Ensemble_E3, "MAX78000": MAX78000,
})

Hardware = Catalog("hardware", Cloud=Cloud, Edge=Edge, Tiny=Tiny)
"""Every device (a `HardwareNode`), by group (`Hardware.Cloud.H100`) or directly (`Hardware.H100`).

The groups are `Cloud` (datacenter accelerators), `Edge` (embedded and laptop parts) and `Tiny`
(microcontrollers); every figure cites its datasheet.  The [hardware zoo](../zoo/hardware.qmd) lists them.

Example:
    >>> from mlsysim import Hardware
    >>> Hardware.H100 is Hardware.Cloud.H100, Hardware.get("h100").name
    (True, 'NVIDIA H100 SXM5 80GB')
    >>> print(", ".join(Hardware.Tiny.names()))
    ESP32_S3, nRF52840, STM32H7, MCXN947, STM32H7A3, Alif_Ensemble_E3, MAX78000
"""
