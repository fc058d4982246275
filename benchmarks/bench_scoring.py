"""Benchmark: the scoring engine's Monte Carlo rank intervals against a vectorised NumPy version.

    python benchmarks/bench_scoring.py                 # 34,000 zones x 20 indicators x 10,000 draws
    python benchmarks/bench_scoring.py --draws 1000    # quicker

Both sides do the same work on the same synthetic table (zones in 300 partnership areas):
nominal z-score index; per draw a Dirichlet weighting around the nominal weights (concentration
100), a normalisation chosen among z-score, min-max and percentile rank, and one indicator (or
none) left out; each draw ranked; per zone the median rank, the 5th-95th percentile interval, the
probability of the top decile and of the first 5 of its area; and the one-at-a-time scenarios
(each weight moved by one Dirichlet standard deviation, each indicator left out, each other
normalisation) that name the factor moving each zone most. NumPy keeps every draw's ranks and
takes quantiles at the end, the usual way; furthest streams draws into per-zone histograms.

Each side runs in its own process so that its peak resident memory can be read separately.
NumPy's BLAS gets the same thread count.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

NORMALISATIONS = ["z_score", "min_max", "percentile_rank"]


def make_table(zones: int, indicators: int, areas: int, seed: int = 2025):
    rng = np.random.default_rng(seed)
    # Correlated indicators (one common factor), skewed like deprivation rates.
    common = rng.normal(size=(zones, 1))
    values = np.exp(0.5 * (0.7 * common + 0.7 * rng.normal(size=(zones, indicators))))
    weights = rng.uniform(0.5, 2.0, size=indicators)
    area = rng.integers(0, areas, size=zones)
    return values, weights, area


def run_furthest(values, weights, area, draws, threads) -> dict:
    import pandas as pd

    import furthest

    df = pd.DataFrame(values, columns=[f"x{j}" for j in range(values.shape[1])])
    spec = {
        "normalise": "z_score",
        "indicators": [{"name": f"x{j}", "weight": float(w)} for j, w in enumerate(weights)],
        "top_n_in_area": 5,
        "uncertainty": {"weights": "dirichlet", "concentration": 100.0, "normalisations": NORMALISATIONS, "drop_one": True},
    }
    start = time.perf_counter()
    out = furthest.score(df, spec, areas=area, seed=1, draws=draws, threads=threads)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "median_rank_mean": float(out["rank_median"].mean()),
        "p_top_decile_sum": float(out["p_top_decile"].sum()),
    }


def _normalise(x: np.ndarray, how: str) -> np.ndarray:
    if how == "z_score":
        return (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    if how == "min_max":
        return (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0))
    ranks = x.argsort(axis=0).argsort(axis=0) + 1.0  # no ties in continuous data
    return ranks / x.shape[0]


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest, per column."""
    order = np.argsort(-scores, axis=0, kind="stable")
    ranks = np.empty(scores.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, np.arange(1, scores.shape[0] + 1, dtype=np.int32)[:, None], axis=0)
    return ranks


