"""Monitoring a rollout: is reach going furthest first, and which counts are safe to publish.

:func:`concentration_index` (Wagstaff, Paci & van Doorslaer 1991; Kakwani, Wagstaff & van
Doorslaer 1997) measures how reach (people helped, devices lent ...) is spread over zones ranked
by need. **Zones are ranked from most need (rank 1) to least, so a negative index means reach
concentrates where need is higher** — furthest first; 0 means reach in proportion to people.
:func:`need_groups` and :func:`share_to_groups` compare the share of reach going to the top need
decile (or to each rollout wave) with its share of people.

:func:`suppress` applies disclosure control to a table of counts before it is published: every
count (margins included) with ``0 < count < threshold`` is suppressed (primary), then further cells
(secondary) so that no suppressed count can be worked out exactly from the published row, column
and grand totals. :func:`suppress_nested` does the same for linked tables published together:
counts per zone x period and per area x period, each zone in one area, with every zone's, area's
and period's total. The area row is the total row of its zones, so suppressing the two tables
apart leaks; it protects the zones of each area and the areas table in turn, each with the cells
the other suppressed forced, until they agree. Methods, limits and references are in the C++
header ``furthest/monitoring.hpp`` and METHODS.md ("Allocation and equity", "Disclosure control").

>>> from furthest import monitor
>>> c = monitor.concentration_index(zones["helped"], zones["population"], zones["need_rank"], seed=1)
>>> c.index, c.interval                      # e.g. -0.21, (-0.27, -0.15): reach goes to higher need
>>> monitor.share_to_groups(zones["helped"], zones["population"], monitor.need_groups(zones["population"], zones["need_rank"]))
>>> monitor.suppress(helped_by_area_and_month, threshold=5).published
>>> nested = monitor.suppress_nested(helped_by_zone_and_month, zones["area"], threshold=5)
>>> nested.zones.published, nested.areas.published  # one pattern: nothing recoverable from both
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from furthest import _core
from furthest.errors import InputError

__all__ = [
    "ConcentrationResult",
    "NestedSuppression",
    "SuppressedTable",
    "concentration_by_group",
    "concentration_index",
    "need_groups",
    "share_to_groups",
    "suppress",
    "suppress_nested",
]

_STATUS = np.array(["published", "primary", "secondary", "linked"], dtype=object)


def _aligned(first: Any, others: dict[str, Any], who: str) -> tuple[pd.Index | None, list[np.ndarray]]:
    """The first series' index and every input as float64 on it (Series are aligned by label)."""
    if isinstance(first, pd.Series):
        index = first.index
        if index.has_duplicates:
            dup = index[index.duplicated()][0]
            raise InputError(f"{who}: zone {dup!r} appears more than once in the index")
        arrays = [_floats(first, who, "reach")]
        for name, value in others.items():
            if isinstance(value, pd.Series):
                missing = index.difference(value.index)
                if len(missing):
                    raise InputError(
                        f"{who}: {name} has no value for {len(missing)} zone(s), e.g. {missing[0]!r}; give one per zone"
                    )
                value = value.reindex(index)
            arrays.append(_floats(value, who, name))
        return index, arrays
    return None, [_floats(first, who, "reach"), *(_floats(v, who, k) for k, v in others.items())]


def _floats(value: Any, who: str, name: str) -> np.ndarray:
    array = value.to_numpy() if isinstance(value, pd.Series) else np.asarray(value)
    if array.dtype == np.float64:
        return np.ascontiguousarray(array)
    try:
        return pd.to_numeric(pd.Series(array), errors="raise").to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as error:
        raise InputError(f"{who}: {name} must be numbers ({error})") from None


