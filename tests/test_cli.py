"""The ``mlsysim`` command, run as a user runs it: a subprocess, its output and its exit code.

The many option checks call ``cli.main`` in-process (the same code path, without a second of start-up each);
pipes, full disks, locales and Ctrl-C need a real process.
"""

import argparse
import json
import re
import subprocess
import sys

import pytest

from mlsysim import cli

pytestmark = pytest.mark.slow


def mlsysim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mlsysim", *args], capture_output=True, text=True, timeout=120)


def test_eval_prints_a_readable_report():
    done = mlsysim("eval", "Llama3_70B", "H100", "--batch-size", "1")
    assert done.returncode == 0, done.stderr
    assert "bottleneck: Memory" in done.stdout and "feasible: False" in done.stdout and "latency:" in done.stdout


def test_eval_json_carries_units():
    done = mlsysim("eval", "ResNet50", "A100", "--batch-size", "64", "--json")
    data = json.loads(done.stdout)
    assert data["bottleneck"] == "Compute" and data["latency"]["unit"] == "ms" and data["latency"]["value"] > 0


def test_eval_serving_and_training_modes():
    serving = json.loads(mlsysim("eval", "Llama3_8B", "H100", "--mode", "serving", "--seq-len", "4096",
                                 "--batch-size", "96", "--json").stdout)
    assert serving["max_batch_size"] == 113 and serving["feasible"] is True
    training = json.loads(mlsysim("eval", "Llama3_8B", "H100", "--mode", "training", "--batch-size", "4", "--json").stdout)
    assert training["bottleneck"] == "Compute"


def test_precision_fallback_is_a_warning_on_stderr():
    done = mlsysim("eval", "Llama3_8B", "H100", "--precision", "int4")
    assert done.returncode == 0 and "warning: " in done.stderr and "no native int4" in done.stderr


@pytest.mark.parametrize("kind", ["hardware", "models", "systems", "grids"])
def test_zoo_lists_every_registry(kind):
    done = mlsysim("zoo", kind)
    assert done.returncode == 0 and done.stdout.count("\n") > 5
    rows = json.loads(mlsysim("zoo", kind, "--json").stdout)
    assert rows and all("Source" in r for r in rows)


def test_optimize_and_carbon():
    done = mlsysim("optimize", "Llama3_70B", "--fleet", "Research_256", "--batch-size", "512", "--json")
    data = json.loads(done.stdout)
    assert data["best_config"]["tp"] * data["best_config"]["pp"] * data["best_config"]["dp"] == 256
    carbon = json.loads(mlsysim("carbon", "--fleet", "Research_256", "--days", "30", "--grid", "Quebec", "--json").stdout)
    assert carbon["region_name"] == "Quebec" and carbon["carbon_footprint_kg"] > 0 and carbon["tco_usd"] > 0


def test_reliability_of_a_training_job_from_the_command_line():
    data = json.loads(mlsysim("reliability", "--fleet", "Frontier_16K", "--days", "54", "--model", "Llama3_405B",
                              "--storage", "2 TB/s", "--json").stdout)
    assert data["expected_failures"] == pytest.approx(419)  # Llama 3's snapshot, from its own component rates
    assert data["checkpoint_size"]["unit"] == "TB" and 0.9 < data["goodput"] < 0.95
    lazy = json.loads(mlsysim("reliability", "--fleet", "Frontier_16K", "--days", "54", "--model", "Llama3_405B",
                              "--async", "--json").stdout)
    assert lazy["asynchronous"] is True and lazy["goodput"] > data["goodput"]
    bad = mlsysim("reliability", "--fleet", "Frontier_16K", "--days", "0")
    assert bad.returncode == 2 and "--days" in bad.stderr


