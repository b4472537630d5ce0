"""The ``mlsysim`` command: evaluate a model on a device, list the zoo, search a split, price the carbon.

Options left out take the solver's default, which comes from ``Assumptions``;
``mlsysim assumptions`` lists every one with its source.

Exit codes: 0 success, 2 usage or input error (with the reason and, for a
misspelt name, the nearest names), 1 internal error (one line, and a hint
to report it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from typing import Any

from . import show
from .core.assumptions import DEFAULTS, Assumptions, EfficiencyCurve
from .core.errors import MLSysimError
from .core.units import ureg
from .hardware.registry import Hardware
from .hardware.types import PrecisionFallbackWarning
from .infra.registry import Infra
from .models.registry import Models
from .solvers import (
    EconomicsModel,
    Engine,
    ParallelismOptimizer,
    ServingModel,
    SustainabilityModel,
)
from .solvers.result import Result
from .systems.registry import Systems
from .zoo import zoo_rows

EXAMPLES = {
    "eval": "examples:\n  mlsysim eval Llama3_70B H100 --batch-size 1\n  mlsysim eval ResNet50 A100 --batch-size 64 --json\n"
            "  mlsysim eval Llama3_8B H100 --mode serving --seq-len 4096 --batch-size 96\n"
            "  mlsysim eval Llama3_70B DGX_H100 --mode serving --tp 8 --seq-len 4096 --batch-size 64\n"
            "  mlsysim eval Llama3_8B H100 --breakdown",
    "zoo": "examples:\n  mlsysim zoo hardware\n  mlsysim zoo grids --json",
    "optimize": "examples:\n  mlsysim optimize Llama3_70B --fleet Research_256 --batch-size 512",
    "carbon": "examples:\n  mlsysim carbon --fleet Research_256 --days 30 --grid Quebec",
    "assumptions": "examples:\n  mlsysim assumptions\n  mlsysim assumptions --json",
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, ureg.Quantity):
        return {"value": value.magnitude, "unit": f"{value.units:~P}"}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _given(**options: Any) -> dict[str, Any]:
    """The options the user gave; the others are left to the solver (and so to ``Assumptions``)."""
    return {k: v for k, v in options.items() if v is not None}


def _emit(result: Result | dict, as_json: bool, title: str, extra: dict | None = None) -> None:
    fields = {**(result.summary() if isinstance(result, Result) else result), **(extra or {})}
    if as_json:
        print(json.dumps(_jsonable(fields), indent=2, default=str))
    else:
        show.info(title, **fields)
        for note in getattr(result, "notes", ()):
            print(f"note: {note}")


def cmd_eval(args: argparse.Namespace) -> None:
    model = Models.get(args.model)
    on_node = args.mode == "serving" and args.hardware in Systems.Nodes.names()
    hw: Any = Systems.Nodes.get(args.hardware) if on_node else Hardware.get(args.hardware)
    options = _given(batch_size=args.batch_size, precision=args.precision, efficiency=args.efficiency,
                     seq_len=args.seq_len)
    split = _given(tp_size=args.tp, pp_size=args.pp)
    if split and args.mode != "serving":
        raise MLSysimError("--tp/--pp split a serving replica over a node's GPUs: add --mode serving")
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


def cmd_zoo(args: argparse.Namespace) -> None:
    catalogs = {"hardware": [Hardware], "models": [Models], "systems": [Systems.Nodes, Systems.Fabrics, Systems.Clusters],
                "grids": [Infra.Grids, Infra.Datacenters]}[args.kind]
    tables = [zoo_rows(c) for c in catalogs]
    if args.json:
        print(json.dumps([dict(zip(h, r, strict=True)) for h, rows in tables for r in rows], indent=2, default=str))
        return
    for headers, rows in tables:
        print(show.table_text(headers, [[c.replace("`", "").replace("[@", "").replace("]", "") for c in map(str, r)]
                                        for r in rows]))
        print()


def cmd_optimize(args: argparse.Namespace) -> None:
    result = ParallelismOptimizer().solve(Models.get(args.model), Systems.Clusters.get(args.fleet),
                                          **_given(batch_size=args.batch_size, precision=args.precision,
                                                   efficiency=args.efficiency, seq_len=args.seq_len))
    if args.json:
        print(json.dumps(_jsonable({**result.summary(), "top_candidates": result.top_candidates[:args.top]}), indent=2))
        return
    show.info(f"{result.model} on {result.fleet}", **result.summary())
    show.table(["TP", "PP", "DP", "micro-batch", "MFU", "step time", "memory/GPU"],
               [[c["config"]["tp"], c["config"]["pp"], c["config"]["dp"], c["config"]["micro_batch_size"],
                 f"{c['mfu']:.3f}", c["step_time"], c["memory_per_gpu"]] for c in result.top_candidates[:args.top]])


def cmd_carbon(args: argparse.Namespace) -> None:
    fleet, grid = Systems.Clusters.get(args.fleet), Infra.get(args.grid)
    sust = SustainabilityModel().solve(fleet, args.days, grid, mfu=args.mfu)
    econ = EconomicsModel().solve(fleet, args.days, grid, mfu=args.mfu)
    fields = {**sust.summary(), "tco_usd": econ.tco_usd, "opex_energy_usd": econ.opex_energy_usd}
    _emit(fields, args.json, f"{fleet.name}, {args.days:g} days in {sust.region_name}")


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
        print(json.dumps([{"name": name, "value": _raw(getattr(assumptions, name)), "shown": shown, "unit": unit,
                           "source": source, "doc": Assumptions.describe(name)}
                          for name, shown, unit, source in rows], indent=2, default=str))
        return
    print(show.table_text(["name", "value", "unit", "source"], rows, "<<<<"))


def _default(name: str) -> str:
    """Help text naming the assumption an option defaults to."""
    value = getattr(DEFAULTS, name)
    return f"default: Assumptions.{name} = {value if isinstance(value, str) else format(value, 'g')}"


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``mlsysim`` command."""
    top = argparse.ArgumentParser(prog="mlsysim", description="First-principles models of ML systems.",
                                  epilog="Run 'mlsysim COMMAND --help' for a command's options and examples.")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fmt = argparse.RawDescriptionHelpFormatter

    ev = sub.add_parser("eval", help="roofline or serving report of MODEL on HARDWARE", epilog=EXAMPLES["eval"], formatter_class=fmt)
    ev.add_argument("model", help=f"a model name, e.g. {', '.join(Models.names()[:4])}")
    ev.add_argument("hardware", help=f"a device name, e.g. {', '.join(Hardware.names()[:4])}")
    ev.add_argument("--batch-size", type=int, help=f"samples (sequences) per step ({_default('batch_size')})")
    ev.add_argument("--precision", help=f"e.g. fp16, bf16, fp8, int4 ({_default('precision')})")
    ev.add_argument("--efficiency", type=_number, help="fraction of peak FLOP/s, in (0, 1] (default: the solver's)")
    ev.add_argument("--seq-len", type=int, help=f"context tokens (transformers; {_default('seq_len')})")
    ev.add_argument("--mode", choices=["inference", "training", "serving"], default="inference")
    ev.add_argument("--tp", type=int, help="serving: tensor-parallel GPUs of a node (HARDWARE a node such as "
                    "DGX_H100; default: all of them)")
    ev.add_argument("--pp", type=int, help="serving: pipeline stages of a node's replica (default 1)")
    ev.add_argument("--json", action="store_true", help="machine-readable output with units")
    ev.add_argument("--breakdown", action="store_true", help="also print the per-operator breakdown of the step")
    ev.set_defaults(run=cmd_eval)

    zo = sub.add_parser("zoo", help="the registries as tables, with each row's source", epilog=EXAMPLES["zoo"], formatter_class=fmt)
    zo.add_argument("kind", nargs="?", choices=["hardware", "models", "systems", "grids"], default="hardware")
    zo.add_argument("--json", action="store_true")
    zo.set_defaults(run=cmd_zoo)

    op = sub.add_parser("optimize", help="search every TP x PP x DP split of a cluster", epilog=EXAMPLES["optimize"], formatter_class=fmt)
    op.add_argument("model")
    op.add_argument("--fleet", required=True, help=f"a cluster: {', '.join(Systems.Clusters.names())}")
    op.add_argument("--batch-size", type=int, help=f"global batch in sequences ({_default('global_batch')})")
    op.add_argument("--precision", help=f"e.g. bf16, fp8 ({_default('training_precision')})")
    op.add_argument("--efficiency", type=_number, help="fraction of peak FLOP/s, in (0, 1] (default: the solver's)")
    op.add_argument("--seq-len", type=int, help=f"tokens per sequence ({_default('seq_len')})")
    op.add_argument("--top", type=int, default=10, help="candidates to list")
    op.add_argument("--json", action="store_true")
    op.set_defaults(run=cmd_optimize)

    ca = sub.add_parser("carbon", help="energy, carbon, water and cost of running a cluster", epilog=EXAMPLES["carbon"], formatter_class=fmt)
    ca.add_argument("--fleet", required=True, help=f"a cluster: {', '.join(Systems.Clusters.names())}")
    ca.add_argument("--days", type=_number, required=True)
    ca.add_argument("--grid", required=True, help=f"a grid or datacenter: {', '.join(Infra.names())}")
    ca.add_argument("--mfu", type=_number, help=f"utilization in (0, 1] ({_default('mfu')})")
    ca.add_argument("--json", action="store_true")
    ca.set_defaults(run=cmd_carbon)

    asm = sub.add_parser("assumptions", help="every modelling default, with its unit and source",
                         epilog=EXAMPLES["assumptions"], formatter_class=fmt)
    asm.add_argument("--json", action="store_true", help="machine-readable, with each assumption's description")
    asm.set_defaults(run=cmd_assumptions)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = parser().parse_args(argv)  # exits with 2 on usage errors
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", PrecisionFallbackWarning)
            args.run(args)
        for w in caught:
            print(f"warning: {w.message}", file=sys.stderr)
    except MLSysimError as err:
        print(f"mlsysim {args.command}: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (mlsysim assumptions | head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # an internal bug: one line, not a traceback
        print(f"mlsysim {args.command}: internal error: {type(err).__name__}: {err} "
              "(please report it with the command you ran)", file=sys.stderr)
        return 1
    return 0
