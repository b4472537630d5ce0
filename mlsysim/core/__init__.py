"""Units, errors, precisions, assumptions and the typed-spec base."""

from .errors import InvalidArgumentError, MLSysimError, SpecError, UnknownNameError
from .units import Q_, ureg

__all__ = ["InvalidArgumentError", "MLSysimError", "Q_", "SpecError", "UnknownNameError", "ureg"]
