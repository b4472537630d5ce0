"""Layer tables of the registry's CNNs: the shapes the cost core prices one by one.

Each `Layer` gives, per sample, the elements it reads and writes, its
multiply-accumulates and its weights.  Shapes from He et al. (2016) Table 1 with
torchvision's v1.5 strides [@he2016resnet], Sandler et al. (2018) Table 2
[@sandler2018mobilenetv2], Howard et al. (2019) Table 1 [@howard2019mobilenetv3],
Tan & Le (2019) Table 1 [@tan2019efficientnet], the Ultralytics YOLOv8 model file
[@jocher2023yolov8], and the MLPerf Tiny reference models [@banbury2021mlperftiny].
Identical consecutive blocks are one entry with a `count`.  Batch norm is folded
into the convolutions, activations (ReLU, SiLU, hard-swish) and residual additions
into their epilogues, and concatenations are free (each producer writes its slice of
the joined tensor), as inference compilers do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Shape = Literal["", "conv", "depthwise", "pointwise"]
"""How a convolution's kernels compute it: "depthwise" (one filter per channel, no reduction across channels),
"pointwise" (1×1: a matrix product over the channels), "conv" (a k×k filter over every input channel, through
an im2col buffer); "" for a layer that is not a convolution."""


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer per sample: elements in and out, multiply-accumulates, weights; `count` repeats; `shape` says
    how a convolution is computed (microcontroller kernels run the three shapes at very different rates)."""

    name: str
    kind: Literal["conv", "gemm", "elementwise"]
    in_elements: int
    out_elements: int
    macs: int
    weights: int
    count: int = 1
    shape: Shape = ""


def _conv(name: str, size_in: int, size_out: int, c_in: int, c_out: int, k: int, groups: int = 1, count: int = 1):
    per_group_in = c_in // groups
    shape: Shape = "depthwise" if groups > 1 and per_group_in == 1 else "pointwise" if k == 1 else "conv"
    return Layer(name, "conv", size_in * c_in, size_out * c_out, size_out * c_out * per_group_in * k,
                 c_out * per_group_in * k, count, shape)


def _fc(name: str, n_in: int, n_out: int, count: int = 1) -> Layer:
    return Layer(name, "gemm", n_in, n_out, n_in * n_out, n_in * n_out, count)


def _pool(name: str, size_in: int, size_out: int, channels: int, count: int = 1) -> Layer:
    return Layer(name, "elementwise", size_in * channels, size_out * channels, 0, 0, count)


def _divisible(value: float, divisor: int = 8) -> int:
    """Channels rounded to a multiple of `divisor`, never more than 10 % below `value` (the MobileNet rule)."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _squeeze_excite(name: str, size: int, channels: int, squeeze: int) -> list[Layer]:
    """Squeeze-and-excite: global pool, two fully connected layers, then a per-channel rescale of the map."""
    return [_pool(f"{name} SE pool", size * size, 1, channels),
            _fc(f"{name} SE reduce", channels, squeeze),
            _fc(f"{name} SE expand", squeeze, channels),
            Layer(f"{name} SE scale", "elementwise", size * size * channels + channels, size * size * channels, 0, 0)]


def _bottleneck_resnet(blocks: tuple[int, int, int, int]) -> tuple[Layer, ...]:
    """A bottleneck ResNet v1.5 at 224×224 with `blocks` per stage (stride on the 3×3 convolution)."""
    layers = [_conv("stem 7x7", 224 * 224, 112 * 112, 3, 64, 49),
              Layer("max-pool", "elementwise", 112 * 112 * 64, 56 * 56 * 64, 0, 0)]
    size, c_in = 56, 64
    for stage, (width, n, stride) in enumerate(zip((64, 128, 256, 512), blocks, (1, 2, 2, 2), strict=True), start=2):
        out = size // stride
        first = [_conv(f"conv{stage} first 1x1", size * size, size * size, c_in, width, 1),
                 _conv(f"conv{stage} first 3x3", size * size, out * out, width, width, 9),
                 _conv(f"conv{stage} first 1x1 up", out * out, out * out, width, 4 * width, 1),
                 _conv(f"conv{stage} downsample", size * size, out * out, c_in, 4 * width, 1)]
        rest = [_conv(f"conv{stage} 1x1", out * out, out * out, 4 * width, width, 1, count=n - 1),
                _conv(f"conv{stage} 3x3", out * out, out * out, width, width, 9, count=n - 1),
                _conv(f"conv{stage} 1x1 up", out * out, out * out, width, 4 * width, 1, count=n - 1)]
        layers += first + rest
        size, c_in = out, 4 * width
    layers += [Layer("avg-pool", "elementwise", 7 * 7 * 2048, 2048, 0, 0),
               Layer("fc", "gemm", 2048, 1000, 2048 * 1000, 2048 * 1000)]
    return tuple(layers)


def resnet50() -> tuple[Layer, ...]:
    """ResNet-50 v1.5 at 224×224 (stride on the 3×3 convolution)."""
    return _bottleneck_resnet((3, 4, 6, 3))


def resnet152() -> tuple[Layer, ...]:
    """ResNet-152 v1.5 at 224×224: He et al. Table 1's 3, 8, 36, 3 bottleneck blocks."""
    return _bottleneck_resnet((3, 8, 36, 3))


