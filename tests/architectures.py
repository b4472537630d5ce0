"""Layer tables of the registry's CNNs, to recompute their activation and MAC counts.

Shapes from He et al. (2016) Table 1 (torchvision v1.5 strides), Sandler et
al. (2018) Table 2, and the MLPerf Tiny keyword-spotting DS-CNN.
"""


def resnet50():
    """(activation elements, MACs) of ResNet-50 v1.5 at 224x224, conv outputs counted once."""
    acts = 112 * 112 * 64 + 56 * 56 * 64  # stem conv, max-pool
    macs = 112 * 112 * 64 * 3 * 49
    size, c_in = 56, 64
    for width, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
        for i in range(blocks):
            s = stride if i == 0 else 1
            out = size // s
            acts += size * size * width + out * out * width + out * out * 4 * width
            macs += size * size * c_in * width + out * out * width * width * 9 + out * out * width * 4 * width
            if i == 0:
                acts += out * out * 4 * width
                macs += out * out * c_in * 4 * width
            size, c_in = out, 4 * width
    acts += 2048 + 1000
    macs += 2048 * 1000
    return acts, macs


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
