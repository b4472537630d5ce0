"""Place serving capacity across regions under latency, budget and carbon constraints.

Each region's cost and carbon per node-year come from `EconomicsModel` and
`SustainabilityModel` (its grid's price, PUE and carbon intensity, at
`Assumptions.serving_utilization` unless told); they are
linear in the node count, so the linear programme's optimum puts the bulk of
the nodes on at most two regions and one node on each other region redundancy
asks for; the search tries every pair (O(R³) for R regions, at most 64; the
node count only enters a closed form) and keeps the cheapest (or greenest)
split meeting all constraints.  In whole nodes, with one of the budget and the
carbon cap, it finds a split whenever one exists, within one node's spread of
the optimum (checked against enumerating every split); with both, a split that
meets them only by spreading over three or more regions can be missed.  When none does, the result says
which constraint cannot be met and by how much; when one does, it names the requirement that binds (the one
without which a better placement exists), found by solving again without each in turn.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from typing import Any, Literal

from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.errors import InvalidArgumentError, UnknownNameError
from ..infra.types import Datacenter, GridProfile
from ..systems.registry import InfiniBand_NDR
from ..systems.types import Fleet, Node
from .economics import DAYS_PER_YEAR, EconomicsModel
from .result import Result
from .sustainability import SustainabilityModel


@dataclasses.dataclass(frozen=True)
class PlacementResult(Result):
    """Nodes per region, the totals, and each constraint's slack (positive: met with room): what
    `PlacementOptimizer.solve` returns.

    Attributes:
        placement: nodes per region name (regions given no node are left out).
        feasible: whether the placement meets every limit.
        cost_usd_per_year: yearly TCO of the placed nodes, USD.
        carbon_t_per_year: yearly operational carbon of the placed nodes, tonnes CO2e.
        worst_latency_ms: the largest `user_latency_ms` over the regions the placement uses; None when
            `user_latency_ms` does not give every one of them (nothing is assumed for a missing region).
        budget_slack_usd: `budget_usd` minus the cost; None when no budget was set.
        carbon_slack_t: `carbon_cap_t` minus the carbon; None when no cap was set.
        latency_slack_ms: `max_latency_ms` minus the worst latency; None when no latency limit was set.
        binding_constraint: for a feasible placement, the requirement without which a better one (by the
            objective) exists: "budget", "carbon", "latency" or "min_regions" (the one whose removal gains
            most, if several bind), or "none" when removing any of them would not change the answer.  For an
            infeasible one, the limit that cannot be met.
        reason: why no placement is feasible ("" when one is).

    Example:
        >>> from mlsysim import Infra, PlacementOptimizer, Systems
        >>> r = PlacementOptimizer().solve(Systems.Nodes.DGX_H100, 14, [Infra.US_Avg, Infra.Quebec], min_regions=2)
        >>> sum(r.placement.values()), r.feasible
        (14, True)
    """

    placement: dict
    feasible: bool
    cost_usd_per_year: float
    carbon_t_per_year: float
    worst_latency_ms: float | None
    budget_slack_usd: float | None
    carbon_slack_t: float | None
    latency_slack_ms: float | None
    binding_constraint: str
    reason: str = ""


MAX_REGIONS = 64
"""The most candidate regions one placement weighs (the search is cubic in them)."""


class PlacementOptimizer:
    """The cheapest (or lowest-carbon) split of serving nodes over candidate regions, under budget, carbon,
    latency and redundancy limits.  Each region's cost and carbon per node come from `EconomicsModel` and
    `SustainabilityModel`."""

    def solve(self, node: Node, nodes_needed: int, regions, *, user_latency_ms: dict | None = None,
              max_latency_ms: float | None = None, budget_usd: float | None = None, carbon_cap_t: float | None = None,
              min_regions: int = 1, objective: Literal["cost", "carbon"] = "cost", mfu: float | None = None,
              fabric=None, assumptions: Assumptions | None = None) -> PlacementResult:
        """Place `nodes_needed` nodes of `node` over `regions` (grids or datacenters).

        Args:
            node: the serving node (`Systems.Nodes.DGX_H100`).
            nodes_needed: nodes to place.
            regions (list[GridProfile | Datacenter]): candidate regions.
            user_latency_ms: network latency from the users to each region, ms, by region name.
            max_latency_ms: the largest latency any used region may add, ms; needs `user_latency_ms` for every
                region.
            budget_usd: yearly limit on TCO, USD.
            carbon_cap_t: yearly limit on operational carbon, tonnes CO2e.
            min_regions: regions that must each host at least one node (redundancy).
            objective: "cost" or "carbon", what the placement minimizes.
            mfu: fraction of the time the serving nodes are busy decoding, idle the rest (it sets their power
                draw); default `Assumptions.serving_utilization`.
            fabric (NetworkFabric | None): the network of each region's fleet; default InfiniBand NDR.
            assumptions: passed to the economics and sustainability models; default `Assumptions()`.

        Returns:
            Nodes per region, the yearly cost and carbon, and each limit's slack.

        Example:
            >>> from mlsysim import Infra, PlacementOptimizer, Systems
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
        grids = validate.instances("regions", regions, (GridProfile, Datacenter),
                                   "grids or datacenters, e.g. [Infra.Quebec, Infra.US_Avg]")
        if len(grids) > MAX_REGIONS:
            raise InvalidArgumentError("regions", f"{len(grids)} regions", f"at most {MAX_REGIONS} regions")
        if need > len(grids) or need > total:
            raise InvalidArgumentError("min_regions", need, f"at most {min(len(grids), total)} (regions and nodes available)")
        names = [g.region_name for g in grids]
        latency = validate.mapping("user_latency_ms", {} if user_latency_ms is None else user_latency_ms,
                                   "a dict of milliseconds by region name, e.g. {'Quebec': 20}")
        for name, ms in latency.items():
            if name not in names:
                raise UnknownNameError("region in user_latency_ms", str(name)[:60], names)
            validate.positive_number(f"user_latency_ms[{name!r}]", ms, allow_zero=True)
        if max_latency_ms is not None and (missing := [n for n in names if n not in latency]):
            raise InvalidArgumentError("user_latency_ms", latency, f"a latency for every region when max_latency_ms "
                                       f"is set (missing: {', '.join(missing)})")
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
                              None if name not in latency else float(latency[name]))
        allowed = [n for n, (_, _, ms) in per_node.items()
                   if limits["latency"] is None or (ms is not None and ms <= limits["latency"])]
        if len(allowed) < need:
            return PlacementResult({}, False, 0.0, 0.0, None, None, None, None, "latency",
                                   f"no placement satisfies the latency limit: fewer than {need} regions are within "
                                   f"{limits['latency']} ms")
        best = _best_split(per_node, allowed, total, need, limits, objective)
        if best is not None:
            return self._result(best, limits, True, _binding(best, per_node, allowed, total, need, limits, objective), "")
        # Name the constraint that even the placement best at meeting it violates.
        unconstrained = {**limits, "budget": None, "carbon": None}
        closest = {measure: _best_split(per_node, allowed, total, need, unconstrained, measure)
                   for measure in ("carbon", "cost")}
        for name, measure in (("carbon", "carbon"), ("budget", "cost")):
            c = closest[measure]
            if limits[name] is not None and c is not None and c[measure] > limits[name]:
                unit = "t CO2e/yr" if name == "carbon" else "USD/yr"
                return self._result(c, limits, False, name,
                                    f"no placement satisfies the {name} limit: the best reaches "
                                    f"{c[measure]:,.0f} {unit} against {limits[name]:,.0f}")
        nearest = min((c for c in closest.values() if c is not None), key=lambda c: len(_violations(c, limits)))
        return self._result(nearest, limits, False, _violations(nearest, limits)[0],
                            "no placement satisfies the budget and the carbon limit together")

    @staticmethod
    def _result(c: dict, limits: dict, feasible: bool, binding: str, reason: str) -> PlacementResult:
        return PlacementResult(
            placement=dict(c["split"]), feasible=feasible, cost_usd_per_year=c["cost"], carbon_t_per_year=c["carbon"],
            worst_latency_ms=c["latency"],
            budget_slack_usd=None if limits["budget"] is None else limits["budget"] - c["cost"],
            carbon_slack_t=None if limits["carbon"] is None else limits["carbon"] - c["carbon"],
            latency_slack_ms=None if limits["latency"] is None or c["latency"] is None else limits["latency"] - c["latency"],
            binding_constraint=binding, reason=reason,
        )


