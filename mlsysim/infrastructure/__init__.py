"""Compatibility path used by the tutorial slides: `mlsysim.infrastructure.registry`."""
