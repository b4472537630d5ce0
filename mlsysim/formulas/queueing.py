"""Queueing formulas for a replica with ``c`` identical servers and Poisson arrivals [@harchol2013performance].

M/M/c (Erlang C): with offered load a = λ/μ and utilization ρ = a/c < 1,
P(wait) = C(c, a), and the waiting time is zero with probability 1 − C and
otherwise exponential with rate cμ − λ.
"""

from __future__ import annotations

import math

import numpy as np


def erlang_c(servers, offered_load):
    """Probability an arrival waits in M/M/c: C(c, a), computed with the stable Erlang-B recursion."""
    if offered_load >= servers:
        return 1.0
    b = 1.0
    for k in range(1, int(servers) + 1):
        b = offered_load * b / (k + offered_load * b)
    rho = offered_load / servers
    return b / (1 - rho + rho * b)


def erlang_c_array(servers, offered_load):
    """:func:`erlang_c` over numpy arrays of server counts and offered loads at once (the same recursion,
    each element stopping at its own count); 1 where the load reaches the servers."""
    servers, load = np.asarray(servers, dtype=float), np.asarray(offered_load, dtype=float)
    b = np.ones_like(load)
    for k in range(1, int(servers.max()) + 1):
        b = np.where(k <= servers, load * b / (k + load * b), b)
    rho = load / servers
    return np.where(rho >= 1, 1.0, b / (1 - rho + rho * b))


def mmc_mean_wait(arrival_rate, service_rate, servers):
    """Mean queueing delay W_q = C(c, a) / (cμ − λ).  For c = 1 this is ρ / (μ − λ)."""
    a = arrival_rate / service_rate
    return erlang_c(servers, a) / (servers * service_rate - arrival_rate)


def mmc_wait_percentile(arrival_rate, service_rate, servers, p):
    """The p-quantile of the M/M/c waiting time: max(0, ln(C / (1 − p)) / (cμ − λ))."""
    c_wait = erlang_c(servers, arrival_rate / service_rate)
    if c_wait <= 1 - p:
        return 0.0
    return math.log(c_wait / (1 - p)) / (servers * service_rate - arrival_rate)
