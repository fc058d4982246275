"""Raster cells in zones: zonal statistics from GeoTIFFs with exact cell-coverage fractions.

Each cell counts with the exact share of its area inside the zone (the answer exactextract
gives), so a zone's ``count`` is its covered valid area in cells and ``mean`` is an
area-weighted mean. The raster is read by furthest's own GDAL from its path, and the zones are
reprojected to the raster's CRS when they differ; only WKB and NumPy arrays cross the boundary.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from furthest import _core
from furthest.errors import api_boundary

STATISTICS = ("count", "sum", "mean", "min", "max", "weighted_mean", "majority", "frac_above")
"""What :func:`zonal_stats` computes; ``count``..``majority`` as exactextract defines them."""


def _zones(zones: Any) -> gpd.GeoSeries:
    if isinstance(zones, gpd.GeoDataFrame):
        return zones.geometry
    if isinstance(zones, gpd.GeoSeries):
        return zones
    if isinstance(zones, (str, os.PathLike)):
        return gpd.read_file(zones).geometry
    raise TypeError(f"zones: expected a GeoDataFrame, GeoSeries or a path to polygons, got {type(zones).__name__}")


def _wkb(geometry: gpd.GeoSeries) -> tuple[np.ndarray, str]:
    if geometry.crs is None:
        raise _core.InputError("zones: no CRS; expected polygons with a CRS (set one with .set_crs)")
    missing = geometry.isna()
    if missing.any():
        labels = list(geometry.index[missing][:10])
        raise _core.InputError(f"zones: {int(missing.sum())} rows have no geometry (e.g. {labels}); expected polygons")
    return shapely.to_wkb(geometry.values, output_dimension=2), geometry.crs.to_wkt()


@api_boundary("furthest.zonal_stats")
def zonal_stats(
    zones: gpd.GeoDataFrame | gpd.GeoSeries | str | os.PathLike[str],
    raster_path: str | os.PathLike[str],
    stats: Iterable[str] = ("count", "sum", "mean", "min", "max"),
    weights: str | os.PathLike[str] | None = None,
    threshold: float | None = None,
    band: int = 1,
    *,
    threads: int = 0,
    coverage: str = "float64",
) -> pd.DataFrame:
    """Statistics of one raster band in each zone, one row per zone on the zones' index.

    - ``count``: covered valid area in cells (sum of coverage fractions of non-NoData cells)
    - ``sum``, ``mean``: sum of value x fraction, and that over ``count``
    - ``min``, ``max``: over valid cells with any coverage
    - ``weighted_mean``: with the ``weights`` raster (same grid) as cell weights; NaN where a
      covered cell's weight is NoData, as in exactextract
    - ``majority``: value covering the largest area (ties: the larger value, as exactextract)
    - ``frac_above``: share of the covered valid area whose value is ``>= threshold``, e.g. the
      share of a zone with outdoor 4G from a signal-strength grid

    NoData and NaN cells are left out; a zone with no valid covered cell gets count and sum 0
    and NaN elsewhere. ``coverage="float32"`` rounds each cell's fraction to single precision as
    exactextract stores it, reproducing its figures to ~1e-15; the default keeps them exact.
    Zones may be a GeoDataFrame/GeoSeries or a path GeoPandas can read; they are reprojected to
    the raster's CRS in C++ when it differs. Only the cells under the zones are read. The GIL is
    released while the raster is read and the statistics computed; results are copied once.
    """
    names = [str(s) for s in stats]
    unknown = [s for s in names if s not in STATISTICS]
    if unknown:
        raise _core.ConfigError(f"stats: unknown statistic {unknown[0]!r}; expected some of {', '.join(STATISTICS)}")
    if "frac_above" in names and threshold is None:
        raise _core.ConfigError("stats: 'frac_above' needs threshold=...; none was given")
    if "weighted_mean" in names and weights is None:
        raise _core.ConfigError("stats: 'weighted_mean' needs weights=<raster path>; none was given")
    geometry = _zones(zones)
    wkb, crs_wkt = _wkb(geometry)
    columns = _core.zonal_statistics(
        wkb,
        crs_wkt,
        os.fspath(raster_path),
        names,
        weights_path=None if weights is None else os.fspath(weights),
        threshold=threshold,
        band=band,
        threads=threads,
        coverage=coverage,
    )
    return pd.DataFrame({name: columns[name] for name in names}, index=geometry.index)


def raster_crosswalk(
    zones: gpd.GeoDataFrame | gpd.GeoSeries | str | os.PathLike[str],
    raster_path: str | os.PathLike[str],
    weights: str | os.PathLike[str] | None = None,
    band: int = 1,
    *,
    threads: int = 0,
):
    """Raster cells into zones as a :class:`furthest.Crosswalk`: ``W[cell, zone]`` is the covered
    share of the cell, times the ``weights`` raster's value (e.g. population) when given.

    Sources are the raster cells under the zones, indexed by ``(row, col)`` in the whole raster;
    targets are the zones' index. Values per cell (``raster[row, col]``) then move with
    ``Crosswalk.apply``.
    """
    from furthest.crosswalk import Crosswalk

    geometry = _zones(zones)
    wkb, crs_wkt = _wkb(geometry)
    native, grid = _core.raster_crosswalk(
        wkb,
        crs_wkt,
        os.fspath(raster_path),
        weights_path=None if weights is None else os.fspath(weights),
        band=band,
        threads=threads,
    )
    cells = np.arange(grid["rows"] * grid["cols"], dtype=np.int64)
    sources = pd.MultiIndex.from_arrays(
        [grid["row_offset"] + cells // grid["cols"], grid["col_offset"] + cells % grid["cols"]], names=["row", "col"]
    )
    return Crosswalk(native, sources, geometry.index)
