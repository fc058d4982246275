"""Placing partners by postcode, furthest vs pandas, on the same files.

    python benchmarks/bench_postcodes.py [--data ../shared/data] [--directory-rows 2600000] [--partners 50000]

Two directories: the real NSPL extract for LS, BD and WF (75,414 postcodes) and a synthetic
national-sized one made here (2.6 million postcodes, with NSPL-like extra columns that are not
needed). Partners are postcodes drawn from the directory and typed messily (lower case, no
space, double spaces, no-break spaces). furthest's cost is the difference between a run that
places partners by postcode and the same run with the partners' coordinates given; the peer is
pandas: read the directory's three columns, normalise both sides with vectorised string
methods, merge. Prints seconds and the ratio pandas / furthest (above 1 = furthest faster).
Not a test.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import furthest
from timing import best_of

LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))


def synthetic_directory(path: Path, rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """Unique postcodes 'AA99 9AA' in the NSPL's pcd/pcd2/pcds widths, lat/long inside Leeds,
    and a few extra columns a national file carries."""
    areas = np.array([a + b for a in "BCDGHKLMNPSTW" for b in "ABDEFGHLMNRSTY"])
    n = int(rows * 1.05)
    outward = areas[rng.integers(0, len(areas), n)] + rng.integers(1, 99, n).astype(str)
    inward = rng.integers(0, 10, n).astype(str) + LETTERS[rng.integers(0, 20, n)] + LETTERS[rng.integers(0, 20, n)]
    pcds = pd.unique(np.char.add(np.char.add(outward, " "), inward))[:rows]
    frame = pd.DataFrame(
        {
            "pcd": [p.replace(" ", "").ljust(7) for p in pcds],
            "pcds": pcds,
            "lat": np.round(rng.uniform(53.72, 53.90, len(pcds)), 6),
            "long": np.round(rng.uniform(-1.75, -1.30, len(pcds)), 6),
            "oa21cd": "E00" + pd.Series(rng.integers(0, 200000, len(pcds))).astype(str).str.zfill(6),
            "lsoa21cd": "E01" + pd.Series(rng.integers(0, 40000, len(pcds))).astype(str).str.zfill(6),
            "imd": rng.integers(1, 32845, len(pcds)),
        }
    )
    frame.to_csv(path, index=False)
    return frame


def messy(postcodes: pd.Series) -> list[str]:
    forms = [
        lambda p: p,
        lambda p: p.lower(),
        lambda p: p.replace(" ", ""),
        lambda p: p.replace(" ", "  "),
        lambda p: p.replace(" ", "\u00a0"),
        lambda p: f" {p.lower().replace(' ', '')} ",
    ]
    return [forms[i % len(forms)](p) for i, p in enumerate(postcodes)]


def pandas_peer(directory: Path, postcode: str, partners: Path) -> pd.DataFrame:
    table = pd.read_csv(directory, usecols=[postcode, "lat", "long"], dtype={postcode: str})
    key = table[postcode].str.replace(r"\s+", "", regex=True).str.upper()
    table = table.assign(key=key.str[:-3] + " " + key.str[-3:]).drop_duplicates("key")
    sites = pd.read_csv(partners, usecols=["partner_id", "postcode"], dtype=str, keep_default_na=False)
    site_key = sites["postcode"].str.replace(r"[\s\u00a0]+", "", regex=True).str.upper()
    sites = sites.assign(key=site_key.str[:-3] + " " + site_key.str[-3:])
    placed = sites.merge(table[["key", "lat", "long"]], on="key", how="left", validate="many_to_one")
    assert placed["lat"].notna().all()
    return placed


def run_case(
    name: str,
    directory: Path,
    postcode_column: str,
    frame: pd.DataFrame,
    n_partners: int,
    data: Path,
    work: Path,
    threads: int,
    rng: np.random.Generator,
) -> None:
    chosen = frame.iloc[rng.choice(len(frame), n_partners, replace=True)]
    chosen = chosen[chosen["lat"].notna()]
    partners = pd.DataFrame(
        {
            "partner_id": np.arange(len(chosen)),
            "postcode": messy(chosen["pcds"]),
            "lat": chosen["lat"].to_numpy(),
            "lon": chosen["long"].to_numpy(),
        }
    )
    partners_csv = work / f"{name}_partners.csv"
    partners.to_csv(partners_csv, index=False)
    base = {
        "run": {"threads": threads},
        "zones": {"path": str(data / "boundaries/leeds_lsoa2021_bsc.geojson"), "id": "lsoa21_code"},
        "areas": {"path": str(data / "boundaries/leeds_wards2022_bsc.geojson"), "id": "ward22_code"},
        "indicators": [
            {
                "path": str(data / "deprivation/imd2025_england_lsoa21.csv"),
                "key": "lsoa21_code",
                "column": "IMD_score",
                "direction": "higher_is_more_need",
            }
        ],
        "output": {"path": str(work / f"{name}.gpkg")},
    }
    by_xy = dict(base, partners={"path": str(partners_csv), "x": "lon", "y": "lat", "crs": "EPSG:4326"})
    by_postcode = dict(
        base,
        partners={"path": str(partners_csv), "postcode": "postcode"},
        postcodes={"path": str(directory), "postcode": postcode_column, "x": "long", "y": "lat", "crs": "EPSG:4326"},
    )
    xy_seconds, xy = best_of(lambda: furthest.validate(by_xy), 3)
    pc_seconds, pc = best_of(lambda: furthest.validate(by_postcode), 3)
    # Same zone for every partner (those outside Leeds have none either way).
    assert pc.partners["zone_id"].fillna("-").equals(xy.partners["zone_id"].fillna("-"))
    ours = pc_seconds - xy_seconds
    peer, placed = best_of(lambda: pandas_peer(directory, postcode_column, partners_csv), 3)
    assert np.allclose(placed["lat"].to_numpy(), partners["lat"].to_numpy())
    print(f"{name}: {len(frame):,} directory rows, {len(partners):,} partners typed messily")
    print(f"  furthest (run by postcode {pc_seconds:.3f} s - run by x/y {xy_seconds:.3f} s) {ours:9.3f} s")
    print(f"  pandas read_csv + normalise + merge                {peer:9.3f} s   ratio {peer / ours:5.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parents[1]
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("FURTHEST_DATA", here.parent / "shared" / "data")))
    parser.add_argument("--directory-rows", type=int, default=2_600_000)
    parser.add_argument("--partners", type=int, default=50_000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    with tempfile.TemporaryDirectory(prefix="furthest-bench-postcodes-") as scratch:
        work = Path(scratch)
        nspl = args.data / "points/postcodes_LS_BD_WF_latlon_nspl2025.csv"
        real = pd.read_csv(nspl).rename(columns={"Postcode": "pcds"})
        run_case("NSPL LS+BD+WF", nspl, "Postcode", real, args.partners, args.data, work, args.threads, rng)
        synthetic = work / "national.csv"
        frame = synthetic_directory(synthetic, args.directory_rows, rng)
        run_case("synthetic national", synthetic, "pcd", frame, args.partners, args.data, work, args.threads, rng)


if __name__ == "__main__":
    main()
