"""Vectorized design-space sweeps: thousands of serving configurations in one pass of numpy.

`sweep_serving` evaluates every combination of model × node × precision ×
batch × context × region with the same formulas as `ServingModel` (decode
step roofline, GQA KV cache, memory feasibility), vectorized over precision,
batch and context, and prices each point with `EconomicsModel` and
`SustainabilityModel` per node-year.  `pareto_front` keeps the points no
other point beats on both objectives.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import numpy as np

from .core import validate
from .core.assumptions import Assumptions, resolve
from .core.errors import InvalidArgumentError
from .core.precision import Precisions, check_precision
from .cost import step_cost
from .cost.step import kv_bytes_per_token
from .infra.types import Datacenter, GridProfile
from .models.types import TransformerWorkload
from .solvers.economics import EconomicsModel, node_price_or_none
from .solvers.sustainability import SustainabilityModel
from .systems.registry import InfiniBand_NDR
from .systems.types import Fleet, Node


@dataclasses.dataclass(frozen=True)
class SweepResult:
    """Columns of equal length, one entry per configuration: what `sweep_serving` returns.

    `len(result)` is the number of configurations.

    Attributes:
        columns: each column's name and its NumPy array.

    Example:
        >>> from mlsysim import Infra, Models, Systems
        >>> from mlsysim.sweep import sweep_serving
        >>> r = sweep_serving([Models.Llama3_8B], [Systems.Nodes.DGX_H100], ["fp16", "fp8"], [1, 32], [4096],
        ...                   [Infra.Quebec])
        >>> len(r), len(r.where(r.columns["precision"] == "fp8"))
        (4, 2)
        >>> [row["batch"] for row in r.pareto_front(("itl_ms", "usd_per_mtok")).rows()]
        [1, 32]
    """

    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))

    def rows(self) -> list[dict]:
        """The configurations as dicts, one per configuration (slow for very large sweeps: prefer `columns`)."""
        keys = list(self.columns)
        lists = [v.tolist() for v in self.columns.values()]
        return [dict(zip(keys, values, strict=True)) for values in zip(*lists, strict=True)]

    def where(self, mask: np.ndarray) -> SweepResult:
        """The configurations where `mask` is true.

        Args:
            mask: a boolean array, one entry per configuration.
        """
        return SweepResult({k: v[mask] for k, v in self.columns.items()})

    def pareto_front(self, minimize: tuple[str, str]) -> SweepResult:
        """Points not dominated on the two columns to minimize (ties kept once), sorted by the first.

        Args:
            minimize: the names of two numeric columns.
        """
        a, b = (self.columns[c].astype(float) for c in minimize)
        order = np.lexsort((b, a))
        keep, best_b = [], np.inf
        for i in order:
            if b[i] < best_b:
                keep.append(i)
                best_b = b[i]
        return SweepResult({k: v[np.array(keep, dtype=int)] for k, v in self.columns.items()})


def _decode_grid(model: TransformerWorkload, hw, precisions: list[str], batch: np.ndarray, seq: np.ndarray,
                 assumptions: Assumptions, efficiency: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Decode-step seconds and memory bytes over precision × batch × context, each point priced by the cost core."""
    itl = np.empty((len(precisions), batch.size, seq.size))
    memory = np.empty_like(itl)
    for i, p in enumerate(precisions):
        prec = Precisions.from_shorthand(p)
        kv_token = kv_bytes_per_token(model, prec)
        for j, b in enumerate(batch.astype(int)):
            for k, s in enumerate(seq.astype(int)):
                cost = step_cost(model, hw, phase="decode", batch=int(b), seq=int(s), precisions=prec,
                                 assumptions=assumptions, efficiency=efficiency, warn=False)
                itl[i, j, k] = cost.breakdown.time
                memory[i, j, k] = cost.resident_bytes + b * s * kv_token
    return itl, memory


MAX_SWEEP_STEPS = 100_000
"""The most decode steps one sweep prices (each is a cost-core solve of some microseconds; grids are free)."""