@dataclass(frozen=True)
class ConcentrationResult:
    """The concentration index of reach over need, its curve and its bootstrap interval.

    ``index`` < 0: reach concentrates in the zones of higher need (ranked most need first).
    ``interval`` is the percentile bootstrap interval at ``level`` (zones resampled with
    replacement, ``draws`` times; ``undefined_draws`` held no reach and are left out), NaN
    without draws; ``bootstrap`` holds each draw's index. ``curve`` has one row per need group
    (tied zones together), from (0, 0): ``need_rank`` (the group's; NaN at the origin),
    ``population_share`` and ``reach_share``, both cumulative. ``fractional_rank`` is each zone's
    population-weighted fractional rank, on the zones' index.
    """

    index: float
    lower: float
    upper: float
    level: float
    draws: int
    undefined_draws: int
    curve: pd.DataFrame
    fractional_rank: pd.Series
    bootstrap: np.ndarray

    @property
    def interval(self) -> tuple[float, float]:
        return (self.lower, self.upper)

    def __repr__(self) -> str:
        return (
            f"ConcentrationResult(index={self.index:.4f}, {self.level:.0%} interval=({self.lower:.4f}, "
            f"{self.upper:.4f}), draws={self.draws})"
        )


def concentration_index(
    reach: pd.Series | np.ndarray,
    population: pd.Series | np.ndarray,
    need_rank: pd.Series | np.ndarray,
    *,
    draws: int = 999,
    seed: int = 0,
    level: float = 0.9,
    threads: int = 0,
    progress: Callable[[str, float], object] | None = None,
) -> ConcentrationResult:
    """The concentration index of ``reach`` over zones ranked by need, with a bootstrap interval.

    ``need_rank``: 1 = most need; equal ranks are ties and share one fractional rank, so the
    result does not depend on the order the zones are listed in. With zones ranked from most
    need, **a negative index means reach concentrates where need is higher**. C = 2 cov_w(h, r) /
    mean_w(h), h = reach per person, r = the population-weighted fractional rank (weights:
    ``population``); equal to 1 - 2 x the area under the concentration curve. Series are aligned
    on ``reach``'s index. The bootstrap draws are seeded by (seed, draw) alone: the same for any
    ``threads``. Copies only inputs that are not float64; runs without the GIL; Ctrl-C stops it.
    Raises InputError for sizes that differ, negative or missing values, a zone with reach and no
    people, or no reach at all.
    """
    index, (r, p, k) = _aligned(reach, {"population": population, "need_rank": need_rank}, "concentration index")
    zone_ids = [str(z) for z in index] if index is not None else []
    raw = _core.concentration_index(
        r, p, k, draws=draws, seed=seed, level=level, threads=threads, zone_ids=zone_ids, progress=progress
    )
    ranks = np.unique(k[np.isfinite(k)])
    curve = pd.DataFrame(
        {
            "need_rank": np.concatenate([[np.nan], ranks]),
            "population_share": raw["curve_population"],
            "reach_share": raw["curve_reach"],
        }
    )
    fractional = pd.Series(raw["fractional_rank"], index=index, name="fractional_rank")
    return ConcentrationResult(
        index=float(raw["index"]),
        lower=float(raw["lower"]),
        upper=float(raw["upper"]),
        level=float(raw["level"]),
        draws=int(raw["draws"]),
        undefined_draws=int(raw["undefined_draws"]),
        curve=curve,
        fractional_rank=fractional,
        bootstrap=raw["bootstrap"],
    )


def concentration_by_group(
    reach: pd.Series,
    population: pd.Series,
    need_rank: pd.Series,
    groups: pd.Series,
    *,
    draws: int = 999,
    seed: int = 0,
    level: float = 0.9,
    threads: int = 0,
) -> pd.DataFrame:
    """The concentration index within each group (e.g. rollout wave), one row per group label.

    Columns ``index``, ``lower``, ``upper`` (as :func:`concentration_index`, each group's zones
    ranked among themselves, same seed), ``zones``, ``population`` and ``reach``; a group with no
    reach gets NaN. Zones whose label is missing are left out. Series share the zones' index.
    """
    frame = pd.DataFrame({"reach": reach, "population": population, "need_rank": need_rank, "group": groups})
    rows = {}
    for label, part in frame.dropna(subset=["group"]).groupby("group", sort=True):
        row = {"zones": len(part), "population": part["population"].sum(), "reach": part["reach"].sum()}
        if row["reach"] > 0:
            c = concentration_index(
                part["reach"], part["population"], part["need_rank"], draws=draws, seed=seed, level=level, threads=threads
            )
            row.update(index=c.index, lower=c.lower, upper=c.upper)
        else:
            row.update(index=np.nan, lower=np.nan, upper=np.nan)
        rows[label] = row
    columns = ["index", "lower", "upper", "zones", "population", "reach"]
    name = groups.name if groups.name is not None else "group"
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis(name)


