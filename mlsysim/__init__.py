"""MLSys·im: first-principles models of machine-learning systems.

>>> from mlsysim import Engine, Hardware, Models
>>> Engine.solve(Models.ResNet50, Hardware.A100, batch_size=1, precision="fp16").bottleneck
'Memory'
"""

from . import formulas, show
from .core.errors import InvalidArgumentError, MLSysimError, SpecError, UnknownNameError
from .core.units import Q_, ureg
from .hardware import ComputeCore, Hardware, HardwareNode, MemoryHierarchy, PrecisionFallbackWarning
from .models import CNNWorkload, Models, TransformerWorkload, Workload
from .solvers import (
    CompressionModel,
    CompressionResult,
    Engine,
    ServingModel,
    ServingResult,
    SingleNodeModel,
    SingleNodeResult,
)

__version__ = "0.1.0"

__all__ = [
    "CNNWorkload",
    "CompressionModel",
    "CompressionResult",
    "ComputeCore",
    "Engine",
    "Hardware",
    "HardwareNode",
    "InvalidArgumentError",
    "MLSysimError",
    "MemoryHierarchy",
    "Models",
    "PrecisionFallbackWarning",
    "Q_",
    "ServingModel",
    "ServingResult",
    "SingleNodeModel",
    "SingleNodeResult",
    "SpecError",
    "TransformerWorkload",
    "UnknownNameError",
    "Workload",
    "__version__",
    "formulas",
    "show",
    "ureg",
]
