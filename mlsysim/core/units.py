"""The package's one pint unit registry and the domain's counted units.

Every physical quantity in MLSys·im is a `pint.Quantity` from `ureg`.
Counted things get their own base dimension so that they cannot be mixed
by accident: `bit` (`[information]`; `byte` = 8 bit), `flop`
(floating-point or integer operations), `param` (model parameters),
`token`, `sample` (one input to a model: an image, an utterance, a
sequence) and `USD`.  Adding dollars to parameters, or a bandwidth, a
frequency or a percentage where a capacity belongs, raises a
`DimensionalityError`.

Quantities print with pint's short pretty format by default, so
`f"{q:.2f}"` reads `0.54 ms` and `f"{q:~P}"` reads `3.35 TB/s`.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING, TypeAlias, cast

import pint

if TYPE_CHECKING:
    from pint.util import UnitsContainer


def _definitions() -> list[str]:
    """pint's default definitions, with `bit` a base unit of `[information]`.

    pint ships `bit = []` (dimensionless), which would let `80 %` or
    `5 /s` pass for a capacity or a bandwidth (hgrecco/pint#593, #674).
    We load its own definition files with that one base-unit line changed;
    every unit derived from `bit` (`byte`/`B`, `kB`…`GiB`, `baud`)
    follows.  The `@import` of the constants file is inlined because pint
    resolves imports only for definitions read from a file.
    """
    files = resources.files("pint")
    lines = files.joinpath("default_en.txt").read_text(encoding="utf-8").splitlines()
    replace = {
        "bit = []": ["bit = [information]"],
        "@import constants_en.txt": files.joinpath("constants_en.txt").read_text(encoding="utf-8").splitlines(),
    }
    out: list[str] = []
    for line in lines:
        out.extend(replace.get(line.strip(), [line]))
    missing = [key for key in replace if key not in (line.strip() for line in lines)]
    if missing:  # a pint upgrade changed its definitions file: fail here, not with a dimensionless byte
        raise ImportError(f"pint's default_en.txt no longer contains {missing}; update mlsysim/core/units.py")
    return out


ureg: pint.UnitRegistry = pint.UnitRegistry(_definitions(), on_redefinition="ignore")
"""The package's one pint unit registry, set as pint's application registry.

Besides pint's units it defines `flop` (FLOP), `param` (with `Kparam`, `Mparam`, `Bparam`, `Tparam`),
`token`, `sample` and `USD` as base dimensions of their own, so that dollars cannot be added to
parameters; bytes are bytes (`B`, `GB`, `GiB`), and quantities print in the short `~P` form.

Example:
    >>> from mlsysim import ureg
    >>> print(f"{(2 * ureg.Bparam).to('Mparam'):~P}")
    2000.0 Mparam
    >>> ureg.USD.dimensionality == ureg.param.dimensionality
    False
"""
# pint aliases "bps" to the baud; network rates read better as bits per second.
ureg.define("bps = bit / second")
ureg.define("flop = [flop] = FLOP = FLOPs = flops")
ureg.define("param = [param] = parameter = params")
ureg.define("Kparam = 1e3 param")
ureg.define("Mparam = 1e6 param")
ureg.define("Bparam = 1e9 param")
ureg.define("Tparam = 1e12 param")
ureg.define("token = [token] = tokens")
ureg.define("sample = [sample] = samples")
ureg.define("USD = [currency] = USD = dollar")
# Grams of CO2-equivalent: carbon intensities read "g/kWh" of CO2e.
ureg.formatter.default_format = "~P"
ureg.separate_format_defaults = True
pint.set_application_registry(ureg)

Q_ = ureg.Quantity
"""The Quantity constructor of the package's registry (`ureg`): `Q_(3.35, "TB/s")` or `Q_("3.35 TB/s")`.

Every physical input and output of the package is such a Quantity; `f"{q:~P}"` prints it in short form.

Example:
    >>> from mlsysim import Q_
    >>> bw = Q_(3.35, "TB/s")
    >>> print(f"{bw:~P}", f"{(Q_(16, 'GB') / bw).to('ms'):.2f~P}")
    3.35 TB/s 4.78 ms
"""
if TYPE_CHECKING:
    # For annotations: ``ureg.Quantity`` is a class pint builds at runtime (a subclass of
    # ``pint.Quantity`` bound to ``ureg``), which a type checker cannot use as a type.
    Quantity: TypeAlias = pint.Quantity
else:
    Quantity = ureg.Quantity
DimensionalityError = pint.DimensionalityError

_QUANTITY_CLASS = type(Q_(0.0, "s"))


def quantity(magnitude: float, units: str) -> pint.Quantity:
    """Build `magnitude * units` without re-parsing `units` on each call.

    The solvers compute in plain floats and wrap their outputs here; the
    unit string is parsed once and cached.  Equivalent to `Q_(magnitude, units)`.
    """
    q = object.__new__(_QUANTITY_CLASS)
    q._magnitude = magnitude
    q._units = _units_of(units)
    return q


_UNIT_CACHE: dict[str, UnitsContainer] = {}


def _units_of(units: str) -> UnitsContainer:
    try:
        return _UNIT_CACHE[units]
    except KeyError:
        _UNIT_CACHE[units] = ureg.parse_units(units)._units
        return _UNIT_CACHE[units]


_SI_FACTOR_CACHE: dict[UnitsContainer, float] = {}
_INFORMATION = "[information]"
_BITS_PER_BYTE = ureg.Quantity(1.0, "byte").to("bit").magnitude


def si(q: pint.Quantity) -> float:
    """The magnitude of `q` in SI base units, counting information in bytes.

    pint's base unit of `[information]` is the bit; each power of
    information in `q`'s dimension is rescaled to the byte, so
    `si(Q_(400, "Gbps")) == 50e9` (B/s) and `si(Q_(8, "bit")) == 1.0`.
    """
    key = q._units
    try:
        factor = _SI_FACTOR_CACHE[key]
    except KeyError:
        base = ureg.Quantity(1.0, q.units).to_base_units()
        information = cast(float, q.dimensionality.get(_INFORMATION, 0))  # pint types exponents as any Scalar
        factor = base.magnitude / _BITS_PER_BYTE**information
        _SI_FACTOR_CACHE[key] = factor
    return q._magnitude * factor


def readable(magnitude_si: float, ladder: tuple[tuple[float, str], ...]) -> pint.Quantity:
    """Express an SI magnitude in the largest unit of `ladder` it reaches.

    `ladder` lists `(factor, unit)` from small to large, where `factor`
    converts the unit to SI.  A value below every rung uses the smallest.
    """
    factor, unit = ladder[0]
    for f, u in ladder[1:]:
        if abs(magnitude_si) >= f:
            factor, unit = f, u
    return quantity(magnitude_si / factor, unit)


BYTES_LADDER = ((1.0, "B"), (1e3, "kB"), (1e6, "MB"), (1e9, "GB"), (1e12, "TB"), (1e15, "PB"))
ENERGY_LADDER = ((1e-6, "µJ"), (1e-3, "mJ"), (1.0, "J"), (1e3, "kJ"), (1e6, "MJ"), (1e9, "GJ"))
FLOP_RATE_LADDER = (
    (1.0, "flop/s"),
    (1e6, "MFLOP/s"),
    (1e9, "GFLOP/s"),
    (1e12, "TFLOP/s"),
    (1e15, "PFLOP/s"),
    (1e18, "EFLOP/s"),
)
BANDWIDTH_LADDER = ((1.0, "B/s"), (1e6, "MB/s"), (1e9, "GB/s"), (1e12, "TB/s"), (1e15, "PB/s"))


MAX_QUANTITY_TEXT = 64
"""The longest unit string `parse_quantity` reads; nothing a person types is longer."""

_QUANTITY_TEXT = re.compile(
    r"^\s*(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:nan|inf|infinity))?"
    r"\s*(?P<unit>[^\d\s+\-.(][^()]*?)?\s*$",
    re.IGNORECASE,
)
_EXPONENT = r"(?:\*\*|\^)\s*[+-]?\d{1,2}"
_UNIT_TEXT = re.compile(rf"^[^\W\d][\w°%]*(?:{_EXPONENT})?(?:\s*[*/·⋅ ]\s*(?:1\s*/\s*)?[^\W\d][\w°%]*(?:{_EXPONENT})?)*$")


def parse_quantity(text: str) -> pint.Quantity:
    """Read `"<number> <unit>"` (`"50 ms"`, `"3.35 TB/s"`, `"2e12 B/s"`) as a Quantity.

    Unlike `Q_(text)`, nothing is evaluated as arithmetic: the number is read by `float`,
    and the unit must be names joined by `*`, `/` or spaces, each with at most a two-digit
    exponent (`m**2`, `1/s` is written `/s`), so `"10**10**8 s"` is refused at once instead
    of computing a number with a hundred million digits.  Raises `ValueError` for anything else.

    Example:
        >>> from mlsysim.core.units import parse_quantity
        >>> parse_quantity("50 ms").to("s").magnitude
        0.05
    """
    if not isinstance(text, str) or len(text) > MAX_QUANTITY_TEXT:
        raise ValueError(f"not a short quantity string: {str(text)[:MAX_QUANTITY_TEXT]!r}…")
    match = _QUANTITY_TEXT.match(text)
    if not match or not match["number"]:
        raise ValueError(f"{text!r} is not a number followed by a unit, such as '50 ms'")
    unit = (match["unit"] or "").strip()
    per = unit.startswith("/")
    body = unit[1:].strip() if per else unit
    if body and body != "%" and not _UNIT_TEXT.match(body):
        raise ValueError(f"{unit!r} is not a unit such as 'ms', 'GB/s' or 'flop'")
    try:
        units = ureg.parse_units(("1/" if per else "") + body) if body else ureg.dimensionless
    except pint.PintError as exc:
        raise ValueError(str(exc)) from None
    return ureg.Quantity(float(match["number"]), units)


class NumberIn(float):
    """A plain float in the unit its field's name carries, that can still convert.

    Result fields named for a unit (`total_energy_kwh`, `carbon_footprint_kg`,
    `water_usage_liters`) hold one of these: it formats and computes as the
    number in that unit, so `f"{r.total_energy_kwh:,.0f} kWh"` reads
    `282,198 kWh`, and it converts on request, so `r.total_energy_kwh.to("MWh")`
    is a Quantity.  The result's unit-free field beside it (`total_energy`)
    is the Quantity itself.

    Example:
        >>> from mlsysim.core.units import NumberIn
        >>> e = NumberIn(282198.4, "kWh")
        >>> f"{e:,.0f} kWh", f"{e.to('MWh'):.1f}", e.magnitude
        ('282,198 kWh', '282.2 MWh', 282198.4)
    """

    __slots__ = ("_unit",)
    _unit: str

    def __new__(cls, value: float, unit: str) -> NumberIn:
        number = super().__new__(cls, value)
        number._unit = unit
        return number

    def __reduce__(self):
        return NumberIn, (float(self), self._unit)

    @property
    def magnitude(self) -> float:
        """The number itself, as a plain float (what `Quantity.magnitude` gives)."""
        return float(self)

    @property
    def units(self) -> pint.Unit:
        """The unit the number is in."""
        return ureg.Unit(self._unit)

    @property
    def quantity(self) -> pint.Quantity:
        """The number with its unit."""
        return quantity(float(self), self._unit)

    def to(self, units: str) -> pint.Quantity:
        """The Quantity in `units`: `NumberIn(1500, "kWh").to("MWh")` is 1.5 MWh."""
        return self.quantity.to(units)

    def m_as(self, units: str) -> float:
        """The magnitude in `units`, as a float."""
        return float(self.quantity.m_as(units))
