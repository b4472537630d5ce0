"""The zoo's newer CNNs: layer tables, registry figures and published counts agree.

Each network's activation elements and multiply-accumulates are recomputed by the
independent arithmetic of ``tests/architectures.py`` and compared with the layer table
the cost core prices (``mlsysim.models.cnn_layers``) and with the registry entry; the
parameter count is recomputed from the same shapes under the convention its source uses
and compared with the published figure the registry carries.
"""

import architectures
import pytest

import mlsysim
from mlsysim import Hardware, Models
from mlsysim.models.cnn_layers import ARCHITECTURES
from mlsysim.models.types import CNNWorkload


def _mdiv(value):
    """Channels rounded to a multiple of 8, never more than 10 % below ``value``."""
    rounded = max(8, int(value + 4) // 8 * 8)
    return rounded + 8 if rounded < 0.9 * value else rounded


# ---- parameter counts, from the layer shapes -------------------------------------------------
# torchvision counts convolution weights (no bias), two batch-norm parameters per channel
# (scale, shift; the running statistics are buffers) and weights plus biases of the fully
# connected and squeeze-excite layers.

def _torchvision_resnet(blocks, bottleneck):
    params = 64 * 3 * 49 + 2 * 64
    c_in = 64
    for stage, (width, n) in enumerate(zip((64, 128, 256, 512), blocks, strict=True)):
        for i in range(n):
            if bottleneck:
                params += c_in * width + width * width * 9 + width * 4 * width + 2 * (6 * width)
                c_out = 4 * width
            else:
                params += c_in * width * 9 + width * width * 9 + 2 * (2 * width)
                c_out = width
            if i == 0 and (stage > 0 or c_in != c_out):
                params += c_in * c_out + 2 * c_out
            c_in = c_out
    return params + c_in * 1000 + 1000


def _torchvision_mobilenet_v3_large():
    rows = [(16, 3, 16, 16, False), (16, 3, 64, 24, False), (24, 3, 72, 24, False), (24, 5, 72, 40, True),
            (40, 5, 120, 40, True), (40, 5, 120, 40, True), (40, 3, 240, 80, False), (80, 3, 200, 80, False),
            (80, 3, 184, 80, False), (80, 3, 184, 80, False), (80, 3, 480, 112, True), (112, 3, 672, 112, True),
            (112, 5, 672, 160, True), (160, 5, 960, 160, True), (160, 5, 960, 160, True)]
    params = 16 * 27 + 2 * 16
    for c_in, k, exp, c_out, se in rows:
        if exp != c_in:
            params += c_in * exp + 2 * exp
        params += exp * k * k + 2 * exp + exp * c_out + 2 * c_out
        if se:
            sq = _mdiv(exp / 4)
            params += exp * sq + sq + sq * exp + exp
    return params + 160 * 960 + 2 * 960 + 960 * 1280 + 1280 + 1280 * 1000 + 1000


def _torchvision_efficientnet_b0():
    stages = [(1, 3, 16, 1), (6, 3, 24, 2), (6, 5, 40, 2), (6, 3, 80, 3), (6, 5, 112, 3), (6, 5, 192, 4),
              (6, 3, 320, 1)]
    params, c_in = 32 * 27 + 2 * 32, 32
    for t, k, c_out, n in stages:
        for _ in range(n):
            exp, sq = t * c_in, c_in // 4
            if t > 1:
                params += c_in * exp + 2 * exp
            params += exp * k * k + 2 * exp + exp * sq + sq + sq * exp + exp + exp * c_out + 2 * c_out
            c_in = c_out
    return params + 320 * 1280 + 2 * 1280 + 1280 * 1000 + 1000


def _yolov8n_unfused():
    """YOLOv8n as yolov8.yaml summarises it: conv weights, two batch-norm parameters per channel,
    biased 1x1 detect outputs, and the 16 fixed weights of the DFL projection."""
    def conv(c_in, c_out, k):
        return c_in * c_out * k * k + 2 * c_out

    def c2f(c_in, c_out, n):
        c = c_out // 2
        return conv(c_in, 2 * c, 1) + 2 * n * conv(c, c, 3) + conv((2 + n) * c, c_out, 1)

    params = (conv(3, 16, 3) + conv(16, 32, 3) + c2f(32, 32, 1) + conv(32, 64, 3) + c2f(64, 64, 2)
              + conv(64, 128, 3) + c2f(128, 128, 2) + conv(128, 256, 3) + c2f(256, 256, 1)
              + conv(256, 128, 1) + conv(512, 256, 1)
              + c2f(384, 128, 1) + c2f(192, 64, 1) + conv(64, 64, 3) + c2f(192, 128, 1)
              + conv(128, 128, 3) + c2f(384, 256, 1))
    for c_in in (64, 128, 256):
        params += conv(c_in, 64, 3) + conv(64, 64, 3) + 64 * 64 + 64
        params += conv(c_in, 80, 3) + conv(80, 80, 3) + 80 * 80 + 80
    return params + 16


# The MLPerf Tiny reference models are Keras models: every convolution and dense layer has a
# bias, and each batch norm holds four values per channel (scale and shift trainable, mean and
# variance not).  NXP lists the total for the ResNet and MobileNet and the trainable count for
# the autoencoder; each helper returns (trainable, total).

def _keras_mobilenet_v1_vww():
    weights, bn, c = 3 * 8 * 9 + 8, 8, 8
    for c_out in (16, 32, 32, 64, 64, 128, 128, 128, 128, 128, 128, 256, 256):
        weights += c * 9 + c + c * c_out + c_out
        bn += c + c_out
        c = c_out
    weights += 256 * 2 + 2
    return weights + 2 * bn, weights + 4 * bn


def _keras_resnet8():
    weights = 3 * 16 * 9 + 16 + 2 * (16 * 16 * 9 + 16)
    bn = 16 * 3
    for c_in, width in ((16, 32), (32, 64)):
        weights += c_in * width * 9 + width + width * width * 9 + width + c_in * width + width
        bn += 2 * width  # the 1x1 shortcut has no batch norm
    weights += 64 * 10 + 10
    return weights + 2 * bn, weights + 4 * bn


def _keras_ad_autoencoder():
    widths = [640, 128, 128, 128, 128, 8, 128, 128, 128, 128, 640]
    weights = sum(a * b + b for a, b in zip(widths[:-1], widths[1:], strict=True))
    bn = sum(widths[1:-1])  # a batch norm after every hidden layer
    return weights + 2 * bn, weights + 4 * bn


# name, independent (acts, MACs), architecture, published MACs, unit of its last published digit,
# published parameters, parameters recomputed under the source's convention.
# Ultralytics quotes FLOPs (8.7 G at 640x640), i.e. 4.35 G multiply-accumulates to half a 0.1 G unit.
CASES = [
    ("ResNet18", architectures.resnet18, "resnet18", 1.81e9, 0.01e9, 11_689_512,
     _torchvision_resnet((2, 2, 2, 2), False)),
    ("ResNet152", architectures.resnet152, "resnet152", 11.51e9, 0.01e9, 60_192_808,
     _torchvision_resnet((3, 8, 36, 3), True)),
    ("MobileNetV3_Large", architectures.mobilenet_v3_large, "mobilenet_v3_large", 217e6, 1e6, 5_483_032,
     _torchvision_mobilenet_v3_large()),
    ("EfficientNet_B0", architectures.efficientnet_b0, "efficientnet_b0", 0.39e9, 0.01e9, 5_288_548,
     _torchvision_efficientnet_b0()),
    ("YOLOv8n", architectures.yolov8n, "yolov8n", 8.7e9 / 2, 0.1e9 / 2, 3_157_200, _yolov8n_unfused()),
    ("MobileNetV1_VWW", architectures.mobilenet_v1_vww, "mobilenet_v1_vww", 7.490e6, 0.001e6, 221_794,
     _keras_mobilenet_v1_vww()[1]),
    ("ResNet8", architectures.resnet8_cifar, "resnet8_cifar", 12.502e6, 0.001e6, 78_666, _keras_resnet8()[1]),
    ("AD_Autoencoder", architectures.ad_autoencoder, "ad_autoencoder", 264.192e3, 0.001e3, 267_928,
     _keras_ad_autoencoder()[0]),
]
IDS = [c[0] for c in CASES]


def _table_totals(architecture):
    layers = ARCHITECTURES[architecture]()
    return (sum(layer.out_elements * layer.count for layer in layers),
            sum(layer.macs * layer.count for layer in layers))


@pytest.mark.parametrize(("name", "table", "architecture", "macs", "unit", "params", "recomputed"), CASES, ids=IDS)
def test_layer_table_matches_independent_arithmetic(name, table, architecture, macs, unit, params, recomputed):
    model = Models.get(name)
    assert isinstance(model, CNNWorkload)
    assert model.architecture == architecture
    acts, layer_macs = table()
    # Both are exact integer sums over the same shapes, counted two different ways: no tolerance.
    assert _table_totals(architecture) == (acts, layer_macs)
    assert model.activation_elements == acts


@pytest.mark.parametrize(("name", "table", "architecture", "macs", "unit", "params", "recomputed"), CASES, ids=IDS)
def test_registry_carries_the_published_macs_and_the_layers_reproduce_them(name, table, architecture, macs, unit,
                                                                           params, recomputed):
    model = Models.get(name)
    registry_macs = model.flops_per_inference.to("flop").magnitude / 2
    # The registry holds the published figure itself (float noise only) ...
    assert registry_macs == pytest.approx(macs, rel=1e-9)
    # ... and the count from the layer shapes lands within half a unit of its last published
    # digit: the published rounding and nothing more (e.g. 385.8 M against 0.39 G, 216.6 M
    # against 217 M, 4.372 G against 8.7 GFLOPs / 2).
    _, layer_macs = table()
    assert abs(layer_macs - macs) <= unit / 2, f"{name}: layers give {layer_macs:.6g} MACs, published {macs:.6g}"


@pytest.mark.parametrize(("name", "table", "architecture", "macs", "unit", "params", "recomputed"), CASES, ids=IDS)
def test_parameters_are_as_published_and_follow_from_the_shapes(name, table, architecture, macs, unit, params,
                                                                recomputed):
    # Exact: every published count here is given to the parameter, and the shapes reproduce it.
    assert Models.get(name).parameter_count == params
    assert recomputed == params


def test_nxp_parameter_conventions_are_the_keras_trainable_and_total_counts():
    # The two conventions differ by two values per batch-norm channel; pin which one each published figure is.
    assert _keras_resnet8() == (78_186, 78_666)
    assert _keras_mobilenet_v1_vww() == (216_322, 221_794)
    assert _keras_ad_autoencoder() == (267_928, 269_992)


def test_layer_weights_are_the_parameters_less_biases_and_batch_norm():
    # Layer tables carry weight tensors only, so they sit just below the parameter counts; biases
    # and batch norm weigh most in the narrowest net (MobileNetV1 0.25 with 8-64 channels: 6 %).
    for name, _, architecture, *_ in CASES:
        weights = sum(layer.weights * layer.count for layer in ARCHITECTURES[architecture]())
        assert 0.9 * Models.get(name).parameter_count < weights <= Models.get(name).parameter_count, name


@pytest.mark.parametrize("name", IDS)
def test_engine_solves_each_on_an_a100(name):
    model = Models.get(name)
    result = mlsysim.Engine().solve(model, Hardware.A100, batch_size=1)
    assert result.feasible
    assert result.latency.magnitude > 0
    # The cost core prices the layer table, so the step's FLOPs are twice the table's MACs.
    _, layer_macs = _table_totals(model.architecture)
    assert result.flops.to("flop").magnitude == pytest.approx(2 * layer_macs, rel=1e-9)


def test_new_entries_sit_in_their_groups_and_existing_ones_are_unchanged():
    for name in ["ResNet18", "ResNet152", "MobileNetV3_Large", "EfficientNet_B0", "YOLOv8n"]:
        assert Models.get(name) is Models.Vision.get(name)
    for name in ["MobileNetV1_VWW", "ResNet8", "AD_Autoencoder"]:
        assert Models.get(name) is Models.Tiny.get(name)
    assert (Models.ResNet50.activation_elements, Models.ResNet50.architecture) == (11_317_736, "resnet50")
    assert (Models.MobileNetV2.activation_elements, Models.DS_CNN.activation_elements) == (6_680_392, 72_076)
