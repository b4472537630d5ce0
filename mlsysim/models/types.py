"""Workload specs: transformers and CNNs, with their derived FLOP and byte counts.

Counts are architecture facts; how they turn into time is the solvers'
business.  Every method returns a Quantity with units.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from .. import formulas
from ..core.assumptions import DEFAULTS
from ..core.precision import bytes_per_value
from ..core.spec import FlopCount, ParamCount, Spec
from ..core.units import quantity, si


class Workload(Spec):
    """What every model has: a name, a parameter count and a source."""

    name: str
    parameters: ParamCount
    source: str | None = None
    notes: str | None = None
    _params: float = PrivateAttr(default=0.0)

    def model_post_init(self, _context: Any) -> None:
        self._params = si(self.parameters)

    @property
    def parameter_count(self) -> float:
        """``parameters`` as a plain number of parameters (what the cost core computes with)."""
        return self.__pydantic_private__["_params"]  # type: ignore[index]  # skips pydantic's slow fallback

    def weight_bytes(self, precision: str | None = None):
        """Bytes of weights stored at ``precision`` (default ``Assumptions().precision``), in GB."""
        b = bytes_per_value(DEFAULTS.precision if precision is None else precision)
        return quantity(formulas.weight_bytes(self._params, b) / 1e9, "GB")


class TransformerWorkload(Workload):
    """A decoder-only transformer (GPT / Llama family).

    ``mlp="gated"`` is the SwiGLU block of Llama (three FFN matrices);
    ``"standard"`` is GPT's two-matrix MLP.  ``tied_embeddings`` says whether
    the output head reuses the input embedding (then it is counted once).
    """

    layers: int = Field(gt=0)
    hidden_size: int = Field(gt=0)
    attention_heads: int = Field(gt=0)
    kv_heads: int = Field(gt=0)
    head_dim: int = Field(gt=0)
    ffn_size: int = Field(gt=0)
    vocab_size: int = Field(gt=0)
    context_length: int = Field(gt=0)
    mlp: Literal["gated", "standard"] = "gated"
    tied_embeddings: bool = False
    dropout: bool = False
    _matmul_params: float = PrivateAttr(default=0.0)
    _attention_dim: int = PrivateAttr(default=0)

    @model_validator(mode="after")
    def _heads_group_evenly(self):
        if self.attention_heads % self.kv_heads:
            raise ValueError(
                f"attention_heads={self.attention_heads} must be a multiple of kv_heads={self.kv_heads} "
                "(each KV head serves an equal group of query heads)"
            )
        return self

    def model_post_init(self, _context: Any) -> None:
        super().model_post_init(_context)
        embedding = 0 if self.tied_embeddings else self.vocab_size * self.hidden_size
        self._matmul_params = self._params - embedding
        self._attention_dim = self.attention_heads * self.head_dim

    @property
    def matmul_parameters(self):
        """Parameters that take part in a matmul per token (the input embedding lookup does not)."""
        return quantity(self._matmul_params, "param")

    def architecture_parameters(self):
        """Parameter count recomputed from the layer shapes (a check on ``parameters``)."""
        h, f = self.hidden_size, self.ffn_size
        attention = h * self.attention_heads * self.head_dim * 2 + h * self.kv_heads * self.head_dim * 2
        mlp = (3 if self.mlp == "gated" else 2) * h * f
        embeddings = self.vocab_size * h * (1 if self.tied_embeddings else 2)
        return quantity(float(self.layers * (attention + mlp + 2 * h) + embeddings + h), "param")

    def kv_cache_bytes_per_token(self, precision: str | None = None):
        """KV-cache bytes per token: 2 × layers × KV heads × head dim × bytes (KiB); ``precision`` defaults to
        ``Assumptions().precision``."""
        per_value = bytes_per_value(DEFAULTS.precision if precision is None else precision)
        b = formulas.kv_cache_bytes_per_token(self.layers, self.kv_heads, self.head_dim, per_value)
        return quantity(b / 1024, "KiB")

    def flops_per_token(self, phase: Literal["prefill", "decode", "training"] = "decode", context: int | None = None):
        """FLOPs per token for ``phase`` at ``context`` tokens (default ``Assumptions().seq_len``), in GFLOP."""
        ctx = DEFAULTS.seq_len if context is None else context
        args = (self._matmul_params, self.layers, ctx, self._attention_dim)
        formula: dict[str, Callable[..., float]] = {
            "prefill": formulas.prefill_flops_per_token,
            "decode": formulas.decode_flops_per_token,
            "training": formulas.training_flops_per_token,
        }
        per_token = formula[phase](*args)
        return quantity(per_token / 1e9, "GFLOP")


class CNNWorkload(Workload):
    """A convolutional network, described per inference of one sample.

    ``activation_elements`` counts the values of every layer output for one
    sample; each is written to memory once and read back once (no cross-layer
    fusion).  ``architecture`` names a layer table in
    :mod:`mlsysim.models.cnn_layers`; the cost core then prices every layer on
    its own, else the network as one operator with these totals.
    """

    flops_per_inference: FlopCount
    activation_elements: float = Field(gt=0)
    input_shape: tuple[int, ...] | None = None
    architecture: str | None = None
    _flops: float = PrivateAttr(default=0.0)

    @model_validator(mode="after")
    def _known_architecture(self):
        from .cnn_layers import ARCHITECTURES

        if self.architecture is not None and self.architecture not in ARCHITECTURES:
            raise ValueError(f"architecture={self.architecture!r} has no layer table; known: {', '.join(ARCHITECTURES)} "
                             "(or leave it None to price the network as one operator)")
        return self

    def model_post_init(self, _context: Any) -> None:
        super().model_post_init(_context)
        self._flops = si(self.flops_per_inference)

    def activation_bytes(self, precision: str | None = None):
        """Bytes of all layer outputs for one sample at ``precision`` (default ``Assumptions().precision``), in MB."""
        b = bytes_per_value(DEFAULTS.precision if precision is None else precision)
        return quantity(self.activation_elements * b / 1e6, "MB")
