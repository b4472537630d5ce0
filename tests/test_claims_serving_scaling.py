"""Answer key for the serving, scaling, cost and analysis tutorials: every claim their prose makes, recomputed.

Each test recomputes one page's claim through the public API and names the page and the claim in its
message. The pages assert the same claims in hidden cells, so a change in the engine that breaks one
fails both the site build and this file; when that happens, fix the page's sentence, not the engine.
Pages: 03_serving_70b_on_a_node, 04_mixture_of_experts, 06_scaling_1000_gpus, 07_geography,
08_nine_million_dollar (titled "The cost of reasoning tokens"), 09_sensitivity, 10_gpu_vs_wafer,
12_design_space_exploration.
"""

from __future__ import annotations

import itertools
import math
import warnings
from functools import cache

import pytest

from mlsysim import (
    Q_,
    Datacenter,
    DeploymentSearch,
    EconomicsModel,
    Engine,
    Hardware,
    Infra,
    Models,
    ParallelismOptimizer,
    PrecisionFallbackWarning,
    ReliabilityModel,
    SensitivitySolver,
    ServingModel,
    SpeculativeDecoding,
    SustainabilityModel,
    Systems,
    TransformerWorkload,
    disaggregated_cost,
    formulas,
    request_cost,
)
from mlsysim.infra.types import LIFECYCLE_G_PER_KWH
from mlsysim.sweep import sweep_serving
from mlsysim.systems.types import Fleet


@pytest.fixture(autouse=True)
def _quiet_fallbacks():
    """INT4 on an H100 computes in FP16: the pages explain the warning; here it is expected."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrecisionFallbackWarning)
        yield


# --- tutorials/03_serving_70b_on_a_node.qmd -----------------------------------------------------

P03 = "03_serving_70b_on_a_node"
LLAMA70, DGX_H100 = Models.Llama3_70B, Systems.Nodes.DGX_H100
PROMPT, ANSWER, TTFT_SLA, ITL_SLA = 2048, 256, Q_(2, "s"), Q_(50, "ms")
SPLITS = [("fp16", 4), ("fp16", 8), ("fp8", 2), ("fp8", 4), ("fp8", 8)]


@cache
def _largest_batch(precision, tp):
    """The page's helper: the request cost at the largest batch that fits with an ITL under the SLA."""
    best = None
    for batch in (1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512):
        cost = request_cost(LLAMA70, DGX_H100, PROMPT, ANSWER, batch, precision, tp_size=tp)
        if not cost.feasible or cost.itl >= ITL_SLA:
            break
        best = cost
    return best


def _node_rate(precision, tp):
    return _largest_batch(precision, tp).capacity.to("1/s").magnitude * 8 / tp


def _sla_rate(cost):
    """The page's helper: requests/s per replica with P99 TTFT and mean ITL under load within the SLAs."""
    lo, hi = 0.0, cost.capacity.to("1/s").magnitude
    for _ in range(50):
        mid = (lo + hi) / 2
        ok = cost.ttft_s(mid, 0.99) <= TTFT_SLA.to("s").magnitude and cost.mean_itl_s(mid) <= ITL_SLA.to("s").magnitude
        lo, hi = (mid, hi) if ok else (lo, mid)
    return lo


@cache
def _plan(rate, output_len=ANSWER):
    return DeploymentSearch().solve(LLAMA70, Q_(rate, "1/s"), input_len=PROMPT, output_len=output_len,
                                    ttft_p99=TTFT_SLA, itl=ITL_SLA, nodes=[DGX_H100])


def _search(rate, output_len=ANSWER):
    return _plan(rate, output_len).best


def test_serving_70b_16_bit_needs_four_gpus_and_fp8_two():
    fits = {(p, tp): ServingModel().solve(LLAMA70, DGX_H100, seq_len=PROMPT + ANSWER, batch_size=64, precision=p,
                                          tp_size=tp).feasible
            for p in ("fp16", "fp8") for tp in (1, 2, 4)}
    assert not fits[("fp16", 1)] and not fits[("fp16", 2)] and fits[("fp16", 4)], \
        f"{P03}: 'In 16-bit, weights and KV cache together need four GPUs' ({fits})"
    assert not fits[("fp8", 1)] and fits[("fp8", 2)], f"{P03}: 'FP8 ... fits on two' ({fits})"


def test_serving_70b_fp8_tp2_is_the_best_split():
    rates = {s: _node_rate(*s) for s in SPLITS}
    assert max(rates, key=rates.get) == ("fp8", 2), f"{P03}: 'The smallest split that fits wins: FP8 over TP 2' ({rates})"


