"""Distributed training with 3D parallelism (tensor × pipeline × data) on a fleet.

One optimizer step of ``batch_size`` sequences of ``seq_len`` tokens, split as
Megatron-LM does [@narayanan2021megatron]: TP innermost (inside a node), then
DP, then PP.  One microbatch on one GPU is priced by the cost core
(:func:`mlsysim.cost.step_cost`, phase "training", sharded ``tp`` ways): every
operator's forward, backward and recomputation, with its size-dependent efficiency,
per-kernel cost and its tensor-parallel collectives on the scale-up link.  Per step:

* **compute** — the slowest pipeline stage (its ⌈layers / pp⌉ layers, plus the
  LM head on the last stage) × microbatches, less its TP communication;
* **TP** — the stage's tensor-parallel collectives (all-reduces, or
  reduce-scatter + all-gather with sequence parallelism), in series;
* **pipeline bubble** — (p − 1) stage-times of idle time (1F1B), a fraction
  (p − 1)/(m + p − 1) of the pipelined step;
* **PP** — activation sends between stages over the fabric;
* **DP** — the gradient all-reduce (hierarchical when a DP group spans
  GPUs inside and across nodes); with ``overlap_comm`` it hides behind the
  backward pass of the last microbatch;
* **optimizer** — the optimizer step over the GPU's (ZeRO-sharded) parameters;
* **memory per GPU** — weights, gradients and optimizer state by precision role and
  sharded by ``optimizer_sharding`` (ZeRO stages [@rajbhandari2020zero]), plus the
  activations the cost core's operators keep for the microbatches in flight
  (``recompute`` [@korthikanti2022reducing]).

``latency`` is the whole run: steps to consume ``training_tokens`` (default:
the compute-optimal 20 tokens per parameter [@hoffmann2022chinchilla]) × step time.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Literal, cast

from .. import formulas
from ..core import validate
from ..core.assumptions import DP_ALGORITHMS, RECOMPUTES, SHARDINGS, Assumptions, resolve
from ..core.errors import InvalidArgumentError, UnknownNameError
from ..core.precision import Precisions
from ..core.units import BYTES_LADDER, Quantity, quantity, readable, ureg
from ..cost import price, step_cost
from ..cost.transformer import optimizer_ops, transformer_ops
from ..hardware.types import HardwareNode
from ..models.types import TransformerWorkload
from ..systems.types import Fleet
from .result import Result

Sharding = Literal["none", "zero1", "zero2", "zero3"]
Recompute = Literal["none", "selective", "full"]


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
    optimizer_latency: Quantity
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
    """Validated, plan-independent inputs (shared with the optimizer)."""

    model: TransformerWorkload
    fleet: Fleet
    batch: int
    seq: int
    precisions: Precisions
    assumptions: Assumptions
    eff: float | None
    overlap: float
    sharding: str
    recompute: str
    state_values: int
    hierarchical: bool
    sequence_parallel: bool


def prepare(model, fleet, batch_size, seq_len, precision, efficiency, overlap_comm, optimizer_sharding,
            recompute, optimizer, dp_algorithm, assumptions=None, sequence_parallel=None) -> _Setup:
    """Validate everything that does not depend on the (tp, pp, dp) split; None means ``assumptions``' default."""
    a = resolve(assumptions)
    validate.instance("model", model, TransformerWorkload, "a transformer such as Models.Llama3_70B")
    validate.instance("fleet", fleet, Fleet, "a fleet such as Systems.Clusters.Research_256")
    batch = validate.positive_int("batch_size", a.global_batch if batch_size is None else batch_size)
    seq = validate.positive_int("seq_len", a.seq_len if seq_len is None else seq_len)
    if seq > model.context_length:
        raise InvalidArgumentError("seq_len", seq, f"at most {model.name}'s context length {model.context_length}")
    prec = Precisions.from_shorthand(a.training_precision if precision is None else precision, training=True)
    optimizer_sharding = a.optimizer_sharding if optimizer_sharding is None else optimizer_sharding
    recompute = a.recompute if recompute is None else recompute
    dp_algorithm = a.dp_algorithm if dp_algorithm is None else dp_algorithm
    eff = validate.optional_fraction("efficiency", efficiency)
    if optimizer_sharding not in SHARDINGS:
        raise UnknownNameError("optimizer_sharding", str(optimizer_sharding), SHARDINGS)
    if recompute not in RECOMPUTES:
        raise UnknownNameError("recompute", str(recompute), RECOMPUTES)
    optimizer = a.optimizer if optimizer is None else optimizer
    if optimizer not in formulas.OPTIMIZER_STATE_BYTES:
        raise UnknownNameError("optimizer", str(optimizer), formulas.OPTIMIZER_STATE_BYTES)
    if dp_algorithm not in DP_ALGORITHMS:
        raise UnknownNameError("dp_algorithm", str(dp_algorithm), DP_ALGORITHMS)
    if overlap_comm is None or isinstance(overlap_comm, bool):
        overlap = a.dp_overlap if overlap_comm in (None, True) else 0.0
    else:
        overlap = validate.fraction("overlap_comm", overlap_comm)
    sp = a.sequence_parallel if sequence_parallel is None else sequence_parallel
    if not isinstance(sp, bool):
        raise InvalidArgumentError("sequence_parallel", sp, "True or False")
    return _Setup(model, fleet, batch, seq, prec, a, eff, overlap, optimizer_sharding, recompute,
                  2 if optimizer == "adam" else 1, dp_algorithm == "hierarchical", sp)


