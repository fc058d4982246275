"""furthest: which neighbourhoods are furthest from digital health access, who already
supports them, and where should the next champions, hubs and devices go?

The heavy work runs in the C++ core (``furthest._core``) with the GIL released; this package
speaks pandas and GeoPandas.
"""

from furthest import _core, access, monitor, plan, runs, spatial
from furthest._core import __version__
from furthest.crosswalk import Crosswalk
from furthest.errors import (
    ArgumentTypeError,
    ConfigError,
    Error,
    FurthestWarning,
    GeometryError,
    InputError,
    OutputError,
    api_boundary,
)
from furthest.runs import RunResult, RunWarning
from furthest.scoring import COLUMNS, Domain, Indicator, ScoringMethod, method_summary, score
from furthest.zonal import zonal_stats

# The public entry points of runs.py, each behind the boundary that turns any stray exception
# into a furthest.Error (runs.py itself stays as it is).
run = api_boundary("furthest.run")(runs.run)
validate = api_boundary("furthest.validate")(runs.validate)
output_tables = api_boundary("furthest.output_tables")(runs.output_tables)
demo_config = api_boundary("furthest.demo_config")(runs.demo_config)


@api_boundary("furthest.normalise_postcode")
def normalise_postcode(text: str) -> str | None:
    """The standard form of a UK postcode ('ls14ap' -> 'LS1 4AP'), or None when the text is not shaped like one."""
    if not isinstance(text, str):
        raise ArgumentTypeError(f"normalise_postcode: text is a {type(text).__name__}; expected a str")
    return _core.normalise_postcode(text)


__all__ = [
    "ArgumentTypeError",
    "COLUMNS",
    "ConfigError",
    "Crosswalk",
    "Domain",
    "Error",
    "FurthestWarning",
    "GeometryError",
    "Indicator",
    "InputError",
    "OutputError",
    "RunResult",
    "RunWarning",
    "ScoringMethod",
    "__version__",
    "access",
    "demo_config",
    "method_summary",
    "monitor",
    "normalise_postcode",
    "output_tables",
    "plan",
    "run",
    "score",
    "spatial",
    "validate",
    "zonal_stats",
]