@pytest.mark.parametrize("precision", ["fp16", "fp8"])
def test_serving_70b_more_gpus_per_replica_faster_tokens_less_node_work(precision):
    tps = [tp for p, tp in SPLITS if p == precision]
    itls = [request_cost(LLAMA70, DGX_H100, PROMPT, ANSWER, 64, precision, tp_size=tp).itl_s for tp in tps]
    rates = [_node_rate(precision, tp) for tp in tps]
    assert itls == sorted(itls, reverse=True), \
        f"{P03}: 'More GPUs per replica make each token faster at the same batch' ({precision}: {itls})"
    assert rates == sorted(rates, reverse=True), f"{P03}: '... so the node as a whole does less' ({precision}: {rates})"


def test_serving_70b_the_slas_not_the_capacity_set_the_batch():
    largest = _largest_batch("fp8", 2)
    by_batch = {b: 4 * _sla_rate(request_cost(LLAMA70, DGX_H100, PROMPT, ANSWER, b, "fp8", tp_size=2))
                for b in (16, 32, 48, 64, 96, 128, 192)}
    batch = max(by_batch, key=by_batch.get)
    capacity = 4 * request_cost(LLAMA70, DGX_H100, PROMPT, ANSWER, batch, "fp8", tp_size=2).capacity.to("1/s").magnitude
    assert batch < largest.batch_size and by_batch[batch] > by_batch[largest.batch_size], \
        f"{P03}: 'The largest batch leaves no room for [the load]' (best batch {batch}, largest {largest.batch_size})"
    assert 0.3 * capacity < by_batch[batch] < capacity, \
        f"{P03}: 'The SLAs, not the capacity, set how hard the node may be driven' ({by_batch[batch]:.1f} of {capacity:.1f})"


def test_serving_70b_speculation_pays_at_batch_1_not_at_the_largest_batch_that_fits():
    spec = SpeculativeDecoding(draft_tokens=4, acceptance_rate=0.6)
    most = request_cost(LLAMA70, DGX_H100, PROMPT, ANSWER, 1, "fp8", tp_size=2).max_batch_size
    assert request_cost(LLAMA70, DGX_H100, PROMPT, ANSWER, most, "fp8", tp_size=2).feasible
    small = request_cost(LLAMA70, DGX_H100, PROMPT, ANSWER, 1, "fp8", tp_size=2, speculative=spec).speedup
    large = request_cost(LLAMA70, DGX_H100, PROMPT, ANSWER, most, "fp8", tp_size=2, speculative=spec).speedup
    assert small > 1.5 and large < 1.0, \
        f"{P03}: 'speculation is worth {small:.1f}x at batch 1 but only {large:.2f}x at batch {most}, the most that fits'"
    step1 = request_cost(LLAMA70, DGX_H100, PROMPT, ANSWER, 1, "fp8", tp_size=2).serving
    step_most = request_cost(LLAMA70, DGX_H100, PROMPT, ANSWER, most, "fp8", tp_size=2).serving
    assert step1.decode_bottleneck == "Memory" and step_most.breakdown.bound == "compute", \
        f"{P03}: 'at a small batch the step is memory-bound; at a large batch most of it is compute-bound matmuls'"


def test_serving_70b_apart_decode_never_waits_but_the_first_token_does():
    tp, batch = 2, 64  # the page's best split and the batch that carries the most traffic within the SLAs
    together = request_cost(LLAMA70, DGX_H100, PROMPT, ANSWER, batch, "fp8", tp_size=tp)
    splits = [disaggregated_cost(LLAMA70, DGX_H100, input_len=PROMPT, output_len=ANSWER, batch_size=batch,
                                 precision="fp8", prefill_tp=tp, decode_tp=tp, prefill_replicas=p,
                                 decode_replicas=4 - p) for p in range(1, 4)]
    apart = max(splits, key=lambda d: d.capacity_per_s)
    rate = 0.8 * apart.capacity_per_s
    assert apart.itl_s < together.worst_itl_s(rate / 4), f"{P03}: 'no decode step waits for a prompt'"
    assert apart.transfer_s < 0.1 * apart.prefill.prefill_s, f"{P03}: the KV transfer is a few milliseconds"
    assert apart.ttft_s(rate, 0.99) > 1.0 > together.ttft_s(rate / 4, 0.99), \
        f"{P03}: 'the price is paid in the first token'"
    assert apart.capacity_per_s < 4 * together.capacity_per_s, f"{P03}: 'whole replicas rarely match the ratio'"


def test_serving_70b_ten_requests_take_the_cheapest_fp8_design_and_nothing_cheaper_holds():
    plan = _plan(10)
    best, cheaper = plan.best, plan.next_cheaper
    assert best.feasible and best.gpus <= 8 and best.precision == "fp8", \
        f"{P03}: 'Ten requests per second take {best.gpus} of the node's eight GPUs' ({best.precision})"
    assert cheaper is not None and cheaper.gpus < best.gpus and not cheaper.feasible and cheaper.reason, \
        f"{P03}: 'Nothing cheaper holds the rate within both SLAs'"


