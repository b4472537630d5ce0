"""The deployment search: cheapest feasible deployment, its minimality, and agreement with the request cost."""

import numpy as np
import pytest

from mlsysim import (
    Q_,
    DeploymentSearch,
    InvalidArgumentError,
    Models,
    SpeculativeDecoding,
    Systems,
    formulas,
    request_cost,
)

DGX = Systems.Nodes.DGX_H100
SHAPE = dict(input_len=2048, output_len=256)


@pytest.fixture(scope="module")
def plan():
    return DeploymentSearch().solve(Models.Llama3_70B, Q_(10, "1/s"), ttft_p99=Q_(2, "s"), itl=Q_(50, "ms"),
                                    nodes=[DGX], **SHAPE)


def test_the_cheapest_deployment_meets_both_slas(plan):
    best = plan.best
    assert plan.feasible and best.feasible and best.p99_ttft_ms <= 2000 and best.mean_itl_ms <= 50
    assert best.gpus == best.replicas * best.tp_size * best.pp_size
    assert best.usd_per_mtok == pytest.approx(best.usd_per_hour / (10 * 256 * 3600) * 1e6)
    prices = [d.usd_per_hour for d in plan.ranked]
    assert prices == sorted(prices) and prices[0] == best.usd_per_hour
    assert plan.deployments_considered > 10 * plan.designs_priced


def test_the_next_cheaper_deployment_says_what_it_breaks(plan):
    cheaper = plan.next_cheaper
    assert cheaper is not None and not cheaper.feasible and cheaper.usd_per_hour < plan.best.usd_per_hour
    assert any(word in cheaper.reason for word in ("unstable", "TTFT", "ITL", "memory"))


def test_the_search_agrees_with_the_request_cost_it_prices_with(plan):
    best = plan.best
    cost = request_cost(Models.Llama3_70B, DGX, 2048, 256, best.batch_size, best.precision, tp_size=best.tp_size,
                        pp_size=best.pp_size)
    lam = 10 / best.replicas
    assert best.p99_ttft_ms == pytest.approx(cost.ttft_s(lam, 0.99) * 1e3, rel=1e-9)
    assert best.mean_itl_ms == pytest.approx(cost.mean_itl_s(lam) * 1e3, rel=1e-9)
    # one replica fewer of the same design breaks a constraint (the search keeps the fewest)
    fewer = 10 / (best.replicas - 1) if best.replicas > 1 else None
    if fewer is not None:
        assert (not cost.stable(fewer) or cost.ttft_s(fewer, 0.99) > 2.0 or cost.mean_itl_s(fewer) > 0.05)


def test_vectorized_erlang_c_is_the_scalar_formula():
    servers = np.array([1.0, 4.0, 32.0, 32.0, 256.0])
    load = np.array([0.6, 3.1, 20.0, 31.5, 250.0])
    expected = [formulas.erlang_c(int(c), a) for c, a in zip(servers, load, strict=True)]
    assert formulas.erlang_c_array(servers, load) == pytest.approx(expected, rel=1e-12)


def test_speculation_is_tried_on_and_off():
    spec = SpeculativeDecoding(draft_tokens=4, acceptance_rate=0.7)
    tight = DeploymentSearch().solve(Models.Llama3_70B, Q_(1, "1/s"), itl=Q_(5, "ms"), nodes=[DGX], speculative=spec,
                                     precisions=["fp8"], **SHAPE)
    assert tight.feasible and tight.best.speculative  # no plain decode step of a 70B model is under 5 ms
    plain = DeploymentSearch().solve(Models.Llama3_70B, Q_(1, "1/s"), itl=Q_(5, "ms"), nodes=[DGX],
                                     precisions=["fp8"], **SHAPE)
    assert not plain.feasible and "ITL" in plain.reason


@pytest.mark.parametrize("kwargs, name", [
    (dict(nodes=[]), "nodes"),
    (dict(precisions="fp8"), "precisions"),
    (dict(batches=[0]), "batches"),
    (dict(ttft_p99=5), "ttft_p99"),
    (dict(tp_sizes=[3]), "tp_sizes"),
    (dict(input_len=8000, output_len=500), "input_len"),  # not hidden behind "no split"
])
def test_bad_search_inputs_are_named(kwargs, name):
    with pytest.raises(InvalidArgumentError, match=name):
        DeploymentSearch().solve(Models.Llama3_8B, Q_(5, "1/s"), **kwargs)
