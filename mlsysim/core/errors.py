"""The project's own error types.

Every invalid input to a public entry point raises `MLSysimError`
(a `ValueError`), with a message that names the argument, the value
received, what was expected, and how to fix it.  An infeasible design is
not an error: solvers return `feasible=False` with a reason.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class MLSysimError(ValueError):
    """Base class of every error MLSys·im raises for bad input; a `ValueError`.

    Every subclass keeps its fields as attributes and survives pickling
    (`__reduce__` rebuilds it from those fields, as pint's errors do), so
    an error raised in a worker process arrives whole in the parent.  An infeasible design is not an
    error: solvers return it as a result with `feasible=False` and a `reason`.

    Example:
        >>> from mlsysim import Engine, Hardware, MLSysimError, Models
        >>> try:
        ...     Engine.solve(Models.Llama3_8B, Hardware.H100, precision="fp7")
        ... except MLSysimError as err:
        ...     print(type(err).__name__)
        UnknownNameError
    """


class InvalidArgumentError(MLSysimError):
    """An argument has the wrong type, dimension, sign or range.

    Args:
        argument: the argument's name.
        value: what was passed.
        expected: what belongs there.
        fix: how to mend it, or None.

    Attributes:
        argument (str): the argument's name.
        value (object): what was passed.
        expected (str): what belongs there.
        fix (str | None): how to mend it, or None.

    Example:
        >>> from mlsysim import Engine, Hardware, InvalidArgumentError, Models
        >>> try:
        ...     Engine.solve(Models.Llama3_8B, Hardware.H100, batch_size=0)
        ... except InvalidArgumentError as err:
        ...     print(err.argument, err.value)
        batch_size 0
    """

    def __init__(self, argument: str, value: object, expected: str, fix: str | None = None):
        self.argument = argument
        self.value = value
        self.expected = expected
        self.fix = fix
        message = f"{argument}={value!r} is invalid: expected {expected}."
        if fix:
            message += f" {fix}"
        super().__init__(message)

    def __reduce__(self):
        return self.__class__, (self.argument, self.value, self.expected, self.fix)


class UnknownNameError(MLSysimError, AttributeError):
    """A name (registry entry, precision, method…) is not one we know; the message suggests the closest.

    Also an `AttributeError`, so that `getattr(Hardware, "X", None)` and `hasattr` keep working on
    registries.

    Args:
        kind: what sort of name ("hardware", "precision", …).
        name: the one given.
        known: the names that exist.

    Attributes:
        kind (str): what sort of name.
        name (str): the one given.
        known (list[str]): the sorted names that exist.

    Example:
        >>> from mlsysim import Hardware, UnknownNameError
        >>> try:
        ...     Hardware.H1000
        ... except UnknownNameError as err:
        ...     print(err)
        unknown hardware 'H1000'; did you mean H100, V100, H200?
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

    def __reduce__(self):
        return self.__class__, (self.kind, self.name, self.known)


class SpecError(MLSysimError):
    """A hardware, model, system or infrastructure spec failed validation.

    Args:
        message: the whole message.
        spec: the spec's type name, or None.
        problems: one `(field, message)` pair per failed field.

    Attributes:
        spec (str | None): the spec's type name, or None.
        problems (tuple[tuple[str, str], ...]): one `(field, message)` pair per failed field (`"(spec)"`
            for a check across fields).

    Example:
        >>> from mlsysim import ComputeCore, Q_, SpecError
        >>> try:
        ...     ComputeCore(peak_flops=Q_("1 GB"))  # a capacity where a compute rate belongs
        ... except SpecError as err:
        ...     print(err.spec, err.fields)
        ComputeCore ('peak_flops',)
    """

    def __init__(self, message: str, spec: str | None = None, problems: Iterable[tuple[str, str]] = ()):
        self.spec = spec
        self.problems = tuple((str(field), str(msg)) for field, msg in problems)
        super().__init__(message)

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the refused fields, in the order pydantic reported them."""
        return tuple(field for field, _ in self.problems)

    def __reduce__(self):
        return self.__class__, (str(self), self.spec, self.problems)

    @classmethod
    def from_pydantic(cls, spec: str, error) -> SpecError:
        problems, lines = [], []
        for item in error.errors():
            where = ".".join(str(p) for p in item["loc"]) or "(spec)"
            msg = item["msg"].removeprefix("Value error, ")
            problems.append((where, msg))
            lines.append(f"  {where}: {msg} (got {item.get('input')!r})")
        return cls(f"invalid {spec}:\n" + "\n".join(lines), spec, problems)
