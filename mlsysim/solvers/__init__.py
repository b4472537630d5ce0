"""Solvers: each module answers one question and returns a frozen result."""

from .compression import CompressionModel, CompressionResult
from .roofline import Engine, SingleNodeModel, SingleNodeResult
from .serving import ServingModel, ServingResult

__all__ = [
    "CompressionModel",
    "CompressionResult",
    "Engine",
    "ServingModel",
    "ServingResult",
    "SingleNodeModel",
    "SingleNodeResult",
]
