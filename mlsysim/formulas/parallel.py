"""Pipeline parallelism: the idle time and the activation memory of each schedule.

A step pushes `m` microbatches through `p` pipeline stages; `t` is the time one
stage spends on one microbatch (forward and backward).  The schedules:

* `"1f1b"` — one forward, one backward [@narayanan2021megatron]: the pipeline fills
  and drains once per step, idling (p − 1)·t; the first stage keeps min(m, p)
  microbatches' activations.
* `"interleaved"` — each GPU holds `v` chunks of layers (virtual stages)
  [@narayanan2021megatron]: the idle time shrinks to (p − 1)·t / v, so the bubble is
  (p − 1)/(v·m) of the ideal step; the first stage keeps p·(1 + (p − 1)/(p·v))
  microbatches' worth of activations [@korthikanti2022reducing] and the sends grow v-fold.
* `"zb-h1"` — zero-bubble ZB-H1 [@qi2024zerobubble]: the backward pass is split into
  the input gradient B and the weight gradient W, and W fills the drain: the idle time
  is (p − 1)·(F + B − W) at 1F1B's memory.  With F = B = W it is a third of 1F1B's.

These functions accept floats or NumPy arrays (the parallelism search evaluates every
plan at once).
"""

from __future__ import annotations

import numpy as np

SCHEDULES: tuple[str, ...] = ("1f1b", "interleaved", "zb-h1")


def pipeline_bubble_fraction(stages, microbatches, virtual_stages=1):
    """Idle fraction of a synchronous pipeline step: (p − 1)/v / (m + (p − 1)/v).

    `virtual_stages` = 1 is GPipe's and 1F1B's (p − 1)/(m + p − 1) [@huang2019gpipe]; v chunks of
    layers per GPU (the interleaved schedule) divide the idle time by v [@narayanan2021megatron].

    Args:
        stages (int | ndarray): pipeline stages (p).
        microbatches (int | ndarray): microbatches per step (m).
        virtual_stages (int | ndarray): chunks of layers per GPU (v); 1 without interleaving.

    Returns:
        (float | ndarray): the idle fraction of the step, in [0, 1).

    Example:
        >>> from mlsysim.formulas import pipeline_bubble_fraction
        >>> round(pipeline_bubble_fraction(16, 16), 3), round(pipeline_bubble_fraction(16, 16, 4), 3)
        (0.484, 0.19)
    """
    idle = (stages - 1) / virtual_stages
    return idle / (microbatches + idle)


def pipeline_idle_time(schedule: str, stages, stage_time, virtual_stages=1, weight_grad_time=0.0):
    """Seconds a pipeline stage idles per step under `schedule`.

    1F1B idles (p − 1)·t per step while the pipeline fills and drains [@narayanan2021megatron];
    the interleaved schedule (p − 1)·t / v [@narayanan2021megatron]; ZB-H1 defers the weight-gradient
    part W of the backward pass into the drain, idling (p − 1)·(t − 2·W) [@qi2024zerobubble].

    Args:
        schedule (str): "1f1b", "interleaved" or "zb-h1".
        stages (int | ndarray): pipeline stages (p).
        stage_time (float | ndarray): seconds one microbatch spends in one stage, forward and backward (t).
        virtual_stages (int | ndarray): chunks of layers per GPU (v; the interleaved schedule).
        weight_grad_time (float | ndarray): seconds of `stage_time` that compute weight gradients (W; ZB-H1).

    Returns:
        (float | ndarray): seconds idle per step.

    Example:
        >>> from mlsysim.formulas import pipeline_idle_time
        >>> pipeline_idle_time("1f1b", 4, 3.0), pipeline_idle_time("interleaved", 4, 3.0, 3)
        (9.0, 3.0)
        >>> float(pipeline_idle_time("zb-h1", 4, 3.0, weight_grad_time=1.0))  # (p − 1)(F + B − W) = 3 × 1
        3.0
    """
    if schedule == "1f1b":
        return (stages - 1) * stage_time
    if schedule == "interleaved":
        return (stages - 1) * stage_time / virtual_stages
    if schedule == "zb-h1":
        return (stages - 1) * np.maximum(stage_time - 2 * weight_grad_time, 0.0)
    raise ValueError(f"unknown pipeline schedule {schedule!r}; one of {SCHEDULES}")


def microbatches_in_flight(schedule: str, stages, microbatches, virtual_stages=1, stage_index=0):
    """Microbatches whose activations stage `stage_index` (0 = first) keeps at its peak, in units of one
    microbatch through that stage's layers.

    1F1B and ZB-H1: min(m, p − i) [@narayanan2021megatron; @qi2024zerobubble]; interleaved: that times
    1 + (p − 1)/(p·v) [@korthikanti2022reducing].

    Args:
        schedule (str): "1f1b", "interleaved" or "zb-h1".
        stages (int | ndarray): pipeline stages (p).
        microbatches (int | ndarray): microbatches per step (m).
        virtual_stages (int | ndarray): chunks of layers per GPU (v; the interleaved schedule).
        stage_index (int): which stage, 0 for the first (i).

    Returns:
        (float | ndarray): microbatches' worth of activations held at the peak.

    Example:
        >>> from mlsysim.formulas import microbatches_in_flight
        >>> float(microbatches_in_flight("1f1b", 8, 32)), float(microbatches_in_flight("interleaved", 8, 32, 2))
        (8.0, 11.5)
    """
    held = np.minimum(microbatches, stages - stage_index)
    if schedule == "interleaved":
        return held * (1 + (stages - 1) / (stages * virtual_stages))
    return held
