"""Named collections of specs: `Hardware.Cloud.H100`, `Models.Llama3_8B`…

A `Catalog` holds entries (and nested catalogs).  Attribute access
finds an entry in the catalog or, failing that, in any nested catalog, so
`Hardware.H100` and `Hardware.Cloud.H100` are the same object.  An
unknown name raises `UnknownNameError` with the
closest known names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .errors import UnknownNameError


class Catalog:
    """An attribute namespace of specs with lookup, iteration and suggestions: the type of `Hardware`,
    `Models`, `Systems` and `Infra`.

    Attribute access finds an entry in the catalog or, failing that, in any nested catalog, so
    `Hardware.H100` and `Hardware.Cloud.H100` are the same object.  An unknown name raises
    `UnknownNameError` with the closest known names.  `len()`, `in` and iteration (over entries) work.

    Args:
        kind: what the entries are, for error messages ("hardware").
        entries: the entries by name.
        **groups (Catalog): nested catalogs by name.

    Example:
        >>> from mlsysim import Catalog, Hardware
        >>> mine = Catalog("device", {"fast": Hardware.H100, "slow": Hardware.T4})
        >>> mine.fast.name, len(mine), "slow" in mine
        ('NVIDIA H100 SXM5 80GB', 2, True)
    """

    def __init__(self, kind: str, entries: dict[str, Any] | None = None, **groups: Catalog):
        self._kind = kind
        self._entries: dict[str, Any] = dict(entries or {})
        self._groups: dict[str, Catalog] = groups

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._groups:
            return self._groups[name]
        if name in self._entries:
            return self._entries[name]
        for group in self._groups.values():
            found = group._find(name)
            if found is not None:
                return found
        raise UnknownNameError(self._kind, name, [*self.names(), *self._groups])

    def _find(self, name: str) -> Any:
        if name in self._entries:
            return self._entries[name]
        for group in self._groups.values():
            found = group._find(name)
            if found is not None:
                return found
        return None

    def get(self, name: str) -> Any:
        """The entry called `name` (case-insensitive), or an error naming the closest ones.

        Args:
            name: the entry's name, such as "H100" or "h100".

        Raises:
            UnknownNameError: no entry has that name.
        """
        if not isinstance(name, str):
            raise UnknownNameError(self._kind, str(name)[:60], self.names())
        found = self._find(name)
        if found is not None:
            return found
        lowered = {k.lower(): v for k, v in self.items()}
        if name.lower() in lowered:
            return lowered[name.lower()]
        raise UnknownNameError(self._kind, name, self.names())

    def items(self) -> list[tuple[str, Any]]:
        """Every `(name, entry)` pair, nested catalogs included, in registry order."""
        out = list(self._entries.items())
        for group in self._groups.values():
            out.extend(group.items())
        return out

    def names(self) -> list[str]:
        """Every entry's name, nested catalogs included."""
        return [name for name, _ in self.items()]

    @property
    def groups(self) -> dict[str, Catalog]:
        """The nested catalogs by name (e.g. `Cloud`, `Edge`, `Tiny`)."""
        return dict(self._groups)

    def __iter__(self) -> Iterator[Any]:
        return iter(entry for _, entry in self.items())

    def __len__(self) -> int:
        return len(self.items())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._find(name) is not None

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self.names(), *self._groups})

    def __repr__(self) -> str:
        return f"<{self._kind} catalog: {', '.join(self.names())}>"
