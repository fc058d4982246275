"""Access (2SFCA): furthest vs PySAL ``access`` on a national-sized case.

    python benchmarks/bench_access.py [--threads 2] [--repeat 3] [--data ../shared/data]

Origins are England's 33,755 LSOA 2021 population-weighted centroids with their Census 2021
usual residents as demand; sites are 10,000 seeded random points, each a random centroid moved
by up to 2 km in x and y (so they fall where people live, inside England's extent), with a
seeded capacity of 1 to 5. Catchment 5 km, straight line, plain 2SFCA.

furthest's time includes building the interaction matrix; PySAL's includes building its cost
table with a scipy KD-tree (``cKDTree.sparse_distance_matrix``). Times are the best of --repeat
runs after one warm-up. The script prints both times, their ratio and the largest absolute
difference in access, and checks that 1 and 2 threads give identical results.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

import access as pysal_access
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

import furthest
from furthest import access
from timing import best_of

REPO = Path(__file__).resolve().parents[1]
SITES = 10_000
CATCHMENT = 5000.0


def shared_data(arg: str | None) -> Path:
    path = Path(arg or os.environ.get("FURTHEST_DATA") or REPO.parent / "shared" / "data")
    if not path.is_dir():
        sys.exit(f"shared data not found at {path}; pass --data or set FURTHEST_DATA")
    return path


def inputs(data: Path, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    centroids = pd.read_csv(data / "lookups" / "lsoa21_population_weighted_centroids_ew_epsg27700.csv")
    centroids = centroids[centroids["lsoa21_code"].str.startswith("E")].set_index("lsoa21_code").sort_index()
    population = pd.read_csv(data / "population" / "census2021_lsoa21_age6_usual_residents_ew.csv")
    centroids["demand"] = population.set_index("lsoa21_code")["total_usual_residents"].reindex(centroids.index)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(centroids), SITES)
    sites = pd.DataFrame(
        {
            "x": centroids["x_bng"].to_numpy()[pick] + rng.uniform(-2000, 2000, SITES),
            "y": centroids["y_bng"].to_numpy()[pick] + rng.uniform(-2000, 2000, SITES),
            "capacity": rng.integers(1, 6, SITES).astype(float),
        },
        index=pd.Index([f"S{k:05d}" for k in range(SITES)], name="site"),
    )
    return centroids, sites


def ours(origins: pd.DataFrame, sites: pd.DataFrame, threads: int) -> pd.Series:
    reach = access.interaction(
        (origins["x_bng"], origins["y_bng"]), (sites["x"], sites["y"]), max_distance=CATCHMENT, threads=threads
    )
    return reach.two_step_fca(origins["demand"].to_numpy(float), sites["capacity"].to_numpy())


def pysal(origins: pd.DataFrame, sites: pd.DataFrame) -> pd.Series:
    tree_o = cKDTree(origins[["x_bng", "y_bng"]].to_numpy())
    tree_s = cKDTree(sites[["x", "y"]].to_numpy())
    # ndarray output keeps zero distances (a sparse matrix would drop them).
    pairs = tree_o.sparse_distance_matrix(tree_s, CATCHMENT, output_type="ndarray")
    cost = pd.DataFrame(
        {"origin": origins.index.to_numpy()[pairs["i"]], "dest": sites.index.to_numpy()[pairs["j"]], "cost": pairs["v"]}
    )
    a = pysal_access.Access(
        demand_df=origins[["demand"]].rename_axis("geoid").reset_index(),
        demand_index="geoid",
        demand_value="demand",
        supply_df=sites[["capacity"]].rename_axis("geoid").reset_index(),
        supply_index="geoid",
        supply_value="capacity",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    return a.two_stage_fca(name="fca", max_cost=CATCHMENT)["fca_capacity"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", default=None)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()

    origins, sites = inputs(shared_data(args.data), args.seed)
    print(
        f"furthest {furthest.__version__} on {args.threads} threads vs PySAL access "
        f"{getattr(pysal_access, '__version__', '?')}; best of {args.repeat}"
    )
    print(f"{len(origins)} origins x {len(sites)} sites, {CATCHMENT:g} m catchment, 2SFCA")
    t_ours, mine = best_of(lambda: ours(origins, sites, args.threads), args.repeat, warm_up=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_peer, theirs = best_of(lambda: pysal(origins, sites), args.repeat, warm_up=True)
    pairs = access.interaction(
        (origins["x_bng"], origins["y_bng"]), (sites["x"], sites["y"]), max_distance=CATCHMENT
    ).matrix.pairs
    # PySAL leaves zones with no site in reach out; furthest gives them 0.
    diff = np.abs(mine.to_numpy() - theirs.reindex(origins.index).fillna(0.0).to_numpy())
    print(f"pairs within reach: {pairs:,}; zones with a site in reach: {int((mine > 0).sum()):,}")
    print(f"furthest 2SFCA (matrix included):     {t_ours:8.3f} s")
    print(f"PySAL access 2SFCA (KD-tree included): {t_peer:8.3f} s")
    print(f"ratio (PySAL / furthest): {t_peer / t_ours:.1f}x; max abs difference in access: {diff.max():.3e}")
    one, two = ours(origins, sites, 1), ours(origins, sites, 2)
    identical = np.array_equal(one.to_numpy(), two.to_numpy())
    print(f"1 and 2 threads identical: {identical}")
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    main()
