"""Collective-communication cost models (alpha-beta) [@thakur2005collectives; @patarasuk2009bandwidth].

``bandwidth`` is the per-rank link rate in **one direction**; ``latency`` is
the per-message start-up cost α.
"""

from __future__ import annotations


def ring_allreduce_bytes(message, ranks):
    """Bytes each rank sends in a ring all-reduce: 2(N−1)/N × message."""
    return 2 * (ranks - 1) / ranks * message


def ring_allreduce_time(message, ranks, bandwidth, latency):
    """Ring all-reduce: 2(N−1)/N · M / B + 2(N−1) · α.  Zero for one rank."""
    if ranks <= 1:
        return 0 * message / bandwidth
    return ring_allreduce_bytes(message, ranks) / bandwidth + 2 * (ranks - 1) * latency


def small_allreduce_time(message, ranks, bandwidth, base_latency, per_rank_latency):
    """All-reduce inside a scale-up domain as serving engines run it: α₀ + (N−1)·α₁ + 2(N−1)/N · M / B.

    The latency terms come from measured one-shot and NVLS all-reduces on NVSwitch nodes
    [@nccl2024nvlslatency; @helion2025oneshot]; the bandwidth term is the ring's, the least any
    algorithm moves.  Zero for one rank.
    """
    if ranks <= 1:
        return 0 * message / bandwidth
    return base_latency + (ranks - 1) * per_rank_latency + ring_allreduce_bytes(message, ranks) / bandwidth


def ring_allgather_time(message, ranks, bandwidth, latency):
    """Ring all-gather (or reduce-scatter) of a ``message``-sized result: (N−1)/N · M / B + (N−1) · α."""
    if ranks <= 1:
        return 0 * message / bandwidth
    return (ranks - 1) / ranks * message / bandwidth + (ranks - 1) * latency


def hierarchical_allreduce_time(message, local_ranks, nodes, local_bw, local_latency, network_bw, network_latency):
    """Two-level all-reduce: reduce-scatter inside each node, ring all-reduce of the
    1/local shard across nodes (all local ranks in parallel, each on its own NIC),
    then all-gather inside the node."""
    inside = 2 * ring_allgather_time(message, local_ranks, local_bw, local_latency)
    across = ring_allreduce_time(message / local_ranks, nodes, network_bw, network_latency)
    return inside + across


def point_to_point_time(message, bandwidth, latency):
    """One send: α + M / B."""
    return latency + message / bandwidth
