"""Spec field types carry their dimension: only a capacity fits a Capacity, only a bandwidth a Bandwidth."""

import pytest

from mlsysim import Q_, MemoryHierarchy, SpecError
from mlsysim.core.spec import Bandwidth, Capacity, Spec


class Buffer(Spec):
    """A toy spec with one field of each information type."""

    size: Capacity
    rate: Bandwidth


@pytest.mark.parametrize("bad", [Q_(80, "percent"), Q_(5, "1/s"), Q_(5, "GHz"), Q_(3.35, "TB/s"), Q_(1, "TFLOP/s"),
                                 "80", "80 %"])
def test_a_capacity_field_refuses_what_is_not_a_capacity(bad):
    with pytest.raises(SpecError, match=r"size: expected a memory capacity") as err:
        Buffer(size=bad, rate=Q_(1, "TB/s"))
    assert err.value.spec == "Buffer"
    assert err.value.fields == ("size",)


@pytest.mark.parametrize("bad", [Q_(80, "percent"), Q_(5, "1/s"), Q_(5, "GHz"), Q_(80, "GB"), "5 / s"])
def test_a_bandwidth_field_refuses_what_is_not_a_bandwidth(bad):
    with pytest.raises(SpecError, match=r"rate: expected a bandwidth") as err:
        Buffer(size=Q_(80, "GB"), rate=bad)
    assert err.value.fields == ("rate",)


@pytest.mark.parametrize("bare", [80, 80.0])
def test_a_plain_number_is_refused_with_the_field_named(bare):
    with pytest.raises(SpecError, match=r"size: .*not a bare") as err:
        Buffer(size=bare, rate=Q_(1, "TB/s"))
    assert err.value.fields == ("size",)


def test_a_dimensionless_value_says_so():
    with pytest.raises(SpecError, match=r"got 80 %, which is dimensionless"):
        Buffer(size=Q_(80, "percent"), rate=Q_(1, "TB/s"))


def test_every_refused_field_is_named_at_once():
    with pytest.raises(SpecError) as err:
        Buffer(size=Q_(80, "percent"), rate=Q_(5, "1/s"))
    assert err.value.fields == ("size", "rate")


@pytest.mark.parametrize(("size", "rate"), [
    (Q_(80, "GiB"), Q_(3.35, "TB/s")),
    ("80 GiB", "3.35 TB/s"),
    (Q_(640, "Gbit"), Q_(400, "Gbps")),
])
def test_information_quantities_in_any_unit_are_accepted(size, rate):
    b = Buffer(size=size, rate=rate)
    assert b.size.dimensionality == Q_(1, "B").dimensionality
    assert b.rate.dimensionality == Q_(1, "B/s").dimensionality


def test_memory_hierarchy_refuses_a_percentage_and_a_frequency():
    with pytest.raises(SpecError, match="capacity: expected a memory capacity") as err:
        MemoryHierarchy(capacity=Q_(80, "percent"), bandwidth=Q_("1 TB/s"))
    assert "capacity" in err.value.fields
    with pytest.raises(SpecError, match="bandwidth: expected a bandwidth") as err:
        MemoryHierarchy(capacity=Q_(80, "GB"), bandwidth=Q_(5, "1/s"))
    assert "bandwidth" in err.value.fields