def check_split(s: _Setup, tp, pp, dp, micro_batch_size) -> tuple[int, int, int, int]:
    """Validate a (tp, pp, dp, micro batch) split of the fleet; return it as ints."""
    node = s.fleet.node
    gpus = s.fleet.total_accelerators
    tp = validate.positive_int("tp_size", s.assumptions.tensor_parallel if tp is None else tp)
    pp = validate.positive_int("pp_size", s.assumptions.pipeline_parallel if pp is None else pp)
    mbs = validate.positive_int("micro_batch_size",
                                s.assumptions.micro_batch if micro_batch_size is None else micro_batch_size)
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


@functools.lru_cache(maxsize=4096)
def _group_sums(model: TransformerWorkload, gpu: HardwareNode, mbs: int, seq: int, precisions: Precisions,
                assumptions: Assumptions, eff: float | None, tp: int, sp: bool, link: tuple[float, float],
                recompute: str, state_values: int) -> tuple[dict[str, float], dict[str, float], dict[str, float], float]:
    """One microbatch on one GPU priced by the cost core, summed per group (embedding, layer, head):
    ``(seconds, seconds of TP communication, bytes kept for the backward pass, math rate)``."""
    cost = step_cost(model, gpu, phase="training", batch=mbs, seq=seq, precisions=precisions,
                     assumptions=assumptions, efficiency=eff, tp=tp, sequence_parallel=sp, link=link,
                     recompute=recompute, warn=False, state_values=state_values)
    b = cost.breakdown
    return b.by_group(), b.by_group(lambda r: r.t_comm), b.by_group(lambda r: r.op.saved_bytes), cost.math_rate


@functools.lru_cache(maxsize=1024)
def model_flops_per_sequence(model: TransformerWorkload, seq: int, precisions: Precisions) -> float:
    """Model FLOPs of training one sequence: the matrix FLOPs of forward and backward, without recomputation
    (the numerator of MFU), counted by the cost core."""
    ops = transformer_ops(model, "training", 1, seq, precisions, flash=False)
    return sum(op.count * op.flops for op in ops if op.matmul)


