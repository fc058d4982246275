"""Dict configs as JSON text for the C++ parsers (furthest::parse_config_json and
parse_scoring_spec_json), so a dict and a TOML file pass the same checks with the same messages.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from typing import Any

from furthest.errors import ConfigError

_INT64 = 2**63

_EXPECTED = "expected str, int, float, bool, path, dict or list"


def config_json(config: Mapping[str, Any], where: str) -> str:
    """``config`` as JSON text; ``where`` starts every message (e.g. ``"config <dict>"``).

    Accepts str, int, float, bool, os.PathLike (as its path text), NumPy scalars (as Python
    numbers), dicts and lists/tuples; None means "not set" and is passed on as null. Raises
    ConfigError naming the key for anything else, for NaN or infinity, for whole numbers beyond
    64 bits, and for dicts nested too deeply to walk.
    """
    try:
        return json.dumps(_plain(config, where), allow_nan=False, ensure_ascii=False)
    except RecursionError:
        raise ConfigError(f"{where}: nested too deeply; a config is a few levels of dicts and lists") from None


def _plain(value: Any, where: str) -> Any:
    # bool before int: bool is a subclass of int, and must stay true/false.
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        if not -_INT64 <= value < _INT64:
            raise ConfigError(f"{where}: {value} is too large; expected a whole number that fits in 64 bits")
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ConfigError(f"{where}: {value} is not a finite number; leave the key out to use the default")
        return float(value)
    if isinstance(value, os.PathLike):
        return os.fsdecode(value)
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ConfigError(f"{where}: keys must be strings")
            out[key] = _plain(item, f"{where}.{key}")
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if hasattr(value, "item") and hasattr(value, "dtype"):  # NumPy scalars
        return _plain(value.item(), where)
    raise ConfigError(f"{where}: unsupported value of type {type(value).__name__}; {_EXPECTED}")
