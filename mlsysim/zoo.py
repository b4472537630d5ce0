"""The zoo tables: for each kind of registry entry, the fields a user compares, with citations.

`zoo_table(Hardware)` returns a Markdown table with one row per entry (a
page prints it with `#| output: asis`); `zoo_rows` gives the same rows
as data.  A new registry entry appears in both with no other edit.
"""

from __future__ import annotations

import math
from typing import Any

from .core.assumptions import DEFAULTS
from .core.catalog import Catalog
from .core.units import ureg
from .hardware.types import HardwareNode
from .infra.types import CloudPrice, Datacenter, Facility, GridProfile
from .models.types import CNNWorkload, EncoderWorkload, TransformerWorkload
from .show import format_value, markdown_table
from .systems.types import Fleet, NetworkFabric, Node

HW_PRECISIONS = ("fp32", "tf32", "fp16/bf16", "fp8", "int8", "int4", "fp4")


def _cite(entry: Any) -> str:
    return f"[@{entry.source}]" if getattr(entry, "source", None) else ""


def _num(x: float, sig: int = 4) -> str:
    """`x` to `sig` significant figures, with thousands separators and never in scientific notation."""
    if x == 0:
        return "0"
    digits = max(0, sig - 1 - math.floor(math.log10(abs(x))))
    text = f"{x:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scaled(value: float, unit: str, prefixes: tuple[tuple[float, str], ...], sig: int = 4) -> str:
    """`value` (in `unit`) with the largest prefix it reaches, e.g. `47.51 kB` rather than `4.751e-05 GB`."""
    factor, prefix = next(((f, p) for f, p in prefixes if abs(value) >= f), prefixes[-1])
    return f"{_num(value / factor, sig)} {prefix}{unit}"


_DECIMAL = ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


def _tflops(hw: HardwareNode, precision: str) -> str:
    """A peak in TFLOP/s, the column's unit; below 1 TFLOP/s (microcontrollers) with its own unit, e.g. 64 MFLOP/s."""
    rates = {**{hw.compute.peak_precision: hw.compute.peak_flops}, **hw.compute.precision_flops}
    found = [rates[p] for p in precision.split("/") if p in rates]
    if not found:
        return "–"
    value = found[0].to("TFLOP/s").magnitude
    if value < 1:
        return _scaled(value * 1e12, "FLOP/s", ((1e9, "G"), (1e6, "M"), (1e3, "k")))
    return _num(value)


