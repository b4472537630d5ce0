"""Microseconds per solve, measured with timeit (best of 5 repeats).

Run with ``make bench``.  Targets: ≤ 40 µs for Engine.solve and ServingModel.solve.

A priced step is memoized (``mlsysim.cost.step``): repeated solves of the same
model, device and shape reuse it, as searches, sweeps and pages do.  The "cold"
lines clear that cache before every call, so they show the cost of pricing a
step from its operators.
"""

from __future__ import annotations

import timeit
import warnings

from mlsysim import (
    CompressionModel,
    DistributedModel,
    Engine,
    Hardware,
    Models,
    ParallelismOptimizer,
    PrecisionFallbackWarning,
    ServingModel,
    Systems,
)
from mlsysim.systems.types import Fleet

warnings.simplefilter("ignore", PrecisionFallbackWarning)


def per_call_us(fn, number: int = 2000) -> float:
    """Best-of-5 wall time of one call of ``fn``, in microseconds."""
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


CASES = {
    "Engine.solve (ResNet-50, A100, bs=1)": lambda: Engine.solve(Models.ResNet50, Hardware.A100, 1, "fp16", 0.5),
    "Engine.solve (Llama-3-8B, H100, bs=1)": lambda: Engine.solve(Models.Llama3_8B, Hardware.H100, 1, "fp16"),
    "Engine.solve (Llama-3-70B, H100, training)": lambda: Engine.solve(
        Models.Llama3_70B, Hardware.H100, 4, "bf16", mode="training"),
    "ServingModel.solve (Llama-3-8B, H100, 4K, bs=128)": lambda: ServingModel().solve(
        Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=128),
    "CompressionModel.solve (Llama-3-8B, H100, int4)": lambda: CompressionModel().solve(
        Models.Llama3_8B, Hardware.H100, target_bitwidth=4),
}


CASES["DistributedModel.solve (Llama-3-70B, 256 GPUs, TP=8)"] = lambda: DistributedModel().solve(
    Models.Llama3_70B, Systems.Clusters.Research_256, tp_size=8)

FLEETS = {
    64: Fleet(name="64", node=Systems.Nodes.DGX_H100, count=8, fabric=Systems.Fabrics.InfiniBand_NDR),
    1024: Systems.Clusters.Production_1K,
    16384: Systems.Clusters.Frontier_16K,
}


def bench_sweep() -> None:
    """A design-space sweep of more than 10,000 serving configurations (each design a request_cost, the grids vectorized)."""
    from mlsysim import Infra
    from mlsysim.sweep import sweep_serving

    args = ([Models.Llama3_8B, Models.Llama3_70B, Models.Llama2_13B], list(Systems.Nodes),
            ["fp16", "fp8", "int8", "int4"], [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], [512, 1024, 2048, 4096, 8192],
            list(Infra.Grids))
    size = len(sweep_serving(*args))
    seconds = min(timeit.repeat(lambda: sweep_serving(*args), number=1, repeat=3))
    print(f"sweep_serving: {size:,} configurations in {seconds * 1e3:.1f} ms")


def bench_deployment_search() -> None:
    """The deployment search over every priced node x precision x TP x PP x batch x replicas (issue: >= 1e5/s)."""
    from mlsysim import Q_, DeploymentSearch

    def run(clear: bool):
        if clear:
            from mlsysim.cost.step import _priced_step
            _priced_step.cache_clear()
        return DeploymentSearch().solve(Models.Llama3_70B, Q_(10, "1/s"), input_len=2048, output_len=256,
                                        ttft_p99=Q_(2, "s"), itl=Q_(50, "ms"))

    for label, clear in (("cold", True), ("warm", False)):
        plan = run(clear)
        seconds = min(timeit.repeat(lambda clear=clear: run(clear), number=1, repeat=3))
        print(f"DeploymentSearch ({label}): {plan.deployments_considered:,} deployments ({plan.designs_priced:,} designs "
              f"priced) in {seconds * 1e3:.0f} ms = {plan.deployments_considered / seconds:,.0f} per second; best "
              f"{plan.best.gpus} x {plan.best.node.split(' (')[0]} {plan.best.precision} TP{plan.best.tp_size}")


def cold(fn):
    """``fn`` with the priced-step cache cleared first."""
    from mlsysim.cost.step import _priced_step

    def call():
        _priced_step.cache_clear()
        return fn()
    return call


def main() -> None:
    width = max(map(len, CASES)) + 7
    for name, fn in CASES.items():
        print(f"{name:<{width}}  {per_call_us(fn):8.1f} µs")
    for name in list(CASES)[:4]:
        print(f"{name + ', cold':<{width}}  {per_call_us(cold(CASES[name]), number=500):8.1f} µs")
    from mlsysim.cost.step import _priced_step
    from mlsysim.solvers.distributed import _microbatch

    for model in (Models.Llama3_70B, Models.Llama3_405B):
        for gpus, fleet in FLEETS.items():
            def search(fleet=fleet, model=model):
                return ParallelismOptimizer().solve(model, fleet, batch_size=2048, seq_len=8192)

            result = search()
            warm = per_call_us(search, number=10) / 1e3

            def cold_search():
                _microbatch.cache_clear()
                _priced_step.cache_clear()
                return search()

            cold_ms = per_call_us(cold_search, number=3) / 1e3
            best = result.best_config or {}
            print(f"ParallelismOptimizer joint search ({model.name}, {gpus:>6,} GPUs, batch 2048 × 8192): "
                  f"{result.total_searched:>6,} plans in {cold_ms:6.1f} ms cold, {warm:6.1f} ms warm; best TP "
                  f"{best.get('tp')} PP {best.get('pp')} CP {best.get('cp')} DP {best.get('dp')} "
                  f"{best.get('schedule')} v={best.get('virtual_stages')} {best.get('optimizer_sharding')}")
    bench_sweep()
    bench_deployment_search()


if __name__ == "__main__":
    main()
