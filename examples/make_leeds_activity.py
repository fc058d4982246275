#!/usr/bin/env python3
"""Make a SYNTHETIC activity log for the Leeds example (``leeds_activity.csv``).

No real activity data of a digital-inclusion programme in Leeds is published, and none is used
here: every row of ``leeds_activity.csv`` is invented by this script from a fixed seed, so that
the ``[monitoring]`` stage has a realistic-looking log to read beside ``leeds_access.toml``. It
must not be read as what any Leeds GP practice, library or programme did.

What is real is the frame the log is drawn on, read in place from the shared open data
(``FURTHEST_DATA``, default ``../shared/data`` beside the repository; nothing is copied):

* the partners: GP practices (``points/leeds_gp_practices_pcn_2020-09.csv``, id
  ``PRACTICE_CODE``) and the libraries open in 2023 (``points/leeds_libraries_2023.csv``, id
  ``Library name``, blank ``Year closed``);
* the plan: each PCN-based area's rollout wave and the new hubs, from running
  ``leeds_access.toml`` in memory (``furthest.validate``, rank uncertainty switched off since the
  waves come from the nominal plan);
* the residents: 2021 LSOAs (``boundaries/leeds_lsoa2021_bsc.geojson``) whose population-weighted
  centroid (``lookups/lsoa21_population_weighted_centroids_ew_epsg27700.csv``) lies near the
  partner, favouring higher IMD 2025 scores (``deprivation/imd2025_england_lsoa21.csv``);
* the postcodes: real postcodes (``points/postcodes_LS_BD_WF_latlon_nspl2025.csv``) lying inside
  the resident's zone.

The log covers the programme year 2025-04-01 to 2026-03-31. Wave 0 (the pilot, Beeston PCN) is
active all year; the wave-1 areas start in July, except Middleton and Hunslet PCN, which lags
badly (October, a tenth of the pace); the wave-2 areas trickle in from January; elsewhere a little
activity, mostly at libraries. For people helped and devices lent, about half the people come
with a ``resident_postcode`` (one row each, on the day: a postcode is one person's), a fifth with
a ``resident_zone`` and the rest with neither (placed through the partner's catchment); the last
two are monthly rows. Champions trained and sessions are monthly rows per partner; ``Hub
opened`` rows mark the plan's first new hubs.

Seven rows are wrong on purpose, for the data-quality report: a partner not in either list
(``Beeston Libary``), a date before the year, an unknown kind (``Newsletter sent``), a zone
outside Leeds (a Bradford LSOA), a blank ``count``, a malformed postcode (``LS11 8L``) and a
well-formed postcode not in the directory (``LS99 9ZZ``).

Run from the repository root::

    FURTHEST_DATA=../shared/data .venv/bin/python examples/make_leeds_activity.py

It writes ``examples/leeds_activity.csv`` (or ``--out PATH``); the output is deterministic.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

import furthest

SEED = 20260401
REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "examples" / "leeds_access.toml"
MONTHS = pd.date_range("2025-04-01", periods=12, freq="MS")  # the programme year
COLUMNS = ["partner_id", "date", "kind", "count", "resident_zone", "resident_postcode"]

REACH_M = 2000.0  # residents live within this distance of the partner ...
REACH_SIGMA_M = 800.0  # ... their pull fading (Gaussian) with distance
MIN_ZONES = 4  # a partner on the edge of town still draws from its nearest zones
LAGGING_AREA = "U94664"  # Middleton and Hunslet PCN: wave 1 in the plan, but slow to start
# How a person's home is written down: a postcode, only a zone, or nothing.
RECORDED = {"postcode": 0.5, "zone": 0.2, "neither": 0.3}
# In full swing, per partner and month: people helped, devices lent, champions trained, sessions
# beyond the first.
RATES = {
    "GP practice": {"people": 16.0, "devices": 0.9, "champions": 0.3, "sessions": 1.5},
    "library": {"people": 26.0, "devices": 2.2, "champions": 0.6, "sessions": 4.0},
}


def shared_data() -> Path:
    """The shared open data: FURTHEST_DATA (relative to the working folder), else ../shared/data."""
    env = os.environ.get("FURTHEST_DATA")
    path = Path(env).resolve() if env else REPO.parent / "shared" / "data"
    if not path.is_dir():
        raise SystemExit(f"shared open data not found at {path} (set FURTHEST_DATA)")
    return path


def run_plan(data: Path) -> furthest.RunResult:
    """The nominal plan of leeds_access.toml, in memory (nothing is written)."""
    with CONFIG.open("rb") as f:
        config = tomllib.load(f)
    config["scoring"]["uncertainty"]["draws"] = 0  # the waves come from the nominal plan
    config["output"]["path"] = str((CONFIG.parent / config["output"]["path"]).resolve())
    os.environ["FURTHEST_DATA"] = str(data)  # the config's ${FURTHEST_DATA}, now absolute
    return furthest.validate(config)


def partner_schedule(plan: furthest.RunResult) -> pd.DataFrame:
    """One row per partner: id, type, BNG position, its area's wave, first month and pace."""
    partners = plan["partners"]
    libraries = partners["partners_table"] == "libraries"
    open_now = ~libraries | partners["Year closed"].isna()
    partners = partners[open_now]
    waves = plan["area_waves"].set_index("area_id")["area_wave"]
    if waves.get(LAGGING_AREA) != 1:
        raise SystemExit(f"{LAGGING_AREA} is no longer in wave 1 of the plan; choose another lagging area")
    frame = pd.DataFrame(
        {
            "partner_id": np.where(libraries[open_now], partners["Library name"], partners["PRACTICE_CODE"]),
            "type": partners["partner_type"].to_numpy(),
            "x": partners.geometry.x.to_numpy(),
            "y": partners.geometry.y.to_numpy(),
            "area_id": partners["area_id"].to_numpy(),
        }
    )
    frame["wave"] = frame["area_id"].map(waves).astype(int)
    start, pace = [], []
    for p in frame.itertuples():
        if p.area_id == LAGGING_AREA:
            s, r = 6, 0.1
        elif p.wave == 0:  # the pilot, running since before the year
            s, r = -12, 1.0
        elif p.wave == 1:
            s, r = 3, 1.0
        elif p.wave == 2:
            s, r = 9, 0.25
        else:  # outside the plan so far: libraries help a few people, practices hardly any
            s, r = 0, 0.07 if p.type == "library" else 0.01
        start.append(s)
        pace.append(r)
    frame["start"], frame["pace"] = start, pace
    return frame.sort_values("partner_id", kind="mergesort").reset_index(drop=True)


