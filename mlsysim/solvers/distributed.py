"""Distributed training with 5-D parallelism: tensor × context × expert × data × pipeline.

One optimizer step of `batch_size` sequences of `seq_len` tokens, split as
Megatron-LM does [@narayanan2021megatron; @nvidia2024megatronlm]: TP innermost (inside a
node), then CP (each sequence split over `cp` GPUs [@liu2023ringattention]), then EP
(a mixture of experts' experts spread over `ep` of the data-parallel ranks), then DP, then
PP.  One microbatch on one GPU is priced by the cost core (`mlsysim.cost.step_cost`,
phase "training"): every operator's forward, backward and recomputation, with its
size-dependent efficiency, per-kernel cost and its collectives, each on its own link
(NVLink inside the node, the fabric outside).  Per step:

* **stages** — the layers are laid out so the slowest stage is as fast as integers allow:
  the first stage also runs the embedding, the last the LM head and loss, so they get fewer
  layers (as Llama 3 did [@dubey2024llama3]);
* **compute** — the slowest stage × microbatches, less its exposed communication;
* **TP / CP / EP** — each group's collectives, in series; ring attention's key/value exchange
  hides behind the attention it feeds (unless `cp_comm_overlap` is off, as for an all-gather
  before the attention), and TP's behind the GEMMs with `tp_comm_overlap`;
* **pipeline bubble** — the idle time of the `schedule` (1F1B, interleaved over
  `virtual_stages`, or zero-bubble ZB-H1 [@qi2024zerobubble]; `mlsysim.formulas.parallel`);
* **PP** — activation sends between stages: the steady state overlaps them with compute, the
  fill and drain do not;
* **DP** — the gradient reduce-scatter (fp32) and parameter all-gather (hierarchical when a group
  spans GPUs inside and across nodes); ZeRO-3/FSDP gathers the parameters for every microbatch's
  forward and backward.  Gradient syncs hide behind the last backward pass (`overlap_comm`);
* **optimizer** — the optimizer step over the GPU's (sharded) parameters;
* **memory per GPU** — per stage: weights, fp32 gradients, master weights and optimizer state
  sharded by `optimizer_sharding` (ZeRO stages [@rajbhandari2020zero]; FSDP shards like ZeRO-3),
  the activations the cost core's operators keep (SwiGLU, GQA, the logits buffer; `recompute`
  [@korthikanti2022reducing] and `flash_attention` are separate switches) for the microbatches
  the schedule keeps in flight; feasible only with `Assumptions.training_memory_reserve` left over.

`latency` is the whole run: steps to consume `training_tokens` (default:
the compute-optimal 20 tokens per parameter [@hoffmann2022chinchilla]) × step time.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Any, Literal

import numpy as np

from .. import formulas
from ..core import validate
from ..core.assumptions import DP_ALGORITHMS, RECOMPUTES, SHARDINGS, Assumptions, resolve
from ..core.errors import InvalidArgumentError
from ..core.precision import Precisions
from ..core.units import BYTES_LADDER, Quantity, quantity, readable, ureg
from ..cost import price, step_cost
from ..cost.transformer import optimizer_ops, transformer_ops
from ..formulas.parallel import SCHEDULES
from ..hardware.types import HardwareNode
from ..models.types import TransformerWorkload, decoder_only
from ..systems.types import Fleet
from .result import Result

Sharding = Literal["none", "zero1", "zero2", "zero3", "fsdp"]
Recompute = Literal["none", "selective", "full"]
Schedule = Literal["1f1b", "interleaved", "zb-h1"]
FULL_SHARDS = ("zero3", "fsdp")  # the parameters themselves are sharded
TERM_KEYS = {"compute": "t_compute", "tp": "t_tp", "cp": "t_cp", "ep": "t_ep", "bubble": "t_bubble",
             "pp": "t_pp_exposed", "dp": "t_dp_exposed", "optimizer": "t_optimizer"}  # a step's terms, as plan_terms names them
PLAN_ARGUMENTS = ("tp_size", "pp_size", "dp_size", "cp_size", "ep_size", "micro_batch_size", "virtual_stages",
                  "schedule", "recompute", "optimizer_sharding")  # the keywords of check_plan and of a solve


@dataclasses.dataclass(frozen=True)
class DistributedResult(Result):
    """One training step on a fleet, and the whole run at that speed: what `DistributedModel.solve` returns.

    Times are per step (ms) unless named otherwise; memory is per GPU on the busiest pipeline stage.

    Attributes:
        model: the model's name.
        fleet: the fleet's name.
        tp_size: tensor-parallel degree.
        pp_size: pipeline stages.
        dp_size: data-parallel replicas.
        batch_size: global batch, sequences.
        micro_batch_size: sequences per microbatch.
        microbatches: microbatches per step on each replica (batch / dp / micro batch).
        seq_len: tokens per sequence.
        precision: the precision of the matrix math.
        step_latency_total: one step (ms): compute, bubble and the exposed communication.
        compute_latency: the busiest stage's compute (ms), recomputation included.
        bubble_latency: pipeline idle time (ms).
        tp_communication_latency: tensor-parallel collectives (ms).
        pp_communication_latency: pipeline sends between stages (ms).
        dp_communication_latency: the data-parallel gradient synchronization (ms), hidden or not.
        dp_exposed_latency: the part of it the backward pass does not hide (ms).
        optimizer_latency: the optimizer step (ms).
        bubble_fraction: bubble / step.
        scaling_efficiency: compute / step: the share of the step spent computing.
        mfu: model FLOPs utilization: model FLOPs per second / the fleet's dense peak.
        throughput: tokens/s of the whole fleet.
        memory_per_gpu: bytes one GPU holds (weights, gradients, optimizer state, activations, reserve).
        memory_breakdown: `memory_per_gpu` by kind ("weights", "grads", "optimizer", "activations", "reserve").
        feasible: whether the plan fits in memory.
        reason: why it does not ("" when it does).
        training_tokens: tokens of the whole run.
        total_steps: steps of the whole run.
        latency: wall-clock time of the whole run at this step time (days).
        cp_size: context-parallel degree.
        ep_size: expert-parallel degree (inside dp × cp).
        virtual_stages: model chunks per GPU (interleaved schedule).
        schedule: the pipeline schedule ("1f1b", "interleaved" or "zb-h1").
        recompute: activation recomputation ("none", "selective" or "full").
        optimizer_sharding: how the optimizer state is sharded ("none", "zero1", "zero2", "zero3" or "fsdp").
        cp_communication_latency: context-parallel exchanges (ms).
        ep_communication_latency: expert-parallel all-to-alls (ms).
        pp_exposed_latency: pipeline sends left on the critical path (ms).
        stage_layers: transformer layers of the first, middle and last pipeline stages.
        step_breakdown: the step's terms by name ("compute", "tp", "cp", "ep", "bubble", "pp", "dp",
            "optimizer"), in ms.
        notes: warnings worth reading.

    Example:
        >>> from mlsysim import DistributedModel, Models, Systems
        >>> r = DistributedModel().solve(Models.Llama3_70B, Systems.Clusters.Research_256, tp_size=8)
        >>> r.dp_size, r.microbatches, sorted(r.memory_breakdown)
        (32, 32, ['activations', 'grads', 'optimizer', 'reserve', 'weights'])
        >>> print(f"MFU {r.mfu:.0%}, the run takes {r.latency:.0f~P}")
        MFU ...%, the run takes ... d
    """

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
    cp_size: int = 1
    ep_size: int = 1
    virtual_stages: int = 1
    schedule: str = "1f1b"
    recompute: str = "selective"
    optimizer_sharding: str = "zero1"
    cp_communication_latency: Quantity | None = dataclasses.field(default=None, repr=False)
    ep_communication_latency: Quantity | None = dataclasses.field(default=None, repr=False)
    pp_exposed_latency: Quantity | None = dataclasses.field(default=None, repr=False)
    stage_layers: tuple[int, int, int] = dataclasses.field(default=(0, 0, 0), repr=False)
    step_breakdown: dict = dataclasses.field(default_factory=dict, repr=False)
    notes: tuple[str, ...] = dataclasses.field(default=(), repr=False)


@dataclasses.dataclass(frozen=True)
class Plan:
    """One way to split a training step over a fleet (validated by `check_plan`)."""

    tp: int
    pp: int
    dp: int
    cp: int = 1
    ep: int = 1
    micro_batch: int = 1
    virtual_stages: int = 1
    schedule: str = "1f1b"
    recompute: str = "selective"
    sharding: str = "zero1"

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "pp": self.pp, "dp": self.dp, "cp": self.cp, "ep": self.ep,
                "micro_batch_size": self.micro_batch, "virtual_stages": self.virtual_stages,
                "schedule": self.schedule, "recompute": self.recompute, "optimizer_sharding": self.sharding}


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
    state_values: int
    hierarchical: bool
    sequence_parallel: bool


def prepare(model, fleet, batch_size, seq_len, precision, efficiency, overlap_comm, optimizer, dp_algorithm,
            assumptions=None, sequence_parallel=None, flash_attention=None) -> _Setup:
    """Validate everything that does not depend on the plan; None means `assumptions`' default."""
    a = resolve(assumptions)
    decoder_only(model, "Llama3_70B")
    validate.instance("fleet", fleet, Fleet, "a fleet such as Systems.Clusters.Research_256")
    batch = validate.positive_int("batch_size", a.global_batch if batch_size is None else batch_size)
    seq = validate.positive_int("seq_len", a.seq_len if seq_len is None else seq_len)
    if seq > model.context_length:
        raise InvalidArgumentError("seq_len", seq, f"at most {model.name}'s context length {model.context_length}")
    prec = Precisions.from_shorthand(a.training_precision if precision is None else precision, training=True)
    dp_algorithm = a.dp_algorithm if dp_algorithm is None else dp_algorithm
    eff = validate.optional_fraction("efficiency", efficiency)
    optimizer = a.optimizer if optimizer is None else optimizer
    validate.choice("optimizer", optimizer, formulas.OPTIMIZER_STATE_BYTES)
    validate.choice("dp_algorithm", dp_algorithm, DP_ALGORITHMS)
    if overlap_comm is None or isinstance(overlap_comm, bool):
        overlap = a.dp_overlap if overlap_comm in (None, True) else 0.0
    else:
        overlap = validate.fraction("overlap_comm", overlap_comm)
    sp = a.sequence_parallel if sequence_parallel is None else sequence_parallel
    if not isinstance(sp, bool):
        raise InvalidArgumentError("sequence_parallel", sp, "True or False")
    if flash_attention is not None:
        if not isinstance(flash_attention, bool):
            raise InvalidArgumentError("flash_attention", flash_attention, "True or False")
        if flash_attention != a.flash_attention:
            a = a.replace(flash_attention=flash_attention)
    return _Setup(model, fleet, batch, seq, prec, a, eff, overlap, 2 if optimizer == "adam" else 1,
                  dp_algorithm == "hierarchical", sp)


