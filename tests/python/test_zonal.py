"""Zonal statistics from GeoTIFFs, checked by hand and against exactextract on the same files.

The GeoTIFFs are written here with rasterio (its own GDAL); furthest reads them with its GDAL.
exactextract keeps each cell's coverage fraction in single precision, so the comparison runs
furthest with ``coverage="float32"`` (which rounds the same way) and asks for agreement within
1e-9; exact double-precision fractions are checked against exactextract's to within float32
rounding, cell by cell.
"""

from __future__ import annotations

import exactextract
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio.transform import Affine, from_origin

import furthest
from furthest import _core
from furthest.zonal import raster_crosswalk

NODATA = -9999.0
PEER_STATS = ["count", "sum", "mean", "min", "max", "majority", "weighted_mean"]
THRESHOLD = 5.0


def write_tiff(path, values: np.ndarray, transform: Affine, crs: str, nodata: float | None = NODATA):
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=values.shape[0],
        width=values.shape[1],
        count=1,
        dtype=values.dtype,
        crs=crs,
        transform=transform,
        nodata=nodata,
    ) as ds:
        ds.write(values, 1)
    return path


def synthetic_rasters(tmp_path, bounds, cell: float, crs: str, seed: int, name: str):
    """Values in ten classes 0..9 (so majorities are meaningful) with ~5% NoData, and a positive
    weight raster on the same grid with a few NoData cells; origins off the zones' vertices."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = bounds
    x_min, y_max = x0 - 3.3 * cell, y1 + 2.7 * cell
    cols = int(np.ceil((x1 - x_min) / cell)) + 3
    rows = int(np.ceil((y_max - y0) / cell)) + 3
    transform = from_origin(x_min, y_max, cell, cell)
    values = rng.integers(0, 10, size=(rows, cols)).astype("float64")
    values[rng.random((rows, cols)) < 0.05] = NODATA
    weights = rng.uniform(0.5, 3.0, size=(rows, cols))
    weights[rng.random((rows, cols)) < 0.0005] = NODATA
    return (
        write_tiff(tmp_path / f"{name}_values.tif", values, transform, crs),
        write_tiff(tmp_path / f"{name}_weights.tif", weights, transform, crs),
    )


def peer(zones: gpd.GeoDataFrame, values_path, weights_path) -> pd.DataFrame:
    """exactextract's answer, with frac_above from its per-value fractions."""
    ee = exactextract.exact_extract(
        str(values_path), zones, PEER_STATS + ["unique", "frac"], weights=str(weights_path), output="pandas"
    )
    ee.index = zones.index
    ee["frac_above"] = [
        float(np.sum(np.asarray(f)[np.asarray(u) >= THRESHOLD])) if len(u) else np.nan for u, f in zip(ee["unique"], ee["frac"])
    ]
    return ee[PEER_STATS + ["frac_above"]].astype("float64")


def ours(zones, values_path, weights_path, coverage="float32", threads=2) -> pd.DataFrame:
    return furthest.zonal_stats(
        zones,
        values_path,
        PEER_STATS + ["frac_above"],
        weights=weights_path,
        threshold=THRESHOLD,
        threads=threads,
        coverage=coverage,
    )


def assert_matches_peer(mine: pd.DataFrame, theirs: pd.DataFrame, rtol: float):
    assert list(mine.index) == list(theirs.index)
    for stat in theirs.columns:
        a, b = mine[stat].to_numpy(), theirs[stat].to_numpy()
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=f"{stat}: NaN in different zones")
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol, equal_nan=True, err_msg=stat)


# ---- by hand -------------------------------------------------------------------------------------


def test_unit_square_offset_by_half_takes_a_quarter_of_four_cells(tmp_path):
    values = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype="float64")
    path = write_tiff(tmp_path / "r.tif", values, from_origin(0, 3, 1, 1), "EPSG:27700")
    zones = gpd.GeoDataFrame(
        {"code": ["a", "b"]}, index=["z1", "z2"], crs=27700, geometry=[shapely.box(0.5, 0.5, 1.5, 1.5), shapely.box(0, 0, 3, 3)]
    )
    got = furthest.zonal_stats(zones, path, ["count", "sum", "mean", "min", "max", "frac_above"], threshold=5)
    # Cells 4, 5 (row 1) and 7, 8 (row 2), a quarter each.
    assert got.index.tolist() == ["z1", "z2"]
    assert got.loc["z1", "count"] == pytest.approx(1.0, abs=1e-15)
    assert got.loc["z1", "sum"] == pytest.approx((4 + 5 + 7 + 8) / 4, abs=1e-14)
    assert got.loc["z1", "mean"] == pytest.approx(6.0, abs=1e-14)
    assert (got.loc["z1", "min"], got.loc["z1", "max"]) == (4.0, 8.0)
    assert got.loc["z1", "frac_above"] == pytest.approx(0.75, abs=1e-15)  # 5, 7, 8 of 4, 5, 7, 8
    assert got.loc["z2", "count"] == 9.0
    assert got.loc["z2", "sum"] == 45.0


