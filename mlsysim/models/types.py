"""Workload specs: transformers and CNNs, with their derived FLOP and byte counts.

Counts are architecture facts; how they turn into time is the solvers'
business.  Every method returns a Quantity with units.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from .. import formulas
from ..core import validate
from ..core.assumptions import DEFAULTS
from ..core.errors import SpecError
from ..core.precision import bytes_per_value
from ..core.spec import FlopCount, ParamCount, Spec
from ..core.units import quantity, si


class Workload(Spec):
    """What every model has: a name, a parameter count and a source.

    A plain `Workload` is priced as its weights alone; `TransformerWorkload` and `CNNWorkload` describe the
    layers the cost core prices.

    Attributes:
        name: the model's name.
        parameters: parameter count (a Quantity in param, such as `Q_(8.03, "Bparam")`).
        source: the bibliography key of the figures.
        notes: anything a reader should know about the entry.

    Example:
        >>> from mlsysim import Models, Q_, Workload
        >>> Workload(name="toy", parameters=Q_(1, "Bparam")).weight_bytes("fp16")
        <Quantity(2.0, 'gigabyte')>
        >>> Models.Llama3_8B.parameter_count > 8e9
        True
    """

    name: str
    parameters: ParamCount
    source: str | None = None
    notes: str | None = None
    _params: float = PrivateAttr(default=0.0)

    def model_post_init(self, _context: Any) -> None:
        problem = self.out_of_range()  # before the derived shapes below multiply the fields together
        if problem:
            raise SpecError(f"invalid {type(self).__name__}:\n  (spec): {problem}", type(self).__name__,
                            [("(spec)", problem)])
        self._params = si(self.parameters)

    @property
    def parameter_count(self) -> float:
        """`parameters` as a plain number of parameters (what the cost core computes with)."""
        return self.__pydantic_private__["_params"]  # type: ignore[index]  # skips pydantic's slow fallback

    def weight_bytes(self, precision: str | None = None):
        """Bytes of weights stored at `precision`, in GB.

        Args:
            precision: a precision name; default `Assumptions.precision`.

        Returns:
            (Quantity): GB.
        """
        b = bytes_per_value(DEFAULTS.precision if precision is None else precision)
        return quantity(formulas.weight_bytes(self._params, b) / 1e9, "GB")


class TransformerWorkload(Workload):
    """A decoder-only transformer (GPT / Llama family), dense or mixture-of-experts.

    `mlp="gated"` is the SwiGLU block of Llama (three FFN matrices);
    `"standard"` is GPT's two-matrix MLP.  `tied_embeddings` says whether
    the output head reuses the input embedding (then it is counted once).

    Variants, each off by default (a dense Llama with full attention):

    * **Mixture of experts** [@shazeer2017moe; @jiang2024mixtral]: `moe_layers` of the
      `layers` replace the MLP by `experts` routed experts of width `expert_ffn_size`, of which
      `experts_per_token` run per token, plus `shared_experts` that every token uses
      (width `shared_expert_ffn_size`); the other layers keep a dense MLP of `ffn_size`.
    * **Multi-head latent attention** (DeepSeek-V2/V3 [@deepseekai2024v2]): with `kv_lora_rank`
      set, keys and values are rebuilt from a compressed latent of that width plus a shared rotary
      key of `rope_head_dim`; the KV cache holds only those `kv_lora_rank + rope_head_dim`
      values per token and layer.  `head_dim` is then the non-rotary query/key width per head,
      `v_head_dim` the value width, `q_lora_rank` the query's compression (None: no compression).
    * **Sliding-window attention** (Mistral [@jiang2023mistral], Gemma 2 [@gemmateam2024gemma2]):
      `sliding_window_layers` of the layers (all, when None) attend to the last `sliding_window`
      tokens only, and cache only those.
    * Parameter details the shapes need: `qkv_bias` (Qwen2), `bias` (every linear layer and
      norm has one: GPT-2, OPT, BLOOM), `learned_positions` (rows of a learned position table),
      `post_norms` (a norm on each block's output as well as its input: Gemma 2), `qk_norm` (a norm
      over each query and key head before the scores: Qwen3 [@yang2025qwen3]), `parallel_block`
      (attention and the MLP read one shared norm of the layer's input side by side: GPT-J
      [@wang2021gptj]).

    Attributes:
        name (str): the model's name.
        parameters (Quantity): parameter count (a Quantity in param, such as `Q_(8.03, "Bparam")`).
        source (str | None): the bibliography key of the figures.
        notes (str | None): anything a reader should know about the entry.
        layers: transformer layers.
        hidden_size: width of the residual stream.
        attention_heads: query heads per layer.
        kv_heads: key/value heads per layer (fewer than query heads with grouped-query attention
            [@ainslie2023gqa]).
        head_dim: width of one head.
        ffn_size: hidden width of a dense MLP.
        vocab_size: tokens in the vocabulary.
        context_length: the longest context the model takes, tokens.
        mlp: "gated" (three matrices, SwiGLU) or "standard" (two).
        tied_embeddings: whether the output head reuses the input embedding.
        dropout: whether training applies dropout (it adds activation memory).
        experts: routed experts per MoE layer (1 for a dense model).
        experts_per_token: routed experts each token runs.
        shared_experts: experts every token runs, besides the routed ones.
        expert_ffn_size: hidden width of one routed expert (default `ffn_size`).
        shared_expert_ffn_size: hidden width of one shared expert (default the routed experts').
        moe_layers: layers whose MLP is a mixture of experts (default all, when `experts` > 1).
        kv_lora_rank: width of the compressed KV latent (multi-head latent attention); None without.
        q_lora_rank: width of the compressed query (latent attention); None: no compression.
        rope_head_dim: width of the shared rotary key (latent attention).
        v_head_dim: value width per head (latent attention; default `head_dim`).
        sliding_window: tokens a windowed layer attends to; None: full attention.
        sliding_window_layers: layers with the window (default all, when `sliding_window` is set).
        qkv_bias: whether the QKV projection has a bias (Qwen2).
        bias: whether every linear layer and norm has a bias (GPT-2, OPT, BLOOM).
        learned_positions: rows of a learned position table (0 with rotary positions).
        post_norms: whether each attention and MLP output is normalized too (four norms per layer: Gemma 2).
        qk_norm: whether queries and keys are normalized per head before the scores (Qwen3).
        parallel_block: whether attention and the MLP run side by side on one shared norm of the layer's
            input and add their outputs to the residual together (one norm per layer: GPT-J).

    Example:
        >>> from mlsysim import Models, Q_, TransformerWorkload
        >>> m = Models.Llama3_8B
        >>> m.kv_heads, m.kv_cache_bytes_per_token("fp16")
        (8, <Quantity(128.0, 'kibibyte')>)
        >>> toy = TransformerWorkload(name="toy", parameters=Q_(0.1, "Bparam"), layers=12, hidden_size=768,
        ...                           attention_heads=12, kv_heads=12, head_dim=64, ffn_size=3072,
        ...                           vocab_size=50257, context_length=1024, mlp="standard", tied_embeddings=True)
        >>> print(f"{toy.architecture_parameters().to('Mparam'):.0f~P}")  # GPT-2 small, without learned positions
        124 Mparam
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
    experts: int = Field(default=1, gt=0)
    experts_per_token: int = Field(default=1, gt=0)
    shared_experts: int = Field(default=0, ge=0)
    expert_ffn_size: int | None = Field(default=None, gt=0)
    shared_expert_ffn_size: int | None = Field(default=None, gt=0)
    moe_layers: int | None = Field(default=None, ge=0)
    kv_lora_rank: int | None = Field(default=None, gt=0)
    q_lora_rank: int | None = Field(default=None, gt=0)
    rope_head_dim: int = Field(default=0, ge=0)
    v_head_dim: int | None = Field(default=None, gt=0)
    sliding_window: int | None = Field(default=None, gt=0)
    sliding_window_layers: int | None = Field(default=None, ge=0)
    qkv_bias: bool = False
    bias: bool = False
    learned_positions: int = Field(default=0, ge=0)
    post_norms: bool = False
    qk_norm: bool = False
    parallel_block: bool = False
    _matmul_params: float = PrivateAttr(default=0.0)
    _attention_dim: int = PrivateAttr(default=0)
    _active_params: float = PrivateAttr(default=0.0)

    @model_validator(mode="after")
    def _heads_group_evenly(self):
        if self.attention_heads % self.kv_heads:
            raise ValueError(
                f"attention_heads={self.attention_heads} must be a multiple of kv_heads={self.kv_heads} "
                "(each KV head serves an equal group of query heads)"
            )
        if self.experts_per_token > self.experts:
            raise ValueError(f"experts_per_token={self.experts_per_token} must be at most experts={self.experts}")
        if self.moe_layers is not None and self.moe_layers > self.layers:
            raise ValueError(f"moe_layers={self.moe_layers} must be at most layers={self.layers}")
        if self.sliding_window_layers is not None and self.sliding_window_layers > self.layers:
            raise ValueError(f"sliding_window_layers={self.sliding_window_layers} must be at most layers={self.layers}")
        if self.sliding_window_layers is not None and self.sliding_window is None:
            raise ValueError("sliding_window_layers needs sliding_window (the window's length in tokens)")
        if self.parallel_block and self.post_norms:
            raise ValueError("parallel_block shares one norm between attention and the MLP; post_norms adds a norm "
                             "to each block's output (Gemma 2): no published model has both")
        if self.kv_lora_rank is None and (self.q_lora_rank is not None or self.rope_head_dim):
            raise ValueError("q_lora_rank and rope_head_dim describe multi-head latent attention: set kv_lora_rank too")
        return self

    def model_post_init(self, _context: Any) -> None:
        super().model_post_init(_context)
        embedding = 0 if self.tied_embeddings else self.vocab_size * self.hidden_size
        embedding += self.learned_positions * self.hidden_size
        idle_experts = self.moe_layer_count * (self.experts - self.experts_per_token) * self.expert_parameters
        self._active_params = self._params - idle_experts if self.is_moe else self._params
        self._matmul_params = self._active_params - embedding
        if self._matmul_params <= 0:
            tables = f"{embedding:,.0f}" + (f" + {idle_experts:,.0f} in idle experts" if self.is_moe else "")
            raise SpecError(f"invalid {type(self).__name__}:\n  parameters: {self._params:,.0f} leave nothing for the "
                            f"layers once the embedding tables take theirs ({tables}); check parameters, vocab_size "
                            "and hidden_size", type(self).__name__, [("parameters", "fewer than the embedding tables")])
        self._attention_dim = self.attention_heads * self.head_dim

    # --- Derived shapes (what the cost core and the KV cache use) -------------------------------------
    @property
    def is_moe(self) -> bool:
        """Whether some layers route tokens to experts."""
        return self.experts > 1 and self.moe_layer_count > 0

    @property
    def moe_layer_count(self) -> int:
        """Layers whose MLP is a mixture of experts (all layers of an MoE model unless `moe_layers` says)."""
        if self.experts == 1 and not self.shared_experts:
            return 0
        return self.layers if self.moe_layers is None else self.moe_layers

    @property
    def dense_layer_count(self) -> int:
        """Layers with a dense MLP of `ffn_size`."""
        return self.layers - self.moe_layer_count

    @property
    def expert_width(self) -> int:
        """FFN width of one routed expert."""
        return self.expert_ffn_size or self.ffn_size

    @property
    def shared_expert_width(self) -> int:
        """FFN width of one shared expert."""
        return self.shared_expert_ffn_size or self.expert_width

    @property
    def mlp_matrices(self) -> int:
        """Weight matrices per MLP (or expert): 3 for a gated MLP, 2 for a standard one."""
        return 3 if self.mlp == "gated" else 2

    @property
    def expert_parameters(self) -> float:
        """Parameters of one routed expert: `mlp_matrices × hidden × expert width` (biases included with `bias`)."""
        f = self.expert_width
        return float(self.mlp_matrices * self.hidden_size * f + (f + self.hidden_size if self.bias else 0))

    @property
    def latent_attention(self) -> bool:
        """Whether attention is multi-head latent attention (MLA)."""
        return self.kv_lora_rank is not None

    @property
    def value_dim(self) -> int:
        """Value width per head (`v_head_dim`, else `head_dim`)."""
        return self.v_head_dim or self.head_dim

    @property
    def windowed_layer_count(self) -> int:
        """Layers that attend within `sliding_window` (0 with full attention everywhere)."""
        if self.sliding_window is None:
            return 0
        return self.layers if self.sliding_window_layers is None else self.sliding_window_layers

    def kv_values_per_token_per_layer(self) -> int:
        """Values one token puts in one layer's KV cache: `2 × kv_heads × head_dim` (K and V), or with
        latent attention `kv_lora_rank + rope_head_dim` (the latent and the shared rotary key).

        Returns:
            Values per token per layer.
        """
        if self.kv_lora_rank is not None:
            return self.kv_lora_rank + self.rope_head_dim
        return int(formulas.kv_cache_bytes_per_token(1, self.kv_heads, self.head_dim, 1))  # 2 x kv_heads x head_dim

    def cached_tokens(self, context: float) -> float:
        """Token-layers of KV cache one sequence of `context` tokens holds, over layers: windowed layers
        keep at most `sliding_window` tokens.  Divided by `layers` it is the effective context.

        Args:
            context: tokens in the sequence.

        Returns:
            Token-layers.
        """
        windowed = self.windowed_layer_count
        if not windowed:
            return self.layers * context
        w = self.sliding_window
        assert w is not None
        return (self.layers - windowed) * context + windowed * min(context, w)

    @property
    def matmul_parameters(self):
        """Parameters that take part in a matmul per token (the input embedding lookup does not; for a
        mixture of experts only the experts a token is routed to)."""
        return quantity(self._matmul_params, "param")

    @property
    def active_parameters(self):
        """Parameters one token uses: all of them for a dense model; for a mixture of experts the
        shared weights plus `experts_per_token` of the routed experts per MoE layer."""
        return quantity(self._active_params, "param") if self.is_moe else self.parameters

    def _attention_parameters(self) -> int:
        h, H, d = self.hidden_size, self.attention_heads, self.head_dim
        if self.kv_lora_rank is None:
            weights = h * H * d + 2 * h * self.kv_heads * d + H * d * h
            biases = (H * d + 2 * self.kv_heads * d if self.qkv_bias or self.bias else 0) + (h if self.bias else 0)
            return weights + biases
        r, kvl, v = self.rope_head_dim, self.kv_lora_rank, self.value_dim
        ql = self.q_lora_rank
        query = h * H * (d + r) if ql is None else h * ql + ql + ql * H * (d + r)  # (+ the q latent's norm)
        key_value = h * (kvl + r) + kvl + kvl * H * (d + v)  # down-projection, latent norm, up-projection
        return query + key_value + H * v * h

    def _mlp_parameters(self, width: int) -> int:
        h = self.hidden_size
        return self.mlp_matrices * h * width + ((width + h) if self.bias else 0)

    def architecture_parameters(self):
        """Parameter count recomputed from the layer shapes (a check on `parameters`).

        Per layer: attention, the MLP (dense or: router, routed and shared experts), two norms (one with
        `parallel_block`, four with `post_norms`; with `qk_norm` one of `head_dim` each for queries and keys);
        then the embeddings (a learned position table included), the LM head unless tied, the final norm.
        """
        h = self.hidden_size
        norm = 2 * h if self.bias else h
        moe = self.moe_layer_count
        dense_mlp = self._mlp_parameters(self.ffn_size)
        moe_mlp = (h * self.experts + self.experts * self.expert_parameters
                   + self.shared_experts * self._mlp_parameters(self.shared_expert_width))
        norms = 4 if self.post_norms else 1 if self.parallel_block else 2
        per_layer = (self._attention_parameters() + norms * norm
                     + (2 * self.head_dim if self.qk_norm else 0))
        embeddings = self.vocab_size * h * (1 if self.tied_embeddings else 2) + self.learned_positions * h
        total = self.layers * per_layer + (self.layers - moe) * dense_mlp + moe * moe_mlp + embeddings + norm
        return quantity(float(total), "param")

    def kv_cache_bytes_per_token(self, precision: str | None = None):
        """KV-cache bytes per token of context at full attention, in KiB: 2 × layers × KV heads × head dim ×
        bytes (latent attention: layers × (kv_lora_rank + rope_head_dim) × bytes).  Sliding-window layers
        stop growing at the window (`cached_tokens`).

        Args:
            precision: the KV cache's precision; default `Assumptions.precision`.

        Returns:
            (Quantity): KiB per token.
        """
        per_value = bytes_per_value(DEFAULTS.precision if precision is None else precision)
        b = self.layers * self.kv_values_per_token_per_layer() * per_value
        return quantity(b / 1024, "KiB")

    def flops_per_token(self, phase: Literal["prefill", "decode", "training"] = "decode", context: int | None = None):
        """FLOPs per token for `phase` at `context` tokens, in GFLOP.

        The closed forms `formulas.prefill_flops_per_token`, `formulas.decode_flops_per_token` and
        `formulas.training_flops_per_token` with the active matmul parameters (a mixture of experts counts
        only the routed experts).

        Args:
            phase: "prefill", "decode" or "training".
            context: tokens of context; default `Assumptions.seq_len`.

        Returns:
            (Quantity): GFLOP per token.
        """
        ctx = DEFAULTS.seq_len if context is None else context
        args = (self._matmul_params, self.layers, ctx, self._attention_dim)
        formula: dict[str, Callable[..., float]] = {
            "prefill": formulas.prefill_flops_per_token,
            "decode": formulas.decode_flops_per_token,
            "training": formulas.training_flops_per_token,
        }
        per_token = formula[phase](*args)
        return quantity(per_token / 1e9, "GFLOP")


def decoder_only(model: Any, example: str, name: str = "model") -> TransformerWorkload:
    """`model` if it is a decoder-only transformer (what serving and training solves take), else an error naming
    the argument `name` and pointing an encoder to `Engine.solve`; `example` names a zoo model for the message."""
    return validate.instance(name, model, TransformerWorkload, f"a decoder-only transformer such as "
                             f"Models.{example} (an encoder is priced per sample by Engine.solve)")


class CNNWorkload(Workload):
    """A convolutional network, described per inference of one sample.

    `activation_elements` counts the values of every layer output for one
    sample; each is written to memory once and read back once (no cross-layer
    fusion).  `architecture` names one of the package's layer tables ("resnet50", …);
    the cost core then prices every layer on its own, else the network as one operator
    with these totals.

    Attributes:
        name (str): the model's name.
        parameters (Quantity): parameter count (a Quantity in param, such as `Q_(8.03, "Bparam")`).
        source (str | None): the bibliography key of the figures.
        notes (str | None): anything a reader should know about the entry.
        flops_per_inference: FLOPs of one forward pass of one sample (a Quantity in FLOP).
        activation_elements: values of every layer output for one sample.
        input_shape: the input's shape (channels, height, width).
        architecture: the name of a layer table, or None to price the network as one operator.

    Example:
        >>> from mlsysim import CNNWorkload, Models, Q_
        >>> Models.ResNet50.architecture, Models.ResNet50.input_shape
        ('resnet50', (3, 224, 224))
        >>> toy = CNNWorkload(name="toy", parameters=Q_(1, "Mparam"), flops_per_inference=Q_(0.1, "GFLOP"),
        ...                   activation_elements=2e5)
        >>> toy.activation_bytes("fp16")
        <Quantity(0.4, 'megabyte')>
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
        """Bytes of all layer outputs for one sample at `precision`, in MB.

        Args:
            precision: a precision name; default `Assumptions.precision`.

        Returns:
            (Quantity): MB.
        """
        b = bytes_per_value(DEFAULTS.precision if precision is None else precision)
        return quantity(self.activation_elements * b / 1e6, "MB")


class EncoderWorkload(Workload):
    """A transformer encoder (BERT, ViT), or an encoder–decoder (Whisper), priced per sample.

    Every position of a sample attends to every other (no causal mask, no KV cache kept between
    samples).  A sample is `sequence_length` positions: WordPiece tokens (`input="tokens"`, BERT
    [@devlin2019bert]), image patches plus a class token (`"patches"`, ViT [@dosovitskiy2021vit]), or
    audio frames after a two-convolution stem over log-mel features (`"audio"`, Whisper
    [@radford2023whisper]).  Linear layers and LayerNorms carry biases; the MLP is the two-matrix GELU
    block; `norm="post"` puts the norms after each block and one after the embedding (BERT), `"pre"`
    before each block and one at the end (ViT, Whisper).

    With `decoder_layers` the model is an encoder–decoder: a sample is also `decoder_tokens` tokens
    generated one at a time by a decoder that attends to itself (causally, with a KV cache) and to the
    encoder's output (cross-attention); its output head is tied to its token embedding.

    Attributes:
        name (str): the model's name.
        parameters (Quantity): parameter count (a Quantity in param); `architecture_parameters()`
            recomputes it from the shapes.
        source (str | None): the bibliography key of the figures.
        notes (str | None): anything a reader should know about the entry.
        layers: encoder layers.
        hidden_size: width of the residual stream.
        attention_heads: heads per layer (each of width `hidden_size / attention_heads`).
        ffn_size: hidden width of the MLP.
        context_length: rows of the encoder's position table: the most positions a sample can carry.
        sequence_length: positions a sample carries when a solve is not told (at most `context_length`).
        input: "tokens", "patches" or "audio".
        norm: "post" (BERT) or "pre" (ViT, Whisper).
        vocab_size: token-embedding rows: the encoder's vocabulary ("tokens"), or the decoder's.
        type_vocab_size: segment-embedding rows (BERT's sentence A/B).
        patch_size: side of a square image patch, pixels ("patches").
        channels: image channels ("patches").
        mel_bins: log-mel features per audio frame ("audio").
        key_bias: whether the key projection has a bias (Whisper's has none).
        pooler: whether a dense layer pools the first position (BERT).
        classes: outputs of a classification head on the first position (ViT), 0 for none.
        decoder_layers: decoder layers (0: encoder only).
        decoder_context: rows of the decoder's position table: the most tokens it generates.
        decoder_tokens: tokens the decoder generates per sample when a solve is not told.

    Example:
        >>> from mlsysim import Models
        >>> bert = Models.BERT_Base
        >>> bert.sequence_length, bert.head_dim, int(bert.architecture_parameters().magnitude)
        (384, 64, 109482240)
    """

    layers: int = Field(gt=0)
    hidden_size: int = Field(gt=0)
    attention_heads: int = Field(gt=0)
    ffn_size: int = Field(gt=0)
    context_length: int = Field(gt=0)
    sequence_length: int = Field(gt=0)
    input: Literal["tokens", "patches", "audio"] = "tokens"
    norm: Literal["post", "pre"] = "pre"
    vocab_size: int = Field(default=0, ge=0)
    type_vocab_size: int = Field(default=0, ge=0)
    patch_size: int = Field(default=0, ge=0)
    channels: int = Field(default=3, gt=0)
    mel_bins: int = Field(default=0, ge=0)
    key_bias: bool = True
    pooler: bool = False
    classes: int = Field(default=0, ge=0)
    decoder_layers: int = Field(default=0, ge=0)
    decoder_context: int = Field(default=0, ge=0)
    decoder_tokens: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _shapes_agree(self):
        if self.hidden_size % self.attention_heads:
            raise ValueError(f"hidden_size={self.hidden_size} must be a multiple of "
                             f"attention_heads={self.attention_heads}")
        if self.sequence_length > self.context_length:
            raise ValueError(f"sequence_length={self.sequence_length} must be at most "
                             f"context_length={self.context_length}")
        needs = {"tokens": ("vocab_size", self.vocab_size), "patches": ("patch_size", self.patch_size),
                 "audio": ("mel_bins", self.mel_bins)}[self.input]
        if not needs[1]:
            raise ValueError(f"input={self.input!r} needs {needs[0]}")
        if self.decoder_layers and not (self.vocab_size and self.decoder_context and self.decoder_tokens):
            raise ValueError("a decoder (decoder_layers) needs vocab_size, decoder_context and decoder_tokens")
        if self.decoder_tokens > self.decoder_context:
            raise ValueError(f"decoder_tokens={self.decoder_tokens} must be at most "
                             f"decoder_context={self.decoder_context}")
        return self

    @property
    def head_dim(self) -> int:
        """Width of one attention head: `hidden_size / attention_heads`."""
        return self.hidden_size // self.attention_heads

    @property
    def has_decoder(self) -> bool:
        """Whether this is an encoder–decoder."""
        return self.decoder_layers > 0

    @property
    def flops_per_inference(self):
        """Matrix FLOPs of one sample at `sequence_length` positions (and `decoder_tokens` decoded), the
        closed form the cost core's operators sum to (tested):

        per encoder layer `2·s·(4h² + 2hf) + 4·s²·h`; the patch projection `2·(s − 1)·C·p²·h` or the audio
        stem `2·2s·3·mel·h + 2·s·3h·h`; the pooler `2h²` and the class head `2h·classes`; and per decoder
        layer the cross-attention keys and values `2·s·2h²`, then per token `2·(6h² + 2hf) + 4h·((T + 1)/2 + s)`,
        with the output head's `2h·vocab` per token.

        Returns:
            (Quantity): GFLOP.
        """
        h, f, s = self.hidden_size, self.ffn_size, self.sequence_length
        total = self.layers * (2 * s * (4 * h * h + 2 * h * f) + 4 * s * s * h)
        if self.input == "patches":
            total += 2 * (s - 1) * self.channels * self.patch_size ** 2 * h
        elif self.input == "audio":
            total += 2 * 2 * s * 3 * self.mel_bins * h + 2 * s * 3 * h * h
        total += (2 * h * h if self.pooler else 0) + 2 * h * self.classes
        if self.has_decoder:
            t = self.decoder_tokens
            per_token = 2 * (6 * h * h + 2 * h * f) + 4 * h * ((t + 1) / 2 + s)
            total += self.decoder_layers * (2 * s * 2 * h * h + t * per_token) + t * 2 * h * self.vocab_size
        return quantity(total / 1e9, "GFLOP")

    def _attention_parameters(self) -> int:
        h = self.hidden_size
        return 4 * h * h + (4 if self.key_bias else 3) * h

    def _mlp_parameters(self) -> int:
        h, f = self.hidden_size, self.ffn_size
        return 2 * h * f + f + h

    def architecture_parameters(self):
        """Parameter count recomputed from the layer shapes (a check on `parameters`).

        The input embedding (token, position and segment tables; or the patch projection, class token and
        positions; or the audio stem's two kernel-3 convolutions and the positions), per layer the attention,
        the MLP and two LayerNorms (weight and bias), the embedding or final norm, the pooler or class head,
        and for an encoder–decoder the decoder: its token and position tables (the head is tied), per layer
        self- and cross-attention, the MLP and three norms, and its final norm.

        Returns:
            (Quantity): param.
        """
        h = self.hidden_size
        norm = 2 * h
        if self.input == "tokens":
            embedding = (self.vocab_size + self.context_length + self.type_vocab_size) * h
        elif self.input == "patches":
            embedding = self.channels * self.patch_size ** 2 * h + h + h + self.context_length * h
        else:
            embedding = 3 * self.mel_bins * h + h + 3 * h * h + h + self.context_length * h
        per_layer = self._attention_parameters() + self._mlp_parameters() + 2 * norm
        head = (h * h + h if self.pooler else 0) + (h * self.classes + self.classes)
        total = embedding + self.layers * per_layer + norm + head
        if self.has_decoder:
            per_decoder_layer = 2 * self._attention_parameters() + self._mlp_parameters() + 3 * norm
            total += (self.vocab_size + self.decoder_context) * h + self.decoder_layers * per_decoder_layer + norm
        return quantity(float(total), "param")
