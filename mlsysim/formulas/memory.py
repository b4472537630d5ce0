"""Bytes of model state: weights, quantized weights, and training state."""

from __future__ import annotations

# Bytes per parameter of optimizer state kept in fp32 [@rajbhandari2020zero]:
# Adam keeps a master copy, momentum and variance (3 × 4 B); SGD with
# momentum keeps a master copy and momentum (2 × 4 B).
OPTIMIZER_STATE_BYTES: dict[str, float] = {"adam": 12.0, "sgd": 8.0}


def weight_bytes(parameters, bytes_per_param):
    """Weight bytes = parameters × bytes per parameter.

    Args:
        parameters (Quantity | float): parameter count.
        bytes_per_param (Quantity | float): bytes of one stored weight (2 for bf16; see
            `quantized_bits_per_weight` for group-quantized formats, divided by 8).

    Returns:
        (Quantity | float): bytes.

    Example:
        >>> from mlsysim.formulas import weight_bytes
        >>> weight_bytes(8e9, 2) / 1e9  # GB: an 8B model in bf16
        16.0
    """
    return parameters * bytes_per_param


def quantized_bits_per_weight(bits, group_size, scale_bits=16):
    """Effective bits per weight with one `scale_bits` scale per group of `group_size` weights:
    bits + scale_bits / group_size.

    Group-wise quantization (GPTQ, AWQ) stores a 16-bit scale per group of
    128 weights: 4-bit weights then cost 4 + 16/128 = 4.125 bits.

    Args:
        bits (float): bits of one quantized weight.
        group_size (int): weights sharing one scale.
        scale_bits (float): bits of one scale.

    Returns:
        (float): bits per weight.

    Example:
        >>> from mlsysim.formulas import quantized_bits_per_weight
        >>> quantized_bits_per_weight(4, 128)
        4.125
    """
    return bits + scale_bits / group_size


def training_state_bytes_per_param(bytes_per_value, optimizer="adam"):
    """Bytes of training state per parameter: weights + gradients at the training precision + fp32
    optimizer state.

    Mixed-precision Adam: 2 + 2 + 12 = 16 bytes per parameter [@rajbhandari2020zero].
    Training in fp32 needs no separate master copy: 4 + 4 + 8 = 16 bytes.

    Args:
        bytes_per_value (float): bytes of one weight or gradient (2 for bf16, 4 for fp32).
        optimizer (str): "adam" (12 bytes of fp32 state) or "sgd" (8 bytes: master copy and momentum).

    Returns:
        (float): bytes per parameter.

    Example:
        >>> from mlsysim.formulas import training_state_bytes_per_param
        >>> training_state_bytes_per_param(2), training_state_bytes_per_param(4, "sgd")
        (16.0, 12.0)
    """
    master_copy = 4.0 if bytes_per_value < 4 else 0.0
    return 2 * bytes_per_value + OPTIMIZER_STATE_BYTES[optimizer] - 4.0 + master_copy


def checkpoint_bytes_per_param(bytes_per_value, optimizer="adam"):
    """Bytes per parameter a training checkpoint saves: the training state less the gradients
    (recomputed after a restart), so weights + fp32 optimizer state.

    Mixed-precision Adam: 2 + 12 = 14 bytes per parameter; BLOOM-176B's checkpoints with "fp32 optim
    states and bf16+fp32 weights" are 2.3 TB [@bigscience2022tr11], 176 B × 14 B = 2.46 TB (2.24 TiB).

    Args:
        bytes_per_value (float): bytes of one weight at the training precision.
        optimizer (str): "adam" or "sgd".

    Returns:
        (float): bytes per parameter.

    Example:
        >>> from mlsysim.formulas import checkpoint_bytes_per_param
        >>> checkpoint_bytes_per_param(2.0)
        14.0
    """
    return training_state_bytes_per_param(bytes_per_value, optimizer) - bytes_per_value


def training_traffic_bytes_per_param(bytes_per_value, optimizer="adam"):
    """Memory traffic per parameter in one training step: 5·b + 2 × optimizer state.

    Weights read in the forward and the backward pass (2·b), gradients
    written and read back by the optimizer (2·b), updated weights written
    (b), and the fp32 optimizer state read and written once (2 × state) [@rajbhandari2020zero].

    Args:
        bytes_per_value (float): bytes of one weight or gradient (b).
        optimizer (str): "adam" or "sgd".

    Returns:
        (float): bytes moved per parameter per step.

    Example:
        >>> from mlsysim.formulas import training_traffic_bytes_per_param
        >>> training_traffic_bytes_per_param(2)  # bf16 with Adam: 10 + 2 × 12
        34.0
    """
    state = training_state_bytes_per_param(bytes_per_value, optimizer) - 2 * bytes_per_value
    return 5 * bytes_per_value + 2 * state
