"""The `mlsysim` command: evaluate a model on a device, serve it under load, plan a serving deployment, list
the zoo, search a training plan, price the carbon, and recompute the published measurements the engine is
validated against.

Options left out take the solver's default, which comes from `Assumptions`;
`mlsysim assumptions` lists every one with its source.

Exit codes: 0 success, 2 usage or input error (with the reason and, for a
misspelt name, the nearest names), 1 internal error (one line, and a hint
to report it) or output that could not be written (one line with the
reason, e.g. `mlsysim: cannot write output: No space left on device`),
130 interrupted (Ctrl-C).  A reader that stops early (`mlsysim zoo | head`)
is not an error: the command stops quietly with 0.

Every numeric option is checked before anything runs: a value that is not
a finite number inside the range its help states (the `MAX_*` bounds) exits
with 2 and a line naming the option.  `--json` output is strict JSON: a
number that is infinite or not a number (an unstable queue's latency) is
written as `null`.  Where the terminal's encoding cannot show a character
such as µ, ·, × or ≥, it is spelt in ASCII (u, ., x, >=) or escaped.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import errno
import json
import math
import os
import re
import sys
import warnings
from numbers import Integral, Real
from pathlib import Path
from typing import Any

from . import show, validation
from .core.assumptions import DEFAULTS, Assumptions, EfficiencyCurve
from .core.catalog import Catalog
from .core.errors import InvalidArgumentError, MLSysimError, UnknownNameError
from .core.units import parse_quantity, ureg
from .hardware.registry import Hardware
from .hardware.types import PrecisionFallbackWarning
from .infra.registry import Infra
from .models.registry import Models
from .solvers import (
    DeploymentSearch,
    EconomicsModel,
    Engine,
    ParallelismOptimizer,
    ReliabilityModel,
    ServingModel,
    SpeculativeDecoding,
    SustainabilityModel,
    disaggregated_cost,
    request_cost,
)
from .solvers.result import Result
from .solvers.tail_latency import under_load
from .systems.registry import Systems
from .zoo import zoo_rows

EXAMPLES = {
    "eval": "examples:\n  mlsysim eval Llama3_70B H100 --batch-size 1\n  mlsysim eval ResNet50 A100 --batch-size 64 --json\n"
            "  mlsysim eval Llama3_8B H100 --mode serving --seq-len 4096 --batch-size 96\n"
            "  mlsysim eval Llama3_70B DGX_H100 --mode serving --tp 8 --seq-len 4096 --batch-size 64\n"
            "  mlsysim eval Llama3_8B H100 --breakdown",
    "serve": "examples:\n  mlsysim serve Llama3_70B DGX_H100 --tp 8 --input 2048 --output 256 --rate 10 --ttft-p99 2s --itl 50ms\n"
             "  mlsysim serve Llama3_8B H100 --rate 5 --batch-size 64 --json\n"
             "  mlsysim serve Llama3_70B DGX_H100 --tp 8 --rate 2 --draft-tokens 4 --acceptance 0.7\n"
             "  mlsysim serve Llama3_70B DGX_H100 --tp 4 --input 2048 --output 256 --rate 8 --disaggregate 1:1",
    "plan-serving": "examples:\n  mlsysim plan-serving Llama3_70B --rate 10 --input 2048 --output 256 --ttft-p99 2s --itl 50ms\n"
                    "  mlsysim plan-serving Llama3_8B --rate 50 --itl 30ms --nodes DGX_H100,DGX_A100 --json",
    "zoo": "examples:\n  mlsysim zoo hardware\n  mlsysim zoo grids --json",
    "optimize": "examples:\n  mlsysim optimize Llama3_70B --fleet Research_256 --batch-size 512\n"
                "  mlsysim optimize Llama3_405B --fleet Frontier_16K --batch-size 2048 --seq-len 8192 "
                "--compare tp=8,pp=16,schedule=1f1b",
    "validate": "examples:\n  mlsysim validate\n  mlsysim validate --solver distributed\n  mlsysim validate --json\n"
                "  mlsysim validate --solver serving --assume overlap=max",
    "carbon": "examples:\n  mlsysim carbon --fleet Research_256 --days 30 --grid Quebec",
    "reliability": "examples:\n  mlsysim reliability --fleet Frontier_16K --days 30\n"
                   "  mlsysim reliability --fleet Frontier_16K --days 54 --model Llama3_405B --storage '2 TB/s' --async",
    "assumptions": "examples:\n  mlsysim assumptions\n  mlsysim assumptions --json",
}


def _jsonable(value: Any) -> Any:
    """`value` as JSON data: a Quantity as `{"value", "unit"}`, a non-finite number as None (`null`)."""
    if isinstance(value, ureg.Quantity):
        return {"value": _jsonable(value.magnitude), "unit": f"{value.units:~P}"}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, Integral):  # numpy integers as numbers, not text
        return int(value)
    if isinstance(value, Real):  # float, numpy floats: JSON has no inf or nan
        return float(value) if math.isfinite(value) else None
    return value


def _json(value: Any) -> str:
    """`value` as strict JSON (no `Infinity` or `NaN` tokens), indented; other objects as their text."""
    return json.dumps(_jsonable(value), indent=2, default=str, allow_nan=False)


def _given(**options: Any) -> dict[str, Any]:
    """The options the user gave; the others are left to the solver (and so to `Assumptions`)."""
    return {k: v for k, v in options.items() if v is not None}


def _emit(result: Result | dict, as_json: bool, title: str, extra: dict | None = None) -> None:
    fields = {**(result.summary() if isinstance(result, Result) else result), **(extra or {})}
    if as_json:
        print(_json(fields))
    else:
        show.info(title, **fields)
        for note in getattr(result, "notes", ()):
            print(f"note: {note}")


def _model(name: str) -> Any:
    """A registry model by name, or a model of your own from a local Hugging Face `config.json`."""
    if name.endswith(".json") or "/" in name or Path(name, "config.json").is_file():
        return Models.from_hf_config(name)
    return Models.get(name)


def cmd_eval(args: argparse.Namespace) -> None:
    model = _model(args.model)
    on_node = args.mode == "serving" and args.hardware in Systems.Nodes.names()
    hw: Any = Systems.Nodes.get(args.hardware) if on_node else Hardware.get(args.hardware)
    options = _given(batch_size=args.batch_size, precision=args.precision, efficiency=args.efficiency,
                     seq_len=args.seq_len)
    split = _given(tp_size=args.tp, pp_size=args.pp, ep_size=args.ep)
    if split and args.mode != "serving":
        raise MLSysimError("--tp/--pp/--ep split a serving replica over a node's GPUs: add --mode serving")
    if args.mode == "serving":
        result = ServingModel().solve(model, hw, **options, **split)
    else:
        result = Engine.solve(model, hw, mode=args.mode, **options)
    breakdown = getattr(result, "breakdown", None) if args.breakdown else None
    if args.breakdown and breakdown is None:
        print(f"note: no per-operator breakdown for the {args.mode} result", file=sys.stderr)
    extra = {"breakdown": str(breakdown)} if args.json and breakdown is not None else None
    _emit(result, args.json, f"{model.name} on {hw.name} ({args.mode})", extra)
    if breakdown is not None and not args.json:
        print()
        print(str(breakdown))


def _speculation(args: argparse.Namespace) -> SpeculativeDecoding | None:
    if args.draft_tokens is None and args.acceptance is None:
        return None
    if args.draft_tokens is None or args.acceptance is None:
        raise MLSysimError("--draft-tokens and --acceptance turn speculative decoding on together: give both")
    draft = None if args.draft_model is None else _model(args.draft_model)
    return SpeculativeDecoding(args.draft_tokens, args.acceptance, draft)


def cmd_serve(args: argparse.Namespace) -> None:
    model = _model(args.model)
    hw: Any = Systems.Nodes.get(args.hardware) if args.hardware in Systems.Nodes.names() else Hardware.get(args.hardware)
    if args.disaggregate is not None:
        _serve_disaggregated(args, model, hw)
        return
    options = _given(input_len=args.input, output_len=args.output, batch_size=args.batch_size,
                     precision=args.precision, tp_size=args.tp, pp_size=args.pp, ep_size=args.ep,
                     chunk_tokens=args.chunk_tokens,
                     prefix_hit_rate=args.prefix_hit_rate, speculative=_speculation(args))
    cost = request_cost(model, hw, **options)
    replicas = cost.serving.replicas  # a node holds gpus // (tp × pp) replicas; the arrivals split evenly
    tail = under_load(cost, args.rate / replicas)
    per_replica = {"arrival_rate": "arrival_rate_per_replica", "capacity": "capacity_per_replica"}
    shown = {per_replica.get(k, k): v for k, v in tail.summary().items() if k not in ("model", "hardware")}
    fields: dict[str, Any] = {"tp_size": cost.serving.tp_size, "pp_size": cost.serving.pp_size,
                              "replicas": replicas, "batch_size": cost.batch_size, "input_len": cost.input_len,
                              "output_len": cost.output_len, "node_capacity": cost.capacity * replicas,
                              **shown,
                              "prefill": cost.prefill, "itl_unloaded": cost.itl, "throughput": cost.throughput,
                              "max_batch_size": cost.max_batch_size, "memory_per_gpu_gb": round(cost.memory_gb, 2),
                              "fits": cost.feasible}
    if cost.tokens_per_step > 1:
        fields |= {"tokens_per_step": round(cost.tokens_per_step, 3), "speculative_speedup": round(cost.speedup, 3)}
    fields |= _sla_verdicts(args, tail.p99_ttft, tail.mean_itl)
    _emit(fields, args.json, f"{model.name} on {hw.name}: {args.rate:g} requests/s")


def _sla_verdicts(args: argparse.Namespace, p99_ttft: Any, mean_itl: Any) -> dict[str, str]:
    """'met' or 'MISSED' for each SLA given (`--ttft-p99`, `--itl`); a latency of None (an unstable queue)
    misses."""
    verdicts = {}
    for key, sla, value in (("ttft_p99_sla", args.ttft_p99, p99_ttft), ("itl_sla", args.itl, mean_itl)):
        if sla is not None:
            verdicts[key] = f"{'met' if value is not None and value <= sla else 'MISSED'} ({sla:~P})"
    return verdicts


def _serve_disaggregated(args: argparse.Namespace, model: Any, hw: Any) -> None:
    """`serve --disaggregate P:D`: P prefill and D decode replicas of `--tp` GPUs each, on separate pools."""
    for flag, given in (("--chunk-tokens", args.chunk_tokens), ("--prefix-hit-rate", args.prefix_hit_rate),
                        ("--draft-tokens", args.draft_tokens), ("--pp", args.pp), ("--ep", args.ep)):
        if given is not None:
            raise InvalidArgumentError("disaggregate", ":".join(map(str, args.disaggregate)),
                                       f"no {flag}: a disaggregated deployment is modelled without it")
    n_p, n_d = args.disaggregate
    d = disaggregated_cost(model, hw, **_given(input_len=args.input, output_len=args.output,
                                                batch_size=args.batch_size, precision=args.precision,
                                                prefill_tp=args.tp, decode_tp=args.tp),
                           prefill_replicas=n_p, decode_replicas=n_d)
    rate = args.rate
    ttft = d.ttft_s(rate, 0.99)
    p99_ttft = ureg.Quantity(ttft * 1e3, "ms") if math.isfinite(ttft) else None
    itl = ureg.Quantity(d.itl_s * 1e3, "ms")
    fields: dict[str, Any] = {
        "prefill_replicas": n_p, "decode_replicas": n_d, "gpus": d.gpus, "batch_size": d.decode.batch_size,
        "input_len": d.decode.input_len, "output_len": d.decode.output_len, "arrival_rate": ureg.Quantity(rate, "1/s"),
        "capacity": d.capacity, "bottleneck": d.bottleneck, "stable": d.stable(rate), "p99_ttft": p99_ttft,
        "itl": itl, "prefill": d.prefill.prefill, "kv_transfer": ureg.Quantity(d.transfer_s * 1e3, "ms"),
        "throughput": d.throughput, "balanced_decode_per_prefill": round(d.balanced_decode_per_prefill, 2),
        "fits": d.feasible, "reason": d.reason}
    fields |= _sla_verdicts(args, p99_ttft, itl if d.stable(rate) else None)
    _emit(fields, args.json, f"{model.name} on {hw.name}, prefill and decode apart: {rate:g} requests/s")


def cmd_plan_serving(args: argparse.Namespace) -> None:
    model = _model(args.model)
    nodes = None if args.nodes is None else [Systems.Nodes.get(n) for n in args.nodes]
    plan = DeploymentSearch().solve(model, ureg.Quantity(args.rate, "1/s"),
                                    **_given(input_len=args.input, output_len=args.output, ttft_p99=args.ttft_p99,
                                             itl=args.itl, nodes=nodes, precisions=args.precisions,
                                             speculative=_speculation(args),
                                             grid=None if args.grid is None else Infra.get(args.grid)))
    columns = ["node", "precision", "tp_size", "pp_size", "batch_size", "speculative", "replicas", "gpus",
               "p99_ttft_ms", "mean_itl_ms", "usd_per_mtok"]
    rows = [[getattr(d, c) for c in columns] for d in plan.ranked[:args.top]]
    if args.json:
        print(_json({**plan.summary(), "best": plan.best and plan.best.summary(),
                     "next_cheaper": plan.next_cheaper and plan.next_cheaper.summary(),
                     "ranked": [dict(zip(columns, r, strict=True)) for r in rows]}))
        return
    show.info(f"cheapest deployment of {model.name} for {args.rate:g} requests/s", **plan.summary())
    if plan.best is not None:
        show.table(columns, [[f"{v:,.3g}" if isinstance(v, float) else v for v in r] for r in rows])
    if plan.next_cheaper is not None:
        n = plan.next_cheaper
        print(f"next cheaper: {n.gpus} x {n.node} {n.precision} TP{n.tp_size} PP{n.pp_size} batch {n.batch_size} "
              f"(${n.usd_per_hour:,.2f}/h): {n.reason}")


def cmd_zoo(args: argparse.Namespace) -> None:
    choices: dict[str, list[Catalog]] = {
        "hardware": [Hardware], "models": [Models], "systems": [Systems.Nodes, Systems.Fabrics, Systems.Clusters],
        "grids": [Infra.Grids, Infra.Datacenters], "facilities": [Infra.Facilities], "cloud": [Infra.CloudPrices]}
    catalogs = choices[args.kind]
    tables = [zoo_rows(c) for c in catalogs]
    if args.json:
        print(_json([dict(zip(h, r, strict=True)) for h, rows in tables for r in rows]))
        return
    for headers, rows in tables:
        print(show.table_text(headers, [[c.replace("`", "").replace("[@", "").replace("]", "") for c in map(str, r)]
                                        for r in rows]))
        print()


PLAN_KEYS = {"tp": "tp_size", "pp": "pp_size", "dp": "dp_size", "cp": "cp_size", "ep": "ep_size",
             "mbs": "micro_batch_size", "v": "virtual_stages", "schedule": "schedule", "recompute": "recompute",
             "sharding": "optimizer_sharding"}


def _plan(text: str) -> dict[str, Any]:
    """A plan such as 'tp=8,pp=16,schedule=1f1b' as DistributedModel keyword arguments.

    The degrees and the micro-batch are whole numbers (checked here, with their bounds); the schedule,
    recompute and sharding names are checked by the solver.
    """
    plan: dict[str, Any] = {}
    for item in filter(None, (i.strip() for i in text.split(","))):
        key, _, value = (part.strip() for part in item.partition("="))
        if key not in PLAN_KEYS or not value:
            raise argparse.ArgumentTypeError(f"{_shown(item)} is not KEY=VALUE with KEY one of {', '.join(PLAN_KEYS)}")
        name = PLAN_KEYS[key]
        if name in plan:
            raise argparse.ArgumentTypeError(f"{key} is given twice in {_shown(text)}")
        if key == "mbs":
            plan[name] = _Whole(name, 1, MAX_BATCH, "sequences")(value)
        elif key in ("tp", "pp", "dp", "cp", "ep", "v"):
            unit = {"pp": "stages", "v": "stages", "dp": "replicas", "ep": "groups"}.get(key, "GPUs")
            plan[name] = _Whole(name, 1, MAX_SPLIT, unit)(value)
        else:
            plan[name] = value
    if not plan:
        raise argparse.ArgumentTypeError(f"{_shown(text)} names no KEY=VALUE, e.g. tp=8,pp=16")
    return plan


def cmd_optimize(args: argparse.Namespace) -> None:
    result = ParallelismOptimizer().solve(_model(args.model), Systems.Clusters.get(args.fleet),
                                          **_given(batch_size=args.batch_size, precision=args.precision,
                                                   efficiency=args.efficiency, seq_len=args.seq_len,
                                                   compare_to=args.compare))
    if args.json:
        print(_json({**result.summary(), "top_candidates": result.top_candidates[:args.top],
                     "pareto_front": result.pareto_front, "named_plan": result.named_plan}))
        return
    show.info(f"{result.model} on {result.fleet}", **{k: v for k, v in result.summary().items() if v != ""})

    def rows(plans):
        return [[c["config"]["tp"], c["config"]["pp"], c["config"]["dp"], c["config"]["cp"], c["config"]["ep"],
                 c["config"]["micro_batch_size"],
                 c["config"]["schedule"] + (f"×{c['config']['virtual_stages']}" if c["config"]["virtual_stages"] > 1
                                            else ""),
                 c["config"]["recompute"], c["config"]["optimizer_sharding"], f"{c['mfu']:.3f}", c["step_time"],
                 c["memory_per_gpu"]] for c in plans]

    headers = ["TP", "PP", "DP", "CP", "EP", "micro-batch", "schedule", "recompute", "sharding", "MFU", "step time",
               "memory/GPU"]
    show.table(headers, rows(result.top_candidates[:args.top]))
    print(f"\nPareto front (no plan is both faster and smaller), {len(result.pareto_front)} plans:")
    show.table(headers, rows(result.pareto_front[:args.top]))
    named = result.named_plan
    if named is not None:
        rank = "does not fit" if named["rank"] is None else f"ranks {named['rank']:,} of {result.feasible_count:,}"
        print(f"\nyour plan {named['config']}: {rank}; {named['why']}")


def _assumed(pairs: list[str] | None) -> Assumptions:
    """`Assumptions()` with each `NAME=VALUE` of `pairs` set: a number, a true/false switch or a word, as the
    field's default is; a table or a curve is set from Python (`Assumptions(...)`)."""
    changes: dict[str, Any] = {}
    for pair in pairs or []:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep:
            raise InvalidArgumentError("--assume", pair, "NAME=VALUE, such as overlap=max")
        if name not in Assumptions.__dataclass_fields__:
            raise UnknownNameError("assumption", name, Assumptions.__dataclass_fields__)
        default = getattr(DEFAULTS, name)
        if not isinstance(default, (bool, int, float, str)):
            raise InvalidArgumentError("--assume", pair, "a number, true/false or a word",
                                       fix=f"{name} is a table or a curve: set it from Python, Assumptions({name}=...)")
        text = text.strip()
        try:
            if isinstance(default, bool):
                if text.lower() not in ("true", "false"):
                    raise ValueError(text)
                changes[name] = text.lower() == "true"
            elif isinstance(default, (int, float)):
                changes[name] = float(text) if isinstance(default, float) else int(text)
            else:
                changes[name] = text
        except ValueError:
            kind = "true or false" if isinstance(default, bool) else type(default).__name__
            raise InvalidArgumentError("--assume", pair, f"{name}={kind} (its default is {default!r})") from None
    return DEFAULTS.replace(**changes) if changes else DEFAULTS


