"""Need scores from a pandas DataFrame: a defensible composite index with rank intervals.

``furthest.score(df, spec)`` runs the C++ scoring engine (the one the run pipeline uses) on the
DataFrame's indicator columns and returns a DataFrame on the same index. The method follows the
OECD/JRC *Handbook on Constructing Composite Indicators* (2008) and can reproduce the English
Indices of Deprivation (domains exponentially transformed by rank, then weighted).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from furthest import _core
from furthest._config_json import config_json
from furthest.errors import ArgumentTypeError, ConfigError, InputError, api_boundary

__all__ = ["COLUMNS", "Domain", "Indicator", "ScoringMethod", "class_breaks", "method_summary", "score"]

# Every column furthest writes: the scoring's, then support's (people, access, gap, hot spots).
COLUMNS: Mapping[str, str] = MappingProxyType(dict(_core.scoring_columns()) | dict(_core.support_columns()))
"""The scoring's column vocabulary, name -> meaning, shared with the run's zones layer (read-only).
A name ending in ``_`` is a prefix: ``contribution_<indicator>`` and so on."""

_AREA_COLUMN: str = _core.SCORING_AREA_COLUMN  # filled with the caller's area labels


@dataclass
class Indicator:
    """One indicator; fields are the keys of a ``[[scoring.indicators]]`` table (None = default)."""

    name: str
    column: str | None = None
    direction: str | None = None
    transform: str | None = None
    log_offset: float | None = None
    normalise: str | None = None
    reference_value: float | None = None
    goalposts: tuple[float, float] | None = None
    winsorise: str | tuple[float, float] | None = None
    missing: str | None = None
    domain: str | None = None
    weight: float | None = None
    standard_error: float | str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items() if v is not None}


@dataclass
class Domain:
    """One domain; fields are the keys of a ``[[scoring.domains]]`` table (None = default)."""

    name: str
    weight: float | None = None
    transform: str | None = None
    aggregate: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class ScoringMethod:
    """How the scores were made; found in ``result.attrs["scoring"]``."""

    summary: str
    """What was done, in plain words a report can quote."""
    weights: pd.DataFrame
    """Per indicator: domain, weight within its domain, effective (overall) weight."""
    domain_weights: pd.Series
    correlation: pd.DataFrame
    """Pearson correlations of the normalised, oriented indicators (complete zones)."""
    pca: list[dict]
    class_breaks: list[float]
    stats: pd.DataFrame
    winsorised: pd.DataFrame
    missing: list[dict]
    """Per indicator with blanks: method and the zones (labels of the input index) concerned."""
    dropped: pd.Index
    warnings: list[str]
    draws: int
    factors: list[str]
    """One-at-a-time factors of the uncertainty analysis."""
    factor_shift: pd.DataFrame | None
    """Zones x factors: rank under the factor minus the nominal rank."""
    kept_ranks: np.ndarray | None
    json: str
    """The method as JSON, as the run manifest stores it."""

    def __deepcopy__(self, memo: dict) -> ScoringMethod:
        # Immutable by convention: pandas deep-copies attrs on many operations; share instead.
        return self


_TOP_KEYS = {
    "indicators",
    "domains",
    "normalise",
    "aggregate",
    "domain_aggregate",
    "weighting",
    "domain_weighting",
    "pca_components",
    "reference",
    "missing",
    "winsorise",
    "classes",
    "top_n_in_area",
    "uncertainty",
}


def _entry(item: Any, number: int, what: str, kind: type) -> dict[str, Any]:
    if isinstance(item, kind):
        return item.to_dict()
    if not isinstance(item, Mapping):
        raise ArgumentTypeError(
            f"scoring spec {what} {number} is a {type(item).__name__} ({item!r:.60}); expected a dict such as "
            "{'name': 'imd', 'column': 'IMD_score'}"
        )
    entry = dict(item)
    for key in ("name", "column", "domain"):
        if key in entry and not isinstance(entry[key], str):
            raise ArgumentTypeError(
                f"scoring spec {what} {number}: '{key}' is a {type(entry[key]).__name__}; expected a column name (str)"
            )
    return entry


def _as_spec(spec: Any) -> dict[str, Any]:
    if isinstance(spec, Mapping):
        out = dict(spec)
    elif isinstance(spec, (list, tuple)):
        out = {"indicators": list(spec)}
    else:
        raise ArgumentTypeError(
            f"scoring spec is a {type(spec).__name__}; expected a dict (a [scoring] section) or a list of indicator dicts"
        )
    for key in out:
        if not isinstance(key, str):
            raise ArgumentTypeError(f"scoring spec: key {key!r} is a {type(key).__name__}; expected text keys")
    indicators = out.get("indicators")
    if isinstance(indicators, (str, bytes, Mapping, Indicator)) or (
        indicators is not None and not isinstance(indicators, (list, tuple))
    ):
        raise ArgumentTypeError(
            f"scoring spec 'indicators' is a {type(indicators).__name__} ({indicators!r:.60}); expected a list of "
            "indicator dicts, e.g. [{'name': 'imd', 'column': 'IMD_score'}]"
        )
    if not indicators:
        raise ConfigError("scoring spec needs 'indicators', a non-empty list of indicator dicts")
    out["indicators"] = [_entry(i, n + 1, "indicator", Indicator) for n, i in enumerate(indicators)]
    if "domains" in out:
        if not isinstance(out["domains"], (list, tuple)):
            raise ArgumentTypeError(
                f"scoring spec 'domains' is a {type(out['domains']).__name__}; expected a list of domain dicts"
            )
        out["domains"] = [_entry(d, n + 1, "domain", Domain) for n, d in enumerate(out["domains"])]
    for i, ind in enumerate(out["indicators"]):
        if "name" not in ind and "column" not in ind:
            raise ConfigError(f"scoring spec indicator {i + 1} needs 'name' (or 'column')")
    return out


def _column(df: pd.DataFrame, name: str, what: str) -> pd.Series:
    if name not in df.columns:
        close = difflib.get_close_matches(str(name), [str(c) for c in df.columns], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ConfigError(f"scoring: {what} column '{name}' is not in the DataFrame{hint}")
    series = df[name]
    if isinstance(series, pd.DataFrame):
        raise InputError(f"scoring: {what} column '{name}' appears more than once in the DataFrame")
    try:
        return pd.to_numeric(series, errors="raise").astype("float64")
    except (TypeError, ValueError):
        numbers = pd.to_numeric(series, errors="coerce")
        bad = series[numbers.isna() & series.notna()]
        raise InputError(
            f"scoring: {what} column '{name}' holds non-numeric values, first {bad.iloc[0]!r} at index "
            f"{bad.index[0]!r}; expected numbers or blanks"
        ) from None


def _areas(df: pd.DataFrame, areas: Any) -> tuple[np.ndarray, pd.Index, pd.Series] | None:
    if areas is None:
        return None
    if isinstance(areas, str):
        if areas not in df.columns:
            raise ConfigError(f"scoring: areas column '{areas}' is not in the DataFrame")
        labels = df[areas]
    else:
        labels = pd.Series(areas, index=df.index) if not isinstance(areas, pd.Series) else areas.reindex(df.index)
        if len(labels) != len(df):
            raise InputError(f"scoring: {len(labels)} areas for {len(df)} zones")
    codes, uniques = pd.factorize(labels, use_na_sentinel=True)
    return codes.astype(np.int64), uniques, labels


@api_boundary("furthest.score")
def score(
    df: pd.DataFrame,
    spec: Mapping[str, Any] | Sequence[Mapping[str, Any] | Indicator],
    *,
    areas: str | Iterable[Any] | pd.Series | None = None,
    seed: int | None = None,
    draws: int | None = None,
    threads: int | None = None,
    progress: Callable[[str, float], object] | None = None,
) -> pd.DataFrame:
    """Score zones (the rows of ``df``) into a need index; returns a DataFrame on ``df.index``.

    ``spec`` is a dict with the keys of a ``[scoring]`` TOML section, or just the list of
    indicator dicts. ``areas`` names a column of ``df`` (or gives one label per row) with each
    zone's partnership area: it enables within-area ranks, ``reference = "area"``,
    ``missing = "area_mean"`` and the top-N-in-area probability. ``seed``, ``draws`` and
    ``threads`` override ``[scoring.uncertainty]`` (None: the spec's value; draws 0 = no Monte
    Carlo). Results are identical for any thread count. The indicator matrix is copied once into
    the C++ engine, which runs with the GIL released.

    Keys (as in TOML; every key but ``indicators`` is optional)::

        [scoring]
        normalise = "z_score"        # min_max | min_max_10 | z_score | percentile_rank |
                                     # distance_to_reference | goalposts | none
        aggregate = "arithmetic"     # domains into the index: arithmetic | geometric
        domain_aggregate = "arithmetic"  # indicators into each domain
        weighting = "explicit"       # indicator weights within domains: explicit | equal | pca
        domain_weighting = "explicit"    # domain weights: explicit | equal | pca
        pca_components = 1           # components used for PCA weights; 0 = Kaiser rule
        reference = "all"            # all | area: normalise over all zones or within each area
        missing = "error"            # error | drop | mean | median | area_mean | flag
        winsorise = "none"           # none | jrc (default for indicators)
        top_n_in_area = 5

        [[scoring.indicators]]
        name = "income"              # output name; `column` defaults to it
        column = "Income_score"      # DataFrame column (run: indicator column)
        direction = "higher_is_more_need"   # or lower_is_more_need
        transform = "none"           # none | log | rank | imd_exponential
        log_offset = 0.0             # log(x + log_offset)
        normalise = "z_score"        # overrides the section's
        reference_value = 10.0       # distance_to_reference (default: the reference set's mean)
        goalposts = [0.0, 100.0]     # goalposts, in the indicator's units
        winsorise = [0.01, 0.99]     # quantiles to clip to, or "jrc", or "none"
        missing = "mean"             # overrides the section's
        domain = "deprivation"       # none: the indicator is a domain of its own
        weight = 1.0                 # within its domain (or as a domain when it has none)
        standard_error = 0.5         # input noise, a number or a column of per-zone errors

        [[scoring.domains]]
        name = "deprivation"
        weight = 0.225
        transform = "imd_exponential"    # none | rank | imd_exponential (of the domain score)
        aggregate = "arithmetic"     # overrides domain_aggregate

        [scoring.classes]
        method = "fisher_jenks"      # quantiles | equal_interval | fisher_jenks | user
        k = 5
        breaks = [0.1, 0.5]          # method "user": upper bounds

        [scoring.uncertainty]
        draws = 1000                 # 0: no Monte Carlo
        seed = 0
        threads = 0                  # 0: all cores
        batch = 128                  # draws per batch (memory does not grow with draws)
        weights = "dirichlet"        # dirichlet | percent | none
        concentration = 100.0        # Dirichlet(c w): sd of w_j = sqrt(w_j (1 - w_j) / (c + 1))
        percent = 20.0               # percent: each weight times U(1 - p/100, 1 + p/100)
        normalisations = ["z_score", "min_max", "percentile_rank"]  # one per draw, at random
        drop_one = false             # leave out none or one indicator per draw
        input_noise = true           # use standard errors where given
        keep_draws = false           # keep every draw's ranks (small tables only)

    Columns returned (names and meanings in :data:`furthest.COLUMNS`, the same names as the
    run's zones layer): ``score``, ``rank`` (1 = most need), ``decile`` and ``quintile`` (1 = most
    need), ``score_class`` (1..k, k = highest scores, so it runs opposite to decile),
    ``contribution_<indicator>`` (adding up to the score); with areas: ``rank_in_area``,
    ``score_within_area``, ``rank_all_zones`` and ``decile_all_zones`` (among all the zones
    given, not England's unless they are all of England's), ``zones_in_area``; with draws:
    ``rank_p05``, ``rank_median``, ``rank_p95``, ``p_top_decile``, ``p_top_n_in_area`` (with
    areas), ``most_influential``, ``rank_mean`` and ``most_influential_shift``; then details:
    ``area``, ``score_within_area_rank``, ``normalised_<indicator>``, ``domain_<domain>`` for
    hierarchical specs and ``missing_count`` with flagged blanks. Dropped zones keep their row
    with blank values (ranks are nullable Int64). ``progress`` (None or a callable taking
    ``(step, fraction)``) hears how far the Monte Carlo is; Ctrl-C stops the scoring within
    about a second and raises ``KeyboardInterrupt``. ``result.attrs["scoring"]`` is a :class:`ScoringMethod`.
    """
    if not isinstance(df, pd.DataFrame):
        raise ArgumentTypeError(f"scoring: df is a {type(df).__name__}; expected a pandas DataFrame with zones as rows")
    for name, value in (("draws", draws), ("seed", seed), ("threads", threads)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, np.integer))):
            raise ArgumentTypeError(f"scoring: {name} is a {type(value).__name__}; expected a whole number (or None)")
    if progress is not None and not callable(progress):
        raise ArgumentTypeError(f"scoring: progress is a {type(progress).__name__}; expected a callable or None")
    parsed = _as_spec(spec)
    unknown = set(parsed) - _TOP_KEYS
    if unknown:
        name = sorted(unknown)[0]
        close = difflib.get_close_matches(name, sorted(_TOP_KEYS), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ConfigError(f"scoring spec: unknown key '{name}'{hint}")
    indicators = parsed["indicators"]
    names = [ind.get("name", ind.get("column")) for ind in indicators]
    values = np.empty((len(df), len(indicators)), dtype=np.float64)
    errors = np.full_like(values, np.nan)
    any_error_column = False
    for j, ind in enumerate(indicators):
        column = ind.get("column", ind.get("name"))
        values[:, j] = _column(df, column, f"indicator '{names[j]}'").to_numpy()
        se = ind.get("standard_error")
        if isinstance(se, str):
            errors[:, j] = _column(df, se, f"standard error of '{names[j]}'").to_numpy()
            any_error_column = True
    area_info = _areas(df, areas)
    zone_ids = [str(i) for i in df.index]
    raw = _core.score(
        values,
        config_json(parsed, "<dict>"),
        area=area_info[0] if area_info is not None else None,
        zone_ids=zone_ids,
        standard_errors=errors if any_error_column else None,
        draws=draws,
        seed=seed,
        threads=threads,
        progress=progress,
    )
    return _frame(df.index, raw, area_info, names)


def _frame(index: pd.Index, raw: dict, area_info, names: list[str]) -> pd.DataFrame:
    # Columns come from the C++ vocabulary (furthest/columns.hpp) in output order: no name is spelled here.
    data: dict[str, Any] = {}
    for name, values, valid in raw["columns"]:
        if name == _AREA_COLUMN and area_info is not None:
            data[name] = area_info[2].to_numpy()
        elif valid is not None:
            # Blank in the engine (a zone not scored, or without an area): pandas' missing integer.
            data[name] = pd.arrays.IntegerArray(np.asarray(values, dtype=np.int64), ~np.asarray(valid, dtype=bool))
        elif isinstance(values, list):
            data[name] = pd.array(values, dtype="string")
        else:
            data[name] = np.asarray(values)
    out = pd.DataFrame(data, index=index)
    domains = list(raw["domains"])
    u = raw["uncertainty"]
    factor_shift = None
    if u["draws"] > 0:
        factor_shift = pd.DataFrame(u["factor_shift"], index=index, columns=list(u["factors"]))

    positions = np.asarray(raw["dropped_zones"], dtype=np.int64)
    weights = pd.DataFrame(
        {
            "domain": [domains[d] for d in raw["indicator_domain"]],
            "weight_in_domain": raw["indicator_weights"],
            "effective_weight": raw["effective_weights"],
        },
        index=pd.Index(names, name="indicator"),
    )
    missing = []
    for m in raw["imputed"]:
        entry = {"indicator": m["indicator"], "method": m["method"], "zones": index[np.asarray(m["zones"], dtype=np.int64)]}
        if len(m["values"]):
            entry["values"] = np.asarray(m["values"])
        missing.append(entry)
    method = ScoringMethod(
        summary=raw["method_summary"],
        weights=weights,
        domain_weights=pd.Series(raw["domain_weights"], index=pd.Index(domains, name="domain"), name="weight"),
        correlation=pd.DataFrame(raw["correlation"], index=names, columns=names),
        pca=[dict(p) for p in raw["pca"]],
        class_breaks=list(raw["class_breaks"]),
        stats=pd.DataFrame(list(raw["stats"])).set_index("indicator") if raw["stats"] else pd.DataFrame(),
        winsorised=pd.DataFrame(list(raw["winsorised"]), columns=["indicator", "low", "high", "clipped_low", "clipped_high"]),
        missing=missing,
        dropped=index[positions],
        warnings=list(raw["warnings"]),
        draws=int(u["draws"]),
        factors=list(u.get("factors", [])),
        factor_shift=factor_shift,
        kept_ranks=u.get("kept_ranks"),
        json=raw["method_json"],
    )
    out.attrs["scoring"] = method
    return out


@api_boundary("furthest.method_summary")
def method_summary(result: pd.DataFrame) -> str:
    """The plain-words method summary of a :func:`score` result."""
    if not isinstance(result, pd.DataFrame):
        raise ArgumentTypeError(f"method_summary: result is a {type(result).__name__}; expected a furthest.score result")
    method = result.attrs.get("scoring")
    if not isinstance(method, ScoringMethod):
        raise InputError("method_summary: not a furthest.score result (attrs['scoring'] is missing)")
    return method.summary


def class_breaks(values: Any, method: str = "fisher_jenks", k: int = 5, breaks: Sequence[float] = ()) -> list[float]:
    """Upper bounds of map classes of ``values`` (mapclassify conventions; Fisher-Jenks exact)."""
    return list(_core.class_breaks(np.asarray(values, dtype=np.float64).ravel(), method, int(k), list(breaks)))


def _method_dict(result: pd.DataFrame) -> dict:
    """The method as a dict (the manifest's JSON), for reports."""
    return json.loads(result.attrs["scoring"].json)
