"""Workload specs (`.types`) and the model zoo (`.registry`)."""

from .registry import Models
from .types import CNNWorkload, EncoderWorkload, TransformerWorkload, Workload

__all__ = ["CNNWorkload", "EncoderWorkload", "Models", "TransformerWorkload", "Workload"]