def cmd_validate(args: argparse.Namespace) -> None:
    assumed = _assumed(args.assume)
    comparisons = [c for c in validation.evaluate(assumptions=assumed) if args.solver in (None, c.entry.solver)]
    if args.json:
        print(_json([{"id": c.entry.id, "solver": c.entry.solver, "split": c.entry.split,
                      "quantity": c.entry.quantity, "unit": c.entry.unit, "measured": c.entry.measured,
                      "measured_range": c.entry.measured_range,
                      "predicted": c.predicted, "error": c.error, "source": c.entry.source,
                      "location": c.entry.location} for c in comparisons]))
        return
    if args.assume:
        print(f"what if: {', '.join(args.assume)} (the defaults: mlsysim assumptions)\n")
    print(show.table_text(["entry", "split", "measured", "predicted", "unit", "error", "source"],
                          [[c.entry.id, c.entry.split, c.entry.published, f"{c.predicted:.4g}", c.entry.unit,
                            f"{c.error:+.1%}", c.entry.source] for c in comparisons], "<<>><><"))
    print()
    for split in ("held-out", "calibration"):
        for solver, s in validation.summary(comparisons, split).items():
            print(f"{solver} ({split}): {s['n']:.0f} entries, median error {s['median']:.1%}, worst {s['worst']:.1%}")
    print(f"\ndataset {validation.dataset_version()}; where each figure is in its source: mlsysim validate --json "
          "(field 'location')")


