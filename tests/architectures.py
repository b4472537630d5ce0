"""Layer tables of the registry's CNNs, to recompute their activation and MAC counts.

Shapes from He et al. (2016) Table 1 (torchvision v1.5 strides), Sandler et
al. (2018) Table 2, Howard et al. (2019) Table 1, Tan & Le (2019) Table 1, the
Ultralytics yolov8.yaml, and the MLPerf Tiny reference models (keyword spotting,
visual wake words, image classification, anomaly detection).
"""


def _bottleneck_resnet(blocks):
    """(activation elements, MACs) of a v1.5 bottleneck ResNet at 224x224 with ``blocks`` per stage."""
    acts = 112 * 112 * 64 + 56 * 56 * 64  # stem conv, max-pool
    macs = 112 * 112 * 64 * 3 * 49
    size, c_in = 56, 64
    for width, count, stride in zip((64, 128, 256, 512), blocks, (1, 2, 2, 2), strict=True):
        for i in range(count):
            out = size // (stride if i == 0 else 1)
            acts += size * size * width + out * out * width + out * out * 4 * width
            macs += size * size * c_in * width + out * out * width * width * 9 + out * out * width * 4 * width
            if i == 0:
                acts += out * out * 4 * width
                macs += out * out * c_in * 4 * width
            size, c_in = out, 4 * width
    return acts + 2048 + 1000, macs + 2048 * 1000


def resnet50():
    """(activation elements, MACs) of ResNet-50 v1.5 at 224x224, conv outputs counted once."""
    return _bottleneck_resnet((3, 4, 6, 3))


def mobilenet_v2():
    """(activation elements, MACs) of MobileNetV2 1.0 at 224x224."""
    size, c_in = 112, 32
    acts, macs = 112 * 112 * 32, 112 * 112 * 32 * 3 * 9
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            hidden = c_in * t
            if t != 1:
                acts += size * size * hidden
                macs += size * size * c_in * hidden
            out = size // (s if i == 0 else 1)
            acts += out * out * hidden + out * out * c
            macs += out * out * hidden * 9 + out * out * hidden * c
            size, c_in = out, c
    acts += 7 * 7 * 1280 + 1280 + 1000
    macs += 7 * 7 * 320 * 1280 + 1280 * 1000
    return acts, macs


def ds_cnn():
    """(activation elements, MACs) of the MLPerf Tiny DS-CNN (49x10 MFCC input, 64 filters)."""
    positions = 25 * 5  # after the 10x4 stride-2 first convolution
    acts, macs = positions * 64, positions * 64 * 40
    for _ in range(4):
        acts += 2 * positions * 64
        macs += positions * 64 * 9 + positions * 64 * 64
    acts += 64 + 12
    macs += 64 * 12
    return acts, macs