def test_optimize_ranks_a_named_plan_and_shows_the_pareto_front():
    done = mlsysim("optimize", "Llama3_70B", "--fleet", "Research_256", "--batch-size", "512",
                   "--compare", "tp=8,pp=2,schedule=1f1b,sharding=zero1", "--top", "3")
    assert done.returncode == 0 and "Pareto front" in done.stdout and "your plan" in done.stdout
    data = json.loads(mlsysim("optimize", "Llama3_70B", "--fleet", "Research_256", "--batch-size", "512",
                              "--compare", "tp=8,pp=2", "--json").stdout)
    assert data["named_plan"]["config"]["tp"] == 8 and data["named_plan"]["rank"] > 1 and data["pareto_front"]
    bad = mlsysim("optimize", "Llama3_70B", "--fleet", "Research_256", "--compare", "tp8")
    assert bad.returncode == 2 and "KEY=VALUE" in bad.stderr


def test_validate_recomputes_every_entry_with_its_source():
    done = mlsysim("validate", "--solver", "distributed")
    assert done.returncode == 0 and "korthikanti-175b-selective-sp" in done.stdout
    assert "distributed (held-out)" in done.stdout and "median error" in done.stdout
    rows = json.loads(mlsysim("validate", "--json").stdout)
    assert {r["solver"] for r in rows} >= {"distributed", "serving", "single-node"}
    assert all(r["source"] and r["location"] for r in rows)
    llama = {r["id"]: r for r in rows}["llama3-405b-8k-gpus"]
    assert abs(llama["error"]) < 0.15


def test_validate_answers_a_what_if_with_changed_assumptions():
    def rows(*extra):
        return {r["id"]: r for r in json.loads(mlsysim("validate", "--solver", "reliability", "--json", *extra).stdout)}

    base, slow = rows(), rows("--assume", "restart_time_s=3600", "--assume", "asynchronous_checkpointing=false")
    moved = {i for i in base if base[i]["predicted"] != slow[i]["predicted"]}
    assert moved == {"llama3-405b-goodput"} and slow["llama3-405b-goodput"]["predicted"] < 0.8  # hour-long restarts
    shown = mlsysim("validate", "--solver", "serving", "--assume", "overlap=max")
    assert shown.returncode == 0 and "what if: overlap=max" in shown.stdout


@pytest.mark.parametrize(("pair", "message"), [
    ("overlap", "NAME=VALUE"), ("overlp=max", "did you mean overlap"), ("restart_time_s=soon", "float"),
    ("cuda_graphs=yes", "true or false"), ("gemm_efficiency=0.5", "set it from Python"),
    ("overlap=maxx", "did you mean max"), ("restart_time_s=-5", "restart_time_s"),
])
def test_validate_refuses_an_assumption_it_cannot_set(pair, message):
    refused = mlsysim("validate", "--assume", pair)
    assert refused.returncode == 2 and message in refused.stderr and "Traceback" not in refused.stderr


def test_serve_answers_the_node_question_with_its_slas():
    done = mlsysim("serve", "Llama3_70B", "DGX_H100", "--tp", "2", "--precision", "fp8", "--input", "2048",
                   "--output", "256", "--rate", "10", "--batch-size", "64", "--ttft-p99", "2s", "--itl", "50ms",
                   "--json")
    data = json.loads(done.stdout)
    assert done.returncode == 0 and data["replicas"] == 4 and data["stable"]
    assert data["arrival_rate_per_replica"]["value"] == 2.5 and data["p99_ttft"]["unit"] == "ms"
    assert data["ttft_p99_sla"].startswith("met") and data["node_capacity"]["value"] > 10
    over = mlsysim("serve", "Llama3_70B", "DGX_H100", "--tp", "8", "--rate", "50", "--itl", "50ms")
    assert over.returncode == 0 and "stable: False" in over.stdout and "MISSED" in over.stdout


