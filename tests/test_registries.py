"""Every registry entry is sourced, self-consistent and reachable by the seeds' names."""

import architectures
import pytest

from mlsysim import Q_, Hardware, Models, UnknownNameError
from mlsysim.models.types import CNNWorkload, TransformerWorkload

HARDWARE = Hardware.items()
MODELS = Models.items()


@pytest.mark.parametrize(("name", "entry"), HARDWARE + MODELS, ids=[n for n, _ in HARDWARE + MODELS])
def test_every_entry_cites_a_source_in_the_bibliography(name, entry, bib_keys):
    assert entry.source, f"{name} has no source"
    assert entry.source in bib_keys, f"{name} cites {entry.source!r}, missing from references.bib"


@pytest.mark.parametrize(("name", "hw"), HARDWARE, ids=[n for n, _ in HARDWARE])
def test_hardware_figures_are_positive_and_ridge_points_sane(name, hw):
    assert hw.memory.capacity.magnitude > 0 and hw.memory.bandwidth.magnitude > 0
    precision = next(p for p in ("fp16", "bf16", "int8") if hw.supports(p))
    ridge = hw.ridge_point(precision).magnitude
    # Accelerators that reach memory over their host link (a USB or PCIe lane) are built to keep weights on
    # chip: their ridge lies in the thousands. Every device streaming from its own memory lies below 1,000.
    limit = 30_000 if hw.device_class == "npu" and "limit" in (hw.notes or "") else 1000
    assert 0.5 <= ridge < limit, f"{name} ridge point {ridge} flop/B"


def test_seed_aliases_resolve_to_the_grouped_entries():
    assert Hardware.H100 is Hardware.Cloud.H100
    assert Hardware.Tiny.ESP32_S3 is Hardware.ESP32_S3
    assert Models.Llama3_70B is Models.Language.Llama3_70B
    assert Models.Tiny.DS_CNN is Models.DS_CNN
    assert Models.Vision.MobileNetV2 is Models.MobileNetV2


def test_required_devices_and_models_are_present():
    for name in ["V100", "A100", "H100", "H200", "B200", "MI300X", "TPUv5e", "Jetson_AGX_Orin",
                 "ESP32_S3", "nRF52840", "STM32H7"]:
        assert name in Hardware
    for name in ["GPT2", "GPT3_175B", "Llama3_8B", "Llama3_70B", "Llama3_405B", "ResNet50", "MobileNetV2", "DS_CNN"]:
        assert name in Models


def test_dense_not_sparse_peaks():
    # NVIDIA quotes 1,979 TFLOPS FP16 "with sparsity" for the H100 SXM; the dense peak is half.
    assert Hardware.H100.compute.precision_flops["fp16"] == Q_(989.4, "TFLOP/s")
    assert Hardware.B200.compute.precision_flops["fp4"] == Q_(9000, "TFLOP/s")


def test_hbm_capacities_are_binary():
    assert Hardware.H100.memory.capacity == Q_(80, "GiB")


def test_h100_has_no_int4_but_b200_has_fp4():
    assert not Hardware.H100.supports("int4")
    assert Hardware.A100.supports("int4")
    assert Hardware.B200.supports("fp4")


@pytest.mark.parametrize(("name", "model"), [(n, m) for n, m in MODELS if isinstance(m, TransformerWorkload)])
def test_transformer_parameter_counts_match_their_architecture(name, model):
    computed = model.architecture_parameters().to("param").magnitude
    stated = model.parameters.to("param").magnitude
    assert computed == pytest.approx(stated, rel=0.01), f"{name}: layers give {computed:.4g}, registry says {stated:.4g}"


@pytest.mark.parametrize(("name", "table"), [("ResNet50", architectures.resnet50), ("MobileNetV2", architectures.mobilenet_v2), ("DS_CNN", architectures.ds_cnn)])
def test_cnn_counts_match_their_layer_tables(name, table):
    model = Models.get(name)
    assert isinstance(model, CNNWorkload)
    acts, macs = table()
    assert model.activation_elements == acts
    assert model.flops_per_inference.to("flop").magnitude == pytest.approx(2 * macs, rel=1e-3)


def test_unknown_names_suggest_the_closest():
    with pytest.raises(UnknownNameError, match="did you mean H100"):
        Hardware.H10  # noqa: B018
    with pytest.raises(UnknownNameError, match="Llama3_8B"):
        Models.get("llama3_8")
    assert getattr(Hardware, "TPUv9", None) is None


def test_variants_are_revalidated():
    bigger = Hardware.H100.model_copy(update={"memory": Hardware.H200.memory})
    assert bigger.si.memory_capacity == Hardware.H200.si.memory_capacity
