"""Crosswalk building and application, furthest vs tobler / GeoPandas, on the same data.

    python benchmarks/bench_crosswalk.py [--data ../shared/data] [--threads 2] [--scale 1.0]

Cases: the Leeds files (2021 LSOAs -> wards; 2011 -> 2021 LSOAs) and a synthetic England-sized
case made here (about 34,000 zones against 7,000 targets, 2 million weighted points). Prints
seconds for each tool and the ratio peer / furthest (above 1 = furthest faster). Not a test.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

import furthest
from furthest import Crosswalk
from timing import best_of


def report(case, ours, peers):
    print(f"{case}")
    print(f"  furthest                    {ours:9.3f} s")
    for name, seconds in peers.items():
        print(f"  {name:<27} {seconds:9.3f} s   ratio {seconds / ours:7.1f}x")


def tessellation(n, box, rng):
    """n Voronoi cells tiling box (x0, y0, x1, y1), as a GeoDataFrame in EPSG:27700."""
    x0, y0, x1, y1 = box
    # Denser towards a few 'cities', as LSOAs are.
    centres = rng.uniform([x0, y0], [x1, y1], size=(12, 2))
    k = rng.integers(0, 12, n)
    pts = centres[k] + rng.normal(0, (x1 - x0) / 12, size=(n, 2))
    pts = np.clip(pts, [x0 + 1, y0 + 1], [x1 - 1, y1 - 1])
    frame = shapely.box(x0, y0, x1, y1)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame))
    cells = shapely.intersection(cells, frame)
    cells = cells[shapely.area(cells) > 0]
    return gpd.GeoDataFrame({"id": np.arange(len(cells))}, geometry=cells, crs=27700)


def leeds(data: Path, threads: int, tobler):
    lsoa21 = gpd.read_file(data / "boundaries/leeds_lsoa2021_bsc.geojson").to_crs(27700)
    lsoa11 = gpd.read_file(data / "boundaries/leeds_lsoa2011_bgc_martinjc.geojson").to_crs(27700)
    wards = gpd.read_file(data / "boundaries/leeds_wards2022_bsc.geojson").to_crs(27700)
    rng = np.random.default_rng(1)
    lsoa21["pop"] = rng.integers(1000, 3000, len(lsoa21)).astype(float)
    lsoa11["pop"] = rng.integers(1000, 3000, len(lsoa11)).astype(float)
    for name, src, tgt, sid, tid in [
        ("Leeds 2021 LSOAs (488) -> wards (33)", lsoa21, wards, "lsoa21_code", "ward22_code"),
        ("Leeds 2011 LSOAs (482) -> 2021 LSOAs (488)", lsoa11, lsoa21, "LSOA11CD", "lsoa21_code"),
    ]:
        ours, _ = best_of(
            lambda: Crosswalk.overlay(src, tgt, source_id=sid, target_id=tid, threads=threads).apply(
                src, key=sid, extensive=["pop"]
            ),
            repeat=3,
        )
        peers = {}
        if tobler:
            peers["tobler.area_interpolate"], _ = best_of(
                lambda: tobler.area_weighted.area_interpolate(src, tgt, extensive_variables=["pop"], allocate_total=False), 3
            )
        peers["geopandas.overlay"], _ = best_of(lambda: gpd.overlay(src, tgt, how="intersection"), 3)
        report(name, ours, peers)


def synthetic(threads: int, scale: float, tobler):
    rng = np.random.default_rng(2024)
    box = (100_000.0, 0.0, 650_000.0, 650_000.0)  # roughly England's extent in EPSG:27700
    n_zones, n_targets, n_points = int(34_000 * scale), int(7_000 * scale), int(2_000_000 * scale)
    start = time.perf_counter()
    zones = tessellation(n_zones, box, rng)
    targets = tessellation(n_targets, box, rng)
    xy = rng.uniform(box[:2], box[2:], size=(n_points, 2))
    points = gpd.GeoDataFrame(
        {"people": rng.integers(1, 50, n_points).astype(float)}, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=27700
    )
    zones["pop"] = rng.integers(1000, 3000, len(zones)).astype(float)
    print(
        f"synthetic: {len(zones)} zones, {len(targets)} targets, {len(points)} points "
        f"(made in {time.perf_counter() - start:.1f} s)"
    )

    ours, w = best_of(lambda: Crosswalk.overlay(zones, targets, threads=threads))
    apply_ours, _ = best_of(lambda: w.apply(zones, extensive=["pop"]), 3)
    peers = {}
    if tobler:
        peers["tobler.area_interpolate"], _ = best_of(
            lambda: tobler.area_weighted.area_interpolate(zones, targets, extensive_variables=["pop"], allocate_total=False)
        )
    peers["geopandas.overlay"], _ = best_of(
        lambda: gpd.overlay(zones[["id", "geometry"]], targets[["id", "geometry"]], how="intersection")
    )
    report(f"area-weighted overlay, build + apply ({len(zones)} x {len(targets)})", ours + apply_ours, peers)
    print(f"  (apply alone: furthest {apply_ours * 1000:.1f} ms)")

    ours, _ = best_of(lambda: Crosswalk.points(points, zones, threads=threads))
    peer, _ = best_of(lambda: gpd.sjoin(points, zones[["id", "geometry"]], predicate="within"))
    report(f"points in polygons ({len(points)} points -> {len(zones)} zones)", ours, {"geopandas.sjoin": peer})

    ours, _ = best_of(lambda: Crosswalk.overlay(zones, targets, weights=points, weight="people", threads=threads))
    print(f"population-weighted overlay from {len(points)} weighted points: furthest {ours:.3f} s (no direct peer)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("FURTHEST_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")),
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0, help="scale the synthetic case (1.0 = England-sized)")
    args = parser.parse_args()
    try:
        import tobler
    except ImportError:
        tobler = None
        print("tobler not installed: comparing with GeoPandas only")
    print(f"furthest {furthest.__version__}, threads={args.threads}, cores={os.cpu_count()}")
    if args.data.is_dir():
        leeds(args.data, args.threads, tobler)
    synthetic(args.threads, args.scale, tobler)


if __name__ == "__main__":
    main()
