"""Layer tables of the registry's CNNs: the shapes the cost core prices one by one.

Each :class:`Layer` gives, per sample, the elements it reads and writes, its
multiply-accumulates and its weights.  Shapes from He et al. (2016) Table 1 with
torchvision's v1.5 strides [@he2016resnet], Sandler et al. (2018) Table 2
[@sandler2018mobilenetv2], and the MLPerf Tiny DS-CNN [@banbury2021mlperftiny].
Identical consecutive blocks are one entry with a ``count``.  Batch norm is folded
into the convolutions and residual additions into their epilogues, as inference
compilers do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer per sample: elements in and out, multiply-accumulates, weights; ``count`` repeats."""

    name: str
    kind: Literal["conv", "gemm", "elementwise"]
    in_elements: int
    out_elements: int
    macs: int
    weights: int
    count: int = 1


def _conv(name: str, size_in: int, size_out: int, c_in: int, c_out: int, k: int, groups: int = 1, count: int = 1):
    per_group_in = c_in // groups
    return Layer(name, "conv", size_in * c_in, size_out * c_out, size_out * c_out * per_group_in * k,
                 c_out * per_group_in * k, count)


def resnet50() -> tuple[Layer, ...]:
    """ResNet-50 v1.5 at 224×224 (stride on the 3×3 convolution)."""
    layers = [_conv("stem 7x7", 224 * 224, 112 * 112, 3, 64, 49),
              Layer("max-pool", "elementwise", 112 * 112 * 64, 56 * 56 * 64, 0, 0)]
    size, c_in = 56, 64
    for stage, (width, blocks, stride) in enumerate([(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)], start=2):
        out = size // stride
        first = [_conv(f"conv{stage} first 1x1", size * size, size * size, c_in, width, 1),
                 _conv(f"conv{stage} first 3x3", size * size, out * out, width, width, 9),
                 _conv(f"conv{stage} first 1x1 up", out * out, out * out, width, 4 * width, 1),
                 _conv(f"conv{stage} downsample", size * size, out * out, c_in, 4 * width, 1)]
        rest = [_conv(f"conv{stage} 1x1", out * out, out * out, 4 * width, width, 1, count=blocks - 1),
                _conv(f"conv{stage} 3x3", out * out, out * out, width, width, 9, count=blocks - 1),
                _conv(f"conv{stage} 1x1 up", out * out, out * out, width, 4 * width, 1, count=blocks - 1)]
        layers += first + rest
        size, c_in = out, 4 * width
    layers += [Layer("avg-pool", "elementwise", 7 * 7 * 2048, 2048, 0, 0),
               Layer("fc", "gemm", 2048, 1000, 2048 * 1000, 2048 * 1000)]
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


ARCHITECTURES: dict[str, Callable[[], tuple[Layer, ...]]] = {
    "resnet50": resnet50, "mobilenet_v2": mobilenet_v2, "ds_cnn": ds_cnn,
}
"""Layer tables by the name a ``CNNWorkload.architecture`` gives."""
