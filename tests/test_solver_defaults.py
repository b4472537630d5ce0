"""No solver carries a literal default: every default is a field of ``Assumptions``, cited, and takes effect.

A user who changes one assumption must see every solver that uses it move, and a
reader of the Assumptions table must find every number a solve used without being told.
"""

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from mlsysim import (
    CompressionModel,
    DistributedModel,
    Engine,
    Hardware,
    MLSysimError,
    Models,
    NetworkRooflineModel,
    ParallelismOptimizer,
    ServingModel,
    Systems,
)
from mlsysim.core.assumptions import Assumptions

ROOT = Path(__file__).parents[1]
# Arguments that choose *which question* is asked rather than assume a quantity keep a literal, and so does
# the name a helper reports in its errors.
SELECTORS = {"mode", "phase", "method", "objective", "min_regions", "argument", "schedule"}


def _literal_defaults(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        a = node.args
        pairs = list(zip(a.args[len(a.args) - len(a.defaults):], a.defaults, strict=True))
        pairs += [(arg, d) for arg, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is not None]
        found += [f"{path.name}:{node.name}({arg.arg}={ast.unparse(d)})" for arg, d in pairs
                  if isinstance(d, ast.Constant) and d.value is not None and arg.arg not in SELECTORS]
    return found


def test_no_solver_signature_has_a_literal_default():
    files = sorted((ROOT / "mlsysim" / "solvers").glob("*.py")) + [ROOT / "mlsysim" / "sweep.py"]
    offenders = [hit for f in files for hit in _literal_defaults(f)]
    assert offenders == [], f"defaults belong in Assumptions: {offenders}"


def test_every_assumption_is_documented_and_cites_the_bibliography():
    keys = set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "references.bib").read_text(), re.M))
    for f in dataclasses.fields(Assumptions):
        assert f.metadata["source"] in keys, f"{f.name} cites {f.metadata['source']!r}, missing from references.bib"
        assert len(f.metadata["doc"]) > 30


@pytest.mark.parametrize("bad", [{"recompute": "most"}, {"optimizer_sharding": "zero4"}, {"precision": "fp17"},
                                 {"batch_size": 0}, {"tensor_parallel": 1.5}, {"dp_algorithm": "tree"}])
def test_a_meaningless_assumption_is_refused_when_made(bad):
    with pytest.raises(MLSysimError):
        Assumptions(**bad)


def test_the_inference_precision_and_batch_come_from_assumptions():
    told = Engine.solve(Models.Llama3_8B, Hardware.H100, 8, "fp8")
    assumed = Engine.solve(Models.Llama3_8B, Hardware.H100, assumptions=Assumptions(precision="fp8", batch_size=8))
    assert assumed.latency == told.latency and assumed.precision == "fp8"
    # a serving solve reads the same two fields
    s = ServingModel().solve(Models.Llama3_8B, Hardware.H100, 4096, assumptions=Assumptions(batch_size=16))
    assert s.itl == ServingModel().solve(Models.Llama3_8B, Hardware.H100, 4096, 16).itl


def test_the_training_plan_defaults_come_from_assumptions():
    fleet = Systems.Clusters.Research_256
    a = Assumptions(tensor_parallel=8, pipeline_parallel=2, recompute="full", optimizer_sharding="zero3")
    assumed = DistributedModel().solve(Models.Llama3_70B, fleet, assumptions=a)
    told = DistributedModel().solve(Models.Llama3_70B, fleet, tp_size=8, pp_size=2, recompute="full",
                                    optimizer_sharding="zero3")
    assert (assumed.tp_size, assumed.pp_size, assumed.dp_size) == (8, 2, 16)
    assert assumed.step_latency_total == told.step_latency_total and assumed.memory_per_gpu == told.memory_per_gpu
    plans = ParallelismOptimizer().solve(Models.Llama3_70B, fleet, batch_size=512, assumptions=Assumptions(plans_ranked=3))
    assert len(plans.top_candidates) == 3


def test_a_network_roofline_splits_over_the_whole_node_by_default():
    node = Systems.Nodes.DGX_H100
    r = NetworkRooflineModel().solve(Models.Llama3_70B, node)
    assert r.tp_size == node.accelerators_per_node == 8


def test_compression_defaults_come_from_assumptions():
    m, hw = Models.Llama3_8B, Hardware.H100
    a = Assumptions(pruning_sparsity=0.7, compression_baseline_precision="fp16")
    assumed = CompressionModel().solve(m, hw, "pruning", assumptions=a)
    told = CompressionModel().solve(m, hw, "pruning", sparsity=0.7, baseline_precision="fp16")
    assert assumed.compression_ratio == told.compression_ratio
