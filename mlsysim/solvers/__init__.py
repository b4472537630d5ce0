"""Solvers: each module answers one question and returns a frozen result."""

from .batching import BatchingOptimizer, BatchingResult
from .compression import CompressionModel, CompressionResult
from .data import DataModel, DataResult
from .deployment import Deployment, DeploymentPlan, DeploymentSearch
from .disaggregated import DisaggregatedCost, disaggregated_cost
from .distributed import DistributedModel, DistributedResult
from .economics import EconomicsModel, EconomicsResult
from .explain import ExplanationResult, explain
from .forward import ForwardModel, ForwardResult
from .network_roofline import NetworkRooflineModel, NetworkRooflineResult
from .parallelism import ParallelismOptimizer, ParallelismResult
from .pipeline import Pipeline, PipelineResult
from .placement import PlacementOptimizer, PlacementResult
from .reliability import (
    ReliabilityModel,
    ReliabilityResult,
    checkpoint_bytes,
    component_counts,
    node_failure_rate,
    node_failures_by_part,
)
from .request import RequestCost, SpeculativeDecoding, generation_throughput, request_cost
from .roofline import Engine, SingleNodeModel, SingleNodeResult
from .scaling import ScalingModel, ScalingResult
from .sensitivity import SensitivityResult, SensitivitySolver
from .serving import ServingModel, ServingResult
from .sustainability import SustainabilityModel, SustainabilityResult, node_embodied_kg
from .synthesis import SynthesisResult, SynthesisSolver
from .tail_latency import TailLatencyModel, TailLatencyResult

__all__ = [
    "BatchingOptimizer", "BatchingResult", "ExplanationResult", "ForwardModel", "ForwardResult",
    "NetworkRooflineModel", "NetworkRooflineResult", "Pipeline", "PipelineResult", "PlacementOptimizer",
    "PlacementResult", "TailLatencyModel", "TailLatencyResult", "explain",
    "CompressionModel", "CompressionResult", "DataModel", "DataResult", "DistributedModel", "DistributedResult",
    "EconomicsModel", "EconomicsResult", "Engine", "ParallelismOptimizer", "ParallelismResult", "ReliabilityModel",
    "ReliabilityResult", "ScalingModel", "ScalingResult", "SensitivityResult", "SensitivitySolver", "ServingModel",
    "ServingResult", "SingleNodeModel", "SingleNodeResult", "SustainabilityModel", "SustainabilityResult",
    "SynthesisResult", "SynthesisSolver", "generation_throughput", "RequestCost", "SpeculativeDecoding", "request_cost",
    "Deployment", "DeploymentPlan", "DeploymentSearch", "checkpoint_bytes", "component_counts", "node_failure_rate",
    "node_failures_by_part",
    "node_embodied_kg", "DisaggregatedCost", "disaggregated_cost",
]
