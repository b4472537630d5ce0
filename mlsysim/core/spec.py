"""Typed building blocks for specs: a frozen pydantic base and Quantity fields.

A field annotated ``Bandwidth`` accepts a pint Quantity (or a string such as
``"3.35 TB/s"``) whose dimension is ``[information] / [time]``, and nothing
else: a capacity, a frequency (``5 /s``), a percentage or a bare number
passed where a bandwidth belongs fails at construction with the field
named.  Each spec caches the SI magnitudes its solvers need, so a solve is
float arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Self, TypeAlias

import pydantic
from pydantic import BaseModel, ConfigDict, PlainSerializer, PlainValidator, WithJsonSchema

from .errors import SpecError
from .units import Q_, Quantity, ureg


def _quantity_field(dimension: str, kind: str, example: str, *, allow_zero: bool = False):
    expected = ureg.get_dimensionality(dimension)

    def validate(value: Any):
        if isinstance(value, str):
            try:
                value = Q_(value)
            except Exception as exc:  # pint raises several types for unparsable text
                raise ValueError(f"cannot read {value!r} as a {kind} like {example!r}: {exc}") from None
        if not isinstance(value, ureg.Quantity):
            raise ValueError(f"expected a {kind} Quantity such as {example!r}, not a bare {type(value).__name__}")
        if value.dimensionality != expected:
            got = "dimensionless" if value.dimensionless else f"in {value.dimensionality}"
            raise ValueError(f"expected a {kind} (units like {example!r}), got {value:~P}, which is {got}")
        m = value.magnitude
        if not isinstance(m, (int, float)) or not math.isfinite(m):
            raise ValueError(f"{kind} must be a finite number, got {value!r}")
        if m < 0 or (m == 0 and not allow_zero):
            raise ValueError(f"{kind} must be {'non-negative' if allow_zero else 'positive'}, got {value:~P}")
        return value

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
    """Frozen, strict base for every spec; bad fields raise :class:`SpecError`."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    def __init__(self, **data: Any):
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise SpecError.from_pydantic(type(self).__name__, exc) from None

    def __hash__(self) -> int:
        # Equal specs have equal names, so this agrees with pydantic's field-wise equality
        # (the fields themselves may be unhashable dicts).
        return hash((type(self).__name__, getattr(self, "name", None)))

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A variant of this spec with ``update`` applied, validated like a new one."""
        # Overrides pydantic's copy, which skips validation: variants go through validation and caching.
        if not update:
            return self
        return type(self)(**{**{k: getattr(self, k) for k in type(self).model_fields}, **update})
