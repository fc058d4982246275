"""Access to support: who can reach which sites, and how much support each zone gets.

Build one :class:`Interaction` (a sparse zones x sites matrix of the pairs within reach) from
points in a projected CRS or from your own travel-cost table, then ask it for as many measures
as you need; every result comes back on the caller's index.

>>> from furthest import access
>>> reach = access.interaction(lsoa_centroids, gp_practices, max_distance=5000)
>>> reach.nearest()                                   # metres to the nearest practice
>>> reach.two_step_fca(lsoas["population"], decay=access.gaussian(2500))   # E2SFCA

A pair exactly at ``max_distance`` is inside, and a site at distance 0 (geocoded to the
origin's own point) counts fully. Methods and references are in the C++ header
``furthest/access.hpp`` and METHODS.md ("Access to support").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from furthest import _core
from furthest.errors import api_boundary

__all__ = [
    "Interaction",
    "exponential",
    "gaussian",
    "interaction",
    "linear",
    "power",
    "step",
    "uniform",
]

Decay = _core.Decay


@api_boundary("furthest.access.uniform")
def uniform() -> Decay:
    """Every pair within reach weighs 1 (plain 2SFCA)."""
    return _core.Decay.uniform()


@api_boundary("furthest.access.step")
def step(bands: Mapping[float, float]) -> Decay:
    """PySAL access ``weights.step_fn``: ``{upper cost: weight}``; 0 beyond the last band."""
    return _core.Decay.step([(float(k), float(v)) for k, v in bands.items()])


@api_boundary("furthest.access.linear")
def linear(width: float) -> Decay:
    """f(c) = max(0, 1 - c / width)."""
    return _core.Decay.linear(float(width))


@api_boundary("furthest.access.gaussian")
def gaussian(sigma: float) -> Decay:
    """PySAL access ``weights.gaussian``: f(c) = exp(-c^2 / (2 sigma^2))."""
    return _core.Decay.gaussian(float(sigma))


@api_boundary("furthest.access.power")
def power(exponent: float, min_cost: float = 1.0) -> Decay:
    """f(c) = max(c, min_cost) ** -exponent (gravity); min_cost keeps distance 0 finite."""
    return _core.Decay.power(float(exponent), float(min_cost))


@api_boundary("furthest.access.exponential")
def exponential(rate: float) -> Decay:
    """f(c) = exp(-rate c)."""
    return _core.Decay.exponential(float(rate))


def _points(points: Any, what: str) -> tuple[pd.Index, np.ndarray, np.ndarray, Any]:
    """Index, x, y and CRS (None for plain arrays) of a GeoDataFrame/GeoSeries of points, an
    (n, 2) array or an (x, y) pair of arrays."""
    if isinstance(points, (gpd.GeoDataFrame, gpd.GeoSeries)):
        geometry = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
        if geometry.isna().any() or geometry.is_empty.any():
            raise _core.InputError(f"{what}: some rows have no geometry; expected one point per row")
        kinds = set(geometry.geom_type)
        if kinds != {"Point"} and len(geometry) > 0:
            raise _core.InputError(
                f"{what}: geometries of type {sorted(kinds)}; expected points "
                "(use population-weighted centroids or .representative_point())"
            )
        return points.index, geometry.x.to_numpy(float), geometry.y.to_numpy(float), geometry.crs
    if isinstance(points, tuple) and len(points) == 2:
        x, y = (np.asarray(v, dtype=float) for v in points)
    else:
        xy = np.asarray(points, dtype=float)
        if xy.ndim != 2 or xy.shape[1] != 2:
            raise TypeError(f"{what}: expected a GeoDataFrame/GeoSeries of points, an (n, 2) array or (x, y)")
        x, y = xy[:, 0], xy[:, 1]
    return pd.RangeIndex(len(x)), np.ascontiguousarray(x), np.ascontiguousarray(y), None


def _index(frame: Any) -> pd.Index:
    if isinstance(frame, (pd.DataFrame, pd.Series)):
        return frame.index
    if isinstance(frame, pd.Index):
        return frame
    return pd.RangeIndex(len(frame))


@api_boundary("furthest.access.interaction")
def interaction(
    origins: Any,
    sites: Any,
    max_distance: float | None = None,
    *,
    cost_table: pd.DataFrame | None = None,
    origin_col: str = "origin",
    site_col: str = "site",
    cost_col: str = "cost",
    threads: int = 0,
    progress: Callable[[str, float], object] | None = None,
) -> Interaction:
    """The zones x sites pairs within reach.

    Without ``cost_table``: straight-line distances between ``origins`` and ``sites`` (points in
    one projected CRS, e.g. EPSG:27700) for pairs with distance <= ``max_distance``. With
    ``cost_table``: its rows (``origin_col`` and ``site_col`` hold labels of the origins' and
    sites' indexes, ``cost_col`` minutes or metres), kept where cost <= ``max_distance`` when
    given; a duplicated pair is refused. Runs in C++ without the GIL; Ctrl-C stops it.
    """
    if cost_table is None:
        if max_distance is None:
            raise TypeError("interaction: give max_distance (straight-line) or a cost_table")
        o_index, ox, oy, o_crs = _points(origins, "origins")
        s_index, sx, sy, s_crs = _points(sites, "sites")
        for crs, what in ((o_crs, "origins"), (s_crs, "sites")):
            if crs is not None and not crs.is_projected:
                raise _core.InputError(
                    f"{what}: CRS {crs.to_string()} is not projected; distances need metres (e.g. .to_crs(27700))"
                )
        if o_crs is not None and s_crs is not None and o_crs != s_crs:
            raise _core.InputError(f"origins are in {o_crs.to_string()} but sites in {s_crs.to_string()}; expected one CRS")
        matrix = _core.interaction_from_points(ox, oy, sx, sy, float(max_distance), threads=threads, progress=progress)
        return Interaction(matrix, o_index, s_index, origins, sites)
    o_index, s_index = _index(origins), _index(sites)
    for column in (origin_col, site_col, cost_col):
        if column not in cost_table.columns:
            raise _core.InputError(f"cost_table: no column {column!r}; columns are {list(cost_table.columns)}")
    duplicated = cost_table.duplicated([origin_col, site_col], keep=False).to_numpy()
    if duplicated.any():
        rows = np.flatnonzero(duplicated)
        first = cost_table.iloc[rows[0]]
        same = rows[
            (cost_table[origin_col].iloc[rows] == first[origin_col]).to_numpy()
            & (cost_table[site_col].iloc[rows] == first[site_col]).to_numpy()
        ]
        raise _core.InputError(
            f"cost_table: the pair (origin {first[origin_col]!r}, site {first[site_col]!r}) appears more than once "
            f"(rows {same[0]} and {same[1]}); expected one cost per pair"
        )
    positions = []
    for column, index, what in ((origin_col, o_index, "origins"), (site_col, s_index, "sites")):
        if not index.is_unique:
            raise _core.InputError(f"{what}: the index has duplicate labels; expected one row per {what[:-1]}")
        p = index.get_indexer(cost_table[column])
        if (p < 0).any():
            row = int(np.flatnonzero(p < 0)[0])
            raise _core.InputError(f"cost_table row {row}: {column} {cost_table[column].iloc[row]!r} is not in the {what}' index")
        positions.append(p.astype(np.int64))
    cost = pd.to_numeric(cost_table[cost_col], errors="raise").to_numpy(float)
    limit = float("inf") if max_distance is None else float(max_distance)
    matrix = _core.interaction_from_costs(
        len(o_index), len(s_index), positions[0], positions[1], cost, max_cost=limit, progress=progress
    )
    return Interaction(matrix, o_index, s_index, origins, sites)


class Interaction:
    """Pairs within reach (a sparse zones x sites cost matrix) and the measures on it."""

    def __init__(self, matrix: Any, origin_index: pd.Index, site_index: pd.Index, origins: Any, sites: Any):
        self.matrix = matrix
        self.origin_index = origin_index
        self.site_index = site_index
        self._origins = origins
        self._sites = sites

    def __repr__(self) -> str:
        m = self.matrix
        return f"<Interaction {m.zones} zones x {m.sites} sites, {m.pairs} pairs within {m.max_cost:g}>"

    def _values(self, values: Any, frame: Any, index: pd.Index, what: str) -> np.ndarray:
        if values is None:
            return np.ones(len(index))
        if isinstance(values, str):
            if not isinstance(frame, pd.DataFrame) or values not in frame.columns:
                raise _core.InputError(f"{what}: no column {values!r}")
            values = frame[values]
        if isinstance(values, pd.Series):
            if not values.index.equals(index):
                missing = index.difference(values.index)
                if len(missing):
                    raise _core.InputError(f"{what}: no value for {len(missing)} rows (e.g. {list(missing[:5])})")
                values = values.reindex(index)
            values = pd.to_numeric(values, errors="raise")
        out = np.ascontiguousarray(np.asarray(values, dtype=float))
        if out.shape != (len(index),):
            raise _core.InputError(f"{what}: {out.shape[0] if out.ndim else 0} values; expected {len(index)}")
        return out

    def _demand(self, demand: Any) -> np.ndarray:
        return self._values(demand, self._origins, self.origin_index, "demand")

    def _supply(self, supply: Any) -> np.ndarray:
        return self._values(supply, self._sites, self.site_index, "supply")

    @api_boundary("furthest.access.Interaction.pairs")
    def pairs(self) -> pd.DataFrame:
        """One row per pair within reach: origin and site labels and the cost (a copy)."""
        origin, site, cost = self.matrix.pair_table()
        return pd.DataFrame({"origin": self.origin_index[origin], "site": self.site_index[site], "cost": cost})

    @api_boundary("furthest.access.Interaction.nearest")
    def nearest(self) -> pd.DataFrame:
        """Per zone: ``cost`` to the nearest site within reach (NaN when none) and that ``site``'s
        label (None when none; ties go to the site listed first)."""
        cost, site = _core.nearest_site(self.matrix)
        labels = pd.Series(self.site_index[np.maximum(site, 0)], index=self.origin_index, dtype=object)
        labels[site < 0] = None
        return pd.DataFrame({"cost": cost, "site": labels}, index=self.origin_index)

    @api_boundary("furthest.access.Interaction.within")
    def within(self, capacity: Any = None, max_cost: float | None = None) -> pd.DataFrame:
        """Per zone: ``sites`` within ``max_cost`` (default: the whole reach) and, with
        ``capacity`` (per site: a Series on the sites' index, an array or a column name), the
        ``capacity`` summed over them."""
        limit = float("inf") if max_cost is None else float(max_cost)
        out = pd.DataFrame({"sites": _core.sites_within(self.matrix, limit)}, index=self.origin_index)
        if capacity is not None:
            out["capacity"] = _core.supply_within(self.matrix, self._supply(capacity), limit)
        return out

    @api_boundary("furthest.access.Interaction.two_step_fca")
    def two_step_fca(self, demand: Any, supply: Any = None, decay: Decay | None = None) -> pd.Series:
        """2SFCA (Luo & Wang 2003), E2SFCA with a ``decay`` (Luo & Qi 2009), as PySAL access's
        ``two_stage_fca``: supply per person within each site's catchment, summed per zone.
        ``supply`` defaults to 1 per site. Zones with no site within reach get 0."""
        r = _core.two_step_fca(self.matrix, self._demand(demand), self._supply(supply), decay or uniform())
        return pd.Series(r["access"], index=self.origin_index, name="access")

    @api_boundary("furthest.access.Interaction.balanced_fca")
    def balanced_fca(self, demand: Any, supply: Any = None, decay: Decay | None = None) -> pd.DataFrame:
        """Balanced FCA (Paez, Higgins & Vivona 2019; ``accessibility`` R package's "bfca"):
        ``access`` per zone and ``supply``, the share of supply allocated to the zone, which adds
        up over zones to the total supply reached, so sums by area are valid."""
        r = _core.balanced_fca(self.matrix, self._demand(demand), self._supply(supply), decay or uniform())
        return pd.DataFrame({"access": r["access"], "supply": r["zone_supply"]}, index=self.origin_index)

    @api_boundary("furthest.access.Interaction.site_demand")
    def site_demand(self, demand: Any, supply: Any = None, decay: Decay | None = None, balanced: bool = False) -> pd.DataFrame:
        """Per site: the ``demand`` it serves and its ``ratio`` of supply to that demand (NaN where
        no demand reaches it), from the 2SFCA or, with ``balanced``, the BFCA first step."""
        fn = _core.balanced_fca if balanced else _core.two_step_fca
        r = fn(self.matrix, self._demand(demand), self._supply(supply), decay or uniform())
        return pd.DataFrame({"demand": r["site_demand"], "ratio": r["site_ratio"]}, index=self.site_index)

    @api_boundary("furthest.access.Interaction.gravity")
    def gravity(self, supply: Any = None, decay: Decay | None = None) -> pd.Series:
        """Gravity access (Hansen 1959): sum of supply x f(cost) over the sites within reach;
        default decay ``power(1.0)``."""
        values = _core.gravity(self.matrix, self._supply(supply), decay or power(1.0))
        return pd.Series(values, index=self.origin_index, name="gravity")
