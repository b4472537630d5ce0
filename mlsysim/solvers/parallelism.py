"""Search every training plan of a fleet — TP × PP × DP × CP × EP × micro-batch × schedule and virtual stages ×
recompute × sharding — for the best MFU that fits in memory.

Candidates: TP divides a node and the model's attention heads; CP splits the sequence into chunks of at least
`MIN_CP_TOKENS` tokens; EP divides the experts (mixtures of
experts only) and DP × CP; PP stages are at most the layers; DP = GPUs / (TP × CP × PP) divides the global batch;
the micro-batch divides each DP rank's share; a pipeline runs 1F1B, ZB-H1, or the interleaved schedule with
2–8 virtual stages that divide its middle stages' layers (and a multiple of PP microbatches).  The cost core
prices each distinct microbatch shape once; every plan's step is then evaluated at once, vectorized
(`mlsysim.solvers.distributed.plan_terms`).  A plan that does not fit with the runtime reserve is rejected
with its reason.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Any, Literal

import numpy as np

from ..core import validate
from ..core.assumptions import RECOMPUTES, SHARDINGS, Assumptions
from ..core.errors import InvalidArgumentError, UnknownNameError
from ..core.precision import Precisions
from ..core.units import quantity
from ..formulas.parallel import SCHEDULES
from ..models.types import TransformerWorkload
from ..systems.types import Fleet
from .distributed import (
    PLAN_ARGUMENTS,
    TERM_KEYS,
    DistributedResult,
    MicrobatchCost,
    Plan,
    Recompute,
    Schedule,
    Sharding,
    check_plan,
    explain_memory,
    microbatch_cost,
    plan_terms,
    prepare,
    result,
    step_terms,
)
from .result import Result

MICRO_BATCH_SIZES = (1, 2, 4, 8, 16, 32)
VIRTUAL_STAGES = (2, 3, 4, 6, 8)
MIN_CP_TOKENS = 1024  # context parallelism below a kilotoken per GPU is all exchange, no attention
COST_FIELDS = tuple(f.name for f in dataclasses.fields(MicrobatchCost))
SEARCHED_SHARDINGS = ("none", "zero1", "zero2", "zero3")  # FSDP prices as ZeRO-3: searching both would tie


@dataclasses.dataclass(frozen=True)
class ParallelismResult(Result):
    """The best plan found, how many were searched, the ranked feasible ones and the Pareto front: what
    `ParallelismOptimizer.solve` returns.

    A plan is a dict with the keys "tp", "pp", "dp", "cp", "ep", "micro_batch_size", "virtual_stages",
    "schedule", "recompute" and "optimizer_sharding".

    Attributes:
        model: the model's name.
        fleet: the fleet's name.
        best_config: the best plan (highest MFU; ties: shorter step), None when none fits.
        best_mfu: its model FLOPs utilization.
        best_step_time (Quantity | None): its step time (ms).
        total_searched: plans evaluated.
        feasible_count: plans that fit in memory.
        rejected_count: plans that do not.
        top_candidates (list[dict]): the best plans, ranked; each a dict of "config", "mfu", "step_time",
            "memory_per_gpu", "scaling_efficiency" and "bubble_fraction".
        pareto_front (list[dict]): the plans no other beats in both step time and memory (same keys).
        named_plan: the plan named by `compare_to`: its "config", "feasible", "mfu", "step_time",
            "memory_per_gpu", "rank" and "why" it ranks there; None when none was named.
        best_result: the best plan solved by `DistributedModel.solve`.
        reason: why no plan fits ("" when one does).

    Example:
        >>> from mlsysim import Models, ParallelismOptimizer, Systems
        >>> r = ParallelismOptimizer().solve(Models.Llama3_70B, Systems.Clusters.Research_256, batch_size=512,
        ...                                  compare_to={"tp_size": 8, "pp_size": 1})
        >>> r.feasible_count + r.rejected_count == r.total_searched
        True
        >>> sorted(r.named_plan)
        ['config', 'feasible', 'memory_per_gpu', 'mfu', 'rank', 'step_time', 'why']
    """

    model: str
    fleet: str
    best_config: dict | None
    best_mfu: float
    best_step_time: object
    total_searched: int
    feasible_count: int
    rejected_count: int
    top_candidates: list = dataclasses.field(repr=False)
    pareto_front: list = dataclasses.field(repr=False)
    named_plan: dict | None = dataclasses.field(default=None, repr=False)
    best_result: DistributedResult | None = dataclasses.field(default=None, repr=False)
    reason: str = ""
    _rejected: tuple = dataclasses.field(default=(), repr=False)

    @functools.cached_property
    def rejected(self) -> list[dict]:
        """Every plan that does not fit, with its reason (built on first access: a large fleet rejects tens of
        thousands)."""
        if not self._rejected:
            return []
        cols, t, indices = self._rejected
        out = []
        for i in indices:
            terms = {k: float(t[k][i]) for k in ("memory", "weights", "grads", "optimizer", "activations")}
            terms |= {"reserve": float(t["reserve"]), "capacity": float(t["capacity"])}
            out.append({"config": _config(cols, int(i)), "reason": explain_memory(terms)})
        return out


MAX_PLANS = 2_000_000
"""The most plans one search prices, vectorized (about a second; the zoo's largest fleet has under 100,000)."""


def divisors(n: int) -> list[int]:
    """The divisors of `n` ≥ 1 in increasing order, by trial division up to √n (≈30,000 steps for a billion).

    >>> from mlsysim.solvers.parallelism import divisors
    >>> divisors(12)
    [1, 2, 3, 4, 6, 12]
    """
    small = [d for d in range(1, math.isqrt(n) + 1) if n % d == 0]
    return small + [n // d for d in reversed(small) if d * d != n]


def _candidates(s, model: TransformerWorkload, fleet: Fleet, recomputes, shardings, schedules) -> dict[str, list]:
    """Every plan of the joint space, as columns."""
    gpus, per_node, layers = fleet.total_accelerators, fleet.node.accelerators_per_node, model.layers
    cols: dict[str, list] = {k: [] for k in ("tp", "pp", "dp", "cp", "ep", "mbs", "v", "m", "schedule", "recompute",
                                             "sharding")}
    tps = divisors(math.gcd(per_node, model.attention_heads))
    cps = [c for c in (1, 2, 4, 8, 16, 32, 64) if c == 1 or (s.seq % (2 * c) == 0 and s.seq // c >= MIN_CP_TOKENS)]
    eps = divisors(model.experts) if model.is_moe else [1]
    fleet_divisors = sorted({a * b for a in divisors(per_node) for b in divisors(fleet.count)})
    pipe = [sch for sch in schedules if sch != "interleaved"]
    for tp in tps:
        for cp in cps:
            if gpus % (tp * cp):
                continue
            if len(cols["tp"]) > MAX_PLANS:
                raise InvalidArgumentError("fleet", fleet.name, f"a fleet whose plans number at most {MAX_PLANS:,} "
                                           "(this one has more ways to split it than a search can price)")
            for pp in (p for p in fleet_divisors if p <= layers and gpus % (tp * cp * p) == 0):
                dp = gpus // (tp * cp * pp)
                if s.batch % dp:
                    continue
                middle = -(-layers // pp)
                for ep in (e for e in eps if (dp * cp) % e == 0):
                    for mbs in (b for b in MICRO_BATCH_SIZES if (s.batch // dp) % b == 0):
                        m = s.batch // dp // mbs
                        shapes = [("1f1b", 1)] if pp == 1 else [(sch, 1) for sch in pipe]
                        if pp > 1 and "interleaved" in schedules and m % pp == 0:
                            shapes += [("interleaved", v) for v in VIRTUAL_STAGES
                                       if middle % v == 0]
                        for schedule, v in shapes:
                            for rc in recomputes:
                                for sh in shardings:
                                    for k, val in zip(cols, (tp, pp, dp, cp, ep, mbs, v, m, schedule, rc, sh),
                                                      strict=True):
                                        cols[k].append(val)
    return cols


def _plan(cols: dict[str, np.ndarray], i: int) -> Plan:
    return Plan(int(cols["tp"][i]), int(cols["pp"][i]), int(cols["dp"][i]), int(cols["cp"][i]), int(cols["ep"][i]),
                int(cols["mbs"][i]), int(cols["v"][i]), str(cols["schedule"][i]), str(cols["recompute"][i]),
                str(cols["sharding"][i]))


def _config(cols: dict[str, np.ndarray], i: int) -> dict[str, Any]:
    return _plan(cols, i).as_dict() | {"microbatches": int(cols["m"][i])}


class ParallelismOptimizer:
    """Exhaustive, vectorized search over every training plan of a fleet: every split tp × pp × dp × cp × ep,
    microbatch size, schedule, recomputation and optimizer sharding, each priced as `DistributedModel` prices it.
    """

    def solve(
        self,
        model: TransformerWorkload,
        fleet: Fleet,
        batch_size: int | None = None,
        precision: str | Precisions | None = None,
        efficiency: float | None = None,
        *,
        seq_len: int | None = None,
        overlap_comm: bool | float | None = None,
        optimizer_sharding: Sharding | None = None,
        recompute: Recompute | None = None,
        schedule: Schedule | None = None,
        flash_attention: bool | None = None,
        optimizer: str | None = None,
        dp_algorithm: Literal["ring", "hierarchical"] | None = None,
        sequence_parallel: bool | None = None,
        compare_to: dict | None = None,
        top_k: int | None = None,
        assumptions: Assumptions | None = None,
    ) -> ParallelismResult:
        """Every plan that fits, ranked by MFU (ties: shorter step), with the step-time/memory Pareto front;
        `best_result` is the best plan's `DistributedResult`.

        Args:
            model: a transformer from `Models.Language`.
            fleet: the cluster (`Systems.Clusters`, or a `Fleet`).
            batch_size: global batch in sequences; default `Assumptions.global_batch`.
            precision: a precision name or a `Precisions`; default `Assumptions.training_precision`.
            efficiency: a flat fraction of dense peak; default None: the size-dependent curves.
            seq_len: tokens per sequence; default `Assumptions.seq_len`.
            overlap_comm: as in `DistributedModel.solve`; default `Assumptions.dp_overlap`.
            optimizer_sharding: fixes the sharding; default None searches every sharding but FSDP (which
                prices as ZeRO-3).
            recompute: fixes the recomputation; default None searches "none", "selective" and "full" ("none" and
                "full" under fused attention, where selective recomputation recomputes nothing).
            schedule: fixes the pipeline schedule; default None searches 1F1B, ZB-H1 and interleaved.
            flash_attention: as in `DistributedModel.solve`; default `Assumptions.flash_attention`.
            optimizer: "adam" or "sgd"; default `Assumptions.optimizer`.
            dp_algorithm: "ring" or "hierarchical"; default `Assumptions.dp_algorithm`.
            sequence_parallel: as in `DistributedModel.solve`; default `Assumptions.sequence_parallel`.
            compare_to: a plan to rank against the best, named with the keywords of `DistributedModel.solve`
                (`tp_size`, `pp_size`, `cp_size`, `ep_size`, `micro_batch_size`, `virtual_stages`,
                `schedule`, `recompute`, `optimizer_sharding`); the result reports it as `named_plan`.
            top_k: ranked candidates the result keeps; default `Assumptions.plans_ranked`.
            assumptions: the modelling defaults; default `Assumptions()`.

        Returns:
            The best plan, the counts, the ranked candidates and the Pareto front.

        Example:
            >>> from mlsysim import Models, ParallelismOptimizer, Systems
            >>> r = ParallelismOptimizer().solve(Models.Llama3_70B, Systems.Clusters.Research_256, batch_size=512)
            >>> r.best_config["tp"], r.total_searched > 1000
            (2, True)
        """
        s = prepare(model, fleet, batch_size, seq_len, precision, efficiency, overlap_comm, optimizer, dp_algorithm,
                    assumptions, sequence_parallel, flash_attention)
        keep = validate.positive_int("top_k", s.assumptions.plans_ranked if top_k is None else top_k)
        # Under fused attention the score matrix is never stored, so selective recomputation has nothing to
        # recompute and would only repeat "none"'s plans; the search skips it unless asked for it.
        searched = tuple(r for r in RECOMPUTES if r != "selective") if s.assumptions.flash_attention else RECOMPUTES
        recomputes = searched if recompute is None else (self._one("recompute", recompute, RECOMPUTES),)
        shardings = SEARCHED_SHARDINGS if optimizer_sharding is None else (
            self._one("optimizer_sharding", optimizer_sharding, SHARDINGS),)
        schedules = SCHEDULES if schedule is None else (self._one("schedule", schedule, SCHEDULES),)
        lists = _candidates(s, model, fleet, recomputes, shardings, schedules)
        n = len(lists["tp"])
        cols: dict[str, np.ndarray] = {k: np.asarray(v) for k, v in lists.items()}
        named = self._named(s, compare_to)
        if n == 0:
            return self._empty(model, fleet, named, "no split of the fleet divides the batch and the model")
        # Price each distinct microbatch shape once, then spread its fields over the plans that share it.
        shape_keys = list(zip(lists["tp"], lists["cp"], lists["ep"], lists["mbs"], lists["recompute"], strict=True))
        shapes = {key: i for i, key in enumerate(dict.fromkeys(shape_keys))}
        index = np.fromiter((shapes[k] for k in shape_keys), dtype=np.int64, count=n)
        costs = [microbatch_cost(s, *key) for key in shapes]
        table = np.array([[getattr(c, f) for f in COST_FIELDS] for c in costs])
        for j, f in enumerate(COST_FIELDS):
            cols[f] = table[index, j]
        t = plan_terms(s, cols)
        fits = np.asarray(t["fits"], dtype=bool)
        order = np.lexsort((t["step"], -t["mfu"]))
        ranked = order[fits[order]]
        top = [self._row(cols, t, int(i)) for i in ranked[:keep]]
        front = self._pareto(cols, t, ranked)
        rejected = (cols, t, np.flatnonzero(~fits))
        if named is not None:
            named = self._rank(named, t, ranked)
        best = top[0] if top else None
        best_result = None
        if best is not None:  # the winner as DistributedModel reports it: every term, the memory, the whole run
            plan = _plan(cols, int(ranked[0]))
            best_result = result(s, plan, step_terms(s, plan))
        return ParallelismResult(
            model=model.name, fleet=fleet.name,
            best_config=None if best is None else {k: v for k, v in best["config"].items() if k != "microbatches"},
            best_mfu=0.0 if best is None else best["mfu"],
            best_step_time=None if best is None else best["step_time"],
            total_searched=n, feasible_count=int(fits.sum()), rejected_count=int((~fits).sum()),
            top_candidates=top, pareto_front=front, named_plan=named, best_result=best_result,
            reason="" if top else f"none of the {n:,} plans fits in memory with the runtime reserve; try a larger "
            "fleet, or a model with fewer parameters",
            _rejected=rejected,
        )

    @staticmethod
    def _one(name: str, value, allowed) -> str:
        if value not in allowed:
            raise UnknownNameError(name, str(value), allowed)
        return value

    @staticmethod
    def _row(cols, t, i: int) -> dict[str, Any]:
        return {"config": _config(cols, i), "mfu": float(t["mfu"][i]),
                "step_time": quantity(float(t["step"][i]) * 1e3, "ms"),
                "memory_per_gpu": quantity(float(t["memory"][i]) / 1e9, "GB"),
                "scaling_efficiency": float(t["scaling"][i]), "bubble_fraction": float(t["bubble"][i])}

    def _pareto(self, cols, t, ranked) -> list[dict[str, Any]]:
        """Feasible plans no other beats on both step time and memory, fastest first."""
        if not len(ranked):
            return []
        by_step = ranked[np.lexsort((t["memory"][ranked], t["step"][ranked]))]
        front, lowest = [], np.inf
        for i in by_step:
            if t["memory"][i] < lowest:
                lowest = t["memory"][i]
                front.append(self._row(cols, t, int(i)))
        return front

    @staticmethod
    def _named(s, compare_to) -> dict | None:
        if compare_to is None:
            return None
        if not isinstance(compare_to, dict):
            raise InvalidArgumentError("compare_to", compare_to, "a dict of plan settings, e.g. {'tp_size': 8, "
                                       "'pp_size': 16}")
        unknown = set(compare_to) - set(PLAN_ARGUMENTS)
        if unknown:
            raise UnknownNameError("compare_to", sorted(unknown)[0], PLAN_ARGUMENTS)
        plan = check_plan(s, **compare_to)
        return {"plan": plan, "terms": step_terms(s, plan)}

    @staticmethod
    def _rank(named: dict, t, ranked) -> dict[str, Any]:
        plan, own = named["plan"], named["terms"]
        config = plan.as_dict()
        out: dict[str, Any] = {"config": config, "feasible": own["fits"], "mfu": own["mfu"],
                               "step_time": quantity(own["step"] * 1e3, "ms"),
                               "memory_per_gpu": quantity(own["memory"] / 1e9, "GB")}
        if not own["fits"]:
            return out | {"rank": None, "why": explain_memory(own)}
        out["rank"] = 1 + int((t["mfu"][ranked] > own["mfu"] * (1 + 1e-12)).sum())
        if not len(ranked) or out["rank"] == 1:
            return out | {"why": "it is the best plan found"}
        b = int(ranked[0])
        excess = {term: own[key] - float(t[key][b]) for term, key in TERM_KEYS.items()}
        worst = max(excess, key=lambda k: excess[k])
        key = TERM_KEYS[worst]
        out["why"] = (f"its {worst} time is {own[key] * 1e3:,.0f} ms per step against "
                      f"{float(t[key][b]) * 1e3:,.0f} ms in the best plan (step "
                      f"{own['step'] * 1e3:,.0f} against {float(t['step'][b]) * 1e3:,.0f} ms)")
        return out

    @staticmethod
    def _empty(model, fleet, named, reason: str) -> ParallelismResult:
        return ParallelismResult(model=model.name, fleet=fleet.name, best_config=None, best_mfu=0.0,
                                 best_step_time=None, total_searched=0, feasible_count=0, rejected_count=0,
                                 top_candidates=[], pareto_front=[], named_plan=named, reason=reason)
