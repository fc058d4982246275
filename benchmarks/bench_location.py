"""Hub site selection: furthest vs spopt (PuLP + HiGHS, else CBC) on national-sized cases.

    python benchmarks/bench_location.py [--spopt-timeout 600] [--skip-spopt] [--data ../shared/data]

MCLP: demand is England's 33,755 LSOA 2021 population-weighted centroids with their Census 2021
usual residents; candidates are 2,000 of those centroids drawn with a seeded generator (without
replacement); p = 50 new sites, coverage within 5 km, straight line.
p-median: 5,000 of the centroids (seeded draw) as demand and 500 others as candidates, p = 20,
every pair (straight line; spopt's model is dense, so furthest is given every pair too).
A third case, MCLP on the p-median's 5,000 zones x 500 candidates (p = 20, 5 km), is one spopt
can solve here, so its objective ratio shows how close to the optimum the search gets.

furthest's time includes building the interaction matrix; spopt's includes the dense distance
matrix (scipy ``cdist``), building the PuLP model and solving it. spopt runs in a child process
killed after --spopt-timeout seconds (the solver is also told the time left), so a run that
does not finish prints "did not finish". Objectives are recomputed from each tool's chosen
sites by the same NumPy code, so they compare like with like.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import queue
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import furthest
from furthest import access, plan
from timing import best_of

REPO = Path(__file__).resolve().parents[1]
MCLP_CANDIDATES, MCLP_P, MCLP_RADIUS = 2000, 50, 5000.0
PM_DEMAND, PM_CANDIDATES, PM_P = 5000, 500, 20
EVERY_PAIR = 2_000_000.0  # metres: longer than any distance in England


def shared_data(arg: str | None) -> Path:
    path = Path(arg or os.environ.get("FURTHEST_DATA") or REPO.parent / "shared" / "data")
    if not path.is_dir():
        sys.exit(f"shared data not found at {path}; pass --data or set FURTHEST_DATA")
    return path


def england(data: Path) -> pd.DataFrame:
    centroids = pd.read_csv(data / "lookups" / "lsoa21_population_weighted_centroids_ew_epsg27700.csv")
    centroids = centroids[centroids["lsoa21_code"].str.startswith("E")].set_index("lsoa21_code").sort_index()
    population = pd.read_csv(data / "population" / "census2021_lsoa21_age6_usual_residents_ew.csv")
    centroids["demand"] = population.set_index("lsoa21_code")["total_usual_residents"].reindex(centroids.index).astype(float)
    return centroids


def xy(frame: pd.DataFrame) -> np.ndarray:
    return frame[["x_bng", "y_bng"]].to_numpy(float)


# ---- objectives, recomputed the same way for both tools -----------------------------------------


def covered(zones: np.ndarray, demand: np.ndarray, sites: np.ndarray, radius: float) -> float:
    from scipy.spatial import cKDTree

    near = cKDTree(sites).query(zones, distance_upper_bound=radius)[0]
    return float(demand[near <= radius].sum())


def weighted_distance(zones: np.ndarray, demand: np.ndarray, sites: np.ndarray) -> float:
    from scipy.spatial import cKDTree

    return float((demand * cKDTree(sites).query(zones)[0]).sum())


# ---- spopt in a child process ------------------------------------------------------------------


def _solver(time_limit: float):
    import pulp

    if "HiGHS" in pulp.listSolvers(onlyAvailable=True):
        return pulp.HiGHS(msg=False, timeLimit=time_limit), "HiGHS"
    return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit), "CBC"


def _spopt_child(
    kind: str, zones: np.ndarray, demand: np.ndarray, sites: np.ndarray, p: int, radius: float, timeout: float, out
) -> None:
    warnings.simplefilter("ignore")
    import pulp
    from scipy.spatial.distance import cdist
    from spopt.locate import MCLP, PMedian

    start = time.perf_counter()
    cost = cdist(zones, sites)
    t_matrix = time.perf_counter() - start
    if kind == "mclp":
        model = MCLP.from_cost_matrix(cost, demand, service_radius=radius, p_facilities=p)
    else:
        model = PMedian.from_cost_matrix(cost, demand, p_facilities=p)
    t_model = time.perf_counter() - start - t_matrix
    solver, name = _solver(max(1.0, timeout - (time.perf_counter() - start)))
    model.solve(solver, results=False)
    t_total = time.perf_counter() - start
    chosen = np.array([bool(v.value() is not None and v.value() > 0.5) for v in model.fac_vars])
    out.put(
        {
            "solver": name,
            "status": pulp.LpStatus[model.problem.status],
            "chosen": chosen,
            "time": t_total,
            "matrix": t_matrix,
            "model": t_model,
            "solve": t_total - t_matrix - t_model,
        }
    )


def run_spopt(kind: str, zones: np.ndarray, demand: np.ndarray, sites: np.ndarray, p: int, radius: float, timeout: float):
    """spopt's answer, or None when it does not finish within `timeout` seconds."""
    context = mp.get_context("spawn")
    out = context.Queue()
    child = context.Process(target=_spopt_child, args=(kind, zones, demand, sites, p, radius, timeout, out))
    start = time.perf_counter()
    child.start()
    try:
        result = out.get(timeout=timeout)
    except queue.Empty:
        result = None
    if child.is_alive():
        child.join(timeout=max(0.0, timeout - (time.perf_counter() - start)) if result else 0.0)
    if child.is_alive():
        child.kill()
        child.join()
    if result is not None and result["chosen"].sum() != p:
        result["status"] += f" ({int(result['chosen'].sum())} sites, not {p})"
    return result


