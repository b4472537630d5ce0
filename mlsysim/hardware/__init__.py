"""Accelerator specs (`.types`) and the hardware zoo (`.registry`)."""

from .registry import Hardware
from .types import ComputeCore, HardwareNode, MemoryHierarchy, PrecisionFallbackWarning

__all__ = ["ComputeCore", "Hardware", "HardwareNode", "MemoryHierarchy", "PrecisionFallbackWarning"]
