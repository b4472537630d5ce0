"""Checks at the boundary of every solver: fail early, name the argument."""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

from .errors import InvalidArgumentError
from .units import Q_, ureg


def positive_int(name: str, value: Any) -> int:
    """``value`` as an int ≥ 1, or an error naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        if isinstance(value, float) and value.is_integer() and value >= 1:
            return int(value)
        raise InvalidArgumentError(name, value, "a positive whole number (1, 2, 4, …)")
    return int(value)


def positive_ints(name: str, values: Any) -> list[int]:
    """``values`` (an iterable of whole numbers ≥ 1) sorted without repeats, or an error naming ``name``."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise InvalidArgumentError(name, values, "a non-empty list of positive whole numbers, e.g. [8, 32, 128]")
    out = sorted({positive_int(name, v) for v in values})
    if not out:
        raise InvalidArgumentError(name, values, "a non-empty list of positive whole numbers, e.g. [8, 32, 128]")
    return out


MIN_FRACTION = 1e-6
"""Smallest accepted efficiency or utilization: below it no hardware is doing useful work,
and times would overflow to infinity."""


def fraction(name: str, value: Any) -> float:
    """``value`` as a float in [1e-6, 1], or an error naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real) or not (MIN_FRACTION <= float(value) <= 1.0):
        raise InvalidArgumentError(name, value, "a fraction in (0, 1] (at least 1e-6), e.g. 0.5 for 50 % of peak")
    return float(value)


def optional_fraction(name: str, value: Any) -> float | None:
    """``None`` (use the size-dependent curve), or ``value`` checked by :func:`fraction`."""
    return None if value is None else fraction(name, value)


def positive_number(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """``value`` as a finite float > 0 (or ≥ 0), or an error naming ``name``."""
    ok = isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (value == 0 and not allow_zero):
        raise InvalidArgumentError(name, value, "a finite number " + ("≥ 0" if allow_zero else "> 0"))
    return float(value)


def instance(name: str, value: Any, cls: type | tuple[type, ...], expected: str) -> Any:
    """``value`` if it is a ``cls``, else an error naming ``name`` and what belongs there."""
    if not isinstance(value, cls):
        raise InvalidArgumentError(name, value if _short(value) else type(value).__name__, expected)
    return value


def quantity_in(name: str, value: Any, units: str, example: str, *, allow_zero: bool = False) -> float:
    """The magnitude of ``value`` in ``units``, checking its dimension and sign.

    Accepts a Quantity or a string like ``"50 ms"``; a bare number is refused
    because its unit would be a guess.
    """
    if isinstance(value, str):
        try:
            value = Q_(value)
        except Exception:
            raise InvalidArgumentError(name, value, f"a quantity such as {example!r}") from None
    if not isinstance(value, ureg.Quantity):
        raise InvalidArgumentError(name, value, f"a quantity with units, such as {example!r}",
                                   "Multiply the number by a unit, e.g. Q_(50, 'ms').")
    if value.dimensionality != ureg.get_dimensionality(units):
        raise InvalidArgumentError(name, f"{value:~P}", f"a quantity in units like {example!r} ({units})")
    magnitude = value.to(units).magnitude
    if not math.isfinite(magnitude) or magnitude < 0 or (magnitude == 0 and not allow_zero):
        raise InvalidArgumentError(name, f"{value:~P}", "a finite, " + ("non-negative" if allow_zero else "positive") + " amount")
    return float(magnitude)


def _short(value: Any) -> bool:
    return isinstance(value, (int, float, str, type(None))) and len(repr(value)) < 60