def run_numpy(values, weights, area, draws, threads, batch=128, top_n=5) -> dict:
    rng = np.random.default_rng(1)
    n, k = values.shape
    w0 = weights / weights.sum()
    start = time.perf_counter()
    ys = [_normalise(values, how) for how in NORMALISATIONS]
    nominal = ys[0] @ w0
    nominal_rank = _ranks(nominal[:, None])[:, 0]
    area16 = area.astype(np.int16)
    starts = np.concatenate([[0], np.cumsum(np.bincount(area, minlength=area.max() + 1))[:-1]])
    all_ranks = np.empty((n, draws), dtype=np.int32)
    top_n_count = np.zeros(n, dtype=np.int64)
    for b0 in range(0, draws, batch):
        b = min(batch, draws - b0)
        w = rng.dirichlet(100.0 * w0, size=b)
        alt = rng.integers(0, len(NORMALISATIONS), size=b)
        dropped = rng.integers(-1, k, size=b)
        rows = np.flatnonzero(dropped >= 0)
        w[rows, dropped[rows]] = 0.0
        w /= w.sum(axis=1, keepdims=True)
        scores = np.empty((n, b))
        for a in range(len(NORMALISATIONS)):
            cols = np.flatnonzero(alt == a)
            if cols.size:
                scores[:, cols] = ys[a] @ w[cols].T
        order = np.argsort(-scores, axis=0, kind="stable")
        ranks = np.empty((n, b), dtype=np.int32)
        np.put_along_axis(ranks, order, np.arange(1, n + 1, dtype=np.int32)[:, None], axis=0)
        all_ranks[:, b0 : b0 + b] = ranks
        # Within-area ranks: a stable sort of the areas in score order keeps score order inside each area.
        area_sorted = area16[order]
        by_area = np.argsort(area_sorted, axis=0, kind="stable")
        within = np.arange(n)[:, None] - starts[np.take_along_axis(area_sorted, by_area, axis=0)] + 1
        zone = np.take_along_axis(order, by_area, axis=0)
        flags = np.zeros((n, b), dtype=bool)
        np.put_along_axis(flags, zone, within <= top_n, axis=0)
        top_n_count += flags.sum(axis=1)
    p05, median, p95 = np.quantile(all_ranks, [0.05, 0.5, 0.95], axis=1, method="inverted_cdf")
    p_top_decile = (all_ranks * 10 <= n).mean(axis=1)
    p_top_n = top_n_count / draws
    # One-at-a-time scenarios: each weight up and down by one Dirichlet sd, each indicator left out,
    # each other normalisation; the factor with the largest rank shift per zone.
    sd = np.sqrt((1 - w0) / (w0 * 101.0))
    scenarios = []
    for j in range(k):
        for sign in (1, -1):
            w = w0.copy()
            w[j] *= 1 + sign * sd[j]
            scenarios.append(ys[0] @ (w / w.sum()))
    for j in range(k):
        w = w0.copy()
        w[j] = 0
        scenarios.append(ys[0] @ (w / w.sum()))
    for a in range(1, len(NORMALISATIONS)):
        scenarios.append(ys[a] @ w0)
    shifts = _ranks(np.column_stack(scenarios)) - nominal_rank[:, None]
    most = np.abs(shifts).argmax(axis=1)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "median_rank_mean": float(median.mean()),
        "p_top_decile_sum": float(p_top_decile.sum()),
        "check": float(p05.sum() + p95.sum() + p_top_n.sum() + most.sum()),
    }


def child(args) -> None:
    values, weights, area = make_table(args.zones, args.indicators, args.areas)
    if args.only == "furthest":
        result = run_furthest(values, weights, area, args.draws, args.threads)
    else:
        result = run_numpy(values, weights, area, args.draws, args.threads)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zones", type=int, default=34_000)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--areas", type=int, default=300)
    parser.add_argument("--only", choices=["furthest", "numpy"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        child(args)
        return
    results = {}
    for side in ("furthest", "numpy"):
        env = dict(os.environ)
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(args.threads)
        command = [
            sys.executable,
            __file__,
            "--only",
            side,
            "--zones",
            str(args.zones),
            "--indicators",
            str(args.indicators),
            "--draws",
            str(args.draws),
            "--threads",
            str(args.threads),
            "--areas",
            str(args.areas),
        ]
        done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        results[side] = json.loads(done.stdout.strip().splitlines()[-1])
    f, n = results["furthest"], results["numpy"]
    print(f"zones       {args.zones}")
    print(f"indicators  {args.indicators}")
    print(f"draws       {args.draws}")
    print(f"threads     {args.threads}")
    print(f"furthest    {f['seconds']:.2f} s   peak RSS {f['peak_rss_mb']:.0f} MB")
    print(f"numpy       {n['seconds']:.2f} s   peak RSS {n['peak_rss_mb']:.0f} MB")
    print(f"ratio       {n['seconds'] / f['seconds']:.2f}x (numpy time / furthest time)")


if __name__ == "__main__":
    main()
