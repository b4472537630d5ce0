"""Power, energy, carbon and water of a facility [@barroso2018datacenter; @thegreengrid2012pue; @thegreengrid2011wue]."""

from __future__ import annotations


def node_power(max_power, utilization, idle_fraction):
    """Linear power model: P = P_max · (f_idle + (1 − f_idle) · u)."""
    return max_power * (idle_fraction + (1 - idle_fraction) * utilization)


def facility_energy(it_energy, pue):
    """Facility energy = IT energy × PUE (PUE = facility energy / IT energy)."""
    return it_energy * pue


def carbon_emissions(energy, intensity):
    """CO2e = energy × grid carbon intensity."""
    return energy * intensity


def water_use(it_energy, wue):
    """Site water = IT energy × WUE (WUE = site water / IT energy)."""
    return it_energy * wue


def mix_intensity(mix, factors):
    """Carbon intensity of a generation mix: Σ share_i × life-cycle factor_i."""
    return sum(share * factors[source] for source, share in mix.items())