def test_nodata_zones_off_the_raster_and_thread_counts(tmp_path):
    values = np.array([[1, NODATA], [np.nan, 4]], dtype="float64")
    path = write_tiff(tmp_path / "r.tif", values, from_origin(0, 2, 1, 1), "EPSG:27700")
    zones = gpd.GeoSeries([shapely.box(0, 0, 2, 2), shapely.box(10, 10, 11, 11)], crs=27700)
    one = furthest.zonal_stats(zones, path, ["count", "sum", "mean", "max"], threads=1)
    two = furthest.zonal_stats(zones, path, ["count", "sum", "mean", "max"], threads=2)
    pd.testing.assert_frame_equal(one, two)
    assert one.loc[0].tolist() == [2.0, 5.0, 2.5, 4.0]  # the NoData and the NaN cell are left out
    assert one.loc[1, "count"] == 0.0 and one.loc[1, "sum"] == 0.0
    assert np.isnan(one.loc[1, "mean"]) and np.isnan(one.loc[1, "max"])


def test_raster_crosswalk_moves_cell_counts_into_zones(tmp_path):
    people = np.array([[10, 20], [30, 40]], dtype="float64")
    path = write_tiff(tmp_path / "people.tif", people, from_origin(0, 2, 1, 1), "EPSG:27700")
    zones = gpd.GeoDataFrame(index=["west", "east"], crs=27700, geometry=[shapely.box(0, 0, 0.75, 2), shapely.box(0.75, 0, 2, 2)])
    w = raster_crosswalk(zones, path)
    rows, cols, shares = w._native.coo()
    assert w._native.shape == (4, 2)
    assert dict(zip(zip(rows.tolist(), cols.tolist()), shares.tolist()))[(0, 0)] == 0.75
    moved = w._native.apply_extensive(people.ravel())[0]
    assert moved.tolist() == pytest.approx([0.75 * 10 + 0.75 * 30, 0.25 * 10 + 20 + 0.25 * 30 + 40])
    assert list(w.sources[:2]) == [(0, 0), (0, 1)]


def test_errors_name_what_is_wrong(tmp_path):
    values = np.ones((2, 2))
    path = write_tiff(tmp_path / "r.tif", values, from_origin(0, 2, 1, 1), "EPSG:27700")
    zones = gpd.GeoSeries([shapely.box(0, 0, 1, 1)], crs=27700)
    with pytest.raises(furthest.ConfigError, match="median"):
        furthest.zonal_stats(zones, path, ["median"])
    with pytest.raises(furthest.ConfigError, match="threshold"):
        furthest.zonal_stats(zones, path, ["frac_above"])
    with pytest.raises(furthest.InputError, match="no CRS"):
        furthest.zonal_stats(gpd.GeoSeries([shapely.box(0, 0, 1, 1)]), path, ["count"])
    with pytest.raises(furthest.InputError, match="missing.tif"):
        furthest.zonal_stats(zones, tmp_path / "missing.tif", ["count"])
    rotated = write_tiff(tmp_path / "rotated.tif", values, Affine(1, 0.2, 0, 0.2, -1, 2), "EPSG:27700")
    with pytest.raises(furthest.InputError, match="rotated"):
        furthest.zonal_stats(zones, rotated, ["count"])
    with pytest.raises(furthest.InputError, match="band 2"):
        furthest.zonal_stats(zones, path, ["count"], band=2)


# ---- against exactextract ------------------------------------------------------------------------


def test_demo_zones_match_exactextract(tmp_path, demo_dir):
    zones = gpd.read_file(demo_dir / "zones.gpkg").set_index("zone_code")
    values, weights = synthetic_rasters(tmp_path, zones.total_bounds, 50.0, "EPSG:27700", 1, "demo")
    assert_matches_peer(ours(zones, values, weights), peer(zones, values, weights), rtol=1e-9)
    # Exact fractions differ from exactextract's single-precision ones by float32 rounding only.
    assert_matches_peer(ours(zones, values, weights, coverage="float64"), peer(zones, values, weights), rtol=1e-7)


