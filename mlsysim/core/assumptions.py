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