def sweep_serving(models, nodes, precisions, batch_sizes, seq_lens, grids, *, efficiency=None,
                  utilization: float | None = None, assumptions: Assumptions | None = None) -> SweepResult:
    """Every model × node × precision × batch × context × grid for one-GPU serving replicas, vectorized;
    a context longer than a model's own is left out of that model's rows.

    Columns: model, node, precision, region (str); batch, seq_len (int); itl_ms, tokens_per_s, memory_gb,
    fits (bool); usd_per_mtok, gco2_per_ktok (per generated token, from a node-year of cost and carbon at
    `utilization`); usd_per_mtok is NaN for a node the zoo has no price for (neither the node nor its
    accelerator has a `unit_cost`), gco2_per_ktok for one with no power figure.

    Args:
        models (list[TransformerWorkload]): the models.
        nodes (list[Node]): the nodes (one GPU of each serves a replica).
        precisions (list[str]): precision names.
        batch_sizes (list[int]): concurrent requests per replica.
        seq_lens (list[int]): tokens of context per request.
        grids (list[GridProfile]): the grids that price energy and carbon.
        efficiency (float | None): a flat fraction of the dense peak; default None: the size-dependent curves.
        utilization: the fraction of a year the node is busy; default `Assumptions.serving_utilization`.
        assumptions: the modelling defaults; default `Assumptions()`.

    Returns:
        One row per configuration.

    Example:
        >>> from mlsysim import Infra, Models, Systems
        >>> from mlsysim.sweep import sweep_serving
        >>> r = sweep_serving([Models.Llama3_8B, Models.Llama3_70B], [Systems.Nodes.DGX_H100], ["fp8"],
        ...                   [1, 8, 64], [2048, 8192], [Infra.Quebec, Infra.Poland])
        >>> len(r), sorted(set(r.columns["region"].tolist()))
        (24, ['Poland', 'Quebec'])
    """
    assumptions = resolve(assumptions)
    models = validate.instances("models", models, TransformerWorkload, "transformers such as [Models.Llama3_8B]")
    nodes = validate.instances("nodes", nodes, Node, "nodes such as [Systems.Nodes.DGX_H100]")
    grids = validate.instances("grids", grids, (GridProfile, Datacenter), "grids such as [Infra.Quebec]")
    precisions = [check_precision(p, "precisions")
                  for p in validate.items("precisions", precisions, "precision names, e.g. ['fp16', 'fp8']")]
    batch = np.asarray(validate.positive_ints("batch_sizes", batch_sizes), dtype=float)
    seq = np.asarray(validate.positive_ints("seq_lens", seq_lens), dtype=float)
    utilization = validate.fraction("utilization", assumptions.serving_utilization if utilization is None else utilization)
    efficiency = validate.optional_fraction("efficiency", efficiency)
    for model in models:  # contexts beyond a model's own are left out of its rows; none left is an error
        if seq[0] > model.context_length:
            raise InvalidArgumentError("seq_lens", int(seq[0]), f"at least one context within {model.name}'s "
                                       f"{model.context_length:,} tokens")
    steps = len(models) * len(nodes) * len(precisions) * batch.size * seq.size
    if steps > MAX_SWEEP_STEPS:
        raise InvalidArgumentError("batch_sizes", f"{steps:,} decode steps", f"at most {MAX_SWEEP_STEPS:,} (models × "
                                   "nodes × precisions × batch_sizes × seq_lens): narrow a list")
    out: dict[str, list] = {k: [] for k in ("model", "node", "precision", "region", "batch", "seq_len", "itl_ms",
                                             "tokens_per_s", "memory_gb", "fits", "usd_per_mtok", "gco2_per_ktok")}
    econ, sust = EconomicsModel(), SustainabilityModel()
    for model, node in itertools.product(models, nodes):
        hw = node.accelerator
        within = seq[seq <= model.context_length]
        itl, memory = _decode_grid(model, hw, precisions, batch, within, assumptions, efficiency)
        tokens_per_s = batch[None, :, None] / itl
        fits = memory <= hw.si.memory_capacity
        shape = itl.shape
        grid_p, grid_b, grid_s = np.meshgrid(np.arange(len(precisions)), batch, within, indexing="ij")
        for grid in grids:
            fleet = Fleet(name="sweep", node=node, count=1, fabric=InfiniBand_NDR, region=grid)  # fabric: no cost effect
            busy: dict[str, Any] = dict(activity="decode", utilization=utilization, assumptions=assumptions)
            powered = hw.si.tdp is not None  # the power model scales the accelerators' TDP
            per_gpu_usd = (econ.solve(fleet, 365, **busy).tco_usd / node.accelerators_per_node
                           if node_price_or_none(node) is not None and powered else float("nan"))
            per_gpu_g = (sust.solve(fleet, 365, **busy).carbon_footprint_kg * 1e3 / node.accelerators_per_node
                         if powered else float("nan"))
            tokens_year = tokens_per_s * 365 * 86400
            n = itl.size
            out["model"].extend([model.name] * n)
            out["node"].extend([node.name] * n)
            out["precision"].extend(np.asarray(precisions)[grid_p].ravel().tolist())
            out["region"].extend([grid.name] * n)
            out["batch"].append(grid_b.ravel())
            out["seq_len"].append(grid_s.ravel())
            out["itl_ms"].append((itl * 1e3).ravel())
            out["tokens_per_s"].append(tokens_per_s.ravel())
            out["memory_gb"].append((memory / 1e9).ravel())
            out["fits"].append(fits.ravel())
            out["usd_per_mtok"].append((per_gpu_usd / tokens_year * 1e6).ravel())
            out["gco2_per_ktok"].append((per_gpu_g / tokens_year * 1e3).ravel())
            assert shape == tokens_per_s.shape
    columns = {k: (np.concatenate(v) if v and isinstance(v[0], np.ndarray) else np.asarray(v)) for k, v in out.items()}
    columns["batch"] = columns["batch"].astype(int)
    columns["seq_len"] = columns["seq_len"].astype(int)
    return SweepResult(columns)