def cmd_carbon(args: argparse.Namespace) -> None:
    fleet, grid = Systems.Clusters.get(args.fleet), Infra.get(args.grid)
    sust = SustainabilityModel().solve(fleet, args.days, grid, mfu=args.mfu)
    econ = EconomicsModel().solve(fleet, args.days, grid, mfu=args.mfu)
    fields = {**sust.summary(), "tco_usd": econ.tco_usd, "opex_energy_usd": econ.opex_energy_usd}
    _emit(fields, args.json, f"{fleet.name}, {args.days:g} days in {sust.region_name}")


def cmd_reliability(args: argparse.Namespace) -> None:
    fleet = Systems.Clusters.get(args.fleet)
    options = _given(model=None if args.model is None else _model(args.model), storage_bandwidth=args.storage,
                     asynchronous=args.asynchronous or None, checkpoint_time_s=args.checkpoint_s,
                     restart_time_s=args.restart_s)
    result = ReliabilityModel().solve(fleet, args.days * 24, **options)
    _emit(result, args.json, f"{fleet.name}, {args.days:g} days")


def _raw(value: Any) -> Any:
    """An assumption's value as JSON: curves as their points, per-device tables as dicts."""
    if isinstance(value, EfficiencyCurve):
        return {"points": [list(p) for p in value.points], "unit": value.unit}
    if isinstance(value, tuple):
        return dict(value)
    return value


