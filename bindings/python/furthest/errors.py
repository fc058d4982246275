"""The furthest exception family; every message names file, row or feature, column and what was expected.

Every mistake a caller can make raises a :class:`Error`: a wrong value (a missing column, an
unknown option, a number out of range, bad data) raises :class:`InputError`, :class:`ConfigError`
or :class:`GeometryError`, which are also ``ValueError``; a wrong type (a string where a list of
indicators belongs, a list where a DataFrame belongs) raises :class:`ArgumentTypeError`, which is
also ``TypeError``; a file that cannot be written raises :class:`OutputError`. ``except
furthest.Error`` catches them all; nothing else escapes the public functions (Ctrl-C still raises
``KeyboardInterrupt``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from furthest._core import ConfigError, Error, GeometryError, InputError, OutputError

__all__ = [
    "ArgumentTypeError",
    "ConfigError",
    "Error",
    "FurthestWarning",
    "GeometryError",
    "InputError",
    "OutputError",
]


class FurthestWarning(UserWarning):
    """A warning furthest raises itself; the test suite turns these into errors."""


class ArgumentTypeError(Error, TypeError):
    """An argument of the wrong type (Python's convention: also a ``TypeError``)."""


F = TypeVar("F", bound=Callable[..., Any])


def expect_type(value: Any, types: type | tuple[type, ...], what: str, expected: str) -> None:
    """ArgumentTypeError naming the argument, the type given and the one expected."""
    if not isinstance(value, types):
        raise ArgumentTypeError(f"{what} is a {type(value).__name__} ({_clip(value)}); expected {expected}")


def _clip(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def api_boundary(where: str) -> Callable[[F], F]:
    """The last line of defence of a public function: an exception from pandas, NumPy, GeoPandas
    or pybind11 (a KeyError for a missing column, a ValueError from a conversion, a pybind11
    argument TypeError) leaves as a furthest error naming the function, with the original chained.
    The functions check their arguments first; this catches what those checks did not foresee."""

    def wrap(function: F) -> F:
        @functools.wraps(function)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except Error:
                raise
            except KeyError as error:
                raise InputError(f"{where}: no column or key {error}; expected one the data has") from error
            except TypeError as error:
                raise ArgumentTypeError(f"{where}: {error}") from error
            except (ValueError, IndexError, LookupError, ArithmeticError, AttributeError) as error:
                raise InputError(f"{where}: {error}") from error
            except OSError as error:
                raise InputError(f"{where}: {error}") from error
            except RuntimeError as error:
                if isinstance(error, RecursionError):
                    raise
                raise InputError(f"{where}: {error}") from error

        return guarded  # type: ignore[return-value]

    return wrap