def test_serving_70b_exercise_longer_answers_need_more_gpus_and_cost_less_per_token():
    best, longer = _search(10), _search(10, 1024)
    assert longer.gpus > best.gpus and longer.usd_per_mtok < best.usd_per_mtok, \
        f"{P03} exercise: 'the search needs more GPUs ... a million tokens gets cheaper'"


# --- tutorials/04_mixture_of_experts.qmd ---------------------------------------------------------

P04 = "04_mixture_of_experts"
MOE, DENSE13 = Models.Mixtral_8x7B, Models.Llama2_13B
EVERY_EXPERT = TransformerWorkload(**{**MOE.model_dump(), "name": "all experts", "experts_per_token": MOE.experts})


@cache
def _itl(model_name, batch):
    model = {m.name: m for m in (MOE, DENSE13, EVERY_EXPERT)}[model_name]
    return ServingModel().solve(model, Hardware.H100, seq_len=1024, batch_size=batch, precision="fp8")


def _batch_for(share, model):
    e, k = model.experts, model.experts_per_token
    return math.ceil(math.log(1 - share) / math.log(1 - k / e))


def test_moe_mixtral_shapes_and_parameter_counts():
    stored, active = MOE.parameters.to("param").magnitude, MOE.active_parameters.to("param").magnitude
    assert (MOE.experts, MOE.experts_per_token, MOE.moe_layer_count) == (8, 2, MOE.layers), \
        f"{P04}: 'eight expert MLPs and a router that sends every token to two of them', in every layer"
    assert stored - active == 6 * 3 * MOE.hidden_size * MOE.expert_ffn_size * MOE.moe_layer_count, \
        f"{P04}: 'six idle experts in 32 layers are the difference between the two numbers'"
    assert (round(stored / 1e9), round(active / 1e9)) == (47, 13), f"{P04} subtitle: 'a 47 B model ... a 13 B one'"


def test_moe_batch_1_decodes_like_its_active_size():
    moe, dense = _itl(MOE.name, 1), _itl(DENSE13.name, 1)
    assert moe.itl_s == pytest.approx(dense.itl_s, rel=0.1), \
        f"{P04}: 'at FP8 on one H100 Mixtral reads about what a dense 13 B model reads'"
    assert moe.decode_bottleneck == "Memory", f"{P04}: 'A decode step at small batch is memory-bound'"


def test_moe_nine_tokens_read_nine_tenths_of_the_experts_and_the_batch_takes_the_advantage_back():
    nine_tenths = _batch_for(0.9, MOE)
    assert nine_tenths == 9 and formulas.distinct_experts_fraction(8, 2, 9) >= 0.9 > \
        formulas.distinct_experts_fraction(8, 2, 8), f"{P04}: 'From 9 tokens in a step, nine in ten ... experts are read'"
    moe16 = _itl(MOE.name, 16).itl_s
    assert moe16 > 1.5 * _itl(DENSE13.name, 16).itl_s and moe16 > 0.9 * _itl(EVERY_EXPERT.name, 16).itl_s, \
        f"{P04}: 'its weight traffic is nearly that of the 47 B model it stores, not the 13 B one'"
    assert all(_itl(MOE.name, b).decode_bottleneck == "Memory" for b in (1, 2, 4, 8, 16, 32, 64)), \
        f"{P04}: 'batches larger than the range shown here, where every step is memory-bound'"


def test_moe_expert_parallelism_does_not_pay_inside_one_node():
    def split(tp, ep, batch):
        return ServingModel().solve(MOE, DGX_H100, seq_len=1024, batch_size=batch, precision="fp16", tp_size=tp,
                                    ep_size=ep)
    plans = ((8, 1), (4, 2), (1, 8))
    at64, at512 = [split(*p, 64) for p in plans], [split(*p, 512) for p in plans]
    weights = [r.memory_per_gpu["weights"] for r in at64]
    assert weights == sorted(weights) and weights[0] < weights[-1], \
        f"{P04}: 'Expert parallelism copies attention onto every group, so each GPU holds more weights'"
    assert min(at64, key=lambda r: r.itl_s) is at64[0] and min(at512, key=lambda r: r.itl_s) is at512[0], \
        f"{P04}: 'Inside one NVSwitch node ... it does not pay: TP 8 decodes fastest'"
    assert at512[-1].itl_s / at512[0].itl_s < at64[-1].itl_s / at64[0].itl_s, \
        f"{P04}: 'A larger batch ... narrows the gap'"


