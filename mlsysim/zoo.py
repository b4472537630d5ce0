"""The zoo tables: for each kind of registry entry, the fields a user compares, with citations.

``zoo_table(Hardware)`` returns a Markdown table with one row per entry (a
page prints it with ``#| output: asis``); ``zoo_rows`` gives the same rows
as data.  A new registry entry appears in both with no other edit.
"""

from __future__ import annotations

from typing import Any

from .core.assumptions import DEFAULTS
from .core.catalog import Catalog
from .hardware.types import HardwareNode
from .infra.types import CloudPrice, Datacenter, Facility, GridProfile
from .models.types import CNNWorkload, TransformerWorkload
from .show import format_value, markdown_table
from .systems.types import Fleet, NetworkFabric, Node

HW_PRECISIONS = ("fp32", "tf32", "fp16/bf16", "fp8", "int8", "int4", "fp4")


def _cite(entry: Any) -> str:
    return f"[@{entry.source}]" if getattr(entry, "source", None) else ""


def _tflops(hw: HardwareNode, precision: str) -> str:
    rates = {**{hw.compute.peak_precision: hw.compute.peak_flops}, **hw.compute.precision_flops}
    found = [rates[p] for p in precision.split("/") if p in rates]
    if not found:
        return "–"
    value = found[0].to("TFLOP/s").magnitude
    return f"{value:,.0f}" if value >= 1000 else f"{value:,.4g}"


def _hardware(name: str, hw: HardwareNode) -> tuple[list[str], list[Any]]:
    headers = ["Name", "Device", *[f"{p.upper()} TFLOP/s" for p in HW_PRECISIONS], "Memory", "Bandwidth",
               "Ridge (16-bit, else int8)", "TDP", "Year", "Source"]
    ridge_precision = next(p for p in ("fp16", "bf16", "int8") if hw.supports(p))
    row = [f"`{name}`", hw.name, *[_tflops(hw, p) for p in HW_PRECISIONS],
           format_value(hw.memory.capacity), format_value(hw.memory.bandwidth),
           f"{hw.ridge_point(ridge_precision).magnitude:,.1f} flop/B", "–" if hw.tdp is None else format_value(hw.tdp),
           str(hw.release_year or "–"), _cite(hw)]
    return headers, row


def _attention(m: TransformerWorkload) -> str:
    """How a transformer attends: heads and KV heads, latent attention, sliding windows."""
    kind = (f"MLA, latent {m.kv_lora_rank} + rope {m.rope_head_dim}" if m.latent_attention
            else f"{m.attention_heads} / {m.kv_heads} heads")
    if m.windowed_layer_count:
        share = "all layers" if m.windowed_layer_count == m.layers else f"{m.windowed_layer_count} of {m.layers} layers"
        kind += f"; window {m.sliding_window:,} on {share}"
    return kind


def _model(name: str, m: Any) -> tuple[list[str], list[Any]]:
    headers = ["Name", "Model", "Parameters", "Active per token", "Layers", "Attention", "Context",
               "FLOPs per token or inference", "Weights fp16", "Weights int8", "Weights int4",
               "KV cache per token (fp16)", "Source"]

    def count(q: Any) -> str:
        return f"{q.to('Bparam' if q.to('param').magnitude >= 1e9 else 'Mparam'):.4g~P}"

    if isinstance(m, TransformerWorkload):
        context = min(DEFAULTS.seq_len, m.context_length)
        moe = f" ({m.experts_per_token} of {m.experts} experts)" if m.is_moe else ""
        arch: tuple[Any, ...] = (count(m.active_parameters) + moe, m.layers, _attention(m), f"{m.context_length:,}",
                f"{m.flops_per_token('decode', context).to('GFLOP').magnitude:.3g} GFLOP/token at {context:,} context",
                f"{m.kv_cache_bytes_per_token('fp16'):~P.0f}")
    else:
        assert isinstance(m, CNNWorkload)
        arch = ("–", "–", "–", "–", f"{m.flops_per_inference.to('GFLOP').magnitude:.3g} GFLOP/inference", "–")
    row = [f"`{name}`", m.name, count(m.parameters), *arch[:5],
           *[f"{m.weight_bytes(p).to('GB').magnitude:.4g} GB" for p in ("fp16", "int8", "int4")], arch[5], _cite(m)]
    return headers, row


