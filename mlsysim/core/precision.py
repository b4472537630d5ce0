"""Numeric precisions: storage bytes per value and execution fallbacks.

A precision names how a value is *stored* (bytes per element) and, where
the hardware supports it, how it is *computed*.  When a device has no
native math for a precision, the computation falls back along
`COMPUTE_FALLBACK` to the next precision it does run natively; the
values keep their storage size (e.g. INT4 weights are dequantized to FP16
inside the kernel, as in weight-only quantization [@lin2024awq]).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..formulas.memory import quantized_bits_per_weight
from .errors import InvalidArgumentError, UnknownNameError

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
    """Return `precision` normalized to lower case, or raise with the allowed names."""
    if isinstance(precision, str):
        key = precision.strip().lower()
        if key in BYTES_PER_VALUE:
            return key
    raise UnknownNameError(f"{argument}", str(precision), PRECISIONS)


def bytes_per_value(precision: str) -> float:
    """Storage bytes of one value at `precision` (e.g. 2.0 for fp16)."""
    return BYTES_PER_VALUE[check_precision(precision)]



QUANT_SCALE_BITS = 16
"""Bits of the scale stored with each group of sub-8-bit weights (an fp16 scale) [@frantar2023gptq; @lin2024awq]."""

QUANT_GROUP_SIZE = 128
"""Weights sharing one scale in group-wise quantization, GPTQ's and AWQ's default [@frantar2023gptq; @lin2024awq]."""


def quantized_bits(bits: float, group_size: int = QUANT_GROUP_SIZE) -> float:
    """Bits one `bits`-bit weight costs in memory: below 8 bits, one 16-bit scale per `group_size` weights."""
    return quantized_bits_per_weight(bits, group_size, QUANT_SCALE_BITS) if bits < 8 else float(bits)


def stored_bits_per_weight(precision: str, group_size: int = QUANT_GROUP_SIZE) -> float:
    """Bits one weight costs in memory at `precision`, group scales included.

    Sub-8-bit formats (int4, fp4) store one 16-bit scale per `group_size`
    weights: 4 + 16/128 = 4.125 bits.  Wider formats store no scale.  This is
    the one definition of a quantized weight's size; every solver uses it.

    Example:
        >>> from mlsysim.core.precision import stored_bits_per_weight
        >>> stored_bits_per_weight("int4"), stored_bits_per_weight("fp16")
        (4.125, 16.0)
    """
    return quantized_bits(BITS_PER_VALUE[check_precision(precision)], group_size)


@dataclass(frozen=True)
class Precisions:
    """The precision of each role a value plays in a step.

    `weights` are stored (with group scales below 8 bits), `math` is what
    the matrix units are asked to run for the weight GEMMs (the device may fall back),
    `attention` is what attention's two matrix products (scores and values) run at, and
    `kv_cache`, `activations`, `gradients`, `master_weights`, `optimizer_state` and
    `communication` (the payload of collectives) each have their own.  Left out,
    `attention` is `math` when that is 16 bits or wider, else the activations' precision.

    A precision name ("fp16", "int4", …) is a shorthand, expanded by `from_shorthand` with
    the defaults of practice:

    * inference at 16 bits and above, and int8 (integer inference, every tensor
      quantized, as TensorFlow Lite and TensorRT run CNNs): every role at that precision;
    * fp8 inference: weights, weight-GEMM math and KV cache in fp8; activations,
      attention and collectives in fp16.  TensorRT-LLM builds its FP8 engines with
      float16 activations and attention and an FP8 KV cache (`--dtype float16
      --use_gpt_attention_plugin float16 --enable_fp8 --fp8_kv_cache`; FP8 attention
      is a later opt-in) [@nvidia2023trtllmperf061], and vLLM's FP8 quantizes the
      linear layers' weights and inputs only [@vllm2024fp8];
    * weight-only sub-8-bit inference (int4, fp4): weights quantized, math,
      activations, attention and KV cache in fp16 (the device runs fp4 GEMMs natively if it can);
    * mixed-precision training (bf16/fp16): weights, activations and collectives
      at that precision, fp32 gradients, master weights and optimizer state
      (Megatron's distributed optimizer: 6 + 12/d bytes per parameter);
    * fp8 training: only the weight-GEMM math is fp8 (Transformer Engine's linear
      layers); the rest, attention included, as bf16 training
      (Transformer Engine's FP8 attention is an opt-in) [@nvidia2024transformerengine].

    Attributes:
        weights: the weights' storage precision.
        math: the precision the matrix units are asked to run for the weight GEMMs.
        activations: the activations' precision.
        kv_cache: the KV cache's precision.
        gradients: the gradients' precision.
        master_weights: the optimizer's copy of the weights.
        optimizer_state: the optimizer's moments.
        communication: the payload of collectives.
        group_size: weights sharing one 16-bit scale below 8 bits.
        attention: the precision attention's matrix products run at.

    Example:
        >>> from mlsysim import Precisions
        >>> p = Precisions.from_shorthand("int4")
        >>> p.weights, p.math, p.kv_cache, p.weight_bits
        ('int4', 'int4', 'fp16', 4.125)
        >>> Precisions.from_shorthand("fp8", training=True).gradients
        'fp32'
        >>> f = Precisions.from_shorthand("fp8")
        >>> f.math, f.attention, f.kv_cache, f.communication
        ('fp8', 'fp16', 'fp8', 'fp16')
    """

    weights: str
    math: str
    activations: str
    kv_cache: str
    gradients: str = "fp32"
    master_weights: str = "fp32"
    optimizer_state: str = "fp32"
    communication: str = "bf16"
    group_size: int = QUANT_GROUP_SIZE
    attention: str = ""

    def __post_init__(self) -> None:
        for role in ("weights", "math", "activations", "kv_cache", "gradients", "master_weights", "optimizer_state",
                     "communication"):
            object.__setattr__(self, role, check_precision(getattr(self, role), role))
        if self.attention == "":  # not told: the weight GEMMs' math, unless that is narrower than 16 bits
            wide = BYTES_PER_VALUE[self.math] >= 2
            object.__setattr__(self, "attention", self.math if wide else self.activations)
        else:
            object.__setattr__(self, "attention", check_precision(self.attention, "attention"))
        if isinstance(self.group_size, bool) or not isinstance(self.group_size, int) or self.group_size < 1:
            raise InvalidArgumentError("group_size", self.group_size, "a positive whole number, e.g. 128")

    @classmethod
    def from_shorthand(cls, precision: str | Precisions, *, training: bool = False,
                       kv_precision: str | None = None) -> Precisions:
        """Expand a precision name into a precision per role (a `Precisions` passes through).

        Args:
            precision: a precision name ("fp32", "bf16", "fp16", "fp8", "int8", "int4", "fp4", …) or a
                `Precisions`.
            training: whether the step is training (fp32 gradients, master weights and optimizer state).
            kv_precision: the KV cache's precision; default the inference rules above.

        Returns:
            The precision of every role.

        Raises:
            UnknownNameError: an unknown precision name.
        """
        if isinstance(precision, Precisions):
            return precision
        if not isinstance(precision, str) or not isinstance(kv_precision, (str, type(None))):
            check_precision(precision)  # not a name: the package's error, before hashing it
            check_precision(kv_precision, "kv_precision")
        return _expanded(precision, bool(training), kv_precision)

    @classmethod
    def _expand(cls, precision: str, training: bool, kv_precision: str | None) -> Precisions:
        p = check_precision(precision)
        if training:
            if p in ("fp32", "tf32", "fp64"):
                return cls(p, p, p, p, gradients=p, master_weights=p, optimizer_state=p, communication=p)
            carrier = "bf16" if BYTES_PER_VALUE[p] < 2 else p  # fp8 training keeps bf16 outside the GEMMs
            return cls(carrier, p, carrier, carrier, communication=carrier)
        low = BYTES_PER_VALUE[p] < 1
        carrier = "fp16" if low or p == "fp8" else p
        kv = check_precision(kv_precision, "kv_precision") if kv_precision else (carrier if low else p)
        return cls(p, p, carrier, kv, gradients=carrier, master_weights=carrier, optimizer_state=carrier,
                   communication=carrier)

    @property
    def weight_bits(self) -> float:
        """Stored bits per weight, group scales included (4.125 for int4 in groups of 128)."""
        return stored_bits_per_weight(self.weights, self.group_size)

    def bytes(self, role: str) -> float:
        """Bytes per value of `role` (weights include their group scales).

        Args:
            role: a field name: "weights", "math", "attention", "activations", "kv_cache", "gradients",
                "master_weights", "optimizer_state" or "communication".
        """
        if role == "weights":
            return self.weight_bits / 8
        return BYTES_PER_VALUE[getattr(self, role)]

    def training_state_bytes_per_param(self, optimizer_state_values: int = 2) -> float:
        """Bytes per parameter of weights, gradients, master copy and optimizer state, unsharded.

        Megatron's mixed precision: 2 (bf16 weights) + 4 (fp32 gradients) + 4 (fp32
        master) + 4 + 4 (Adam's two moments) = 18; in fp32 there is no master copy.

        Args:
            optimizer_state_values: moments the optimizer keeps per parameter (2 for Adam, 1 for SGD
                with momentum).
        """
        return (self.bytes("weights") + self.bytes("gradients")
                + self.optimizer_bytes_per_param(optimizer_state_values))

    def optimizer_bytes_per_param(self, optimizer_state_values: int = 2) -> float:
        """Bytes per parameter the optimizer itself holds: the master copy (none when it would equal the
        weights) and `optimizer_state_values` moments; what ZeRO stage 1 shards: 12 for Megatron's Adam
        [@rajbhandari2020zero].

        Args:
            optimizer_state_values: moments the optimizer keeps per parameter (2 for Adam).
        """
        master = 0.0 if self.master_weights == self.weights else self.bytes("master_weights")
        return master + optimizer_state_values * self.bytes("optimizer_state")


@functools.lru_cache(maxsize=256)
def _expanded(precision: str, training: bool, kv_precision: str | None) -> Precisions:
    """`Precisions.from_shorthand` for a string, memoized (a `Precisions` is frozen, so sharing is safe)."""
    return Precisions._expand(precision, training, kv_precision)
