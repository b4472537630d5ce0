"""The vision and tiny-ML models of the zoo: CNNs priced layer by layer, each citing its source.

Activation counts are derived from the layer tables in :mod:`mlsysim.models.cnn_layers`
(the tests recompute them); everything else is as published.
"""

from __future__ import annotations

from ..core.units import Q_
from .types import CNNWorkload

ResNet50 = CNNWorkload(
    name="ResNet-50 (v1.5, 224x224)", parameters=Q_(25.557, "Mparam"),
    flops_per_inference=Q_(2 * 4.09, "GFLOP"),  # 4.09 G multiply-accumulates
    activation_elements=11_317_736, input_shape=(3, 224, 224), architecture="resnet50",
    source="he2016resnet",
)
MobileNetV2 = CNNWorkload(
    name="MobileNetV2 (1.0, 224x224)", parameters=Q_(3.505, "Mparam"),
    flops_per_inference=Q_(2 * 300.8, "MFLOP"),  # 300.8 M multiply-accumulates
    activation_elements=6_680_392, input_shape=(3, 224, 224), architecture="mobilenet_v2",
    source="sandler2018mobilenetv2",
)
DS_CNN = CNNWorkload(
    name="DS-CNN (MLPerf Tiny keyword spotting)", parameters=Q_(23_756, "param"),
    flops_per_inference=Q_(2 * 2.657, "MFLOP"),  # 2.657 M multiply-accumulates
    activation_elements=72_076, input_shape=(49, 10, 1), architecture="ds_cnn",
    source="banbury2021mlperftiny",
)

VISION_MODELS: dict[str, CNNWorkload] = {"ResNet50": ResNet50, "MobileNetV2": MobileNetV2}
"""The vision catalog's entries by their Python names (``Models.Vision``)."""
TINY_MODELS: dict[str, CNNWorkload] = {"DS_CNN": DS_CNN}
"""The tiny-ML catalog's entries by their Python names (``Models.Tiny``)."""
