"""Power, energy, carbon and water of a facility [@newkirk2025calibrated; @thegreengrid2012pue; @thegreengrid2011wue]."""

from __future__ import annotations


def node_power(accelerators, accelerator_power, host_power):
    """Whole-node power: accelerators × each one's draw + the host's (CPUs, memory, NICs, fans)
    [@newkirk2025calibrated].

    Args:
        accelerators (int): accelerators in the node.
        accelerator_power (Quantity | float): watts each accelerator draws.
        host_power (Quantity | float): watts the rest of the node draws (see `host_power`).

    Returns:
        (Quantity | float): watts.

    Example:
        >>> from mlsysim.formulas import node_power
        >>> node_power(8, 700.0, 2152.0)  # a DGX H100 training: 8 GPUs at their 700 W limit and its host
        7752.0
    """
    return accelerators * accelerator_power + host_power


def host_power(rated_node_power, training_fraction, accelerators, accelerator_training_power):
    """The host's draw, from a node measured in training: what the node draws then, less its accelerators
    [@newkirk2025calibrated].

    Args:
        rated_node_power (Quantity | float): the node's rated (maximum) power, watts.
        training_fraction (float): fraction of the rated power the node draws in training.
        accelerators (int): accelerators in the node.
        accelerator_training_power (Quantity | float): watts each accelerator draws in training.

    Returns:
        (float): watts, never negative.

    Example:
        >>> from mlsysim.formulas import host_power
        >>> host_power(10200.0, 0.76, 8, 700.0)  # DGX H100: 76 % of 10.2 kW in training, 8 GPUs at 700 W
        2152.0
    """
    return max(0.0, rated_node_power * training_fraction - accelerators * accelerator_training_power)


def facility_energy(it_energy, pue):
    """Facility energy = IT energy × PUE, as PUE = facility energy / IT energy [@thegreengrid2012pue].

    Args:
        it_energy (Quantity | float): energy the IT equipment uses.
        pue (float): power usage effectiveness, at least 1.

    Returns:
        (Quantity | float): the facility's energy, in the units of `it_energy`.

    Example:
        >>> from mlsysim.formulas import facility_energy
        >>> facility_energy(1000.0, 1.2)  # kWh
        1200.0
    """
    return it_energy * pue


def carbon_emissions(energy, intensity):
    """Operational emissions: CO2e = energy × grid carbon intensity.

    Args:
        energy (Quantity | float): energy drawn from the grid (kWh as a float).
        intensity (Quantity | float): the grid's carbon intensity (kg CO2e per kWh as a float).

    Returns:
        (Quantity | float): kg CO2e.

    Example:
        >>> from mlsysim.formulas import carbon_emissions
        >>> carbon_emissions(1200.0, 0.4)  # kWh at 0.4 kg/kWh
        480.0
    """
    return energy * intensity


def water_use(it_energy, wue):
    """Site water = IT energy × WUE, as WUE = site water / IT energy [@thegreengrid2011wue].

    Args:
        it_energy (Quantity | float): energy the IT equipment uses (kWh as a float).
        wue (Quantity | float): water usage effectiveness (litres per kWh as a float).

    Returns:
        (Quantity | float): litres.

    Example:
        >>> from mlsysim.formulas import water_use
        >>> water_use(1000.0, 1.8)  # kWh at 1.8 L/kWh
        1800.0
    """
    return it_energy * wue


def mix_intensity(mix, factors):
    """Carbon intensity of a generation mix: Σ share_i × life-cycle factor_i.

    Args:
        mix (dict[str, float]): share of each generation source, summing to 1.
        factors (dict[str, float]): life-cycle emissions of each source (g CO2e per kWh, say).

    Returns:
        (float): the mix's intensity, in the units of `factors`.

    Example:
        >>> from mlsysim.formulas import mix_intensity
        >>> mix_intensity({"coal": 0.5, "wind": 0.5}, {"coal": 820, "wind": 11})  # g/kWh
        415.5
    """
    return sum(share * factors[source] for source, share in mix.items())


def embodied_carbon(node_kg, nodes, days, lifetime_years, usage_fraction):
    """Embodied (manufacturing) emissions a fleet's use carries, kg: each node's emissions spread over the hours
    it is in use in its lifetime, times the hours used: nodes × node_kg × days / (365 × lifetime × usage)
    [@luccioni2023bloom].

    Args:
        node_kg (float): kg CO2e of making one node.
        nodes (int | float): nodes the job uses.
        days (float): days the job runs.
        lifetime_years (float): years a node is in service.
        usage_fraction (float): fraction of its lifetime a node is in use, in (0, 1].

    Returns:
        (float): kg CO2e.

    Example:
        >>> from mlsysim.formulas import embodied_carbon
        >>> round(embodied_carbon(3700.0, 1, 365 * 6 * 0.85, 6.0, 0.85))  # one node, its whole working life
        3700
    """
    return nodes * node_kg * days / (365.0 * lifetime_years * usage_fraction)
