"""Bounded resources: each limit the README's table lists refuses input past it with the error it
names (the archive, row, vertex, nesting and quote limits are in tests/cpp/test_io.cpp,
test_config.cpp, test_zonal.cpp and test_bad_input.py; this file holds the rest)."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import box

import furthest
from test_bad_input import Case, run_fails


@pytest.fixture
def case(tmp_path) -> Case:
    return Case(tmp_path)


@pytest.mark.parametrize(
    "section, key, value, pattern",
    [
        ("scoring.uncertainty", "draws", 1_000_001, r"draws.*1,000,000"),
        ("scoring.classes", "k", 101, r"'k' in \[scoring.classes\] is 101; expected a whole number from 1 to 100"),
        ("hotspots", "permutations", 100_000, r"'permutations' in \[hotspots\] must be a whole number from 99 to 99999"),
        ("hotspots", "k", 101, r"'k' in \[hotspots\] must be a whole number from 1 to 100"),
        ("run", "threads", 1025, r"'threads' in \[run\] must be a whole number from 0 \(all cores\) to 1024"),
    ],
)
def test_config_caps(case: Case, section: str, key: str, value: Any, pattern: str) -> None:
    config = case.config
    parts = section.split(".")
    table = config
    for part in parts:
        table = table.setdefault(part, {})
    table[key] = value
    if section == "hotspots" and key == "k":
        table["weights"] = "knn"
    with pytest.raises(furthest.ConfigError, match=pattern):
        furthest.validate(config)


def test_coordinates_beyond_1e8_are_refused(case: Case) -> None:
    zones = case.read_zones()
    zones.loc[3, "geometry"] = box(1e9, 1e9, 1e9 + 10, 1e9 + 10)
    case.write_zones(zones)
    run_fails(case, furthest.InputError, r"zones\.gpkg' feature 4 .*implausibly large \(beyond 1e8\)")


def test_a_raster_window_past_2_to_the_31_cells_is_refused(tmp_path) -> None:
    # A sparse tiled GeoTIFF of 50,000 x 50,000 one-metre cells (2.5e9 > 2^31): a few kB on disk.
    path = tmp_path / "huge.tif"
    profile = dict(
        driver="GTiff",
        width=50_000,
        height=50_000,
        count=1,
        dtype="uint8",
        crs="EPSG:27700",
        transform=from_origin(400_000, 500_000, 1, 1),
        tiled=True,
        sparse_ok=True,
        nodata=0,
    )
    with rasterio.open(path, "w", **profile):
        pass
    zone = gpd.GeoDataFrame({"code": ["all"]}, geometry=[box(400_000, 450_000, 450_000, 500_000)], crs="EPSG:27700")
    with pytest.raises(furthest.InputError, match=r"huge\.tif.*more than can be read at once \(2\^31\)"):
        furthest.zonal_stats(zone, path, stats=["mean"])