def test_moe_exercise_qwen3_needs_four_times_the_batch():
    qwen = Models.Qwen3_30B_A3B
    assert (qwen.experts, qwen.experts_per_token, qwen.moe_layer_count) == (128, 8, 48), \
        f"{P04} exercise: 'Qwen3-30B-A3B routes each token to 8 of 128 experts in each of its 48 layers'"
    assert _batch_for(0.9, qwen) == 4 * _batch_for(0.9, MOE) == 36, \
        f"{P04} exercise: 'up to a batch 4 times larger'"


# --- tutorials/06_scaling_1000_gpus.qmd ----------------------------------------------------------

P06 = "06_scaling_1000_gpus"
NDR = Systems.Fabrics.InfiniBand_NDR
SIZES = (8, 32, 128, 512, 2048)


def _fleet(nodes, fabric=NDR):
    return Fleet(name=f"{nodes} nodes", node=DGX_H100, count=nodes, fabric=fabric)


@cache
def _weak(nodes, fabric_name="InfiniBand_NDR"):
    fleet = _fleet(nodes, getattr(Systems.Fabrics, fabric_name))
    return ParallelismOptimizer().solve(LLAMA70, fleet, batch_size=8 * fleet.total_accelerators)


def test_scaling_weak_scaling_keeps_the_mfu_and_the_plan():
    runs = [_weak(n) for n in SIZES]
    mfus = [r.best_result.mfu for r in runs]
    configs = [r.best_config for r in runs]
    assert max(mfus) < 1.05 * min(mfus), f"{P06}: 'the best MFU barely moves' ({mfus})"
    assert {c["optimizer_sharding"] for c in configs} == {"zero3"} and {c["pp"] for c in configs} == {1} \
        and max(c["tp"] for c in configs) <= 2, f"{P06}: 'ZeRO-3, no pipeline, and at most TP=2' ({configs})"
    for r in (runs[0], runs[-1]):
        assert r.best_result.dp_exposed_latency.magnitude == 0, f"{P06}: '... tokens of compute per GPU hide all of it'"
    traffic = [r.best_result.dp_communication_latency for r, c in zip(runs, configs, strict=True) if c["tp"] == 1]
    assert max(traffic) < 1.2 * min(traffic), f"{P06}: 'Its traffic ... depends on the model, not on the fleet'"


def test_scaling_the_one_tensor_parallel_size_trades_recomputation_for_traffic():
    runs = [_weak(n) for n in SIZES]
    split = [r for r in runs if r.best_config["tp"] > 1]
    assert len(split) == 1, f"{P06}: 'The exception is 256 GPUs' (one size splits layers)"
    plan, run = split[0].best_config, split[0].best_result
    assert {r.best_config["recompute"] for r in runs if r.best_config["tp"] == 1} == {"full"} \
        and plan["recompute"] != "full", f"{P06}: 'With TP=1 the activations fit only if the backward pass recomputes them'"
    assert run.compute_latency < runs[0].best_result.compute_latency, f"{P06}: '... so its compute is shorter'"
    assert run.tp_communication_latency.magnitude > 0 and run.dp_exposed_latency.magnitude > 0, \
        f"{P06}: 'the tensor-parallel all-reduces and ... weight gathers are no longer hidden'"
    assert run.scaling_efficiency == min(r.best_result.scaling_efficiency for r in runs) and \
        run.mfu == max(r.best_result.mfu for r in runs), f"{P06}: 'only ... of the step computes — yet its MFU is the best'"


def test_scaling_big_fleets_fail_more_and_checkpoint_often():
    small = ReliabilityModel().solve(_fleet(SIZES[0]), 720, model=LLAMA70)
    big = ReliabilityModel().solve(_fleet(SIZES[-1]), 720, model=LLAMA70)
    assert big.goodput < small.goodput and big.fleet_mtbf.to("hour").magnitude < 4, \
        f"{P06}: 'Together they take {1 - big.goodput:.1%} of the run, against {1 - small.goodput:.1%}'"
    assert big.optimal_checkpoint_interval.to("minute").magnitude < 10, \
        f"{P06}: 'the best interval between checkpoints is only ... minutes'"
    assert big.checkpoint_write_time < big.restart_time, f"{P06}: 'the restarts are what cost'"