def need_groups(population: pd.Series | np.ndarray, need_rank: pd.Series | np.ndarray, groups: int = 10) -> pd.Series:
    """Need groups of about equal people: 1 = the most need (the top decile, with ``groups=10``).

    A zone's group is set by its population-weighted fractional rank (ties together), so each
    group holds about 1 / ``groups`` of the people. Series are aligned on ``population``'s index.
    """
    index, (p, k) = _aligned(population, {"need_rank": need_rank}, "need groups")
    codes = _core.need_groups(p, k, groups)
    return pd.Series(codes + 1, index=index, name="need_group")


def share_to_groups(
    reach: pd.Series | np.ndarray, population: pd.Series | np.ndarray, groups: pd.Series | np.ndarray
) -> pd.DataFrame:
    """Each group's share of people against its share of reach, e.g. per need decile or rollout wave.

    One row per group label (sorted; zones whose label is missing belong to no group but count
    in the totals: ``attrs["ungrouped_population"]`` and ``attrs["ungrouped_reach"]``). Columns
    ``population``, ``reach``, ``population_share``, ``reach_share`` (of all zones') and ``ratio``
    = reach_share / population_share (above 1: more than its share of people). Series are aligned
    on ``reach``'s index.
    """
    if isinstance(reach, pd.Series) and isinstance(groups, pd.Series):
        missing = reach.index.difference(groups.index)
        if len(missing):
            raise InputError(f"share to groups: groups has no label for zone {missing[0]!r}; use NaN for none")
        groups = groups.reindex(reach.index)
    codes, labels = pd.factorize(pd.Series(np.asarray(groups)), sort=True, use_na_sentinel=True)
    _, (r, p) = _aligned(reach, {"population": population}, "share to groups")
    raw = _core.share_by_group(r, p, np.asarray(codes, dtype=np.int64), len(labels))
    name = groups.name if isinstance(groups, pd.Series) and groups.name is not None else "group"
    frame = pd.DataFrame(
        {key: raw[key] for key in ("population", "reach", "population_share", "reach_share", "ratio")},
        index=pd.Index(labels, name=name),
    )
    frame.attrs["ungrouped_population"] = float(raw["ungrouped_population"])
    frame.attrs["ungrouped_reach"] = float(raw["ungrouped_reach"])
    return frame


@dataclass(frozen=True)
class SuppressedTable:
    """A table of counts as it may be published.

    ``published``: the counts (with a total row and column when ``margins``), suppressed cells
    <NA>; ``status``: "published", "primary" (below the threshold), "secondary" (hidden to
    protect another) or "linked" (hidden on request because a linked table hides it; the C++
    ``forced`` mask) per cell; ``mask``: True where suppressed. ``counts`` is the record for a
    manifest: threshold, rules and how many cells and margins were suppressed, and why.
    """

    published: pd.DataFrame
    status: pd.DataFrame
    counts: dict[str, Any]

    @property
    def mask(self) -> pd.DataFrame:
        return self.status != "published"

    @property
    def suppressed(self) -> pd.DataFrame:
        """One row per suppressed cell: ``row``, ``column`` and ``reason`` (for a manifest)."""
        long = self.status.stack()
        long = long[long != "published"]
        return pd.DataFrame(
            {
                "row": long.index.get_level_values(0),
                "column": long.index.get_level_values(1),
                "reason": long.to_numpy(),
            }
        )


