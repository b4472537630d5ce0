"""The roofline with a third roof: the interconnect, for tensor-parallel inference.

Splitting a transformer over `tp_size` GPUs of a node divides its FLOPs and
weight bytes by `tp_size` but adds two all-reduces of the activations per
layer (after attention and after the MLP) over the scale-up link
[@narayanan2021megatron].  The step is priced operator by operator by the cost core
(`mlsysim.cost.step_cost` with `tp`): each GPU holds `1/tp` of the
weights and of the KV heads (replicated when there are fewer KV heads than
GPUs); the all-reduces sit on the critical path after their projections.  The
largest of the summed compute, memory and network times names the binding resource.
It is a view of `ServingModel` on a node, with its memory check.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from ..core import validate
from ..core.assumptions import Assumptions
from ..core.errors import InvalidArgumentError
from ..core.precision import Precisions
from ..core.units import Quantity, quantity
from ..cost import StepBreakdown
from ..models.types import TransformerWorkload
from ..systems.types import Node
from .result import Result
from .serving import ServingModel


@dataclasses.dataclass(frozen=True)
class NetworkRooflineResult(Result):
    """Compute, memory and network time of one tensor-parallel step, and which binds: what
    `NetworkRooflineModel.solve` returns.

    Attributes:
        model: the model's name.
        node: the node's name.
        tp_size: GPUs the step is split over.
        phase: "decode" or "prefill".
        compute_time: the operators' compute time on one GPU.
        memory_time: the operators' memory time on one GPU.
        network_time: the tensor-parallel all-reduces' time.
        latency: the priced step.
        binding: "compute", "memory" or "network", whichever time is largest.
        network_share: network time / latency.
        breakdown: the per-operator account of the step (`StepBreakdown`).
        feasible: whether the replica fits in GPU memory.
        reason: why it does not ("" when it does).
        memory_per_gpu: bytes one GPU holds by kind, as in `ServingResult.memory_per_gpu`.

    Example:
        >>> from mlsysim import Models, NetworkRooflineModel, Systems
        >>> r = NetworkRooflineModel().solve(Models.Llama3_70B, Systems.Nodes.DGX_H100, tp_size=8)
        >>> r.binding, 0 < r.network_share < 1
        ('memory', True)
    """

    model: str
    node: str
    tp_size: int
    phase: str
    compute_time: Quantity
    memory_time: Quantity
    network_time: Quantity
    latency: Quantity
    binding: str
    network_share: float
    breakdown: StepBreakdown | None = dataclasses.field(default=None, repr=False, compare=False)
    feasible: bool = True
    reason: str = ""
    memory_per_gpu: dict[str, Quantity] = dataclasses.field(default_factory=dict, repr=False)


class NetworkRooflineModel:
    """Compute against memory against interconnect for a tensor-parallel decode or prefill step.

    A view of `ServingModel` on a node: the same priced step and the
    same per-GPU memory check (`feasible`, `reason`, `memory_per_gpu`).
    """

    def solve(self, model: TransformerWorkload, node: Node, tp_size: int | None = None, batch_size: int | None = None,
              seq_len: int | None = None, precision: str | Precisions | None = None,
              phase: Literal["decode", "prefill"] = "decode", efficiency: float | None = None, *,
              assumptions: Assumptions | None = None) -> NetworkRooflineResult:
        """Times of one step of `model` split `tp_size` ways inside `node`.

        Args:
            model: a transformer from `Models.Language`.
            node: the node (`Systems.Nodes.DGX_H100`).
            tp_size: GPUs the step is split over; default every GPU of the node.
            batch_size: sequences per step; default `Assumptions.batch_size`.
            seq_len: context tokens per sequence; default `Assumptions.seq_len`.
            precision: a precision name or a `Precisions`; default `Assumptions.precision`.
            phase: "decode" (one token per sequence) or "prefill" (the whole prompt).
            efficiency: a flat fraction of the dense peak; default None: the size-dependent curves.
            assumptions: the modelling defaults; default `Assumptions()`.

        Returns:
            The three times, the binding one and the network's share.

        Example:
            >>> from mlsysim import Models, NetworkRooflineModel, Systems
            >>> r = NetworkRooflineModel().solve(Models.Llama3_70B, Systems.Nodes.DGX_H100, tp_size=8)
            >>> r.binding, r.feasible
            ('memory', True)
        """
        validate.instance("node", node, Node, "a node such as Systems.Nodes.DGX_H100")
        if phase not in ("decode", "prefill"):
            raise InvalidArgumentError("phase", phase, "'decode' or 'prefill'")
        served = ServingModel().solve(model, node, seq_len, batch_size, precision, efficiency, tp_size=tp_size,
                                      assumptions=assumptions)  # its default: every GPU of the node
        b = served.breakdown if phase == "decode" else served.prefill_breakdown
        assert b is not None
        times = {"compute": b.compute, "memory": b.memory, "network": b.network}
        ms = lambda s: quantity(s * 1e3, "ms")  # noqa: E731
        return NetworkRooflineResult(
            model=model.name, node=node.name, tp_size=served.tp_size, phase=phase,
            compute_time=ms(b.compute), memory_time=ms(b.memory), network_time=ms(b.network), latency=ms(b.time),
            binding=max(times, key=lambda k: times[k]), network_share=b.network / b.time, breakdown=b,
            feasible=served.feasible, reason=served.reason, memory_per_gpu=served.memory_per_gpu,
        )