def test_serve_disaggregated_reports_both_pools_and_refuses_what_it_does_not_model():
    done = mlsysim("serve", "Llama3_70B", "DGX_H100", "--tp", "4", "--precision", "fp8", "--input", "2048",
                   "--output", "256", "--batch-size", "64", "--rate", "4", "--disaggregate", "1:1", "--itl", "50ms",
                   "--json")
    data = json.loads(done.stdout)
    assert done.returncode == 0 and data["gpus"] == 8 and data["stable"] and data["itl_sla"].startswith("met")
    assert data["bottleneck"] in ("prefill", "decode") and data["kv_transfer"]["unit"] == "ms"
    for bad, message in ((["--disaggregate", "0:2"], "disaggregate='0:2'"),
                         (["--disaggregate", "1:1", "--chunk-tokens", "512"], "no --chunk-tokens")):
        refused = mlsysim("serve", "Llama3_70B", "DGX_H100", "--tp", "4", "--rate", "1", *bad)
        assert refused.returncode == 2 and message in refused.stderr, refused.stderr


def test_plan_serving_returns_the_cheapest_deployment():
    done = mlsysim("plan-serving", "Llama3_70B", "--rate", "10", "--input", "2048", "--output", "256",
                   "--ttft-p99", "2s", "--itl", "50ms", "--nodes", "DGX_H100", "--json")
    data = json.loads(done.stdout)
    assert done.returncode == 0 and data["feasible"] and data["best"]["node"].startswith("DGX H100")
    assert data["best"]["p99_ttft_ms"] <= 2000 and data["best"]["mean_itl_ms"] <= 50
    assert data["ranked"][0]["usd_per_mtok"] == data["best"]["usd_per_mtok"]
    assert data["next_cheaper"]["usd_per_hour"] < data["best"]["usd_per_hour"] and data["next_cheaper"]["reason"]


