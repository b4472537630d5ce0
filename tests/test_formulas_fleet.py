"""Hand-checked fleet formulas, with units where they have them."""

import math

import pytest

from mlsysim import Q_, Infra, Systems, formulas


def test_ring_allreduce_moves_2_n_minus_1_over_n_of_the_buffer():
    assert formulas.ring_allreduce_bytes(Q_(1, "GB"), 8) == Q_(1.75, "GB")
    t = formulas.ring_allreduce_time(Q_(1, "GB"), 8, Q_(50, "GB/s"), Q_(5, "us"))
    assert t.to("ms").magnitude == pytest.approx(1.75 / 50 * 1e3 + 14 * 5e-3)
    assert formulas.ring_allreduce_time(Q_(1, "GB"), 1, Q_(50, "GB/s"), Q_(5, "us")).magnitude == 0


def test_hierarchical_allreduce_equals_flat_ring_inside_one_node():
    flat = formulas.ring_allreduce_time(8.0, 8, 1.0, 0.0)
    two_level = formulas.hierarchical_allreduce_time(8.0, 8, 1, 1.0, 0.0, 1.0, 0.0)
    assert two_level == pytest.approx(flat)


@pytest.mark.parametrize(("p", "m", "expected"), [(1, 8, 0.0), (4, 4, 3 / 7), (8, 64, 7 / 71)])
def test_pipeline_bubble(p, m, expected):
    assert formulas.pipeline_bubble_fraction(p, m) == pytest.approx(expected)


def test_young_daly_interval():
    tau = formulas.young_daly_interval(Q_(2, "minute"), Q_(4, "hour"))
    assert tau.to("minute").magnitude == pytest.approx(math.sqrt(2 * 2 * 240))
    # the self-check of the full-stack tutorial: 2 min checkpoints, 4 h MTBF
    overhead = formulas.checkpoint_overhead(tau, Q_(2, "minute"), Q_(4, "hour"))
    assert overhead.to("").magnitude == pytest.approx(2 / tau.to("minute").magnitude + tau.to("minute").magnitude / 480)


def test_failure_probability_and_fleet_mtbf():
    assert formulas.fleet_mtbf(Q_(1000, "hour"), 10) == Q_(100, "hour")
    assert formulas.failure_probability(Q_(100, "hour"), Q_(100, "hour")) == pytest.approx(1 - math.exp(-1))


def test_chinchilla_is_20_tokens_per_parameter():
    # constants 6 flop/(param·token) and 20 token/param are plain numbers here: pass plain numbers
    assert formulas.chinchilla_parameters(6 * 20 * 70e9**2) == pytest.approx(70e9)
    assert formulas.chinchilla_tokens(70e9) == 1.4e12
    assert formulas.training_compute(70e9, 1.4e12) == pytest.approx(5.88e23)


def test_carbon_is_energy_times_intensity():
    assert formulas.carbon_emissions(Q_(1000, "kWh"), Q_(25, "g/kWh")).to("kg") == Q_(25, "kg")
    assert formulas.water_use(Q_(1000, "kWh"), Q_(1.8, "L/kWh")).to("L") == Q_(1800, "L")


def test_mix_intensity_of_an_all_coal_grid_is_the_coal_factor():
    from mlsysim.infra.types import LIFECYCLE_G_PER_KWH

    assert formulas.mix_intensity({"coal": 1.0}, LIFECYCLE_G_PER_KWH) == 820.0
    assert Infra.Quebec.carbon_intensity.magnitude == pytest.approx(0.94 * 24 + 0.05 * 11 + 0.01 * 230, abs=0.05)


def test_energy_of_256_h100_for_30_days_from_node_power():
    # 32 DGX H100 training: the host draws 76 % of 10.2 kW less 8 × 700 W; the node, that plus its GPUs
    host_w = formulas.host_power(10_200, 0.76, 8, 700)
    assert host_w == pytest.approx(2_152.0)
    node_kw = formulas.node_power(8, 700, host_w) / 1e3
    it_kwh = 32 * node_kw * 30 * 24
    assert Systems.Clusters.Research_256.node.max_power == Q_(10.2, "kW")
    assert it_kwh == pytest.approx(178_606.08, rel=1e-9)