# ---- the two cases -----------------------------------------------------------------------------


def mclp(centroids: pd.DataFrame, rng: np.random.Generator, args, small: bool = False) -> None:
    zones, demand = xy(centroids), centroids["demand"].to_numpy()
    sites = zones[np.sort(rng.choice(len(zones), MCLP_CANDIDATES, replace=False))]
    p = MCLP_P
    if small:  # the size spopt can solve here: 5,000 zones x 500 candidates (drawn as for the p-median), p = 20
        pick = rng.permutation(len(centroids))
        zone_rows, site_rows = np.sort(pick[:PM_DEMAND]), np.sort(pick[PM_DEMAND : PM_DEMAND + PM_CANDIDATES])
        zones, sites, demand, p = zones[zone_rows], zones[site_rows], demand[zone_rows], PM_P

    def ours():
        reach = access.interaction((zones[:, 0], zones[:, 1]), (sites[:, 0], sites[:, 1]), max_distance=MCLP_RADIUS)
        return reach, plan.maximal_covering(reach, demand, p)

    t_ours, (reach, r) = best_of(ours, args.repeat)
    open_ = r.sites["selected"].to_numpy()
    mine = covered(zones, demand, sites[open_], MCLP_RADIUS)
    total = demand.sum()
    print(
        f"\nMCLP: {len(zones):,} demand zones x {len(sites):,} candidates, p = {p}, {MCLP_RADIUS / 1000:g} km; "
        f"{reach.matrix.pairs:,} pairs within reach; total demand {total:,.0f}"
    )
    print(
        f"  furthest (matrix + search): {t_ours:9.3f} s  covered {mine:,.0f} ({mine / total:.2%}); greedy {r.greedy_objective:,.0f}; "
        f"bound {r.bound:,.0f}; gap {r.gap:.3%}; swaps {r.iterations}"
    )
    if mine != r.objective:
        print(f"  (furthest reported {r.objective:,.0f}; recomputed {mine:,.0f})")
    compare(
        args,
        "mclp",
        zones,
        demand,
        sites,
        p,
        MCLP_RADIUS,
        mine,
        t_ours,
        lambda c: covered(zones, demand, sites[c], MCLP_RADIUS),
        True,
    )


