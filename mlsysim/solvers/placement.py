"""Place serving capacity across regions under latency, budget and carbon constraints.

Each region's cost and carbon per node-year come from ``EconomicsModel`` and
``SustainabilityModel`` (its grid's price, PUE and carbon intensity, at
``Assumptions.serving_utilization`` unless told); they are
linear in the node count, so the search enumerates every split of the nodes
over every allowed set of regions (exactly for two regions, in steps of at
most 1/200 of the total for three or more) and keeps the cheapest (or
greenest) split meeting all constraints.  When none does, the result says
which constraint cannot be met and by how much.
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
from typing import Any, Literal

from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.errors import InvalidArgumentError
from ..infra.types import Datacenter, GridProfile
from ..systems.registry import InfiniBand_NDR
from ..systems.types import Fleet, Node
from .economics import DAYS_PER_YEAR, EconomicsModel
from .result import Result
from .sustainability import SustainabilityModel


@dataclasses.dataclass(frozen=True)
class PlacementResult(Result):
    """Nodes per region, the totals, and each constraint's slack (positive: met with room)."""

    placement: dict
    feasible: bool
    cost_usd_per_year: float
    carbon_t_per_year: float
    worst_latency_ms: float
    budget_slack_usd: float | None
    carbon_slack_t: float | None
    latency_slack_ms: float | None
    binding_constraint: str
    reason: str = ""


class PlacementOptimizer:
    """The cheapest (or lowest-carbon) split of serving nodes over candidate regions."""

    def solve(self, node: Node, nodes_needed: int, regions, *, user_latency_ms: dict | None = None,
              max_latency_ms: float | None = None, budget_usd: float | None = None, carbon_cap_t: float | None = None,
              min_regions: int = 1, objective: Literal["cost", "carbon"] = "cost", mfu: float | None = None,
              fabric=None, assumptions: Assumptions | None = None) -> PlacementResult:
        """Place ``nodes_needed`` nodes of ``node`` over ``regions`` (grids or datacenters).

        Args:
            user_latency_ms: network latency from the users to each region, by region name.
            max_latency_ms: the largest latency any used region may add.
            budget_usd, carbon_cap_t: yearly limits on TCO (USD) and carbon (tonnes CO2e).
            min_regions: regions that must each host at least one node (redundancy).
            mfu: fraction of the time the serving nodes are busy decoding, idle the rest (it sets their power
                draw; default ``assumptions.serving_utilization``).
            assumptions: passed to the economics and sustainability models (default: ``Assumptions()``).

        Example:
            >>> r = PlacementOptimizer().solve(Systems.Nodes.DGX_H100, 14, [Infra.US_Avg, Infra.Quebec], min_regions=2)
            >>> r.placement["Quebec"] > r.placement["US Average"]
            True
        """
        a = resolve(assumptions)
        validate.instance("node", node, Node, "a node such as Systems.Nodes.DGX_H100")
        total = validate.positive_int("nodes_needed", nodes_needed)
        need = validate.positive_int("min_regions", min_regions)
        if objective not in ("cost", "carbon"):
            raise InvalidArgumentError("objective", objective, "'cost' or 'carbon'")
        grids = list(regions)
        if not grids or not all(isinstance(g, (GridProfile, Datacenter)) for g in grids):
            raise InvalidArgumentError("regions", regions, "a non-empty list of grids or datacenters")
        if need > len(grids) or need > total:
            raise InvalidArgumentError("min_regions", need, f"at most {min(len(grids), total)} (regions and nodes available)")
        latency = dict(user_latency_ms or {})
        for name, ms in latency.items():
            validate.positive_number(f"user_latency_ms[{name!r}]", ms, allow_zero=True)
        limits = {
            "latency": None if max_latency_ms is None else validate.positive_number("max_latency_ms", max_latency_ms),
            "budget": None if budget_usd is None else validate.positive_number("budget_usd", budget_usd),
            "carbon": None if carbon_cap_t is None else validate.positive_number("carbon_cap_t", carbon_cap_t),
        }
        u = validate.fraction("mfu", a.serving_utilization if mfu is None else mfu)
        per_node = {}
        for grid in grids:
            name = grid.region_name
            fleet = Fleet(name=name, node=node, count=1, fabric=fabric or InfiniBand_NDR, region=grid)
            busy: dict[str, Any] = dict(activity="decode", utilization=u, assumptions=a)
            per_node[name] = (EconomicsModel().solve(fleet, DAYS_PER_YEAR, **busy).tco_usd,
                              SustainabilityModel().solve(fleet, DAYS_PER_YEAR, **busy).carbon_footprint_kg / 1e3,
                              float(latency.get(name, 0.0)))
        allowed = [n for n, (_, _, ms) in per_node.items() if limits["latency"] is None or ms <= limits["latency"]]
        candidates = [self._score(split, per_node) for split in _splits(allowed, total, need)]
        ok = [c for c in candidates if _violations(c, limits) == []]
        key = (lambda c: (c["cost"], c["carbon"])) if objective == "cost" else (lambda c: (c["carbon"], c["cost"]))
        if ok:
            best = min(ok, key=key)
            return self._result(best, limits, True, _tightest(best, limits), "")
        if not candidates:
            return PlacementResult({}, False, 0.0, 0.0, 0.0, None, None, None, "latency",
                                   f"no placement satisfies the latency limit: fewer than {need} regions are within "
                                   f"{limits['latency']} ms")
        # Name the constraint that even the placement best at meeting it violates.
        for name in ("carbon", "budget"):
            if limits[name] is not None:
                measure = "carbon" if name == "carbon" else "cost"
                closest = min(candidates, key=operator.itemgetter(measure))
                if closest[measure] > limits[name]:
                    unit = "t CO2e/yr" if name == "carbon" else "USD/yr"
                    return self._result(closest, limits, False, name,
                                        f"no placement satisfies the {name} limit: the best reaches "
                                        f"{closest[measure]:,.0f} {unit} against {limits[name]:,.0f}")
        best = min(candidates, key=lambda c: len(_violations(c, limits)))
        return self._result(best, limits, False, _violations(best, limits)[0],
                            "no placement satisfies the budget and the carbon limit together")

    @staticmethod
    def _score(split: dict, per_node: dict) -> dict:
        cost = sum(n * per_node[r][0] for r, n in split.items())
        carbon = sum(n * per_node[r][1] for r, n in split.items())
        worst = max(per_node[r][2] for r, n in split.items() if n)
        return {"split": split, "cost": cost, "carbon": carbon, "latency": worst}

    @staticmethod
    def _result(c: dict, limits: dict, feasible: bool, binding: str, reason: str) -> PlacementResult:
        return PlacementResult(
            placement=dict(c["split"]), feasible=feasible, cost_usd_per_year=c["cost"], carbon_t_per_year=c["carbon"],
            worst_latency_ms=c["latency"],
            budget_slack_usd=None if limits["budget"] is None else limits["budget"] - c["cost"],
            carbon_slack_t=None if limits["carbon"] is None else limits["carbon"] - c["carbon"],
            latency_slack_ms=None if limits["latency"] is None else limits["latency"] - c["latency"],
            binding_constraint=binding, reason=reason,
        )