def _hardware(name: str, hw: HardwareNode) -> tuple[list[str], list[Any]]:
    headers = ["Name", "Device", *[f"{p.upper()} TFLOP/s" for p in HW_PRECISIONS], "Memory", "Bandwidth",
               "Ridge (16-bit, else int8)", "TDP", "Year", "Source"]
    ridge_precision = next(p for p in ("fp16", "bf16", "int8") if hw.supports(p))
    row = [f"`{name}`", hw.name, *[_tflops(hw, p) for p in HW_PRECISIONS],
           format_value(hw.memory.capacity), format_value(hw.memory.bandwidth),
           f"{_num(hw.ridge_point(ridge_precision).magnitude)} flop/B", "–" if hw.tdp is None else format_value(hw.tdp),
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
        return _scaled(q.to("param").magnitude, "param", ((1e9, "B"), (1e6, "M"), (1e3, "k")))

    def size(q: Any) -> str:  # decimal bytes in the largest unit the size reaches: 141.2 GB, 47.51 kB
        return _scaled(q.to("B").magnitude, "B", ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")))

    def work(q: Any, per: str) -> str:
        return _scaled(q.to("flop").magnitude, f"FLOP/{per}", _DECIMAL, 3)

    if isinstance(m, TransformerWorkload):
        context = min(DEFAULTS.seq_len, m.context_length)
        moe = f" ({m.experts_per_token} of {m.experts} experts)" if m.is_moe else ""
        arch: tuple[Any, ...] = (count(m.active_parameters) + moe, m.layers, _attention(m), f"{m.context_length:,}",
                f"{work(m.flops_per_token('decode', context), 'token')} at {context:,} context",
                f"{m.kv_cache_bytes_per_token('fp16').to('KiB').magnitude:,.0f} KiB")
    elif isinstance(m, EncoderWorkload):
        decoder = f" + {m.decoder_layers} decoder" if m.has_decoder else ""
        attention = f"{m.attention_heads} heads, bidirectional" + ("; decoder causal and cross" if m.has_decoder else "")
        shape = f"{m.sequence_length:,} positions" + (f", {m.decoder_tokens} tokens out" if m.has_decoder else "")
        arch = ("–", f"{m.layers}{decoder}", attention, f"{m.context_length:,}",
                f"{work(m.flops_per_inference, 'sample')} ({shape})", "–")
    else:
        assert isinstance(m, CNNWorkload)
        arch = ("–", "–", "–", "–", work(m.flops_per_inference, "inference"), "–")
    row = [f"`{name}`", m.name, count(m.parameters), *arch[:5],
           *[size(m.weight_bytes(p)) for p in ("fp16", "int8", "int4")], arch[5], _cite(m)]
    return headers, row


def _system(name: str, s: Any) -> tuple[list[str], list[Any]]:
    if isinstance(s, Node):
        return (["Name", "Node", "Accelerators", "Scale-up link (bidirectional)", "Max power", "Price", "Source"],
                [f"`{name}`", s.name, f"{s.accelerators_per_node} × {s.accelerator.name}",
                 f"{_num(s.intra_node_bw.to('GB/s').magnitude)} GB/s",
                 "–" if s.max_power is None else f"{s.max_power.to('kW'):.3g~P}",
                 "–" if s.unit_cost is None else f"${s.unit_cost.magnitude:,.0f}", _cite(s)])
    if isinstance(s, NetworkFabric):
        gb_s = f"{_num(s.bandwidth.to('GB/s').magnitude)} GB/s"
        # a link rated in bits per second (a NIC port) shows its bytes beside; one rated in bytes, once
        rated_in_bits = s.bandwidth.units == ureg.Gbps
        shown = f"{_num(s.bandwidth.magnitude)} Gb/s ({gb_s})" if rated_in_bits else gb_s
        return (["Name", "Fabric", "Bandwidth per port or GPU, one direction", "Latency", "Topology", "Source"],
                [f"`{name}`", s.name, shown, f"{_num(s.latency.to('µs').magnitude)} µs", s.topology, _cite(s)])
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
                [f"`{name}`", g.name, f"{g.pue:.2f}", f"{_num(g.wue.to('L/kWh').magnitude)} L/kWh", _cite(g)])
    if isinstance(g, Datacenter):
        return (["Name", "Site", "Grid", "Facility class", "PUE", "WUE", "Source"],
                [f"`{name}`", g.name, g.grid.name, g.facility.name if g.facility else "–", f"{g.site_pue:.2f}",
                 f"{_num(g.liters_per_kwh)} L/kWh", _cite(g)])
    assert isinstance(g, GridProfile)
    # shares to the tenth of a percent where they have one (coal 0.5 %, biomass 1.5 %), never rounded to 0 %
    mix = ", ".join(f"{k} {round(100 * v, 1):g}%" for k, v in sorted((g.generation_mix or {}).items(),
                                                                     key=lambda kv: -kv[1]))

    def intensity(q: Any) -> str:  # 0 g/kWh only when exactly zero (a grid of hydro, wind and biomass burns nothing)
        return f"{_num(q.to('g/kWh').magnitude)} g/kWh"

    direct = "–" if g.direct_carbon_intensity is None else intensity(g.direct_carbon_intensity)
    return (["Name", "Region", "Carbon intensity (life-cycle)", "Direct (combustion)", "Price", "Generation mix",
             "Source"],
            [f"`{name}`", g.name, intensity(g.carbon_intensity), direct,
             f"${g.electricity_price.to('USD/kWh').magnitude:.3f}/kWh", mix or "–",
             _cite(g)])


def _row_maker(entry: Any):
    if isinstance(entry, HardwareNode):
        return _hardware
    if isinstance(entry, (TransformerWorkload, EncoderWorkload, CNNWorkload)):
        return _model
    if isinstance(entry, (Node, NetworkFabric, Fleet)):
        return _system
    if isinstance(entry, (GridProfile, Datacenter, Facility, CloudPrice)):
        return _infra
    raise TypeError(f"no zoo table for {type(entry).__name__}")


def zoo_rows(catalog: Catalog) -> tuple[list[str], list[list[Any]]]:
    """Headers and one row per entry of `catalog` (entries of one kind): the zoo pages' tables as data.

    Each row starts with the entry's name in code and ends with its citation; the columns depend on the
    kind (hardware, models, nodes, fabrics, clusters, grids, facilities, datacenters, cloud prices).

    Args:
        catalog: a catalog of one kind of entry, such as `Hardware.Cloud` or `Systems.Fabrics`.

    Returns:
        The headers, and one list of cells per entry.

    Example:
        >>> from mlsysim import Systems, zoo
        >>> headers, rows = zoo.zoo_rows(Systems.Fabrics)
        >>> headers[:3], len(rows) == len(Systems.Fabrics)
        (['Name', 'Fabric', 'Bandwidth per port or GPU, one direction'], True)
    """
    headers: list[str] = []
    rows = []
    for name, entry in catalog.items():
        headers, row = _row_maker(entry)(name, entry)
        rows.append(row)
    return headers, rows


def zoo_table(catalog: Catalog) -> str:
    """A Markdown table of `catalog` with one row per entry and each row's citation, in a `zoo-table`
    div (the site makes it sortable and filterable); each entry's name carries a stable anchor (`#H100`).

    A page prints it from a cell with `output: asis`, so the citations render.

    Args:
        catalog: a catalog of one kind of entry.

    Returns:
        The Markdown text.

    Example:
        >>> from mlsysim import Systems, zoo
        >>> print(zoo.zoo_table(Systems.Fabrics).splitlines()[1])
        | Name | Fabric | Bandwidth per port or GPU, one direction | Latency | Topology | Source |
    """
    headers, rows = zoo_rows(catalog)
    for row in rows:
        row[0] = f"[{row[0]}]{{#{row[0].strip('`')}}}"
    return "::: {.zoo-table}\n" + markdown_table(headers, rows, "<" * len(headers)) + "\n:::\n"


__all__ = ["zoo_rows", "zoo_table"]