def _best_split(per_node: dict, allowed: list[str], total: int, need: int, limits: dict, objective: str) -> dict | None:
    """The best split of `total` nodes over at least `need` of `allowed` regions meeting `limits`, or None.

    Cost and carbon are linear in the nodes per region, so the linear programme has an optimum with at most
    two regions holding more than one node: every pair (i, j) of regions takes the bulk, `need` − |{i, j}|
    other regions take one node each (the best ones by the objective, or by the other measure), and the
    bulk's split between i and j is the end of the interval the budget and carbon cap allow that the objective
    prefers.  O(R³) for R regions instead of enumerating every split.
    """
    primary, secondary = ("cost", "carbon") if objective == "cost" else ("carbon", "cost")
    column = {"cost": 0, "carbon": 1}

    def by(first: str, then: str) -> list[str]:
        return sorted(allowed, key=lambda r: (per_node[r][column[first]], per_node[r][column[then]]))

    orders = [by(primary, secondary), by(secondary, primary)]
    best, best_key = None, None
    for i, j in itertools.combinations_with_replacement(allowed, 2):
        bulk = {i, j}
        extra = max(0, need - len(bulk))
        spare = total - len(bulk) - extra
        if spare < 0:
            continue
        for order in orders:
            singles = [r for r in order if r not in bulk][:extra]
            if len(singles) < extra:
                continue
            for k in _bulk_ends(per_node, i, j, spare, singles, limits, column):
                split = {r: 1 for r in singles} | {i: 1 + k} | ({j: 1 + spare - k} if j != i else {})
                c = _score(split, per_node)
                if _violations(c, limits):
                    continue
                key = (c[primary], c[secondary])
                if best_key is None or key < best_key:
                    best, best_key = c, key
    return best


