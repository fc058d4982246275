"""No silent wrong numbers in geometry joins: a bow-tie polygon keeps its area and people (repaired
and reported), layers that do not meet are an error naming both and their CRS, and points that
mostly land nowhere because of a slip (x and y swapped, degrees declared as metres) are an error
naming the file, the count and the likely cause."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon, box

import furthest
from test_bad_input import Case, run_fails

BNG = "EPSG:27700"


@pytest.fixture
def case(tmp_path) -> Case:
    return Case(tmp_path)


def grid(n: int = 3, size: float = 1000.0, x0: float = 430000.0, y0: float = 433000.0) -> gpd.GeoDataFrame:
    cells = [box(x0 + i * size, y0 + j * size, x0 + (i + 1) * size, y0 + (j + 1) * size) for j in range(n) for i in range(n)]
    return gpd.GeoDataFrame({"code": [f"Z{k}" for k in range(len(cells))]}, geometry=cells, crs=BNG)


# -- (a) a self-intersecting source polygon --------------------------------------------------------


def test_bow_tie_source_keeps_its_area_and_people_and_is_reported() -> None:
    # Two triangles of equal area meeting at a point: their signed areas cancel, so an unrepaired
    # overlay would give this source no area at all (and its people to no target).
    x0, y0 = 430000.0, 433000.0
    bow = Polygon([(x0, y0), (x0 + 2000, y0 + 2000), (x0 + 2000, y0), (x0, y0 + 2000), (x0, y0)])
    sources = gpd.GeoDataFrame({"code": ["bow", "square"]}, geometry=[bow, box(x0, y0, x0 + 1000, y0 + 1000)], crs=BNG)
    targets = gpd.GeoDataFrame(
        {"ward": ["W", "E"]}, geometry=[box(x0, y0, x0 + 1000, y0 + 2000), box(x0 + 1000, y0, x0 + 2000, y0 + 2000)], crs=BNG
    )
    with pytest.warns(furthest.FurthestWarning, match=r"repaired with GEOS MakeValid.*sources 'bow' \(Self-intersection"):
        w = furthest.Crosswalk.overlay(sources, targets, source_id="code", target_id="ward")

    assert list(w.repairs["id"]) == ["bow"] and w.repairs["side"].iloc[0] == "sources"
    # Nothing of the bow-tie is lost: each lobe lies wholly in one ward, half the area each.
    assert w.uncovered["bow"] == pytest.approx(0.0, abs=1e-12)
    people = w.apply(pd.DataFrame({"people": [1000.0, 10.0]}, index=["bow", "square"]), extensive=["people"])
    assert people["people"].sum() == pytest.approx(1010.0)
    assert people.loc["W", "people"] == pytest.approx(500.0 + 10.0)
    assert people.loc["E", "people"] == pytest.approx(500.0)


def test_valid_overlay_reports_no_repairs() -> None:
    w = furthest.Crosswalk.overlay(grid(), grid(1, 3000.0), source_id="code", target_id="code")
    assert w.repairs.empty
    assert np.allclose(w.uncovered, 0.0)


def test_bow_tie_area_in_the_run_is_repaired_and_its_zones_covered(case: Case) -> None:
    areas = gpd.read_file(case.inputs / "areas.geojson")
    x0, y0, x1, y1 = areas.geometry[0].bounds
    # The first area redrawn as a bow-tie over its own box: repaired, reported, and its zones still covered.
    areas.loc[0, "geometry"] = Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    (case.inputs / "areas.geojson").unlink()
    areas.to_file(case.inputs / "areas.geojson", driver="GeoJSON")
    result = furthest.run(case.write_config())
    repaired = [w for w in result.warnings if w.code == "geometry_repaired"]
    assert repaired and "areas: '" in repaired[0] and areas.loc[0, "lcp_code"] in repaired[0].ids


# -- (b) an overlay whose layers do not meet ------------------------------------------------------


def test_overlay_of_layers_that_do_not_meet_names_both_and_their_crs() -> None:
    zones = grid()
    # Metres declared as degrees: to_crs sends them nowhere near the wards.
    wrong = gpd.GeoDataFrame(zones[["code"]], geometry=[box(-1.6, 53.7, -1.5, 53.8)] * len(zones), crs=BNG)
    with pytest.raises(furthest.InputError, match=r"sources .*declared EPSG:27700.* and targets .* do not meet.*CRS"):
        furthest.Crosswalk.overlay(wrong, zones, source_id="code", target_id="code")


def _declare_areas_crs(case: Case, crs: str) -> None:
    areas = gpd.read_file(case.inputs / "areas.geojson").to_crs(BNG).set_crs(crs, allow_override=True)
    (case.inputs / "areas.geojson").unlink()
    areas.to_file(case.inputs / "areas.geojson", driver="GeoJSON")


def test_run_with_areas_in_the_wrong_crs_names_both_files_and_crs(case: Case) -> None:
    # British National Grid metres declared as Web Mercator metres: they reproject, far from the zones.
    _declare_areas_crs(case, "EPSG:3857")
    error = run_fails(case, furthest.InputError, r"areas: '.*areas\.geojson' \(declared EPSG:3857; .*\) cover none of the")
    message = str(error)
    assert "zones.gpkg' (declared EPSG:27700" in message
    assert "CRS" in message and "swapped" in message


def test_run_with_metres_declared_as_degrees_says_so(case: Case) -> None:
    _declare_areas_crs(case, "EPSG:4326")
    run_fails(case, furthest.InputError, r"areas\.geojson' feature 1 .*likely cause: .*declares \(EPSG:4326\).*degrees")


# -- (c) points that mostly land nowhere ----------------------------------------------------------


def _swap_partner_columns(case: Case) -> None:
    case.edit_csv("partners.csv", lambda frame: frame.rename(columns={"lon": "lat", "lat": "lon"}))


def test_partners_with_x_and_y_swapped_are_an_error_naming_the_cause(case: Case) -> None:
    _swap_partner_columns(case)
    error = run_fails(case, furthest.InputError, r"partners: '.*partners\.csv': \d+ of \d+ partner sites")
    assert "x and y look swapped" in str(error)
    assert "x = 'lon', y = 'lat', declared EPSG:4326" in str(error)


def test_partners_in_degrees_declared_as_british_national_grid(case: Case) -> None:
    case.config["partners"]["crs"] = BNG
    error = run_fails(case, furthest.InputError, r"partners\.csv'.*lie in no zone")
    assert "look like longitude/latitude in degrees" in str(error)


def test_partners_mostly_beyond_the_study_area_are_a_warning(case: Case) -> None:
    # A wider table than the study area (sites of a neighbouring town): kept, loudly.
    def far(frame: pd.DataFrame) -> None:
        n = len(frame) * 2 // 3
        frame.loc[: n - 1, "lon"] = (frame.loc[: n - 1, "lon"].astype(float) + 0.8).astype(str)

    case.edit_csv("partners.csv", far)
    result = furthest.run(case.write_config())
    mostly = [w for w in result.warnings if w.code == "points_mostly_outside"]
    assert len(mostly) == 1 and "partners.csv" in mostly[0]
    assert "lie in no zone" in mostly[0]


def test_points_crosswalk_with_swapped_coordinates_names_the_cause() -> None:
    zones = grid().to_crs("EPSG:4326")
    centres = grid().geometry.centroid.to_crs("EPSG:4326")
    swapped = gpd.GeoDataFrame(geometry=[Point(p.y, p.x) for p in centres], crs="EPSG:4326")
    with pytest.raises(furthest.InputError, match=r"9 of 9 points .*x and y look swapped"):
        furthest.Crosswalk.points(swapped, zones.to_crs(BNG))
    # The same points the right way round are all placed.
    right = furthest.Crosswalk.points(gpd.GeoDataFrame(geometry=list(centres), crs="EPSG:4326"), zones.to_crs(BNG))
    assert len(right.unplaced) == 0
