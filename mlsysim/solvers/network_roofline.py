"""The roofline with a third roof: the interconnect, for tensor-parallel inference.

Splitting a transformer over ``tp_size`` GPUs of a node divides its FLOPs and
weight bytes by ``tp_size`` but adds two all-reduces of the activations per
layer (after attention and after the MLP) over the scale-up link
[@narayanan2021megatron].  The step takes the largest of the three times
(plus nothing for overlap: the all-reduces sit on the critical path), and the
largest names the binding resource.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from .. import formulas
from ..core import validate
from ..core.assumptions import DEFAULT_EFFICIENCY, DEFAULT_MEMORY_EFFICIENCY, DEFAULT_OPTIMIZER, DEFAULT_SEQ_LEN
from ..core.errors import InvalidArgumentError
from ..core.precision import BYTES_PER_VALUE, check_precision
from ..core.units import quantity
from ..models.types import TransformerWorkload
from ..systems.types import Node
from .result import Result
from .roofline import _transformer_step


@dataclasses.dataclass(frozen=True)
class NetworkRooflineResult(Result):
    """Compute, memory and network time of one tensor-parallel step, and which binds."""

    model: str
    node: str
    tp_size: int
    phase: str
    compute_time: object
    memory_time: object
    network_time: object
    latency: object
    binding: str
    network_share: float


class NetworkRooflineModel:
    """Compute vs memory vs interconnect for a tensor-parallel decode or prefill step."""

    def solve(self, model: TransformerWorkload, node: Node, tp_size: int = 8, batch_size: int = 1,
              seq_len: int = DEFAULT_SEQ_LEN, precision: str = "fp16", phase: Literal["decode", "prefill"] = "decode",
              efficiency: float = DEFAULT_EFFICIENCY) -> NetworkRooflineResult:
        """Times of one step of ``model`` split ``tp_size`` ways inside ``node``.

        Example:
            >>> r = NetworkRooflineModel().solve(Models.Llama3_70B, Systems.Nodes.DGX_H100, tp_size=8)
            >>> r.binding
            'memory'
        """
        validate.instance("model", model, TransformerWorkload, "a transformer such as Models.Llama3_70B")
        validate.instance("node", node, Node, "a node such as Systems.Nodes.DGX_H100")
        tp = validate.positive_int("tp_size", tp_size)
        if tp > node.accelerators_per_node or model.attention_heads % tp:
            raise InvalidArgumentError("tp_size", tp, f"a divisor of {model.attention_heads} heads, at most "
                                       f"{node.accelerators_per_node} GPUs per node")
        batch = validate.positive_int("batch_size", batch_size)
        seq = validate.positive_int("seq_len", seq_len)
        prec = check_precision(precision)
        eff = validate.fraction("efficiency", efficiency)
        if phase not in ("decode", "prefill"):
            raise InvalidArgumentError("phase", phase, "'decode' or 'prefill'")
        hw = node.accelerator
        rate = hw.compute.resolve(prec)[0] * eff
        bw = hw.memory._bandwidth * DEFAULT_MEMORY_EFFICIENCY
        # The same step as the single-device roofline: weights plus the whole KV cache move once.
        flops, bytes_moved, _, _, tokens, _ = _transformer_step(model, batch, seq, prec, "inference", DEFAULT_OPTIMIZER)
        if phase == "prefill":
            flops = batch * seq * formulas.prefill_flops_per_token(
                model._matmul_params, model.layers, seq, model._attention_dim)
            tokens = batch * seq
        t_compute = flops / tp / rate
        t_memory = bytes_moved / tp / bw
        message = tokens * model.hidden_size * BYTES_PER_VALUE[prec]
        t_network = 2 * model.layers * formulas.ring_allreduce_time(message, tp, node._link_bw, node._link_latency)
        times = {"compute": t_compute, "memory": t_memory, "network": t_network}
        latency = max(t_compute, t_memory) + t_network
        ms = lambda s: quantity(s * 1e3, "ms")  # noqa: E731
        return NetworkRooflineResult(
            model=model.name, node=node.name, tp_size=tp, phase=phase,
            compute_time=ms(t_compute), memory_time=ms(t_memory), network_time=ms(t_network), latency=ms(latency),
            binding=max(times, key=times.get), network_share=t_network / latency,
        )
