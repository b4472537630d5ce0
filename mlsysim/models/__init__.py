"""Workload specs (`.types`) and the model zoo (`.registry`)."""

from .registry import Models
from .types import CNNWorkload, TransformerWorkload, Workload

__all__ = ["CNNWorkload", "Models", "TransformerWorkload", "Workload"]