def leeds_zones(data: Path) -> pd.DataFrame:
    """Leeds 2021 LSOAs with population-weighted centroid (BNG) and IMD 2025 score."""
    zones = gpd.read_file(data / "boundaries" / "leeds_lsoa2021_bsc.geojson")[["lsoa21_code", "geometry"]]
    centroids = pd.read_csv(data / "lookups" / "lsoa21_population_weighted_centroids_ew_epsg27700.csv")
    imd = pd.read_csv(data / "deprivation" / "imd2025_england_lsoa21.csv", usecols=["lsoa21_code", "IMD_score"])
    zones = zones.merge(centroids, on="lsoa21_code", how="left").merge(imd, on="lsoa21_code", how="left")
    if zones[["x_bng", "IMD_score"]].isna().any().any():
        raise SystemExit("a Leeds zone has no population-weighted centroid or IMD score")
    return zones.sort_values("lsoa21_code", kind="mergesort").reset_index(drop=True)


def postcodes_by_zone(data: Path, zones: gpd.GeoDataFrame) -> dict[str, np.ndarray]:
    """The directory's postcodes lying inside each zone, in the standard 'LS11 8LH' form."""
    pcs = pd.read_csv(data / "points" / "postcodes_LS_BD_WF_latlon_nspl2025.csv")
    pcs = pcs.dropna(subset=["lat", "long"])
    compact = pcs["Postcode"].str.replace(" ", "", regex=False).str.upper()
    pcs["postcode"] = compact.str[:-3] + " " + compact.str[-3:]
    points = gpd.GeoDataFrame(pcs[["postcode"]], geometry=gpd.points_from_xy(pcs["long"], pcs["lat"]), crs="EPSG:4326")
    joined = gpd.sjoin(points, zones[["lsoa21_code", "geometry"]], predicate="within")
    joined = joined.sort_values(["lsoa21_code", "postcode"], kind="mergesort")
    return {code: group["postcode"].to_numpy() for code, group in joined.groupby("lsoa21_code", sort=True)}


