"""Typed building blocks for specs: a frozen pydantic base and Quantity fields.

A field annotated `Bandwidth` accepts a pint Quantity (or a string such as
`"3.35 TB/s"`) whose dimension is `[information] / [time]`, and nothing
else: a capacity, a frequency (`5 /s`), a percentage or a bare number
passed where a bandwidth belongs fails at construction with the field
named.  Each spec caches the SI magnitudes its solvers need, so a solve is
float arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Self, TypeAlias

import pydantic
from pydantic import BaseModel, ConfigDict, PlainSerializer, PlainValidator, WithJsonSchema

from .errors import SpecError
from .units import Q_, Quantity, parse_quantity, ureg
from .validate import MAX_CHOICES, MAX_COUNT, MAX_MAGNITUDE, MIN_MAGNITUDE, in_range, real


def _quantity_field(dimension: str, kind: str, example: str, *, allow_zero: bool = False):
    expected = ureg.get_dimensionality(dimension)

    def validate(value: Any):
        if isinstance(value, str):
            try:
                value = parse_quantity(value)
            except ValueError as exc:
                raise ValueError(f"cannot read {value[:80]!r} as a {kind} like {example!r}: {exc}") from None
        if not isinstance(value, ureg.Quantity):
            raise ValueError(f"expected a {kind} Quantity such as {example!r}, not a bare {type(value).__name__}")
        if value.dimensionality != expected:
            got = "dimensionless" if value.dimensionless else f"in {value.dimensionality}"
            raise ValueError(f"expected a {kind} (units like {example!r}), got {value:~P}, which is {got}")
        m = real(value.magnitude)
        if m is None or not in_range(m, allow_zero=allow_zero):
            sign = "non-negative" if allow_zero else "positive"
            raise ValueError(f"{kind} must be {sign}, finite and at most {MAX_MAGNITUDE:g}"
                             + ("" if allow_zero else f" (at least {MIN_MAGNITUDE:g})") + f", got {str(value)[:60]}")
        return value if isinstance(value.magnitude, (int, float)) else Q_(m, value.units)

    return Annotated[
        Any,
        PlainValidator(validate),
        PlainSerializer(lambda q: f"{q:~P}", return_type=str),
        WithJsonSchema({"type": "string", "description": f"{kind}, e.g. {example}"}),
    ]


if TYPE_CHECKING:
    # A type checker sees each field as the Quantity it holds once validated; the
    # validating Annotated types below are built at runtime, which it cannot follow.
    FlopRate: TypeAlias = Quantity
    Bandwidth: TypeAlias = Quantity
    Capacity: TypeAlias = Quantity
    Power: TypeAlias = Quantity
    Duration: TypeAlias = Quantity
    Money: TypeAlias = Quantity
    FlopCount: TypeAlias = Quantity
    ParamCount: TypeAlias = Quantity
else:
    FlopRate = _quantity_field("flop/s", "compute rate", "989 TFLOP/s")
    Bandwidth = _quantity_field("byte/s", "bandwidth", "3.35 TB/s")
    Capacity = _quantity_field("byte", "memory capacity", "80 GiB")
    Power = _quantity_field("W", "power", "700 W")
    Duration = _quantity_field("s", "duration", "0.5 ms", allow_zero=True)
    Money = _quantity_field("USD", "price", "30000 USD")
    FlopCount = _quantity_field("flop", "operation count", "8.2 GFLOP")
    ParamCount = _quantity_field("param", "parameter count", "8.03 Bparam")


class Spec(BaseModel):
    """Frozen, strict base for every spec; bad fields raise `SpecError`."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    def __init__(self, **data: Any):
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise SpecError.from_pydantic(type(self).__name__, exc) from None

    @pydantic.model_validator(mode="before")
    @classmethod
    def _no_huge_collections(cls, data: Any) -> Any:
        """Refuse lazy or huge collections before pydantic expands them: `range(10**12)` given for a shape
        would otherwise become a tuple of a trillion entries."""
        if isinstance(data, dict):
            for name, value in data.items():
                if isinstance(value, (str, bytes)):
                    continue
                if isinstance(value, range) or hasattr(value, "__next__"):
                    raise ValueError(f"{name} must be a list or tuple, not a {type(value).__name__}")
                if isinstance(value, (list, tuple, dict, set)) and len(value) > MAX_CHOICES:
                    raise ValueError(f"{name} holds {len(value):,} entries; at most {MAX_CHOICES:,}")
        return data

    @pydantic.model_validator(mode="after")
    def _numbers_in_range(self) -> Self:
        problem = self.out_of_range()
        if problem:
            raise ValueError(problem)
        return self

    def out_of_range(self) -> str | None:
        """Which field, if any, holds a number beyond what the solvers' arithmetic can carry: every whole-number
        field is at most a billion, every float field finite and at most 1e30 (see `validate.MAX_COUNT`)."""
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, bool):
                continue
            if isinstance(value, int) and abs(value) > MAX_COUNT:
                return f"{name}={str(value)[:40]} is out of range: at most {MAX_COUNT:,}"
            if isinstance(value, float) and (real(value) is None or abs(value) > MAX_MAGNITUDE):
                return f"{name}={value!r} is out of range: a finite number of at most {MAX_MAGNITUDE:g}"
        return None

    def __hash__(self) -> int:
        # Equal specs have equal names, so this agrees with pydantic's field-wise equality
        # (the fields themselves may be unhashable dicts).
        return hash((type(self).__name__, getattr(self, "name", None)))

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A variant of this spec with `update` applied, validated like a new one."""
        # Overrides pydantic's copy, which skips validation: variants go through validation and caching.
        if not update:
            return self
        return type(self)(**{**{k: getattr(self, k) for k in type(self).model_fields}, **update})
