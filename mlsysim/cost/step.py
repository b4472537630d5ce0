"""`step_cost`: a workload's step on a device, priced operator by operator, with its memory footprint.

Every solver that times or sizes a step calls this function; none counts FLOPs or bytes itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..core.assumptions import Assumptions
from ..core.precision import Precisions
from ..hardware.types import HardwareNode
from ..models.types import CNNWorkload, EncoderWorkload, TransformerWorkload, Workload
from .breakdown import StepBreakdown
from .cnn import cnn_ops
from .encoder import activation_bytes as encoder_activation_bytes
from .encoder import encoder_ops
from .ops import Op
from .timing import price
from .transformer import optimizer_ops, transformer_ops

Phase = Literal["decode", "prefill", "inference", "training"]


@dataclass(frozen=True)
class StepCost:
    """One step priced on one device, and the memory it needs there (SI floats).

    `resident_bytes`: weights (inference) or weights, gradients, master copy and
    optimizer state (training). `activation_bytes`: the KV cache of the batch
    (transformer inference), the activations of one sample batch (CNN inference),
    or the activations kept for the backward pass (training).
    """

    breakdown: StepBreakdown
    precisions: Precisions
    compute_precision: str
    native: bool
    math_rate: float
    resident_bytes: float
    activation_bytes: float
    items: float
    unit: str


def kv_bytes_per_token(model: TransformerWorkload, precisions: Precisions) -> float:
    """KV-cache bytes one token of context holds at full attention (all layers, K and V, GQA-aware
    [@ainslie2023gqa]; with latent attention the latent and rotary key [@deepseekai2024v2])."""
    return kv_cache_bytes(model, 1, precisions)


def kv_cache_bytes(model: TransformerWorkload, context: float, precisions: Precisions, tp: int = 1) -> float:
    """KV-cache bytes one sequence of `context` tokens holds on one of `tp` GPUs.

    Sliding-window layers hold at most the window [@jiang2023mistral]; KV heads are split over the GPUs
    but replicated when there are fewer of them than GPUs, and a latent-attention cache is replicated whole.

    Example:
        >>> from mlsysim import Models
        >>> from mlsysim.core.precision import Precisions
        >>> from mlsysim.cost.step import kv_cache_bytes
        >>> kv_cache_bytes(Models.Llama3_8B, 1024, Precisions.from_shorthand("fp16")) / 2**20  # MiB
        128.0
    """
    shards = 1 if model.latent_attention else max(1, min(tp, model.kv_heads))
    per_value = precisions.bytes("kv_cache")
    return model.cached_tokens(context) * model.kv_values_per_token_per_layer() * per_value / shards


def resident_parameters(model: Workload, tp: int = 1, ep: int = 1) -> float:
    """Parameters one GPU holds: all of them over `tp`, the routed experts of a mixture of experts
    further over `ep`."""
    params = model.parameter_count
    if ep == 1 or not isinstance(model, TransformerWorkload) or not model.is_moe:
        return params / tp
    routed = model.moe_layer_count * model.experts * model.expert_parameters
    return (params - routed) / tp + routed / (tp * ep)


def step_work(model: Workload, *, phase: Phase, batch: int, seq: int | None, precisions: Precisions,
              assumptions: Assumptions, tp: int = 1, sequence_parallel: bool = False, recompute: str = "none",
              state_values: int = 2, query_tokens: int = 1, ep: int = 1, cp: int = 1
              ) -> tuple[tuple[Op, ...], float, str, float, float]:
    """A step's operators before pricing: `(ops, items produced, throughput unit, resident bytes, activation bytes)`.

    Device-independent: what `step_cost` prices, and what the inverse roofline sizes a device for.
    """
    training = phase == "training"
    ops: tuple[Op, ...]
    if isinstance(model, TransformerWorkload):
        assert seq is not None
        step_phase = "decode" if phase == "inference" else phase
        ops = transformer_ops(model, step_phase, batch, seq, precisions, tp=tp, sequence_parallel=sequence_parallel,
                              flash=assumptions.flash_attention, recompute=recompute,
                              logits_bytes=assumptions.logits_bytes_per_value,
                              flash_backward_factor=assumptions.flash_backward_factor, query_tokens=query_tokens,
                              ep=ep, moe_imbalance=assumptions.moe_imbalance, cp=cp,
                              grouped_kv_reads=assumptions.grouped_kv_reads)
        items = float(batch if step_phase == "decode" else batch * seq / cp)
        unit = "token/s"
        if training:
            activations = sum(o.count * o.saved_bytes for o in ops)
        else:
            activations = batch * kv_cache_bytes(model, seq, precisions, tp)
    elif isinstance(model, EncoderWorkload):
        assert seq is not None
        ops = encoder_ops(model, batch, seq, precisions, training=training, flash=assumptions.flash_attention,
                          flash_backward_factor=assumptions.flash_backward_factor)
        items, unit = float(batch), "sample/s"
        activations = (sum(o.count * o.saved_bytes for o in ops) if training
                       else encoder_activation_bytes(model, ops, batch, seq, precisions))
    else:
        assert isinstance(model, CNNWorkload)
        ops = cnn_ops(model, batch, precisions, training=training)
        items, unit = float(batch), "sample/s"
        activations = (sum(o.count * o.saved_bytes for o in ops) if training
                       else batch * model.activation_elements * precisions.bytes("activations"))
    params = resident_parameters(model, tp, ep)
    if training:
        ops = ops + optimizer_ops(params, precisions, state_values=state_values)
        resident = params * precisions.training_state_bytes_per_param(state_values)
    else:
        resident = params * precisions.weight_bits / 8
    return ops, items, unit, resident, activations


def step_cost(model: Workload, device: HardwareNode, *, phase: Phase, batch: int, seq: int | None,
              precisions: Precisions, assumptions: Assumptions, efficiency: float | None = None,
              memory_efficiency: float | None = None, tp: int = 1, sequence_parallel: bool = False,
              link: tuple[float, float] | None = None, recompute: str = "none", warn: bool = True,
              state_values: int = 2, query_tokens: int = 1, ep: int = 1, cp: int = 1,
              group_links: tuple[tuple[str, tuple[float, float]], ...] = ()) -> StepCost:
    """Price one step of `model` on `device` (one of `tp` GPUs when sharded; of `tp × ep` when a
    mixture of experts also spreads its experts over `ep` GPUs; of `tp × cp` when context parallelism
    splits each sequence over `cp` GPUs).  `link` prices the tensor-parallel collectives, `group_links`
    those of another group on another link (see `mlsysim.cost.timing.price`).

    `phase`: "decode" (one token per sequence with `seq` tokens cached), "prefill"
    (prompts of `seq` tokens), "inference" (a CNN or encoder forward pass of `batch` samples — of `seq`
    positions for an encoder —, or a transformer decode step), "training" (forward, backward and optimizer
    step).

    Example:
        >>> from mlsysim import Models, Hardware
        >>> from mlsysim.core.assumptions import DEFAULTS
        >>> from mlsysim.core.precision import Precisions
        >>> from mlsysim.cost import step_cost
        >>> c = step_cost(Models.Llama3_8B, Hardware.H100, phase="decode", batch=1, seq=2048,
        ...               precisions=Precisions.from_shorthand("fp16"), assumptions=DEFAULTS)
        >>> c.breakdown.bound, c.unit
        ('memory', 'token/s')
    """
    rate, used, native = device.resolve_compute(precisions.math, warn=warn)
    return _priced_step(model, device, phase, batch, seq, precisions, assumptions, efficiency, memory_efficiency, tp,
                        sequence_parallel, link, recompute, state_values, rate, used, native, query_tokens, ep, cp,
                        group_links)


@lru_cache(maxsize=4096)
def _priced_step(model: Workload, device: HardwareNode, phase: Phase, batch: int, seq: int | None,
                 precisions: Precisions, assumptions: Assumptions, efficiency: float | None,
                 memory_efficiency: float | None, tp: int, sequence_parallel: bool, link: tuple[float, float] | None,
                 recompute: str, state_values: int, rate: float, used: str, native: bool,
                 query_tokens: int = 1, ep: int = 1, cp: int = 1,
                 group_links: tuple[tuple[str, tuple[float, float]], ...] = ()) -> StepCost:
    """`step_cost` after the precision fallback, memoized: every argument is immutable, and a solve
    repeated with the same model, device, shape and assumptions (sweeps, searches, pages) reuses the priced step."""
    work = step_work(model, phase=phase, batch=batch, seq=seq, precisions=precisions, assumptions=assumptions,
                     tp=tp, sequence_parallel=sequence_parallel, recompute=recompute, state_values=state_values,
                     query_tokens=query_tokens, ep=ep, cp=cp)
    ops, items, unit, resident, activations = work
    attention_rate = rate if precisions.attention == precisions.math else device.compute.resolve(precisions.attention)[0]
    breakdown = price(ops, device, rate, assumptions, efficiency=efficiency, memory_efficiency=memory_efficiency,
                      link=link, group_links=group_links, attention_rate=attention_rate)
    return StepCost(breakdown, precisions, used, native, rate, resident, activations, items, unit)