def suppress(
    table: pd.DataFrame,
    threshold: float = 5,
    *,
    margins: bool = True,
    zeros: str = "publish",
    total: str = "Total",
) -> SuppressedTable:
    """Disclosure control of a table of counts (rows x columns, e.g. area x month).

    Primary: every count with 0 < count < ``threshold`` — margins included — is suppressed;
    zeros are published unless ``zeros="suppress"``. Secondary: with ``margins`` (a ``total``
    row and column and the grand total are published), further cells are suppressed so that no
    suppressed count is determined by the published totals: no row or column holds exactly one
    suppressed cell and, more strongly, every suppressed cell lies on a cycle of suppressed cells
    (cheapest cycles first, deterministic). This protects against exact recovery, not against a
    narrow range; see ``furthest/monitoring.hpp``. Without margins only primary suppression
    applies. Copies the table.
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError("suppress: expected a pandas DataFrame of counts (rows x columns)")
    if zeros not in ("publish", "suppress"):
        raise InputError(f"suppress: zeros is {zeros!r}; expected 'publish' or 'suppress'")
    counts = _count_matrix(table, "suppress", "row", "column")
    if margins and (total in table.index or total in table.columns):
        raise InputError(f"suppress: the table already has a {total!r} row or column; pass total= another label")
    raw = _core.suppress_counts(counts, float(threshold), zeros, margins)
    rows = table.index.append(pd.Index([total])) if margins else table.index
    columns = table.columns.append(pd.Index([total])) if margins else table.columns
    record = {
        "method": "primary below threshold; secondary closes every suppressed cell into a cycle "
        "(no count recoverable exactly from published totals)",
        "threshold": threshold,
        "zeros": zeros,
        "margins": margins,
        "cells": int(counts.size),
    }
    return _suppressed_table(raw, rows, columns, counts, record)


def _count_matrix(table: pd.DataFrame, who: str, row: str, column: str) -> np.ndarray:
    """The table's counts as float64, or InputError naming the first cell that is not a number >= 0."""
    values = table.apply(pd.to_numeric, errors="coerce")
    bad = values.isna().to_numpy() | (values.to_numpy(dtype=float, na_value=np.nan) < 0)
    if bad.any():
        i, j = map(int, np.argwhere(bad)[0])
        value = table.iat[i, j]
        value = value.item() if isinstance(value, np.generic) else value  # -1, not np.int64(-1)
        raise InputError(
            f"{who}: the count for {row} {table.index[i]!r}, {column} {table.columns[j]!r} is {value!r}; expected a number >= 0"
        )
    return values.to_numpy(dtype=np.float64)


def _suppressed_table(
    raw: dict[str, Any], rows: pd.Index, columns: pd.Index, counts: np.ndarray, record: dict[str, Any]
) -> SuppressedTable:
    published = pd.DataFrame(raw["values"], index=rows, columns=columns).astype("Float64")
    published = published.mask(np.isnan(raw["values"]))
    if bool(np.all(np.floor(counts) == counts)):
        published = published.astype("Int64")
    status = pd.DataFrame(_STATUS[raw["status"].astype(np.intp)], index=rows, columns=columns)
    record = {
        **record,
        **{
            key: int(raw[key])
            for key in (
                "primary_cells",
                "secondary_cells",
                "primary_margins",
                "secondary_margins",
                "linked_cells",
                "linked_margins",
            )
        },
    }
    return SuppressedTable(published=published, status=status, counts=record)


@dataclass(frozen=True)
class NestedSuppression:
    """Linked tables as they may be published together (see :func:`suppress_nested`).

    ``zones``: zones x periods with each zone's ``total`` column and a ``total`` row (the period
    totals over all zones and the grand total) — that row is ``areas``' total row, with the same
    values and status. ``areas``: areas x periods, each cell the sum of its zones, with all
    totals. ``rounds``: how many passes over both tables it took to agree (1: the first).
    Counting suppressed cells over both tables counts the shared total row twice.
    """

    zones: SuppressedTable
    areas: SuppressedTable
    rounds: int