@pytest.mark.parametrize(("args", "message"), [
    (["eval", "Llama3_70B", "H10"], "did you mean H100"),
    (["eval", "Lama3_8B", "H100"], "did you mean Llama3_8B"),
    (["eval", "Llama3_8B", "H100", "--batch-size", "0"], "batch_size=0"),
    (["eval", "Llama3_8B", "H100", "--efficiency", "1.5"], "efficiency=1.5"),
    (["eval", "Llama3_8B", "H100", "--precision", "fp12"], "unknown precision 'fp12'"),
    (["carbon", "--fleet", "Research_256", "--days", "-1", "--grid", "Quebec"], "duration_days=-1"),
    (["carbon", "--fleet", "Research_256", "--days", "30", "--grid", "Mars"], "unknown infrastructure 'Mars'"),
    (["optimize", "Llama3_70B", "--fleet", "Research_255"], "did you mean Research_256"),
    (["serve", "Llama3_70B", "DGX_H100", "--rate", "5", "--itl", "50"], "argument --itl"),
    (["serve", "Llama3_70B", "DGX_H100", "--rate", "5", "--tp", "3"], "tp_size=3"),
    (["serve", "Llama3_8B", "H100", "--rate", "5", "--input", "8000", "--output", "500"], "input_len=8000"),
    (["serve", "Llama3_70B", "DGX_H100", "--rate", "5", "--draft-tokens", "4"], "--acceptance"),
    (["plan-serving", "Llama3_70B", "--rate", "-1"], "argument --rate"),
    (["plan-serving", "Llama3_70B", "--rate", "5", "--nodes", "DGX_H10"], "did you mean DGX_H100"),
])
def test_bad_input_exits_2_with_a_named_reason(args, message):
    done = mlsysim(*args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_usage_errors_exit_2_and_help_has_examples():
    assert mlsysim("eval").returncode == 2
    for command in ("eval", "serve", "plan-serving", "zoo", "optimize", "carbon", "assumptions", "validate"):
        done = mlsysim(command, "--help")
        assert done.returncode == 0 and "examples:" in done.stdout


def test_console_script_is_installed():
    import shutil

    script = shutil.which("mlsysim") or str(__import__("pathlib").Path(sys.executable).with_name("mlsysim"))
    done = subprocess.run([script, "zoo", "grids"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Quebec" in done.stdout


def test_assumptions_lists_every_default_with_its_source():
    from mlsysim.core.assumptions import Assumptions

    done = mlsysim("assumptions")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].split() == ["name", "value", "unit", "source"]
    for name, _, _, source in Assumptions().table():
        assert re.search(rf"^{name}\s.*\s{source}\s*$", done.stdout, re.M), name
    rows = json.loads(mlsysim("assumptions", "--json").stdout)
    node = next(r for r in rows if r["name"] == "node_training_power_fraction")
    assert node["value"] == Assumptions().node_training_power_fraction and node["source"] == "newkirk2025calibrated"
    assert [r["name"] for r in rows] == [row[0] for row in Assumptions().table()] and all(r["doc"] for r in rows)


def test_modelling_options_default_to_the_solvers_assumptions():
    from mlsysim.cli import parser
    from mlsysim.core.assumptions import Assumptions

    ev = parser().parse_args(["eval", "Llama3_8B", "H100"])
    assert ev.batch_size is ev.precision is ev.efficiency is ev.seq_len is None
    op = parser().parse_args(["optimize", "Llama3_70B", "--fleet", "Research_256"])
    assert op.batch_size is op.precision is op.efficiency is op.seq_len is None
    ca = parser().parse_args(["carbon", "--fleet", "Research_256", "--days", "30", "--grid", "Quebec"])
    assert ca.mfu is None
    assert f"Assumptions.mfu = {Assumptions().mfu:g}" in mlsysim("carbon", "--help").stdout


def test_eval_breakdown_prints_the_per_operator_table():
    from mlsysim import Engine, Hardware, Models

    plain = mlsysim("eval", "Llama3_8B", "H100")
    done = mlsysim("eval", "Llama3_8B", "H100", "--breakdown")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(plain.stdout)
    breakdown = getattr(Engine.solve(Models.Llama3_8B, Hardware.H100), "breakdown", None)
    if breakdown is None:
        assert "no per-operator breakdown" in done.stderr
        pytest.skip("the step result has no breakdown attribute yet (the cost core adds it)")
    assert str(breakdown) in done.stdout[len(plain.stdout):]
    data = json.loads(mlsysim("eval", "Llama3_8B", "H100", "--breakdown", "--json").stdout)
    assert data["breakdown"] == str(breakdown)


def test_breakdown_flag_prints_the_per_operator_table(capsys):
    from mlsysim import cli

    assert cli.main(["eval", "Llama3_8B", "H100", "--breakdown"]) == 0
    out = capsys.readouterr().out
    assert out.index("bottleneck: Memory") < out.index("qkv_proj") < out.index("mlp_down") < out.index("lm_head")
    assert cli.main(["eval", "Llama3_8B", "H100"]) == 0
    assert "qkv_proj" not in capsys.readouterr().out


def test_eval_serving_on_a_node_with_tensor_parallelism():
    done = json.loads(mlsysim("eval", "Llama3_70B", "DGX_H100", "--mode", "serving", "--tp", "8", "--seq-len", "4096",
                              "--batch-size", "64", "--json").stdout)
    assert done["feasible"] is True and done["tp_size"] == 8 and done["weights_size"]["value"] == 17.65
    alone = json.loads(mlsysim("eval", "Llama3_70B", "H100", "--mode", "serving", "--json").stdout)
    assert alone["feasible"] is False and "weights do not fit" in alone["reason"]


# --- A Unix tool: bounded options, strict JSON, pipes, full disks, odd locales and Ctrl-C --------------------------

BASE = {  # the shortest valid command line of each subcommand, to which one bad option is added
    "eval": ["eval", "Llama3_8B", "H100"],
    "serve": ["serve", "Llama3_8B", "H100", "--rate", "1"],
    "plan-serving": ["plan-serving", "Llama3_8B", "--rate", "1"],
    "optimize": ["optimize", "Llama3_8B", "--fleet", "Research_256"],
    "carbon": ["carbon", "--fleet", "Research_256", "--days", "1", "--grid", "Quebec"],
    "reliability": ["reliability", "--fleet", "Research_256", "--days", "1"],
}


def _options() -> list[tuple[str, str, object]]:
    """Every option of every subcommand with its argparse ``type``: (command, flag, type)."""
    sub = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction))
    return [(name, action.option_strings[-1], action.type) for name, p in sub.choices.items()
            for action in p._actions if action.option_strings and action.type is not None]