def test_scaling_exercises_have_the_answers_they_imply():
    strong = ParallelismOptimizer().solve(LLAMA70, _fleet(SIZES[-1]), batch_size=2048).best_result
    weak_effs = [_weak(n).best_result.scaling_efficiency for n in SIZES]
    assert strong.scaling_efficiency < 0.8 * min(weak_effs) and strong.bubble_fraction > 0, \
        f"{P06} exercise 1: 'Where does the share of the step spent computing collapse ... the pipeline bubble'"
    xdr, ndr = _weak(SIZES[-1], "InfiniBand_XDR").best_result, _weak(SIZES[-1]).best_result
    assert xdr.step_latency_total < ndr.step_latency_total, f"{P06} exercise 2: the 16,384-GPU step on XDR is shorter"
    fleet = _fleet(SIZES[-1])
    slow = ReliabilityModel().solve(fleet, 720, restart_time_s=1800, model=LLAMA70)
    fast = ReliabilityModel().solve(fleet, 720, restart_time_s=1800, model=LLAMA70, asynchronous=True)
    assert slow.goodput < 0.9 < ReliabilityModel().solve(fleet, 720, model=LLAMA70).goodput, \
        f"{P06} exercise 3: some restart time makes the 16K-GPU goodput fall below 90 %"
    assert fast.goodput > slow.goodput, f"{P06} exercise 3: asynchronous checkpoints win some of the loss back"


# --- tutorials/07_geography.qmd ------------------------------------------------------------------

P07 = "07_geography"
CLUSTER = Fleet(name="256-GPU Training Cluster", node=DGX_H100, count=32, fabric=NDR)
sustain, econ = SustainabilityModel(), EconomicsModel()


def test_geography_poland_emits_what_its_grid_does_more_than_quebec():
    q, p = sustain.solve(CLUSTER, 30, Infra.Quebec), sustain.solve(CLUSTER, 30, Infra.Poland)
    grid_ratio = (Infra.Poland.carbon_intensity / Infra.Quebec.carbon_intensity).to("").magnitude
    ratio = p.carbon_footprint_kg / q.carbon_footprint_kg
    assert p.pue == q.pue and p.total_energy_kwh == q.total_energy_kwh, f"{P07}: 'the same kind of building'"
    assert ratio == pytest.approx(grid_ratio, rel=1e-6) and ratio > 20, f"{P07}: 'all of it is the grid' ({ratio:.1f}x)"
    hyper = sustain.solve(CLUSTER, 30, Datacenter.typical(Infra.Quebec, Infra.Facilities.Hyperscale))
    assert hyper.pue < q.pue and hyper.total_energy_kwh < q.total_energy_kwh, \
        f"{P07}: 'a hyperscale facility in Quebec cuts the same run's energy'"


def test_geography_the_coal_over_hydro_estimate_overstates_the_grid_gap():
    pure = LIFECYCLE_G_PER_KWH["coal"] / LIFECYCLE_G_PER_KWH["hydro"]
    grid = (Infra.Poland.carbon_intensity / Infra.Quebec.carbon_intensity).to("").magnitude
    assert pure > grid, f"{P07}: 'Why not coal ÷ hydro?': {pure:.0f}x against the mixes' {grid:.0f}x"
    assert Infra.Poland.primary_source == "coal" and Infra.Quebec.primary_source == "hydro", \
        f"{P07}: the regions' main sources are coal and hydro"


def test_geography_embodied_carbon_is_the_same_everywhere_and_matters_only_on_clean_grids():
    q, p = sustain.solve(CLUSTER, 30, Infra.Quebec), sustain.solve(CLUSTER, 30, Infra.Poland)
    assert q.embodied_carbon == p.embodied_carbon, f"{P07}: 'the same embodied carbon in both places'"
    share_q = (q.embodied_carbon / q.total_carbon).to("").magnitude
    share_p = (p.embodied_carbon / p.total_carbon).to("").magnitude
    assert share_p < 0.02 < 0.1 < share_q, f"{P07}: 'On Poland's grid the embodied share is a rounding error'"


@pytest.mark.parametrize("days", [10, 15])
def test_geography_a_shorter_run_in_poland_still_emits_more_than_30_days_in_quebec(days):
    assert sustain.solve(CLUSTER, days, Infra.Poland).carbon_footprint_kg > \
        sustain.solve(CLUSTER, 30, Infra.Quebec).carbon_footprint_kg, \
        f"{P07}: {days} days in Poland emit more than 30 days in Quebec"


def test_geography_carbon_prices_widen_quebecs_lead_and_reorder_the_rest():
    prices = range(0, 501, 50)
    tcos = {g.name: econ.solve(CLUSTER, 30, g) for g in Infra.Grids}
    costs = {n: [t.tco_usd + t.carbon_footprint_kg / 1000 * p for p in prices] for n, t in tcos.items()}
    assert all(min(costs, key=lambda n: costs[n][i]) == "Quebec" for i in range(len(prices))), \
        f"{P07}: 'Quebec is the cheapest site at every carbon price from $0 to $500 per tonne'"
    assert min(Infra.Grids, key=lambda g: g.electricity_price).name == "Quebec" == \
        min(Infra.Grids, key=lambda g: g.carbon_intensity).name, \
        f"{P07}: 'it has both the cheapest electricity of the zoo and the cleanest'"
    lead = [sorted(c[i] for c in costs.values())[1] - costs["Quebec"][i] for i in range(len(prices))]
    assert lead == sorted(lead) and lead[0] < lead[-1], f"{P07}: 'Carbon prices widen its lead'"
    us, no = tcos["US Average"], tcos["Norway"]
    crossover = (no.tco_usd - us.tco_usd) / ((us.carbon_footprint_kg - no.carbon_footprint_kg) / 1000)
    assert us.tco_usd < no.tco_usd and 0 < crossover < 500, \
        f"{P07}: 'with no carbon price the US average grid runs the fleet for less than Norway's, but from ${crossover:.0f}'"


