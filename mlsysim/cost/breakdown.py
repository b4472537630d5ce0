"""A step's cost, operator by operator: what every step result carries as `breakdown`.

Totals are plain SI floats computed once; rows, per-group sums and tables are
built on demand, so carrying a breakdown costs a solve almost nothing.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import show
from ..core.units import quantity
from .ops import Op

BOUNDS = ("compute", "memory", "overhead", "network")


@dataclass(frozen=True, slots=True)
class OpCost:
    """One operator priced on a device: its terms per execution, in seconds."""

    op: Op
    t_compute: float
    t_memory: float
    t_overhead: float
    t_comm: float
    time: float

    @property
    def bound(self) -> str:
        """The largest of compute, memory, overhead and network time."""
        terms = (self.t_compute, self.t_memory, self.t_overhead, self.t_comm)
        return BOUNDS[terms.index(max(terms))]


@dataclass(frozen=True)
class StepBreakdown:
    """Every operator of one step with its FLOPs, bytes, time and bound, and the step's totals (SI floats):
    the `breakdown` of a solver's result.

    `str(b)` is a per-operator table; `by_group` sums the layers, the
    embedding and the LM head; `time`, `compute`, `memory`, `overhead` and
    `network` are step totals in seconds.

    Attributes:
        rows: one priced operator per kind of operator, its terms per execution (seconds).
        device: the device's name.
        time: the step's priced time, seconds.
        compute: the operators' compute time, seconds.
        memory: the operators' memory time, seconds.
        overhead: fixed per-kernel costs, seconds.
        network: collectives' time, seconds.
        flops: the step's FLOPs.
        bytes: the step's memory traffic, bytes.

    Example:
        >>> from mlsysim import Engine, Hardware, Models
        >>> b = Engine.solve(Models.Llama3_8B, Hardware.H100).breakdown
        >>> b.bound, list(b.by_group())
        ('memory', ['embedding', 'layer', 'head'])
        >>> print(b)
        operator ...
    """

    rows: tuple[OpCost, ...]
    device: str
    time: float = field(init=False)
    compute: float = field(init=False)
    memory: float = field(init=False)
    overhead: float = field(init=False)
    network: float = field(init=False)
    flops: float = field(init=False)
    bytes: float = field(init=False)

    def __post_init__(self) -> None:
        t = c = m = o = x = fl = by = 0.0
        for r in self.rows:
            n = r.op.count
            t += n * r.time
            c += n * r.t_compute
            m += n * r.t_memory
            o += n * r.t_overhead
            x += n * r.t_comm
            fl += n * r.op.flops
            by += n * r.op.bytes
        for name, value in zip(("time", "compute", "memory", "overhead", "network", "flops", "bytes"),
                               (t, c, m, o, x, fl, by), strict=True):
            object.__setattr__(self, name, value)

    @property
    def bound(self) -> str:
        """Which term takes most of the step: 'compute', 'memory', 'overhead' or 'network'."""
        shares = dict.fromkeys(BOUNDS, 0.0)
        for r in self.rows:
            shares[r.bound] += r.op.count * r.time
        return max(shares, key=lambda k: shares[k])

    @property
    def overhead_share(self) -> float:
        """Fraction of the step spent in fixed per-kernel costs."""
        return self.overhead / self.time if self.time else 0.0

    def bytes_by_role(self) -> dict[str, float]:
        """Bytes moved in the step by role: weights, activations, KV cache."""
        out = {"weights": 0.0, "activations": 0.0, "kv_cache": 0.0}
        for r in self.rows:
            out["weights"] += r.op.count * r.op.weight_bytes
            out["activations"] += r.op.count * r.op.act_bytes
            out["kv_cache"] += r.op.count * r.op.kv_bytes
        return out

    def by_group(self, term: Callable[[OpCost], float] = operator.attrgetter("time")) -> dict[str, float]:
        """Step totals per group of operators (embedding, layers, head, step), in step order.

        `term` picks what is summed from each priced operator (per execution): its time by
        default, or e.g. `lambda r: r.t_comm` or `lambda r: r.op.saved_bytes`.

        Args:
            term: a function of a priced operator returning the number to sum.
        """
        out: dict[str, float] = {}
        for r in self.rows:
            out[r.op.group] = out.get(r.op.group, 0.0) + r.op.count * term(r)
        return out

    def table_rows(self) -> list[tuple]:
        """One row per operator: name, count, GFLOP, MB, µs per step, share, bound (step totals)."""
        rows = []
        for r in self.rows:
            n = r.op.count
            rows.append((r.op.name, n, n * r.op.flops / 1e9, n * r.op.bytes / 1e6, n * r.time * 1e6,
                         n * r.time / self.time if self.time else 0.0, r.bound))
        return rows

    HEADERS = ("operator", "count", "GFLOP", "MB", "time µs", "share", "bound")

    def __str__(self) -> str:
        body = [(n, c, f"{g:,.3f}", f"{b:,.2f}", f"{t:,.1f}", f"{s:.1%}", bd) for n, c, g, b, t, s, bd in self.table_rows()]
        body.append(("total", "", f"{self.flops / 1e9:,.3f}", f"{self.bytes / 1e6:,.2f}", f"{self.time * 1e6:,.1f}",
                     "100.0%", self.bound))
        return show.table_text(list(self.HEADERS), body, "<>>>>>>")

    def _repr_html_(self) -> str:
        body = [(n, c, f"{g:,.3f}", f"{b:,.2f}", f"{t:,.1f}", f"{s:.1%}", bd) for n, c, g, b, t, s, bd in self.table_rows()]
        return show.table_html(list(self.HEADERS), body, "<>>>>>>")

    def quantities(self) -> dict:
        """Step totals as Quantities: latency, compute, memory, overhead and network time (ms), FLOPs, bytes."""
        ms = 1e3
        return {"latency": quantity(self.time * ms, "ms"), "compute": quantity(self.compute * ms, "ms"),
                "memory": quantity(self.memory * ms, "ms"), "overhead": quantity(self.overhead * ms, "ms"),
                "network": quantity(self.network * ms, "ms"), "flops": quantity(self.flops / 1e9, "GFLOP"),
                "bytes": quantity(self.bytes / 1e9, "GB")}
