"""The one function that turns an operator list into time on a device.

For each operator (per execution, then × `count`)::

    t_compute  = FLOPs / (peak × e_c)       peak: at the weight GEMMs' math precision, or attention's for attention
                                            e_c: gemm_efficiency(FLOPs / peak) for matrix ops (the device's
                                                 measured curve, else Assumptions'), × fused_attention_*_efficiency
                                                 for a fused attention kernel; on a device whose kernel library
                                                 has a table by shape (cmsis_nn_efficiency), its entry for the
                                                 operator's shape,
                                                 vector_efficiency(FLOPs) otherwise, or a flat `efficiency`
    t_memory   = bytes / (bandwidth × e_m)  e_m: memory_efficiency(bytes) (the device's measured curve, else
                                                 Assumptions'), or a flat value
    body       = t_compute + t_memory  if overlap == "sum"  else  max(t_compute, t_memory)
    t_comm     = the collective's time on its group's link (the scale-up link unless told), in series (a
                 tensor-parallel all-reduce at the measured small-message latency of NVSwitch all-reduces,
                 Assumptions.tp_allreduce_*; others α-β ring)
    time       = max(kernels × launch, kernels × gap + body) + t_comm
    t_overhead = time − body − t_comm   (the fixed per-kernel cost: launch-bound or inter-kernel gaps)

and `bound` names the largest term.  Sizes, sources and the overlap model are
in `Assumptions`.
"""

from __future__ import annotations

from .. import formulas
from ..core.assumptions import Assumptions
from ..hardware.types import HardwareNode
from .breakdown import OpCost, StepBreakdown
from .ops import Op


def price(ops: tuple[Op, ...], device: HardwareNode, math_rate: float, assumptions: Assumptions, *,
          efficiency: float | None = None, memory_efficiency: float | None = None,
          link: tuple[float, float] | None = None,
          group_links: tuple[tuple[str, tuple[float, float]], ...] = (),
          attention_rate: float | None = None) -> StepBreakdown:
    """Time every operator of `ops` on `device` and sum them into a `StepBreakdown`.

    `math_rate` is the device's dense peak (flop/s) at the math precision of the
    matrix operators, `attention_rate` (default `math_rate`) the peak at the precision
    attention's matrix products run at (`Precisions.attention`); vector operators run
    at the device's fp32 rate.  `efficiency`
    and `memory_efficiency`, when given, replace the size-dependent curves by flat
    fractions (the first release's model; a flat `efficiency` alone brings
    `Assumptions.flat_memory_efficiency` with it).  `link` is `(bytes/s one direction,
    latency s)` of the scale-up link for collectives.

    Example:
        >>> from mlsysim import Models, Hardware
        >>> from mlsysim.core.assumptions import DEFAULTS
        >>> from mlsysim.core.precision import Precisions
        >>> from mlsysim.cost.transformer import transformer_ops
        >>> from mlsysim.cost.timing import price
        >>> ops = transformer_ops(Models.Llama3_8B, "decode", 1, 2048, Precisions.from_shorthand("fp16"))
        >>> b = price(ops, Hardware.H100, 989.4e12, DEFAULTS)
        >>> b.bound
        'memory'
    """
    if efficiency is not None and memory_efficiency is None:  # the flat model asked for: flat on both roofs
        memory_efficiency = assumptions.flat_memory_efficiency
    si = device.si
    bandwidth, vector_rate = si.memory_bandwidth, si.vector_flops
    launch, gap = assumptions.kernel_costs(device.device_class)
    gemm_eff, mem_eff = assumptions.curves(device)
    by_shape = assumptions.shape_efficiency(device)
    vector_eff = assumptions.vector_efficiency
    fused_fwd = assumptions.fused_attention_forward_efficiency
    fused_bwd = assumptions.fused_attention_backward_efficiency
    summed = assumptions.overlap == "sum"
    links = dict(group_links)
    attention_rate = math_rate if attention_rate is None else attention_rate
    rows = []
    for op in ops:
        if op.flops:
            if op.matmul:
                rate = attention_rate if op.kind == "attention" else math_rate
                if efficiency is not None:
                    e = efficiency
                elif by_shape is not None:  # a convolution by its shape; any other matrix product as a GEMM
                    e = by_shape[op.shape or "gemm"]
                else:
                    e = gemm_eff(op.flops / rate)
                if efficiency is None and op.fused_attention:
                    e *= fused_bwd if op.backward else fused_fwd
                t_c = op.flops / (rate * e)
            else:
                e = efficiency if efficiency is not None else vector_eff(op.flops)
                t_c = op.flops / (vector_rate * e)
        else:
            t_c = 0.0
        moved = op.bytes
        if moved:
            t_m = moved / (bandwidth * (memory_efficiency if memory_efficiency is not None else mem_eff(moved)))
        else:
            t_m = 0.0
        t_x = (_collective_time(op, links.get(op.collective.group, link), assumptions)
               if op.collective is not None else 0.0)
        body = t_c + t_m if summed else (t_c if t_c > t_m else t_m)
        busy = op.kernels * gap + body
        issue = op.kernels * launch
        t_o = (issue if issue > busy else busy) - body
        rows.append(OpCost(op, t_c, t_m, t_o, t_x, body + t_o + t_x))
    return StepBreakdown(tuple(rows), device.name)


def _collective_time(op: Op, link: tuple[float, float] | None, assumptions: Assumptions) -> float:
    c = op.collective
    assert c is not None
    if c.ranks <= 1:
        return 0.0
    if link is None:
        raise ValueError(f"operator {op.name!r} needs a link to price its {c.kind}")
    bw, latency = link
    if c.kind == "all_reduce" and c.group == "tp":
        return formulas.small_allreduce_time(c.payload, c.ranks, bw, assumptions.tp_allreduce_base_s,
                                             assumptions.tp_allreduce_per_rank_s)
    if c.kind == "all_reduce":
        return formulas.ring_allreduce_time(c.payload, c.ranks, bw, latency)
    if c.kind in ("all_gather", "reduce_scatter", "all_to_all"):
        return formulas.ring_allgather_time(c.payload, c.ranks, bw, latency)
    return formulas.point_to_point_time(c.payload, bw, latency)