def _refused(capsys, args: list[str], flag: str) -> str:
    code = cli.main(args)
    err = capsys.readouterr().err
    assert code == 2, (args, err)
    assert "Traceback" not in err and "internal error" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"mlsysim {args[0]}: error: ") and flag in last, (args, err)
    return last


def test_every_typed_option_is_bounded():
    """No option is parsed by a bare int or float: each has a converter that states and checks its range."""
    options = _options()
    assert {c for c, _, _ in options} >= set(BASE)
    for command, flag, kind in options:
        assert isinstance(kind, (cli._Whole, cli._Real, cli._Amount, cli._Names)) or kind in (cli._plan, cli._pools), \
            (command, flag)
    untyped = {(name, a.option_strings[-1]) for name, p in
               next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction)).choices.items()
               for a in p._actions if a.option_strings and a.type is None and a.nargs != 0 and a.choices is None}
    # the rest are names the registries check (with 'did you mean'), not numbers
    assert untyped == {("eval", "--precision"), ("serve", "--precision"), ("optimize", "--precision"),
                       ("serve", "--draft-model"), ("plan-serving", "--draft-model"), ("plan-serving", "--grid"),
                       ("optimize", "--fleet"), ("carbon", "--fleet"), ("carbon", "--grid"),
                       ("reliability", "--fleet"), ("reliability", "--model"),
                       ("validate", "--assume")}  # NAME=VALUE: the name checked, the value by Assumptions' own checks


NOT_NUMBERS = ["nan", "inf", "-inf", "1e400", "9" * 400, "abc", "", "0x10"]


@pytest.mark.parametrize(("command", "flag"), [(c, f) for c, f, k in _options() if isinstance(k, (cli._Whole, cli._Real))])
def test_every_numeric_option_refuses_non_finite_and_out_of_range_values(capsys, command, flag):
    kind = dict(((c, f), k) for c, f, k in _options())[(command, flag)]
    whole = isinstance(kind, cli._Whole)
    outside = [str(kind.low - 1), str(kind.high + 1)] if whole else [f"{kind.high * 1.5:g}", "-1"]
    if not whole and kind.low_open:
        outside.append(f"{kind.low:g}")
    for value in [*NOT_NUMBERS, *outside, *(["2.5", "1e3"] if whole else [])]:
        last = _refused(capsys, [*BASE[command], f"{flag}={value}"], f"argument {flag}: ")
        assert f"{kind.name}=" in last and kind.range in last, last  # names the parameter and the range
        assert len(last) < 200
    for value in [kind.low if whole or not kind.low_open else kind.high, kind.high if whole or not kind.high_open
                  else kind.low]:  # the bounds a range includes parse
        args = cli.parser().parse_args([*BASE[command], f"{flag}={value}"])
        assert getattr(args, flag.lstrip("-").replace("-", "_")) == value


