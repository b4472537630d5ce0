"""Tail latency, batching, placement, the network roofline, composition, the explainer and sweeps."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsysim import (
    Q_,
    Assumptions,
    BatchingOptimizer,
    ForwardModel,
    Hardware,
    Infra,
    InvalidArgumentError,
    MLSysimError,
    Models,
    NetworkRooflineModel,
    Pipeline,
    PlacementOptimizer,
    PrecisionFallbackWarning,
    ServingModel,
    SustainabilityModel,
    Systems,
    TailLatencyModel,
    explain,
    formulas,
    request_cost,
    sweep,
)

H100, DGX = Hardware.H100, Systems.Nodes.DGX_H100


def test_mm1_mean_wait_matches_the_closed_form():
    lam, mu = 3.0, 5.0
    assert formulas.mmc_mean_wait(lam, mu, 1) == pytest.approx((lam / mu) / (mu - lam))
    assert formulas.erlang_c(1, 0.6) == pytest.approx(0.6)  # M/M/1: P(wait) = rho


def test_mmc_wait_percentile_inverts_the_tail():
    lam, mu, c = 9.0, 1.0, 12
    t = formulas.mmc_wait_percentile(lam, mu, c, 0.99)
    tail = formulas.erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * t)
    assert tail == pytest.approx(0.01)


def test_tail_latency_grows_with_load_and_overload_is_a_result():
    t = TailLatencyModel()
    light = t.solve(Models.Llama3_8B, H100, Q_(1, "1/s"))
    heavy = t.solve(Models.Llama3_8B, H100, light.capacity * 0.95)
    assert light.stable and heavy.stable and heavy.p99_latency > light.p99_latency >= light.p50_latency
    over = t.solve(Models.Llama3_8B, H100, light.capacity * 1.1)
    assert not over.stable and over.p99_latency is None and "capacity" in over.reason


def test_the_rate_at_which_an_sla_breaks():
    t = TailLatencyModel()
    sla = Q_(12, "s")
    rate = t.max_rate(Models.Llama3_8B, H100, sla)
    assert t.solve(Models.Llama3_8B, H100, rate * 0.99).p99_latency <= sla
    assert t.solve(Models.Llama3_8B, H100, rate * 1.02).p99_latency > sla


def test_batching_choice_meets_the_sla_and_the_next_batch_does_not():
    with pytest.warns(PrecisionFallbackWarning):
        r = BatchingOptimizer().solve(Models.Llama3_70B, H100, precision="int4", itl_sla=Q_(50, "ms"))
    assert r.feasible and r.itl < Q_(50, "ms")
    chosen = [p for p in r.points if p["batch_size"] == r.batch_size][0]
    nxt = [p for p in r.points if p["batch_size"] > r.batch_size][0]
    assert chosen["ok"] and not nxt["ok"] and str(nxt["batch_size"]) in r.rejected_next
    assert all(p["throughput"] <= r.throughput for p in r.points if p["ok"])
    assert r.pareto_front and all(p in r.points for p in r.pareto_front)


def test_batching_with_a_p99_sla_under_load():
    r = BatchingOptimizer().solve(Models.Llama3_8B, H100, p99_sla=Q_(15, "s"), arrival_rate=Q_(10, "1/s"))
    assert r.feasible and r.p99_latency <= Q_(15, "s")
    # 20 requests/s of 1,024 + 256 tokens is more than one H100 completes at any batch that fits: every
    # request's prefill is charged to the GPU, so no batch is stable
    over = BatchingOptimizer().solve(Models.Llama3_8B, H100, p99_sla=Q_(15, "s"), arrival_rate=Q_(20, "1/s"))
    assert not over.feasible and "overloaded" in over.rejected_next


def test_placement_prefers_the_cheap_clean_region_and_reports_slack():
    r = PlacementOptimizer().solve(DGX, 14, [Infra.US_Avg, Infra.Quebec], budget_usd=5e6, carbon_cap_t=500, min_regions=2)
    assert r.feasible and r.placement["Quebec"] == 13 and r.placement["US Average"] == 1
    assert r.budget_slack_usd > 0 and r.carbon_slack_t > 0


def test_impossible_constraints_are_a_result_naming_the_binding_one():
    r = PlacementOptimizer().solve(DGX, 14, [Infra.US_Avg, Infra.Poland], carbon_cap_t=50, min_regions=2)
    assert not r.feasible and r.binding_constraint == "carbon" and "no placement satisfies the carbon" in r.reason
    r = PlacementOptimizer().solve(DGX, 4, [Infra.US_Avg, Infra.Quebec], user_latency_ms={"Quebec": 80, "US Average": 90},
                                   max_latency_ms=50)
    assert not r.feasible and r.binding_constraint == "latency"


def _brute_force_split(per_node, regions, total, need, limits, objective):
    """Every split of ``total`` nodes over ``regions`` (the exponential search the solver replaces)."""
    from mlsysim.solvers.placement import _score, _violations

    primary, secondary = ("cost", "carbon") if objective == "cost" else ("carbon", "cost")
    best = None
    for counts in itertools.product(range(total + 1), repeat=len(regions)):
        if sum(counts) != total or sum(1 for n in counts if n) < need:
            continue
        c = _score({r: n for r, n in zip(regions, counts, strict=True) if n}, per_node)
        if not _violations(c, limits) and (best is None or (c[primary], c[secondary]) < (best[primary], best[secondary])):
            best = c
    return best


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.tuples(st.integers(1, 50), st.integers(1, 50)), min_size=1, max_size=4),
       total=st.integers(1, 7), need=st.integers(1, 3), limit=st.one_of(st.none(), st.integers(5, 300)),
       limited=st.sampled_from(["budget", "carbon"]), objective=st.sampled_from(["cost", "carbon"]))
def test_placement_search_is_within_one_node_of_every_split(values, total, need, limit, limited, objective):
    """The polynomial search (a bulk pair plus singletons) against enumerating every split, with one limit: it
    finds a split whenever one exists, every split it returns meets the limit, and its objective is within one
    node's spread of the optimum (rounding the linear programme's two-region optimum to whole nodes)."""
    from mlsysim.solvers.placement import _best_split, _violations

    regions = [f"r{i}" for i in range(len(values))]
    per_node = {r: (float(cost), float(carbon), 0.0) for r, (cost, carbon) in zip(regions, values, strict=True)}
    need = min(need, len(regions), total)
    limits = {"budget": None, "carbon": None, "latency": None} | {limited: limit}
    fast = _best_split(per_node, regions, total, need, limits, objective)
    slow = _brute_force_split(per_node, regions, total, need, limits, objective)
    assert (fast is None) == (slow is None)
    if fast is not None:
        assert not _violations(fast, limits) and sum(fast["split"].values()) == total
        column = 0 if objective == "cost" else 1
        spread = max(v[column] for v in per_node.values()) - min(v[column] for v in per_node.values())
        assert fast[objective] <= slow[objective] + spread


def test_placement_of_a_million_nodes_over_every_grid_is_immediate():
    r = PlacementOptimizer().solve(DGX, 10**6, [g for _, g in Infra.Grids.items()][:9], min_regions=3)
    assert r.feasible and sum(r.placement.values()) == 10**6 and len([n for n in r.placement.values() if n]) >= 3


def test_network_roofline_binds_on_the_network_for_small_tp_steps():
    n = NetworkRooflineModel()
    assert n.solve(Models.Llama3_8B, DGX, tp_size=8, batch_size=1).binding == "network"
    big = n.solve(Models.Llama3_70B, DGX, tp_size=8, batch_size=64)
    assert big.binding == "memory" and 0 < big.network_share < 1
    assert n.solve(Models.Llama3_70B, DGX, tp_size=1).network_time.magnitude == 0


def test_forward_model_links_the_domains():
    r = ForwardModel().solve(Models.Llama3_8B, Systems.Clusters.Research_256, grid=Infra.Quebec)
    assert r.roofline.bottleneck == r.bottleneck and r.serving.throughput == r.tokens_per_second_per_gpu
    assert r.economics.tco_usd == r.tco_usd and r.sustainability.carbon_footprint_kg == r.carbon_footprint_kg


def test_pipeline_chains_stages_and_calls_back():
    seen = []
    result = (Pipeline(model=Models.Llama3_8B, hw=H100)
              .stage("serve", lambda c: ServingModel().solve(c["model"], c["hw"], seq_len=4096, batch_size=64))
              .stage("tokens_per_day", lambda c: c["serve"].throughput.to("token/day"))
              .on_stage(lambda name, r, ctx: seen.append(name))
              .run())
    assert seen == ["serve", "tokens_per_day"]
    assert result["tokens_per_day"] == result["serve"].throughput.to("token/day")
    with pytest.raises(MLSysimError, match="name"):
        Pipeline(model=1).stage("model", lambda c: 1)


def test_explainer_terms_add_up_to_the_total():
    def carbon(grid, days):
        return SustainabilityModel().solve(Systems.Clusters.Research_256, days, grid).operational_carbon

    r = explain(carbon, {"grid": Infra.US_Avg, "days": 30}, {"grid": Infra.Quebec, "days": 60})
    total = sum((t["contribution"] for t in r.terms), 0 * r.total_change)
    assert total.to("t").magnitude == pytest.approx(r.total_change.to("t").magnitude)
    assert r.terms[0]["input"] == "grid" and abs(sum(t["share"] for t in r.terms) - 1) < 1e-9


def test_explainer_rejects_mismatched_configurations():
    with pytest.raises(MLSysimError, match="same inputs"):
        explain(lambda a: a, {"a": 1}, {"b": 2})


def test_sweep_prices_each_request_as_request_cost_does_and_is_large():
    priced = [n for n in Systems.Nodes if n.unit_cost is not None]  # the sweep prices every point per node-year
    r = sweep.sweep_serving([Models.Llama3_8B, Models.Llama3_70B], priced, ["fp16", "fp8", "int4"],
                            [1, 8, 64, 256], [1024, 4096], list(Infra.Grids), output_len=512)
    assert len(r) == 2 * len(priced) * 3 * 4 * 2 * len(Infra.Grids)
    row = [x for x in r.rows() if x["model"] == "Llama-3-8B" and x["node"] == DGX.name and x["precision"] == "fp16"
           and x["batch"] == 64 and x["input_len"] == 4096][0]
    ref = request_cost(Models.Llama3_8B, H100, 4096, 512, 64, "fp16")
    assert row["itl_ms"] == pytest.approx(ref.itl_s * 1e3) and row["prefill_ms"] == pytest.approx(ref.prefill_s * 1e3)
    # throughput includes each request's prefill: output / (prefill + output × ITL / batch), below the decode-only rate
    g = ref.prefill_s + 512 * ref.itl_s / 64
    assert row["tokens_per_s"] == pytest.approx(512 / g) and row["requests_per_s"] == pytest.approx(1 / g)
    assert row["tokens_per_s"] < 64 / ref.itl_s
    assert row["fits"] == ref.feasible and row["memory_gb"] == pytest.approx(ref.memory_gb)
    unpriced = sweep.sweep_serving([Models.Llama3_8B], [Systems.Nodes.MI300X_Platform], ["fp16"], [8], [1024],
                                   [Infra.Quebec])
    assert np.isnan(unpriced.columns["usd_per_mtok"]).all() and (unpriced.columns["gco2_per_ktok"] > 0).all()
    assert (unpriced.columns["output_len"] == Assumptions().request_output_tokens).all()
    front = r.where(r.columns["fits"]).pareto_front(("itl_ms", "usd_per_mtok"))
    assert np.all(np.diff(front.columns["itl_ms"]) >= 0) and np.all(np.diff(front.columns["usd_per_mtok"]) < 0)


def test_sweep_leaves_out_requests_beyond_a_models_context_and_refuses_when_none_is_left():
    r = sweep.sweep_serving([Models.Llama3_8B], [DGX], ["fp16"], [8], [1024, 8000], [Infra.Quebec], output_len=256)
    assert r.columns["input_len"].tolist() == [1024]  # 8,000 + 256 tokens overflow the 8,192-token context
    with pytest.raises(InvalidArgumentError, match="input_lens"):
        sweep.sweep_serving([Models.Llama3_8B], [DGX], ["fp16"], [8], [8000], [Infra.Quebec], output_len=256)


@pytest.mark.parametrize(("call", "match"), [
    (lambda: TailLatencyModel().solve(Models.Llama3_8B, H100, Q_(-1, "1/s")), "arrival_rate"),
    (lambda: TailLatencyModel().solve(Models.Llama3_8B, H100, Q_(1, "s")), "arrival_rate"),
    (lambda: BatchingOptimizer().solve(Models.Llama3_8B, H100, itl_sla=Q_(50, "GB")), "itl_sla"),
    (lambda: BatchingOptimizer().solve(Models.Llama3_8B, H100, p99_sla=Q_(5, "s")), "p99_sla"),
    (lambda: PlacementOptimizer().solve(DGX, 0, [Infra.Quebec]), "nodes_needed"),
    (lambda: PlacementOptimizer().solve(DGX, 4, [Infra.Quebec], min_regions=2), "min_regions"),
    (lambda: NetworkRooflineModel().solve(Models.Llama3_8B, DGX, tp_size=16), "tp_size"),
])
def test_bad_serving_inputs_are_named(call, match):
    with pytest.raises(MLSysimError, match=match):
        call()