def _bulk_ends(per_node: dict, i: str, j: str, spare: int, singles: list[str], limits: dict, column: dict) -> list[int]:
    """The extra nodes k on region i (the rest of `spare` on j) at both ends of the range the limits allow."""
    if i == j:
        return [spare]
    low, high = 0, spare
    for limit, measure in (("budget", "cost"), ("carbon", "carbon")):
        if limits[limit] is None:
            continue
        m = column[measure]
        fixed = sum(per_node[r][m] for r in singles) + per_node[i][m] + per_node[j][m] * (1 + spare)
        slope = per_node[i][m] - per_node[j][m]  # each node moved from j to i changes the total by this
        room = limits[limit] - fixed
        if slope > 0:
            high = min(high, math.floor(room / slope))
        elif slope < 0:
            low = max(low, math.ceil(room / slope))
        elif room < 0:
            return []
    return [low, high] if low <= high else []


def _score(split: dict, per_node: dict) -> dict:
    """A split with its yearly cost, carbon and the worst user latency over the regions it uses (None if one is unknown)."""
    cost = sum(n * per_node[r][0] for r, n in split.items())
    carbon = sum(n * per_node[r][1] for r, n in split.items())
    used = [per_node[r][2] for r, n in split.items() if n]
    worst = None if any(ms is None for ms in used) else max(used)
    return {"split": split, "cost": cost, "carbon": carbon, "latency": worst}


def _violations(c: dict, limits: dict) -> list[str]:
    out = []
    if limits["budget"] is not None and c["cost"] > limits["budget"]:
        out.append("budget")
    if limits["carbon"] is not None and c["carbon"] > limits["carbon"]:
        out.append("carbon")
    if limits["latency"] is not None and c["latency"] is not None and c["latency"] > limits["latency"]:
        out.append("latency")
    return out


def _binding(best: dict, per_node: dict, allowed: list[str], total: int, need: int, limits: dict,
             objective: str) -> str:
    """The requirement without which a better placement than `best` exists (the largest gain), else "none".

    Each limit that was set, and the redundancy `need` > 1, is dropped in turn and the search run again;
    a requirement binds when the placement found without it is better by the objective (then the other measure).
    """
    primary, secondary = ("cost", "carbon") if objective == "cost" else ("carbon", "cost")
    tolerance = 1e-9 * max(1.0, abs(best[primary]))
    relaxed = {name: (allowed if name != "latency" else list(per_node), need, {**limits, name: None})
               for name in ("budget", "carbon", "latency") if limits[name] is not None}
    if need > 1:
        relaxed["min_regions"] = (allowed, 1, limits)
    gains = {}
    for name, (regions, needed, without) in relaxed.items():
        other = _best_split(per_node, regions, total, needed, without, objective)
        if other is None:
            continue
        gain = (best[primary] - other[primary], best[secondary] - other[secondary])
        if gain[0] > tolerance or (abs(gain[0]) <= tolerance and gain[1] > 1e-9 * max(1.0, abs(best[secondary]))):
            gains[name] = gain
    return max(gains, key=gains.__getitem__) if gains else "none"
