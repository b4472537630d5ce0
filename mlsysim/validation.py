"""The engine against published measurements: the dataset, its schema, and the comparison.

`load()` reads `mlsysim/data/validation.json` (validated against
`Measurement`); `evaluate()` runs the matching solver on each entry's
conditions, with the engine's documented defaults (or the `assumptions=` of a
what-if), and returns prediction, measurement and relative error.  Entries marked `calibration` may inform
the defaults; `held-out` entries never do.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import statistics
import warnings
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .core.assumptions import Assumptions, resolve
from .core.units import Q_, si
from .hardware.registry import Hardware
from .hardware.types import PrecisionFallbackWarning
from .infra.registry import US_Avg
from .models.registry import Models
from .models.types import TransformerWorkload
from .solvers.distributed import DistributedModel
from .solvers.reliability import ReliabilityModel, node_failures_by_part
from .solvers.request import generation_throughput
from .solvers.roofline import Engine
from .solvers.serving import ServingModel
from .solvers.sustainability import SustainabilityModel, node_draw_w
from .systems.registry import Fabrics, Nodes
from .systems.types import Fleet

Solver = Literal["single-node", "serving", "distributed", "reliability", "sustainability"]


class Measurement(BaseModel):
    """One published measurement and the conditions it was taken under: an entry of the validation dataset.

    Attributes:
        id: the entry's identifier.
        solver: the solver that predicts it ("single-node", "serving", "distributed", "reliability" or
            "sustainability").
        split: "calibration" (may set a default) or "held-out" (never used to set one).
        quantity: what was measured.
        unit: the unit of `measured`.
        measured: the published value (for a range, the figure the page quotes: its midpoint or its bound).
        measured_range: `[low, high]` when the source publishes a range or a bound rather than one figure
            ("1–2 a week", "higher than 90 %"); `high` is None for "at least".  A prediction inside the range
            has no error; outside it, the error is taken from the nearer end.
        source: the bibliography key of the publication.
        location: where in the publication (table, figure, section).
        conditions: the configuration the solver is given (model, hardware, batch, …).

    Example:
        >>> from mlsysim import validation
        >>> entry = validation.load()[0]
        >>> entry.split in ("calibration", "held-out"), entry.measured > 0
        (True, True)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    solver: Solver
    split: Literal["calibration", "held-out"]
    quantity: str
    unit: str
    measured: float = Field(gt=0)
    measured_range: tuple[float, float | None] | None = None
    source: str
    location: str
    conditions: dict[str, Any]

    @model_validator(mode="after")
    def _range_holds_the_figure(self) -> Measurement:
        if self.measured_range is not None:
            low, high = self.measured_range
            if not 0 < low <= self.measured or (high is not None and not self.measured <= high):
                raise ValueError(f"measured_range {self.measured_range} must hold measured {self.measured} "
                                 "and start above 0")
        return self

    @property
    def published(self) -> str:
        """The figure as the source gives it: "1.5", "1–2" for a range, "≥ 0.9" for a lower bound."""
        if self.measured_range is None:
            return f"{self.measured:.4g}"
        low, high = self.measured_range
        return f"≥ {low:.4g}" if high is None else f"{low:.4g}–{high:.4g}"


@dataclasses.dataclass(frozen=True)
class Comparison:
    """A measurement next to the engine's prediction; `error` = predicted / measured − 1, or, for a published
    range or bound, 0 inside it and predicted / (the nearer end) − 1 outside.

    Attributes:
        entry: the measurement.
        predicted: the engine's prediction, in the measurement's unit.

    Example:
        >>> from mlsysim import validation
        >>> c = validation.evaluate(validation.load()[:1])[0]
        >>> c.error == c.predicted / c.entry.measured - 1
        True
        >>> weekly = validation.Measurement(id="gpu-failures", solver="reliability", split="held-out",
        ...     quantity="GPU failures a week", unit="1/week", measured=1.5, measured_range=(1, 2),
        ...     source="huggingface2022bloomtraining", location="1-2 a week", conditions={})
        >>> weekly.published, round(validation.Comparison(weekly, 0.8).error, 2), validation.Comparison(weekly, 1.9).error
        ('1–2', -0.2, 0.0)
    """

    entry: Measurement
    predicted: float

    @property
    def error(self) -> float:
        if self.entry.measured_range is None:
            return self.predicted / self.entry.measured - 1.0
        low, high = self.entry.measured_range
        if self.predicted < low:
            return self.predicted / low - 1.0
        if high is not None and self.predicted > high:
            return self.predicted / high - 1.0
        return 0.0


@functools.cache
def _dataset() -> dict:
    return json.loads(resources.files("mlsysim.data").joinpath("validation.json").read_text(encoding="utf-8"))


def load() -> list[Measurement]:
    """Every entry of the validation dataset, the published measurements of the Accuracy page.

    Returns:
        The entries, in the dataset's order.

    Example:
        >>> from mlsysim import validation
        >>> sorted({e.solver for e in validation.load()})
        ['distributed', 'reliability', 'serving', 'single-node', 'sustainability']
    """
    return [Measurement(**e) for e in _dataset()["entries"]]


