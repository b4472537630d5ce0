"""Design-space sweeps: thousands of serving configurations, priced over every grid at once in numpy.

`sweep_serving` evaluates every combination of model × node × precision ×
batch × prompt length × region.  Each design (all but the region) is one request
priced by `request_cost`, the served-request definition every serving solver
shares (prefill included, ITL at the batch's average context, paged KV cache,
memory feasibility); the regions then price every design per node-year with
`EconomicsModel` and `SustainabilityModel`, vectorized.  `pareto_front` keeps the
points no other point beats on both objectives.
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from typing import Any

import numpy as np

from .core import validate
from .core.assumptions import Assumptions, resolve
from .core.errors import InvalidArgumentError
from .core.precision import check_precision
from .hardware.types import PrecisionFallbackWarning
from .infra.types import Datacenter, GridProfile
from .models.types import TransformerWorkload, decoder_only
from .solvers.economics import EconomicsModel, node_price_or_none
from .solvers.request import request_cost
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


def _request_grid(model: TransformerWorkload, hw, precisions: list[str], batch: np.ndarray, prompts: np.ndarray,
                  output_len: int, assumptions: Assumptions, efficiency: float | None) -> dict[str, np.ndarray]:
    """Each request's prefill share, ITL, memory and feasibility over precision × batch × prompt, every point
    priced by `request_cost` (continuous batching on one GPU), the definition every serving solver shares.
    A precision a GPU has no math for runs on its fallback, as everywhere, without a warning per point."""
    shape = (len(precisions), batch.size, prompts.size)
    grid = {k: np.empty(shape) for k in ("prefill_s", "itl_s", "gpu_time_s", "memory_gb")}
    grid["fits"] = np.empty(shape, dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrecisionFallbackWarning)
        for (i, p), (j, b), (k, n_in) in itertools.product(enumerate(precisions), enumerate(batch.astype(int)),
                                                           enumerate(prompts.astype(int))):
            cost = request_cost(model, hw, int(n_in), output_len, int(b), p, efficiency=efficiency,
                                assumptions=assumptions)
            for key in ("prefill_s", "itl_s", "gpu_time_s", "memory_gb"):
                grid[key][i, j, k] = getattr(cost, key)
            grid["fits"][i, j, k] = cost.feasible
    return grid


MAX_SWEEP_DESIGNS = 25_000
"""The most designs (model × node × precision × batch × prompt) one sweep prices: each is a `request_cost`
of about a hundred microseconds; the grids are priced together for free."""


def sweep_serving(models, nodes, precisions, batch_sizes, input_lens, grids, *, output_len: int | None = None,
                  efficiency=None, utilization: float | None = None,
                  assumptions: Assumptions | None = None) -> SweepResult:
    """Every model × node × precision × batch × prompt length × grid for one-GPU serving replicas under
    continuous batching; a request longer than a model's context is left out of that model's rows.

    Each point is one request of `input_len` prompt tokens and `output_len` generated tokens, priced by
    `request_cost`: replica time per request g = prefill + output_len × ITL / batch, ITL at the batch's
    average context input_len + output_len / 2.  Throughput and cost per token include the prefill.

    Columns: model, node, precision, region (str); batch, input_len, output_len (int); prefill_ms,
    itl_ms, tokens_per_s (output tokens per second, output_len / g), requests_per_s (1 / g), memory_gb,
    fits (bool); usd_per_mtok, gco2_per_ktok (per generated token, from a node-year of cost and carbon at
    `utilization`); usd_per_mtok is NaN for a node the zoo has no price for (neither the node nor its
    accelerator has a `unit_cost`), gco2_per_ktok for one with no power figure.

    Args:
        models (list[TransformerWorkload]): the models.
        nodes (list[Node]): the nodes (one GPU of each serves a replica).
        precisions (list[str]): precision names.
        batch_sizes (list[int]): concurrent requests per replica.
        input_lens (list[int]): prompt tokens per request.
        grids (list[GridProfile]): the grids that price energy and carbon.
        output_len: generated tokens per request; default `Assumptions.request_output_tokens`.
        efficiency (float | None): a flat fraction of the dense peak; default None: the size-dependent curves.
        utilization: the fraction of a year the node is busy; default `Assumptions.serving_utilization`.
        assumptions: the modelling defaults; default `Assumptions()`.

    Returns:
        One row per configuration.

    Example:
        >>> from mlsysim import Hardware, Infra, Models, Systems, request_cost
        >>> from mlsysim.sweep import sweep_serving
        >>> r = sweep_serving([Models.Llama3_8B, Models.Llama3_70B], [Systems.Nodes.DGX_H100], ["fp8"],
        ...                   [1, 8, 64], [2048, 7680], [Infra.Quebec, Infra.Poland], output_len=512)
        >>> len(r), sorted(set(r.columns["region"].tolist()))
        (24, ['Poland', 'Quebec'])
        >>> one = r.rows()[-1]
        >>> cost = request_cost(Models.Llama3_70B, Hardware.H100, 7680, 512, 64, "fp8")
        >>> one["tokens_per_s"] == 512 / cost.gpu_time_s, one["fits"] == cost.feasible
        (True, True)
    """
    assumptions = resolve(assumptions)
    models = [decoder_only(m, "Llama3_8B", "models[…]")
              for m in validate.items("models", models, "decoder-only transformers such as [Models.Llama3_8B]")]
    nodes = validate.instances("nodes", nodes, Node, "nodes such as [Systems.Nodes.DGX_H100]")
    grids = validate.instances("grids", grids, (GridProfile, Datacenter), "grids such as [Infra.Quebec]")
    precisions = [check_precision(p, "precisions")
                  for p in validate.items("precisions", precisions, "precision names, e.g. ['fp16', 'fp8']")]
    batch = np.asarray(validate.positive_ints("batch_sizes", batch_sizes), dtype=float)
    prompts = np.asarray(validate.positive_ints("input_lens", input_lens), dtype=float)
    n_out = validate.positive_int("output_len", assumptions.request_output_tokens if output_len is None else output_len)
    utilization = validate.fraction("utilization", assumptions.serving_utilization if utilization is None else utilization)
    efficiency = validate.optional_fraction("efficiency", efficiency)
    for model in models:  # requests beyond a model's context are left out of its rows; none left is an error
        if prompts[0] + n_out > model.context_length:
            raise InvalidArgumentError("input_lens", int(prompts[0]), f"at least one prompt that leaves room for "
                                       f"output_len={n_out} within {model.name}'s {model.context_length:,} tokens")
    designs = len(models) * len(nodes) * len(precisions) * batch.size * prompts.size
    if designs > MAX_SWEEP_DESIGNS:
        raise InvalidArgumentError("batch_sizes", f"{designs:,} designs", f"at most {MAX_SWEEP_DESIGNS:,} (models × "
                                   "nodes × precisions × batch_sizes × input_lens): narrow a list")
    out: dict[str, list] = {k: [] for k in ("model", "node", "precision", "region", "batch", "input_len",
                                             "output_len", "prefill_ms", "itl_ms", "tokens_per_s", "requests_per_s",
                                             "memory_gb", "fits", "usd_per_mtok", "gco2_per_ktok")}
    econ, sust = EconomicsModel(), SustainabilityModel()
    for model, node in itertools.product(models, nodes):
        hw = node.accelerator
        within = prompts[prompts + n_out <= model.context_length]
        req = _request_grid(model, hw, precisions, batch, within, n_out, assumptions, efficiency)
        requests_per_s = 1.0 / req["gpu_time_s"]
        tokens_per_s = n_out * requests_per_s
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
            n = tokens_per_s.size
            out["model"].extend([model.name] * n)
            out["node"].extend([node.name] * n)
            out["precision"].extend(np.asarray(precisions)[grid_p].ravel().tolist())
            out["region"].extend([grid.name] * n)
            out["batch"].append(grid_b.ravel())
            out["input_len"].append(grid_s.ravel())
            out["output_len"].append(np.full(n, n_out))
            out["prefill_ms"].append((req["prefill_s"] * 1e3).ravel())
            out["itl_ms"].append((req["itl_s"] * 1e3).ravel())
            out["tokens_per_s"].append(tokens_per_s.ravel())
            out["requests_per_s"].append(requests_per_s.ravel())
            out["memory_gb"].append(req["memory_gb"].ravel())
            out["fits"].append(req["fits"].ravel())
            out["usd_per_mtok"].append((per_gpu_usd / tokens_year * 1e6).ravel())
            out["gco2_per_ktok"].append((per_gpu_g / tokens_year * 1e3).ravel())
    columns = {k: (np.concatenate(v) if v and isinstance(v[0], np.ndarray) else np.asarray(v)) for k, v in out.items()}
    for key in ("batch", "input_len", "output_len"):
        columns[key] = columns[key].astype(int)
    return SweepResult(columns)