def resident_weights(partner, zones: pd.DataFrame, need_pull: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The zones a partner's residents come from and their shares."""
    d = np.hypot(zones["x_bng"].to_numpy() - partner.x, zones["y_bng"].to_numpy() - partner.y)
    near = np.flatnonzero(d <= REACH_M)
    if len(near) < MIN_ZONES:
        near = np.argsort(d, kind="mergesort")[:MIN_ZONES]
    w = np.exp(-(d[near] ** 2) / (2.0 * REACH_SIGMA_M**2)) * need_pull[near]
    return near, w / w.sum()


def resident_rows(rng, partner_id, month, kind, n, codes, weights, postcodes) -> list[tuple]:
    """n people (or devices) of one partner-month: a row per person with a postcode, monthly
    rows per zone for those with only a zone, one monthly row for those with neither."""
    if n == 0:
        return []
    first = month.strftime("%Y-%m-%d")
    zone_of = rng.choice(codes, size=n, p=weights)
    how = rng.choice(list(RECORDED), size=n, p=list(RECORDED.values()))
    rows = []
    for zone in np.unique(zone_of):
        here = zone_of == zone
        pcs = postcodes.get(zone, np.array([], dtype=object))
        with_pc = int(np.sum(here & (how == "postcode"))) if len(pcs) else 0
        only_zone = int(np.sum(here & (how == "zone"))) + (int(np.sum(here & (how == "postcode"))) - with_pc)
        if with_pc:
            # different people: different postcodes, as far as the zone has them
            chosen = rng.choice(pcs, size=with_pc, replace=with_pc > len(pcs))
            for pc in chosen:
                day = month + pd.Timedelta(days=int(rng.integers(0, month.days_in_month)))
                rows.append((partner_id, day.strftime("%Y-%m-%d"), kind, 1, "", pc))
        if only_zone:
            rows.append((partner_id, first, kind, only_zone, zone, ""))
    neither = int(np.sum(how == "neither"))
    if neither:
        rows.append((partner_id, first, kind, neither, "", ""))
    return rows


def make_log(rng, partners: pd.DataFrame, zones: pd.DataFrame, postcodes, new_hubs: pd.DataFrame) -> pd.DataFrame:
    imd = zones["IMD_score"].to_numpy()
    # the furthest first, not only them: a floor keeps some reach into low-need zones near partners
    need_pull = 0.3 + (imd / np.median(imd)) ** 1.5
    codes_all = zones["lsoa21_code"].to_numpy()
    rows: list[tuple] = []
    for p in partners.itertuples():
        near, w = resident_weights(p, zones, need_pull)
        codes = codes_all[near]
        rate = RATES[p.type]
        for m, month in enumerate(MONTHS):
            if m < p.start:
                continue
            ramp = p.pace * min(1.0, (m - p.start + 1) / 3.0)  # a few months to get going
            first = month.strftime("%Y-%m-%d")
            people = int(rng.poisson(rate["people"] * ramp))
            rows += resident_rows(rng, p.partner_id, month, "Person helped", people, codes, w, postcodes)
            devices = int(rng.poisson(rate["devices"] * ramp))
            rows += resident_rows(rng, p.partner_id, month, "Device lent", devices, codes, w, postcodes)
            trained = int(rng.poisson(rate["champions"] * ramp))
            if trained:
                rows.append((p.partner_id, first, "Champion trained", trained, "", ""))
            if people or devices or ramp >= 0.2:
                sessions = 1 + int(rng.poisson(rate["sessions"] * ramp))
                rows.append((p.partner_id, first, "Session", sessions, "", ""))

    # The plan's first new hubs open in the year: hub wave 1 in the summer and autumn, one of
    # hub wave 2 at the year's end.
    opening = ["2025-07-14", "2025-10-06", "2026-03-16"]
    for (site, _wave), day in zip(new_hubs[["site_id", "wave"]].itertuples(index=False), opening):
        rows.append((site, day, "Hub opened", 1, "", ""))

    # Rows a data-quality report must catch (listed in the module docstring).
    pilot = partners[partners["wave"] == 0]["partner_id"].tolist()
    rows += [
        ("Beeston Libary", "2025-09-01", "Person helped", 7, "", ""),  # not a partner (a typo)
        (pilot[0], "2025-03-31", "Session", 3, "", ""),  # the day before the year
        (pilot[1], "2025-08-01", "Newsletter sent", 1, "", ""),  # not a kind the log knows
        (pilot[2], "2025-11-01", "Person helped", 2, "E01010568", ""),  # Bradford 016A, not Leeds
        (pilot[3], "2026-02-01", "Session", None, "", ""),  # count left blank
        (pilot[0], "2025-06-12", "Person helped", 1, "", "LS11 8L"),  # not shaped like a postcode
        (pilot[1], "2025-12-03", "Device lent", 1, "", "LS99 9ZZ"),  # well formed, not in the directory
    ]
    log = pd.DataFrame(rows, columns=COLUMNS)
    log["count"] = log["count"].astype("Int64")
    order = ["date", "partner_id", "kind", "resident_zone", "resident_postcode", "count"]
    return log.sort_values(order, kind="mergesort").reset_index(drop=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--out", type=Path, default=REPO / "examples" / "leeds_activity.csv", help="output CSV (default: %(default)s)"
    )
    args = ap.parse_args(argv)

    data = shared_data()
    plan = run_plan(data)
    partners = partner_schedule(plan)
    zones = leeds_zones(data)
    postcodes = postcodes_by_zone(data, zones)
    sites = plan["sites"]
    new_hubs = sites[sites["status"] == "new hub"].sort_values(["wave", "site_id"], kind="mergesort")

    log = make_log(np.random.default_rng(SEED), partners, zones, postcodes, new_hubs)
    log.to_csv(args.out, index=False, lineterminator="\n")

    print(f"SYNTHETIC Leeds activity log written to {args.out}: {len(log)} rows")
    print(log.groupby("kind")["count"].agg(rows="size", total="sum").to_string())


if __name__ == "__main__":
    main()