def cmd_assumptions(args: argparse.Namespace) -> None:
    assumptions = Assumptions()
    rows = assumptions.table()
    if args.json:
        print(_json([{"name": name, "value": _raw(getattr(assumptions, name)), "shown": shown, "unit": unit,
                      "source": source, "doc": Assumptions.describe(name)}
                     for name, shown, unit, source in rows]))
        return
    print(show.table_text(["name", "value", "unit", "source"], rows, "<<<<"))


def _default(name: str) -> str:
    """Help text naming the assumption an option defaults to."""
    value = getattr(DEFAULTS, name)
    return f"default: Assumptions.{name} = {value if isinstance(value, str) else format(value, 'g')}"


MAX_BATCH = 10**7
"""Largest batch an option takes, in sequences (samples, requests): far above any step ever run."""
MAX_TOKENS = 10**8
"""Largest token count an option takes (context, prompt, output, prefill chunk): ten times the longest window."""
MAX_SPLIT = 10**6
"""Largest parallel degree (tensor, pipeline, data, context, expert, virtual stages): more than any cluster's GPUs."""
MAX_DRAFT_TOKENS = 1024
"""Most tokens a speculative step may draft (deployed drafters propose fewer than 16)."""
MAX_ROWS = 10**6
"""Most rows `--top` lists."""
MAX_RATE = 1e6
"""Highest arrival rate `serve` and `plan-serving` take, requests per second."""
MAX_DAYS = 36_500
"""Longest period `--days` takes: a century."""
MAX_PAUSE_S = 86_400
"""Longest checkpoint or restart pause, in seconds: a day."""
MAX_SLA = "1 day"
"""Longest latency SLA (`--ttft-p99`, `--itl`)."""
MAX_BANDWIDTH = "1 EB/s"
"""Highest checkpoint write bandwidth (`--storage`)."""