def test_geography_facility_overhead_catches_up_with_it_energy_at_pue_2():
    rows = []
    for tenth in range(10, 21):
        site = Datacenter(name="x", grid=Infra.US_Avg, pue=tenth / 10, facility=Infra.Facilities.IndustryAverage)
        r = sustain.solve(CLUSTER, 30, site)
        rows.append((tenth, r.total_energy_kwh, r.total_energy_kwh - r.it_energy_kwh >= r.it_energy_kwh * (1 - 1e-9)))
    assert next(t for t, _, over in rows if over) == 20, f"{P07}: 'The facility's overhead catches up ... at PUE 2.0'"
    steps = [b[1] - a[1] for a, b in zip(rows, rows[1:], strict=False)]
    assert max(steps) - min(steps) < 1e-6 * rows[-1][1], f"{P07}: 'Total energy grows linearly with PUE'"


# --- tutorials/08_nine_million_dollar.qmd ("The cost of reasoning tokens") -----------------------

P08 = "08_nine_million_dollar (The cost of reasoning tokens)"
QUERIES, DIRECT, REASONING, P08_PROMPT = 10_000_000, 400, 4000, 1024


@cache
def _deployment(answer_tokens):
    plan = DeploymentSearch().solve(LLAMA70, Q_(QUERIES / 86_400, "1/s"), input_len=P08_PROMPT,
                                    output_len=answer_tokens, itl=ITL_SLA, ttft_p99=Q_(2, "s"), nodes=[DGX_H100],
                                    precisions=["int4"], tp_sizes=[1], pp_sizes=[1], batches=list(range(1, 129)))
    return plan.best


def _fleet_cost(d):
    fleet = Fleet(name="serving", node=DGX_H100, count=math.ceil(d.gpus / 8), fabric=NDR, region=Infra.US_Avg)
    return econ.solve(fleet, 365, activity="decode", utilization=d.utilization * d.gpus / fleet.total_accelerators)


def _per_request(answer_tokens, batch):
    return request_cost(LLAMA70, Hardware.H100, P08_PROMPT, answer_tokens, batch, "int4")


def test_reasoning_the_sla_stops_direct_answers_memory_stops_reasoning():
    direct, reasoning = _deployment(DIRECT), _deployment(REASONING)
    assert direct.mean_itl_ms > 0.95 * ITL_SLA.to("ms").magnitude, \
        f"{P08}: 'Direct answers run at the latency limit'"
    assert direct.batch_size < _per_request(DIRECT, direct.batch_size).max_batch_size / 2, \
        f"{P08}: 'memory would hold [many more] requests on a GPU, but the prompts arriving between them stall decoding'"
    assert reasoning.batch_size == _per_request(REASONING, reasoning.batch_size).max_batch_size, \
        f"{P08}: 'Reasoning requests run out of memory first'"


def test_reasoning_prompts_are_a_large_share_of_a_direct_answer_and_a_small_one_of_a_trace():
    shares = {}
    for tokens, d in ((DIRECT, _deployment(DIRECT)), (REASONING, _deployment(REASONING))):
        r = _per_request(tokens, d.batch_size)
        shares[tokens] = r.prefill_s / r.gpu_time_s
    assert shares[DIRECT] > 0.3 and shares[REASONING] < 0.1, f"{P08}: 'a question is read once' ({shares})"


def test_reasoning_costs_less_than_its_token_ratio_and_less_than_the_common_estimate():
    direct, reasoning = _deployment(DIRECT), _deployment(REASONING)
    d_cost, r_cost = _fleet_cost(direct), _fleet_cost(reasoning)
    ratio = REASONING / DIRECT
    assert 1 < r_cost.tco_usd / d_cost.tco_usd < ratio and reasoning.gpus / direct.gpus < ratio, \
        f"{P08}: 'reasoning takes [fewer than ten times] the GPUs for 10× the tokens'"
    assert 0 < r_cost.tco_usd - d_cost.tco_usd < (ratio - 1) * d_cost.tco_usd, \
        f"{P08}: 'The engine's answer is smaller [than the common estimate that scales the bill with the tokens]'"


