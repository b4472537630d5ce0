"""Pipeline parallelism [@huang2019gpipe; @narayanan2021megatron]."""

from __future__ import annotations


def pipeline_bubble_fraction(stages, microbatches):
    """Idle fraction of a synchronous pipeline step: (p − 1) / (m + p − 1)."""
    return (stages - 1) / (microbatches + stages - 1)
