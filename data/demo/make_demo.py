#!/usr/bin/env python3
"""Generate the embedded demo data for furthest: "Furthton", a SYNTHETIC town.

Furthton is not a real place. Every boundary, name, score and organisation in
this folder is invented by this script from a fixed random seed, so that the
quick start, the notebooks and ``furthest demo`` have something small, open
and realistic-looking to run on. Nothing here describes real people or places.

The town sits in British National Grid coordinates (EPSG:27700) around
x=430000, y=433000 and is about 12 km x 10 km. The script writes:

* ``zones.gpkg`` (layer ``zones``): ~300 LSOA-like small areas, a Voronoi
  tessellation of random seed points (denser in the centre) clipped to an
  irregular town outline. The zones tile the outline exactly (shared edges,
  no gaps, no overlaps). Columns ``zone_code``, ``zone_name``. EPSG:27700.
* ``areas.geojson``: 6 Local Care Partnerships, a second Voronoi tessellation
  clipped to the same outline that does not nest with the zones. EPSG:4326
  (RFC 7946). Columns ``lcp_code``, ``lcp_name``.
* ``indicators.csv``: one row per zone: ``zone_code``, ``imd_score``,
  ``digital_propensity``, ``pct_65plus``, ``population``.
* ``partners.csv``: ~25 partner organisations (points inside the town):
  ``partner_id``, ``name``, ``type``, ``champions``, ``devices``, ``lon``,
  ``lat`` (EPSG:4326).
* ``activity.csv``: a SYNTHETIC activity log of a digital-inclusion programme
  over the year 2025-04-01 to 2026-03-31, as the ``[monitoring]`` stage reads
  it: ``partner_id``, ``date``, ``kind`` (``Person helped``, ``Device lent``,
  ``Champion trained``, ``Session``, ``Hub opened``), ``count``,
  ``resident_zone``. People helped and devices lent are monthly rows per
  partner and resident zone (dated the 1st), residents drawn from zones within
  2 km of the partner, favouring higher ``imd_score``; the people a partner
  did not record a zone for are daily tallies with a blank zone (placed
  through the partner's catchment). Champions trained and sessions are
  monthly rows per partner; three ``Hub opened`` rows mark new hubs. The LCPs
  start in order of need, two a quarter, each partner ramping up over four
  months; Hollin Vale (high need, wave 1 of the demo plan) lags, so monitoring
  has a "behind plan" case. Five rows are deliberately wrong, for the
  data-quality report: a partner not in ``partners.csv`` (``P026``), a date
  after the year (``2026-04-01``), an unknown kind (``Newsletter sent``), a
  zone not in the town (``FZ00371``) and a blank ``count``. The log comes
  from its own random stream (``SEED + 1``), drawn after everything else, so
  the other files do not depend on it.

``demo.toml`` (the run config) and ``README.md`` are maintained by hand beside
this script; the script does not touch them.

Usage (from the repository root)::

    python data/demo/make_demo.py              # writes into data/demo/
    python data/demo/make_demo.py --out DIR    # writes into DIR

Output is deterministic: the same script gives the same data (coordinates are
rounded to 0.1 m in EPSG:27700; lon/lat to 6 dp for points and 7 dp for
polygons; GeoPackage timestamps are pinned).

Requires numpy, pandas, shapely>=2, pyproj, geopandas and pyogrio.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point, Polygon

SEED = 20250611
CRS_BNG = "EPSG:27700"
CRS_LONLAT = "EPSG:4326"
GRID = 0.1  # metres: every EPSG:27700 vertex lies on this grid
LCP_MARGIN_M = 5.0  # metres the LCP outline runs beyond the town outline
CX, CY = 430000.0, 433000.0  # town centre (British National Grid)
HALF_W, HALF_H = 6000.0, 5000.0  # half extent of the outline's bounding box
N_ZONES = 300

# Fixed BNG -> WGS84 transformation (OSGB36 to WGS 84 (6), EPSG:1314, the
# 7-parameter Helmert PROJ uses when the OSTN15 grid is not installed), spelt
# out so that lon/lat do not depend on which PROJ grids a machine happens to have.
BNG_TO_WGS84 = (
    "proj=pipeline "
    "step inv proj=tmerc lat_0=49 lon_0=-2 k=0.9996012717 x_0=400000 y_0=-100000 ellps=airy "
    "step proj=push v_3 step proj=cart ellps=airy "
    "step proj=helmert x=446.448 y=-125.157 z=542.06 rx=0.15 ry=0.247 rz=0.842 "
    "s=-20.489 convention=position_vector "
    "step inv proj=cart ellps=WGS84 step proj=pop v_3 "
    "step proj=unitconvert xy_in=rad xy_out=deg"
)

# Local Care Partnerships: code, name, seed offset from the centre (m), partners.
# The seeds are deliberately not aligned with the zones' seeds, so LCPs and
# zones do not nest. Hollin Vale (a deprived outer estate) and Westholme get
# few partners: they are where the demo's "gap" should show.
LCPS = [
    ("LCP01", "Furthton Central LCP", (-250.0, 350.0), 8),
    ("LCP02", "Furthton North LCP", (900.0, 3500.0), 5),
    ("LCP03", "Eastmoor LCP", (3700.0, 200.0), 5),
    ("LCP04", "Southbank LCP", (700.0, -3300.0), 4),
    ("LCP05", "Westholme LCP", (-3900.0, -1500.0), 2),
    ("LCP06", "Hollin Vale LCP", (-3500.0, 2500.0), 1),
]

# Invented neighbourhood names, used for zone and partner names.
NEIGHBOURHOODS = [
    "Furthton Centre",
    "Millbeck",
    "Oakgate",
    "Kirkley",
    "Ashby Moor",
    "Brackenfield",
    "Cawthorne Park",
    "Daleside",
    "Elmsworth",
    "Fernley",
    "Greystones",
    "Harrowby",
    "Lowfold",
    "Marsh End",
    "Netherby",
    "Priory Fields",
    "Redmire Green",
    "Stonegate",
    "Underwood Rise",
    "Wrenfield",
    "Tanner's Row",
    "Bramblegate",
]

# Deprivation "poles" (offsets from the centre, metres): an inner-east
# terraced area and an outer north-west estate (inside Hollin Vale LCP).
DEPRIVED_POLES = [((1800.0, -900.0), 55.0, 1500.0), ((-3700.0, 2500.0), 50.0, 1200.0)]

PARTNER_TYPES = ["library", "gp_practice", "community_centre", "digital_health_hub"]
PARTNER_COLUMNS = ["partner_id", "name", "type", "champions", "devices", "lon", "lat"]


# --------------------------------------------------------------------------- geometry


def snap(values):
    """Round coordinates to the 0.1 m grid."""
    return np.round(np.asarray(values, dtype=float) / GRID) * GRID


def make_outline(rng: np.random.Generator) -> Polygon:
    """An irregular, star-shaped town outline about 12 km x 10 km."""
    n = 120
    theta = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for k, amp in [(2, 0.10), (3, 0.09), (4, 0.06), (5, 0.045), (7, 0.03), (11, 0.015)]:
        r += amp * np.cos(k * theta + rng.uniform(0.0, 2.0 * np.pi))
    r *= 1.0 + rng.normal(0.0, 0.006, n)  # a little roughness, like a real boundary
    x = r * np.cos(theta)
    y = r * np.sin(theta)
    # scale to the wanted bounding box
    x = CX + (x - (x.max() + x.min()) / 2.0) * (2.0 * HALF_W / (x.max() - x.min()))
    y = CY + (y - (y.max() + y.min()) / 2.0) * (2.0 * HALF_H / (y.max() - y.min()))
    poly = Polygon(np.column_stack([snap(x), snap(y)]))
    poly = shapely.orient_polygons(poly) if hasattr(shapely, "orient_polygons") else shapely.geometry.polygon.orient(poly)
    assert poly.is_valid
    return poly


def sample_inside(rng, poly, n, min_dist, sampler, existing=()):
    """Draw n points inside poly with sampler(rng), at least min_dist apart."""
    pts = [np.asarray(p, dtype=float) for p in existing]
    out = []
    shapely.prepare(poly)
    tries = 0
    while len(out) < n:
        tries += 1
        if tries > 200000:
            raise RuntimeError("could not place points; relax min_dist")
        p = sampler(rng)
        if not poly.contains(Point(p)):
            continue
        if pts and np.min(np.hypot(*(np.array(pts) - p).T)) < min_dist:
            continue
        pts.append(p)
        out.append(p)
    return np.array(out)


def tessellate(seeds: np.ndarray, outline: Polygon) -> list:
    """Voronoi cells of `seeds` clipped to `outline`, one polygon per seed.

    Cells are built from one noded line network (cell edges + outline),
    snap-rounded to the 0.1 m grid and polygonized, so neighbouring cells share
    identical edges and the cells tile the outline exactly. A cell that the
    outline cuts into several pieces keeps its largest piece; the other pieces
    join the neighbour they share most boundary with.
    """
    extent = outline.envelope.buffer(5000.0)
    cells = shapely.get_parts(shapely.voronoi_polygons(MultiPoint(seeds), extend_to=extent))
    lines = shapely.union_all(list(shapely.boundary(cells)) + [outline.exterior], grid_size=GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    shapely.prepare(outline)
    reps = shapely.point_on_surface(faces)
    keep = shapely.contains(outline, reps)
    faces, reps = faces[keep], reps[keep]
    # each face lies in one Voronoi cell: the cell of its nearest seed
    rxy = shapely.get_coordinates(reps)
    owner = np.argmin(
        (rxy[:, None, 0] - seeds[None, :, 0]) ** 2 + (rxy[:, None, 1] - seeds[None, :, 1]) ** 2,
        axis=1,
    )
    groups = [shapely.union_all(faces[owner == i], grid_size=GRID) for i in range(len(seeds))]
    if any(g.is_empty for g in groups):
        raise RuntimeError("a seed has no cell inside the outline")

    # move detached pieces to the neighbour sharing most boundary
    for _ in range(10):
        moved = False
        for i, g in enumerate(groups):
            if g.geom_type == "Polygon":
                continue
            parts = sorted(shapely.get_parts(g), key=lambda p: -p.area)
            groups[i] = parts[0]
            for piece in parts[1:]:
                shared = [
                    (shapely.length(shapely.intersection(piece.boundary, h.boundary)), j)
                    for j, h in enumerate(groups)
                    if j != i and piece.touches(h)
                ]
                j = max(shared)[1]
                groups[j] = shapely.union(groups[j], piece, grid_size=GRID)
                moved = True
        if not moved:
            break
    for g in groups:
        assert g.geom_type == "Polygon" and g.is_valid, g.geom_type
    return groups


# --------------------------------------------------------------------------- data


def smooth_field(rng, x, y, n_waves=6, wavelength=(2500.0, 7000.0)):
    """A smooth random field (sum of plane waves), zero mean, unit-ish scale."""
    f = np.zeros_like(x)
    for _ in range(n_waves):
        ang = rng.uniform(0.0, np.pi)
        lam = rng.uniform(*wavelength)
        ph = rng.uniform(0.0, 2.0 * np.pi)
        f += np.cos(2.0 * np.pi * ((x - CX) * np.cos(ang) + (y - CY) * np.sin(ang)) / lam + ph)
    return f / math.sqrt(n_waves / 2.0)


def make_indicators(rng, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    pts = shapely.get_coordinates(shapely.point_on_surface(zones.geometry.values))
    x, y = pts[:, 0], pts[:, 1]
    n = len(zones)

    imd = 9.0 + 5.0 * smooth_field(rng, x, y) + rng.normal(0.0, 5.0, n)
    for (dx, dy), peak, sigma in DEPRIVED_POLES:
        d2 = (x - CX - dx) ** 2 + (y - CY - dy) ** 2
        imd += peak * np.exp(-d2 / (2.0 * sigma**2))
    imd = np.clip(imd, 1.5, 79.5)

    # older populations towards the edge of town, younger in the centre
    edge = np.hypot((x - CX) / HALF_W, (y - CY) / HALF_H)
    pct65 = 9.0 + 17.0 * edge + 2.5 * smooth_field(rng, x, y) + rng.normal(0.0, 2.5, n)
    pct65 = np.clip(pct65, 5.0, 35.0)

    # digitally engaged = lower need: falls with deprivation and with age
    dp = 8.6 - 0.085 * imd - 0.09 * (pct65 - 15.0) + rng.normal(0.0, 0.6, n)
    dp = np.clip(dp, 0.0, 10.0)

    pop = rng.integers(1200, 2001, n)
    return pd.DataFrame(
        {
            "zone_code": zones["zone_code"].to_numpy(),
            "imd_score": np.round(imd, 3),
            "digital_propensity": np.round(dp, 2),
            "pct_65plus": np.round(pct65, 1),
            "population": pop.astype(int),
        }
    )


def nearest_name(points: np.ndarray, hoods: np.ndarray) -> np.ndarray:
    d = (points[:, None, 0] - hoods[None, :, 0]) ** 2 + (points[:, None, 1] - hoods[None, :, 1]) ** 2
    return np.argmin(d, axis=1)


def make_partners(rng, outline, areas_bng, hood_xy, to_lonlat) -> pd.DataFrame:
    inner = outline.buffer(-150.0)
    rows = []
    placed = []
    n_total = sum(n for *_, n in LCPS)
    mix = {"library": 6, "gp_practice": 7, "digital_health_hub": 4}
    mix["community_centre"] = n_total - sum(mix.values())
    types = list(rng.permutation([t for t in PARTNER_TYPES for _ in range(mix[t])]))
    gp_suffix = ["Medical Practice", "Surgery", "Health Centre", "Family Practice"]
    cc_suffix = ["Community Centre", "Community Hub", "Neighbourhood Centre", "Methodist Hall"]
    used_names = set()
    for (code, _name, _off, n_partners), area in zip(LCPS, areas_bng):
        region = shapely.intersection(area.buffer(-100.0), inner)
        minx, miny, maxx, maxy = region.bounds
        pts = sample_inside(
            rng,
            region,
            n_partners,
            400.0,
            lambda r: np.array([r.uniform(minx, maxx), r.uniform(miny, maxy)]),
            existing=placed,
        )
        placed.extend(pts)
        for p in pts:
            t = str(types.pop(0))
            hood = NEIGHBOURHOODS[nearest_name(p[None, :], hood_xy)[0]]
            for k in range(20):
                if t == "library":
                    nm = f"{hood} Library" if k == 0 else f"{hood} Library ({['Branch', 'Mobile', 'Annexe'][k % 3]})"
                elif t == "gp_practice":
                    nm = f"{hood} {gp_suffix[(k + rng.integers(4)) % 4]}"
                elif t == "community_centre":
                    nm = f"{hood} {cc_suffix[(k + rng.integers(4)) % 4]}"
                else:
                    nm = f"{hood} Digital Health Hub" if k == 0 else f"Digital Health Hub @ {hood} ({k + 1})"
                if nm not in used_names:
                    break
            used_names.add(nm)
            champions = {
                "library": rng.integers(2, 7),
                "gp_practice": rng.integers(0, 4),
                "community_centre": rng.integers(1, 6),
                "digital_health_hub": rng.integers(4, 11),
            }[t]
            devices = {
                "library": rng.integers(5, 21),
                "gp_practice": rng.integers(0, 6),
                "community_centre": rng.integers(2, 13),
                "digital_health_hub": rng.integers(15, 41),
            }[t]
            rows.append((nm, t, int(champions), int(devices), p[0], p[1], code))
    df = pd.DataFrame(rows, columns=["name", "type", "champions", "devices", "x", "y", "lcp"])
    # stable id order: north to south, then west to east
    df = df.sort_values(["y", "x"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    lon, lat = to_lonlat.transform(df["x"].to_numpy(), df["y"].to_numpy())
    df.insert(0, "partner_id", [f"P{i + 1:03d}" for i in range(len(df))])
    df["lon"] = np.round(lon, 6)
    df["lat"] = np.round(lat, 6)
    return df  # partners.csv keeps PARTNER_COLUMNS; x, y and lcp feed the activity log


# --------------------------------------------------------------------------- activity log

PERIOD_START = "2025-04-01"  # the programme year, reported by quarter
MONTHS = pd.date_range(PERIOD_START, periods=12, freq="MS")
REACH_M = 2000.0  # residents come from zones within this distance of the partner
REACH_SIGMA_M = 900.0  # ... their pull fading (Gaussian) with distance
# Hollin Vale: high need and wave 1 of the demo plan, but its one partner struggles to recruit,
# so its log is thin and starts late (the monitoring's "behind plan" case).
LAGGING_LCP = "LCP06"
# People helped per month by a partner in full swing, by type; devices lent per month per device
# held; champions trained per month; sessions per month beyond the first.
PEOPLE_PER_MONTH = {"digital_health_hub": 68.0, "library": 40.0, "community_centre": 30.0, "gp_practice": 18.0}
DEVICE_TURNOVER = 0.19
CHAMPIONS_PER_MONTH = {"digital_health_hub": 0.9, "library": 0.5, "community_centre": 0.45, "gp_practice": 0.25}
EXTRA_SESSIONS = {"digital_health_hub": 7.0, "library": 4.0, "community_centre": 3.0, "gp_practice": 1.0}
ACTIVITY_COLUMNS = ["partner_id", "date", "kind", "count", "resident_zone"]


def lcp_start_months(zones, indicators, areas_bng) -> dict[str, tuple[int, float]]:
    """Each LCP's first active month (0 = April 2025) and its intensity.

    The LCPs start in order of need (their residents' mean IMD score), two a quarter, except the
    lagging one, which starts in November at a sixth of the pace."""
    reps = gpd.GeoDataFrame(
        indicators[["zone_code", "imd_score", "population"]],
        geometry=shapely.point_on_surface(zones.geometry.values),
        crs=CRS_BNG,
    )
    joined = gpd.sjoin(reps, areas_bng[["lcp_code", "geometry"]], predicate="within")
    joined["weighted"] = joined["imd_score"] * joined["population"]
    sums = joined.groupby("lcp_code")[["weighted", "population"]].sum()
    need = sums["weighted"] / sums["population"]
    order = [c for c in need.sort_values(ascending=False, kind="mergesort").index if c != LAGGING_LCP]
    starts = {code: (3 * (i // 2), 1.0) for i, code in enumerate(order)}
    starts[LAGGING_LCP] = (7, 0.17)
    return starts


def resident_rows(rng, partner_id, month, kind, n, zone_codes, weights, blank_share) -> list[tuple]:
    """Split n people among resident zones: one row a month per zone. The people whose zone the
    partner did not write down are tallied by day (a drop-in sheet without addresses), with a
    blank zone, to be placed through the partner's catchment."""
    if n == 0:
        return []
    unknown = rng.binomial(n, blank_share)
    days = rng.integers(0, month.days_in_month, unknown)
    rows = [
        (partner_id, (month + pd.Timedelta(days=int(d))).strftime("%Y-%m-%d"), kind, int(c), "")
        for d, c in zip(*np.unique(days, return_counts=True))
    ]
    counts = rng.multinomial(n - unknown, weights)
    first = month.strftime("%Y-%m-%d")
    rows.extend((partner_id, first, kind, int(c), z) for z, c in zip(zone_codes, counts) if c)
    return rows


def make_activity(rng, zones, indicators, partners, areas_bng) -> pd.DataFrame:
    """A year of a digital-inclusion programme's activity log (see the module docstring)."""
    starts = lcp_start_months(zones, indicators, areas_bng)
    reps = shapely.get_coordinates(shapely.point_on_surface(zones.geometry.values))
    imd = indicators["imd_score"].to_numpy()
    # the programme reaches the furthest first, but not only them: a floor keeps some reach
    # into low-need zones near busy partners
    need_pull = 0.3 + (imd / np.median(imd)) ** 1.5
    codes = zones["zone_code"].to_numpy()

    rows = []
    for p in partners.itertuples():
        d = np.hypot(reps[:, 0] - p.x, reps[:, 1] - p.y)
        near = d <= REACH_M
        w = np.exp(-(d[near] ** 2) / (2.0 * REACH_SIGMA_M**2)) * need_pull[near]
        w = w / w.sum()
        start, pace = starts[p.lcp]
        # how much of the partner's residents' zones it writes down: most record nearly all,
        # a few hardly any
        blank_share = float(rng.choice([0.04, 0.08, 0.15, 0.6], p=[0.4, 0.3, 0.2, 0.1]))
        busy = 0.7 + 0.1 * p.champions
        for m, month in enumerate(MONTHS):
            if m < start:
                continue
            ramp = pace * min(1.0, (m - start + 1) / 4.0)  # a partner takes a few months to get going
            people = rng.poisson(PEOPLE_PER_MONTH[p.type] * busy * ramp)
            rows += resident_rows(rng, p.partner_id, month, "Person helped", people, codes[near], w, blank_share)
            devices = rng.poisson(DEVICE_TURNOVER * p.devices * ramp)
            rows += resident_rows(rng, p.partner_id, month, "Device lent", devices, codes[near], w, blank_share)
            day = month.strftime("%Y-%m-%d")
            trained = rng.poisson(CHAMPIONS_PER_MONTH[p.type] * ramp)
            if trained:
                rows.append((p.partner_id, day, "Champion trained", int(trained), ""))
            sessions = 1 + rng.poisson(EXTRA_SESSIONS[p.type] * ramp)
            rows.append((p.partner_id, day, "Session", int(sessions), ""))

    # New Digital Health Hubs at three partners (not already a hub) of the first LCPs to start
    first = partners[partners["lcp"].map(lambda c: starts[c][0] == 0) & (partners["type"] != "digital_health_hub")]
    for (pid, _), day in zip(
        first.sort_values("champions", ascending=False, kind="mergesort")[["partner_id", "lcp"]].itertuples(index=False),
        ["2025-05-19", "2025-09-08", "2026-01-26"],
    ):
        rows.append((pid, day, "Hub opened", 1, ""))

    # Rows a data-quality report must catch (listed in README.md).
    last_partner = partners["partner_id"].iloc[-1]
    n_partners = len(partners)
    rows += [
        (f"P{n_partners + 1:03d}", "2025-10-01", "Person helped", 12, ""),  # a partner not in partners.csv
        (last_partner, "2026-04-01", "Session", 6, ""),  # after the programme year
        (partners["partner_id"].iloc[0], "2025-06-01", "Newsletter sent", 1, ""),  # not a kind the log knows
        (partners["partner_id"].iloc[1], "2025-11-01", "Person helped", 3, f"FZ{len(zones) + 71:05d}"),  # no such zone
        (partners["partner_id"].iloc[2], "2025-12-01", "Session", None, ""),  # count left blank
    ]
    log = pd.DataFrame(rows, columns=ACTIVITY_COLUMNS)
    log["count"] = log["count"].astype("Int64")
    return log.sort_values(["date", "partner_id", "kind", "resident_zone"], kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------- main


def build(out: Path) -> None:
    rng = np.random.default_rng(SEED)
    to_lonlat = Transformer.from_pipeline(BNG_TO_WGS84)

    outline = make_outline(rng)
    minx, miny, maxx, maxy = outline.bounds

    # zone seeds: a dense centre plus a uniform scatter
    centre = np.array([CX - 400.0, CY + 250.0])
    n_centre = int(0.4 * N_ZONES)
    dense = sample_inside(rng, outline, n_centre, 180.0, lambda r: r.normal(centre, 1300.0))
    sparse = sample_inside(
        rng,
        outline,
        N_ZONES - n_centre,
        300.0,
        lambda r: np.array([r.uniform(minx, maxx), r.uniform(miny, maxy)]),
        existing=dense,
    )
    zone_polys = tessellate(np.vstack([dense, sparse]), outline)

    # zone codes north to south, then west to east (like ONS numbering)
    rp = shapely.get_coordinates(shapely.point_on_surface(zone_polys))
    order = np.lexsort((rp[:, 0], -np.round(rp[:, 1], -2)))
    zone_polys = [zone_polys[i] for i in order]
    rp = rp[order]

    # zone names: nearest invented neighbourhood + a number
    hood_xy = np.vstack(
        [
            [CX, CY],
            sample_inside(
                rng,
                outline.buffer(-600.0),
                len(NEIGHBOURHOODS) - 1,
                1400.0,
                lambda r: np.array([r.uniform(minx, maxx), r.uniform(miny, maxy)]),
                existing=[[CX, CY]],
            ),
        ]
    )
    hood_of = nearest_name(rp, hood_xy)
    counters: dict[int, int] = {}
    names = []
    for h in hood_of:
        counters[h] = counters.get(h, 0) + 1
        names.append(f"{NEIGHBOURHOODS[h]} {counters[h]}")
    zones = gpd.GeoDataFrame(
        {
            "zone_code": [f"FZ{i + 1:05d}" for i in range(len(zone_polys))],
            "zone_name": names,
        },
        geometry=zone_polys,
        crs=CRS_BNG,
    )

    # The town outline as the zones draw it (snap rounding put the zones'
    # corners on the outline onto the 0.1 m grid); the LCPs are clipped to it.
    outline = shapely.union_all(zone_polys, grid_size=GRID)
    assert outline.geom_type == "Polygon" and not outline.interiors

    # Local Care Partnerships
    lcp_seeds = np.array([[CX + dx, CY + dy] for _, _, (dx, dy), _ in LCPS])
    # LCP boundaries are drawn independently of the zones, as real ones are: they run a few
    # metres beyond the town's edge, so the round trip through lon/lat (7 dp, ~1 cm) never
    # opens slivers between the outermost zones and the LCPs.
    area_polys = tessellate(lcp_seeds, outline.buffer(LCP_MARGIN_M, join_style="mitre"))
    areas_bng = gpd.GeoDataFrame(
        {"lcp_code": [c for c, *_ in LCPS], "lcp_name": [n for _, n, *_ in LCPS]},
        geometry=area_polys,
        crs=CRS_BNG,
    )
    areas = areas_bng.copy()
    areas["geometry"] = shapely.transform(
        areas_bng.geometry.values,
        lambda xy: np.column_stack(to_lonlat.transform(xy[:, 0], xy[:, 1])),
    )
    areas = areas.set_crs(CRS_LONLAT, allow_override=True)

    indicators = make_indicators(rng, zones)
    partners_full = make_partners(rng, outline, area_polys, hood_xy, to_lonlat)
    partners = partners_full[PARTNER_COLUMNS]

    # The activity log draws from its own stream, made after everything else, so that adding it
    # left every other file byte-identical.
    activity = make_activity(np.random.default_rng(SEED + 1), zones, indicators, partners_full, areas_bng)

    # ------------------------------------------------------------------ write
    out.mkdir(parents=True, exist_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2025-01-01T00:00:00.000Z"})

    zpath = out / "zones.gpkg"
    if zpath.exists():
        zpath.unlink()
    pyogrio.write_dataframe(
        zones,
        zpath,
        layer="zones",
        driver="GPKG",
        layer_options={
            "IDENTIFIER": "Furthton zones (SYNTHETIC demo data, not a real place)",
            "DESCRIPTION": "Synthetic LSOA-like zones of the invented town of Furthton, generated by data/demo/make_demo.py",
        },
    )

    apath = out / "areas.geojson"
    if apath.exists():
        apath.unlink()
    pyogrio.write_dataframe(
        areas,
        apath,
        layer="furthton_synthetic_local_care_partnerships",
        driver="GeoJSON",
        layer_options={
            "RFC7946": "YES",
            "COORDINATE_PRECISION": "7",
            "DESCRIPTION": "SYNTHETIC Local Care Partnerships of the invented town of "
            "Furthton (not a real place), generated by data/demo/make_demo.py",
        },
    )

    indicators.to_csv(out / "indicators.csv", index=False, lineterminator="\n")
    partners.to_csv(out / "partners.csv", index=False, lineterminator="\n")
    activity.to_csv(out / "activity.csv", index=False, lineterminator="\n")

    print(f"Furthton (synthetic) written to {out}:")
    print(f"  zones.gpkg      {len(zones)} zones, outline area {outline.area / 1e6:.2f} km2")
    print(f"  areas.geojson   {len(areas)} Local Care Partnerships")
    print(f"  indicators.csv  {len(indicators)} rows")
    print(f"  partners.csv    {len(partners)} partners")
    print(f"  activity.csv    {len(activity)} rows: " + ", ".join(f"{k} {n}" for k, n in activity["kind"].value_counts().items()))


def main(argv=None) -> None:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=here, help="output folder (default: %(default)s)")
    args = ap.parse_args(argv)
    build(args.out)


if __name__ == "__main__":
    main()
