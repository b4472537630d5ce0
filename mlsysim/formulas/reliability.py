"""Failures and checkpointing: exponential failures, Young–Daly interval [@young1974; @daly2006]."""

from __future__ import annotations

import math


def fleet_mtbf(component_mtbf, components):
    """MTBF of N independent components in series: MTBF / N."""
    return component_mtbf / components


def failure_probability(duration, mtbf):
    """P(at least one failure in ``duration``) = 1 − exp(−t / MTBF)."""
    return 1 - math.exp(-float(duration / mtbf))


def young_daly_interval(checkpoint_time, mtbf):
    """Optimal checkpoint interval τ = √(2 · δ · MTBF) (first order in δ / MTBF)."""
    return (2 * checkpoint_time * mtbf) ** 0.5


def daly_interval(checkpoint_time, mtbf):
    """Daly's higher-order optimal interval [@daly2006]: for δ < 2·MTBF,
    τ = √(2δM)·[1 + ⅓·√(δ/2M) + (1/9)·(δ/2M)] − δ; otherwise τ = M (checkpointing cannot keep up).

    >>> from mlsysim.formulas import daly_interval
    >>> round(daly_interval(60.0, 3600.0 * 24), 1)  # a minute to write, a day between failures
    3180.1
    """
    if checkpoint_time >= 2 * mtbf:
        return mtbf
    x = checkpoint_time / (2 * mtbf)
    return (2 * checkpoint_time * mtbf) ** 0.5 * (1 + x**0.5 / 3 + x / 9) - checkpoint_time


def checkpoint_write_time(state_bytes, writers, bandwidth_per_writer):
    """Seconds to write ``state_bytes`` when ``writers`` nodes each stream their shard at
    ``bandwidth_per_writer`` bytes/s in parallel: state / (writers × bandwidth)."""
    return state_bytes / (writers * bandwidth_per_writer)


def checkpoint_overhead(interval, checkpoint_time, mtbf, restart_time=0):
    """Fraction of wall-clock time lost: δ/τ for writing, (τ/2 + R)/MTBF for rework and restart."""
    return checkpoint_time / interval + (interval / 2 + restart_time) / mtbf
