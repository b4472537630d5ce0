"""Checks at the boundary of every solver: fail early, name the argument."""

from __future__ import annotations

import itertools
import math
from numbers import Integral, Real
from typing import Any

from .errors import InvalidArgumentError, UnknownNameError
from .units import parse_quantity, ureg

MAX_COUNT = 10**9
"""The largest whole number any argument accepts (a batch, a context, a device count, a candidate list's
entries).  No real workload or fleet comes near it, and it keeps every product the solvers form (tokens ×
hidden size × bytes × devices) far inside the range of a float."""

MAX_MAGNITUDE = 1e30
"""The largest magnitude any number or quantity argument accepts, in the units it is asked for.  A trillion
trillion covers every physical figure the package meets (5e25 FLOP trains today's largest models) and
keeps products of several such numbers finite."""

MIN_MAGNITUDE = 1e-30
"""The smallest non-zero magnitude accepted: below it a divisor would overflow the quotient to infinity
(a subnormal such as 5e-324 is refused, not silently turned into an infinite time)."""


def real(value: Any) -> float | None:
    """`value` as a finite float if it is a real number (NumPy scalars included, `bool` excluded), else None.

    Huge Python ints (`10**400`) that no float can hold give None instead of `OverflowError`.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        return None
    return number if math.isfinite(number) else None


def positive_int(name: str, value: Any, *, upper: int = MAX_COUNT) -> int:
    """`value` as an int in [1, `upper`] (a whole float such as `8.0` counts), or an error naming `name`."""
    if isinstance(value, Integral) and not isinstance(value, bool):
        whole = int(value)  # exact for any size; NumPy integers included
        if 1 <= whole <= upper:
            return whole
    else:
        number = real(value)
        if number is not None and number.is_integer() and 1 <= number <= upper:
            return int(number)
    raise InvalidArgumentError(name, _shown(value),
                               f"a whole number from 1 to {upper:,} (1, 2, 4, …)")


MAX_CHOICES = 4096
"""The longest list of candidates (batch sizes, parallel degrees) a search accepts: each costs a solve."""


def positive_ints(name: str, values: Any) -> list[int]:
    """`values` (an iterable of whole numbers ≥ 1) sorted without repeats, or an error naming `name`."""
    chosen = items(name, values, "positive whole numbers, e.g. [8, 32, 128]")
    return sorted({positive_int(name, v) for v in chosen})


def items(name: str, values: Any, what: str) -> list:
    """`values` (a list, tuple or other iterable that is not a string, mapping or Quantity) as a list of 1 to
    4,096 entries, or an error naming `name` and saying `what` belongs in it."""
    expected = f"a list of 1 to {MAX_CHOICES:,} {what}"
    if isinstance(values, (str, bytes, dict, ureg.Quantity)):
        raise InvalidArgumentError(name, _shown(values), expected)
    try:
        listed = list(itertools.islice(iter(values), MAX_CHOICES + 1))
    except TypeError:
        raise InvalidArgumentError(name, _shown(values), expected) from None
    if not listed or len(listed) > MAX_CHOICES:
        raise InvalidArgumentError(name, _shown(values), expected)
    return listed


def instances(name: str, values: Any, cls: type | tuple[type, ...], what: str) -> list:
    """`values` as a list (see `items`) whose every entry is a `cls`, or an error naming `name`."""
    listed = items(name, values, what)
    for value in listed:
        instance(f"{name}[…]", value, cls, what)
    return listed


def mapping(name: str, value: Any, expected: str) -> dict:
    """`value` if it is a dict, else an error naming `name`."""
    if not isinstance(value, dict):
        raise InvalidArgumentError(name, _shown(value), expected)
    return value


def choice(kind: str, value: Any, known) -> str:
    """`value` if it is one of the strings `known`, else an `UnknownNameError` listing them."""
    if not isinstance(value, str) or value not in known:
        raise UnknownNameError(kind, _shown(value), known)
    return value


def probability(name: str, value: Any, expected: str, *, closed: bool = True) -> float:
    """`value` as a float in [0, 1] (`closed`) or [0, 1), or an error naming `name`."""
    number = real(value)
    if number is None or not 0.0 <= number <= 1.0 or (not closed and number == 1.0):
        raise InvalidArgumentError(name, _shown(value), expected)
    return number


MIN_FRACTION = 1e-6
"""Smallest accepted efficiency or utilization: below it no hardware is doing useful work,
and times would overflow to infinity."""


def fraction(name: str, value: Any) -> float:
    """`value` as a float in [1e-6, 1], or an error naming `name`."""
    number = real(value)
    if number is None or not (MIN_FRACTION <= number <= 1.0):
        raise InvalidArgumentError(name, _shown(value),
                                   "a fraction in (0, 1] (at least 1e-6), e.g. 0.5 for 50 % of peak")
    return number


def optional_fraction(name: str, value: Any) -> float | None:
    """`None` (use the size-dependent curve), or `value` checked by `fraction`."""
    return None if value is None else fraction(name, value)


def positive_number(name: str, value: Any, *, allow_zero: bool = False, upper: float = MAX_MAGNITUDE) -> float:
    """`value` as a float in [1e-30, `upper`] (or 0 when `allow_zero`), or an error naming `name`."""
    number = real(value)
    if number is None or not in_range(number, allow_zero=allow_zero, upper=upper):
        raise InvalidArgumentError(name, _shown(value),
                                   f"a number of {'0, or ' if allow_zero else ''}{MIN_MAGNITUDE:g} to {upper:g}")
    return number


def in_range(number: float, *, allow_zero: bool = False, upper: float = MAX_MAGNITUDE) -> bool:
    """Whether `number` is 0 (when allowed) or within [1e-30, `upper`]."""
    return (number == 0 and allow_zero) or MIN_MAGNITUDE <= number <= upper


def instance(name: str, value: Any, cls: type | tuple[type, ...], expected: str) -> Any:
    """`value` if it is a `cls`, else an error naming `name` and what belongs there."""
    if not isinstance(value, cls):
        raise InvalidArgumentError(name, _shown(value), expected)
    return value


def quantity_in(name: str, value: Any, units: str, example: str, *, allow_zero: bool = False) -> float:
    """The magnitude of `value` in `units`, checking its dimension and sign.

    Accepts a Quantity or a string like `"50 ms"`; a bare number is refused
    because its unit would be a guess.
    """
    if isinstance(value, str):
        try:
            value = parse_quantity(value)
        except ValueError as exc:
            raise InvalidArgumentError(name, value[:80], f"a quantity such as {example!r} ({exc})") from None
    if not isinstance(value, ureg.Quantity):
        raise InvalidArgumentError(name, _shown(value),
                                   f"a quantity with units, such as {example!r}",
                                   "Multiply the number by a unit, e.g. Q_(50, 'ms').")
    if value.dimensionality != ureg.get_dimensionality(units):
        raise InvalidArgumentError(name, f"{value:~P}", f"a quantity in units like {example!r} ({units})")
    try:
        magnitude = real(value.to(units).magnitude)
    except (OverflowError, ValueError, TypeError):
        magnitude = None
    if magnitude is None or not in_range(magnitude, allow_zero=allow_zero):
        zero = "0, or " if allow_zero else ""
        raise InvalidArgumentError(name, f"{value:~P}", f"an amount of {zero}{MIN_MAGNITUDE:g} to {MAX_MAGNITUDE:g} {units}")
    return magnitude


def _shown(value: Any) -> Any:
    """`value` itself when it prints short, else its type's name (an error message stays one line)."""
    return value if _short(value) else type(value).__name__


def _short(value: Any) -> bool:
    return isinstance(value, (int, float, str, type(None))) and len(repr(value)) < 60
