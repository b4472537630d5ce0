"""The parallelism search: exhaustive, memory-checked, and consistent with DistributedModel."""

import pytest

from mlsysim import DistributedModel, Models, ParallelismOptimizer, Systems
from mlsysim.systems.types import Fleet

opt = ParallelismOptimizer()
FLEET_64 = Fleet(name="64-GPU H100 Cluster", node=Systems.Nodes.DGX_H100, count=8, fabric=Systems.Fabrics.InfiniBand_NDR)


@pytest.fixture(scope="module")
def exercise4():
    return opt.solve(Models.Llama3_70B, FLEET_64, batch_size=512, precision="fp16", efficiency=0.4, overlap_comm=True)


def test_best_is_at_least_as_good_as_every_candidate(exercise4):
    assert all(exercise4.best_mfu >= c["mfu"] for c in exercise4.top_candidates)
    assert exercise4.top_candidates[0]["mfu"] == exercise4.best_mfu


def test_every_listed_candidate_fits(exercise4):
    capacity = Systems.Nodes.DGX_H100.accelerator.memory.capacity
    assert all(c["memory_per_gpu"] <= capacity for c in exercise4.top_candidates)


def test_the_search_covers_every_split(exercise4):
    assert exercise4.total_searched == exercise4.feasible_count + exercise4.rejected_count
    splits = {(c["config"]["tp"], c["config"]["pp"]) for c in exercise4.top_candidates + exercise4.rejected}
    assert {(1, 1), (8, 1), (8, 2), (2, 4)} <= splits


def test_exercise4_rejects_pure_data_parallelism_for_memory(exercise4):
    reasons = [r["reason"] for r in exercise4.rejected if r["config"]["tp"] == 1 and r["config"]["pp"] == 1]
    assert reasons and all("GB per GPU" in r for r in reasons)


def test_the_best_agrees_with_distributed_model(exercise4):
    best = exercise4.best_config
    r = DistributedModel().solve(Models.Llama3_70B, FLEET_64, batch_size=512, precision="fp16", efficiency=0.4,
                                 tp_size=best["tp"], pp_size=best["pp"], micro_batch_size=best["micro_batch_size"])
    assert r.mfu == pytest.approx(exercise4.best_mfu)
    assert r.step_latency_total.to("ms").magnitude == pytest.approx(exercise4.best_step_time.to("ms").magnitude)


def test_the_seed_answer_is_feasible_but_not_the_best(exercise4):
    seed = DistributedModel().solve(Models.Llama3_70B, FLEET_64, batch_size=512, precision="fp16", efficiency=0.4,
                                    tp_size=8, pp_size=2)
    assert seed.feasible and seed.mfu <= exercise4.best_mfu


@pytest.mark.parametrize("cluster", ["Research_256", "Production_1K", "Frontier_16K"])
def test_large_fleets_search_quickly_and_find_a_split(cluster):
    r = opt.solve(Models.Llama3_70B, Systems.Clusters.get(cluster), batch_size=2048)
    assert r.best_config is not None and r.total_searched > 0


def test_nothing_fits_is_a_result_not_an_error():
    tiny = Fleet(name="1 node", node=Systems.Nodes.DGX_A100, count=1, fabric=Systems.Fabrics.InfiniBand_HDR)
    r = opt.solve(Models.Llama3_405B, tiny, batch_size=64)
    assert r.best_config is None and r.best_mfu == 0 and "fits" in r.reason
