"""Compose solvers: stages that read earlier results, with a callback after each.

A `Pipeline` is an ordered list of named stages.  Each stage is a
function of the *context* — a dict holding the inputs and every earlier
stage's result under its name — and returns a result.  After each stage the
pipeline calls every callback with `(name, result, context)`: log it, check
it, or stop the run by raising.

    audit = (Pipeline(model=Models.Llama3_70B, fleet=Systems.Clusters.Research_256)
             .stage("train", lambda c: DistributedModel().solve(c["model"], c["fleet"], tp_size=8))
             .stage("carbon", lambda c: SustainabilityModel().solve(
                 c["fleet"], c["train"].latency.to("day").magnitude, Infra.Quebec, mfu=c["train"].mfu)))
    results = audit.run()
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ..core.errors import InvalidArgumentError
from .result import Result

Stage = Callable[[dict], Any]
Callback = Callable[[str, Any, dict], None]


@dataclasses.dataclass(frozen=True)
class PipelineResult(Result):
    """Every stage's result by name, in order: what `Pipeline.run` returns.  `result["name"]` is one stage's.

    Attributes:
        stages: each stage's name and result, in the order they ran.

    Example:
        >>> from mlsysim import Engine, Hardware, Models, Pipeline
        >>> run = Pipeline(model=Models.Llama3_8B).stage("h100", lambda c: Engine.solve(c["model"], Hardware.H100)).run()
        >>> list(run.stages), run["h100"].bottleneck
        (['h100'], 'Memory')
    """

    stages: dict

    def __getitem__(self, name: str) -> Any:
        return self.stages[name]

    def summary(self) -> dict:
        return {name: getattr(r, "summary", lambda r=r: r)() for name, r in self.stages.items()}


class Pipeline:
    """An ordered chain of solver stages with per-stage callbacks.

    Each stage is a function of the *context*, a dict holding the inputs and every earlier stage's result
    under its name, and returns a result.  After each stage the pipeline calls every callback with
    `(name, result, context)`: log it, check it, or stop the run by raising.

    Args:
        **inputs (Any): the starting context (`model=Models.Llama3_70B`, `fleet=...`).

    Example:
        >>> from mlsysim import DistributedModel, Infra, Models, Pipeline, SustainabilityModel, Systems
        >>> audit = (Pipeline(model=Models.Llama3_70B, fleet=Systems.Clusters.Research_256)
        ...          .stage("train", lambda c: DistributedModel().solve(c["model"], c["fleet"], tp_size=8))
        ...          .stage("carbon", lambda c: SustainabilityModel().solve(
        ...              c["fleet"], c["train"].latency.to("day").magnitude, Infra.Quebec, mfu=c["train"].mfu)))
        >>> seen = []
        >>> results = audit.on_stage(lambda name, result, context: seen.append(name)).run()
        >>> seen, results["carbon"].region_name
        (['train', 'carbon'], 'Quebec')
    """

    def __init__(self, **inputs: Any):
        self._inputs = inputs
        self._stages: list[tuple[str, Stage]] = []
        self._callbacks: list[Callback] = []

    def stage(self, name: str, fn: Stage) -> Pipeline:
        """Add a stage computing `fn(context)`, stored as `context[name]`.

        Args:
            name: the stage's name, a Python identifier not used by an input or another stage.
            fn: a function of the context dict returning the stage's result.

        Returns:
            The pipeline, so stages chain.
        """
        if not isinstance(name, str) or not name.isidentifier():
            raise InvalidArgumentError("name", name, "a Python identifier, e.g. 'roofline'")
        if name in self._inputs or any(n == name for n, _ in self._stages):
            raise InvalidArgumentError("name", name, "a name not already used by an input or a stage")
        if not callable(fn):
            raise InvalidArgumentError("fn", fn, "a function of the context dict")
        self._stages.append((name, fn))
        return self

    def on_stage(self, callback: Callback) -> Pipeline:
        """Call `callback(name, result, context)` after every stage.

        Args:
            callback: a function of the stage's name, its result and the context.

        Returns:
            The pipeline, so calls chain.
        """
        if not callable(callback):
            raise InvalidArgumentError("callback", callback, "a function (name, result, context)")
        self._callbacks.append(callback)
        return self

    def run(self, **overrides: Any) -> PipelineResult:
        """Run every stage in order on the inputs, updated by `overrides`.

        Args:
            **overrides (Any): inputs to replace for this run.

        Returns:
            Every stage's result by name.
        """
        context = {**self._inputs, **overrides}
        results = {}
        for name, fn in self._stages:
            result = fn(context)
            context[name] = results[name] = result
            for callback in self._callbacks:
                callback(name, result, context)
        return PipelineResult(stages=results)
