"""Search every tensor × pipeline × data split of a fleet for the best training MFU.

Candidates: TP divides a node and the model's attention heads, PP divides the
layers, DP = GPUs / (TP × PP) divides the global batch, and the micro-batch
size divides each DP rank's share.  Each candidate is scored with
:func:`mlsysim.solvers.distributed.step_terms`; one that does not fit in
memory is rejected with its reason.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from ..core import validate
from ..core.assumptions import Assumptions
from ..core.precision import Precisions
from ..core.units import quantity
from ..models.types import TransformerWorkload
from ..systems.types import Fleet
from .distributed import Recompute, Sharding, prepare, step_terms
from .result import Result

MICRO_BATCH_SIZES = (1, 2, 4, 8, 16, 32)


@dataclasses.dataclass(frozen=True)
class ParallelismResult(Result):
    """The best split found, how many were searched, and the ranked feasible ones."""

    model: str
    fleet: str
    best_config: dict | None
    best_mfu: float
    best_step_time: object
    total_searched: int
    feasible_count: int
    rejected_count: int
    top_candidates: list = dataclasses.field(repr=False)
    rejected: list = dataclasses.field(repr=False)
    reason: str = ""


class ParallelismOptimizer:
    """Exhaustive search over TP × PP × DP × micro-batch size."""

    def solve(
        self,
        model: TransformerWorkload,
        fleet: Fleet,
        batch_size: int | None = None,
        precision: str | Precisions | None = None,
        efficiency: float | None = None,
        *,
        seq_len: int | None = None,
        overlap_comm: bool | float | None = None,
        optimizer_sharding: Sharding | None = None,
        recompute: Recompute | None = None,
        optimizer: str | None = None,
        dp_algorithm: Literal["ring", "hierarchical"] | None = None,
        sequence_parallel: bool | None = None,
        top_k: int | None = None,
        assumptions: Assumptions | None = None,
    ) -> ParallelismResult:
        """Every split that fits, ranked by MFU (ties: shorter step).

        Arguments are those of :meth:`DistributedModel.solve` (None: ``assumptions``' default);
        ``top_k`` is how many ranked candidates the result keeps (default ``assumptions.plans_ranked``).

        Example:
            >>> r = ParallelismOptimizer().solve(Models.Llama3_70B, Systems.Clusters.Research_256, batch_size=512)
            >>> r.best_config["tp"]
            2
        """
        s = prepare(model, fleet, batch_size, seq_len, precision, efficiency, overlap_comm, optimizer_sharding,
                    recompute, optimizer, dp_algorithm, assumptions, sequence_parallel)
        keep = validate.positive_int("top_k", s.assumptions.plans_ranked if top_k is None else top_k)
        gpus = fleet.total_accelerators
        per_node = fleet.node.accelerators_per_node
        searched = 0
        fits: list[dict[str, Any]] = []
        rejected: list[dict[str, Any]] = []
        for tp in (t for t in range(1, per_node + 1) if per_node % t == 0 and model.attention_heads % t == 0):
            for pp in (p for p in range(1, model.layers + 1) if model.layers % p == 0 and gpus % (tp * p) == 0):
                dp = gpus // (tp * pp)
                if s.batch % dp:
                    continue
                local = s.batch // dp
                for mbs in (b for b in MICRO_BATCH_SIZES if local % b == 0):
                    searched += 1
                    t = step_terms(s, tp, pp, dp, mbs)
                    config = {"tp": tp, "pp": pp, "dp": dp, "micro_batch_size": mbs, "microbatches": t["m"]}
                    if t["fits"]:
                        fits.append({"config": config, "mfu": t["mfu"], "step_time": quantity(t["step"] * 1e3, "ms"),
                                     "memory_per_gpu": quantity(t["memory"] / 1e9, "GB"),
                                     "scaling_efficiency": t["scaling"], "bubble_fraction": t["bubble"]})
                    else:
                        rejected.append({"config": config, "reason": f"needs {t['memory'] / 1e9:.4g} GB per GPU, "
                                         f"has {t['capacity'] / 1e9:.4g} GB"})
        fits.sort(key=lambda c: (-c["mfu"], c["step_time"].magnitude))
        best = fits[0] if fits else None
        return ParallelismResult(
            model=model.name,
            fleet=fleet.name,
            best_config=None if best is None else {k: best["config"][k] for k in ("tp", "pp", "dp")}
            | {"micro_batch_size": best["config"]["micro_batch_size"]},
            best_mfu=0.0 if best is None else best["mfu"],
            best_step_time=None if best is None else best["step_time"],
            total_searched=searched,
            feasible_count=len(fits),
            rejected_count=len(rejected),
            top_candidates=fits[:keep],
            rejected=rejected,
            reason="" if fits else f"none of the {searched} splits fits in memory; try optimizer_sharding='zero3', "
            "recompute='full' or a larger fleet",
        )