def test_demo_zones_on_cell_lines_match_exactextract(tmp_path, demo_dir):
    # Demo zones have vertices on whole metres: a 100 m grid from a round origin puts many edges
    # exactly on cell lines, where cells must come out exactly 0 or 1.
    zones = gpd.read_file(demo_dir / "zones.gpkg")
    rng = np.random.default_rng(7)
    x0, y0, x1, y1 = zones.total_bounds
    values = rng.integers(0, 4, size=(int((y1 - y0) / 100) + 2, int((x1 - x0) / 100) + 2)).astype("float64")
    path = write_tiff(tmp_path / "aligned.tif", values, from_origin(x0 - 100, y1 + 100, 100, 100), "EPSG:27700")
    stats = ["count", "sum", "min", "max", "majority"]
    mine = furthest.zonal_stats(zones, path, stats, coverage="float32")
    theirs = exactextract.exact_extract(str(path), zones, stats, output="pandas")
    theirs.index = zones.index
    assert_matches_peer(mine, theirs[stats].astype("float64"), rtol=1e-9)


@pytest.mark.realdata
def test_leeds_lsoas_match_exactextract(tmp_path, shared_data):
    zones = gpd.read_file(shared_data / "boundaries" / "leeds_lsoa2021_bsc_epsg27700.gpkg").set_index("lsoa21_code")
    values, weights = synthetic_rasters(tmp_path, zones.total_bounds, 50.0, "EPSG:27700", 2, "leeds")
    mine = ours(zones, values, weights)
    assert len(mine) == len(zones) == 488
    assert_matches_peer(mine, peer(zones, values, weights), rtol=1e-9)
    pd.testing.assert_frame_equal(mine, ours(zones, values, weights, threads=1))


@pytest.mark.realdata
def test_leeds_cell_fractions_equal_exactextract_to_float32_rounding(tmp_path, shared_data):
    zones = gpd.read_file(shared_data / "boundaries" / "leeds_lsoa2021_bsc_epsg27700.gpkg").iloc[::8]
    values, _ = synthetic_rasters(tmp_path, zones.total_bounds, 50.0, "EPSG:27700", 3, "cells")
    with rasterio.open(values) as ds:
        t, rows, cols = ds.transform, ds.height, ds.width
        valid = (ds.read(1) != NODATA).ravel()  # exactextract lists only cells with a value
    ee = exactextract.exact_extract(
        str(values), zones, ["cell_id", "coverage"], output="pandas", include_cols=[], strategy="feature-sequential"
    )
    wkb = shapely.to_wkb(zones.geometry.values)
    checked = exact = 0
    for k in range(len(zones)):
        row0, col0, fractions = _core.cell_coverage(wkb[k], t.c, t.f, t.a, -t.e, rows, cols)
        mine = {
            (row0 + i) * cols + col0 + j: f
            for (i, j), f in np.ndenumerate(fractions)
            if f > 0 and valid[(row0 + i) * cols + col0 + j]
        }
        theirs = dict(zip(np.asarray(ee["cell_id"].iloc[k]).tolist(), np.asarray(ee["coverage"].iloc[k]).tolist()))
        assert mine.keys() == theirs.keys()
        for cell, f in mine.items():
            assert abs(f - theirs[cell]) <= 2.0**-24, (k, cell)
            exact += np.float32(f) == np.float32(theirs[cell])
            checked += 1
    assert checked > 5000
    assert exact >= checked - 2  # float32 rounding of two ~1e-12-close doubles very rarely differs


def test_geographic_raster_gets_reprojected_polygons(tmp_path, demo_dir):
    zones = gpd.read_file(demo_dir / "zones.gpkg").set_index("zone_code")
    wkb_4326 = _core.reproject_polygons(
        shapely.to_wkb(zones.geometry.values), zones.crs.to_wkt(), rasterio.crs.CRS.from_epsg(4326).to_wkt()
    )
    zones_4326 = gpd.GeoDataFrame(index=zones.index, geometry=shapely.from_wkb(wkb_4326), crs=4326)
    values, weights = synthetic_rasters(tmp_path, zones_4326.total_bounds, 0.0007, "EPSG:4326", 4, "wgs84")
    # furthest is given the zones in EPSG:27700 and reprojects them itself.
    assert_matches_peer(ours(zones, values, weights), peer(zones_4326, values, weights), rtol=1e-9)