def step_terms(s: _Setup, tp: int, pp: int, dp: int, mbs: int) -> dict[str, float]:
    """Every term of one step, in seconds and bytes (the optimizer's hot path)."""
    model, node, fabric = s.model, s.fleet.node, s.fleet.fabric
    gpu = node.accelerator
    gpus = tp * pp * dp
    m = s.batch // dp // mbs
    time, comm, saved, math_rate = _group_sums(
        model, gpu, mbs, s.seq, s.precisions, s.assumptions, s.eff, tp, s.sequence_parallel and tp > 1,
        (node.link_bandwidth, node.link_latency), s.recompute, s.state_values)
    stage_layers = math.ceil(model.layers / pp)
    per_layer = stage_layers / model.layers
    ends: tuple[str, ...]
    if pp == 1:
        ends = ("embedding", "head")
    else:  # the first stage holds the embedding, the last the LM head: the slower one sets the pace
        first = time["embedding"] - comm["embedding"]
        ends = ("head",) if time["head"] - comm["head"] >= first else ("embedding",)
    stage = per_layer * time["layer"] + sum(time[g] for g in ends)
    stage_tp = per_layer * comm["layer"] + sum(comm[g] for g in ends)
    t_tp = m * stage_tp
    t_compute = m * stage - t_tp
    bubble = formulas.pipeline_bubble_fraction(pp, m)
    t_bubble = (pp - 1) * stage

    activation_msg = mbs * s.seq * model.hidden_size * s.precisions.bytes("communication")
    t_pp = 2 * m * formulas.point_to_point_time(activation_msg / tp, fabric.port_bandwidth,
                                                fabric.latency_s) if pp > 1 else 0.0

    params_gpu = model.parameter_count * per_layer / tp  # the slowest stage's share, uneven stages included
    t_dp = _dp_allreduce(s, params_gpu * s.precisions.bytes("communication"), tp, dp) * (
        s.assumptions.zero3_traffic_factor if s.sharding == "zero3" else 1.0)
    t_dp_exposed = max(0.0, t_dp - s.overlap * s.assumptions.backward_compute_share * t_compute / m)
    shards = dp if s.sharding != "none" else 1
    t_optimizer = price(optimizer_ops(params_gpu, s.precisions, shards=shards, state_values=s.state_values), gpu,
                        math_rate, s.assumptions, efficiency=s.eff).time
    step = t_compute + t_tp + t_bubble + t_pp + t_dp_exposed + t_optimizer

    kept = per_layer * saved["layer"] * min(m, pp) + saved["head"] + (saved["embedding"] if pp == 1 else 0.0)
    memory = _memory(s, params_gpu, dp, kept)
    model_flops = s.batch * model_flops_per_sequence(model, s.seq, s.precisions)
    return {
        "gpus": gpus, "m": m, "model_flops": model_flops, "t_compute": t_compute, "t_bubble": t_bubble,
        "bubble": bubble, "t_tp": t_tp, "t_pp": t_pp, "t_dp": t_dp, "t_dp_exposed": t_dp_exposed,
        "t_optimizer": t_optimizer, "step": step, "mfu": model_flops / (step * gpus * math_rate),
        "scaling": t_compute / step, **memory,
    }