def resnet18() -> tuple[Layer, ...]:
    """ResNet-18 at 224×224: two basic blocks (two 3×3 convolutions) per stage, He et al. Table 1."""
    layers = [_conv("stem 7x7", 224 * 224, 112 * 112, 3, 64, 49), _pool("max-pool", 112 * 112, 56 * 56, 64)]
    size, c_in = 56, 64
    for stage, (width, stride) in enumerate([(64, 1), (128, 2), (256, 2), (512, 2)], start=2):
        out = size // stride
        layers.append(_conv(f"conv{stage} first 3x3", size * size, out * out, c_in, width, 9))
        if stride != 1:
            layers.append(_conv(f"conv{stage} downsample", size * size, out * out, c_in, width, 1))
        layers.append(_conv(f"conv{stage} 3x3", out * out, out * out, width, width, 9, count=3))
        size, c_in = out, width
    layers += [_pool("avg-pool", 7 * 7, 1, 512), _fc("fc", 512, 1000)]
    return tuple(layers)


def mobilenet_v2() -> tuple[Layer, ...]:
    """MobileNetV2 1.0 at 224×224: inverted residual blocks (expand, depthwise, project)."""
    layers = [_conv("stem 3x3", 224 * 224, 112 * 112, 3, 32, 9)]
    size, c_in = 112, 32
    for block, (t, c, n, s) in enumerate([(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                                          (6, 160, 3, 2), (6, 320, 1, 1)], start=1):
        for i in range(n):
            hidden, out = c_in * t, size // (s if i == 0 else 1)
            if t != 1:
                layers.append(_conv(f"block{block}.{i} expand", size * size, size * size, c_in, hidden, 1))
            layers.append(_conv(f"block{block}.{i} depthwise", size * size, out * out, hidden, hidden, 9, groups=hidden))
            layers.append(_conv(f"block{block}.{i} project", out * out, out * out, hidden, c, 1))
            size, c_in = out, c
    layers += [_conv("conv 1x1", 7 * 7, 7 * 7, 320, 1280, 1),
               Layer("avg-pool", "elementwise", 7 * 7 * 1280, 1280, 0, 0),
               Layer("fc", "gemm", 1280, 1000, 1280 * 1000, 1280 * 1000)]
    return tuple(layers)


# Howard et al. (2019) Table 1, MobileNetV3-Large: (kernel, expansion size, output channels, SE, stride).
# The NL column (ReLU or hard-swish) is each convolution's epilogue and adds no layer.
_MOBILENET_V3_LARGE = [(3, 16, 16, False, 1), (3, 64, 24, False, 2), (3, 72, 24, False, 1), (5, 72, 40, True, 2),
                       (5, 120, 40, True, 1), (5, 120, 40, True, 1), (3, 240, 80, False, 2), (3, 200, 80, False, 1),
                       (3, 184, 80, False, 1), (3, 184, 80, False, 1), (3, 480, 112, True, 1), (3, 672, 112, True, 1),
                       (5, 672, 160, True, 2), (5, 960, 160, True, 1), (5, 960, 160, True, 1)]


def mobilenet_v3_large() -> tuple[Layer, ...]:
    """MobileNetV3-Large 1.0 at 224×224: inverted residuals with squeeze-and-excite where Table 1 marks it.

    The excite layer has a quarter of the expansion channels rounded to a multiple of 8, as in
    the authors' and torchvision's implementations.
    """
    layers = [_conv("stem 3x3", 224 * 224, 112 * 112, 3, 16, 9)]
    size, c_in = 112, 16
    for block, (k, hidden, c_out, se, stride) in enumerate(_MOBILENET_V3_LARGE, start=1):
        out = size // stride
        if hidden != c_in:
            layers.append(_conv(f"block{block} expand", size * size, size * size, c_in, hidden, 1))
        layers.append(_conv(f"block{block} depthwise {k}x{k}", size * size, out * out, hidden, hidden, k * k,
                            groups=hidden))
        if se:
            layers += _squeeze_excite(f"block{block}", out, hidden, _divisible(hidden / 4))
        layers.append(_conv(f"block{block} project", out * out, out * out, hidden, c_out, 1))
        size, c_in = out, c_out
    layers += [_conv("conv 1x1", 7 * 7, 7 * 7, 160, 960, 1), _pool("avg-pool", 7 * 7, 1, 960),
               _fc("fc 1280", 960, 1280), _fc("fc", 1280, 1000)]
    return tuple(layers)


# Tan & Le (2019) Table 1, EfficientNet-B0: (expansion, kernel, stride of the first block, channels, blocks).
_EFFICIENTNET_B0 = [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3),
                    (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]


def efficientnet_b0() -> tuple[Layer, ...]:
    """EfficientNet-B0 at 224×224: MBConv blocks, each with squeeze-and-excite to a quarter of its input channels."""
    layers = [_conv("stem 3x3", 224 * 224, 112 * 112, 3, 32, 9)]
    size, c_in = 112, 32
    for stage, (t, k, stride, c_out, n) in enumerate(_EFFICIENTNET_B0, start=2):
        for i in range(n):
            name, hidden, out = f"stage{stage}.{i}", c_in * t, size // (stride if i == 0 else 1)
            if t != 1:
                layers.append(_conv(f"{name} expand", size * size, size * size, c_in, hidden, 1))
            layers.append(_conv(f"{name} depthwise {k}x{k}", size * size, out * out, hidden, hidden, k * k,
                                groups=hidden))
            layers += _squeeze_excite(name, out, hidden, max(1, c_in // 4))
            layers.append(_conv(f"{name} project", out * out, out * out, hidden, c_out, 1))
            size, c_in = out, c_out
    layers += [_conv("conv 1x1", 7 * 7, 7 * 7, 320, 1280, 1), _pool("avg-pool", 7 * 7, 1, 1280),
               _fc("fc", 1280, 1000)]
    return tuple(layers)


def _c2f(name: str, size: int, c_in: int, c_out: int, n: int) -> list[Layer]:
    """YOLOv8's C2f: a 1×1 convolution split in two halves, `n` bottlenecks (two 3×3) on the second, a 1×1 over all."""
    half, area = c_out // 2, size * size
    return [_conv(f"{name} cv1", area, area, c_in, 2 * half, 1),
            _conv(f"{name} bottleneck 3x3", area, area, half, half, 9, count=2 * n),
            _conv(f"{name} cv2", area, area, (2 + n) * half, c_out, 1)]


def yolov8n() -> tuple[Layer, ...]:
    """YOLOv8n at 640×640 (COCO, 80 classes): width 0.25 and depth 0.33 of the yolov8.yaml backbone, neck and head.

    Detection runs on the 80², 40² and 20² maps (8,400 anchors); its distribution-focal
    projection (a fixed 16→1 convolution, softmax folded in) and the box decode close the network.
    """
    layers = [_conv("P1 conv 3x3/2", 640 * 640, 320 * 320, 3, 16, 9),
              _conv("P2 conv 3x3/2", 320 * 320, 160 * 160, 16, 32, 9),
              *_c2f("C2f P2", 160, 32, 32, 1),
              _conv("P3 conv 3x3/2", 160 * 160, 80 * 80, 32, 64, 9),
              *_c2f("C2f P3", 80, 64, 64, 2),
              _conv("P4 conv 3x3/2", 80 * 80, 40 * 40, 64, 128, 9),
              *_c2f("C2f P4", 40, 128, 128, 2),
              _conv("P5 conv 3x3/2", 40 * 40, 20 * 20, 128, 256, 9),
              *_c2f("C2f P5", 20, 256, 256, 1),
              _conv("SPPF cv1", 20 * 20, 20 * 20, 256, 128, 1),
              _pool("SPPF max-pool 5x5", 20 * 20, 20 * 20, 128, count=3),
              _conv("SPPF cv2", 20 * 20, 20 * 20, 512, 256, 1),
              _pool("upsample to P4", 20 * 20, 40 * 40, 256),
              *_c2f("neck C2f P4", 40, 384, 128, 1),
              _pool("upsample to P3", 40 * 40, 80 * 80, 128),
              *_c2f("neck C2f P3 (out)", 80, 192, 64, 1),
              _conv("neck conv 3x3/2 to P4", 80 * 80, 40 * 40, 64, 64, 9),
              *_c2f("neck C2f P4 (out)", 40, 192, 128, 1),
              _conv("neck conv 3x3/2 to P5", 40 * 40, 20 * 20, 128, 128, 9),
              *_c2f("neck C2f P5 (out)", 20, 384, 256, 1)]
    for level, size, c_in in (("P3", 80, 64), ("P4", 40, 128), ("P5", 20, 256)):
        area = size * size
        layers += [_conv(f"detect {level} box 3x3", area, area, c_in, 64, 9),
                   _conv(f"detect {level} box 3x3 (2)", area, area, 64, 64, 9),
                   _conv(f"detect {level} box 1x1", area, area, 64, 64, 1),
                   _conv(f"detect {level} class 3x3", area, area, c_in, 80, 9),
                   _conv(f"detect {level} class 3x3 (2)", area, area, 80, 80, 9),
                   _conv(f"detect {level} class 1x1", area, area, 80, 80, 1)]
    anchors = 80 * 80 + 40 * 40 + 20 * 20
    layers += [Layer("DFL 16->1", "conv", 64 * anchors, 4 * anchors, 4 * 16 * anchors, 16),
               Layer("box decode + class sigmoid", "elementwise", (4 + 80) * anchors, (4 + 80) * anchors, 0, 0)]
    return tuple(layers)


def ds_cnn() -> tuple[Layer, ...]:
    """The MLPerf Tiny keyword-spotting DS-CNN: 49×10 MFCC input, 64 filters, four depthwise-separable blocks."""
    positions = 25 * 5  # after the 10x4 stride-2 first convolution
    return (
        _conv("conv 10x4", 49 * 10, positions, 1, 64, 40),
        _conv("depthwise 3x3", positions, positions, 64, 64, 9, groups=64, count=4),
        _conv("pointwise 1x1", positions, positions, 64, 64, 1, count=4),
        Layer("avg-pool", "elementwise", positions * 64, 64, 0, 0),
        Layer("fc", "gemm", 64, 12, 64 * 12, 64 * 12),
    )


# The MLPerf Tiny visual-wake-words MobileNetV1 (width 0.25): (depthwise stride, pointwise output channels).
_MOBILENET_V1_VWW = [(1, 16), (2, 32), (1, 32), (2, 64), (1, 64), (2, 128), (1, 128), (1, 128), (1, 128), (1, 128),
                     (1, 128), (2, 256), (1, 256)]


def mobilenet_v1_vww() -> tuple[Layer, ...]:
    """MobileNetV1 0.25 at 96×96×3, two classes: the MLPerf Tiny visual-wake-words reference."""
    layers = [_conv("stem 3x3/2", 96 * 96, 48 * 48, 3, 8, 9)]
    size, c_in = 48, 8
    for block, (stride, c_out) in enumerate(_MOBILENET_V1_VWW, start=1):
        out = size // stride
        layers += [_conv(f"block{block} depthwise 3x3", size * size, out * out, c_in, c_in, 9, groups=c_in),
                   _conv(f"block{block} pointwise 1x1", out * out, out * out, c_in, c_out, 1)]
        size, c_in = out, c_out
    layers += [_pool("avg-pool", 3 * 3, 1, 256), _fc("fc", 256, 2)]
    return tuple(layers)


def resnet8_cifar() -> tuple[Layer, ...]:
    """The MLPerf Tiny image-classification ResNet-8 at 32×32×3: a 16-filter stem and three two-convolution stacks."""
    layers = [_conv("stem 3x3", 32 * 32, 32 * 32, 3, 16, 9),
              _conv("stack1 3x3", 32 * 32, 32 * 32, 16, 16, 9, count=2)]
    size, c_in = 32, 16
    for stack, width in ((2, 32), (3, 64)):
        out = size // 2
        layers += [_conv(f"stack{stack} 3x3/2", size * size, out * out, c_in, width, 9),
                   _conv(f"stack{stack} 3x3", out * out, out * out, width, width, 9),
                   _conv(f"stack{stack} shortcut 1x1/2", size * size, out * out, c_in, width, 1)]
        size, c_in = out, width
    layers += [_pool("avg-pool", 8 * 8, 1, 64), _fc("fc", 64, 10)]
    return tuple(layers)


def ad_autoencoder() -> tuple[Layer, ...]:
    """The MLPerf Tiny anomaly-detection autoencoder: 640 inputs (5 frames × 128 log-mel bins), 128-wide layers, an 8-unit code."""
    return (_fc("encoder 640->128", 640, 128), _fc("encoder 128->128", 128, 128, count=3), _fc("code 128->8", 128, 8),
            _fc("decoder 8->128", 8, 128), _fc("decoder 128->128", 128, 128, count=3),
            _fc("output 128->640", 128, 640))


ARCHITECTURES: dict[str, Callable[[], tuple[Layer, ...]]] = {
    "resnet50": resnet50, "mobilenet_v2": mobilenet_v2, "ds_cnn": ds_cnn,
    "resnet18": resnet18, "resnet152": resnet152, "mobilenet_v3_large": mobilenet_v3_large,
    "efficientnet_b0": efficientnet_b0, "yolov8n": yolov8n,
    "mobilenet_v1_vww": mobilenet_v1_vww, "resnet8_cifar": resnet8_cifar, "ad_autoencoder": ad_autoencoder,
}
"""Layer tables by the name a `CNNWorkload.architecture` gives."""
