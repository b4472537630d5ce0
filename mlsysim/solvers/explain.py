"""Explain the difference between two configurations: which inputs account for it, ranked.

Given a metric — a function of keyword inputs returning a Quantity (or
number) — and two input dicts, the explainer attributes the change in the
metric to each input that differs, by Shapley values: each input's average
marginal effect over every order of switching inputs from the first
configuration to the second [@shapley1953value].  The terms add up exactly
to the total difference.  With k differing inputs it evaluates the metric
2^k times (k ≤ 10).  An input may be an `Assumptions`
object: the terms then name the assumptions that differ.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import math
from collections.abc import Callable
from typing import Any, cast

from ..core import validate
from ..core.assumptions import Assumptions
from ..core.errors import InvalidArgumentError
from ..core.units import ureg
from .result import Result

MAX_INPUTS = 10


@dataclasses.dataclass(frozen=True)
class ExplanationResult(Result):
    """The total change of the metric and each differing input's share of it: what `explain` returns.

    Attributes:
        metric: the metric's name (its function's name).
        baseline (Quantity | float): the metric at the baseline inputs.
        alternative (Quantity | float): the metric at the alternative inputs.
        total_change (Quantity | float): alternative − baseline; the terms' contributions add up to it.
        terms (list[dict]): one per differing input, largest contribution first: "input", "from", "to",
            "contribution" (its Shapley value), "share" (of the total change) and "formula".

    Example:
        >>> from mlsysim import Hardware, Models, ServingModel, explain
        >>> def itl(hardware, precision):
        ...     return ServingModel().solve(Models.Llama3_8B, hardware, precision=precision).itl
        >>> r = explain(itl, {"hardware": Hardware.A100, "precision": "fp16"}, {"hardware": Hardware.H100, "precision": "fp16"})
        >>> [t["input"] for t in r.terms], r.total_change == r.alternative - r.baseline
        (['hardware'], True)
    """

    metric: str
    baseline: object
    alternative: object
    total_change: object
    terms: list = dataclasses.field(repr=False)

    def summary(self) -> dict:
        out = {"metric": self.metric, "baseline": self.baseline, "alternative": self.alternative,
               "total_change": self.total_change}
        out.update({f"{t['input']}": t["contribution"] for t in self.terms})
        return out


def _value(result: Any):
    return result if isinstance(result, ureg.Quantity) else float(result)


def _label(value: Any, other: Any) -> Any:
    """How a term shows an input: its name, or, for Assumptions, the fields that differ from `other`."""
    if isinstance(value, Assumptions) and isinstance(other, Assumptions):
        changed = [f.name for f in dataclasses.fields(value) if getattr(value, f.name) != getattr(other, f.name)]
        return ", ".join(f"{name}={getattr(value, name)!r}" for name in changed) or "Assumptions()"
    return getattr(value, "name", value)


def explain(metric: Callable[..., Any], baseline: dict, alternative: dict) -> ExplanationResult:
    """Shapley attribution of `metric(**alternative) − metric(**baseline)` to the inputs that differ.

    Each differing input's term is its average marginal effect over every order of switching inputs from the
    baseline to the alternative [@shapley1953value]; the terms add up exactly to the total change.  With k
    differing inputs the metric is evaluated 2^k times (k ≤ 10).  An input may be an `Assumptions`: the
    terms then name the assumptions that differ.

    Args:
        metric: a function of keyword inputs returning a Quantity (or a number).
        baseline: the metric's inputs in the first configuration.
        alternative: the same inputs in the second configuration.

    Returns:
        The total change and each differing input's term, largest first.

    Example:
        >>> from mlsysim import Hardware, Models, ServingModel, explain
        >>> itl = lambda hardware, precision: ServingModel().solve(Models.Llama3_8B, hardware, precision=precision).itl
        >>> r = explain(itl, {"hardware": Hardware.A100, "precision": "fp16"}, {"hardware": Hardware.H100, "precision": "int8"})
        >>> [t["input"] for t in r.terms]
        ['precision', 'hardware']
    """
    if not callable(metric):
        raise InvalidArgumentError("metric", metric, "a function of keyword inputs")
    validate.mapping("baseline", baseline, "a dict of the metric's inputs, e.g. {'hardware': Hardware.A100}")
    validate.mapping("alternative", alternative, "a dict with the same inputs as baseline")
    if set(baseline) != set(alternative):
        raise InvalidArgumentError("alternative", sorted(alternative), f"the same inputs as baseline: {sorted(baseline)}")
    changed = [k for k in baseline if baseline[k] is not alternative[k] and baseline[k] != alternative[k]]
    if len(changed) > MAX_INPUTS:
        raise InvalidArgumentError("alternative", changed, f"at most {MAX_INPUTS} differing inputs")
    cache: dict[frozenset, Any] = {}

    def value(switched: frozenset):
        if switched not in cache:
            inputs = {k: (alternative[k] if k in switched else baseline[k]) for k in baseline}
            cache[switched] = _value(metric(**inputs))
        return cache[switched]

    k = len(changed)
    terms = []
    for name in changed:
        others = [c for c in changed if c != name]
        contribution = 0 * value(frozenset())
        for size in range(k):
            weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            for subset in itertools.combinations(others, size):
                s = frozenset(subset)
                contribution = contribution + weight * (value(s | {name}) - value(s))
        terms.append({"input": name, "from": _label(baseline[name], alternative[name]),
                      "to": _label(alternative[name], baseline[name]), "contribution": contribution,
                      "formula": f"φ[{name}] = Σ over subsets S of the other inputs of |S|!({k}−|S|−1)!/{k}! "
                                 f"× (f(S ∪ {{{name}}}) − f(S))"})
    total = value(frozenset(changed)) - value(frozenset())
    for t in terms:
        t["share"] = float(t["contribution"] / total) if total != 0 * total else 0.0
    terms.sort(key=lambda t: -abs(t["contribution"]))
    doc = cast(str, inspect.getdoc(metric) or getattr(metric, "__name__", "metric")).splitlines()[0]
    return ExplanationResult(metric=doc, baseline=value(frozenset()), alternative=value(frozenset(changed)),
                             total_change=total, terms=terms)