def _dp_allreduce(s: _Setup, message: float, tp: int, dp: int) -> float:
    """Time of the gradient all-reduce of ``message`` bytes over ``dp`` ranks."""
    if dp == 1:
        return 0.0
    node, fabric = s.fleet.node, s.fleet.fabric
    local = min(dp, max(1, node.accelerators_per_node // tp))  # DP ranks sharing a node
    nodes = dp // local
    nic_bw = fabric.port_bandwidth * node.nics / node.accelerators_per_node
    if nodes == 1:
        return formulas.ring_allreduce_time(message, dp, node.link_bandwidth, node.link_latency)
    if s.hierarchical and local > 1:
        return formulas.hierarchical_allreduce_time(
            message, local, nodes, node.link_bandwidth, node.link_latency, nic_bw, fabric.latency_s)
    return formulas.ring_allreduce_time(message, dp, nic_bw, fabric.latency_s)


def _memory(s: _Setup, params_gpu: float, dp: int, activations: float) -> dict[str, float]:
    """Bytes per GPU of weights, gradients, optimizer state (by precision role, ZeRO-sharded) and activations."""
    p = s.precisions
    weights = params_gpu * p.bytes("weights") / (dp if s.sharding == "zero3" else 1)
    grads = params_gpu * p.bytes("gradients") / (dp if s.sharding in ("zero2", "zero3") else 1)
    optimizer = params_gpu * p.optimizer_bytes_per_param(s.state_values) / (dp if s.sharding != "none" else 1)
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
        batch_size: int | None = None,
        precision: str | Precisions | None = None,
        efficiency: float | None = None,
        *,
        tp_size: int | None = None,
        pp_size: int | None = None,
        dp_size: int | None = None,
        micro_batch_size: int | None = None,
        seq_len: int | None = None,
        overlap_comm: bool | float | None = None,
        optimizer_sharding: Sharding | None = None,
        recompute: Recompute | None = None,
        optimizer: str | None = None,
        dp_algorithm: Literal["ring", "hierarchical"] | None = None,
        sequence_parallel: bool | None = None,
        training_tokens=None,
        assumptions: Assumptions | None = None,
    ) -> DistributedResult:
        """One training step of ``model`` on ``fleet`` split ``tp_size × pp_size × dp_size``.

        Args:
            batch_size: global batch in sequences (default ``assumptions.global_batch``).
            precision: a seed-style string expanded by role for training (bf16 weights and activations,
                fp32 gradients, master weights and optimizer state), or a ``Precisions``
                (default ``assumptions.training_precision``).
            efficiency: a flat fraction of dense peak for every operator; default None: the cost core's
                size-dependent curves.
            tp_size, pp_size: tensor- and pipeline-parallel degrees (default ``assumptions.tensor_parallel``
                and ``pipeline_parallel``).
            dp_size: inferred as GPUs / (tp × pp) when omitted.
            micro_batch_size: sequences per microbatch (default ``assumptions.micro_batch``);
                microbatches = batch / dp / micro_batch_size.
            seq_len: tokens per sequence (default ``assumptions.seq_len``).
            overlap_comm: hide the DP all-reduce behind the backward pass (True, False, or a fraction;
                default and True: ``assumptions.dp_overlap``).
            optimizer_sharding: "none", "zero1", "zero2", "zero3" (default ``assumptions.optimizer_sharding``).
            recompute: activation recomputation, "none", "selective" or "full" (default ``assumptions.recompute``).
            dp_algorithm: "ring" or "hierarchical" (default ``assumptions.dp_algorithm``).
            optimizer: "adam" or "sgd" (default ``assumptions.optimizer``).
            sequence_parallel: shard norms over the sequence under TP (default ``assumptions.sequence_parallel``).
            training_tokens: tokens of the whole run (default: 20 per parameter).
            assumptions: the modelling defaults (``mlsysim.Assumptions``).

        Example:
            >>> r = DistributedModel().solve(Models.Llama3_70B, Systems.Clusters.Research_256, tp_size=8)
            >>> r.feasible, r.dp_size
            (True, 32)
        """
        s = prepare(model, fleet, batch_size, seq_len, precision, efficiency, overlap_comm, optimizer_sharding,
                    recompute, optimizer, dp_algorithm, assumptions, sequence_parallel)
        tp, pp, dp, mbs = check_split(s, tp_size, pp_size, dp_size, micro_batch_size)
        t = step_terms(s, tp, pp, dp, mbs)
        tokens = _token_budget(model, training_tokens)
        steps = math.ceil(tokens / (s.batch * s.seq))
        reason = "" if t["fits"] else (
            f"needs {t['memory'] / 1e9:.4g} GB per GPU (weights {t['weights'] / 1e9:.3g}, gradients "
            f"{t['grads'] / 1e9:.3g}, optimizer {t['optimizer'] / 1e9:.3g}, activations {t['activations'] / 1e9:.3g}) "
            f"but a GPU holds {t['capacity'] / 1e9:.4g} GB")
        ms = lambda x: quantity(x * 1e3, "ms")  # noqa: E731
        p = s.precisions
        # step_terms' values are typed float; its "m" is an int and its "fits" a bool.
        return DistributedResult(
            model=model.name, fleet=fleet.name, tp_size=tp, pp_size=pp, dp_size=dp, batch_size=s.batch,
            micro_batch_size=mbs, microbatches=cast(int, t["m"]), seq_len=s.seq,
            precision=p.math if p.math != p.weights else p.weights,
            step_latency_total=ms(t["step"]), compute_latency=ms(t["t_compute"]), bubble_latency=ms(t["t_bubble"]),
            tp_communication_latency=ms(t["t_tp"]), pp_communication_latency=ms(t["t_pp"]),
            dp_communication_latency=ms(t["t_dp"]), dp_exposed_latency=ms(t["t_dp_exposed"]),
            optimizer_latency=ms(t["t_optimizer"]),
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
        return formulas.chinchilla_tokens(model.parameter_count)
    if isinstance(training_tokens, ureg.Quantity):
        return validate.quantity_in("training_tokens", training_tokens, "token", "15e12 token")
    return validate.positive_number("training_tokens", training_tokens)