def dataset_version() -> str:
    """The validation dataset's version string.

    Example:
        >>> from mlsysim import validation
        >>> isinstance(validation.dataset_version(), str)
        True
    """
    return _dataset()["version"]


def _gpt(arch: dict) -> TransformerWorkload:
    """A GPT-style model of Megatron-LM's Table 1 (vocabulary 51,200, 4h MLP, tied embeddings)."""
    h = arch["hidden"]
    return TransformerWorkload(
        name=f"GPT {arch['params_b']}B", parameters=Q_(arch["params_b"], "Bparam"), layers=arch["layers"],
        hidden_size=h, attention_heads=arch["heads"], kv_heads=arch["heads"], head_dim=h // arch["heads"],
        ffn_size=4 * h, vocab_size=51200, context_length=2048, mlp="standard", tied_embeddings=True,
    )


def _megatron_flops(model: TransformerWorkload, batch: int, seq: int) -> float:
    """FLOPs per step as Megatron-LM counts them, recomputation included (its eq. 3)."""
    layers, h, vocab = model.layers, model.hidden_size, model.vocab_size
    return 96 * batch * seq * layers * h * h * (1 + seq / (6 * h) + vocab / (16 * layers * h))


def _distributed(c: dict, a: Assumptions) -> float:
    node = Nodes.get(c["node"])
    fleet = Fleet(name="validation", node=node, count=c["gpus"] // node.accelerators_per_node, fabric=Fabrics.get(c["fabric"]))
    model = _gpt(c["arch"]) if "arch" in c else Models.get(c["model"])
    plan = dict(
        batch_size=c["batch"], precision=c.get("precision", "fp16"), tp_size=c["tp"], pp_size=c["pp"],
        cp_size=c.get("cp", 1), seq_len=c["seq_len"], micro_batch_size=c.get("micro_batch", 1),
        recompute=c.get("recompute", "full"), optimizer_sharding=c.get("optimizer_sharding", "none"),
        sequence_parallel=c.get("sequence_parallel"), flash_attention=c.get("flash_attention"),
        overlap_comm=c.get("overlap_comm"),
        # an all-gather of keys and values before the attention leaves the exchange exposed
        assumptions=a.replace(cp_comm_overlap=False) if c.get("cp_overlap") is False else a,
    )
    if c.get("virtual_stages") == "best":  # not published: the interleaving the plan allows that runs fastest
        layers = -(-model.layers // c["pp"])
        runs = [DistributedModel().solve(model, fleet, virtual_stages=v, **plan)
                for v in range(2, layers + 1) if layers % v == 0]
        r = min(runs, key=lambda run: run.step_latency_total.magnitude)
    else:
        r = DistributedModel().solve(model, fleet, virtual_stages=c.get("virtual_stages", 1), **plan)
    seconds = r.step_latency_total.to("s").magnitude
    if c.get("metric") == "step_s":
        return seconds
    if "arch" in c:  # Megatron reports achieved TFLOP/s per GPU under its own FLOP count
        return _megatron_flops(model, c["batch"], c["seq_len"]) / seconds / c["gpus"] / 1e12
    return r.mfu


def _software(c: dict, a: Assumptions) -> Assumptions:
    """The measured system's software where its source states it: captured graphs (torch.compile's
    "reduce-overhead"), or a decode attention kernel that reads the KV cache once per query head (TensorRT-LLM
    before its XQA kernel [@nvidia2024xqa])."""
    stated = {name: c[name] for name in ("cuda_graphs", "grouped_kv_reads") if name in c}
    return a.replace(**stated) if stated else a  # the assumptions in force, with what the source says


def _serving(c: dict, a: Assumptions) -> float:
    model = Models.get(c["model"])
    # a replica split over a node's GPUs ("node", "tp"), or one device ("hardware"); the figure is per GPU
    hw: Any = Nodes.get(c["node"]) if "node" in c else Hardware.get(c["hardware"])
    split: dict[str, Any] = {"tp_size": c["tp"]} if "tp" in c else {}
    split["assumptions"] = _software(c, a)
    if c.get("metric") == "ttft":
        return ServingModel().solve(model, hw, seq_len=c["input_len"], batch_size=c["batch"], precision=c["precision"],
                                    **split).ttft.to("ms").magnitude
    batch = c["batch"]
    if batch == "max":  # an offline benchmark fills memory: the largest batch whose KV cache fits
        batch = ServingModel().solve(model, hw, seq_len=c["input_len"] + c["output_len"],
                                     precision=c["precision"], **split).max_batch_size
    replica = generation_throughput(model, hw, batch, c["input_len"], c["output_len"], c["precision"], **split)
    return replica.magnitude / c.get("tp", 1)


def _single_node(c: dict, a: Assumptions) -> float:
    r = Engine.solve(Models.get(c["model"]), Hardware.get(c["hardware"]), c["batch"], c["precision"],
                     seq_len=c.get("seq_len"), assumptions=_software(c, a))
    if c.get("metric") == "latency_ms":
        return r.latency.to("ms").magnitude
    return r.throughput.magnitude  # tokens/s for transformers, samples/s for CNNs


def _counted(by_part: dict[str, float], c: dict) -> float:
    """The sum over the parts the source counts: every part, or with `"count": "hardware"` what fails in the
    machine and not the job's own software."""
    return sum(n for part, n in by_part.items() if c.get("count") != "hardware" or part != "software")


def _reliability(c: dict, a: Assumptions) -> float:
    node = Nodes.get(c["node"])
    if c["metric"] == "node_rate":
        return _counted(node_failures_by_part(node, a), c)
    if "interruptions" in c:  # the run's own interruption count is a condition of its goodput
        node = node.model_copy(update={"failures_per_1000_days": c["interruptions"] / (c["nodes"] * c["hours"] / 24) * 1000})
    fleet = Fleet(name="validation", node=node, count=c["nodes"], fabric=Fabrics.InfiniBand_NDR)
    storage = Q_(c["storage_tb_s"], "TB/s") if "storage_tb_s" in c else None
    model = Models.get(c["model"]) if "model" in c else None
    state = Q_(c["state_gb"], "GB") if "state_gb" in c else None  # the checkpoint's size, where the source states it
    r = ReliabilityModel().solve(fleet, c.get("hours", 24.0), model=model, state_bytes=state, storage_bandwidth=storage,
                                 assumptions=a)
    if c["metric"] == "goodput":
        return r.goodput
    if c["metric"] == "checkpoint_s":
        return si(r.checkpoint_write_time)
    if c["metric"] == "component_failures":
        return r.failures_by_component[c["component"]]
    if "count" in c:
        return _counted(r.failures_by_component, c)
    return r.expected_failures


def _sustainability(c: dict, a: Assumptions) -> float:
    node = Nodes.get(c["node"])
    if c.get("metric") == "node_power_kw":  # one node's average draw through a run
        return node_draw_w(node, "training", a)[1] / 1e3
    days = c["gpu_hours"] / node.accelerators_per_node / 24  # one node running for this long uses the same GPU hours
    fleet = Fleet(name="validation", node=node, count=1, fabric=Fabrics.InfiniBand_NDR)
    r = SustainabilityModel().solve(fleet, days, US_Avg, activity="training", utilization=1.0, assumptions=a)
    # compare within the boundary the source counts: accelerators only (GPU hours × TDP), whole nodes, or the
    # facility at the PUE the source states
    if c["boundary"] == "accelerator":
        return r.accelerator_energy_kwh.to("MWh").magnitude
    return r.it_energy_kwh.to("MWh").magnitude * (c["pue"] if c["boundary"] == "facility" else 1.0)


PREDICTORS = {
    "distributed": _distributed, "serving": _serving, "single-node": _single_node,
    "reliability": _reliability, "sustainability": _sustainability,
}


def evaluate(entries: list[Measurement] | None = None, *,
             assumptions: Assumptions | None = None) -> list[Comparison]:
    """The engine's prediction for every entry, with its documented defaults or the assumptions given.

    Args:
        entries: the measurements to predict; default every entry (`load()`).
        assumptions: the defaults to predict with (a "what if": `Assumptions(overlap="max")`); default
            `Assumptions()`.  Where an entry states its software (captured graphs, an attention kernel),
            that setting replaces the matching field.

    Returns:
        One comparison per entry.

    Example:
        >>> from mlsysim import Assumptions, validation
        >>> comparisons = validation.evaluate()
        >>> len(comparisons) == len(validation.load())
        True
        >>> rsc1 = [e for e in validation.load() if e.id == "rsc1-node-failure-rate"]
        >>> halved = Assumptions().replace(component_failures_per_1000_days=tuple(
        ...     (part, rate / 2) for part, rate in Assumptions().component_failures_per_1000_days))
        >>> round(validation.evaluate(rsc1, assumptions=halved)[0].predicted / validation.evaluate(rsc1)[0].predicted, 2)
        0.5
    """
    a = resolve(assumptions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrecisionFallbackWarning)
        return [Comparison(e, PREDICTORS[e.solver](e.conditions, a)) for e in (entries or load())]


def summary(comparisons: list[Comparison], split: str = "held-out") -> dict[str, dict[str, float]]:
    """Per solver: count, median and worst absolute relative error on `split`.

    Args:
        comparisons: what `evaluate` returns.
        split: "held-out" or "calibration".

    Returns:
        For each solver with entries in the split, a dict of "n", "median" and "worst".

    Example:
        >>> from mlsysim import validation
        >>> s = validation.summary(validation.evaluate())
        >>> sorted(s["distributed"])
        ['median', 'n', 'worst']
    """
    out: dict[str, dict[str, float]] = {}
    for solver in PREDICTORS:
        errors = [abs(c.error) for c in comparisons if c.entry.solver == solver and c.entry.split == split]
        if errors:
            out[solver] = {"n": len(errors), "median": statistics.median(errors), "worst": max(errors)}
    return out


__all__ = ["Comparison", "Measurement", "dataset_version", "evaluate", "load", "summary"]
