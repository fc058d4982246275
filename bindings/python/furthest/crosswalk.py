"""Crosswalks: move values between geographies (LSOA 2011 -> 2021, LSOAs -> wards or LCPs,
postcodes -> LSOAs) through one sparse weight matrix that records how it was built.

``W[s, t]`` is the share of source ``s`` that falls in target ``t``. Counts (extensive
variables) move as sums ``Wᵀx`` and are conserved wherever sources are wholly covered; rates and
scores (intensive variables) move as weighted means; categories as class shares and majority.
The geometry work happens once, in C++ (GEOS, GDAL/PROJ for reprojection), when ``W`` is built.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from furthest import _core
from furthest.errors import ArgumentTypeError, FurthestWarning, api_boundary, expect_type

DEFAULT_WORKING_CRS = "EPSG:27700"


def _frame(data: Any, role: str = "data") -> gpd.GeoDataFrame | gpd.GeoSeries:
    if isinstance(data, (gpd.GeoDataFrame, gpd.GeoSeries)):
        return data
    if isinstance(data, (str, os.PathLike)):
        if not os.path.exists(data):
            raise _core.InputError(f"{role}: file '{os.fspath(data)}' does not exist")
        return gpd.read_file(data)
    expect_type(data, (gpd.GeoDataFrame, gpd.GeoSeries), role, "a GeoDataFrame, GeoSeries or path")
    raise AssertionError("unreachable")


def _column_of(frame: Any, column: str, role: str) -> pd.Series:
    expect_type(column, str, f"{role}: the column name", "a column name (str)")
    if not isinstance(frame, pd.DataFrame) or column not in frame.columns:
        have = list(frame.columns)[:12] if isinstance(frame, pd.DataFrame) else []
        raise _core.InputError(f"{role}: no column '{column}'; columns: {have}")
    return frame[column]


def _threads(threads: Any) -> int:
    # As [run] threads: 0 = all cores, at most 1024.
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)):
        raise ArgumentTypeError(f"threads is a {type(threads).__name__}; expected a whole number from 0 to 1024")
    if not 0 <= int(threads) <= 1024:
        raise _core.ConfigError(f"threads is {threads}; expected a whole number from 0 (all cores) to 1024")
    return int(threads)


def _report_repairs(repairs: list, ids: dict[str, pd.Index]) -> pd.DataFrame:
    """A frame of the polygons repaired (side, id, GEOS's reason) and one FurthestWarning saying so."""
    rows = [(side, ids[side][index], reason) for side, index, reason in repairs]
    frame = pd.DataFrame(rows, columns=["side", "id", "reason"])
    if rows:
        shown = "; ".join(f"{side} {ident!r} ({reason})" for side, ident, reason in rows[:5])
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        warnings.warn(
            f"{len(rows)} invalid polygon(s) repaired with GEOS MakeValid before the overlay (self-intersecting "
            f"rings would otherwise lose their area): {shown}{more}; see .repairs",
            FurthestWarning,
            stacklevel=3,
        )
    return frame


def _check_meeting(native: Any, source: Any, target: Any) -> None:
    """Layers that do not meet cover nothing: an error naming both layers' CRS and bounds (the
    usual cause is a wrongly declared CRS or swapped axes), a warning when they barely meet."""
    uncovered = np.asarray(native.uncovered())
    rows, cols, _ = native.coo()
    n_sources, n_targets = native.shape
    reached = len(np.unique(cols))
    if n_sources == 0 or n_targets == 0:
        return

    def described(frame: Any, role: str) -> str:
        crs = frame.crs.to_string() if frame.crs is not None else "no CRS"
        bounds = ", ".join(f"{v:.6g}" for v in frame.total_bounds)
        return f"{role} ({len(frame)} polygons, declared {crs}, bounds {bounds})"

    where = f"{described(source, 'sources')} and {described(target, 'targets')}"
    cause = (
        "likely cause: a layer's declared CRS is wrong (metres declared as degrees, e.g. EPSG:4326, or longitude and "
        "latitude swapped); check that each declares the CRS its coordinates are in (.set_crs / .to_crs)"
    )
    if not (uncovered < 1.0).any():
        raise _core.InputError(f"overlay: {where} do not meet: no source overlaps any target; {cause}")
    if 2 * int((uncovered >= 1.0).sum()) > n_sources and 2 * (n_targets - reached) > n_targets:
        warnings.warn(
            f"overlay: {where} barely meet: {int((uncovered >= 1.0).sum())} of {n_sources} sources overlap no target "
            f"and {n_targets - reached} of {n_targets} targets receive nothing; {cause}",
            FurthestWarning,
            stacklevel=3,
        )


def _geometry(frame: gpd.GeoDataFrame | gpd.GeoSeries, role: str) -> tuple[np.ndarray, str]:
    series = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
    if series.crs is None:
        raise _core.InputError(f"{role}: no CRS; expected a GeoDataFrame with a CRS (set one with .set_crs)")
    if series.isna().any():
        missing = list(series.index[series.isna()][:10])
        raise _core.InputError(f"{role}: {int(series.isna().sum())} rows have no geometry (e.g. {missing})")
    # Geometries cross the boundary as WKB, never as library handles (two GDALs, one process).
    return shapely.to_wkb(series.values, output_dimension=2), series.crs.to_wkt()


def _ids(frame: Any, id_column: str | None, role: str) -> pd.Index:
    index = pd.Index(_column_of(frame, id_column, role)) if id_column is not None else frame.index
    if not index.is_unique:
        dupes = list(index[index.duplicated()].unique()[:10])
        raise _core.InputError(f"{role}: ids are not unique (e.g. {dupes}); expected one row per {role[:-1]}")
    return pd.Index(index, name=id_column or index.name)


def _working_crs(crs: str | None, *frames: Any) -> str:
    if crs is not None:
        if _core.is_geographic(str(crs)):
            raise _core.ConfigError(f"crs '{crs}' is geographic; areas and distances need a projected CRS")
        return str(crs)
    for frame in frames:
        frame_crs = getattr(frame, "crs", None)
        if frame_crs is not None and frame_crs.is_projected:
            return frame_crs.to_wkt()
    return DEFAULT_WORKING_CRS


class Crosswalk:
    """Sparse sources x targets weights with the method that built them.

    Build with :meth:`overlay`, :meth:`points`, :meth:`lookup`, :meth:`member_sites`, or
    compose two with :meth:`compose` (``a @ b``); move values with :meth:`apply`.
    """

    def __init__(self, native: Any, sources: pd.Index, targets: pd.Index, notes: pd.DataFrame | None = None):
        self._native = native
        self.sources = sources
        self.targets = targets
        self.notes = notes if notes is not None else pd.DataFrame(index=targets)
        """Per-target notes on how it was derived (lookup change codes, source counts)."""

    # ---- builders ------------------------------------------------------------------------------
    @classmethod
    @api_boundary("furthest.Crosswalk.overlay")
    def overlay(
        cls,
        source,
        target,
        *,
        source_id: str | None = None,
        target_id: str | None = None,
        weights: gpd.GeoDataFrame | None = None,
        weight: str | None = None,
        weight_raster: str | os.PathLike[str] | None = None,
        band: int = 1,
        crs: str | None = None,
        threads: int = 0,
    ) -> Crosswalk:
        """Polygon overlay. Area-weighted by default. Population-weighted with ``weights`` (points
        such as output-area or postcode centroids) and ``weight`` (their count column), or with
        ``weight_raster`` (a population grid; each cell counts by its exact covered share); sources
        holding no weight fall back to area weights and are listed in ``area_fallback``. Geographic
        inputs are reprojected to ``crs`` (default: the first projected input CRS, else EPSG:27700)
        before any area is measured."""
        source, target = _frame(source, "sources"), _frame(target, "targets")
        threads = _threads(threads)
        working = _working_crs(crs, source, target)
        src_wkb, src_crs = _geometry(source, "sources")
        tgt_wkb, tgt_crs = _geometry(target, "targets")
        src_ids, tgt_ids = _ids(source, source_id, "sources"), _ids(target, target_id, "targets")
        ids = {"sources": src_ids, "targets": tgt_ids}
        # Invalid polygons (a bow-tie's lobes cancel in signed areas) are repaired in C++ before
        # any area is measured; each repair is returned, listed in .repairs and warned about.
        if weight_raster is not None:
            expect_type(weight_raster, (str, os.PathLike), "weight_raster", "a raster path")
            native, fallback, repairs = _core.raster_weighted_overlay(
                src_wkb, src_crs, tgt_wkb, tgt_crs, os.fspath(weight_raster), band, working, threads
            )
        elif weights is None:
            native, repairs = _core.overlay_crosswalk(src_wkb, src_crs, tgt_wkb, tgt_crs, working, threads)
            fallback = None
        else:
            weights = _frame(weights, "weights")
            pts_wkb, pts_crs = _geometry(weights, "weight points")
            values = np.ones(len(weights)) if weight is None else _column_of(weights, weight, "weights").to_numpy(dtype=float)
            native, fallback, repairs = _core.weighted_points_overlay(
                src_wkb, src_crs, tgt_wkb, tgt_crs, pts_wkb, pts_crs, values, working, threads
            )
        out = cls(native, src_ids, tgt_ids)
        out.repairs = _report_repairs(repairs, ids)
        """Polygons repaired before the overlay: side ('sources', 'targets'), id and GEOS's reason."""
        if fallback is not None:
            out.area_fallback = src_ids[np.asarray(fallback, dtype=int)]
        _check_meeting(native, source, target)
        return out

    @classmethod
    @api_boundary("furthest.Crosswalk.points")
    def points(
        cls,
        points,
        polygons,
        *,
        point_id: str | None = None,
        polygon_id: str | None = None,
        weight: str | None = None,
        crs: str | None = None,
        threads: int = 0,
    ) -> Crosswalk:
        """Points (postcodes, premises, sites) into polygons. A point on a shared boundary goes to the
        first polygon (in row order) that covers it; points in no polygon are reported by
        :attr:`unplaced`. ``weight`` (premises, people) is what intensive values are averaged by."""
        points, polygons = _frame(points, "points"), _frame(polygons, "polygons")
        threads = _threads(threads)
        working = _working_crs(crs, polygons, points)
        poly_wkb, poly_crs = _geometry(polygons, "polygons")
        values = np.ones(0) if weight is None else _column_of(points, weight, "points").to_numpy(dtype=float)
        series = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
        if series.crs is not None and (shapely.get_type_id(series.values) == 0).all():
            # Plain points cross as two coordinate arrays: far cheaper than one WKB blob each.
            xy = shapely.get_coordinates(series.values)
            native, placement = _core.points_crosswalk_xy(
                xy[:, 0], xy[:, 1], series.crs.to_wkt(), poly_wkb, poly_crs, values, working, threads
            )
        else:
            pts_wkb, pts_crs = _geometry(points, "points")
            native, placement = _core.points_crosswalk(pts_wkb, pts_crs, poly_wkb, poly_crs, values, working, threads)
        # Points that mostly land nowhere because of a slip (x and y swapped, degrees declared as
        # metres) are an error naming the cause; a wider table than the polygons (a national
        # postcode list) is not, and its unplaced points are in .unplaced.
        if placement["mostly_outside"] and placement["likely_cause"]:
            crs_name = series.crs.to_string() if series.crs is not None else "no CRS"
            raise _core.InputError(
                f"points: {placement['outside']} of {placement['points']} points (declared {crs_name}) lie in no "
                f"polygon; likely cause: {placement['likely_cause']}"
            )
        return cls(native, _ids(points, point_id, "points"), _ids(polygons, polygon_id, "polygons"))

    @classmethod
    @api_boundary("furthest.Crosswalk.raster")
    def raster(cls, zones, raster_path, *, weights=None, band: int = 1, threads: int = 0) -> Crosswalk:
        """Raster cells into zones with exact cell-coverage fractions (the answer exactextract
        gives), times the ``weights`` raster (e.g. a population grid) when given. Zones are
        reprojected to the raster's CRS. Sources are the cells under the zones, as (row, col)."""
        from furthest.zonal import raster_crosswalk

        return raster_crosswalk(zones, raster_path, weights, band, threads=threads)

    @classmethod
    @api_boundary("furthest.Crosswalk.lookup")
    def lookup(
        cls,
        table: pd.DataFrame,
        source: str,
        target: str,
        *,
        change: str | None = None,
        target_weight: pd.Series | None = None,
        sources: Iterable | None = None,
        targets: Iterable | None = None,
    ) -> Crosswalk:
        """A published lookup table (e.g. ONS LSOA 2011 -> 2021). Many-to-one rows weigh one; a
        source with several targets (a split, change code ``S``) is apportioned by ``target_weight``
        (population, households or area of each target, indexed by target id), equally without it.
        ``notes`` records per target its change codes (U unchanged, S split, M merged, X irregular)
        and how many sources feed it."""
        if isinstance(table, (str, os.PathLike)):
            table = pd.read_csv(table, dtype=str, encoding="utf-8-sig")
        for column in [source, target] + ([change] if change else []):
            if column not in table.columns:
                raise _core.InputError(f"lookup: no column '{column}'; columns: {list(table.columns)[:12]}")
        src_values = table[source].astype(str).str.strip()
        tgt_values = table[target].astype(str).str.strip()
        src_ids = pd.Index(pd.unique(src_values) if sources is None else list(sources), name=source)
        tgt_ids = pd.Index(pd.unique(tgt_values) if targets is None else list(targets), name=target)
        keep = src_values.isin(src_ids) & tgt_values.isin(tgt_ids)
        codes = ""
        if change:
            letters = table.loc[keep, change].astype(str).str.strip()
            bad = letters[~letters.isin(list("USMX"))]
            if len(bad):
                raise _core.InputError(
                    f"lookup: column '{change}' row {bad.index[0] + 1} has change code '{bad.iloc[0]}'; expected U, S, M or X"
                )
            codes = "".join(letters)
        weights = np.zeros(0)
        if target_weight is not None:
            weights = target_weight.reindex(tgt_ids).to_numpy(dtype=float)
            if np.isnan(weights).any():
                missing = list(tgt_ids[np.isnan(weights)][:10])
                raise _core.InputError(f"lookup: target_weight has no value for targets {missing}")
        native, derivation, count = _core.lookup_crosswalk(
            len(src_ids),
            len(tgt_ids),
            src_ids.get_indexer(src_values[keep]),
            tgt_ids.get_indexer(tgt_values[keep]),
            codes,
            weights,
        )
        notes = pd.DataFrame({"derivation": derivation, "sources": count}, index=tgt_ids)
        return cls(native, src_ids, tgt_ids, notes)

    @classmethod
    @api_boundary("furthest.Crosswalk.member_sites")
    def member_sites(
        cls,
        zones,
        sites,
        area: str,
        *,
        zone_id: str | None = None,
        area_name: str | None = None,
        assign: str = "nearest",
        k: int = 3,
        crs: str | None = None,
        threads: int = 0,
    ) -> Crosswalk:
        """Areas defined by their member sites (a PCN or LCP is a group of GP practices): each zone
        (by its centroid) joins the area of its nearest member site (``assign="nearest"``), or is
        shared by inverse squared distance among the nearest sites of the ``k`` nearest areas
        (``"shared"``). :attr:`area_polygons` holds the zones dissolved by main area, for maps."""
        zones, sites = _frame(zones, "zones"), _frame(sites, "member sites")
        threads = _threads(threads)
        expect_type(assign, str, "assign", "'nearest' or 'shared'")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise ArgumentTypeError(f"k is a {type(k).__name__}; expected a whole number from 1 to 100")
        working = _working_crs(crs, zones, sites)
        zone_wkb, zone_crs = _geometry(zones, "zones")
        site_wkb, site_crs = _geometry(sites, "member sites")
        labels = _column_of(sites, area, "member sites").astype(str)
        area_ids = pd.Index(pd.unique(labels), name=area)
        native, polygons, repairs = _core.member_site_crosswalk(
            zone_wkb, zone_crs, site_wkb, site_crs, area_ids.get_indexer(labels), len(area_ids), assign, k, working, threads
        )
        out = cls(native, _ids(zones, zone_id, "zones"), area_ids)
        out.repairs = _report_repairs(repairs, {"zones": out.sources})
        names = sites.groupby(labels)[area_name].first().reindex(area_ids) if area_name else pd.Series(area_ids, index=area_ids)
        out.area_polygons = gpd.GeoDataFrame(
            {"area_id": area_ids, "area_name": names.to_numpy()}, geometry=shapely.from_wkb(polygons), crs=working
        )
        return out

    # ---- composition and application -------------------------------------------------------------
    @api_boundary("furthest.Crosswalk.compose")
    def compose(self, other: Crosswalk) -> Crosswalk:
        """This crosswalk, then ``other`` (e.g. LSOA 2011 -> 2021, then 2021 -> LCP). The first's
        targets must be the second's sources (any order)."""
        expect_type(other, Crosswalk, "compose: other", "a furthest.Crosswalk")
        native = self._native
        if not self.targets.equals(other.sources):
            position = other.sources.get_indexer(self.targets)
            if len(self.targets) != len(other.sources) or (position < 0).any():
                missing = self.targets[position < 0]
                raise _core.InputError(
                    f"compose: the first crosswalk's targets are not the second's sources "
                    f"({len(missing)} missing, e.g. {list(missing[:5])})"
                )
            # A one-to-one lookup puts the first's targets in the second's source order.
            reorder, _, _ = _core.lookup_crosswalk(
                len(position), len(position), np.arange(len(position)), position, "", np.zeros(0)
            )
            native = native.then(reorder)
        return Crosswalk(native.then(other._native), self.sources, other.targets)

    __matmul__ = compose

    @api_boundary("furthest.Crosswalk.apply")
    def apply(
        self,
        data: pd.DataFrame,
        *,
        extensive: Iterable[str] = (),
        intensive: Iterable[str] = (),
        categorical: Iterable[str] = (),
        weight: str | None = None,
        key: str | None = None,
    ) -> pd.DataFrame:
        """Move columns of ``data`` (rows = sources, on its index or ``key`` column) to the targets.

        - ``extensive`` (counts): sums; totals are conserved where sources are wholly covered.
        - ``intensive`` (rates, scores): weighted means, by ``weight`` (a column of ``data``, e.g.
          population) times the overlap share, or by the crosswalk's own weights (area share, or the
          points' weights).
        - ``categorical``: majority class (``<col>``) and each class's share (``<col>:<class>``).
        Missing values stay missing; ``<col>_missing_share`` reports how much incoming weight was
        missing. Returns a DataFrame on the targets' index.
        """
        expect_type(data, pd.DataFrame, "data", "a DataFrame with one row per source")
        # One column name alone is that column, not its letters.
        extensive, intensive, categorical = (
            [names] if isinstance(names, str) else list(names) for names in (extensive, intensive, categorical)
        )
        if key is not None:
            _column_of(data, key, "data")
        for column in [*extensive, *intensive, *categorical, *([weight] if weight is not None else [])]:
            if column != key:
                _column_of(data, column, "data")
        frame = data.set_index(key) if key is not None else data
        if not frame.index.is_unique:
            dupes = list(frame.index[frame.index.duplicated()].unique()[:5])
            raise _core.InputError(f"apply: data has more than one row for sources {dupes}; expected one row per source")
        frame = frame.reindex(self.sources)
        out = pd.DataFrame(index=self.targets)
        source_weight = None if weight is None else frame[weight].to_numpy(dtype=float)
        for column in extensive:
            values, missing = self._native.apply_extensive(frame[column].to_numpy(dtype=float))
            out[column] = values
            out[f"{column}_missing_share"] = missing
        for column in intensive:
            values, missing = self._native.apply_intensive(frame[column].to_numpy(dtype=float), source_weight)
            out[column] = values
            out[f"{column}_missing_share"] = missing
        for column in categorical:
            classes = pd.Categorical(frame[column])
            shares = self._native.class_shares(classes.codes.astype(np.int32).tolist(), len(classes.categories))
            for i, name in enumerate(classes.categories):
                out[f"{column}:{name}"] = shares[:, i]
            best = shares.argmax(axis=1) if shares.shape[1] else np.zeros(len(out), dtype=int)
            majority = pd.Series(
                np.asarray(classes.categories, dtype=object)[best] if shares.shape[1] else None, index=self.targets, dtype=object
            )
            majority[shares.sum(axis=1) == 0] = None
            out[column] = majority
        return out

    # ---- inspection --------------------------------------------------------------------------------
    @property
    def method(self) -> str:
        return getattr(self, "method_override", None) or self._native.method

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self._native.shape)

    @property
    def uncovered(self) -> pd.Series:
        """Share of each source that fell in no target (gaps, slivers, points outside)."""
        return pd.Series(self._native.uncovered(), index=self.sources, name="uncovered")

    @property
    def unplaced(self) -> pd.Index:
        """Sources (e.g. points) that fell in no target at all."""
        return self.sources[self._native.uncovered() >= 1.0]

    def main_target(self) -> pd.Series:
        """Each source's target with the largest share (None where it has none)."""
        index = np.asarray(self._native.main_target())
        labels = np.asarray(self.targets, dtype=object)[np.maximum(index, 0)]
        labels[index < 0] = None
        return pd.Series(labels, index=self.sources, name="main_target")

    def to_frame(self) -> pd.DataFrame:
        """Long table of the non-zero weights: source, target, weight."""
        rows, cols, values = self._native.coo()
        return pd.DataFrame({"source": self.sources[rows], "target": self.targets[cols], "weight": values})

    def __repr__(self) -> str:
        return f"Crosswalk({self.shape[0]} sources x {self.shape[1]} targets, {self.method})"
