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


def checkpoint_overhead(interval, checkpoint_time, mtbf, restart_time=0):
    """Fraction of wall-clock time lost: δ/τ for writing, (τ/2 + R)/MTBF for rework and restart."""
    return checkpoint_time / interval + (interval / 2 + restart_time) / mtbf
