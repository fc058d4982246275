"""Properties that must hold for any input, checked on inputs hypothesis makes up.

- Ranks do not depend on the order of the rows in the zones layer or the indicator table.
- A zone's score never falls when one of its "higher is more need" values rises, and never
  rises when a "lower is more need" value rises. (With z-scores this holds although the
  mean and spread move too: dz_k/dx_k = (1 - 1/n - z_k^2/(n-1)) / s >= 0, since
  z_k^2 <= (n-1)^2/n for a sample standard deviation.)
- The overlay crosswalk conserves totals: each zone's shares add up to the part of it that
  lies in the areas (1 when wholly covered), and each share is the exact area fraction.
- Every spelling of a postcode (case, spaces, no-break spaces) has the same standard form,
  and the standard form is its own.

Runs go through furthest.validate (the whole computation, nothing written) on small
GeoPackages and CSVs in a temporary folder; hypothesis keeps to 25 examples per property.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import furthest

ORIGIN = (400000.0, 400000.0)  # British National Grid metres, so the CRS is plausible
SIDE = 100.0
COLUMNS, ROWS = 5, 4
N_ZONES = COLUMNS * ROWS
CODES = [f"Z{k:02d}" for k in range(N_ZONES)]

PROPERTY_SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

values = st.lists(
    st.floats(min_value=-1000, max_value=1000, allow_nan=False, allow_subnormal=False)
    | st.integers(min_value=0, max_value=5).map(float),
    min_size=N_ZONES,
    max_size=N_ZONES,
)


def grid_zones() -> gpd.GeoDataFrame:
    boxes = [
        shapely.box(ORIGIN[0] + c * SIDE, ORIGIN[1] + r * SIDE, ORIGIN[0] + (c + 1) * SIDE, ORIGIN[1] + (r + 1) * SIDE)
        for r in range(ROWS)
        for c in range(COLUMNS)
    ]
    return gpd.GeoDataFrame({"code": CODES}, geometry=boxes, crs=27700)


def two_areas() -> gpd.GeoDataFrame:
    half = ORIGIN[0] + COLUMNS * SIDE / 2
    top = ORIGIN[1] + ROWS * SIDE
    return gpd.GeoDataFrame(
        {"area": ["W", "E"]},
        geometry=[shapely.box(ORIGIN[0], ORIGIN[1], half, top), shapely.box(half, ORIGIN[1], ORIGIN[0] + COLUMNS * SIDE, top)],
        crs=27700,
    )


def config(zones: Path, areas: Path, table: Path, directions: dict[str, str]) -> dict:
    return {
        "run": {"crs": "EPSG:27700", "threads": 1},
        "zones": {"path": str(zones), "id": "code"},
        "areas": {"path": str(areas), "id": "area"},
        "indicators": [
            {"path": str(table), "key": "code", "column": column, "direction": direction}
            for column, direction in directions.items()
        ],
        "output": {"path": str(zones.parent / "unused.gpkg")},
    }


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("properties")
    grid_zones().to_file(root / "zones.gpkg", layer="zones")
    two_areas().to_file(root / "areas.gpkg", layer="areas")
    return root


def scratch(folder: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=folder))


def write_table(path: Path, frame: pd.DataFrame) -> Path:
    # pandas writes floats in their shortest round-trip form, so the engine reads what was drawn.
    frame.to_csv(path, index=False)
    return path


DIRECTIONS = {"need": "higher_is_more_need", "access": "lower_is_more_need"}


# --------------------------------------------------------------------------------------------
# Ranks do not depend on row order
# --------------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(need=values, access=values, zone_order=st.permutations(range(N_ZONES)), table_order=st.permutations(range(N_ZONES)))
def test_ranks_do_not_depend_on_row_order(folder: Path, need, access, zone_order, table_order) -> None:
    here = scratch(folder)
    table = pd.DataFrame({"code": CODES, "need": need, "access": access})
    write_table(here / "table.csv", table)
    base = furthest.validate(config(folder / "zones.gpkg", folder / "areas.gpkg", here / "table.csv", DIRECTIONS)).zones

    grid_zones().iloc[list(zone_order)].to_file(here / "zones.gpkg", layer="zones")
    write_table(here / "shuffled.csv", table.iloc[list(table_order)])
    shuffled = furthest.validate(config(here / "zones.gpkg", folder / "areas.gpkg", here / "shuffled.csv", DIRECTIONS)).zones
    assert list(shuffled["code"]) == [CODES[k] for k in zone_order]  # rows stay in the layer's order

    base, shuffled = base.set_index("code"), shuffled.set_index("code").loc[CODES]
    np.testing.assert_allclose(shuffled["score"], base["score"], rtol=0, atol=1e-12)
    # Scores that are equal in exact arithmetic may differ in the last bit once the sums run in
    # another order; only ranks among such near-ties may swap.
    score = base["score"].to_numpy()
    near_tie = (np.abs(score[:, None] - score[None, :]) < 1e-9).sum(axis=1) > 1
    differ = base["rank"].to_numpy() != shuffled["rank"].to_numpy()
    assert not (differ & ~near_tie).any(), base.index[differ & ~near_tie].tolist()
    assert (base["decile"].to_numpy()[~near_tie] == shuffled["decile"].to_numpy()[~near_tie]).all()


# --------------------------------------------------------------------------------------------
# Scores move with each indicator's direction
# --------------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(
    need=values,
    access=values,
    zone=st.integers(0, N_ZONES - 1),
    column=st.sampled_from(sorted(DIRECTIONS)),
    rise=st.floats(min_value=1e-3, max_value=1e4, allow_nan=False),
)
def test_scores_follow_each_indicators_direction(folder: Path, need, access, zone, column, rise) -> None:
    here = scratch(folder)
    table = pd.DataFrame({"code": CODES, "need": need, "access": access})
    before = furthest.validate(
        config(folder / "zones.gpkg", folder / "areas.gpkg", write_table(here / "before.csv", table), DIRECTIONS)
    ).zones
    table.loc[zone, column] += rise
    after = furthest.validate(
        config(folder / "zones.gpkg", folder / "areas.gpkg", write_table(here / "after.csv", table), DIRECTIONS)
    ).zones
    old, new = before["score"].iloc[zone], after["score"].iloc[zone]
    if DIRECTIONS[column] == "higher_is_more_need":
        assert new >= old - 1e-12, (old, new)
    else:
        assert new <= old + 1e-12, (old, new)


# --------------------------------------------------------------------------------------------
# The overlay crosswalk conserves totals
# --------------------------------------------------------------------------------------------

WIDTH, HEIGHT = 60, 40  # the region the areas tile, in metres from ORIGIN

cuts_x = st.lists(st.integers(1, WIDTH - 1), max_size=4, unique=True).map(sorted)
cuts_y = st.lists(st.integers(1, HEIGHT - 1), max_size=3, unique=True).map(sorted)


@st.composite
def rectangles(draw, n_min=2, n_max=8):
    """Integer rectangles around the region: most inside, some straddling its edge or outside."""
    out = []
    for _ in range(draw(st.integers(n_min, n_max))):
        x0 = draw(st.integers(-10, WIDTH + 5))
        y0 = draw(st.integers(-10, HEIGHT + 5))
        out.append((x0, y0, x0 + draw(st.integers(1, 30)), y0 + draw(st.integers(1, 30))))
    return out


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0) * max(h, 0)


@PROPERTY_SETTINGS
@given(xs=cuts_x, ys=cuts_y, zones=rectangles())
def test_overlay_shares_are_exact_area_fractions_and_conserve_totals(folder: Path, xs, ys, zones) -> None:
    here = scratch(folder)
    edges_x, edges_y = [0, *xs, WIDTH], [0, *ys, HEIGHT]
    areas = [(x0, y0, x1, y1) for x0, x1 in zip(edges_x, edges_x[1:]) for y0, y1 in zip(edges_y, edges_y[1:])]
    area_ids = [f"A{k}" for k in range(len(areas))]
    zone_ids = [f"Z{k}" for k in range(len(zones))]

    def layer(ids, boxes, column):
        geometry = [shapely.box(ORIGIN[0] + b[0], ORIGIN[1] + b[1], ORIGIN[0] + b[2], ORIGIN[1] + b[3]) for b in boxes]
        return gpd.GeoDataFrame({column: ids}, geometry=geometry, crs=27700)

    layer(zone_ids, zones, "code").to_file(here / "zones.gpkg", layer="zones")
    layer(area_ids, areas, "area").to_file(here / "areas.gpkg", layer="areas")
    write_table(here / "table.csv", pd.DataFrame({"code": zone_ids, "need": np.arange(len(zones), dtype=float)}))
    run_config = config(here / "zones.gpkg", here / "areas.gpkg", here / "table.csv", {"need": "higher_is_more_need"})
    region = (0, 0, WIDTH, HEIGHT)
    if all(overlap(box, region) == 0 for box in zones):
        # Areas that cover no zone at all are refused, not returned as an empty join.
        with pytest.raises(furthest.InputError, match="cover none of the"):
            furthest.validate(run_config)
        return
    result = furthest.validate(run_config)

    shares = result.zone_areas.set_index(["zone_id", "area_id"])["share"]
    population = np.arange(1, len(zones) + 1, dtype=float)  # any extensive count per zone
    moved = 0.0
    for zone_id, box, people in zip(zone_ids, zones, population):
        size = (box[2] - box[0]) * (box[3] - box[1])
        expected = {a: overlap(box, b) / size for a, b in zip(area_ids, areas) if overlap(box, b) > 0}
        got = shares[zone_id].to_dict() if zone_id in shares.index.get_level_values(0) else {}
        assert got.keys() == expected.keys(), (zone_id, got, expected)
        for a, share in expected.items():
            assert got[a] == pytest.approx(share, abs=1e-12), (zone_id, a)
        covered = overlap(box, region) / size
        assert sum(got.values()) == pytest.approx(covered, abs=1e-12)
        if covered == 1.0:
            assert sum(got.values()) == pytest.approx(1.0, abs=1e-12)
        moved += people * sum(got.values())
    # Moving the counts onto the areas keeps every person who lives inside them.
    inside = sum(p * overlap(b, region) / ((b[2] - b[0]) * (b[3] - b[1])) for b, p in zip(zones, population))
    assert moved == pytest.approx(inside, rel=1e-12)


# --- postcodes: every spelling of a postcode meets in one standard form -----------------------

UPPER, DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"
letter, digit = st.sampled_from(UPPER), st.sampled_from(DIGITS)
outward = st.one_of(  # A9, A99, AA9, AA99, A9A, AA9A
    st.tuples(letter, digit),
    st.tuples(letter, digit, digit),
    st.tuples(letter, letter, digit),
    st.tuples(letter, letter, digit, digit),
    st.tuples(letter, digit, letter),
    st.tuples(letter, letter, digit, letter),
).map("".join)
inward = st.tuples(digit, letter, letter).map("".join)
postcodes = st.tuples(outward, inward).map(" ".join)
blanks = st.text(alphabet=" \t\u00a0", max_size=3)


@PROPERTY_SETTINGS
@given(postcode=postcodes, data=st.data())
def test_postcode_spellings_meet_in_the_standard_form(postcode: str, data) -> None:
    assert furthest.normalise_postcode(postcode) == postcode
    out, inn = postcode.split(" ")
    lower = data.draw(st.lists(st.booleans(), min_size=len(postcode), max_size=len(postcode)))
    spelt = "".join(c.lower() if low else c for c, low in zip(out + inn, lower))
    typed = data.draw(blanks) + spelt[: len(out)] + data.draw(blanks) + spelt[len(out) :] + data.draw(blanks)
    assert furthest.normalise_postcode(typed) == postcode, repr(typed)


@PROPERTY_SETTINGS
@given(text=st.text(max_size=12))
def test_postcode_standard_form_is_a_fixed_point(text: str) -> None:
    standard = furthest.normalise_postcode(text)
    if standard is not None:
        assert furthest.normalise_postcode(standard) == standard
        assert standard.count(" ") == 1 and len(standard.split(" ")[1]) == 3
