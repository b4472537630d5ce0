"""LLM serving on one device or one node: time to first token, inter-token latency, per-GPU memory.

For `batch_size` concurrent requests with `seq_len` tokens of context, on one
device or split `tp_size × pp_size` over a node's GPUs:

* **TTFT** — the prefill of all `batch_size × seq_len` prompt tokens, priced
  operator by operator by the cost core, tensor-parallel collectives included
  (`prefill_breakdown`).
* **ITL** — one decode step with the full `seq_len` context cached
  (weights + the whole KV cache read per token; `breakdown`); pipeline stages
  run one after another and add their activation sends.
* **Memory per GPU** — weights, KV cache (GQA-aware; KV heads replicated when
  fewer than `tp_size`), prefill workspace, logits and the runtime's reserve
  (`Assumptions.serving_memory_reserve`, or `reserved_memory`): see
  `per_gpu_memory`.

`throughput` is the decode step's alone (`batch_size / ITL`); what a served request costs the
replica, prefill included, and the queue that follows are `request_cost`'s.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .. import formulas
from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.errors import InvalidArgumentError
from ..core.precision import Precisions
from ..core.units import BYTES_LADDER, Quantity, quantity, readable
from ..cost import StepBreakdown, step_cost
from ..cost.step import StepCost
from ..hardware.types import HardwareNode, fallback_note
from ..models.types import TransformerWorkload, decoder_only
from ..systems.types import Node
from .result import Result
from .roofline import seq_length


@dataclasses.dataclass(frozen=True)
class ServingResult(Result):
    """Latency and memory of one serving replica running `batch_size` requests at `seq_len` tokens of context:
    what `ServingModel.solve` returns.  Memory figures are per GPU.

    Attributes:
        model: the model's name.
        hardware: the device's or node's name.
        batch_size: concurrent requests.
        seq_len: tokens of context per request.
        precision: the precision the weights are stored in.
        ttft: time to first token, ms: the prefill of the whole batch's prompts.
        itl: inter-token latency, ms: one decode step of the batch.
        decode_bottleneck: "Compute" or "Memory", whichever roof bounds the decode step.
        throughput: output tokens/s of the replica while its batch decodes (batch / ITL), prompts not
            counted; what it serves with each request's prefill included is `request_cost(...).throughput`.
        weights_size: weight bytes per GPU.
        kv_cache_size: KV-cache bytes per GPU for the whole batch.
        kv_cache_per_request: KV-cache bytes one request holds on one GPU of the replica (its share of
            `kv_cache_size`).
        total_memory_required: bytes one GPU needs: weights, KV cache, workspace, logits and runtime reserve.
        memory_capacity: memory of one GPU.
        max_batch_size: the most requests at `seq_len` whose KV cache fits beside the weights.
        feasible: whether the batch fits in memory.
        reason: why the design is infeasible ("" when it is feasible).
        notes: warnings worth reading (a precision fallback, replicated KV heads).
        breakdown: the per-operator account of the decode step (`StepBreakdown`).
        prefill_breakdown: the per-operator account of the prefill (`StepBreakdown`).
        tp_size: tensor-parallel GPUs of the replica.
        pp_size: pipeline stages of the replica.
        ep_size: expert-parallel groups of the replica (1 for a dense model).
        replicas: copies of the model a node holds (its GPUs over tp × pp × ep); 1 on a single device.
        memory_per_gpu: bytes one GPU holds by kind ("weights", "kv_cache", "workspace", "logits",
            "runtime_reserve"), as Quantities.
        ttft_s: `ttft` in seconds, as a float.
        itl_s: `itl` in seconds, as a float.
        memory_per_gpu_bytes: `memory_per_gpu` in bytes, as floats.

    Example:
        >>> from mlsysim import Models, ServingModel, Systems
        >>> r = ServingModel().solve(Models.Llama3_70B, Systems.Nodes.DGX_H100, seq_len=4096, batch_size=64)
        >>> r.feasible, r.tp_size, r.decode_bottleneck
        (True, 8, 'Memory')
        >>> sorted(r.memory_per_gpu)
        ['kv_cache', 'logits', 'runtime_reserve', 'weights', 'workspace']
    """

    model: str
    hardware: str
    batch_size: int
    seq_len: int
    precision: str
    ttft: Quantity
    itl: Quantity
    decode_bottleneck: str
    throughput: Quantity
    weights_size: Quantity
    kv_cache_size: Quantity
    kv_cache_per_request: Quantity
    total_memory_required: Quantity
    memory_capacity: Quantity
    max_batch_size: int
    feasible: bool
    reason: str = ""
    notes: tuple[str, ...] = dataclasses.field(default=(), repr=False)
    breakdown: StepBreakdown | None = dataclasses.field(default=None, repr=False, compare=False)
    prefill_breakdown: StepBreakdown | None = dataclasses.field(default=None, repr=False, compare=False)
    tp_size: int = 1
    pp_size: int = 1
    ep_size: int = 1
    replicas: int = 1
    memory_per_gpu: dict[str, Quantity] = dataclasses.field(default_factory=dict, repr=False)
    ttft_s: float = dataclasses.field(default=0.0, repr=False)
    itl_s: float = dataclasses.field(default=0.0, repr=False)
    memory_per_gpu_bytes: dict[str, float] = dataclasses.field(default_factory=dict, repr=False)


class ServingModel:
    """Prefill and decode latency and per-GPU memory of one serving replica: one device, or a node split
    TP × PP (× EP for a mixture of experts).

    The decode step reads the weights and the whole KV cache (grouped-query attention [@ainslie2023gqa]);
    tensor parallelism adds an all-reduce per layer on the node's scale-up links
    [@nccl2024nvlslatency; @helion2025oneshot].
    """

    def solve(
        self,
        model: TransformerWorkload,
        hardware: HardwareNode | Node,
        seq_len: int | None = None,
        batch_size: int | None = None,
        precision: str | Precisions | None = None,
        efficiency: float | None = None,
        *,
        tp_size: int | None = None,
        pp_size: int | None = None,
        ep_size: int | None = None,
        kv_precision: str | None = None,
        memory_efficiency: float | None = None,
        reserved_memory=None,
        query_tokens: int | None = None,
        assumptions: Assumptions | None = None,
    ) -> ServingResult:
        """TTFT, ITL, per-GPU memory and feasibility of one replica.

        Args:
            model: a transformer from `Models.Language`.
            hardware: the serving device, or a node (`Systems.Nodes.DGX_H100`) whose GPUs the replica
                splits `tp_size × pp_size` ways; the node's other GPUs hold `replicas − 1` more copies.
            seq_len: tokens of context per request (prompt + generated so far); default `Assumptions.seq_len`.
            batch_size: concurrent requests; default `Assumptions.batch_size`.
            precision: a precision name expanded by role (the KV cache uses `kv_precision`), or a
                `Precisions`; default `Assumptions.precision`.
            efficiency: a flat fraction of the dense peak; default None: the size-dependent curve
                `Assumptions.gemm_efficiency`.
            tp_size: tensor-parallel GPUs; default on a node the most of its GPUs over `pp_size × ep_size`
                that divide the attention heads, on a device 1.
            pp_size: pipeline stages (default 1); the stages of one token run one after another.
            ep_size: expert parallelism of a mixture of experts (default 1): the replica is `ep_size` groups
                of `tp_size` GPUs, each group running its share of the batch through its own copy of
                attention, the experts spread over all of them (an all-to-all before and after).
            kv_precision: precision of the KV cache; default the weights' precision, or fp16 for sub-8-bit
                weights.
            memory_efficiency: a flat fraction of peak bandwidth; default None: the size-dependent curve
                `Assumptions.memory_efficiency`.
            reserved_memory (Quantity | None): memory the runtime keeps per GPU; default
                `Assumptions.serving_memory_reserve` of the GPU's capacity.
            query_tokens: tokens each request computes in one decode step (default 1; speculative
                decoding's verification checks its drafted tokens plus one in a single step).
            assumptions: the modelling defaults; default `Assumptions()`.

        Returns:
            TTFT, ITL, throughput, memory per GPU and feasibility of the replica.

        Raises:
            InvalidArgumentError: a split that does not exist (more GPUs than the node has, heads or layers
                that do not divide), or an argument out of range.

        Example:
            >>> from mlsysim import Hardware, Models, ServingModel, Systems
            >>> ServingModel().solve(Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=96).feasible
            True
            >>> ServingModel().solve(Models.Llama3_70B, Systems.Nodes.DGX_H100, seq_len=4096, batch_size=64).tp_size
            8
        """
        a = resolve(assumptions)
        decoder_only(model, "Llama3_8B")
        validate.instance("hardware", hardware, (HardwareNode, Node),
                          "a device such as Hardware.H100 or a node such as Systems.Nodes.DGX_H100")
        tp, pp, device, link = replica_split(model, hardware, tp_size, pp_size, ep_size)
        ep = 1 if ep_size is None else ep_size
        seq = seq_length(model, seq_len, a)
        batch = validate.positive_int("batch_size", a.batch_size if batch_size is None else batch_size)
        group = -(-batch // ep)  # requests the busiest expert-parallel group runs
        prec = Precisions.from_shorthand(a.precision if precision is None else precision, kv_precision=kv_precision)
        eff = validate.optional_fraction("efficiency", efficiency)
        mem_eff = validate.optional_fraction("memory_efficiency", memory_efficiency)
        capacity = device.si.memory_capacity
        reserve = a.serving_memory_reserve * capacity if reserved_memory is None else validate.quantity_in(
            "reserved_memory", reserved_memory, "B", "2 GiB", allow_zero=True)
        queries = validate.positive_int("query_tokens", 1 if query_tokens is None else query_tokens)
        common: dict[str, Any] = dict(batch=group, seq=seq, precisions=prec, assumptions=a, efficiency=eff,
                                      memory_efficiency=mem_eff, tp=tp, link=link, ep=ep)
        prefill = step_cost(model, device, phase="prefill", **common)
        decode = step_cost(model, device, phase="decode", warn=False, query_tokens=queries, **common)
        hop = 0.0 if pp == 1 else formulas.point_to_point_time(batch * model.hidden_size * prec.bytes("activations"),
                                                                *link)
        itl = decode.breakdown.time + (pp - 1) * hop * queries
        ttft = prefill.breakdown.time + (pp - 1) * hop * seq

        terms = per_gpu_memory(model, decode, a, batch=group, seq=seq, tp=tp, pp=pp, reserve=reserve)
        need = sum(terms.values())
        per_batch = terms["kv_cache"] + terms["logits"]
        max_batch = ep * largest_batch(need - per_batch, per_batch / group, capacity)
        feasible = need <= capacity
        reason = "" if feasible else _reason(terms, capacity, max_batch, tp, pp)
        notes = () if decode.native else (
            fallback_note(device, prec.math, decode.compute_precision, decode.math_rate),)
        gpus = hardware.accelerators_per_node if isinstance(hardware, Node) else 1
        return ServingResult(
            model=model.name,
            hardware=hardware.name,
            batch_size=batch,
            seq_len=seq,
            precision=prec.weights,
            ttft=quantity(ttft * 1e3, "ms"),
            itl=quantity(itl * 1e3, "ms"),
            decode_bottleneck="Compute" if decode.breakdown.compute >= decode.breakdown.memory else "Memory",
            throughput=quantity(batch / itl, "token/s"),
            weights_size=readable(terms["weights"], BYTES_LADDER),
            kv_cache_size=readable(terms["kv_cache"], BYTES_LADDER),
            kv_cache_per_request=readable(terms["kv_cache"] / batch, BYTES_LADDER),
            total_memory_required=readable(need, BYTES_LADDER),
            memory_capacity=readable(capacity, BYTES_LADDER),
            max_batch_size=max_batch,
            feasible=feasible,
            reason=reason,
            notes=notes,
            breakdown=decode.breakdown,
            prefill_breakdown=prefill.breakdown,
            tp_size=tp,
            pp_size=pp,
            ep_size=ep,
            replicas=gpus // (tp * pp * ep),
            memory_per_gpu={k: quantity(v / 1e9, "GB") for k, v in terms.items()},
            ttft_s=ttft,
            itl_s=itl,
            memory_per_gpu_bytes=terms,
        )


def replica_split(model: TransformerWorkload, hardware: HardwareNode | Node, tp_size, pp_size, ep_size=None):
    """`(tp, pp, device, link)` of a replica of `model` on `hardware`, or an error naming
    `tp_size`/`pp_size`/`ep_size` when the split does not exist (more GPUs than the node has, heads or
    layers that do not divide, expert parallelism for a dense model)."""
    pp = validate.positive_int("pp_size", 1 if pp_size is None else pp_size)
    ep = validate.positive_int("ep_size", 1 if ep_size is None else ep_size)
    if ep > 1 and not model.is_moe:
        raise InvalidArgumentError("ep_size", ep, f"1: {model.name} has no experts to spread")
    if ep > 1 and model.experts % ep:
        raise InvalidArgumentError("ep_size", ep, f"a divisor of {model.name}'s {model.experts} experts")
    if isinstance(hardware, HardwareNode):
        tp = validate.positive_int("tp_size", 1 if tp_size is None else tp_size)
        if tp * pp * ep > 1:
            raise InvalidArgumentError("tp_size" if tp > 1 else "pp_size" if pp > 1 else "ep_size",
                                       tp_size if tp > 1 else pp_size if pp > 1 else ep_size,
                                       "1 on a single device; pass a node such as Systems.Nodes.DGX_H100 to split "
                                       "a replica over GPUs")
        return 1, 1, hardware, None
    gpus = hardware.accelerators_per_node
    if tp_size is None:  # the largest split of the heads that fits the node (8 of a DGX; 64 of an NVL72 for 64 heads)
        room = max(1, gpus // (pp * ep))
        tp = max(t for t in range(1, room + 1) if model.attention_heads % t == 0)
    else:
        tp = validate.positive_int("tp_size", tp_size)
    if tp * pp * ep > gpus:
        raise InvalidArgumentError("tp_size", tp, f"tp_size × pp_size × ep_size at most the {gpus} GPUs of one "
                                   f"{hardware.name}")
    if model.attention_heads % tp:
        raise InvalidArgumentError("tp_size", tp, f"a divisor of {model.name}'s {model.attention_heads} attention heads")
    if pp > model.layers:
        raise InvalidArgumentError("pp_size", pp, f"at most {model.name}'s {model.layers} layers")
    return tp, pp, hardware.accelerator, (hardware.link_bandwidth, hardware.link_latency)


def largest_batch(fixed_bytes: float, per_request_bytes: float, capacity: float) -> int:
    """Requests that fit on a GPU beside `fixed_bytes` (weights, workspace, reserve): at least 0.

    Example:
        >>> from mlsysim.solvers.serving import largest_batch
        >>> largest_batch(60e9, 1e9, 80e9)
        20
    """
    spare = capacity - fixed_bytes
    return max(0, int(spare // per_request_bytes)) if spare > 0 else 0


def per_gpu_memory(model: TransformerWorkload, decode: StepCost, a: Assumptions, *, batch: int, seq: int,
                   tp: int, pp: int, reserve: float) -> dict[str, float]:
    """Bytes one GPU of a `tp × pp` replica holds: weights, KV cache, workspace, logits, runtime reserve.

    `decode` is the replica's decode step priced at `tp` (`step_cost`), whose
    resident and activation bytes are one GPU's weights and KV cache before the pipeline splits them:

    * weights: the step's resident bytes / pp (embeddings and LM head are sharded too);
    * KV cache: the step's KV bytes / pp — KV heads are replicated when there are fewer of them than
      GPUs [@ainslie2023gqa];
    * workspace: the largest intermediate of one prompt's prefill (its MLP hidden or its QKV, per GPU);
    * logits: one row of `vocab / tp` values per request at `Assumptions.logits_bytes_per_value`;
    * runtime reserve: `reserve` bytes (framework context and allocator).

    Example:
        >>> from mlsysim import Hardware, Models, Precisions
        >>> from mlsysim.core.assumptions import DEFAULTS
        >>> from mlsysim.cost import step_cost
        >>> from mlsysim.solvers.serving import per_gpu_memory
        >>> step = step_cost(Models.Llama3_70B, Hardware.H100, phase="decode", batch=1, seq=4096, tp=8,
        ...                  precisions=Precisions.from_shorthand("fp16"), assumptions=DEFAULTS, link=(450e9, 2e-6))
        >>> t = per_gpu_memory(Models.Llama3_70B, step, DEFAULTS, batch=1, seq=4096, tp=8, pp=1, reserve=0.0)
        >>> round(t["weights"] / 1e9, 2), round(t["kv_cache"] / 1e6, 1)
        (17.65, 167.8)
    """
    h, d = model.hidden_size, model.head_dim
    ffn_width = (2 if model.mlp == "gated" else 1) * model.ffn_size
    qkv_width = (model.attention_heads + 2 * model.kv_heads) * d
    return {
        "weights": decode.resident_bytes / pp,
        "kv_cache": decode.activation_bytes / pp,
        "workspace": seq * (h + max(ffn_width, qkv_width) / tp) * decode.precisions.bytes("activations"),
        "logits": batch * model.vocab_size / tp * a.logits_bytes_per_value,
        "runtime_reserve": reserve,
    }


def _reason(terms: dict[str, float], capacity: float, max_batch: int, tp: int, pp: int) -> str:
    gb = {k: v / 1e9 for k, v in terms.items()}
    shown = ", ".join(f"{k.replace('_', ' ')} {v:.3g}" for k, v in gb.items())
    fixed = terms["weights"] + terms["workspace"] + terms["runtime_reserve"]
    binding = "weights" if fixed >= capacity else "KV cache"
    hint = (f"the weights do not fit on {tp * pp} GPU(s): split over more GPUs or use a smaller precision"
            if binding == "weights" else f"the KV cache binds: at most {max_batch} requests fit")
    return f"needs {sum(gb.values()):.4g} GB per GPU ({shown}) but a GPU holds {capacity / 1e9:.4g} GB; {hint}"