_WHOLE = re.compile(r"[+-]?[0-9]{1,30}")


def _shown(text: str) -> str:
    """The text as typed, for a one-line message: bare if it is a plain token, quoted and cut if long."""
    if len(text) > 24:
        return f"{text[:12]!r}… ({len(text):,} characters)"
    return text if re.fullmatch(r"[\w.+-]+", text) else repr(text)


def _figure(x: float) -> str:
    """A bound as a reader writes it: 1,000,000 rather than 1e+06."""
    return f"{int(x):,}" if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


class _Whole:
    """An argparse `type`: a whole number in `[low, high]`, or an error naming the parameter and the range."""

    def __init__(self, name: str, low: int, high: int, unit: str):
        self.name, self.low, self.high, self.unit = name, low, high, unit
        self.range = f"{low:,} to {high:,}"
        self.__name__ = name

    def __call__(self, text: str) -> int:
        if _WHOLE.fullmatch(text.strip()) and self.low <= int(text) <= self.high:
            return int(text)
        raise argparse.ArgumentTypeError(f"{self.name}={_shown(text)} is invalid: expected a whole number of "
                                         f"{self.unit} from {self.range}")


class _Real:
    """An argparse `type`: a finite number in an interval (open or closed at each end), or an error naming it."""

    def __init__(self, name: str, low: float, high: float, unit: str, *, low_open: bool = True,
                 high_open: bool = False):
        self.name, self.low, self.high, self.unit = name, low, high, unit
        self.low_open, self.high_open = low_open, high_open
        self.range = f"{'(' if low_open else '['}{_figure(low)}, {_figure(high)}{')' if high_open else ']'}"
        self.__name__ = name

    def __call__(self, text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        if above and below:  # false for nan; inf is above every bound
            return value
        raise argparse.ArgumentTypeError(f"{self.name}={_shown(text)} is invalid: expected a number in "
                                         f"{self.range} ({self.unit})")


class _Amount:
    """An argparse `type`: a Quantity such as '50 ms' or '2 TB/s' in `units`, above 0 and at most `high`."""

    def __init__(self, name: str, units: str, high: str, example: str):
        self.name, self.units, self.example = name, units, example
        self.high: Any = ureg.Quantity(high)
        self.range = f"above 0, at most {high}"
        self.__name__ = name

    def __call__(self, text: str) -> Any:
        value = None
        with contextlib.suppress(ValueError):  # a number and a unit, never arithmetic (9**9**9 s would hang pint)
            value = parse_quantity(text)
        if (value is not None and value.dimensionality == ureg.get_dimensionality(self.units)
                and math.isfinite(value.magnitude) and 0 < value <= self.high):
            return value
        raise argparse.ArgumentTypeError(f"{self.name}={_shown(text)} is invalid: expected an amount with a unit "
                                         f"such as {self.example}, {self.range}")


class _Names:
    """An argparse `type`: comma-separated names ('DGX_H100,DGX_A100'), none of them empty; the solver checks
    that each exists."""

    def __init__(self, example: str):
        self.example = example
        self.__name__ = "names"

    def __call__(self, text: str) -> list[str]:
        names = [n.strip() for n in text.split(",")]
        if not all(names):
            raise argparse.ArgumentTypeError(f"{_shown(text)} is not a comma-separated list of names "
                                             f"(one is empty), e.g. {self.example}")
        return names


BATCH = _Whole("batch_size", 1, MAX_BATCH, "sequences")
SEQ_LEN = _Whole("seq_len", 1, MAX_TOKENS, "tokens")
EFFICIENCY = _Real("efficiency", 0, 1, "fraction of peak FLOP/s")
TP = _Whole("tp_size", 1, MAX_SPLIT, "GPUs")
PP = _Whole("pp_size", 1, MAX_SPLIT, "stages")
EP = _Whole("ep_size", 1, MAX_SPLIT, "groups")
TOP = _Whole("top", 1, MAX_ROWS, "rows")
DAYS = _Real("duration_days", 0, MAX_DAYS, "days")
TTFT_SLA = _Amount("ttft_p99", "s", MAX_SLA, "2s")
ITL_SLA = _Amount("itl", "s", MAX_SLA, "50ms")


def _pools(text: str) -> tuple[int, int]:
    """An argparse `type`: 'P:D', prefill and decode replica counts, each a whole number from 1 to 1,024."""
    parts = text.split(":")
    if len(parts) == 2 and all(_WHOLE.fullmatch(p.strip()) and 1 <= int(p) <= 1024 for p in parts):
        return int(parts[0]), int(parts[1])
    raise argparse.ArgumentTypeError(f"disaggregate={_shown(text)} is invalid: expected P:D, prefill and decode "
                                     "replicas, each a whole number from 1 to 1,024 (e.g. 1:3)")


def _serving_options(p: argparse.ArgumentParser) -> None:
    """The request shape, SLAs and speculation shared by `serve` and `plan-serving`."""
    rate = _Real("rate", 0, MAX_RATE, "requests per second")
    inp, out = _Whole("input_len", 1, MAX_TOKENS, "tokens"), _Whole("output_len", 1, MAX_TOKENS, "tokens")
    draft = _Whole("draft_tokens", 1, MAX_DRAFT_TOKENS, "tokens")
    acceptance = _Real("acceptance_rate", 0, 1, "probability", low_open=False)
    p.add_argument("--rate", type=rate, required=True, help=f"arrival rate, requests per second, in {rate.range}")
    p.add_argument("--input", type=inp, help=f"prompt tokens per request, {inp.range} "
                   f"({_default('request_input_tokens')})")
    p.add_argument("--output", type=out, help=f"generated tokens per request, {out.range} "
                   f"({_default('request_output_tokens')})")
    p.add_argument("--ttft-p99", type=TTFT_SLA, help=f"P99 time-to-first-token SLA, e.g. 2s ({TTFT_SLA.range})")
    p.add_argument("--itl", type=ITL_SLA, help=f"mean inter-token latency SLA under the load, e.g. 50ms "
                   f"({ITL_SLA.range})")
    p.add_argument("--draft-tokens", type=draft, help=f"speculative decoding: tokens drafted per step, {draft.range} "
                   "(with --acceptance)")
    p.add_argument("--acceptance", type=acceptance, help="speculative decoding: acceptance rate of a drafted token, "
                   f"in {acceptance.range}")
    p.add_argument("--draft-model", help="speculative decoding: the draft model (default: self-drafting, free)")
    p.add_argument("--json", action="store_true", help="machine-readable output with units")


def parser() -> argparse.ArgumentParser:
    """The argument parser of the `mlsysim` command."""
    top = argparse.ArgumentParser(prog="mlsysim", description="First-principles models of ML systems.",
                                  epilog="Run 'mlsysim COMMAND --help' for a command's options and examples.")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fmt = argparse.RawDescriptionHelpFormatter

    ev = sub.add_parser("eval", help="roofline or serving report of MODEL on HARDWARE", epilog=EXAMPLES["eval"], formatter_class=fmt)
    ev.add_argument("model", help=f"a model name, e.g. {', '.join(Models.names()[:4])}, or the path of a "
                    "Hugging Face config.json")
    ev.add_argument("hardware", help=f"a device name, e.g. {', '.join(Hardware.names()[:4])}")
    ev.add_argument("--batch-size", type=BATCH, help=f"samples (sequences) per step, {BATCH.range} "
                    f"({_default('batch_size')})")
    ev.add_argument("--precision", help=f"e.g. fp16, bf16, fp8, int4 ({_default('precision')})")
    ev.add_argument("--efficiency", type=EFFICIENCY, help=f"fraction of peak FLOP/s, in {EFFICIENCY.range} "
                    "(default: the solver's)")
    ev.add_argument("--seq-len", type=SEQ_LEN, help=f"context tokens, {SEQ_LEN.range} (transformers; "
                    f"{_default('seq_len')}), or positions per sample (encoders; default the model's own)")
    ev.add_argument("--mode", choices=["inference", "training", "serving"], default="inference")
    ev.add_argument("--tp", type=TP, help=f"serving: tensor-parallel GPUs of a node, {TP.range} (HARDWARE a node "
                    "such as DGX_H100; default: all of them)")
    ev.add_argument("--pp", type=PP, help=f"serving: pipeline stages of a node's replica, {PP.range} (default 1)")
    ev.add_argument("--ep", type=EP, help=f"serving, mixture of experts: expert-parallel groups of --tp GPUs, "
                    f"{EP.range} (default 1)")
    ev.add_argument("--json", action="store_true", help="machine-readable output with units")
    ev.add_argument("--breakdown", action="store_true", help="also print the per-operator breakdown of the step")
    ev.set_defaults(run=cmd_eval)

    se = sub.add_parser("serve", help="one serving deployment under load: TTFT, ITL, capacity, SLAs",
                        epilog=EXAMPLES["serve"], formatter_class=fmt)
    se.add_argument("model", help=f"a transformer, e.g. {', '.join(Models.names()[:4])}")
    se.add_argument("hardware", help="a device (H100) or a node (DGX_H100) whose GPUs one replica splits")
    _serving_options(se)
    se.add_argument("--batch-size", type=BATCH, help=f"requests a replica runs at once, {BATCH.range} "
                    f"({_default('replica_concurrency')})")
    se.add_argument("--precision", help=f"e.g. fp16, fp8, int4 ({_default('precision')})")
    se.add_argument("--tp", type=TP, help=f"tensor-parallel GPUs of a node, {TP.range} (default: all of them)")
    se.add_argument("--pp", type=PP, help=f"pipeline stages, {PP.range} (default 1)")
    se.add_argument("--ep", type=EP, help="mixture of experts: expert-parallel groups of --tp GPUs, each with its "
                    f"share of the batch, {EP.range} (default 1)")
    chunk = _Whole("chunk_tokens", 1, MAX_TOKENS, "tokens")
    hits = _Real("prefix_hit_rate", 0, 1, "fraction", low_open=False, high_open=True)
    se.add_argument("--chunk-tokens", type=chunk, help=f"chunked prefill: token budget per step, {chunk.range} "
                    "(default: off)")
    se.add_argument("--prefix-hit-rate", type=hits, help=f"fraction of each prompt found in a prefix cache, in "
                    f"{hits.range}")
    se.add_argument("--disaggregate", type=_pools, metavar="P:D", help="prefill and decode on separate pools: P "
                    "prefill and D decode replicas of --tp GPUs each, the KV cache sent between them "
                    f"({_default('kv_transfer_fabric')})")
    se.set_defaults(run=cmd_serve)

    ps = sub.add_parser("plan-serving", help="search nodes x precision x TP x PP x batch x replicas for the cheapest "
                        "deployment meeting a rate and SLAs", epilog=EXAMPLES["plan-serving"], formatter_class=fmt)
    ps.add_argument("model", help=f"a transformer, e.g. {', '.join(Models.names()[:4])}")
    _serving_options(ps)
    ps.add_argument("--nodes", type=_Names("DGX_H100,DGX_A100"), help="comma-separated nodes (default: every "
                    f"priced node: {', '.join(Systems.Nodes.names())})")
    ps.add_argument("--precisions", type=_Names("fp8,bf16"), help="comma-separated "
                    f"({_default('deployment_precisions')})")
    ps.add_argument("--grid", help=f"energy prices ({_default('serving_region')})")
    ps.add_argument("--top", type=TOP, default=10, help=f"deployments to list, {TOP.range} (default 10)")
    ps.set_defaults(run=cmd_plan_serving)

    zo = sub.add_parser("zoo", help="the registries as tables, with each row's source", epilog=EXAMPLES["zoo"], formatter_class=fmt)
    zo.add_argument("kind", nargs="?", choices=["hardware", "models", "systems", "grids", "facilities", "cloud"], default="hardware")
    zo.add_argument("--json", action="store_true")
    zo.set_defaults(run=cmd_zoo)

    op = sub.add_parser("optimize", help="search every training plan of a cluster (TP x PP x DP x CP x EP x micro-batch x "
                        "schedule x recompute x sharding)", epilog=EXAMPLES["optimize"], formatter_class=fmt)
    op.add_argument("model")
    op.add_argument("--fleet", required=True, help=f"a cluster: {', '.join(Systems.Clusters.names())}")
    op.add_argument("--batch-size", type=BATCH, help=f"global batch in sequences, {BATCH.range} "
                    f"({_default('global_batch')})")
    op.add_argument("--precision", help=f"e.g. bf16, fp8 ({_default('training_precision')})")
    op.add_argument("--efficiency", type=EFFICIENCY, help=f"fraction of peak FLOP/s, in {EFFICIENCY.range} "
                    "(default: the solver's)")
    op.add_argument("--seq-len", type=SEQ_LEN, help=f"tokens per sequence, {SEQ_LEN.range} ({_default('seq_len')})")
    op.add_argument("--compare", type=_plan, help="a plan to rank against the best, e.g. tp=8,pp=16,v=4,sharding=zero1 "
                    f"(keys: {', '.join(PLAN_KEYS)})")
    op.add_argument("--top", type=TOP, default=10, help=f"candidates to list, {TOP.range} (default 10)")
    op.add_argument("--json", action="store_true")
    op.set_defaults(run=cmd_optimize)

    ca = sub.add_parser("carbon", help="energy, carbon, water and cost of running a cluster", epilog=EXAMPLES["carbon"], formatter_class=fmt)
    ca.add_argument("--fleet", required=True, help=f"a cluster: {', '.join(Systems.Clusters.names())}")
    ca.add_argument("--days", type=DAYS, required=True, help=f"days the cluster runs, in {DAYS.range}")
    ca.add_argument("--grid", required=True, help=f"a grid or datacenter: {', '.join([*Infra.Grids.names(), *Infra.Datacenters.names()])}")
    mfu = _Real("mfu", 0, 1, "fraction of peak FLOP/s")
    ca.add_argument("--mfu", type=mfu, help=f"utilization in {mfu.range} ({_default('mfu')})")
    ca.add_argument("--json", action="store_true")
    ca.set_defaults(run=cmd_carbon)

    re_ = sub.add_parser("reliability", help="failures by component, checkpoint cost, Daly's interval and goodput "
                         "of a training job on a cluster", epilog=EXAMPLES["reliability"], formatter_class=fmt)
    re_.add_argument("--fleet", required=True, help=f"a cluster: {', '.join(Systems.Clusters.names())}")
    re_.add_argument("--days", type=DAYS, required=True, help=f"wall-clock length of the job, in {DAYS.range} days")
    re_.add_argument("--model", help="the model trained: its checkpoint size and write time follow")
    storage = _Amount("storage_bandwidth", "B/s", MAX_BANDWIDTH, "'2 TB/s'")
    re_.add_argument("--storage", type=storage, help="write bandwidth of the checkpoint store, e.g. '2 TB/s' (default: "
                     f"Assumptions.checkpoint_write_bandwidth_per_node_bytes_per_s per node; {storage.range})")
    re_.add_argument("--async", dest="asynchronous", action="store_true",
                     help="asynchronous checkpoints: pause only to copy the state to host memory")
    pause = _Real("checkpoint_time_s", 0, MAX_PAUSE_S, "seconds")
    restart = _Real("restart_time_s", 0, MAX_PAUSE_S, "seconds", low_open=False)
    re_.add_argument("--checkpoint-s", type=pause, help=f"seconds one checkpoint pauses training, in {pause.range} "
                     f"(instead of deriving it from --model; {_default('checkpoint_time_s')})")
    re_.add_argument("--restart-s", type=restart, help=f"seconds to detect a failure and resume, in {restart.range} "
                     f"({_default('restart_time_s')})")
    re_.add_argument("--json", action="store_true")
    re_.set_defaults(run=cmd_reliability)

    va = sub.add_parser("validate", help="recompute every published measurement the engine is checked against: each "
                        "error with its source, the median and the worst", epilog=EXAMPLES["validate"],
                        formatter_class=fmt)
    va.add_argument("--solver", choices=list(validation.PREDICTORS), help="only this solver's entries")
    va.add_argument("--json", action="store_true", help="machine-readable, with each entry's quantity and location")
    va.add_argument("--assume", action="append", metavar="NAME=VALUE",
                    help="predict with this assumption changed (a what-if; repeatable), e.g. overlap=max; "
                         "names: mlsysim assumptions")
    va.set_defaults(run=cmd_validate)

    asm = sub.add_parser("assumptions", help="every modelling default, with its unit and source",
                         epilog=EXAMPLES["assumptions"], formatter_class=fmt)
    asm.add_argument("--json", action="store_true", help="machine-readable, with each assumption's description")
    asm.set_defaults(run=cmd_assumptions)
    return top


ASCII = {"µ": "u", "μ": "u", "·": ".", "×": "x", "≥": ">=", "≤": "<=", "≈": "~", "−": "-", "–": "-", "—": "-",
         "…": "...", "→": "->", "‘": "'", "’": "'", "“": '"', "”": '"', "°": " deg", "²": "^2", "³": "^3"}
"""How the output spells a character the terminal's encoding lacks (any other is escaped, e.g. \\u2248)."""


def _spell(err: UnicodeError) -> tuple[str, int]:
    """A codec error handler: the characters an encoding cannot write, in ASCII (see `ASCII`)."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    bad = err.object[err.start:err.end]
    return "".join(ASCII.get(c) or c.encode("ascii", "backslashreplace").decode("ascii") for c in bad), err.end


def _writable(stream: Any) -> None:
    """Make `stream` write what its encoding lacks (LC_ALL=C, PYTHONIOENCODING=ascii) instead of failing."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and getattr(stream, "errors", None) in ("strict", "surrogateescape", "backslashreplace"):
        codecs.register_error("mlsysim.spell", _spell)
        reconfigure(errors="mlsysim.spell")


class _OutputError(Exception):
    """Standard output could not be written (closed pipe, full disk): not the command's fault."""

    def __init__(self, error: OSError):
        self.error = error
        super().__init__(error.strerror or str(error))


class _Stdout:
    """`sys.stdout` while a command runs: a failed write raises `_OutputError`, which tells it apart from
    an `OSError` of the command's own (a config.json it cannot read is the user's input, not the output)."""

    def __init__(self, stream: Any):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._call("write", text)

    def flush(self) -> None:
        self._call("flush")

    def _call(self, method: str, *args: Any) -> Any:
        if self._stream is None:  # started with standard output closed (mlsysim zoo >&-)
            raise _OutputError(OSError(errno.EBADF, os.strerror(errno.EBADF)))
        try:
            return getattr(self._stream, method)(*args)
        except OSError as err:
            raise _OutputError(err) from err

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _discard_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so that the interpreter's flush at exit finds nothing to complain of."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # no descriptor (a StringIO, pytest's capture): nothing to flush
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _say(line: str) -> None:
    """One line on standard error, which may itself be gone."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(line, file=sys.stderr, flush=True)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _run(argv: list[str] | None) -> int:
    """Parse and run one command, writing through `sys.stdout`; return the exit code."""
    try:
        args = parser().parse_args(argv)  # usage errors: a line on stderr and SystemExit(2)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 2
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", PrecisionFallbackWarning)
            args.run(args)
        for w in caught:
            _say(f"warning: {_one_line(str(w.message))}")
    except MLSysimError as err:
        _say(f"mlsysim {args.command}: error: {err}")
        return 2
    except _OutputError:
        raise
    except Exception as err:  # an internal bug: one line, not a traceback
        _say(f"mlsysim {args.command}: internal error: {type(err).__name__}: {_one_line(str(err))} "
             "(please report it with the command you ran)")
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the `mlsysim` command line with `argv` (the shell's arguments when None); return the exit code.

    The commands: `eval` (the roofline or serving report of a model on a device or node), `serve` (one
    serving deployment under load), `plan-serving` (the cheapest deployment meeting a rate and SLAs), `zoo`
    (the registries as tables), `optimize` (the best training plan of a cluster), `carbon` (energy, carbon,
    water and cost), `reliability` (failures, checkpoints and goodput), `validate` (the published
    measurements recomputed) and `assumptions` (every default, with its source).  `mlsysim COMMAND --help`
    lists a command's options and examples; options left out take the solver's default, from `Assumptions`.

    Exit codes: 0 success; 2 a usage or input error (with the reason and, for a misspelt name, the nearest
    names); 1 an internal error or output that could not be written (one line with the reason); 130
    interrupted.  `--json` output is strict JSON (an unbounded latency is `null`).

    Args:
        argv: the arguments after `mlsysim`, such as `["eval", "Llama3_8B", "H100"]`.

    Returns:
        The exit code.

    Example:
        >>> import mlsysim
        >>> mlsysim.cli.main(["--help"])
        usage: mlsysim [-h] COMMAND ...
        ...
        0
        >>> mlsysim.cli.main(["eval", "Llama3_8B", "H100", "--batch-size", "1"])
        Llama-3-8B on NVIDIA H100 SXM5 80GB (inference)
        ...
        0
    """
    _writable(sys.stdout)
    _writable(sys.stderr)
    try:
        with contextlib.redirect_stdout(_Stdout(sys.stdout)):
            code = _run(argv)
            sys.stdout.flush()  # now, where a failure can be told; not at the interpreter's exit
    except _OutputError as err:
        _discard_stdout()
        if isinstance(err.error, BrokenPipeError):  # the reader went away (mlsysim zoo | head): not an error
            return 0
        _say(f"mlsysim: cannot write output: {err}")
        return 1
    except KeyboardInterrupt:  # Ctrl-C: the shell's code for SIGINT, no traceback
        _say("mlsysim: interrupted")
        try:
            sys.stdout.flush()  # what was printed before the interruption, if anyone still reads it
        except (OSError, ValueError, AttributeError):
            _discard_stdout()
        return 130
    return code
