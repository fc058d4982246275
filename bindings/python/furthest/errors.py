"""The furthest exception family; every message names file, row or feature, column and what was expected."""

from furthest._core import ConfigError, Error, GeometryError, InputError, OutputError

__all__ = ["ConfigError", "Error", "FurthestWarning", "GeometryError", "InputError", "OutputError"]


class FurthestWarning(UserWarning):
    """A warning furthest raises itself; the test suite turns these into errors."""