def check_plan(s: _Setup, *, tp_size=None, pp_size=None, dp_size=None, cp_size=None, ep_size=None,
               micro_batch_size=None, virtual_stages=None, schedule=None, recompute=None,
               optimizer_sharding=None) -> Plan:
    """Validate one plan on the fleet, named as `DistributedModel.solve` names it (None: `assumptions`'
    default; `dp_size` inferred from the GPUs)."""
    a, model = s.assumptions, s.model
    node = s.fleet.node
    gpus = s.fleet.total_accelerators
    tp = validate.positive_int("tp_size", a.tensor_parallel if tp_size is None else tp_size)
    pp = validate.positive_int("pp_size", a.pipeline_parallel if pp_size is None else pp_size)
    cp = validate.positive_int("cp_size", a.context_parallel if cp_size is None else cp_size)
    ep = validate.positive_int("ep_size", 1 if ep_size is None else ep_size)
    dp = dp_size
    mbs = validate.positive_int("micro_batch_size", a.micro_batch if micro_batch_size is None else micro_batch_size)
    recompute = a.recompute if recompute is None else recompute
    sharding = a.optimizer_sharding if optimizer_sharding is None else optimizer_sharding
    validate.choice("recompute", recompute, RECOMPUTES)
    validate.choice("optimizer_sharding", sharding, SHARDINGS)
    if tp > node.accelerators_per_node:
        raise InvalidArgumentError("tp_size", tp, f"at most {node.accelerators_per_node}, the GPUs in one {node.name} "
                                   "(tensor parallelism stays on the intra-node link)")
    if model.attention_heads % tp:
        raise InvalidArgumentError("tp_size", tp, f"a divisor of {model.name}'s {model.attention_heads} attention heads")
    if pp > model.layers:
        raise InvalidArgumentError("pp_size", pp, f"at most {model.name}'s {model.layers} layers")
    if cp > 1 and s.seq % (2 * cp):
        raise InvalidArgumentError("cp_size", cp, f"a divisor of half the {s.seq}-token sequence (each GPU takes two "
                                   "chunks, one early and one late, to balance causal attention)")
    if ep > 1 and not model.is_moe:
        raise InvalidArgumentError("ep_size", ep, f"1: {model.name} is a dense model (expert parallelism spreads a "
                                   "mixture of experts' experts)")
    if ep > 1 and model.experts % ep:
        raise InvalidArgumentError("ep_size", ep, f"a divisor of {model.name}'s {model.experts} experts")
    if dp is None:
        if gpus % (tp * cp * pp):
            raise InvalidArgumentError("tp_size*cp_size*pp_size", tp * cp * pp, f"a divisor of the fleet's {gpus} GPUs")
        dp = gpus // (tp * cp * pp)
    dp = validate.positive_int("dp_size", dp)
    if tp * cp * pp * dp != gpus:
        raise InvalidArgumentError("dp_size", dp, f"tp_size × cp_size × pp_size × dp_size = {gpus} GPUs "
                                   f"(got {tp}×{cp}×{pp}×{dp})")
    if (dp * cp) % ep:
        raise InvalidArgumentError("ep_size", ep, f"a divisor of dp_size × cp_size = {dp * cp} (expert-parallel "
                                   "groups are carved out of the data-parallel ranks)")
    if s.batch % dp:
        raise InvalidArgumentError("batch_size", s.batch, f"a multiple of dp_size={dp}")
    if (s.batch // dp) % mbs:
        raise InvalidArgumentError("micro_batch_size", mbs, f"a divisor of the {s.batch // dp} sequences per DP rank")
    m = s.batch // dp // mbs
    v = validate.positive_int("virtual_stages", a.virtual_stages if virtual_stages is None else virtual_stages)
    if schedule is None:
        schedule = "interleaved" if v > 1 else a.pipeline_schedule
    validate.choice("schedule", schedule, SCHEDULES)
    if schedule == "interleaved":
        if v < 2:
            raise InvalidArgumentError("virtual_stages", v, "at least 2 for the interleaved schedule")
        if pp < 2:
            raise InvalidArgumentError("schedule", schedule, "'1f1b' without a pipeline (pp_size=1)")
        if v > -(-model.layers // pp):  # a chunk holds at least one layer (the end stages' may hold none)
            raise InvalidArgumentError("virtual_stages", v, f"at most {-(-model.layers // pp)} ({model.name}'s "
                                       f"{model.layers} layers over {pp} stages)")
        if m % pp:
            raise InvalidArgumentError("micro_batch_size", mbs, f"one that gives a multiple of pp_size={pp} "
                                       f"microbatches (the interleaved schedule needs it; got {m})")
    elif v > 1:
        raise InvalidArgumentError("virtual_stages", v, f"1 for the {schedule!r} schedule (only 'interleaved' "
                                   "splits a stage into chunks)")
    return Plan(tp, pp, dp, cp, ep, mbs, v, schedule, recompute, sharding)


@dataclasses.dataclass(frozen=True)
class MicrobatchCost:
    """One microbatch on one GPU, from the cost core: seconds (and bytes kept) per layer and at either end."""

    layer_time: float
    layer_tp: float
    layer_cp: float
    layer_ep: float
    layer_attention: float
    layer_gemm_compute: float
    layer_weight_grad: float
    layer_saved: float
    embedding_time: float
    embedding_tp: float
    embedding_saved: float
    head_time: float
    head_saved: float
    math_rate: float


def nic_link(s: _Setup) -> tuple[float, float]:
    """`(bytes/s one direction, latency s)` of one GPU's share of its node's NICs on the fleet's fabric."""
    node, fabric = s.fleet.node, s.fleet.fabric
    return fabric.port_bandwidth * node.nics / node.accelerators_per_node, fabric.latency_s


def links(s: _Setup, tp: int, cp: int, ep: int) -> tuple[tuple[float, float], tuple[tuple[str, tuple[float, float]], ...]]:
    """`(tensor-parallel link, other groups' links)`: NVLink for a group inside one node, else the GPU's share
    of the node's NICs on the fabric."""
    node = s.fleet.node
    nvlink, nic = (node.link_bandwidth, node.link_latency), nic_link(s)
    per_node = node.accelerators_per_node
    return nvlink, (("cp", nvlink if tp * cp <= per_node else nic), ("ep", nvlink if tp * cp * ep <= per_node else nic))


@functools.lru_cache(maxsize=8192)
def _microbatch(model: TransformerWorkload, gpu: HardwareNode, mbs: int, seq: int, precisions: Precisions,
                assumptions: Assumptions, eff: float | None, tp: int, cp: int, ep: int, sp: bool,
                link: tuple[float, float], group_links: tuple, recompute: str, state_values: int) -> MicrobatchCost:
    cost = step_cost(model, gpu, phase="training", batch=mbs, seq=seq, precisions=precisions, assumptions=assumptions,
                     efficiency=eff, tp=tp, sequence_parallel=sp, link=link, recompute=recompute, warn=False,
                     state_values=state_values, ep=ep, cp=cp, group_links=group_links)
    sums = {g: dict.fromkeys(("time", "tp", "cp", "ep", "attention", "gemm", "wgrad", "saved"), 0.0)
            for g in ("embedding", "layer", "head", "step")}
    for r in cost.breakdown.rows:
        op, n, acc = r.op, r.op.count, sums[r.op.group]
        acc["time"] += n * r.time
        acc["saved"] += n * op.saved_bytes
        if op.collective is not None:
            acc[op.collective.group] += n * r.t_comm
        if op.kind == "attention":
            acc["attention"] += n * (r.time - r.t_comm)
        if op.kind == "gemm":
            acc["gemm"] += n * r.t_compute
            if op.backward:  # half of a GEMM's backward computes the weight gradient
                acc["wgrad"] += n * (r.time - r.t_comm) / 2
    layers = model.layers
    lay, emb, head = sums["layer"], sums["embedding"], sums["head"]
    return MicrobatchCost(
        lay["time"] / layers, lay["tp"] / layers, lay["cp"] / layers, lay["ep"] / layers, lay["attention"] / layers,
        lay["gemm"] / layers, lay["wgrad"] / layers, lay["saved"] / layers,
        emb["time"], emb["tp"], emb["saved"], head["time"], head["saved"], cost.math_rate)


def microbatch_cost(s: _Setup, tp: int, cp: int, ep: int, mbs: int, recompute: str) -> MicrobatchCost:
    """The cost core's price of one microbatch on one GPU under this split (memoized)."""
    link, group_links = links(s, tp, cp, ep)
    return _microbatch(s.model, s.fleet.node.accelerator, mbs, s.seq, s.precisions, s.assumptions, s.eff, tp, cp, ep,
                       s.sequence_parallel and tp > 1, link, group_links, recompute, s.state_values)


@functools.lru_cache(maxsize=1024)
def model_flops_per_sequence(model: TransformerWorkload, seq: int, precisions: Precisions) -> float:
    """Model FLOPs of training one sequence: the matrix FLOPs of forward and backward, without recomputation
    (the numerator of MFU; a mixture of experts counts the experts its tokens route to), counted by the cost core."""
    ops = transformer_ops(model, "training", 1, seq, precisions, flash=False)
    return sum(op.count * op.flops for op in ops if op.matmul)


@functools.lru_cache(maxsize=256)
def _optimizer_seconds_per_parameter(gpu: HardwareNode, precisions: Precisions, assumptions: Assumptions,
                                     eff: float | None, state_values: int, math_rate: float) -> float:
    """The optimizer step priced by the cost core over a billion parameters, per parameter (it streams its
    state at full bandwidth, so its time is linear in the parameters it updates)."""
    n = 1e9
    return price(optimizer_ops(n, precisions, state_values=state_values), gpu, math_rate, assumptions,
                 efficiency=eff).time / n


@functools.lru_cache(maxsize=256)
def parameter_layout(model: TransformerWorkload) -> tuple[float, float, float, float]:
    """`(dense parameters per layer, routed-expert parameters per layer, embedding, LM head)`: where a
    model's parameters sit for a pipeline (averaged over the layers; the head is the output projection and
    final norm, which a tied model shares with the embedding when one stage holds both)."""
    h, vocab = model.hidden_size, model.vocab_size
    embedding = vocab * h + model.learned_positions * h
    head = vocab * h + h
    routed = model.moe_layer_count * model.experts * model.expert_parameters if model.is_moe else 0.0
    body = model.parameter_count - embedding - (0 if model.tied_embeddings else vocab * h) - h
    return max(body - routed, 0.0) / model.layers, routed / model.layers, embedding, head


def _allreduce(message, ranks, local, s: _Setup):
    """Seconds of an all-reduce of `message` bytes over `ranks` GPUs, `local` of them per node (vectorized):
    a ring on NVLink inside one node; across nodes hierarchical (reduce-scatter inside, ring across on each GPU's
    NIC, all-gather inside) or one flat ring on the fabric [@thakur2005collectives]."""
    node = s.fleet.node
    bw_in, lat_in = node.link_bandwidth, node.link_latency
    nic, lat_out = nic_link(s)
    ranks = np.maximum(ranks, 1)
    local = np.minimum(np.maximum(local, 1), ranks)
    nodes = ranks / local
    inside = formulas.ring_allreduce_bytes(message, ranks) / bw_in + 2 * (ranks - 1) * lat_in
    hier = (2 * ((local - 1) / local * message / bw_in + (local - 1) * lat_in)
            + formulas.ring_allreduce_bytes(message / local, np.maximum(nodes, 1)) / nic + 2 * (nodes - 1) * lat_out)
    flat = formulas.ring_allreduce_bytes(message, ranks) / nic + 2 * (ranks - 1) * lat_out
    across = hier if s.hierarchical else flat
    across = np.where(local > 1, across, flat)
    return np.where(ranks <= 1, 0.0, np.where(nodes <= 1, inside, across))


def plan_terms(s: _Setup, c: dict[str, Any]) -> dict[str, Any]:
    """Every term of one step for each plan in `c` (NumPy arrays, one entry per plan, or scalars): seconds,
    bytes and the stage layout.

    `c` holds the plan (`tp pp dp cp ep mbs v m`, and `schedule`, `recompute`, `sharding` as
    strings or arrays of them) and its microbatch cost's fields (`MicrobatchCost`, same names).
    """
    a, model, p_ = s.assumptions, s.model, s.precisions
    node = s.fleet.node
    per_node = node.accelerators_per_node
    tp, pp, dp, cp, ep, mbs, v, m = (np.asarray(c[k], dtype=float) for k in ("tp", "pp", "dp", "cp", "ep", "mbs", "v", "m"))
    schedule, sharding = np.asarray(c["schedule"]), np.asarray(c["sharding"])
    L = float(model.layers)

    # Exposed communication per layer: ring attention hides its exchange behind attention; TP under the GEMMs
    # when asked to.
    hidden_cp = (np.minimum(c["layer_cp"], c["layer_attention"]) if a.cp_comm_overlap
                 else 0.0 * c["layer_cp"])
    hidden_tp = np.minimum(c["layer_tp"], c["layer_gemm_compute"]) if a.tp_comm_overlap else 0.0 * c["layer_tp"]
    t = c["layer_time"] - hidden_cp - hidden_tp
    te, th = c["embedding_time"], c["head_time"]

    # Stage layout: middle stages ⌈L/p⌉ layers; the first and last share the rest, balanced against the
    # embedding and the head.
    single = pp == 1
    n_mid = np.where(pp >= 3, np.ceil(L / pp), 0.0)
    rest = np.where(pp >= 3, np.maximum(L - (pp - 2) * n_mid, 0.0), np.where(pp == 2, L, 0.0))
    x = np.floor((rest * t + th - te) / (2 * t))
    lo, hi = np.clip(x, 0.0, rest), np.clip(x + 1, 0.0, rest)
    slowest = lambda n_f: np.maximum(n_f * t + te, (rest - n_f) * t + th)  # noqa: E731
    n_first = np.where(slowest(lo) <= slowest(hi), lo, hi)
    n_last = rest - n_first
    n_first, n_last = np.where(single, L, n_first), np.where(single, L, n_last)
    first = np.where(single, L * t + te + th, n_first * t + te)
    last = np.where(single, first, n_last * t + th)
    stage = np.maximum(np.maximum(first, last), n_mid * t)

    # Pipeline: the schedule's idle time; sends overlap the steady state, not the fill and drain.
    weight_grad = stage * c["layer_weight_grad"] / c["layer_time"]
    bubble = np.zeros_like(stage)
    for name in SCHEDULES:
        bubble = np.where(schedule == name, formulas.pipeline_idle_time(name, pp, stage, v, weight_grad), bubble)
    bc = p_.bytes("communication")
    inside = tp * cp * dp < per_node  # pipeline neighbours share a node
    nic_bw, nic_latency = nic_link(s)
    pp_link = np.where(inside, node.link_bandwidth, nic_bw)
    pp_latency = np.where(inside, node.link_latency, nic_latency)
    send = formulas.point_to_point_time(mbs * s.seq / cp * model.hidden_size * bc / tp, pp_link, pp_latency)
    t_pp = np.where(single, 0.0, 2 * m * v * send)
    t_pp_exposed = np.where(single, 0.0, 2 * (pp - 1) * send + m * np.maximum(0.0, 2 * v * send - stage))

    # Exposed collectives of the slowest stage (its layers'; the embedding's all-reduce on the first) and compute.
    n_slowest = np.where(stage == first, n_first, np.where(stage == last, n_last, n_mid))
    t_tp = m * (n_slowest * (c["layer_tp"] - hidden_tp) + np.where(stage == first, c["embedding_tp"], 0.0))
    t_cp = m * n_slowest * (c["layer_cp"] - hidden_cp)
    t_ep = m * n_slowest * c["layer_ep"]
    t_compute = m * stage - t_tp - t_cp - t_ep

    # Parameters per GPU on each stage (dense over tp; routed experts over tp × ep) and where they are sharded.
    dense_l, routed_l, p_emb, p_head = parameter_layout(model)
    head_single = model.hidden_size if model.tied_embeddings else p_head
    dense_first = np.where(single, L * dense_l + p_emb + head_single, n_first * dense_l + p_emb) / tp
    dense = {"first": dense_first, "middle": n_mid * dense_l / tp,
             "last": np.where(single, dense_first, (n_last * dense_l + p_head) / tp)}
    routed = {"first": n_first * routed_l / (tp * ep), "middle": n_mid * routed_l / (tp * ep),
              "last": n_last * routed_l / (tp * ep)}
    d_dense, d_routed = dp * cp, dp * cp / ep
    full = np.isin(sharding, FULL_SHARDS)
    grads_sharded = full | (sharding == "zero2")
    state_sharded = sharding != "none"
    bw, bg = p_.bytes("weights"), p_.bytes("gradients")
    ob = p_.optimizer_bytes_per_param(s.state_values)

    # Data parallelism: reduce-scatter fp32 gradients, all-gather bf16 weights (the cost of one all-reduce of
    # their mean size); plain DDP all-reduces the gradients; ZeRO-3/FSDP gathers the weights twice and
    # reduce-scatters the gradients for every microbatch.
    p_dense = np.maximum(np.maximum(dense["first"], dense["middle"]), dense["last"])
    p_routed = np.maximum(np.maximum(routed["first"], routed["middle"]), routed["last"])
    per_param = np.where(full, m * (2 * bw + bg) / 2, np.where(state_sharded, (bw + bg) / 2, bg))
    local = per_node // tp
    t_dp = (_allreduce(p_dense * per_param, d_dense, local, s)
            + _allreduce(p_routed * per_param, d_routed, np.maximum(per_node // (tp * ep), 1), s))
    hide = s.overlap * np.where(full, m * stage, a.backward_compute_share * stage)
    t_dp_exposed = np.maximum(0.0, t_dp - hide)

    rate = _optimizer_seconds_per_parameter(node.accelerator, p_, a, s.eff, s.state_values,
                                            float(np.ravel(c["math_rate"])[0]))  # one precision: one rate
    updated = np.where(state_sharded, p_dense / d_dense + p_routed / d_routed, p_dense + p_routed)
    t_optimizer = rate * updated

    step = t_compute + t_tp + t_cp + t_ep + bubble + t_pp_exposed + t_dp_exposed + t_optimizer

    # Memory per stage: states plus the activations of the microbatches the schedule keeps in flight.
    def in_flight(index):
        held = np.zeros_like(stage)
        for name in SCHEDULES:
            held = np.where(schedule == name, formulas.microbatches_in_flight(name, pp, m, v, index), held)
        return held

    kept = {"first": n_first * c["layer_saved"] * in_flight(0) + c["embedding_saved"] * in_flight(0),
            "middle": n_mid * c["layer_saved"] * in_flight(np.minimum(1, pp - 1)),
            "last": n_last * c["layer_saved"] * in_flight(pp - 1) + c["head_saved"] * in_flight(pp - 1)}
    kept["first"] = np.where(single, L * c["layer_saved"] + c["embedding_saved"] + c["head_saved"], kept["first"])
    capacity = node.accelerator.si.memory_capacity
    best: dict[str, Any] | None = None  # the stage that needs the most memory
    for where in ("first", "middle", "last"):
        this = {
            "weights": bw * (dense[where] / np.where(full, d_dense, 1) + routed[where] / np.where(full, d_routed, 1)
                             + np.where(full, 2 * (dense_l + routed_l / ep) / tp, 0.0)),  # ZeRO-3: a layer gathered, one prefetched
            "grads": bg * (dense[where] / np.where(grads_sharded, d_dense, 1)
                           + routed[where] / np.where(grads_sharded, d_routed, 1)),
            "optimizer": ob * (dense[where] / np.where(state_sharded, d_dense, 1)
                               + routed[where] / np.where(state_sharded, d_routed, 1)),
            "activations": kept[where],
        }
        this["memory"] = this["weights"] + this["grads"] + this["optimizer"] + this["activations"]
        best = this if best is None else {k: np.where(this["memory"] > best["memory"], this[k], best[k]) for k in this}
    assert best is not None
    reserve = a.training_memory_reserve * capacity
    gpus = tp * pp * dp * cp
    model_flops = s.batch * model_flops_per_sequence(model, s.seq, p_)
    return {
        "gpus": gpus, "m": m, "model_flops": model_flops, "stage": stage, "t_compute": t_compute,
        "t_bubble": bubble, "bubble": bubble / (m * stage + bubble), "t_tp": t_tp, "t_cp": t_cp, "t_ep": t_ep,
        "t_pp": t_pp, "t_pp_exposed": t_pp_exposed, "t_dp": t_dp, "t_dp_exposed": t_dp_exposed,
        "t_optimizer": t_optimizer, "step": step, "mfu": model_flops / (step * gpus * c["math_rate"]),
        "scaling": t_compute / step, **best, "reserve": reserve, "fits": best["memory"] + reserve <= capacity,
        "capacity": capacity, "layers": (n_first, n_mid, n_last),
    }


def step_terms(s: _Setup, plan: Plan) -> dict[str, Any]:
    """`plan_terms` for one plan, as plain floats."""
    cost = microbatch_cost(s, plan.tp, plan.cp, plan.ep, plan.micro_batch, plan.recompute)
    c = {"tp": plan.tp, "pp": plan.pp, "dp": plan.dp, "cp": plan.cp, "ep": plan.ep, "mbs": plan.micro_batch,
         "v": plan.virtual_stages, "m": s.batch // plan.dp // plan.micro_batch, "schedule": plan.schedule,
         "sharding": plan.sharding, **dataclasses.asdict(cost)}
    out = plan_terms(s, c)
    layers = tuple(int(x) for x in out.pop("layers"))
    scalar: dict[str, Any] = {k: (bool(v) if k == "fits" else float(v)) for k, v in out.items()}
    scalar["m"] = int(scalar["m"])
    scalar["layers"] = layers
    return scalar


def explain_memory(t: dict[str, Any]) -> str:
    """Why a plan does not fit: every term of its busiest stage, against the GPU."""
    return (f"needs {t['memory'] / 1e9:.4g} GB per GPU (weights {t['weights'] / 1e9:.3g}, gradients "
            f"{t['grads'] / 1e9:.3g}, optimizer {t['optimizer'] / 1e9:.3g}, activations {t['activations'] / 1e9:.3g}) "
            f"plus a {t['reserve'] / 1e9:.3g} GB runtime reserve, but a GPU holds {t['capacity'] / 1e9:.4g} GB")


class DistributedModel:
    """Step time, efficiency and per-GPU memory of 5-D-parallel training: tensor, pipeline, data, context
    and expert parallelism over a fleet.

    Each microbatch is priced by the cost core; the pipeline schedules follow [@narayanan2021megatron]
    and [@qi2024zerobubble], activation memory and recomputation [@korthikanti2022reducing], optimizer
    sharding ZeRO [@rajbhandari2020zero], and the collectives the alpha-beta model
    [@thakur2005collectives].
    """

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
        cp_size: int | None = None,
        ep_size: int | None = None,
        micro_batch_size: int | None = None,
        virtual_stages: int | None = None,
        schedule: Schedule | None = None,
        seq_len: int | None = None,
        overlap_comm: bool | float | None = None,
        optimizer_sharding: Sharding | None = None,
        recompute: Recompute | None = None,
        flash_attention: bool | None = None,
        optimizer: str | None = None,
        dp_algorithm: Literal["ring", "hierarchical"] | None = None,
        sequence_parallel: bool | None = None,
        training_tokens=None,
        assumptions: Assumptions | None = None,
    ) -> DistributedResult:
        """One training step of `model` on `fleet` split tp × cp × pp × dp (ep inside dp × cp).

        Args:
            model: a transformer from `Models.Language`.
            fleet: the cluster (`Systems.Clusters`, or a `Fleet`).
            batch_size: global batch in sequences; default `Assumptions.global_batch`.
            precision: a precision name expanded by role for training (bf16 weights and activations,
                fp32 gradients, master weights and optimizer state; "fp8" changes only the GEMM math), or a
                `Precisions`; default `Assumptions.training_precision`.
            efficiency: a flat fraction of dense peak for every operator; default None: the cost core's
                size-dependent curves.
            tp_size: tensor-parallel degree; default `Assumptions.tensor_parallel`.
            pp_size: pipeline stages; default `Assumptions.pipeline_parallel`.
            dp_size: data-parallel replicas; default GPUs / (tp × cp × pp).
            cp_size: context-parallel degree; default `Assumptions.context_parallel`.
            ep_size: expert-parallel degree of a mixture of experts (default 1), a divisor of dp × cp.
            micro_batch_size: sequences per microbatch; default `Assumptions.micro_batch`.
                Microbatches = batch / dp / micro_batch_size.
            virtual_stages: model chunks per GPU (interleaved schedule); default `Assumptions.virtual_stages`.
            schedule: "1f1b", "interleaved" or "zb-h1"; default "interleaved" when `virtual_stages` > 1,
                else `Assumptions.pipeline_schedule`.
            seq_len: tokens per sequence; default `Assumptions.seq_len`.
            overlap_comm: hide the DP gradient sync behind the backward pass (True, False, or a fraction);
                default, and True: `Assumptions.dp_overlap`.
            optimizer_sharding: "none", "zero1", "zero2", "zero3" or "fsdp"; default
                `Assumptions.optimizer_sharding`.
            recompute: activation recomputation, "none", "selective" or "full"; default `Assumptions.recompute`.
            flash_attention: fused attention that never stores the score matrix, independent of `recompute`;
                default `Assumptions.flash_attention`.
            optimizer: "adam" or "sgd"; default `Assumptions.optimizer`.
            dp_algorithm: "ring" or "hierarchical"; default `Assumptions.dp_algorithm`.
            sequence_parallel: shard norms over the sequence under TP; default `Assumptions.sequence_parallel`.
            training_tokens (Quantity | None): tokens of the whole run; default 20 per parameter
                [@hoffmann2022chinchilla].
            assumptions: the modelling defaults; default `Assumptions()`.

        Returns:
            The step's terms, MFU, memory per GPU and the whole run's duration.

        Raises:
            InvalidArgumentError: a plan that does not divide the fleet or the model, or an argument out of range.

        Example:
            >>> from mlsysim import DistributedModel, Models, Systems
            >>> r = DistributedModel().solve(Models.Llama3_70B, Systems.Clusters.Research_256, tp_size=8)
            >>> r.feasible, r.dp_size
            (True, 32)
        """
        s = prepare(model, fleet, batch_size, seq_len, precision, efficiency, overlap_comm, optimizer, dp_algorithm,
                    assumptions, sequence_parallel, flash_attention)
        plan = check_plan(s, tp_size=tp_size, pp_size=pp_size, dp_size=dp_size, cp_size=cp_size, ep_size=ep_size,
                          micro_batch_size=micro_batch_size, virtual_stages=virtual_stages, schedule=schedule,
                          recompute=recompute, optimizer_sharding=optimizer_sharding)
        return result(s, plan, step_terms(s, plan), training_tokens)


def result(s: _Setup, plan: Plan, t: dict[str, Any], training_tokens=None) -> DistributedResult:
    """A `DistributedResult` from one plan's terms."""
    tokens = _token_budget(s.model, training_tokens)
    steps = math.ceil(tokens / (s.batch * s.seq))
    ms = lambda x: quantity(x * 1e3, "ms")  # noqa: E731
    p = s.precisions
    return DistributedResult(
        model=s.model.name, fleet=s.fleet.name, tp_size=plan.tp, pp_size=plan.pp, dp_size=plan.dp,
        batch_size=s.batch, micro_batch_size=plan.micro_batch, microbatches=t["m"], seq_len=s.seq,
        precision=p.math if p.math != p.weights else p.weights,
        step_latency_total=ms(t["step"]), compute_latency=ms(t["t_compute"]), bubble_latency=ms(t["t_bubble"]),
        tp_communication_latency=ms(t["t_tp"]), pp_communication_latency=ms(t["t_pp"]),
        dp_communication_latency=ms(t["t_dp"]), dp_exposed_latency=ms(t["t_dp_exposed"]),
        optimizer_latency=ms(t["t_optimizer"]),
        bubble_fraction=t["bubble"], scaling_efficiency=t["scaling"], mfu=t["mfu"],
        throughput=quantity(s.batch * s.seq / t["step"], "token/s"),
        memory_per_gpu=readable(t["memory"], BYTES_LADDER),
        memory_breakdown={k: readable(t[k], BYTES_LADDER)
                          for k in ("weights", "grads", "optimizer", "activations", "reserve")},
        feasible=t["fits"], reason="" if t["fits"] else explain_memory(t),
        training_tokens=quantity(tokens, "token"), total_steps=steps,
        latency=quantity(steps * t["step"] / 86400, "day"),
        cp_size=plan.cp, ep_size=plan.ep, virtual_stages=plan.virtual_stages, schedule=plan.schedule,
        recompute=plan.recompute, optimizer_sharding=plan.sharding,
        cp_communication_latency=ms(t["t_cp"]), ep_communication_latency=ms(t["t_ep"]),
        pp_exposed_latency=ms(t["t_pp_exposed"]), stage_layers=t["layers"],
        step_breakdown={term: ms(t[key]) for term, key in TERM_KEYS.items()},
    )


def _token_budget(model: TransformerWorkload, training_tokens) -> float:
    if training_tokens is None:
        return formulas.chinchilla_tokens(model.parameter_count)
    if isinstance(training_tokens, ureg.Quantity):
        return validate.quantity_in("training_tokens", training_tokens, "token", "15e12 token")
    return validate.positive_number("training_tokens", training_tokens)