@pytest.mark.parametrize(("args", "flag"), [
    (["eval", "Llama3_8B", "H100", "--batch-size", "9" * 400], "--batch-size"),
    (["eval", "Llama3_8B", "H100", "--batch-size", "1e300"], "--batch-size"),
    (["eval", "Llama3_8B", "H100", "--seq-len", "0"], "--seq-len"),  # refused, not replaced by a default
    (["optimize", "Llama3_8B", "--fleet", "Research_256", "--seq-len", "0"], "--seq-len"),
    (["plan-serving", "Llama3_8B", "--rate", "1", "--top", "0"], "--top"),
    (["optimize", "Llama3_8B", "--fleet", "Research_256", "--top=-1"], "--top"),
    (["carbon", "--fleet", "Research_256", "--days", "nan", "--grid", "Quebec"], "--days"),
    (["reliability", "--fleet", "Research_256", "--days", "1e300"], "--days"),
    (["serve", "Llama3_8B", "H100", "--rate", "inf"], "--rate"),
    (["plan-serving", "Llama3_8B", "--rate", "1e7"], "--rate"),
    (["serve", "Llama3_8B", "H100", "--rate", "1", "--draft-tokens", "4", "--acceptance", "1.5"], "--acceptance"),
    (["serve", "Llama3_8B", "H100", "--rate", "1", "--prefix-hit-rate", "1"], "--prefix-hit-rate"),
    (["optimize", "Llama3_8B", "--fleet", "Research_256", "--compare", "tp=0"], "--compare"),
    (["optimize", "Llama3_8B", "--fleet", "Research_256", "--compare", "tp=-1"], "--compare"),
    (["optimize", "Llama3_8B", "--fleet", "Research_256", "--compare", "tp=" + "9" * 400], "--compare"),
    (["optimize", "Llama3_8B", "--fleet", "Research_256", "--compare", "tp=8,tp=4"], "--compare"),
    (["optimize", "Llama3_8B", "--fleet", "Research_256", "--compare", ","], "--compare"),
    (["plan-serving", "Llama3_8B", "--rate", "1", "--nodes", ",,"], "--nodes"),
    (["plan-serving", "Llama3_8B", "--rate", "1", "--precisions", ""], "--precisions"),
])
def test_bad_numbers_exit_2_naming_the_option(capsys, args, flag):
    _refused(capsys, args, f"argument {flag}: ")


@pytest.mark.parametrize("flag", ["--ttft-p99", "--itl", "--storage"])
def test_quantity_options_need_the_right_unit_and_a_sane_amount(capsys, flag):
    base = BASE["reliability"] if flag == "--storage" else BASE["serve"]
    unit = "TB/s" if flag == "--storage" else "s"
    wrong = "2 s" if flag == "--storage" else "2 TB/s"
    for value in ["5", f"0 {unit}", f"-1 {unit}", f"nan {unit}", f"inf {unit}", f"1e400 {unit}", f"1e9 {unit}",
                  "5 kg", wrong, "abc", "", f"9**9**9 {unit}", f"2*3 {unit}"]:  # pint would evaluate 9**9**9 for ever
        _refused(capsys, [*base, f"{flag}={value}"], f"argument {flag}: ")
    good = ["2 TB/s", "500GB/s", "1 EB/s"] if flag == "--storage" else ["50ms", "2 s", "1 day", "100 µs"]
    for value in good:
        parsed = getattr(cli.parser().parse_args([*base, f"{flag}={value}"]), flag.lstrip("-").replace("-", "_"))
        assert parsed.magnitude > 0


def test_json_is_strict_with_non_finite_numbers_as_null(capsys):
    import numpy as np

    from mlsysim.core.units import ureg

    data = {"latency": ureg.Quantity(float("inf"), "ms"), "rate": float("nan"), "ok": True, "n": np.int64(3),
            "rows": [np.float64("-inf"), 1.5, (2.5, float("inf"))], "name": "x"}
    text = cli._json(data)
    assert json.loads(text, parse_constant=lambda token: pytest.fail(f"{token} in JSON")) == {
        "latency": {"value": None, "unit": "ms"}, "rate": None, "ok": True, "n": 3, "rows": [None, 1.5, [2.5, None]],
        "name": "x"}
    assert '"n": 3,' in text and '"ok": true' in text
    cli._emit(data, True, "title")  # what every --json command prints through
    assert json.loads(capsys.readouterr().out, parse_constant=lambda token: pytest.fail(token))["rate"] is None


