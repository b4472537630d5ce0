"""Prefill and decode on separate pools of replicas: what a request costs each pool, and the queue it implies.

A disaggregated deployment [@zhong2024distserve; @patel2024splitwise] runs every prompt on a *prefill*
replica, which produces the first token, then moves the prompt's KV cache to a *decode* replica, which
generates the rest.  Neither pool waits for the other's work, so

* the time to first token is the prefill pool's: an M/M/c queue of `prefill_replicas` servers, each running
  one prompt at a time for `prefill_s` [@harchol2013performance], plus that prefill;
* a decode step never stalls for a prompt: the inter-token latency is the decode batch's ITL at any load
  (colocated, it stretches to ITL / (1 − λ·prefill) and a step can wait for a whole prompt);
* a request holds one of `decode_replicas × batch` decode slots for the KV transfer and its `output_len − 1`
  remaining tokens (the prefill replica produced the first);
* the transfer sends each prefill GPU's KV shard over its own scale-out port: shard bytes / port bandwidth +
  the fabric's latency (`Assumptions.kv_transfer_fabric` unless told).

The deployment completes min(prefill_replicas / prefill_s, decode slots / slot time) requests per second;
the decode replicas per prefill replica that balance the two is `balanced_decode_per_prefill`.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from .. import formulas
from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.precision import Precisions
from ..core.units import Quantity, quantity
from ..hardware.types import HardwareNode
from ..models.types import TransformerWorkload, decoder_only
from ..systems.registry import Fabrics
from ..systems.types import NetworkFabric, Node
from .request import RequestCost, request_cost


@dataclasses.dataclass(frozen=True)
class DisaggregatedCost:
    """A request's cost on separate prefill and decode pools, and the queue it implies: what
    `disaggregated_cost` returns.

    Fields are SI floats (seconds, bytes); the methods evaluate the pools' queues at an arrival rate
    (requests/s).

    Attributes:
        prefill: the `RequestCost` of one prompt on a prefill replica (its `prefill_s` is the pool's service time).
        decode: the `RequestCost` of the decode replica's batch (its `itl_s` is the decode pool's ITL).
        prefill_replicas: replicas in the prefill pool.
        decode_replicas: replicas in the decode pool.
        gpus: GPUs of both pools.
        kv_bytes_per_gpu: bytes of one request's KV cache on one prefill GPU (the shard it sends).
        transfer_s: seconds to move that shard from a prefill GPU to the decode pool.

    Example:
        >>> from mlsysim import Models, Systems, disaggregated_cost
        >>> d = disaggregated_cost(Models.Llama3_70B, Systems.Nodes.DGX_H100, input_len=2048, output_len=256,
        ...                        batch_size=64, precision="fp8", prefill_tp=4, decode_tp=4,
        ...                        prefill_replicas=1, decode_replicas=1)
        >>> d.gpus, d.stable(2.0)
        (8, True)
        >>> print(f"P99 TTFT at 2 req/s {d.ttft_s(2.0, 0.99) * 1e3:.0f} ms, ITL {d.itl_s * 1e3:.1f} ms")
        P99 TTFT at 2 req/s ... ms, ITL ... ms
    """

    prefill: RequestCost
    decode: RequestCost
    prefill_replicas: int
    decode_replicas: int
    gpus: int
    kv_bytes_per_gpu: float
    transfer_s: float

    @property
    def feasible(self) -> bool:
        """Whether a prompt fits on a prefill replica and the decode batch on a decode replica."""
        return self.prefill.feasible and self.decode.feasible

    @property
    def reason(self) -> str:
        """Why the deployment is infeasible, naming the pool ("" when it is feasible)."""
        for pool, cost in (("prefill", self.prefill), ("decode", self.decode)):
            if not cost.feasible:
                return f"{pool} replica: {cost.reason}"
        return ""

    @property
    def itl_s(self) -> float:
        """Seconds per generated token on a decode replica: its batch's ITL, with no prompt to wait for."""
        return self.decode.itl_s

    @property
    def slot_time_s(self) -> float:
        """Seconds a request holds a decode slot: the KV transfer, then its remaining `output_len − 1` tokens."""
        return self.transfer_s + (self.decode.output_len - 1) * self.itl_s

    @property
    def decode_slots(self) -> int:
        """Requests the decode pool runs at once: decode replicas × batch."""
        return self.decode_replicas * self.decode.batch_size

    @property
    def prefill_capacity_per_s(self) -> float:
        """Prompts per second the prefill pool completes when always busy (0 when a prompt does not fit)."""
        return self.prefill_replicas / self.prefill.prefill_s if self.prefill.feasible else 0.0

    @property
    def decode_capacity_per_s(self) -> float:
        """Requests per second the decode pool completes when always busy (0 when the batch does not fit)."""
        return self.decode_slots / self.slot_time_s if self.decode.feasible else 0.0

    @property
    def capacity_per_s(self) -> float:
        """Requests per second the deployment completes: the slower pool's capacity."""
        return min(self.prefill_capacity_per_s, self.decode_capacity_per_s)

    @property
    def capacity(self) -> Quantity:
        """Requests per second the deployment completes when always busy (1/s)."""
        return quantity(self.capacity_per_s, "1/s")

    @property
    def throughput(self) -> Quantity:
        """Output tokens per second when always busy (token/s)."""
        return quantity(self.decode.output_len * self.capacity_per_s, "token/s")

    @property
    def bottleneck(self) -> str:
        """The pool that limits the capacity: "prefill" or "decode"."""
        return "prefill" if self.prefill_capacity_per_s <= self.decode_capacity_per_s else "decode"

    @property
    def balanced_decode_per_prefill(self) -> float:
        """Decode replicas per prefill replica at which both pools complete requests at the same rate."""
        return self.slot_time_s / (self.decode.batch_size * self.prefill.prefill_s)

    def stable(self, rate: float) -> bool:
        """Whether arrivals at `rate` stay below both pools' capacities (and both replicas fit in memory).

        Args:
            rate: arrivals per second.
        """
        return self.feasible and rate < self.capacity_per_s

    def ttft_s(self, rate: float, percentile: float) -> float:
        """Seconds to the first token at `rate`: the prefill pool's wait percentile + one prefill; inf when the
        deployment cannot keep up.

        Args:
            rate: arrivals per second.
            percentile: a quantile in (0, 1) (0.99 for P99).
        """
        if not self.stable(rate):
            return math.inf
        wait = 0.0 if rate <= 0 else formulas.mmc_wait_percentile(rate, 1.0 / self.prefill.prefill_s,
                                                                   self.prefill_replicas, percentile)
        return wait + self.prefill.prefill_s

    def decode_wait_s(self, rate: float, percentile: float) -> float:
        """Seconds a request waits for a decode slot after its prefill; inf when the deployment cannot keep up.

        Args:
            rate: arrivals per second.
            percentile: a quantile in (0, 1) (0.99 for P99).
        """
        if not self.stable(rate):
            return math.inf
        if rate <= 0:
            return 0.0
        return formulas.mmc_wait_percentile(rate, 1.0 / self.slot_time_s, self.decode_slots, percentile)

    def latency_s(self, rate: float, percentile: float) -> float:
        """Seconds of end-to-end latency at `rate`: the time to first token, the wait for a decode slot, the
        KV transfer and the remaining tokens (each term at `percentile` where it queues).

        Args:
            rate: arrivals per second.
            percentile: a quantile in (0, 1) (0.99 for P99).
        """
        return self.ttft_s(rate, percentile) + self.decode_wait_s(rate, percentile) + self.slot_time_s


