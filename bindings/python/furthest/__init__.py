"""furthest: which neighbourhoods are furthest from digital health access, who already
supports them, and where should the next champions, hubs and devices go?

The heavy work runs in the C++ core (``furthest._core``) with the GIL released; this package
speaks pandas and GeoPandas.
"""

from furthest._core import __version__
from furthest.errors import ConfigError, Error, GeometryError, InputError, OutputError
from furthest.runs import RunResult, demo_config, run, validate

__all__ = [
    "ConfigError",
    "Error",
    "GeometryError",
    "InputError",
    "OutputError",
    "RunResult",
    "__version__",
    "demo_config",
    "run",
    "validate",
]
