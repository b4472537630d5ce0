"""Power, energy, carbon and water of a facility [@newkirk2025calibrated; @thegreengrid2012pue; @thegreengrid2011wue]."""

from __future__ import annotations


def node_power(accelerators, accelerator_power, host_power):
    """Whole-node power: accelerators × each one's draw + the host's (CPUs, memory, NICs, fans).

    >>> from mlsysim.formulas import node_power
    >>> node_power(8, 700.0, 2152.0)  # a DGX H100 training: 8 GPUs at their 700 W limit and its host
    7752.0
    """
    return accelerators * accelerator_power + host_power


def host_power(rated_node_power, training_fraction, accelerators, accelerator_training_power):
    """The host's draw, from a node measured in training: what the node draws then, less its accelerators.

    >>> from mlsysim.formulas import host_power
    >>> host_power(10200.0, 0.76, 8, 700.0)  # DGX H100: 76 % of 10.2 kW in training, 8 GPUs at 700 W
    2152.0
    """
    return max(0.0, rated_node_power * training_fraction - accelerators * accelerator_training_power)


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


def embodied_carbon(node_kg, nodes, days, lifetime_years, usage_fraction):
    """Embodied (manufacturing) emissions a fleet's use carries, kg: each node's emissions spread over the hours
    it is in use in its lifetime, times the hours used: nodes × node_kg × days / (365 × lifetime × usage)
    [@luccioni2023bloom].

    >>> from mlsysim.formulas import embodied_carbon
    >>> round(embodied_carbon(3700.0, 1, 365 * 6 * 0.85, 6.0, 0.85))  # one node, its whole working life
    3700
    """
    return nodes * node_kg * days / (365.0 * lifetime_years * usage_fraction)