def test_reasoning_owning_beats_every_on_demand_offer_unless_half_the_hours_are_idle():
    owned = _fleet_cost(_deployment(DIRECT)).usd_per_gpu_hour
    offers = [c.usd_per_gpu_hour for c in Infra.CloudPrices if c.accelerator == "H100"]
    assert owned < min(offers), f"{P08}: 'An owned H100 costs ... against ... at the cheapest on-demand offer'"
    assert min(offers) / 2 < owned, f"{P08} exercise 4: renting half of the hours, an offer costs less than owning"


# --- tutorials/09_sensitivity.qmd ----------------------------------------------------------------

P09 = "09_sensitivity"
sens = SensitivitySolver()


def test_sensitivity_decode_is_bandwidth_bound_even_batched():
    decode = sens.solve(Models.Llama3_8B, Hardware.H100)
    batched = sens.solve(Models.Llama3_8B, Hardware.H100, batch_size=256, seq_len=512)
    assert decode.binding_constraint == "memory_bandwidth" and abs(decode.sensitivities["peak_flops"]) < 0.05, \
        f"{P09}: 'Decoding one token is bandwidth-bound ... more FLOP/s buys almost nothing'"
    assert batched.binding_constraint == "memory_bandwidth", \
        f"{P09}: 'Batching 256 short requests does not move the binding constraint, still memory_bandwidth'"
    assert batched.sensitivities["peak_flops"] < 5 * decode.sensitivities["peak_flops"] < 0, \
        f"{P09}: '... but it gives FLOP/s a real share'"


def test_sensitivity_training_and_the_microcontroller_are_compute_bound_and_capacity_never_matters():
    cases = [sens.solve(Models.Llama3_8B, Hardware.H100),
             sens.solve(Models.Llama3_8B, Hardware.H100, batch_size=256, seq_len=512),
             sens.solve(Models.Llama3_8B, Hardware.H100, mode="training", batch_size=4),
             sens.solve(Models.DS_CNN, Hardware.nRF52840, precision="int8")]
    training, tiny = cases[2], cases[3]
    assert training.binding_constraint == "peak_flops", f"{P09}: 'A training step is compute-bound'"
    assert tiny.binding_constraint == "peak_flops" and tiny.sensitivities["dispatch_tax"] > 0, \
        f"{P09}: 'On the microcontroller, compute binds, and the fixed dispatch overhead shows up'"
    assert all(r.sensitivities["memory_capacity"] == 0 for r in cases), f"{P09}: 'its elasticity is 0 in all four'"


def test_sensitivity_a_distributed_70b_step_is_mostly_compute():
    e = sens.solve(Models.Llama3_70B, fleet=Systems.Clusters.Research_256, tp_size=8, pp_size=2)
    assert e.binding_constraint == "peak_flops", f"{P09}: 'Even distributed, a 70B training step is mostly compute'"
    s = e.sensitivities
    assert s["peak_flops"] < s["intra_node_bw"] < s["network_bw"] < 0, \
        f"{P09}: compute, then NVLink, then the network, all nonzero ({s})"


def test_sensitivity_exercise_decode_never_switches_to_compute():
    most = ServingModel().solve(Models.Llama3_8B, Hardware.H100, seq_len=512).max_batch_size
    r = sens.solve(Models.Llama3_8B, Hardware.H100, batch_size=most, seq_len=512)
    assert r.binding_constraint == "memory_bandwidth", \
        f"{P09} exercise 1: even at batch {most}, the most that fits, decoding stays bandwidth-bound"


# --- tutorials/10_gpu_vs_wafer.qmd ---------------------------------------------------------------

P10 = "10_gpu_vs_wafer"


def test_wafer_low_ridge_yet_decode_stays_memory_bound():
    gpu, wafer = Hardware.H100, Hardware.WSE3
    assert wafer.ridge_point("fp16") < gpu.ridge_point("fp16") / 10, f"{P10}: the wafer's ridge point is far lower"
    g8 = Engine.solve(Models.Llama3_8B, gpu, batch_size=1, precision="fp16")
    w8 = Engine.solve(Models.Llama3_8B, wafer, batch_size=1, precision="fp16")
    assert g8.bottleneck == w8.bottleneck == "Memory" and w8.arithmetic_intensity < wafer.ridge_point("fp16"), \
        f"{P10}: 'Both are still memory-bound: a decode step ... below even the wafer's ridge'"
    assert g8.latency > 1000 * w8.latency, f"{P10}: 'makes the roofline's decode step thousands of times shorter'"
    assert w8.feasible and not Engine.solve(Models.Llama3_70B, wafer, batch_size=1, precision="fp16").feasible, \
        f"{P10}: 'Llama-3-70B does not fit on one wafer at all'"
    assert w8.throughput.to("token/s").magnitude > 100 * 1800, f"{P10}: the roofline overshoots the measured 1,800 tokens/s"