def test_errors_of_the_command_and_of_the_output_are_told_apart(capsys, monkeypatch):
    import errno
    import io

    def boom(args):
        raise RuntimeError("first line\nsecond line")

    monkeypatch.setattr(cli, "cmd_zoo", boom)
    assert cli.main(["zoo"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: first line second line" in err

    def unreadable(args):
        raise PermissionError(errno.EACCES, "Permission denied", "config.json")

    monkeypatch.setattr(cli, "cmd_zoo", unreadable)  # an OSError of the command's own is not an output error
    assert cli.main(["zoo"]) == 1 and "internal error: PermissionError" in capsys.readouterr().err

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_zoo", interrupted)
    assert cli.main(["zoo"]) == 130
    assert capsys.readouterr().err == "mlsysim: interrupted\n"
    monkeypatch.undo()

    class Failing(io.StringIO):
        def __init__(self, error: OSError):
            super().__init__()
            self.error = error

        def write(self, text):
            raise self.error

    monkeypatch.setattr(sys, "stdout", Failing(OSError(errno.ENOSPC, "No space left on device")))
    assert cli.main(["assumptions"]) == 1
    assert capsys.readouterr().err == "mlsysim: cannot write output: No space left on device\n"
    monkeypatch.setattr(sys, "stdout", Failing(BrokenPipeError(errno.EPIPE, "Broken pipe")))
    assert cli.main(["assumptions"]) == 0 and capsys.readouterr().err == ""


def _started(command: list[str], buffered: bool, **streams) -> subprocess.Popen:
    """``python -m mlsysim COMMAND`` with block-buffered output (what a user has: the failure comes at the last
    flush) or unbuffered (PYTHONUNBUFFERED=1: it comes at the first write)."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"} | ({} if buffered else
                                                                              {"PYTHONUNBUFFERED": "1"})
    return subprocess.Popen([sys.executable, "-m", "mlsysim", *command], env=env, text=True, **streams)


def test_a_reader_that_stops_early_is_not_an_error():
    """``mlsysim zoo hardware | head -1``: the reader closes the pipe at once; no message, exit 0."""
    commands = [(["zoo", "hardware"], True), (["assumptions"], False), (["validate"], True),
                (["zoo", "models", "--json"], False), (["eval", "Llama3_8B", "H100"], True), (["zoo", "--help"], False)]
    running = [_started(c, buffered, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c, buffered in commands]
    for p in running:
        p.stdout.close()  # before the command has written anything
    for command, p in zip(commands, running, strict=True):
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0 and err == "", (command, err)
    shell = subprocess.run(["bash", "-c", f"'{sys.executable}' -m mlsysim zoo hardware | head -1; "
                            "exit ${PIPESTATUS[0]}"], capture_output=True, text=True, timeout=120)
    assert shell.returncode == 0 and shell.stderr == "" and shell.stdout.count("\n") == 1


@pytest.mark.skipif(not __import__("os").path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_one_clear_line():
    commands = [(["assumptions"], True), (["zoo", "--help"], True), (["zoo", "--json"], False),
                (["eval", "Llama3_8B", "H100"], False)]
    with open("/dev/full", "w") as full:
        running = [_started(c, buffered, stdout=full, stderr=subprocess.PIPE) for c, buffered in commands]
        for command, p in zip(commands, running, strict=True):
            _, err = p.communicate(timeout=120)
            assert p.returncode == 1 and err == "mlsysim: cannot write output: No space left on device\n", (
                command, err)


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"},
                                 {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}])
def test_an_ascii_terminal_gets_ascii_output(env):
    import os

    done = subprocess.run([sys.executable, "-m", "mlsysim", "assumptions"], capture_output=True, timeout=120,
                          env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("ascii")  # every character is ASCII
    assert "error" not in done.stderr.decode("ascii") and re.search(r"\d us\b", text)  # µs spelt us


def test_ctrl_c_exits_130_without_a_traceback():
    """SIGINT while a command runs (a stand-in for a slow one, so the signal cannot arrive during start-up)."""
    import signal

    script = ("import sys, time\nimport mlsysim.cli as cli\n"
              "def slow(args):\n    print('started', flush=True)\n    time.sleep(60)\n"
              "cli.cmd_validate = slow\nsys.exit(cli.main(['validate']))\n")
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline() == "started\n"
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130 and "Traceback" not in err and err == "mlsysim: interrupted\n"
