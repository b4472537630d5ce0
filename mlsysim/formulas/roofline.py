"""The roofline model [@williams2009roofline]: time is bounded by compute or by memory."""

from __future__ import annotations


def compute_time(flops, peak_flop_rate, efficiency=1.0):
    """T_compute = FLOPs / (peak FLOP/s × efficiency)."""
    return flops / (peak_flop_rate * efficiency)


def memory_time(bytes_moved, bandwidth, efficiency=1.0):
    """T_memory = bytes moved / (bandwidth × efficiency)."""
    return bytes_moved / (bandwidth * efficiency)


def roofline_latency(t_compute, t_memory, overhead=0.0):
    """Latency = max(T_compute, T_memory) + fixed overhead (compute and memory overlap)."""
    return max(t_compute, t_memory) + overhead


def arithmetic_intensity(flops, bytes_moved):
    """I = FLOPs / bytes moved (flop/byte)."""
    return flops / bytes_moved


def ridge_point(peak_flop_rate, bandwidth):
    """I* = peak FLOP/s / bandwidth: below it a kernel is memory-bound, above it compute-bound."""
    return peak_flop_rate / bandwidth


def energy(power, duration):
    """E = P × t."""
    return power * duration
