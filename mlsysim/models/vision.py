"""The vision and tiny-ML models of the zoo: CNNs priced layer by layer, each citing its source.

Activation counts are derived from the layer tables in `mlsysim.models.cnn_layers`
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

ResNet18 = CNNWorkload(
    name="ResNet-18 (224x224)", parameters=Q_(11_689_512, "param"),
    flops_per_inference=Q_(2 * 1.81, "GFLOP"),  # 1.81 G multiply-accumulates
    activation_elements=2_685_928, input_shape=(3, 224, 224), architecture="resnet18",
    source="torchvision2024models", notes="Layer shapes: He et al. (2016) Table 1 [@he2016resnet].",
)
ResNet152 = CNNWorkload(
    name="ResNet-152 (v1.5, 224x224)", parameters=Q_(60_192_808, "param"),
    flops_per_inference=Q_(2 * 11.51, "GFLOP"),  # 11.51 G multiply-accumulates
    activation_elements=22_757_864, input_shape=(3, 224, 224), architecture="resnet152",
    source="torchvision2024models",
    notes="Layer shapes: He et al. (2016) Table 1 [@he2016resnet], stride on the 3x3 convolution (v1.5).",
)
MobileNetV3_Large = CNNWorkload(
    name="MobileNetV3-Large (1.0, 224x224)", parameters=Q_(5_483_032, "param"),
    flops_per_inference=Q_(2 * 217, "MFLOP"),  # 217 M multiply-accumulates
    activation_elements=5_009_592, input_shape=(3, 224, 224), architecture="mobilenet_v3_large",
    source="howard2019mobilenetv3",
    notes="Layer shapes: Howard et al. (2019) Table 1. Multiply-accumulates from the authors' released "
          "checkpoints [@tfslim2019mobilenetv3]; parameters as torchvision counts them [@torchvision2024models].",
)
EfficientNet_B0 = CNNWorkload(
    name="EfficientNet-B0 (224x224)", parameters=Q_(5_288_548, "param"),
    flops_per_inference=Q_(2 * 0.39, "GFLOP"),  # 0.39 G multiply-accumulates
    activation_elements=9_064_804, input_shape=(3, 224, 224), architecture="efficientnet_b0",
    source="tan2019efficientnet",
    notes="Layer shapes: Tan & Le (2019) Table 1. Parameters and multiply-accumulates as torchvision "
          "lists them [@torchvision2024models].",
)
YOLOv8n = CNNWorkload(
    name="YOLOv8n (640x640, COCO detection)", parameters=Q_(3_157_200, "param"),
    flops_per_inference=Q_(8.7, "GFLOP"),  # Ultralytics quotes FLOPs: 2 per multiply-accumulate
    activation_elements=17_219_200, input_shape=(3, 640, 640), architecture="yolov8n",
    source="jocher2023yolov8",
    notes="8.7 GFLOPs at 640x640 as the Ultralytics model table lists them (batch norm folded); "
          "3,157,200 parameters as the yolov8.yaml model summary counts them (batch norm unfolded).",
)

MobileNetV1_VWW = CNNWorkload(
    name="MobileNetV1 0.25 (MLPerf Tiny visual wake words, 96x96)", parameters=Q_(221_794, "param"),
    flops_per_inference=Q_(2 * 7.490, "MFLOP"),  # 7.490 M multiply-accumulates
    activation_elements=231_810, input_shape=(3, 96, 96), architecture="mobilenet_v1_vww",
    source="siliconlabs2022mltk",
    notes="Reference model of MLPerf Tiny [@banbury2021mlperftiny]; parameters as NXP's eIQ model zoo lists "
          "them [@nxp2024eiqtiny].",
)
ResNet8 = CNNWorkload(
    name="ResNet-8 (MLPerf Tiny CIFAR-10, 32x32)", parameters=Q_(78_666, "param"),
    flops_per_inference=Q_(2 * 12.502, "MFLOP"),  # 12.502 M multiply-accumulates
    activation_elements=86_090, input_shape=(3, 32, 32), architecture="resnet8_cifar",
    source="siliconlabs2022mltk",
    notes="Reference model of MLPerf Tiny [@banbury2021mlperftiny]; parameters as NXP's eIQ model zoo lists "
          "them [@nxp2024eiqtiny].",
)
AD_Autoencoder = CNNWorkload(
    name="FC autoencoder (MLPerf Tiny anomaly detection, 640 log-mel inputs)", parameters=Q_(267_928, "param"),
    flops_per_inference=Q_(2 * 264.192, "kFLOP"),  # 264,192 multiply-accumulates
    activation_elements=1_672, input_shape=(640,), architecture="ad_autoencoder",
    source="siliconlabs2022mltk",
    notes="Reference model of MLPerf Tiny [@banbury2021mlperftiny]; parameters as NXP's eIQ model zoo lists "
          "them [@nxp2024eiqtiny].",
)

VISION_MODELS: dict[str, CNNWorkload] = {
    "ResNet50": ResNet50, "MobileNetV2": MobileNetV2, "ResNet18": ResNet18, "ResNet152": ResNet152,
    "MobileNetV3_Large": MobileNetV3_Large, "EfficientNet_B0": EfficientNet_B0, "YOLOv8n": YOLOv8n,
}
"""The vision catalog's entries by their Python names (`Models.Vision`)."""
TINY_MODELS: dict[str, CNNWorkload] = {
    "DS_CNN": DS_CNN, "MobileNetV1_VWW": MobileNetV1_VWW, "ResNet8": ResNet8, "AD_Autoencoder": AD_Autoencoder,
}
"""The tiny-ML catalog's entries by their Python names (`Models.Tiny`)."""