def _se_channels(value):
    """A quarter of the expansion rounded to a multiple of 8, never below 90 % (the MobileNet rounding)."""
    rounded = max(8, int(value + 4) // 8 * 8)
    return rounded + 8 if rounded < 0.9 * value else rounded


def resnet18():
    """(activation elements, MACs) of ResNet-18 at 224x224: basic blocks, 1x1 projection where the stride is 2."""
    acts = 112 * 112 * 64 + 56 * 56 * 64  # stem conv, max-pool
    macs = 112 * 112 * 64 * 3 * 49
    size, c_in = 56, 64
    for width, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        for block in range(2):
            s = stride if block == 0 else 1
            out = size // s
            acts += 2 * out * out * width
            macs += out * out * width * c_in * 9 + out * out * width * width * 9
            if s != 1:
                acts += out * out * width
                macs += out * out * width * c_in
            size, c_in = out, width
    return acts + 512 + 1000, macs + 512 * 1000


def resnet152():
    """(activation elements, MACs) of ResNet-152 v1.5 at 224x224 (3, 8, 36, 3 bottleneck blocks)."""
    return _bottleneck_resnet((3, 8, 36, 3))


def _squeeze_excite(size, channels, squeeze):
    """(activation elements, MACs) of one squeeze-and-excite: pool, two FC layers, rescale of the map."""
    return channels + squeeze + channels + size * size * channels, 2 * channels * squeeze


def mobilenet_v3_large():
    """(activation elements, MACs) of MobileNetV3-Large 1.0 at 224x224 (Howard et al. Table 1)."""
    rows = [  # input channels, kernel, expansion, output channels, squeeze-excite, stride
        (16, 3, 16, 16, False, 1), (16, 3, 64, 24, False, 2), (24, 3, 72, 24, False, 1),
        (24, 5, 72, 40, True, 2), (40, 5, 120, 40, True, 1), (40, 5, 120, 40, True, 1),
        (40, 3, 240, 80, False, 2), (80, 3, 200, 80, False, 1), (80, 3, 184, 80, False, 1),
        (80, 3, 184, 80, False, 1), (80, 3, 480, 112, True, 1), (112, 3, 672, 112, True, 1),
        (112, 5, 672, 160, True, 2), (160, 5, 960, 160, True, 1), (160, 5, 960, 160, True, 1)]
    size = 112
    acts, macs = 112 * 112 * 16, 112 * 112 * 16 * 27
    for c_in, k, exp, c_out, se, stride in rows:
        if exp != c_in:
            acts += size * size * exp
            macs += size * size * c_in * exp
        size //= stride
        acts += size * size * exp
        macs += size * size * exp * k * k
        if se:
            a, m = _squeeze_excite(size, exp, _se_channels(exp / 4))
            acts, macs = acts + a, macs + m
        acts += size * size * c_out
        macs += size * size * exp * c_out
    acts += 7 * 7 * 960 + 960 + 1280 + 1000
    macs += 7 * 7 * 160 * 960 + 960 * 1280 + 1280 * 1000
    return acts, macs


def efficientnet_b0():
    """(activation elements, MACs) of EfficientNet-B0 at 224x224 (Tan & Le Table 1)."""
    stages = [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3),
              (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]  # expansion, kernel, stride, channels, blocks
    size, c_in = 112, 32
    acts, macs = 112 * 112 * 32, 112 * 112 * 32 * 27
    for t, k, stride, c_out, blocks in stages:
        for i in range(blocks):
            exp = t * c_in
            if t > 1:
                acts += size * size * exp
                macs += size * size * c_in * exp
            size //= stride if i == 0 else 1
            acts += size * size * exp
            macs += size * size * exp * k * k
            a, m = _squeeze_excite(size, exp, c_in // 4)
            acts += a + size * size * c_out
            macs += m + size * size * exp * c_out
            c_in = c_out
    return acts + 7 * 7 * 1280 + 1280 + 1000, macs + 7 * 7 * 320 * 1280 + 1280 * 1000


def _c2f(size, c_in, c_out, n):
    """(activation elements, MACs) of a YOLOv8 C2f block; the split and the concatenation move no data."""
    c = c_out // 2
    acts = size * size * (2 * c + 2 * n * c + c_out)
    macs = size * size * (c_in * 2 * c + n * 2 * c * c * 9 + (2 + n) * c * c_out)
    return acts, macs


def yolov8n():
    """(activation elements, MACs) of YOLOv8n at 640x640 (yolov8.yaml, scale n, 80 classes)."""
    convs = [(320, 3, 16, 3), (160, 16, 32, 3), (80, 32, 64, 3), (40, 64, 128, 3), (20, 128, 256, 3),  # backbone
             (20, 256, 128, 1), (20, 512, 256, 1),  # SPPF
             (40, 64, 64, 3), (20, 128, 128, 3)]  # neck downsampling
    for size, c_in in [(80, 64), (40, 128), (20, 256)]:  # detect: box branch (4 x 16 bins), class branch
        convs += [(size, c_in, 64, 3), (size, 64, 64, 3), (size, 64, 64, 1),
                  (size, c_in, 80, 3), (size, 80, 80, 3), (size, 80, 80, 1)]
    acts = sum(size * size * c_out for size, _, c_out, _ in convs)
    macs = sum(size * size * c_out * c_in * k * k for size, c_in, c_out, k in convs)
    for size, c_in, c_out, n in [(160, 32, 32, 1), (80, 64, 64, 2), (40, 128, 128, 2), (20, 256, 256, 1),
                                 (40, 384, 128, 1), (80, 192, 64, 1), (40, 192, 128, 1), (20, 384, 256, 1)]:
        a, m = _c2f(size, c_in, c_out, n)
        acts, macs = acts + a, macs + m
    acts += 3 * 20 * 20 * 128 + 40 * 40 * 256 + 80 * 80 * 128  # SPPF max-pools, two nearest upsamplings
    anchors = 80 * 80 + 40 * 40 + 20 * 20
    acts += 4 * anchors + 84 * anchors  # DFL expectation, then box decode and class sigmoid
    macs += 4 * 16 * anchors
    return acts, macs


def mobilenet_v1_vww():
    """(activation elements, MACs) of the MLPerf Tiny visual-wake-words MobileNetV1 0.25 at 96x96, 2 classes."""
    acts, macs = 48 * 48 * 8, 48 * 48 * 8 * 27
    size, c = 48, 8
    for stride, c_out in [(1, 16), (2, 32), (1, 32), (2, 64), (1, 64), (2, 128)] + [(1, 128)] * 5 + [(2, 256), (1, 256)]:
        size //= stride
        acts += size * size * (c + c_out)
        macs += size * size * c * 9 + size * size * c * c_out
        c = c_out
    return acts + 256 + 2, macs + 256 * 2


def resnet8_cifar():
    """(activation elements, MACs) of the MLPerf Tiny ResNet-8 at 32x32 (16, 32, 64 filters, 10 classes)."""
    acts, macs = 3 * 32 * 32 * 16, 32 * 32 * 16 * (27 + 2 * 144)
    for size, c_in, width in [(16, 16, 32), (8, 32, 64)]:
        acts += 3 * size * size * width
        macs += size * size * width * (9 * c_in + 9 * width + c_in)
    return acts + 64 + 10, macs + 64 * 10


def ad_autoencoder():
    """(activation elements, MACs) of the MLPerf Tiny anomaly-detection autoencoder (640 -> 128 x4 -> 8 -> 128 x4 -> 640)."""
    widths = [640, 128, 128, 128, 128, 8, 128, 128, 128, 128, 640]
    return sum(widths[1:]), sum(a * b for a, b in zip(widths[:-1], widths[1:], strict=True))