def _splits(regions: list[str], total: int, need: int):
    """Every way to put ``total`` nodes on at least ``need`` of ``regions`` (coarse steps for 3+ regions)."""
    for k in range(need, min(len(regions), total) + 1):
        for subset in itertools.combinations(regions, k):
            step = 1 if k <= 2 else max(1, total // 200)
            yield from (dict(zip(subset, parts, strict=True)) for parts in _compositions(total, k, step))


def _compositions(total: int, parts: int, step: int):
    """Positive integer tuples of length ``parts`` summing to ``total`` (first parts in multiples of ``step``)."""
    if parts == 1:
        yield (total,)
        return
    for first in range(1, total - parts + 2, step):
        for rest in _compositions(total - first, parts - 1, step):
            yield (first, *rest)


def _violations(c: dict, limits: dict) -> list[str]:
    out = []
    if limits["budget"] is not None and c["cost"] > limits["budget"]:
        out.append("budget")
    if limits["carbon"] is not None and c["carbon"] > limits["carbon"]:
        out.append("carbon")
    if limits["latency"] is not None and c["latency"] > limits["latency"]:
        out.append("latency")
    return out


def _tightest(c: dict, limits: dict) -> str:
    slack: dict[str, float] = {}
    if limits["budget"] is not None:
        slack["budget"] = (limits["budget"] - c["cost"]) / limits["budget"]
    if limits["carbon"] is not None:
        slack["carbon"] = (limits["carbon"] - c["carbon"]) / limits["carbon"]
    if limits["latency"] is not None:
        slack["latency"] = (limits["latency"] - c["latency"]) / limits["latency"]
    return min(slack, key=slack.__getitem__) if slack else "none"
