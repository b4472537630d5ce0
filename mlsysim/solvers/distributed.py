"""Distributed training with 3D parallelism (tensor × pipeline × data) on a fleet.

One optimizer step of ``batch_size`` sequences of ``seq_len`` tokens, split as
Megatron-LM does [@narayanan2021megatron]: TP innermost (inside a node), then
DP, then PP.  Per step:

* **compute** — training FLOPs / (GPUs × peak × efficiency), stretched by
  uneven pipeline stages;
* **pipeline bubble** — (p − 1) microbatch slots of idle time, i.e. a
  fraction (p − 1)/(m + p − 1) of the pipelined step;
* **TP** — 4 ring all-reduces of the activations per layer per microbatch
  (6 with full recomputation) over the intra-node link, not overlapped;
* **PP** — activation sends between stages over the fabric;
* **DP** — the gradient all-reduce (hierarchical when a DP group spans
  GPUs inside and across nodes); with ``overlap_comm`` it hides behind the
  backward pass of the last microbatch;
* **memory per GPU** — weights, gradients and optimizer state sharded by
  ``optimizer_sharding`` (ZeRO stages [@rajbhandari2020zero]), plus the
  activations of the microbatches in flight (``recompute``
  [@korthikanti2022reducing]).

``latency`` is the whole run: steps to consume ``training_tokens`` (default:
the compute-optimal 20 tokens per parameter [@hoffmann2022chinchilla]) × step time.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Literal, cast

from .. import formulas
from ..core import validate
from ..core.assumptions import (
    DEFAULT_DP_OVERLAP,
    DEFAULT_EFFICIENCY,
    DEFAULT_GLOBAL_BATCH,
    DEFAULT_MICRO_BATCH,
    DEFAULT_OPTIMIZER,
    DEFAULT_SEQ_LEN,
)
from ..core.errors import InvalidArgumentError, UnknownNameError
from ..core.precision import BYTES_PER_VALUE, check_precision
from ..core.units import BYTES_LADDER, Quantity, quantity, readable, ureg
from ..models.types import TransformerWorkload
from ..systems.types import Fleet
from .result import Result

Sharding = Literal["none", "zero1", "zero2", "zero3"]
Recompute = Literal["none", "selective", "full"]
SHARDINGS = ("none", "zero1", "zero2", "zero3")
RECOMPUTES = ("none", "selective", "full")


@dataclasses.dataclass(frozen=True)
class DistributedResult(Result):
    """One training step on a fleet, and the whole run at that speed."""

    model: str
    fleet: str
    tp_size: int
    pp_size: int
    dp_size: int
    batch_size: int
    micro_batch_size: int
    microbatches: int
    seq_len: int
    precision: str
    step_latency_total: Quantity
    compute_latency: Quantity
    bubble_latency: Quantity
    tp_communication_latency: Quantity
    pp_communication_latency: Quantity
    dp_communication_latency: Quantity
    dp_exposed_latency: Quantity
    bubble_fraction: float
    scaling_efficiency: float
    mfu: float
    throughput: Quantity
    memory_per_gpu: Quantity
    memory_breakdown: dict = dataclasses.field(repr=False)
    feasible: bool
    reason: str
    training_tokens: Quantity
    total_steps: int
    latency: Quantity
    notes: tuple[str, ...] = dataclasses.field(default=(), repr=False)


@dataclasses.dataclass(frozen=True)
class _Setup:
    """Validated, plan-independent inputs as floats (shared with the optimizer)."""

    model: TransformerWorkload
    fleet: Fleet
    batch: int
    seq: int
    precision: str
    b: float
    rate: float
    eff: float
    overlap: float
    sharding: str
    recompute: str
    optimizer: str
    hierarchical: bool


def prepare(model, fleet, batch_size, seq_len, precision, efficiency, overlap_comm, optimizer_sharding,
            recompute, optimizer, dp_algorithm) -> _Setup:
    """Validate everything that does not depend on the (tp, pp, dp) split."""
    validate.instance("model", model, TransformerWorkload, "a transformer such as Models.Llama3_70B")
    validate.instance("fleet", fleet, Fleet, "a fleet such as Systems.Clusters.Research_256")
    batch = validate.positive_int("batch_size", batch_size)
    seq = validate.positive_int("seq_len", seq_len)
    if seq > model.context_length:
        raise InvalidArgumentError("seq_len", seq, f"at most {model.name}'s context length {model.context_length}")
    prec = check_precision(precision)
    eff = validate.fraction("efficiency", efficiency)
    if optimizer_sharding not in SHARDINGS:
        raise UnknownNameError("optimizer_sharding", str(optimizer_sharding), SHARDINGS)
    if recompute not in RECOMPUTES:
        raise UnknownNameError("recompute", str(recompute), RECOMPUTES)
    if optimizer not in formulas.OPTIMIZER_STATE_BYTES:
        raise UnknownNameError("optimizer", str(optimizer), formulas.OPTIMIZER_STATE_BYTES)
    if dp_algorithm not in ("ring", "hierarchical"):
        raise UnknownNameError("dp_algorithm", str(dp_algorithm), ["ring", "hierarchical"])
    if isinstance(overlap_comm, bool):
        overlap = DEFAULT_DP_OVERLAP if overlap_comm else 0.0
    else:
        overlap = validate.fraction("overlap_comm", overlap_comm)
    rate = fleet.node.accelerator.resolve_compute(prec)[0]
    return _Setup(model, fleet, batch, seq, prec, BYTES_PER_VALUE[prec], rate, eff, overlap,
                  optimizer_sharding, recompute, optimizer, dp_algorithm == "hierarchical")


def check_split(s: _Setup, tp, pp, dp, micro_batch_size) -> tuple[int, int, int, int]:
    """Validate a (tp, pp, dp, micro batch) split of the fleet; return it as ints."""
    node = s.fleet.node
    gpus = s.fleet.total_accelerators
    tp = validate.positive_int("tp_size", tp)
    pp = validate.positive_int("pp_size", pp)
    mbs = validate.positive_int("micro_batch_size", micro_batch_size)
    if tp > node.accelerators_per_node:
        raise InvalidArgumentError("tp_size", tp, f"at most {node.accelerators_per_node}, the GPUs in one {node.name} "
                                   "(tensor parallelism stays on the intra-node link)")
    if s.model.attention_heads % tp:
        raise InvalidArgumentError("tp_size", tp, f"a divisor of {s.model.name}'s {s.model.attention_heads} attention heads")
    if pp > s.model.layers:
        raise InvalidArgumentError("pp_size", pp, f"at most {s.model.name}'s {s.model.layers} layers")
    if dp is None:
        if gpus % (tp * pp):
            raise InvalidArgumentError("tp_size*pp_size", tp * pp, f"a divisor of the fleet's {gpus} GPUs")
        dp = gpus // (tp * pp)
    dp = validate.positive_int("dp_size", dp)
    if tp * pp * dp != gpus:
        raise InvalidArgumentError("dp_size", dp, f"tp_size × pp_size × dp_size = {gpus} GPUs (got {tp}×{pp}×{dp})")
    if s.batch % dp:
        raise InvalidArgumentError("batch_size", s.batch, f"a multiple of dp_size={dp}")
    if (s.batch // dp) % mbs:
        raise InvalidArgumentError("micro_batch_size", mbs, f"a divisor of the {s.batch // dp} sequences per DP rank")
    return tp, pp, dp, mbs


def step_terms(s: _Setup, tp: int, pp: int, dp: int, mbs: int) -> dict[str, float]:
    """Every term of one step, in seconds and bytes (the optimizer's hot path)."""
    model, node, fabric = s.model, s.fleet.node, s.fleet.fabric
    gpus = tp * pp * dp
    m = s.batch // dp // mbs
    tokens = s.batch * s.seq
    args = (model._matmul_params, model.layers, s.seq, model._attention_dim)
    model_flops = tokens * formulas.training_flops_per_token(*args)
    hw_flops = tokens * formulas.training_flops_per_token(*args, recompute=s.recompute == "full")
    stage_layers = math.ceil(model.layers / pp)
    imbalance = stage_layers * pp / model.layers
    t_compute = hw_flops / (gpus * s.rate * s.eff) * imbalance
    bubble = formulas.pipeline_bubble_fraction(pp, m)
    t_bubble = t_compute * (pp - 1) / m

    activation_msg = mbs * s.seq * model.hidden_size * s.b
    n_allreduce = 6 if s.recompute == "full" else 4
    t_tp = stage_layers * m * n_allreduce * formulas.ring_allreduce_time(
        activation_msg, tp, node._link_bw, node._link_latency) if tp > 1 else 0.0
    t_pp = 2 * m * formulas.point_to_point_time(activation_msg / tp, fabric._port_bw, fabric._latency) if pp > 1 else 0.0

    params_gpu = model._params / (tp * pp) * imbalance
    grads = params_gpu * s.b
    t_dp = _dp_allreduce(s, grads, tp, dp) * (1.5 if s.sharding == "zero3" else 1.0)
    t_dp_exposed = max(0.0, t_dp - s.overlap * (2 / 3) * t_compute / m)
    step = t_compute + t_bubble + t_tp + t_pp + t_dp_exposed

    memory = _memory(s, params_gpu, stage_layers, tp, pp, dp, mbs, m)
    return {
        "gpus": gpus, "m": m, "model_flops": model_flops, "t_compute": t_compute, "t_bubble": t_bubble,
        "bubble": bubble, "t_tp": t_tp, "t_pp": t_pp, "t_dp": t_dp, "t_dp_exposed": t_dp_exposed, "step": step,
        "mfu": model_flops / (step * gpus * s.rate), "scaling": t_compute / step, **memory,
    }


def _dp_allreduce(s: _Setup, message: float, tp: int, dp: int) -> float:
    """Time of the gradient all-reduce of ``message`` bytes over ``dp`` ranks."""
    if dp == 1:
        return 0.0
    node, fabric = s.fleet.node, s.fleet.fabric
    local = min(dp, max(1, node.accelerators_per_node // tp))  # DP ranks sharing a node
    nodes = dp // local
    nic_bw = fabric._port_bw * node._nics / node.accelerators_per_node
    if nodes == 1:
        return formulas.ring_allreduce_time(message, dp, node._link_bw, node._link_latency)
    if s.hierarchical and local > 1:
        return formulas.hierarchical_allreduce_time(
            message, local, nodes, node._link_bw, node._link_latency, nic_bw, fabric._latency)
    return formulas.ring_allreduce_time(message, dp, nic_bw, fabric._latency)


def _memory(s: _Setup, params_gpu, stage_layers, tp, pp, dp, mbs, m) -> dict[str, float]:
    """Bytes per GPU of weights, gradients, optimizer state and in-flight activations."""
    model = s.model
    optimizer_bytes = formulas.training_state_bytes_per_param(s.b, s.optimizer) - 2 * s.b
    weights = params_gpu * s.b / (dp if s.sharding == "zero3" else 1)
    grads = params_gpu * s.b / (dp if s.sharding in ("zero2", "zero3") else 1)
    optimizer = params_gpu * optimizer_bytes / (dp if s.sharding != "none" else 1)
    h, tokens = model.hidden_size, mbs * s.seq
    if s.recompute == "full":
        per_layer = 2 * tokens * h  # only each layer's input is kept
    else:
        per_layer = formulas.activation_bytes_per_token(
            h, 1, model.attention_heads, s.seq, flash_attention=s.recompute == "selective") * tokens / tp
    activations = per_layer * s.b / 2 * stage_layers * min(m, pp)
    total = weights + grads + optimizer + activations
    capacity = s.fleet.node.accelerator.si.memory_capacity
    return {"weights": weights, "grads": grads, "optimizer": optimizer, "activations": activations,
            "memory": total, "fits": total <= capacity, "capacity": capacity}


class DistributedModel:
    """Step time, efficiency and per-GPU memory of 3D-parallel training."""

    def solve(
        self,
        model: TransformerWorkload,
        fleet: Fleet,
        batch_size: int = DEFAULT_GLOBAL_BATCH,
        precision: str = "bf16",
        efficiency: float = DEFAULT_EFFICIENCY,
        *,
        tp_size: int = 1,
        pp_size: int = 1,
        dp_size: int | None = None,
        micro_batch_size: int = DEFAULT_MICRO_BATCH,
        seq_len: int = DEFAULT_SEQ_LEN,
        overlap_comm: bool | float = True,
        optimizer_sharding: Sharding = "zero1",
        recompute: Recompute = "selective",
        optimizer: str = DEFAULT_OPTIMIZER,
        dp_algorithm: Literal["ring", "hierarchical"] = "hierarchical",
        training_tokens=None,
    ) -> DistributedResult:
        """One training step of ``model`` on ``fleet`` split ``tp_size × pp_size × dp_size``.

        Args:
            batch_size: global batch in sequences (default 1024).
            efficiency: fraction of dense peak the compute kernels reach.
            dp_size: inferred as GPUs / (tp × pp) when omitted.
            micro_batch_size: sequences per microbatch; microbatches = batch / dp / micro_batch_size.
            overlap_comm: hide the DP all-reduce behind the backward pass (True, False, or a fraction).
            optimizer_sharding: "none", "zero1" (default: the distributed optimizer), "zero2", "zero3".
            recompute: activation recomputation, "none", "selective" (default) or "full".
            training_tokens: tokens of the whole run (default: 20 per parameter).

        Example:
            >>> r = DistributedModel().solve(Models.Llama3_70B, Systems.Clusters.Research_256, tp_size=8)
            >>> r.feasible, r.dp_size
            (True, 32)
        """
        s = prepare(model, fleet, batch_size, seq_len, precision, efficiency, overlap_comm, optimizer_sharding,
                    recompute, optimizer, dp_algorithm)
        tp, pp, dp, mbs = check_split(s, tp_size, pp_size, dp_size, micro_batch_size)
        t = step_terms(s, tp, pp, dp, mbs)
        tokens = _token_budget(model, training_tokens)
        steps = math.ceil(tokens / (s.batch * s.seq))
        reason = "" if t["fits"] else (
            f"needs {t['memory'] / 1e9:.4g} GB per GPU (weights {t['weights'] / 1e9:.3g}, gradients "
            f"{t['grads'] / 1e9:.3g}, optimizer {t['optimizer'] / 1e9:.3g}, activations {t['activations'] / 1e9:.3g}) "
            f"but a GPU holds {t['capacity'] / 1e9:.4g} GB")
        ms = lambda x: quantity(x * 1e3, "ms")  # noqa: E731
        # step_terms' values are typed float; its "m" is an int and its "fits" a bool.
        return DistributedResult(
            model=model.name, fleet=fleet.name, tp_size=tp, pp_size=pp, dp_size=dp, batch_size=s.batch,
            micro_batch_size=mbs, microbatches=cast(int, t["m"]), seq_len=s.seq, precision=s.precision,
            step_latency_total=ms(t["step"]), compute_latency=ms(t["t_compute"]), bubble_latency=ms(t["t_bubble"]),
            tp_communication_latency=ms(t["t_tp"]), pp_communication_latency=ms(t["t_pp"]),
            dp_communication_latency=ms(t["t_dp"]), dp_exposed_latency=ms(t["t_dp_exposed"]),
            bubble_fraction=t["bubble"], scaling_efficiency=t["scaling"], mfu=t["mfu"],
            throughput=quantity(s.batch * s.seq / t["step"], "token/s"),
            memory_per_gpu=readable(t["memory"], BYTES_LADDER),
            memory_breakdown={k: readable(t[k], BYTES_LADDER) for k in ("weights", "grads", "optimizer", "activations")},
            feasible=cast(bool, t["fits"]), reason=reason,
            training_tokens=quantity(tokens, "token"), total_steps=steps,
            latency=quantity(steps * t["step"] / 86400, "day"),
        )


def _token_budget(model: TransformerWorkload, training_tokens) -> float:
    if training_tokens is None:
        return formulas.chinchilla_tokens(model._params)
    if isinstance(training_tokens, ureg.Quantity):
        return validate.quantity_in("training_tokens", training_tokens, "token", "15e12 token")
    return validate.positive_number("training_tokens", training_tokens)

