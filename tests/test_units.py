"""The unit registry: domain dimensions, formatting, and the fast paths solvers use."""

import pint
import pytest

from mlsysim import Q_, ureg
from mlsysim.core import constants
from mlsysim.core.units import BYTES_LADDER, quantity, readable, si


def test_counted_units_have_their_own_dimensions():
    with pytest.raises(pint.DimensionalityError):
        Q_(1, "USD") + Q_(1, "param")
    with pytest.raises(pint.DimensionalityError):
        Q_(1, "token") + Q_(1, "flop")
    assert Q_(8.03, "Bparam").to("param").magnitude == pytest.approx(8.03e9)


def test_flop_rates_parse_the_way_the_seeds_write_them():
    assert (0.000064 * ureg.TFLOPs / ureg.s).to("flop/s").magnitude == pytest.approx(64e6)
    assert Q_(1, "EFLOP").to("flop").magnitude == pytest.approx(1e18)
    assert Q_(989.4, "TFLOP/s").to("TFLOPs/s").magnitude == pytest.approx(989.4)


@pytest.mark.parametrize(
    ("q", "spec", "text"),
    [(Q_(0.54, "ms"), "~P", "0.54 ms"), (Q_(16.1, "GB"), "~P", "16.1 GB"), (Q_(3.35, "TB/s"), "~P", "3.35 TB/s"),
     (Q_(184320.4, "kWh"), ",.0f", "184,320 kWh"), (Q_(2.0833, "mJ"), "~P.2f", "2.08 mJ")],
)
def test_quantities_print_short(q, spec, text):
    assert format(q, spec) == text


def test_fast_quantity_equals_parsed_quantity():
    q = quantity(2.5, "ms")
    assert q == Q_(2.5, "ms")
    assert q.to("s").magnitude == pytest.approx(2.5e-3)


@pytest.mark.parametrize(("q", "expected"), [
    (Q_(80, "GiB"), 80 * 2**30),
    (Q_(16.1, "GB"), 16.1e9),
    (Q_(8, "bit"), 1.0),
    (Q_(1, "Gbit"), 125e6),
    (Q_(3.35, "TB/s"), 3.35e12),
    (Q_(400, "Gbps"), 50e9),
    (Q_(100, "bit/s"), 12.5),
    (Q_(2, "flop/B"), 2.0),
    (Q_(1, "B**2"), 1.0),
    (Q_(1.5, "ms"), 1.5e-3),
])
def test_si_counts_bytes_not_bits(q, expected):
    assert si(q) == pytest.approx(expected)
    assert si(q) == pytest.approx(si(q))  # the cached factor gives the same answer


def test_bytes_have_their_own_dimension():
    assert Q_(1, "B").dimensionality == ureg.get_dimensionality("[information]")
    assert Q_(1, "byte").to("bit").magnitude == 8
    for unit in ("percent", "1/s", "Hz", "dimensionless", "flop", "param"):
        with pytest.raises(pint.DimensionalityError):
            Q_(1, "B") + Q_(1, unit)
        with pytest.raises(pint.DimensionalityError):
            Q_(1, unit).to("B")
    with pytest.raises(pint.DimensionalityError):
        Q_(5, "1/s").to("GB/s")


@pytest.mark.parametrize(("q", "unit", "expected"), [
    (Q_("3.35 TB/s"), "GB/s", 3350.0),
    (Q_("80 GiB"), "GB", 80 * 2**30 / 1e9),
    (Q_("400 Gbps"), "GB/s", 50.0),
    (Q_("1 MB"), "kB", 1000.0),
    (Q_("1 GiB"), "MiB", 1024.0),
    (Q_("8 bps"), "B/s", 1.0),
])
def test_information_units_still_convert(q, unit, expected):
    assert q.to(unit).magnitude == pytest.approx(expected)


def test_arithmetic_intensity_cancels_to_flop_per_byte():
    assert (Q_(1, "TFLOP/s") / Q_(1, "TB/s")).to("flop/B").magnitude == pytest.approx(1.0)
    assert (Q_(80, "GB") / Q_(2, "TB/s")).to("ms").magnitude == pytest.approx(40.0)


def test_readable_picks_the_largest_unit_reached():
    assert f"{readable(84.8e9, BYTES_LADDER):~P}" == "84.8 GB"
    assert f"{readable(95_830.0, BYTES_LADDER):~P.2f}" == "95.83 kB"


def test_link_constants_state_their_convention():
    assert constants.per_direction(constants.NVLINK_H100_BW) == Q_(450, "GB/s")
    assert constants.INFINIBAND_NDR_BW.to("GB/s").magnitude == pytest.approx(50)
