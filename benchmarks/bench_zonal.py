"""Zonal statistics: furthest vs exactextract on the same GeoTIFFs and polygons.

    python benchmarks/bench_zonal.py [--threads 2] [--repeat 3] [--data ../shared/data]

Cases:
  leeds-50m    Leeds' 488 LSOAs (2021, BSC) on a synthetic 50 m raster covering Leeds
  leeds-10m    the same LSOAs on a synthetic 10 m raster the size of the city (~3,400 x 2,800)
  voronoi-10m  5,000 Voronoi polygons over Leeds on that 10 m raster

Rasters are written to a temporary folder with rasterio (values in ten classes, 5% NoData);
each tool opens the file itself, so reading is part of both timings. Every run computes count,
sum, mean, min, max and majority; furthest runs on --threads threads, exactextract on one (its
Python API has no thread option). Times are the best of --repeat runs after one warm-up.
The script also checks that both tools agree (furthest with coverage="float32").
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import exactextract
import geopandas as gpd
import numpy as np
import rasterio
import shapely
from rasterio.transform import from_origin

import furthest
from timing import best_of

STATS = ["count", "sum", "mean", "min", "max", "majority"]
REPO = Path(__file__).resolve().parents[1]


def shared_data(arg: str | None) -> Path:
    path = Path(arg or os.environ.get("FURTHEST_DATA") or REPO.parent / "shared" / "data")
    if not path.is_dir():
        sys.exit(f"shared data not found at {path}; pass --data or set FURTHEST_DATA")
    return path


def write_raster(path: Path, bounds, cell: float, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = bounds
    x_min, y_max = np.floor(x0 / cell) * cell - cell, np.ceil(y1 / cell) * cell + cell
    cols, rows = int(np.ceil((x1 - x_min) / cell)) + 1, int(np.ceil((y_max - y0) / cell)) + 1
    values = rng.integers(0, 10, size=(rows, cols)).astype("float32")
    values[rng.random((rows, cols)) < 0.05] = -9999.0
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=rows,
        width=cols,
        count=1,
        dtype="float32",
        crs="EPSG:27700",
        transform=from_origin(x_min, y_max, cell, cell),
        nodata=-9999.0,
        tiled=True,
        blockxsize=256,
        blockysize=256,
    ) as ds:
        ds.write(values, 1)
    return path


def voronoi_zones(bounds, n: int, seed: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = bounds
    points = shapely.points(rng.uniform(x0, x1, n), rng.uniform(y0, y1, n))
    box = shapely.box(x0, y0, x1, y1)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=box))
    return gpd.GeoDataFrame(geometry=shapely.intersection(cells, box), crs=27700)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", default=None)
    args = parser.parse_args()

    lsoas = gpd.read_file(shared_data(args.data) / "boundaries" / "leeds_lsoa2021_bsc_epsg27700.gpkg")
    bounds = lsoas.total_bounds
    with tempfile.TemporaryDirectory(prefix="bench-zonal-") as tmp:
        r50 = write_raster(Path(tmp) / "leeds_50m.tif", bounds, 50.0, 1)
        r10 = write_raster(Path(tmp) / "leeds_10m.tif", bounds, 10.0, 2)
        cases = [("leeds-50m", lsoas, r50), ("leeds-10m", lsoas, r10), ("voronoi-10m", voronoi_zones(bounds, 5000, 3), r10)]
        print(
            f"furthest {furthest.__version__} on {args.threads} threads vs exactextract "
            f"{getattr(exactextract, '__version__', '?')} (1 thread); best of {args.repeat}; stats: {', '.join(STATS)}"
        )
        print(f"{'case':<12} {'zones':>6} {'raster':>11} {'furthest s':>11} {'exactextract s':>15} {'ratio':>7}")
        for name, zones, raster in cases:
            with rasterio.open(raster) as ds:
                shape = f"{ds.width}x{ds.height}"
            t_ours, mine = best_of(
                lambda: furthest.zonal_stats(zones, raster, STATS, threads=args.threads), args.repeat, warm_up=True
            )
            t_peer, theirs = best_of(
                lambda: exactextract.exact_extract(str(raster), zones, STATS, output="pandas"), args.repeat, warm_up=True
            )
            # Same answer (single-precision coverage, as exactextract keeps it).
            check = furthest.zonal_stats(zones, raster, STATS, threads=args.threads, coverage="float32")
            worst = max(
                float(
                    np.nanmax(np.abs(check[s].to_numpy() - theirs[s].to_numpy()) / np.maximum(1.0, np.abs(theirs[s].to_numpy())))
                )
                for s in STATS
            )
            print(
                f"{name:<12} {len(zones):>6} {shape:>11} {t_ours:>11.3f} {t_peer:>15.3f} {t_peer / t_ours:>6.2f}x"
                f"   (max rel. difference {worst:.1e})"
            )
        print("ratio = exactextract time / furthest time (above 1: furthest is faster)")


if __name__ == "__main__":
    main()
