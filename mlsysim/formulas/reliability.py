"""Failures and checkpointing: exponential failures, Young–Daly interval and Daly's wall-time model
[@young1974; @daly2006]."""

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
    """Fraction of wall-clock time lost to first order: δ/τ for writing, (τ/2 + R)/MTBF for rework and restart."""
    return checkpoint_time / interval + (interval / 2 + restart_time) / mtbf


def daly_goodput(interval, checkpoint_time, mtbf, restart_time=0):
    """Fraction of wall-clock time spent on useful work under exponential failures [@daly2006]:
    τ / (M · e^{R/M} · (e^{(τ+δ)/M} − 1)), for compute segments τ, checkpoint pause δ, MTBF M and
    restart time R.  To first order it is 1 − δ/τ − (τ/2 + R)/M; unlike that expansion it stays in
    (0, 1] when failures come faster than checkpoints.

    >>> from mlsysim.formulas import daly_goodput
    >>> round(daly_goodput(3600.0, 60.0, 86400.0, 600.0), 4)  # hourly, a minute to write, a day's MTBF
    0.9563
    """
    exponent = (interval + checkpoint_time) / mtbf + restart_time / mtbf
    if exponent > 700.0:  # e^700 ≈ 1e304: no segment ever completes
        return 0.0
    return interval / (mtbf * math.exp(restart_time / mtbf) * math.expm1((interval + checkpoint_time) / mtbf))
