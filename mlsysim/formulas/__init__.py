"""Pure formulas the solvers compose, one module per family.

Each function is plain arithmetic, so it accepts pint Quantities (the tests
call it that way, and a wrong unit raises ``DimensionalityError``) or floats
in SI units (the solvers call it that way, for speed).  Docstrings name the
equation and its source.
"""

from .memory import (
    OPTIMIZER_STATE_BYTES,
    quantized_bits_per_weight,
    training_state_bytes_per_param,
    training_traffic_bytes_per_param,
    weight_bytes,
)
from .roofline import arithmetic_intensity, compute_time, energy, memory_time, ridge_point, roofline_latency
from .transformer import (
    activation_bytes_per_token,
    decode_flops_per_token,
    kv_cache_bytes,
    kv_cache_bytes_per_token,
    prefill_flops_per_token,
    training_flops_per_token,
)

__all__ = [
    "OPTIMIZER_STATE_BYTES",
    "activation_bytes_per_token",
    "arithmetic_intensity",
    "compute_time",
    "decode_flops_per_token",
    "energy",
    "kv_cache_bytes",
    "kv_cache_bytes_per_token",
    "memory_time",
    "prefill_flops_per_token",
    "quantized_bits_per_weight",
    "ridge_point",
    "roofline_latency",
    "training_flops_per_token",
    "training_state_bytes_per_param",
    "training_traffic_bytes_per_param",
    "weight_bytes",
]
