"""Operators: what one step of a workload does, counted once, in plain SI floats.

An `Op` is one kernel (or a fused group of them) repeated `count` times
in a step: its FLOPs, the bytes it moves by role (weights, activations, KV
cache), the activation bytes it keeps for the backward pass, and the collective
its sharding implies.  Every number is *per execution*; multiply by `count`
for the step.  Workload modules (`.transformer`, `.cnn`) build op
lists; `mlsysim.cost.timing.price` turns them into time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..core.precision import BYTES_PER_VALUE, Precisions

OpKind = Literal["gemm", "attention", "elementwise", "gather", "conv", "optimizer"]
CollectiveKind = Literal["all_reduce", "reduce_scatter", "all_gather", "all_to_all", "p2p"]
Group = Literal["embedding", "layer", "head", "step"]


@dataclass(frozen=True, slots=True)
class Collective:
    """A collective an operator's sharding implies: `kind` over `ranks` of `payload` bytes (the full message),
    among the GPUs of one parallel `group`: "tp" (tensor), "cp" (context) or "ep" (expert), each priced on its own
    link."""

    kind: CollectiveKind
    payload: float
    ranks: int
    group: str = "tp"


@dataclass(frozen=True, slots=True)
class Op:
    """One operator of a step (per execution; `count` executions per step).

    `matmul` says whether the FLOPs run on the matrix units at the math
    precision (GEMMs, attention) or on the vector path (norms, activations).
    `kernels` is the number of kernel launches one execution takes.  `shape` is a
    convolution's computation ("conv", "depthwise", "pointwise"; "" otherwise), which
    sets its efficiency on a device whose kernel library has a table by shape
    (`Assumptions.cmsis_nn_efficiency`).
    """

    name: str
    kind: OpKind
    group: Group
    flops: float = 0.0
    weight_bytes: float = 0.0
    act_bytes: float = 0.0
    kv_bytes: float = 0.0
    saved_bytes: float = 0.0
    count: int = 1
    kernels: int = 1
    collective: Collective | None = None
    shape: str = ""

    @property
    def matmul(self) -> bool:
        return self.kind in ("gemm", "attention", "conv")

    @property
    def backward(self) -> bool:
        """Whether this is a backward pass (the cost core names it `"<forward name> (bwd)"`)."""
        return self.name.endswith(" (bwd)")

    @property
    def fused_attention(self) -> bool:
        """Whether this is attention run as one fused kernel (it never writes the score matrix)."""
        return self.kind == "attention" and self.kernels == 1

    @property
    def bytes(self) -> float:
        """Bytes moved by one execution, every role."""
        return self.weight_bytes + self.act_bytes + self.kv_bytes



def totals(ops: tuple[Op, ...] | list[Op]) -> dict[str, float]:
    """Step totals of an op list: flops, bytes by role, saved activation bytes, kernels."""
    out = {"flops": 0.0, "weight_bytes": 0.0, "act_bytes": 0.0, "kv_bytes": 0.0, "saved_bytes": 0.0, "kernels": 0.0}
    for op in ops:
        n = op.count
        out["flops"] += n * op.flops
        out["weight_bytes"] += n * op.weight_bytes
        out["act_bytes"] += n * op.act_bytes
        out["kv_bytes"] += n * op.kv_bytes
        out["saved_bytes"] += n * op.saved_bytes
        out["kernels"] += n * op.kernels
    out["bytes"] = out["weight_bytes"] + out["act_bytes"] + out["kv_bytes"]
    return out


def table_bytes_per_value(p: Precisions) -> float:
    """Bytes per value of an embedding table: the weights' precision, but 16-bit (the activations' precision)
    under weight-only quantization below a byte, which leaves the lookup tables unquantized."""
    bw = p.bytes("weights")
    return BYTES_PER_VALUE[p.activations] if bw < 1 else bw