def test_wafer_exercise_no_h100_batch_reaches_the_wafer():
    w8 = Engine.solve(Models.Llama3_8B, Hardware.WSE3, batch_size=1, precision="fp16")
    best, b = None, 1
    while (r := Engine.solve(Models.Llama3_8B, Hardware.H100, batch_size=b, precision="fp16")).feasible:
        best, b = max(best or r.throughput, r.throughput), b + 1
    assert b > 100 and best < w8.throughput / 10, \
        f"{P10} exercise 2: no batch that fits takes an H100 to the wafer's batch-1 throughput"


# --- tutorials/12_design_space_exploration.qmd ---------------------------------------------------

P12 = "12_design_space_exploration"


def test_design_space_front_is_b200_at_reduced_precision_and_batch_grows_along_it():
    nodes = {"A100": Systems.Nodes.DGX_A100, "H100": Systems.Nodes.DGX_H100, "B200": Systems.Nodes.DGX_B200}
    per_gpu_year = {n: econ.solve(Fleet(name=n, node=node, count=1, fabric=NDR, region=Infra.US_Avg), 365,
                                  activity="decode", utilization=0.5).tco_usd / node.accelerators_per_node
                    for n, node in nodes.items()}
    points = []
    for name, precision, batch in itertools.product(nodes, ["fp16", "fp8", "int8", "int4"],
                                                    [1, 2, 4, 8, 16, 32, 64, 128, 256]):
        r = request_cost(Models.Llama3_8B, Hardware.get(name), input_len=3584, output_len=512, batch_size=batch,
                         precision=precision)
        if r.feasible:
            per_year = r.throughput.to("token/s").magnitude * 365 * 86400
            points.append({"gpu": name, "precision": precision, "batch": batch, "itl": r.itl_s,
                           "usd": per_gpu_year[name] / per_year * 1e6, "prefill_share": r.prefill_s / r.gpu_time_s})

    def dominated(p, q):
        return q["usd"] <= p["usd"] and q["itl"] <= p["itl"] and (q["usd"] < p["usd"] or q["itl"] < p["itl"])

    front = sorted((p for p in points if not any(dominated(p, q) for q in points)), key=lambda p: p["itl"])
    assert {p["gpu"] for p in front} == {"B200"} and "fp16" not in {p["precision"] for p in front}, \
        f"{P12}: 'None uses an A100, an H100 or FP16: every point on the front is a B200 at reduced precision'"
    assert len(front) / len(points) < 0.2, f"{P12}: 'Only {len(front)} of {len(points)} configurations'"
    batches = [p["batch"] for p in front]
    assert batches == sorted(batches), f"{P12}: 'every step along the front trades latency for cost through batch size'"
    cheapest, fastest = min(points, key=lambda p: p["usd"]), front[0]
    assert fastest["precision"] == "int4" and cheapest["precision"] in ("fp8", "int8"), \
        f"{P12}: '4-bit weights make the fastest tokens ... 8-bit math is cheaper' at large batches"
    shape = dict(input_len=3584, output_len=512, batch_size=cheapest["batch"])
    int4 = request_cost(Models.Llama3_8B, Hardware.B200, precision="int4", **shape)
    eight = request_cost(Models.Llama3_8B, Hardware.B200, precision=cheapest["precision"], **shape)
    assert int4.prefill_s > 1.5 * eight.prefill_s and int4.itl_s > 1.5 * eight.itl_s, \
        f"{P12}: 'arithmetic binds, both the prompts' prefill and the batched decode steps'"
    assert cheapest["prefill_share"] > 0.4, f"{P12}: 'at the cheapest point the prefill is' a large share of a request"


def test_design_space_sweep_cost_carbon_front_is_the_hydro_grid_with_the_cheapest_power():
    grid = sweep_serving([Models.Llama3_8B], [Systems.Nodes.DGX_1, Systems.Nodes.DGX_A100, Systems.Nodes.DGX_H100,
                                              Systems.Nodes.DGX_B200], ["fp16", "fp8", "int8", "int4"],
                         [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], [512, 1024, 2048, 3584, 7680], list(Infra.Grids),
                         output_len=512)
    fits = grid.where(grid.columns["fits"])
    front = fits.pareto_front(("usd_per_mtok", "gco2_per_ktok"))
    regions = sorted(set(front.columns["region"].tolist()))
    cheapest = min(Infra.Grids, key=lambda g: g.electricity_price)
    cleanest = min(Infra.Grids, key=lambda g: g.carbon_intensity)
    assert regions == [cheapest.name] == [cleanest.name] and cheapest.primary_source == "hydro", \
        f"{P12}: 'the cost–carbon front of Llama-3-8B is in Quebec: its hydro-powered grid has both the cheapest " \
        f"electricity of the zoo and the cleanest' ({regions})"
