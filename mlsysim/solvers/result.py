"""Base of every solver result: a frozen record of Quantities that shows itself."""

from __future__ import annotations

import dataclasses

from .. import show


@dataclasses.dataclass(frozen=True)
class Result:
    """Fields are Quantities, numbers, flags and names; `str()` is a readable table."""

    def summary(self) -> dict:
        """The result's fields as a dict (`notes` and nested results left out)."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.repr and not isinstance(getattr(self, f.name), (Result, list, tuple))
        }

    def __str__(self) -> str:
        rows = [(k, v) for k, v in self.summary().items()]
        notes = getattr(self, "notes", ())
        text = show.table_text(["field", "value"], rows, "<<")
        return text + "".join(f"\nnote: {n}" for n in notes)

    def _repr_html_(self) -> str:
        notes = "".join(f"<p class='mlsysim-note'>{n}</p>" for n in getattr(self, "notes", ()))
        return show.table_html(["field", "value"], list(self.summary().items()), "<<") + notes
