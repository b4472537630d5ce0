"""The roofline model [@williams2009roofline]: time is bounded by compute or by memory."""

from __future__ import annotations


def compute_time(flops, peak_flop_rate, efficiency=1.0):
    """Time the arithmetic takes: T_compute = FLOPs / (peak FLOP/s × efficiency) [@williams2009roofline].

    Args:
        flops (Quantity | float): floating-point operations of the work (flop, or a plain count).
        peak_flop_rate (Quantity | float): the device's dense peak (FLOP/s, or flop/s as a float).
        efficiency (float): fraction of the peak reached, in (0, 1]; 1 is the roof itself.

    Returns:
        (Quantity | float): seconds (a time Quantity when the inputs are Quantities).

    Example:
        >>> from mlsysim import Q_
        >>> from mlsysim.formulas import compute_time
        >>> compute_time(Q_(989, "TFLOP"), Q_(989, "TFLOP/s"), 0.5).to("s")
        <Quantity(2.0, 'second')>
    """
    return flops / (peak_flop_rate * efficiency)


def memory_time(bytes_moved, bandwidth, efficiency=1.0):
    """Time the memory traffic takes: T_memory = bytes moved / (bandwidth × efficiency) [@williams2009roofline].

    Args:
        bytes_moved (Quantity | float): bytes read and written (B, or bytes as a float).
        bandwidth (Quantity | float): peak memory bandwidth (B/s, or bytes/s as a float).
        efficiency (float): fraction of the peak bandwidth reached, in (0, 1].

    Returns:
        (Quantity | float): seconds (a time Quantity when the inputs are Quantities).

    Example:
        >>> from mlsysim import Q_
        >>> from mlsysim.formulas import memory_time
        >>> f"{memory_time(Q_(16, 'GB'), Q_(3.35, 'TB/s')).to('ms'):.3~P}"
        '4.78 ms'
    """
    return bytes_moved / (bandwidth * efficiency)


def roofline_latency(t_compute, t_memory, overhead=0.0):
    """The roofline's latency: max(T_compute, T_memory) + fixed overhead, with compute and memory fully
    overlapped [@williams2009roofline].

    Args:
        t_compute (Quantity | float): time of the arithmetic (see `compute_time`).
        t_memory (Quantity | float): time of the memory traffic (see `memory_time`), in the same units.
        overhead (Quantity | float): fixed time added once (launch, dispatch), in the same units.

    Returns:
        (Quantity | float): the latency, in the units of the inputs.

    Example:
        >>> from mlsysim.formulas import roofline_latency
        >>> roofline_latency(2.0e-3, 4.8e-3, 0.1e-3)  # seconds: memory-bound
        0.0049
    """
    return max(t_compute, t_memory) + overhead


def arithmetic_intensity(flops, bytes_moved):
    """Arithmetic intensity I = FLOPs / bytes moved: work per byte of memory traffic [@williams2009roofline].

    Args:
        flops (Quantity | float): floating-point operations of the work.
        bytes_moved (Quantity | float): bytes of memory traffic it causes.

    Returns:
        (Quantity | float): flop per byte.

    Example:
        >>> from mlsysim.formulas import arithmetic_intensity
        >>> arithmetic_intensity(16e9, 16e9)  # a batch-1 decode step of an 8B model in fp16: 2 flop per 2 bytes
        1.0
    """
    return flops / bytes_moved


def ridge_point(peak_flop_rate, bandwidth):
    """The ridge point I* = peak FLOP/s / bandwidth: below this arithmetic intensity a kernel is
    memory-bound, above it compute-bound [@williams2009roofline].

    Args:
        peak_flop_rate (Quantity | float): dense peak (FLOP/s).
        bandwidth (Quantity | float): peak memory bandwidth (B/s).

    Returns:
        (Quantity | float): flop per byte.

    Example:
        >>> from mlsysim import Q_
        >>> from mlsysim.formulas import ridge_point
        >>> f"{ridge_point(Q_(989, 'TFLOP/s'), Q_(3.35, 'TB/s')).to('flop/B'):.0f~P}"
        '295 FLOP/B'
    """
    return peak_flop_rate / bandwidth


def energy(power, duration):
    """Energy E = P × t at a constant power draw.

    Args:
        power (Quantity | float): watts drawn.
        duration (Quantity | float): how long (seconds).

    Returns:
        (Quantity | float): joules (a Quantity in W·s when the inputs are Quantities).

    Example:
        >>> from mlsysim import Q_
        >>> from mlsysim.formulas import energy
        >>> energy(Q_(700, "W"), Q_(1, "hour")).to("kWh")
        <Quantity(0.7, 'kilowatt_hour')>
    """
    return power * duration
