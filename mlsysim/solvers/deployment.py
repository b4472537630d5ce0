"""The cheapest serving deployment that meets an arrival rate and its latency SLAs.

Given a model, a request shape, an arrival rate λ and SLAs on the P99 time to first token and the
mean inter-token latency, `DeploymentSearch` tries every node × precision × TP × PP × batch
(× speculative decoding on and off) and, for each, every replica count from one up to a bound the
rate sets.  Each *design* (all but the replica count) is priced once by
`request_cost`, the definition every serving solver shares; the replica
counts are then evaluated together in numpy: the load per replica λ / r, the stable boundary, the mean
ITL under prefill interference, and the P99 TTFT of the M/M/c slot queue (Erlang C, vectorized).

A deployment is feasible when the replica fits in memory, λ / r is below its capacity, and both SLAs
hold.  Its price is the GPUs' share of their nodes' TCO per hour (`EconomicsModel` over
`Assumptions.deployment_days` at `serving_utilization` on `grid`), and its cost per million
tokens is that price over λ × output tokens.  The result holds the cheapest feasible deployment, the
next ones ranked, and the next *cheaper* deployment with the constraint it breaks.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import warnings
from typing import Any

import numpy as np

from .. import formulas
from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.errors import InvalidArgumentError
from ..core.precision import check_precision
from ..hardware.types import PrecisionFallbackWarning
from ..infra.registry import Infra
from ..infra.types import Datacenter, GridProfile
from ..models.types import TransformerWorkload, decoder_only
from ..systems.registry import Fabrics, Nodes
from ..systems.types import Fleet, Node
from .batching import default_candidates
from .economics import EconomicsModel
from .request import SpeculativeDecoding, request_cost
from .result import Result
from .serving import replica_split


@dataclasses.dataclass(frozen=True)
class Deployment(Result):
    """One deployment: where, how split, how many replicas, what it costs, whether it meets the SLAs.

    `p99_ttft_ms` and `mean_itl_ms` are None where they are unbounded: the replicas cannot keep up with
    the arrivals, and `reason` says so.

    Attributes:
        node: the node's name.
        precision: the weights' precision.
        tp_size: tensor-parallel GPUs per replica.
        pp_size: pipeline stages per replica.
        batch_size: concurrent requests per replica.
        speculative: whether speculative decoding is on.
        replicas: replicas serving the load.
        gpus: GPUs in use (replicas × tp × pp).
        p99_ttft_ms: P99 time to first token under the load, ms.
        mean_itl_ms: mean inter-token latency under the load, ms.
        utilization: arrivals / the replicas' capacity.
        usd_per_hour: what the GPUs in use cost per hour (their share of the nodes' TCO), USD.
        usd_per_mtok: USD per million output tokens at this load.
        feasible: whether it meets the SLAs and fits in memory.
        reason: why not ("" when it does).

    Example:
        >>> from mlsysim import DeploymentSearch, Models, Q_, Systems
        >>> plan = DeploymentSearch().solve(Models.Llama3_8B, Q_(20, "1/s"), nodes=[Systems.Nodes.DGX_H100])
        >>> best = plan.best
        >>> best.gpus == best.replicas * best.tp_size * best.pp_size
        True
    """

    node: str
    precision: str
    tp_size: int
    pp_size: int
    batch_size: int
    speculative: bool
    replicas: int
    gpus: int
    p99_ttft_ms: float | None
    mean_itl_ms: float | None
    utilization: float
    usd_per_hour: float
    usd_per_mtok: float
    feasible: bool
    reason: str = ""


@dataclasses.dataclass(frozen=True)
class DeploymentPlan(Result):
    """The cheapest feasible deployment, the ranked alternatives, and what the next cheaper one breaks: what
    `DeploymentSearch.solve` returns.

    Attributes:
        model: the model's name.
        arrival_rate_per_s: requests per second served.
        input_len: prompt tokens per request.
        output_len: generated tokens per request.
        best: the cheapest feasible `Deployment`, None when none is.
        feasible: whether any deployment meets the SLAs.
        next_cheaper: the cheapest deployment that costs less than `best` and fails (its `reason` says why).
        deployments_considered: deployments evaluated (designs × replica counts × batches).
        designs_priced: designs (node, precision, split, speculation) priced by the cost core.
        reason: why nothing is feasible ("" when something is).
        ranked: the feasible deployments, cheapest first.

    Example:
        >>> from mlsysim import DeploymentSearch, Models, Q_, Systems
        >>> plan = DeploymentSearch().solve(Models.Llama3_8B, Q_(20, "1/s"), nodes=[Systems.Nodes.DGX_H100])
        >>> plan.feasible, plan.ranked[0] == plan.best
        (True, True)
    """

    model: str
    arrival_rate_per_s: float
    input_len: int
    output_len: int
    best: Deployment | None
    feasible: bool
    next_cheaper: Deployment | None
    deployments_considered: int
    designs_priced: int
    reason: str = ""
    ranked: list[Deployment] = dataclasses.field(default_factory=list, repr=False)


class DeploymentSearch:
    """Search hardware × precision × TP × PP × replicas × batch (× speculation) for the cheapest deployment
    that serves a request rate within latency SLAs.

    Each design is priced as `request_cost` prices a replica, and its queue under Poisson arrivals as
    `TailLatencyModel` does; cost is the GPUs' share of their nodes' TCO (`EconomicsModel`).
    """

    def solve(self, model: TransformerWorkload, arrival_rate, *, input_len: int | None = None,
              output_len: int | None = None, ttft_p99=None, itl=None, nodes=None, precisions=None, tp_sizes=None,
              pp_sizes=None, batches=None, speculative: SpeculativeDecoding | None = None, grid=None,
              efficiency: float | None = None, assumptions: Assumptions | None = None) -> DeploymentPlan:
        """The cheapest deployment serving `arrival_rate` within the SLAs.

        Args:
            model: a transformer from `Models.Language`.
            arrival_rate (Quantity): requests per second, e.g. `Q_(10, "1/s")`.
            input_len: prompt tokens per request; default `Assumptions.request_input_tokens`.
            output_len: generated tokens per request; default `Assumptions.request_output_tokens`.
            ttft_p99 (Quantity | None): the P99 time to first token allowed; default None, no limit.
            itl (Quantity | None): the mean inter-token latency allowed under the load; default None, no limit.
            nodes (list[Node] | None): candidate nodes; default every node of `Systems.Nodes` with a price.
            precisions (list[str] | None): candidate precisions; default `Assumptions.deployment_precisions`.
            tp_sizes (list[int] | None): candidate tensor-parallel sizes; default powers of two up to the
                node's GPUs.
            pp_sizes (list[int] | None): candidate pipeline sizes; default 1 and 2.
            batches (list[int] | None): candidate concurrencies per replica; default `Assumptions.batch_candidates`.
            speculative: a `SpeculativeDecoding` tried on and off for every design; default None, off only.
            grid (GridProfile | None): the grid the fleet runs on, for energy prices; default
                `Assumptions.serving_region`.
            efficiency: a flat fraction of the dense peak; default None: the size-dependent curves.
            assumptions: the modelling defaults; default `Assumptions()`.

        Returns:
            The cheapest feasible deployment, the ranked alternatives, and the next cheaper one.

        Example:
            >>> from mlsysim import DeploymentSearch, Models, Q_, Systems
            >>> plan = DeploymentSearch().solve(Models.Llama3_8B, Q_(20, "1/s"), ttft_p99=Q_(1, "s"),
            ...                                 itl=Q_(50, "ms"), nodes=[Systems.Nodes.DGX_H100])
            >>> plan.feasible and plan.best.usd_per_mtok > 0
            True
        """
        a = resolve(assumptions)
        decoder_only(model, "Llama3_70B")
        rate = validate.quantity_in("arrival_rate", arrival_rate, "1/s", "10 / s")
        n_in = validate.positive_int("input_len", a.request_input_tokens if input_len is None else input_len)
        n_out = validate.positive_int("output_len", a.request_output_tokens if output_len is None else output_len)
        ttft_max = math.inf if ttft_p99 is None else validate.quantity_in("ttft_p99", ttft_p99, "s", "2 s")
        itl_max = math.inf if itl is None else validate.quantity_in("itl", itl, "s", "50 ms")
        node_list = _nodes(nodes)
        precs = _names("precisions", precisions, a.deployment_precisions)
        for p in precs:
            check_precision(p, "precisions")
        batch_list = validate.positive_ints("batches", default_candidates(a) if batches is None else batches)
        tp_list = None if tp_sizes is None else validate.positive_ints("tp_sizes", tp_sizes)
        pp_list = None if pp_sizes is None else validate.positive_ints("pp_sizes", pp_sizes)
        if speculative is not None:
            validate.instance("speculative", speculative, SpeculativeDecoding, "SpeculativeDecoding(4, 0.7) or None")
        specs: list[SpeculativeDecoding | None] = [None] if speculative is None else [None, speculative]
        designs_asked = sum(len(tp_list or _default_tps(n)) for n in node_list) * len(pp_list or DEFAULT_PPS) \
            * len(precs) * len(batch_list) * len(specs)
        if designs_asked > MAX_DESIGNS:
            raise InvalidArgumentError("batches", f"{designs_asked:,} designs", f"at most {MAX_DESIGNS:,} designs "
                                       "(nodes × precisions × tp_sizes × pp_sizes × batches): narrow a list")
        site = Infra.get(a.serving_region) if grid is None else validate.instance(
            "grid", grid, (GridProfile, Datacenter), "a grid or datacenter such as Infra.Quebec")
        with warnings.catch_warnings():  # a precision a GPU lacks is a candidate like any other, priced at its fallback
            warnings.simplefilter("ignore", PrecisionFallbackWarning)
            designs = _price_designs(model, node_list, precs, tp_list, pp_list, batch_list, specs, n_in, n_out,
                                     efficiency, a)
        if not designs:
            raise InvalidArgumentError("tp_sizes", tp_sizes, f"at least one split that {model.name} allows on the nodes")
        gpu_hour = {n.name: _usd_per_gpu_hour(n, site, a) for n in node_list}
        ok, next_cheaper, considered = _evaluate(designs, rate, n_out, ttft_max, itl_max, gpu_hour)
        best = ok[0] if ok else None
        reason = "" if best else ("no deployment meets the SLAs; the most expensive one tried breaks: " +
                                  (next_cheaper.reason if next_cheaper else "memory"))
        return DeploymentPlan(
            model=model.name, arrival_rate_per_s=rate, input_len=n_in, output_len=n_out, best=best,
            feasible=best is not None, next_cheaper=next_cheaper, deployments_considered=considered,
            designs_priced=len(designs), reason=reason, ranked=ok[: a.plans_ranked],
        )


def _finite_or_none(value: float) -> float | None:
    """A latency, or None when it is unbounded (the replica's queue cannot keep up)."""
    return float(value) if math.isfinite(value) else None


MAX_DESIGNS = 20_000
"""The most designs one search prices (each is one request-cost solve, tens of microseconds)."""


def _nodes(nodes) -> list[Node]:
    if nodes is None:
        return [n for _, n in Nodes.items() if n.unit_cost is not None or n.accelerator.unit_cost is not None]
    if isinstance(nodes, Node):
        nodes = [nodes]
    return validate.instances("nodes", nodes, Node, "nodes such as [Systems.Nodes.DGX_H100]")


def _names(name: str, given, default: str) -> list[str]:
    values = [v.strip() for v in default.split(",")] if given is None else given
    return validate.items(name, values, "names, e.g. ['fp16', 'fp8']")


def _usd_per_gpu_hour(node: Node, site, a: Assumptions) -> float:
    """One GPU's share of its node's TCO per hour over `deployment_days` at `serving_utilization`."""
    fleet = Fleet(name="deployment", node=node, count=1, fabric=Fabrics.InfiniBand_NDR, region=site)
    return EconomicsModel().solve(fleet, a.deployment_days, activity="decode", utilization=a.serving_utilization,
                                  assumptions=a).usd_per_gpu_hour


DEFAULT_PPS = (1, 2)
"""Pipeline stages tried when the caller names none."""


def _default_tps(node: Node) -> list[int]:
    """Tensor-parallel sizes tried when the caller names none: the powers of two up to the node's GPUs."""
    gpus = node.accelerators_per_node
    return [2 ** k for k in range(gpus.bit_length()) if 2 ** k <= gpus]


def _price_designs(model, nodes, precs, tp_sizes, pp_sizes, batches, specs, n_in, n_out, efficiency, a) -> list[dict]:
    """Every valid design priced once by the request cost (replica counts come later, vectorized)."""
    designs = []
    for node, prec in itertools.product(nodes, precs):
        tps = tp_sizes or _default_tps(node)
        pps = pp_sizes or DEFAULT_PPS
        for tp, pp, spec in itertools.product(tps, pps, specs):
            if not _splits(model, spec, node, tp, pp):
                continue
            for batch in batches:
                cost = request_cost(model, node, n_in, n_out, batch, prec, tp_size=tp, pp_size=pp,
                                    speculative=spec, efficiency=efficiency, assumptions=a)
                designs.append({"node": node.name, "precision": prec, "tp": tp, "pp": pp, "batch": batch,
                                "spec": spec is not None, "cost": cost})
    return designs


def _splits(model, spec: SpeculativeDecoding | None, node: Node, tp: int, pp: int) -> bool:
    """Whether the target (and the draft model, if any) can be split `tp × pp` over `node`."""
    models = [model] if spec is None or spec.draft_model is None else [model, spec.draft_model]
    try:
        for m in models:
            replica_split(m, node, tp, pp)
    except InvalidArgumentError:
        return False
    return True


EXACT_REPLICAS = 256
"""Up to this many replicas per design every count is tried; above it, the 128 counts from the least stable one
and then steps of 1 % (so the search grows with the logarithm of the rate, and a fleet is at most 1 % larger
than the fewest replicas that would do)."""


def _replica_counts(least_stable: int, bound: int) -> np.ndarray:
    """The replica counts tried for one design: every count up to `bound` when it is small; else the one below
    the least stable count (the dearest that fails), the 128 from it, then 1 % steps up to `bound`."""
    if bound <= EXACT_REPLICAS:
        return np.arange(1, bound + 1)
    start = max(1, least_stable - 1)
    dense = np.arange(start, min(bound, start + 128) + 1)
    steps = math.ceil(math.log(bound / dense[-1]) / math.log(1.01)) if bound > dense[-1] else 0
    sparse = np.unique(np.minimum(np.ceil(dense[-1] * 1.01 ** np.arange(1, steps + 1)), bound).astype(int))
    return np.concatenate([dense, sparse[sparse > dense[-1]]])


def _evaluate(designs: list[dict], rate: float, n_out: int, ttft_max: float, itl_max: float,
              gpu_hour: dict[str, float]) -> tuple[list[Deployment], Deployment | None, int]:
    """Every design × replica count, evaluated together: the feasible deployments ranked by price (each design
    at its fewest replicas), the dearest failing deployment cheaper than the best, and how many were evaluated."""
    costs = [d["cost"] for d in designs]
    g = np.array([c.gpu_time_s for c in costs])
    prefill = np.array([c.prefill_s for c in costs])
    step = np.array([c.itl_s for c in costs])
    fits = np.array([c.feasible for c in costs])
    batch = np.array([c.batch_size for c in costs], dtype=float)
    gpus_per = np.array([d["tp"] * d["pp"] for d in designs])
    price_gpu = np.array([gpu_hour[d["node"]] for d in designs])
    # replica counts up to a bound the rate sets: four times the stable minimum (a replica must keep up with both
    # its GPU time per request and, alone, its prefills), plus eight
    least_stable = (np.floor(rate * np.maximum(g, prefill)) + 1).astype(int)
    bound = 4 * least_stable + 8
    counts = [_replica_counts(int(lo), int(hi)) for lo, hi in zip(least_stable, bound, strict=True)]
    sizes = [c.size for c in counts]
    idx = np.repeat(np.arange(len(designs)), sizes)
    replicas = np.concatenate(counts).astype(float)
    lam = rate / replicas
    busy = lam * prefill[idx]
    stable = fits[idx] & (lam * g[idx] < 1.0) & (busy < 1.0)
    mean_itl = np.where(busy < 1.0, step[idx] / np.maximum(1.0 - busy, 1e-300), np.inf)
    slot = n_out * mean_itl
    servers = batch[idx]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        load = np.where(stable, lam * slot, 0.0)
        c_wait = formulas.erlang_c_array(servers, load)
        margin = servers / slot - lam
        wait99 = np.where(c_wait > 0.01, np.log(c_wait / 0.01) / margin, 0.0)
    ttft = np.where(stable, wait99 + prefill[idx], np.inf)
    ok = stable & (ttft <= ttft_max) & (mean_itl <= itl_max)
    usd_hour = replicas * gpus_per[idx] * price_gpu[idx]
    usd_mtok = usd_hour / (rate * n_out * 3600.0) * 1e6

    def deployment(i: int) -> Deployment:
        j = int(idx[i])
        d, u = designs[j], float(lam[i] * g[j])
        return Deployment(
            node=d["node"], precision=d["precision"], tp_size=d["tp"], pp_size=d["pp"], batch_size=d["batch"],
            speculative=d["spec"], replicas=int(replicas[i]), gpus=int(replicas[i] * gpus_per[j]),
            p99_ttft_ms=_finite_or_none(ttft[i] * 1e3), mean_itl_ms=_finite_or_none(mean_itl[i] * 1e3), utilization=u,
            usd_per_hour=float(usd_hour[i]), usd_per_mtok=float(usd_mtok[i]), feasible=bool(ok[i]),
            reason="" if ok[i] else _violation(d, u, float(ttft[i]), float(mean_itl[i]), ttft_max, itl_max))

    starts = np.concatenate([[0], np.cumsum(sizes)])
    keep = []
    for j in range(len(designs)):  # each design at its fewest replicas that meet everything
        good = np.flatnonzero(ok[starts[j]:starts[j + 1]])
        if good.size:
            keep.append(deployment(int(starts[j] + good[0])))
    keep.sort(key=lambda dep: dep.usd_per_hour)
    limit = keep[0].usd_per_hour if keep else np.inf
    below = np.flatnonzero(~ok & (usd_hour < limit) & fits[idx])  # one that fits says more than memory
    if not below.size:
        below = np.flatnonzero(~ok & (usd_hour < limit))
    next_cheaper = deployment(int(below[np.argmax(usd_hour[below])])) if below.size else None
    return keep, next_cheaper, int(replicas.size)


def _violation(design: dict[str, Any], utilization: float, ttft: float, itl: float, ttft_max: float,
               itl_max: float) -> str:
    cost = design["cost"]
    if not cost.feasible:
        return f"memory: {cost.reason}"
    if utilization >= 1.0 or not math.isfinite(ttft):
        return f"unstable: the replicas receive {utilization:.2f}× the requests they can complete"
    reasons = []
    if ttft > ttft_max:
        reasons.append(f"P99 TTFT {ttft * 1e3:,.0f} ms exceeds {ttft_max * 1e3:,.0f} ms")
    if itl > itl_max:
        reasons.append(f"ITL {itl * 1e3:.1f} ms exceeds {itl_max * 1e3:.0f} ms")
    return "; ".join(reasons)
