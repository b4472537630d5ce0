"""Collective-communication cost models (alpha-beta) [@thakur2005collectives; @patarasuk2009bandwidth].

`bandwidth` is the per-rank link rate in **one direction**; `latency` is
the per-message start-up cost α.
"""

from __future__ import annotations


def ring_allreduce_bytes(message, ranks):
    """Bytes each rank sends in a ring all-reduce: 2(N−1)/N × M [@patarasuk2009bandwidth].

    Args:
        message (Quantity | float): bytes of the buffer being reduced, per rank (M).
        ranks (int): ranks in the ring (N).

    Returns:
        (Quantity | float): bytes sent by each rank, in the units of `message`.

    Example:
        >>> from mlsysim.formulas import ring_allreduce_bytes
        >>> ring_allreduce_bytes(1e9, 8)  # a 1 GB gradient over 8 GPUs
        1750000000.0
    """
    return 2 * (ranks - 1) / ranks * message


def ring_allreduce_time(message, ranks, bandwidth, latency):
    """Ring all-reduce time, in the alpha-beta model: 2(N−1)/N · M / B + 2(N−1) · α; zero for one rank
    [@thakur2005collectives; @patarasuk2009bandwidth].

    Args:
        message (Quantity | float): bytes of the buffer being reduced, per rank (M).
        ranks (int): ranks in the ring (N).
        bandwidth (Quantity | float): per-rank link rate in one direction (B, bytes/s).
        latency (Quantity | float): start-up cost of one message (α, seconds).

    Returns:
        (Quantity | float): seconds.

    Example:
        >>> from mlsysim import Q_
        >>> from mlsysim.formulas import ring_allreduce_time
        >>> print(f"{ring_allreduce_time(Q_(1, 'GB'), 8, Q_(450, 'GB/s'), Q_(5, 'us')).to('ms'):.3~P}")
        3.96 ms
    """
    if ranks <= 1:
        return 0 * message / bandwidth
    return ring_allreduce_bytes(message, ranks) / bandwidth + 2 * (ranks - 1) * latency


def small_allreduce_time(message, ranks, bandwidth, base_latency, per_rank_latency):
    """All-reduce inside a scale-up domain as serving engines run it: α₀ + (N−1)·α₁ + 2(N−1)/N · M / B.

    The latency terms come from measured one-shot and NVLS all-reduces on NVSwitch nodes
    [@nccl2024nvlslatency; @helion2025oneshot]; the bandwidth term is the ring's, the least any
    algorithm moves.  Zero for one rank.

    Args:
        message (Quantity | float): bytes of the buffer being reduced, per rank (M).
        ranks (int): ranks taking part (N).
        bandwidth (Quantity | float): per-rank link rate in one direction (B, bytes/s).
        base_latency (Quantity | float): fixed start-up time of the collective (α₀, seconds).
        per_rank_latency (Quantity | float): time added by each further rank (α₁, seconds).

    Returns:
        (Quantity | float): seconds.

    Example:
        >>> from mlsysim.formulas import small_allreduce_time
        >>> round(small_allreduce_time(16e6, 8, 450e9, 8e-6, 0.5e-6) * 1e6, 1)  # µs: 16 MB over 8 GPUs
        73.7
    """
    if ranks <= 1:
        return 0 * message / bandwidth
    return base_latency + (ranks - 1) * per_rank_latency + ring_allreduce_bytes(message, ranks) / bandwidth


def ring_allgather_time(message, ranks, bandwidth, latency):
    """Ring all-gather (or reduce-scatter) of a `message`-sized result: (N−1)/N · M / B + (N−1) · α; zero
    for one rank [@thakur2005collectives].

    Args:
        message (Quantity | float): bytes of the gathered result on each rank (M).
        ranks (int): ranks in the ring (N).
        bandwidth (Quantity | float): per-rank link rate in one direction (B, bytes/s).
        latency (Quantity | float): start-up cost of one message (α, seconds).

    Returns:
        (Quantity | float): seconds.

    Example:
        >>> from mlsysim.formulas import ring_allgather_time
        >>> round(ring_allgather_time(1e9, 8, 450e9, 5e-6) * 1e3, 2)  # ms: half a ring all-reduce
        1.98
    """
    if ranks <= 1:
        return 0 * message / bandwidth
    return (ranks - 1) / ranks * message / bandwidth + (ranks - 1) * latency


def hierarchical_allreduce_time(message, local_ranks, nodes, local_bw, local_latency, network_bw, network_latency):
    """Two-level all-reduce: reduce-scatter inside each node, ring all-reduce of the
    1/local shard across nodes (all local ranks in parallel, each on its own NIC),
    then all-gather inside the node [@thakur2005collectives].

    Args:
        message (Quantity | float): bytes of the buffer being reduced, per rank.
        local_ranks (int): ranks per node (the reduce-scatter and all-gather ring).
        nodes (int): nodes (the ring across the network).
        local_bw (Quantity | float): per-rank scale-up link rate in one direction (bytes/s).
        local_latency (Quantity | float): start-up cost of one message inside a node (seconds).
        network_bw (Quantity | float): per-rank network rate in one direction (bytes/s, one NIC per rank).
        network_latency (Quantity | float): start-up cost of one message across the network (seconds).

    Returns:
        (Quantity | float): seconds.

    Example:
        >>> from mlsysim.formulas import hierarchical_allreduce_time
        >>> round(hierarchical_allreduce_time(1e9, 8, 16, 450e9, 5e-6, 50e9, 10e-6) * 1e3, 2)  # ms, 128 GPUs
        8.95
    """
    inside = 2 * ring_allgather_time(message, local_ranks, local_bw, local_latency)
    across = ring_allreduce_time(message / local_ranks, nodes, network_bw, network_latency)
    return inside + across


def point_to_point_time(message, bandwidth, latency):
    """One point-to-point send: α + M / B [@thakur2005collectives].

    Args:
        message (Quantity | float): bytes sent (M).
        bandwidth (Quantity | float): link rate in one direction (B, bytes/s).
        latency (Quantity | float): start-up cost of the message (α, seconds).

    Returns:
        (Quantity | float): seconds.

    Example:
        >>> from mlsysim.formulas import point_to_point_time
        >>> round(point_to_point_time(1e9, 50e9, 10e-6), 5)  # 1 GB over a 400 Gb/s NIC
        0.02001
    """
    return latency + message / bandwidth
