"""Named modelling assumptions: every default a solver uses, in one place.

Each is overridable by the argument of the same purpose; the accuracy page
compares the defaults with published measurements.
"""

from __future__ import annotations

DEFAULT_EFFICIENCY = 0.5
"""Fraction of dense peak FLOP/s a well-tuned kernel sustains (MFU-like).

Large GEMMs reach 60-80 % of peak; whole networks with small layers,
normalization and attention land near 40-55 %."""

DEFAULT_MEMORY_EFFICIENCY = 0.8
"""Fraction of peak DRAM/HBM bandwidth sustained by streaming kernels."""

DEFAULT_SEQ_LEN = 2048
"""Tokens of context per sequence when a transformer solve is not told."""

DEFAULT_OPTIMIZER = "adam"
"""Optimizer whose state a training step keeps (see ``OPTIMIZER_STATE_BYTES``)."""

# --- Fleets --------------------------------------------------------------

DEFAULT_GLOBAL_BATCH = 1024
"""Sequences per optimizer step when a distributed solve is not told
(2 M tokens at 2,048 tokens each, between GPT-3's 3.2 M and smaller runs)."""

DEFAULT_MICRO_BATCH = 1
"""Sequences per microbatch: the usual choice for large models under pipeline parallelism."""

DEFAULT_FABRIC_LATENCY_S = 5e-6
"""End-to-end small-message latency α of an InfiniBand/RoCE hop through a fat tree, in s."""

DEFAULT_INTRA_NODE_LATENCY_S = 2e-6
"""Small-message latency α over NVLink/NVSwitch, in s."""

DEFAULT_DP_OVERLAP = 1.0
"""Fraction of the backward pass the data-parallel gradient all-reduce can hide behind."""

DEFAULT_MFU = 0.4
"""Model FLOP utilization of a large training run; Llama 3 405B reports 38-43 % [@dubey2024llama3]."""

# --- Power, money, reliability ------------------------------------------

IDLE_POWER_FRACTION = 0.35
"""Server power at idle as a fraction of peak [@barroso2018datacenter]."""

NODE_POWER_PER_ACCELERATOR_TDP = 10.2 / (8 * 0.7)
"""Whole-node power over accelerator TDP when a node gives no figure: a DGX H100
draws 10.2 kW at most for 8 x 700 W GPUs [@nvidia2023dgxh100]."""

FACILITY_CAPEX_PER_WATT = 10.0
"""Datacenter construction cost, USD per watt of critical IT power [@barroso2018datacenter]."""

NETWORK_CAPEX_FRACTION = 0.15
"""Cluster network (switches, optics, cables) as a fraction of node cost.  An assumption:
vendors publish no list prices; change it with ``network_capex_fraction=``."""

MAINTENANCE_FRACTION_PER_YEAR = 0.05
"""Yearly hardware maintenance and repair as a fraction of hardware cost [@barroso2018datacenter]."""

DEFAULT_LIFETIME_YEARS = 4.0
"""Straight-line depreciation period of accelerator servers [@barroso2018datacenter]."""

NODE_FAILURES_PER_1000_NODE_DAYS = 6.5
"""Failure rate of 8-GPU nodes in Meta's RSC-1 cluster [@kokolis2025reliability]."""

DEFAULT_STORAGE_BW_BYTES = 7e9
"""Sequential read rate of one PCIe 4.0 NVMe drive feeding a node, in B/s [@samsung2020pm1733]."""
