"""Benchmark: local Gi* and local Moran's I, national size, against esda and pygeoda.

    python benchmarks/bench_hotspots.py                      # 33,755 LSOAs, k = 8, 999 permutations
    python benchmarks/bench_hotspots.py --permutations 99    # quicker

Zones are England's LSOAs 2021 at their population-weighted centroids, with the IMD 2025 score;
weights are the 8 nearest neighbours, row-standardised. furthest runs on 1 and 2 threads and the
two results must be identical. esda gets the same weights (a libpysal W built from furthest's
neighbour lists) and is timed on its second call (numba compiled); its statistics must equal
furthest's within 1e-9. pygeoda (libgeoda), where it installs, builds its own k = 8 weights and is
timed on 2 threads. Each peer's p-values are drawn from its own random streams, so only the
statistics are compared.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import furthest  # noqa: E402
from furthest import _core  # noqa: E402
from timing import best_of  # noqa: E402


def load(data: Path) -> pd.DataFrame:
    centroids = pd.read_csv(data / "lookups" / "lsoa21_population_weighted_centroids_ew_epsg27700.csv")
    imd = pd.read_csv(data / "deprivation" / "imd2025_england_lsoa21.csv", usecols=["lsoa21_code", "IMD_score"])
    return centroids.merge(imd, on="lsoa21_code", how="inner", validate="one_to_one").sort_values("lsoa21_code")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("FURTHEST_DATA", "../shared/data"))
    parser.add_argument("--permutations", type=int, default=999)
    parser.add_argument("--k", type=int, default=8)
    args = parser.parse_args()
    zones = load(Path(args.data))
    x, y = zones["x_bng"].to_numpy(float), zones["y_bng"].to_numpy(float)
    values = zones["IMD_score"].to_numpy(float)
    n, P = len(zones), args.permutations
    print(f"furthest {furthest.__version__}: {n:,} zones, k = {args.k} nearest, {P} permutations")

    t_weights, w = best_of(lambda: _core.knn_weights(x, y, args.k))
    rw = w.copy()
    rw.row_standardise()
    print(f"  knn weights (furthest)          {t_weights:8.3f} s")

    times: dict[str, float] = {}
    results: dict[str, dict] = {}
    for name, fn in (("gi_star", _core.local_gi_star), ("local_moran", _core.local_moran)):
        for threads in (1, 2):
            seconds, out = best_of(lambda: fn(values, rw, permutations=P, seed=2025, threads=threads))
            times[f"{name}/{threads}"] = seconds
            results[f"{name}/{threads}"] = out
            print(f"  {name:12s} furthest {threads} thread{'s' if threads > 1 else ' '}   {seconds:8.3f} s")
        one, two = results[f"{name}/1"], results[f"{name}/2"]
        identical = all(np.array_equal(one[c], two[c], equal_nan=True) for c in ("statistic", "z", "p", "cluster"))
        print(f"  {name:12s} 1 and 2 threads identical: {identical}")
        assert identical

    try:
        import esda
        import libpysal
    except ImportError:
        print("  esda: not installed, skipped")
    else:
        offsets, neighbours = w.offsets, w.neighbours
        lists = {i: neighbours[offsets[i] : offsets[i + 1]].tolist() for i in range(n)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lw = libpysal.weights.W(lists, silence_warnings=True)
            runs = {
                "gi_star": lambda: esda.G_Local(values, lw, transform="R", star=True, permutations=P, seed=2025, n_jobs=2),
                "local_moran": lambda: esda.Moran_Local(values, lw, transformation="r", permutations=P, seed=2025, n_jobs=2),
            }
            for name, run in runs.items():
                seconds, out = best_of(run, warm_up=True)
                ours = results[f"{name}/2"]["statistic"]
                theirs = out.Gs if name == "gi_star" else out.Is
                gap = float(np.max(np.abs(ours - theirs)))
                print(
                    f"  {name:12s} esda (n_jobs=2, warm) {seconds:8.3f} s   furthest 2 threads is "
                    f"{seconds / times[f'{name}/2']:6.1f}x faster; max |statistic difference| {gap:.1e}"
                )
                assert gap < 1e-9

    try:
        import geopandas as gpd
        import pygeoda
    except ImportError:
        print("  pygeoda: not installed, skipped")
    else:
        points = gpd.GeoDataFrame(zones[["IMD_score"]], geometry=gpd.points_from_xy(x, y), crs=27700)
        gda = pygeoda.open(points)
        gw = pygeoda.knn_weights(gda, args.k)
        data = list(values)
        for name, fn in (("gi_star", pygeoda.local_gstar), ("local_moran", pygeoda.local_moran)):
            seconds, _ = best_of(lambda: fn(gw, data, permutations=P, cpu_threads=2, seed=2025), warm_up=True)
            print(
                f"  {name:12s} pygeoda (2 threads)  {seconds:8.3f} s   furthest 2 threads is "
                f"{seconds / times[f'{name}/2']:6.1f}x faster"
            )


if __name__ == "__main__":
    main()
