"""The extended hardware zoo: size, grouping, and hand-checked datasheet conventions.

Each convention test names the datasheet figure it checks in a comment; the figures themselves are
listed in the entry's ``references.bib`` note.
"""

import pytest

from mlsysim import Q_, Hardware

NEW_CLOUD = ["T4", "A10G", "A100_40GB", "L4", "L40S", "H100_PCIe", "H100_NVL", "GB200", "MI250X", "MI325X",
             "TPUv4", "TPUv5p", "TPUv6e", "Gaudi2", "Gaudi3", "Trainium1", "Trainium2", "Inferentia2", "WSE2"]
NEW_EDGE = ["Jetson_Orin_Nano", "Jetson_Orin_NX", "Apple_M4", "Coral_EdgeTPU", "Hailo8"]
NEW_TINY = ["STM32H7A3", "Alif_Ensemble_E3", "MAX78000"]


def tflops(name: str, precision: str) -> float:
    return Hardware.get(name).compute.precision_flops[precision].to("TFLOP/s").magnitude


def test_zoo_has_at_least_forty_devices():
    assert len(Hardware) >= 40


@pytest.mark.parametrize("group", ["Cloud", "Edge", "Tiny"])
def test_every_group_is_populated(group):
    assert len(Hardware.groups[group]) > 0


@pytest.mark.parametrize(("group", "names"), [("Cloud", NEW_CLOUD), ("Edge", NEW_EDGE), ("Tiny", NEW_TINY)])
def test_new_devices_sit_in_their_group(group, names):
    catalog = Hardware.groups[group]
    for name in names:
        assert name in catalog, f"{name} missing from Hardware.{group}"
        assert Hardware.get(name) is getattr(catalog, name)


@pytest.mark.parametrize("name", NEW_CLOUD + NEW_EDGE + NEW_TINY)
def test_new_devices_name_a_vendor_and_a_source(name):
    hw = Hardware.get(name)
    assert hw.vendor and hw.source


def test_sparse_quotes_are_halved():
    # L4 datasheet: 242 TFLOPS FP16 and 485 FP8 "with sparsity"; dense is half.
    assert tflops("L4", "fp16") == pytest.approx(121.0)
    assert tflops("L4", "fp8") == pytest.approx(485 / 2)
    # H100 NVL datasheet: 3,341 FP8 TFLOPS with sparsity.
    assert tflops("H100_NVL", "fp8") == pytest.approx(3341 / 2)
    # GB200 NVL72: 1,440 PFLOPS FP4 with sparsity per 72-GPU rack -> 10 PFLOPS dense per GPU.
    assert tflops("GB200", "fp4") == pytest.approx(1440e3 / 72 / 2)
    # Trainium2: 1,299 dense FP8 TFLOPS (2,563 is the sparse figure).
    assert tflops("Trainium2", "fp8") == pytest.approx(1299.0)


def test_turing_rates_are_already_dense():
    # T4 datasheet: 65 TFLOPS mixed-precision FP16, 130 TOPS INT8 (Turing has no 2:4 sparsity).
    assert tflops("T4", "fp16") == pytest.approx(65.0)
    assert tflops("T4", "int8") == pytest.approx(130.0)


def test_hbm_capacities_are_binary():
    # AMD MI325X data sheet: "256 GB HBM3E" is built from binary-sized stacks.
    assert Hardware.MI325X.memory.capacity == Q_(256, "GiB")
    assert Hardware.GB200.memory.capacity == Q_(186, "GiB")  # 13.4 TB per NVL72 rack / 72
    # Cerebras writes its on-wafer SRAM in decimal GB, and the zoo keeps it so.
    assert Hardware.WSE2.memory.capacity == Q_(40, "GB")


def test_tpu_peaks_are_bf16():
    # Cloud TPU docs: v4 275 TFLOPS (bf16 or int8); v6e 918 TFLOPS bf16, 1,836 TOPS int8; v5p 459 TFLOPS bf16.
    assert Hardware.TPUv4.compute.peak_precision == "bf16"
    assert tflops("TPUv4", "bf16") == pytest.approx(275.0)
    assert tflops("TPUv6e", "bf16") == pytest.approx(918.0)
    assert tflops("TPUv6e", "int8") == pytest.approx(1836.0)
    assert Hardware.TPUv5p.compute.peak_flops == Q_(459, "TFLOP/s")


def test_device_classes():
    for name in ["TPUv4", "TPUv5p", "TPUv6e", "Gaudi2", "Gaudi3", "Trainium1", "Trainium2", "Inferentia2"]:
        assert Hardware.get(name).device_class == "tpu", name
    for name in ["Apple_M4", "Coral_EdgeTPU", "Hailo8"]:
        assert Hardware.get(name).device_class == "npu", name
    assert Hardware.WSE2.device_class == "dataflow"
    for name in NEW_TINY:
        assert Hardware.get(name).device_class == "mcu", name
        assert Hardware.get(name).memory.sram_capacity is not None, name


def test_mcu_peaks_follow_clock_times_ops_per_cycle():
    # STM32H7A3: 280 MHz, one FMA (2 flop) per cycle; dual 16-bit MAC (4 ops) per cycle.
    h7a3 = Hardware.STM32H7A3.compute.precision_flops
    assert h7a3["fp32"].to("flop/s").magnitude == pytest.approx(280e6 * 2)
    assert h7a3["int8"].to("flop/s").magnitude == pytest.approx(280e6 * 4)
    # Its flash: one 128-bit word per 7 cycles (6 wait states) at 280 MHz.
    assert Hardware.STM32H7A3.si.memory_bandwidth == pytest.approx(16 * 280e6 / 7, rel=1e-3)
    # MAX78000: Cortex-M4F at 100 MHz.
    assert Hardware.MAX78000.compute.peak_flops.to("flop/s").magnitude == pytest.approx(100e6 * 2)
    # Alif Ensemble E3: Ethos-U55 with 256 MACs per cycle at 400 MHz; its 64-bit AXI port at 400 MHz.
    alif = Hardware.Alif_Ensemble_E3
    assert alif.compute.precision_flops["int8"].to("flop/s").magnitude == pytest.approx(256 * 2 * 400e6)
    assert alif.si.memory_bandwidth == pytest.approx(8 * 400e6)


def test_interface_limited_edge_parts_say_so():
    # Coral USB Accelerator: USB 3.0 at 5 Gb/s is the documented limit; 4 TOPS INT8.
    coral = Hardware.Coral_EdgeTPU
    assert coral.si.memory_bandwidth == pytest.approx(5e9 / 8)
    assert coral.compute.peak_flops == Q_(4, "TFLOP/s")
    # Hailo-8 on the AI HAT+: one PCIe Gen 3 lane, 8 GT/s with 128b/130b coding.
    assert Hardware.Hailo8.si.memory_bandwidth == pytest.approx(8e9 * 128 / 130 / 8, rel=1e-3)
    for hw in (coral, Hardware.Hailo8):
        assert "interface limit" in (hw.notes or "")


def test_precisions_a_device_lacks_fall_back():
    # The L40S datasheet lists no INT8 tensor rate: int8 math runs on the FP16 path.
    rate, used, native = Hardware.L40S.compute.resolve("int8")
    assert (used, native) == ("fp16", False)
    assert rate == pytest.approx(362.05e12)
    # Ampere (A10G) has INT4 tensor cores; Hopper PCIe does not.
    assert Hardware.A10G.supports("int4")
    assert not Hardware.H100_PCIe.supports("int4")
    assert Hardware.GB200.supports("fp4")
