"""The project's own error types.

Every invalid input to a public entry point raises :class:`MLSysimError`
(a ``ValueError``), with a message that names the argument, the value
received, what was expected, and how to fix it.  An infeasible design is
not an error: solvers return ``feasible=False`` with a reason.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class MLSysimError(ValueError):
    """Base class of every error MLSys·im raises for bad input."""


class InvalidArgumentError(MLSysimError):
    """An argument has the wrong type, dimension, sign or range."""

    def __init__(self, argument: str, value: object, expected: str, fix: str | None = None):
        self.argument = argument
        self.value = value
        self.expected = expected
        message = f"{argument}={value!r} is invalid: expected {expected}."
        if fix:
            message += f" {fix}"
        super().__init__(message)


class UnknownNameError(MLSysimError, AttributeError):
    """A name (registry entry, precision, method…) is not one we know.

    Also an ``AttributeError`` so that ``getattr(Hardware, "X", None)`` and
    ``hasattr`` keep working on registries.
    """

    def __init__(self, kind: str, name: str, known: Iterable[str]):
        known = sorted(known)
        self.kind = kind
        self.name = name
        self.known = known
        close = difflib.get_close_matches(str(name), known, n=3, cutoff=0.5)
        if not close:
            lowered = {k.lower(): k for k in known}
            close = [lowered[k] for k in difflib.get_close_matches(str(name).lower(), lowered, n=3, cutoff=0.5)]
        message = f"unknown {kind} {name!r}"
        if close:
            message += f"; did you mean {', '.join(close)}?"
        else:
            message += f"; known: {', '.join(known)}"
        super().__init__(message)


class SpecError(MLSysimError):
    """A hardware, model, system or infrastructure spec failed validation."""

    @classmethod
    def from_pydantic(cls, spec: str, error) -> SpecError:
        lines = []
        for item in error.errors():
            where = ".".join(str(p) for p in item["loc"]) or "(spec)"
            msg = item["msg"].removeprefix("Value error, ")
            lines.append(f"  {where}: {msg} (got {item.get('input')!r})")
        return cls(f"invalid {spec}:\n" + "\n".join(lines))