def _system(name: str, s: Any) -> tuple[list[str], list[Any]]:
    if isinstance(s, Node):
        return (["Name", "Node", "Accelerators", "Scale-up link (bidirectional)", "Max power", "Price", "Source"],
                [f"`{name}`", s.name, f"{s.accelerators_per_node} × {s.accelerator.name}", f"{s.intra_node_bw:~P}",
                 "–" if s.max_power is None else f"{s.max_power.to('kW'):.3g~P}",
                 "–" if s.unit_cost is None else f"${s.unit_cost.magnitude:,.0f}", _cite(s)])
    if isinstance(s, NetworkFabric):
        return (["Name", "Fabric", "Port bandwidth (per direction)", "Latency", "Topology", "Source"],
                [f"`{name}`", s.name, f"{s.bandwidth:~P} ({s.bandwidth.to('GB/s'):~P})", f"{s.latency:~P}",
                 s.topology, _cite(s)])
    assert isinstance(s, Fleet)
    return (["Name", "Cluster", "Nodes", "Accelerators", "Fabric", "Source"],
            [f"`{name}`", s.name, s.count, f"{s.total_accelerators:,}", s.fabric.name, _cite(s)])


def _infra(name: str, g: Any) -> tuple[list[str], list[Any]]:
    if isinstance(g, CloudPrice):
        return (["Name", "Offer", "Accelerators", "USD per GPU-hour", "Region", "Date", "Source"],
                [f"`{name}`", g.name, f"{g.accelerators} × {g.accelerator}", f"${g.usd_per_gpu_hour:.2f}",
                 g.region or "–", g.date, _cite(g)])
    if isinstance(g, Facility):
        return (["Name", "Facility class", "PUE", "WUE", "Source"],
                [f"`{name}`", g.name, f"{g.pue:.2f}", f"{g.wue:~P}", _cite(g)])
    if isinstance(g, Datacenter):
        return (["Name", "Site", "Grid", "Facility class", "PUE", "WUE", "Source"],
                [f"`{name}`", g.name, g.grid.name, g.facility.name if g.facility else "–", f"{g.site_pue:.2f}",
                 f"{g.liters_per_kwh:g} L/kWh", _cite(g)])
    assert isinstance(g, GridProfile)
    mix = ", ".join(f"{k} {v:.0%}" for k, v in sorted((g.generation_mix or {}).items(), key=lambda kv: -kv[1]))
    direct = "–" if g.direct_carbon_intensity is None else f"{g.direct_carbon_intensity:~P}"
    return (["Name", "Region", "Carbon intensity (life-cycle)", "Direct (combustion)", "Price", "Generation mix",
             "Source"],
            [f"`{name}`", g.name, f"{g.carbon_intensity:~P}", direct, f"{g.electricity_price:~P}", mix or "–",
             _cite(g)])


def _row_maker(entry: Any):
    if isinstance(entry, HardwareNode):
        return _hardware
    if isinstance(entry, (TransformerWorkload, CNNWorkload)):
        return _model
    if isinstance(entry, (Node, NetworkFabric, Fleet)):
        return _system
    if isinstance(entry, (GridProfile, Datacenter, Facility, CloudPrice)):
        return _infra
    raise TypeError(f"no zoo table for {type(entry).__name__}")


def zoo_rows(catalog: Catalog) -> tuple[list[str], list[list[Any]]]:
    """Headers and one row per entry of ``catalog`` (entries of one kind)."""
    headers: list[str] = []
    rows = []
    for name, entry in catalog.items():
        headers, row = _row_maker(entry)(name, entry)
        rows.append(row)
    return headers, rows


def zoo_table(catalog: Catalog) -> str:
    """A Markdown table of ``catalog`` with one row per entry and each row's citation, in a ``zoo-table``
    div (the site makes it sortable and filterable); each entry's name carries a stable anchor (``#H100``)."""
    headers, rows = zoo_rows(catalog)
    for row in rows:
        row[0] = f"[{row[0]}]{{#{row[0].strip('`')}}}"
    return "::: {.zoo-table}\n" + markdown_table(headers, rows, "<" * len(headers)) + "\n:::\n"


__all__ = ["zoo_rows", "zoo_table"]
