"""Failures and checkpointing: exponential failures, Young–Daly interval and Daly's wall-time model
[@young1974; @daly2006]."""

from __future__ import annotations

import math


def fleet_mtbf(component_mtbf, components):
    """MTBF of N independent components in series, any one of which stops the job: MTBF / N [@young1974].

    Args:
        component_mtbf (Quantity | float): mean time between failures of one component.
        components (int | float): components.

    Returns:
        (Quantity | float): the fleet's MTBF, in the units of `component_mtbf`.

    Example:
        >>> from mlsysim import Q_
        >>> from mlsysim.formulas import fleet_mtbf
        >>> fleet_mtbf(Q_(50_000, "hour"), 1000)  # a thousand parts that each fail every 50,000 hours
        <Quantity(50.0, 'hour')>
    """
    return component_mtbf / components


def failure_probability(duration, mtbf):
    """Probability of at least one failure in `duration` under exponential failures: 1 − exp(−t / MTBF).

    Args:
        duration (Quantity | float): the job's length.
        mtbf (Quantity | float): mean time between failures, in units compatible with `duration`.

    Returns:
        (float): the probability, in [0, 1).

    Example:
        >>> from mlsysim import Q_
        >>> from mlsysim.formulas import failure_probability
        >>> round(failure_probability(Q_(1, "day"), Q_(50, "hour")), 3)
        0.381
    """
    return 1 - math.exp(-float(duration / mtbf))


def young_daly_interval(checkpoint_time, mtbf):
    """Young's optimal checkpoint interval τ = √(2 · δ · MTBF), first order in δ / MTBF [@young1974].

    Args:
        checkpoint_time (Quantity | float): time to write one checkpoint (δ).
        mtbf (Quantity | float): the job's mean time between failures, in the same units.

    Returns:
        (Quantity | float): the interval between checkpoints.

    Example:
        >>> from mlsysim.formulas import young_daly_interval
        >>> round(young_daly_interval(60.0, 86400.0))  # seconds: a minute to write, a day between failures
        3220
    """
    return (2 * checkpoint_time * mtbf) ** 0.5


def daly_interval(checkpoint_time, mtbf):
    """Daly's higher-order optimal interval [@daly2006]: for δ < 2·MTBF,
    τ = √(2δM)·[1 + ⅓·√(δ/2M) + (1/9)·(δ/2M)] − δ; otherwise τ = M (checkpointing cannot keep up).

    Args:
        checkpoint_time (float): seconds to write one checkpoint (δ).
        mtbf (float): the job's mean time between failures, seconds (M).

    Returns:
        (float): seconds of computation between checkpoints.

    Example:
        >>> from mlsysim.formulas import daly_interval
        >>> round(daly_interval(60.0, 3600.0 * 24), 1)  # a minute to write, a day between failures
        3180.1
    """
    if checkpoint_time >= 2 * mtbf:
        return mtbf
    x = checkpoint_time / (2 * mtbf)
    return (2 * checkpoint_time * mtbf) ** 0.5 * (1 + x**0.5 / 3 + x / 9) - checkpoint_time


def checkpoint_write_time(state_bytes, writers, bandwidth_per_writer):
    """Seconds to write `state_bytes` when `writers` nodes each stream their shard in parallel:
    state / (writers × bandwidth).

    Args:
        state_bytes (Quantity | float): bytes of the checkpoint (see `checkpoint_bytes_per_param`).
        writers (int): nodes writing at once.
        bandwidth_per_writer (Quantity | float): bytes/s each node writes to storage.

    Returns:
        (Quantity | float): seconds.

    Example:
        >>> from mlsysim.formulas import checkpoint_write_time
        >>> checkpoint_write_time(1.1e12, 16, 2e9)  # 1.1 TB from 16 nodes at 2 GB/s each
        34.375
    """
    return state_bytes / (writers * bandwidth_per_writer)


def checkpoint_overhead(interval, checkpoint_time, mtbf, restart_time=0):
    """Fraction of wall-clock time lost, to first order: δ/τ for writing checkpoints, (τ/2 + R)/MTBF for
    rework and restart [@young1974; @daly2006].

    Args:
        interval (float): seconds of computation between checkpoints (τ).
        checkpoint_time (float): seconds to write one checkpoint (δ).
        mtbf (float): the job's mean time between failures, seconds.
        restart_time (float): seconds to restart after a failure (R).

    Returns:
        (float): the fraction lost (1 − goodput, to first order).

    Example:
        >>> from mlsysim.formulas import checkpoint_overhead
        >>> round(checkpoint_overhead(3600.0, 60.0, 86400.0, 600.0), 4)
        0.0444
    """
    return checkpoint_time / interval + (interval / 2 + restart_time) / mtbf


def daly_goodput(interval, checkpoint_time, mtbf, restart_time=0):
    """Fraction of wall-clock time spent on useful work under exponential failures [@daly2006]:
    τ / (M · e^{R/M} · (e^{(τ+δ)/M} − 1)), for compute segments τ, checkpoint pause δ, MTBF M and
    restart time R.  To first order it is 1 − δ/τ − (τ/2 + R)/M; unlike that expansion it stays in
    (0, 1] when failures come faster than checkpoints.

    Args:
        interval (float): seconds of computation between checkpoints (τ).
        checkpoint_time (float): seconds to write one checkpoint (δ).
        mtbf (float): the job's mean time between failures, seconds (M).
        restart_time (float): seconds to restart after a failure (R).

    Returns:
        (float): the useful fraction of wall-clock time, in [0, 1].

    Example:
        >>> from mlsysim.formulas import daly_goodput
        >>> round(daly_goodput(3600.0, 60.0, 86400.0, 600.0), 4)  # hourly, a minute to write, a day's MTBF
        0.9563
    """
    exponent = (interval + checkpoint_time) / mtbf + restart_time / mtbf
    if exponent > 700.0:  # e^700 ≈ 1e304: no segment ever completes
        return 0.0
    return interval / (mtbf * math.exp(restart_time / mtbf) * math.expm1((interval + checkpoint_time) / mtbf))