def p_median(centroids: pd.DataFrame, rng: np.random.Generator, args) -> None:
    pick = rng.permutation(len(centroids))
    zone_rows, site_rows = np.sort(pick[:PM_DEMAND]), np.sort(pick[PM_DEMAND : PM_DEMAND + PM_CANDIDATES])
    all_xy = xy(centroids)
    zones, sites = all_xy[zone_rows], all_xy[site_rows]
    demand = centroids["demand"].to_numpy()[zone_rows]

    def ours():
        reach = access.interaction((zones[:, 0], zones[:, 1]), (sites[:, 0], sites[:, 1]), max_distance=EVERY_PAIR)
        return reach, plan.p_median(reach, demand, PM_P)

    t_ours, (reach, r) = best_of(ours, args.repeat)
    open_ = r.sites["selected"].to_numpy()
    mine = weighted_distance(zones, demand, sites[open_])
    print(
        f"\np-median: {len(zones):,} demand zones x {len(sites):,} candidates, p = {PM_P}, every pair ({reach.matrix.pairs:,}); "
        "objective in person-km"
    )
    print(
        f"  furthest (matrix + search): {t_ours:9.3f} s  objective {mine / 1000:,.0f}; greedy {r.greedy_objective / 1000:,.0f}; "
        f"bound {r.bound / 1000:,.0f}; gap {r.gap:.3%}; swaps {r.iterations}"
    )
    compare(
        args,
        "p-median",
        zones,
        demand,
        sites,
        PM_P,
        float("inf"),
        mine,
        t_ours,
        lambda c: weighted_distance(zones, demand, sites[c]),
        False,
    )


def compare(args, kind, zones, demand, sites, p, radius, mine, t_ours, objective, maximise) -> None:
    if args.skip_spopt:
        print("  spopt: skipped (--skip-spopt)")
        return
    theirs = run_spopt("mclp" if kind == "mclp" else "pmedian", zones, demand, sites, p, radius, args.spopt_timeout)
    if theirs is None:
        print(f"  spopt: did not finish in {args.spopt_timeout:g} s")
        return
    value = objective(theirs["chosen"]) if theirs["chosen"].sum() > 0 else float("nan")
    scale = 1.0 if kind == "mclp" else 1000.0
    print(
        f"  spopt + {theirs['solver']} ({theirs['status']}): {theirs['time']:9.3f} s  objective {value / scale:,.0f} "
        f"(distance matrix {theirs['matrix']:.1f} s, model {theirs['model']:.1f} s, solve {theirs['solve']:.1f} s)"
    )
    ratio = mine / value
    better = "furthest / spopt" if maximise else "furthest / spopt (lower is better)"
    print(f"  objective ratio {better}: {ratio:.5f}; time ratio spopt / furthest: {theirs['time'] / t_ours:,.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=None)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--spopt-timeout", type=float, default=600.0, help="seconds spopt gets per problem (default 600)")
    parser.add_argument("--skip-spopt", action="store_true", help="time furthest alone")
    parser.add_argument("--only", choices=["mclp", "p-median", "mclp-small"], default=None)
    args = parser.parse_args()

    centroids = england(shared_data(args.data))
    try:
        import spopt

        peer = f"spopt {spopt.__version__}"
    except ImportError:
        peer, args.skip_spopt = "spopt (not installed)", True
    print(
        f"furthest {furthest.__version__} vs {peer}; seed {args.seed}; spopt timeout {args.spopt_timeout:g} s; {os.cpu_count()} cores"
    )
    if args.only in (None, "mclp"):
        mclp(centroids, np.random.default_rng(args.seed), args)
    if args.only in (None, "p-median"):
        p_median(centroids, np.random.default_rng(args.seed + 1), args)
    if args.only in (None, "mclp-small"):
        mclp(centroids, np.random.default_rng(args.seed + 1), args, small=True)


if __name__ == "__main__":
    main()
