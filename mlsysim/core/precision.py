"""Numeric precisions: storage bytes per value and execution fallbacks.

A precision names how a value is *stored* (bytes per element) and, where
the hardware supports it, how it is *computed*.  When a device has no
native math for a precision, the computation falls back along
``COMPUTE_FALLBACK`` to the next precision it does run natively; the
values keep their storage size (e.g. INT4 weights are dequantized to FP16
inside the kernel, as in weight-only quantization [@lin2024awq]).
"""

from __future__ import annotations

from .errors import UnknownNameError

BYTES_PER_VALUE: dict[str, float] = {
    "fp64": 8.0,
    "fp32": 4.0,
    "tf32": 4.0,  # stored as fp32; only the tensor-core math is reduced
    "bf16": 2.0,
    "fp16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "int4": 0.5,
    "fp4": 0.5,
}

BITS_PER_VALUE: dict[str, float] = {p: 8.0 * b for p, b in BYTES_PER_VALUE.items()}

# Where the math goes when a device lacks native support for a precision.
# ``None`` means: fall back to the device's generic ``peak_flops``.
COMPUTE_FALLBACK: dict[str, str | None] = {
    "fp4": "fp8",
    "fp8": "fp16",
    "int4": "fp16",  # weight-only quantization: dequantize, multiply in fp16
    "int8": "fp16",
    "bf16": "fp16",
    "fp16": "fp32",
    "tf32": "fp32",
    "fp32": None,
    "fp64": None,
}

PRECISIONS: tuple[str, ...] = tuple(BYTES_PER_VALUE)


def check_precision(precision: object, argument: str = "precision") -> str:
    """Return ``precision`` normalized to lower case, or raise with the allowed names."""
    if isinstance(precision, str):
        key = precision.strip().lower()
        if key in BYTES_PER_VALUE:
            return key
    raise UnknownNameError(f"{argument}", str(precision), PRECISIONS)


def bytes_per_value(precision: str) -> float:
    """Storage bytes of one value at ``precision`` (e.g. 2.0 for fp16)."""
    return BYTES_PER_VALUE[check_precision(precision)]


def default_kv_precision(weight_precision: str) -> str:
    """Precision of the KV cache when only the weights' precision is given.

    Sub-8-bit quantization is weight-only in practice (the cache stays
    16-bit); at 8 bits and above the cache uses the weights' precision.
    """
    return "fp16" if BYTES_PER_VALUE[weight_precision] < 1 else weight_precision
