"""MLSys·im: first-principles models of machine-learning systems.

>>> from mlsysim import Engine, Hardware, Models
>>> Engine.solve(Models.ResNet50, Hardware.A100, batch_size=1, precision="fp16").bottleneck
'Memory'
"""

from . import cli, formulas, show, sweep, validation, zoo
from .core.assumptions import Assumptions, EfficiencyCurve
from .core.catalog import Catalog
from .core.errors import InvalidArgumentError, MLSysimError, SpecError, UnknownNameError
from .core.precision import Precisions
from .core.units import Q_, ureg
from .cost import StepBreakdown
from .hardware import ComputeCore, Hardware, HardwareNode, MemoryHierarchy, PrecisionFallbackWarning
from .infra import Datacenter, Facility, GridProfile, Infra
from .models import CNNWorkload, EncoderWorkload, Models, TransformerWorkload, Workload
from .solvers import (
    BatchingOptimizer,
    BatchingResult,
    CompressionModel,
    CompressionResult,
    DataModel,
    DataResult,
    Deployment,
    DeploymentPlan,
    DeploymentSearch,
    DisaggregatedCost,
    DistributedModel,
    DistributedResult,
    EconomicsModel,
    EconomicsResult,
    Engine,
    ExplanationResult,
    ForwardModel,
    ForwardResult,
    NetworkRooflineModel,
    NetworkRooflineResult,
    ParallelismOptimizer,
    ParallelismResult,
    Pipeline,
    PipelineResult,
    PlacementOptimizer,
    PlacementResult,
    ReliabilityModel,
    ReliabilityResult,
    RequestCost,
    ScalingModel,
    ScalingResult,
    SensitivityResult,
    SensitivitySolver,
    ServingModel,
    ServingResult,
    SingleNodeModel,
    SingleNodeResult,
    SpeculativeDecoding,
    SustainabilityModel,
    SustainabilityResult,
    SynthesisResult,
    SynthesisSolver,
    TailLatencyModel,
    TailLatencyResult,
    disaggregated_cost,
    explain,
    generation_throughput,
    request_cost,
)
from .systems import Fleet, NetworkFabric, Node, Systems

__version__ = "0.1.0"

__all__ = [
    "Assumptions",
    "EfficiencyCurve",
    "Precisions",
    "StepBreakdown",
    "BatchingOptimizer", "BatchingResult", "ExplanationResult", "ForwardModel", "ForwardResult",
    "NetworkRooflineModel", "NetworkRooflineResult", "Pipeline", "PipelineResult", "PlacementOptimizer",
    "PlacementResult", "TailLatencyModel", "TailLatencyResult", "explain", "sweep",
    "CNNWorkload", "EncoderWorkload", "Catalog", "CompressionModel", "CompressionResult", "ComputeCore", "DataModel", "DataResult", "Datacenter",
    "DistributedModel", "DistributedResult", "EconomicsModel", "EconomicsResult", "Engine", "Facility", "Fleet", "GridProfile",
    "Hardware", "HardwareNode", "Infra", "InvalidArgumentError", "MLSysimError", "MemoryHierarchy", "Models",
    "NetworkFabric", "Node", "ParallelismOptimizer", "ParallelismResult", "PrecisionFallbackWarning", "Q_",
    "ReliabilityModel", "ReliabilityResult", "ScalingModel", "ScalingResult", "SensitivityResult",
    "SensitivitySolver", "ServingModel", "ServingResult", "SingleNodeModel", "SingleNodeResult", "SpecError",
    "SustainabilityModel", "SustainabilityResult", "SynthesisResult", "SynthesisSolver", "Systems",
    "TransformerWorkload", "UnknownNameError", "Workload", "__version__", "cli", "formulas", "generation_throughput", "RequestCost", "SpeculativeDecoding", "request_cost", "DisaggregatedCost", "disaggregated_cost", "Deployment", "DeploymentPlan", "DeploymentSearch", "show", "ureg", "validation", "zoo",
]
