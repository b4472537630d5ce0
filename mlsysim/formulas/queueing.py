"""Queueing formulas for a replica with `c` identical servers and Poisson arrivals [@harchol2013performance].

M/M/c (Erlang C): with offered load a = λ/μ and utilization ρ = a/c < 1,
P(wait) = C(c, a), and the waiting time is zero with probability 1 − C and
otherwise exponential with rate cμ − λ.
"""

from __future__ import annotations

import math

import numpy as np

RECURSION_SERVERS = 1024
"""Up to this many servers the Erlang-B recursion (one step per server) is used; above it the closed form."""


def erlang_b(servers, offered_load):
    """Probability all `servers` are busy in M/M/c/c (Erlang B): B(c, a) = P(X = c) / P(X ≤ c), X ~ Poisson(a).

    Up to 1,024 servers, the stable recursion B_k = a·B_{k−1} / (k + a·B_{k−1}); above, the Poisson ratio in
    log space with P(X ≤ c) from the series of the regularized incomplete gamma function, so the cost grows
    with √c instead of c [@harchol2013performance].

    Args:
        servers (int): servers (c).
        offered_load (float): arrival rate / service rate of one server (a = λ/μ, in erlangs).

    Returns:
        (float): the blocking probability, in [0, 1].

    Example:
        >>> from mlsysim.formulas import erlang_b
        >>> round(erlang_b(2, 1.0), 4), round(erlang_b(5000, 4900.0), 6) == round(erlang_b(5000.0, 4900.0), 6)
        (0.2, True)
    """
    c, a = int(servers), float(offered_load)
    if c <= RECURSION_SERVERS:
        b = 1.0
        for k in range(1, c + 1):
            b = a * b / (k + a * b)
        return b
    if a >= c:  # the ratio is near 1 only far beyond the point where the queue is unstable anyway
        return _erlang_b_heavy(c, a)
    log_pmf = c * math.log(a) - a - math.lgamma(c + 1)
    return math.exp(log_pmf - math.log(_poisson_cdf(c, a)))


def _poisson_cdf(c: int, a: float) -> float:
    """P(X ≤ c) for X ~ Poisson(a), a < c + 1: 1 − P(c + 1, a), with P the regularized lower incomplete gamma
    function summed as its series Σ aⁿ / ((c+1)(c+2)…(c+1+n)) times e^{−a} a^{c+1} / Γ(c+2)."""
    s = c + 1.0
    term = total = 1.0 / s
    n = 1
    while term > total * 1e-17:
        term *= a / (s + n)
        total += term
        n += 1
    lower = math.exp(s * math.log(a) - a - math.lgamma(s) + math.log(total))
    return 1.0 - lower


def _erlang_b_heavy(c: int, a: float) -> float:
    """B(c, a) for a ≥ c: 1 / Σ_j c!/((c−j)! aʲ), whose terms shrink from the first."""
    term = total = 1.0
    j = 0
    while term > total * 1e-17 and j < c:
        term *= (c - j) / a
        total += term
        j += 1
    return 1.0 / total


def erlang_c(servers, offered_load):
    """Probability an arrival waits in M/M/c (Erlang C): C(c, a) = B / (1 − ρ + ρB), from Erlang B
    (`erlang_b`); 1 where the load reaches the servers [@harchol2013performance].

    Args:
        servers (int): servers (c).
        offered_load (float): arrival rate / service rate of one server (a = λ/μ).

    Returns:
        (float): the probability of waiting, in [0, 1].

    Example:
        >>> from mlsysim.formulas import erlang_c
        >>> round(erlang_c(4, 3.0), 4)  # four servers at 75 % utilization
        0.5094
    """
    if offered_load >= servers:
        return 1.0
    b = erlang_b(servers, offered_load)
    rho = offered_load / servers
    return b / (1 - rho + rho * b)


def erlang_c_array(servers, offered_load):
    """`erlang_c` over NumPy arrays of server counts and offered loads at once.

    The recursion is vectorized for elements with up to 1,024 servers (each stopping at its own count),
    and `erlang_c` runs element by element for larger ones; 1 where the load reaches the servers.

    Args:
        servers (ArrayLike): server counts (c), broadcast against `offered_load`.
        offered_load (ArrayLike): offered loads (a = λ/μ).

    Returns:
        (ndarray): the probability of waiting for each element.

    Example:
        >>> from mlsysim.formulas import erlang_c_array
        >>> erlang_c_array([1, 4], [0.5, 3.0]).round(4).tolist()
        [0.5, 0.5094]
    """
    servers, load = np.broadcast_arrays(np.asarray(servers, dtype=float), np.asarray(offered_load, dtype=float))
    small = servers <= RECURSION_SERVERS
    b = np.ones_like(load)
    for k in range(1, int(servers[small].max(initial=0)) + 1):
        b = np.where(small & (k <= servers), load * b / (k + load * b), b)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = load / servers
        out = np.where(rho >= 1, 1.0, b / (1 - rho + rho * b))
    for i in np.flatnonzero(~small & (rho < 1)):
        out.flat[i] = erlang_c(servers.flat[i], load.flat[i])
    return out


def mmc_mean_wait(arrival_rate, service_rate, servers):
    """Mean queueing delay of M/M/c: W_q = C(c, a) / (cμ − λ); for c = 1 this is ρ / (μ − λ)
    [@harchol2013performance].

    Args:
        arrival_rate (float): arrivals per second (λ).
        service_rate (float): completions per second of one server (μ).
        servers (int): servers (c).

    Returns:
        (float): seconds an arrival waits on average before service starts.

    Example:
        >>> from mlsysim.formulas import mmc_mean_wait
        >>> round(mmc_mean_wait(3.0, 1.0, 4), 4)  # 3 requests/s, 1 s each, 4 slots
        0.5094
    """
    a = arrival_rate / service_rate
    return erlang_c(servers, a) / (servers * service_rate - arrival_rate)


def mmc_wait_percentile(arrival_rate, service_rate, servers, p):
    """The p-quantile of the M/M/c waiting time: max(0, ln(C / (1 − p)) / (cμ − λ)) [@harchol2013performance].

    Args:
        arrival_rate (float): arrivals per second (λ).
        service_rate (float): completions per second of one server (μ).
        servers (int): servers (c).
        p (float): the quantile, in (0, 1) (0.99 for P99).

    Returns:
        (float): seconds.

    Example:
        >>> from mlsysim.formulas import mmc_wait_percentile
        >>> round(mmc_wait_percentile(3.0, 1.0, 4, 0.99), 3)  # P99 wait, seconds
        3.931
    """
    c_wait = erlang_c(servers, arrival_rate / service_rate)
    if c_wait <= 1 - p:
        return 0.0
    return math.log(c_wait / (1 - p)) / (servers * service_rate - arrival_rate)
