"""The operators of a CNN step: one per layer of its table, or one for the whole network.

Inference reads each layer's weights once per batch and its input activations,
and writes its output (no cross-layer fusion).  Training adds the backward
pass (2 × the forward FLOPs: input and weight gradients) and keeps every
layer's output for it.  A CNN without a layer table is one operator with the
registry's totals.
"""

from __future__ import annotations

import functools

from ..core.precision import Precisions
from ..models.cnn_layers import ARCHITECTURES
from ..models.types import CNNWorkload
from .ops import Op


@functools.lru_cache(maxsize=1024)
def cnn_ops(model: CNNWorkload, batch: int, precisions: Precisions, *, training: bool = False) -> tuple[Op, ...]:
    """The operators of one step of `batch` samples.

    Example:
        >>> from mlsysim import Models
        >>> from mlsysim.core.precision import Precisions
        >>> from mlsysim.cost.cnn import cnn_ops
        >>> ops = cnn_ops(Models.ResNet50, 1, Precisions.from_shorthand("fp16"))
        >>> round(sum(o.count * o.flops for o in ops) / 1e9, 2)
        8.18
    """
    bw, ba = precisions.bytes("weights"), precisions.bytes("activations")
    if model.architecture is None:
        acts = model.activation_elements * batch * ba
        forward: tuple[Op, ...] = (Op("network", "conv", "layer", flops=batch * model._flops,
                                      weight_bytes=model._params * bw, act_bytes=2 * acts,
                                      saved_bytes=acts if training else 0.0),)
    else:
        forward = tuple(
            Op(layer.name, layer.kind, "layer", flops=2.0 * layer.macs * batch, weight_bytes=layer.weights * bw,
               act_bytes=(layer.in_elements + layer.out_elements) * batch * ba,
               saved_bytes=layer.out_elements * batch * ba if training else 0.0, count=layer.count,
               shape=layer.shape)
            for layer in ARCHITECTURES[model.architecture]()
        )
    if not training:
        return forward
    grads = precisions.bytes("gradients")
    backward = tuple(Op(f"{op.name} (bwd)", op.kind, "layer", 2 * op.flops,
                        op.weight_bytes + op.weight_bytes / bw * 2 * grads, 2 * op.act_bytes, 0.0, 0.0, op.count,
                        2 if op.flops else 1, shape=op.shape) for op in reversed(forward))
    return forward + backward
