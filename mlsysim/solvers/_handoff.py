"""Hand a caller's :class:`~mlsysim.Assumptions` on to a solver it composes.

Solvers built on the cost core take ``assumptions=``; the others still take a
flat ``efficiency``.  :func:`handoff` returns whichever keyword arguments the
called solver understands, so a user's assumptions reach it either way.  Once
every solver takes ``assumptions=``, pass it directly and delete this module.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from ..core.assumptions import Assumptions


@functools.cache
def _takes_assumptions(function: Callable) -> bool:
    return "assumptions" in inspect.signature(function).parameters


def handoff(solve: Callable, assumptions: Assumptions, efficiency: float | None = None) -> dict[str, Any]:
    """Keyword arguments carrying ``assumptions`` (and an explicit ``efficiency``) to ``solve``.

    A solver without ``assumptions=`` gets ``efficiency`` or, when it is None,
    ``assumptions.training_efficiency`` (its default until it reads Assumptions itself).
    """
    if _takes_assumptions(getattr(solve, "__func__", solve)):
        return {"assumptions": assumptions} if efficiency is None else {"assumptions": assumptions,
                                                                         "efficiency": efficiency}
    return {"efficiency": assumptions.training_efficiency if efficiency is None else efficiency}