def suppress_nested(
    counts: pd.DataFrame,
    area: pd.Series,
    threshold: float = 5,
    *,
    zeros: str = "publish",
    total: str = "Total",
    progress: Callable[[str, float], object] | None = None,
) -> NestedSuppression:
    """Disclosure control of counts per zone x period and per area x period, published together.

    ``counts``: one row per zone, one column per period. ``area``: each zone's area, a Series on
    the zones' labels (aligned on ``counts``' index; areas sorted by label, or in category order
    for a categorical, whose unused categories get rows of zeros). Published: every zone's and
    area's counts and totals, each period's total and the grand total. Primary and secondary
    suppression as in :func:`suppress`, applied to the areas table and to each area's zones (whose
    total row is the area's row) in turn, each with the cells the other suppressed forced, until
    both agree: then no suppressed count, cell or total, is determined by all the published
    figures together (given counts >= 0). Shared cells (an area's row) carry their first reason,
    "primary" or "secondary", in both tables. Deterministic. Copies the table; runs without the
    GIL. Raises InputError naming the zone for a zone without an area, a count that is not a
    number >= 0, or a ``total`` label already in use.
    """
    who = "suppress nested"
    if not isinstance(counts, pd.DataFrame):
        raise InputError(f"{who}: expected a pandas DataFrame of counts (zones x periods)")
    if not isinstance(area, pd.Series):
        raise InputError(f"{who}: expected the zones' areas as a pandas Series on the zones' labels")
    if zeros not in ("publish", "suppress"):
        raise InputError(f"{who}: zeros is {zeros!r}; expected 'publish' or 'suppress'")
    if counts.index.has_duplicates:
        raise InputError(f"{who}: zone {counts.index[counts.index.duplicated()][0]!r} appears more than once in counts")
    if area.index.has_duplicates:
        raise InputError(f"{who}: zone {area.index[area.index.duplicated()][0]!r} has more than one area")
    missing = counts.index.difference(area.index, sort=False)
    if len(missing):
        raise InputError(f"{who}: zone {missing[0]!r} has no area ({len(missing)} zone(s) in all); give one per zone")
    area = area.reindex(counts.index)
    if area.isna().any():
        raise InputError(f"{who}: zone {area.index[area.isna().to_numpy()][0]!r} has no area (missing label)")
    if isinstance(area.dtype, pd.CategoricalDtype):
        labels = pd.Index(area.cat.categories)
        codes = area.cat.codes.to_numpy(dtype=np.int64)
    else:
        codes, labels = pd.factorize(area, sort=True)
        codes = np.asarray(codes, dtype=np.int64)
    if total in counts.index or total in counts.columns or total in labels:
        raise InputError(f"{who}: {total!r} is already a zone, period or area label; pass total= another label")
    matrix = _count_matrix(counts, who, "zone", "period")
    raw = _core.suppress_nested(matrix, codes, len(labels), float(threshold), zeros, progress=progress)
    columns = counts.columns.append(pd.Index([total]))
    zone_rows = counts.index.append(pd.Index([total])).rename(counts.index.name)
    area_rows = pd.Index(labels).append(pd.Index([total])).rename(area.name if area.name is not None else "area")
    area_counts = np.zeros((len(labels), matrix.shape[1]))
    np.add.at(area_counts, codes, matrix)
    record = {
        "method": "primary below threshold; secondary closes every suppressed cell into a cycle, in the areas "
        "table and in each area's zones in turn until they agree (linked tables: no count recoverable "
        "exactly from all published totals)",
        "threshold": threshold,
        "zeros": zeros,
        "margins": True,
        "rounds": int(raw["rounds"]),
    }
    return NestedSuppression(
        zones=_suppressed_table(raw["zones"], zone_rows, columns, matrix, {**record, "cells": int(matrix.size)}),
        areas=_suppressed_table(raw["areas"], area_rows, columns, area_counts, {**record, "cells": int(area_counts.size)}),
        rounds=int(raw["rounds"]),
    )
