"""Disclosure control of linked tables (zones x months and local authorities x months) at national size.

    python benchmarks/bench_disclosure.py [--data ../shared/data] [--audit-areas 3] [--mean 4 12]

Counts: England's 33,755 LSOA 2021 (grouped into their 296 local authorities, LAD 2023) x 12
months, Poisson with a small mean (a programme's monthly people helped per neighbourhood): mean 4,
most cells below the threshold of 5; mean 12, a few, which is where tables suppressed one at a
time leak. furthest's ``monitor.suppress_nested`` protects both tables
together (primary and secondary suppression, iterated to a fixed point and checked jointly).

No Python package implements secondary cell suppression (the reference tools, tau-Argus and R's
sdcTable, are not on PyPI), so the peer here is an exact audit: on a slice of `--audit-areas`
local authorities, suppressed again on its own, every suppressed figure is minimised and maximised
by linear programming (scipy's HiGHS) subject to every published figure and counts >= 0. A figure
whose range is zero is disclosed. The same audit of the two tables suppressed one at a time (each
with ``monitor.suppress``) shows what linking them prevents. Printed: times, the audit's verdicts,
and the ratio of audit time to suppression time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

from furthest import monitor
from timing import best_of

REPO = Path(__file__).resolve().parents[1]


def national_counts(data: Path, mean: float, seed: int = 2026) -> tuple[pd.DataFrame, pd.Series]:
    lookup = pd.read_csv(data / "lookups" / "lsoa21_lad23_lookup_ew.csv", encoding="utf-8-sig")
    lookup = lookup[lookup["LSOA21CD"].str.startswith("E")]
    rng = np.random.default_rng(seed)
    months = [f"2025-{m:02d}" for m in range(4, 13)] + [f"2026-{m:02d}" for m in range(1, 4)]
    counts = pd.DataFrame(rng.poisson(mean, (len(lookup), len(months))), index=lookup["LSOA21CD"], columns=months)
    return counts, pd.Series(lookup["LAD23CD"].to_numpy(), index=lookup["LSOA21CD"])


def audit(counts: pd.DataFrame, area: pd.Series, zones_published: pd.DataFrame, areas_published: pd.DataFrame) -> tuple[int, int]:
    """(suppressed figures, those the published figures pin to one value). Published frames carry
    a 'Total' row and column, NaN where suppressed."""
    zones_published = zones_published.astype("float64")  # pd.NA (nullable counts) as NaN
    areas_published = areas_published.astype("float64")
    zones, months = list(counts.index), list(counts.columns)
    nz, nt = len(zones), len(months)
    figures = []  # (variables, published value or NaN)
    for i, z in enumerate(zones):
        for j, m in enumerate(months):
            figures.append(([i * nt + j], zones_published.loc[z, m]))
        figures.append(([i * nt + j for j in range(nt)], zones_published.loc[z, "Total"]))
    members = {a: [i for i, z in enumerate(zones) if area[z] == a] for a in areas_published.index if a != "Total"}
    for a, rows in members.items():
        for j, m in enumerate(months):
            figures.append(([i * nt + j for i in rows], areas_published.loc[a, m]))
        figures.append(([i * nt + j for i in rows for j in range(nt)], areas_published.loc[a, "Total"]))
    for table in (zones_published, areas_published):  # the same row in both when linked; maybe not otherwise
        for j, m in enumerate(months):
            figures.append(([i * nt + j for i in range(nz)], table.loc["Total", m]))
        figures.append((list(range(nz * nt)), table.loc["Total", "Total"]))
    published = [(v, x) for v, x in figures if not np.isnan(x)]
    a = lil_matrix((len(published), nz * nt))
    for k, (variables, _) in enumerate(published):
        a[k, variables] = 1.0
    a, b = a.tocsr(), np.array([x for _, x in published])
    hidden = [v for v, x in figures if np.isnan(x)]
    pinned = 0
    for variables in hidden:
        c = np.zeros(nz * nt)
        c[variables] = 1.0
        low = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        high = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        if high.status != 3 and -high.fun - low.fun < 1e-6:
            pinned += 1
    return len(hidden), pinned


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("FURTHEST_DATA", REPO.parent / "shared" / "data")))
    parser.add_argument("--audit-areas", type=int, default=3)
    parser.add_argument("--mean", type=float, nargs="+", default=[4.0, 12.0])
    args = parser.parse_args()
    for mean in args.mean:
        run_case(args, mean)
    return 0


def run_case(args: argparse.Namespace, mean: float) -> None:
    counts, area = national_counts(args.data, mean)
    cells = counts.size
    print(f"{len(counts):,} zones in {area.nunique()} areas x {counts.shape[1]} months ({cells:,} cells), Poisson mean {mean}")
    seconds, nested = best_of(lambda: monitor.suppress_nested(counts, area), repeat=3)
    status = nested.zones.status.to_numpy()
    print(
        f"  furthest suppress_nested:  {seconds:.3f} s  rounds {nested.rounds}; zone cells: "
        f"{(status == 'primary').sum():,} below 5, {(status == 'secondary').sum():,} protecting them"
    )

    # The audit's slice: the smallest areas of at least 60 zones, suppressed on their own (a
    # complete published system).
    sizes = area.value_counts().sort_values(kind="stable")
    chosen = list(sizes[sizes >= 60].index[: args.audit_areas])
    slice_area = area[area.isin(chosen)]
    slice_counts = counts.loc[slice_area.index]
    print(f"audit slice: {len(slice_counts)} zones in {len(chosen)} areas ({', '.join(chosen)}) x {counts.shape[1]} months")
    t_nested, sliced = best_of(lambda: monitor.suppress_nested(slice_counts, slice_area), repeat=3)
    start = time.perf_counter()
    hidden, pinned = audit(slice_counts, slice_area, sliced.zones.published, sliced.areas.published)
    t_audit = time.perf_counter() - start
    print(f"  furthest suppress_nested:  {t_nested:.4f} s; audit (HiGHS, {2 * hidden:,} LPs): {t_audit:.1f} s")
    print(f"  suppressed figures {hidden:,}; disclosed exactly: {pinned}")
    # The same tables suppressed one at a time: what linking them prevents.
    by_area = slice_counts.groupby(slice_area).sum()
    t_alone = time.perf_counter()
    zones_alone = monitor.suppress(slice_counts).published
    areas_alone = monitor.suppress(by_area).published
    t_alone = time.perf_counter() - t_alone
    hidden_alone, pinned_alone = audit(slice_counts, slice_area, zones_alone, areas_alone)
    print(f"  tables one at a time:      {t_alone:.4f} s; suppressed figures {hidden_alone:,}; disclosed exactly: {pinned_alone}")
    print(f"  audit time / suppression time: {t_audit / t_nested:,.0f}x")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