def disaggregated_cost(model: TransformerWorkload, prefill_hardware: HardwareNode | Node,
                       decode_hardware: HardwareNode | Node | None = None, input_len: int | None = None,
                       output_len: int | None = None, batch_size: int | None = None,
                       precision: str | Precisions | None = None, *, prefill_tp: int | None = None,
                       decode_tp: int | None = None, prefill_replicas: int, decode_replicas: int,
                       fabric: NetworkFabric | None = None, efficiency: float | None = None,
                       assumptions: Assumptions | None = None) -> DisaggregatedCost:
    """What one request costs a deployment that prefills and decodes on separate pools of replicas.

    Each prefill replica runs one prompt at a time; each decode replica runs `batch_size` requests under
    continuous batching and never prefills; the prompt's KV cache crosses `fabric` between them
    [@zhong2024distserve; @patel2024splitwise].

    Args:
        model: a transformer from `Models.Language`.
        prefill_hardware: the device or node a prefill replica runs on (as in `ServingModel.solve`).
        decode_hardware: the device or node a decode replica runs on; default the prefill one's.
        input_len: prompt tokens; default `Assumptions.request_input_tokens`.
        output_len: generated tokens (the first comes from the prefill); default
            `Assumptions.request_output_tokens`.
        batch_size: requests a decode replica runs at once; default `Assumptions.replica_concurrency`.
        precision: a precision name or a `Precisions`; default `Assumptions.precision`.
        prefill_tp: tensor-parallel GPUs of a prefill replica (as `tp_size` in `ServingModel.solve`).
        decode_tp: tensor-parallel GPUs of a decode replica.
        prefill_replicas: replicas in the prefill pool, at least 1 (required: the split is the design).
        decode_replicas: replicas in the decode pool, at least 1 (required).
        fabric: the network the KV cache crosses; default `Systems.Fabrics` named by
            `Assumptions.kv_transfer_fabric`.
        efficiency: a flat fraction of the dense peak; default None: the size-dependent curve.
        assumptions: the modelling defaults; default `Assumptions()`.

    Returns:
        Both pools' costs, the transfer and the queue they imply.

    Raises:
        InvalidArgumentError: a bad length, batch, split or replica count, naming the argument.

    Example:
        >>> from mlsysim import Models, Systems, disaggregated_cost
        >>> d = disaggregated_cost(Models.Llama3_70B, Systems.Nodes.DGX_H100, input_len=2048, output_len=256,
        ...                        batch_size=64, precision="fp8", prefill_tp=4, decode_tp=4,
        ...                        prefill_replicas=1, decode_replicas=1)
        >>> d.bottleneck, d.transfer_s < d.prefill.prefill_s
        ('prefill', True)
    """
    a = resolve(assumptions)
    decoder_only(model, "Llama3_70B")
    n_p = validate.positive_int("prefill_replicas", prefill_replicas)
    n_d = validate.positive_int("decode_replicas", decode_replicas)
    link = Fabrics.get(a.kv_transfer_fabric) if fabric is None else fabric
    validate.instance("fabric", link, NetworkFabric, "a fabric such as Systems.Fabrics.InfiniBand_NDR")
    decode_hw = prefill_hardware if decode_hardware is None else decode_hardware
    common: dict[str, Any] = dict(precision=precision, efficiency=efficiency, assumptions=a)
    decode = request_cost(model, decode_hw, input_len, output_len, batch_size, tp_size=decode_tp, **common)
    # a prefill replica holds one prompt's cache until it is sent
    prefill = request_cost(model, prefill_hardware, decode.input_len, 1, 1, tp_size=prefill_tp, **common)
    # the prefill replica's memory check already holds one prompt's KV shard per GPU, at its split
    shard = prefill.serving.memory_per_gpu_bytes["kv_cache"]
    transfer = shard / link.port_bandwidth + link.latency_s
    gpus = n_p * prefill.serving.tp_size + n_d * decode.serving.tp_size
    return DisaggregatedCost(prefill=prefill, decode=decode, prefill_replicas=n_p, decode_replicas=n_d,
                             gpus=gpus, kv_bytes_per_gpu=shard, transfer_s=transfer)
