"""furthest: which neighbourhoods are furthest from digital health access, who already
supports them, and where should the next champions, hubs and devices go?

The heavy work runs in the C++ core (``furthest._core``) with the GIL released; this package
speaks pandas and GeoPandas.
"""

from furthest import access, monitor, plan, spatial
from furthest._core import __version__, normalise_postcode
from furthest.crosswalk import Crosswalk
from furthest.errors import ConfigError, Error, FurthestWarning, GeometryError, InputError, OutputError
from furthest.runs import RunResult, RunWarning, demo_config, output_tables, run, validate
from furthest.scoring import COLUMNS, Domain, Indicator, ScoringMethod, method_summary, score
from furthest.zonal import zonal_stats

__all__ = [
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
