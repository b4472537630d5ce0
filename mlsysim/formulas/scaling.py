"""Compute-optimal training [@hoffmann2022chinchilla]: C ≈ 6·N·D with D ≈ 20·N."""

from __future__ import annotations

CHINCHILLA_TOKENS_PER_PARAM = 20.0
TRAINING_FLOPS_PER_PARAM_TOKEN = 6.0


def training_compute(parameters, tokens):
    """C = 6 · N · D (FLOPs)."""
    return TRAINING_FLOPS_PER_PARAM_TOKEN * parameters * tokens


def chinchilla_parameters(compute):
    """N* = √(C / (6 · 20)): the compute-optimal model size for a budget C."""
    return (compute / (TRAINING_FLOPS_PER_PARAM_TOKEN * CHINCHILLA_TOKENS_PER_PARAM)) ** 0.5


def chinchilla_tokens(parameters):
    """D* = 20 · N."""
    return CHINCHILLA_TOKENS_PER_PARAM * parameters
