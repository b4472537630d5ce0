"""Compute-optimal training [@hoffmann2022chinchilla]: C ≈ 6·N·D with D ≈ 20·N."""

from __future__ import annotations

CHINCHILLA_TOKENS_PER_PARAM = 20.0
TRAINING_FLOPS_PER_PARAM_TOKEN = 6.0


def training_compute(parameters, tokens):
    """Training compute C = 6 · N · D [@hoffmann2022chinchilla].

    Args:
        parameters (Quantity | float): model parameters (N).
        tokens (Quantity | float): training tokens (D).

    Returns:
        (Quantity | float): FLOPs.

    Example:
        >>> from mlsysim.formulas import training_compute
        >>> training_compute(70e9, 1.4e12)  # Chinchilla: 70B parameters, 1.4T tokens
        5.88e+23
    """
    return TRAINING_FLOPS_PER_PARAM_TOKEN * parameters * tokens


def chinchilla_parameters(compute):
    """The compute-optimal model size for a budget C: N* = √(C / (6 · 20)) [@hoffmann2022chinchilla].

    Args:
        compute (Quantity | float): training FLOPs (C).

    Returns:
        (Quantity | float): parameters.

    Example:
        >>> from mlsysim.formulas import chinchilla_parameters
        >>> round(chinchilla_parameters(5.88e23) / 1e9)  # billions of parameters
        70
    """
    return (compute / (TRAINING_FLOPS_PER_PARAM_TOKEN * CHINCHILLA_TOKENS_PER_PARAM)) ** 0.5


def chinchilla_tokens(parameters):
    """The compute-optimal number of training tokens: D* = 20 · N [@hoffmann2022chinchilla].

    Args:
        parameters (Quantity | float): model parameters (N).

    Returns:
        (Quantity | float): tokens.

    Example:
        >>> from mlsysim.formulas import chinchilla_tokens
        >>> chinchilla_tokens(70e9) / 1e12  # trillions of tokens
        1.4
    """
    return CHINCHILLA_TOKENS_PER_PARAM * parameters
