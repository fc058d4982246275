"""Support in the run: [[partners]], [population], [access] and [hotspots] end to end.

The Leeds case is examples/leeds_access.toml (GP practices and open libraries, Census 2021
residents at population-weighted centroids); its zone columns are checked against PySAL
``access`` and brute force on the same inputs. The demo checks the tables' shapes and the
refusals at the door.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import furthest

REPO = Path(__file__).resolve().parents[2]
LEEDS = REPO / "examples" / "leeds_access.toml"


def leeds_config(shared_data: Path, output: Path, **run) -> dict:
    text = LEEDS.read_text().replace("${FURTHEST_DATA}", str(shared_data))
    config = tomllib.loads(text)
    config["monitoring"]["path"] = str(LEEDS.parent / config["monitoring"]["path"])
    config["output"]["path"] = str(output)
    config.setdefault("run", {}).update(run)
    return config


@pytest.fixture(scope="module")
def leeds(shared_data: Path, tmp_path_factory) -> furthest.RunResult:
    out = tmp_path_factory.mktemp("leeds_access") / "leeds_access.gpkg"
    return furthest.run(leeds_config(shared_data, out))


@pytest.fixture(scope="module")
def leeds_inputs(shared_data: Path, leeds) -> dict:
    import geopandas as gpd

    zones = leeds.zones.set_index("lsoa21_code")
    centroids = pd.read_csv(shared_data / "lookups" / "lsoa21_population_weighted_centroids_ew_epsg27700.csv")
    centroids = centroids.set_index("lsoa21_code").reindex(zones.index)
    partners = leeds.partners
    assert partners.crs.to_epsg() == 27700
    dx = partners.geometry.x.to_numpy()[None, :] - centroids["x_bng"].to_numpy()[:, None]
    dy = partners.geometry.y.to_numpy()[None, :] - centroids["y_bng"].to_numpy()[:, None]
    origins = gpd.GeoDataFrame(
        {"population": zones["population"]},
        geometry=gpd.points_from_xy(centroids["x_bng"], centroids["y_bng"]),
        crs=27700,
    )
    return {"zones": zones, "partners": partners, "distance": np.sqrt(dx * dx + dy * dy), "origins": origins}


# --------------------------------------------------------------------------------------------
# Leeds: real partners, real people
# --------------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_partners_of_two_kinds_with_closed_libraries_left_out(leeds, shared_data: Path) -> None:
    libraries = pd.read_csv(shared_data / "points" / "leeds_libraries_2023.csv")
    closed = int((libraries["Year closed"] <= 2023).sum())
    opened_later = int((libraries["Year opened"] > 2023).sum())
    quality = leeds["partner_quality"].set_index("partners_table")
    assert quality.loc["gp_practices", "rows_read"] == 94 and quality.loc["gp_practices", "partners_kept"] == 94
    assert quality.loc["libraries", "inactive"] == closed + opened_later == 15
    assert quality.loc["libraries", "partners_kept"] == len(libraries) - 15
    counts = leeds.partners["partner_type"].value_counts()
    assert counts["GP practice"] == 94 and counts["library"] == 38
    codes = [w.code for w in leeds.warnings]
    assert "partners_inactive" in codes
    # Columns of both tables, appended by name: blank where a table has no such column.
    assert leeds.partners.loc[leeds.partners["partners_table"] == "libraries", "PRACTICE_CODE"].isna().all()


@pytest.mark.realdata
def test_nearest_partner_equals_brute_force(leeds_inputs: dict) -> None:
    zones, partners, d = leeds_inputs["zones"], leeds_inputs["partners"], leeds_inputs["distance"]
    np.testing.assert_allclose(zones["nearest_partner_m"], d.min(axis=1), rtol=0, atol=1e-9)
    for kind, column in (("GP practice", "nearest_gp_practice_m"), ("library", "nearest_library_m")):
        members = (partners["partner_type"] == kind).to_numpy()
        np.testing.assert_allclose(zones[column], d[:, members].min(axis=1), rtol=0, atol=1e-9)
    # partners_within: pairs at the catchment or nearer.
    assert (zones["partners_within"].to_numpy() == (d <= 1600.0).sum(axis=1)).all()


@pytest.mark.realdata
def test_two_step_fca_in_the_run_equals_pysal_access(leeds_inputs: dict) -> None:
    from access import Access, weights

    zones, partners, d = leeds_inputs["zones"], leeds_inputs["partners"], leeds_inputs["distance"]
    i, j = np.nonzero(d <= 1600.0)
    costs = pd.DataFrame({"origin": zones.index[i], "dest": np.arange(len(partners))[j], "cost": d[i, j]})
    a = Access(
        demand_df=zones[["population"]].rename_axis("geoid").reset_index(),
        demand_index="geoid",
        demand_value="population",
        supply_df=pd.DataFrame({"geoid": np.arange(len(partners)), "capacity": 1.0}),
        supply_index="geoid",
        supply_value="capacity",
        cost_df=costs,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    theirs = a.enhanced_two_stage_fca(name="fca", max_cost=1600.0, weight_fn=weights.gaussian(800.0))
    theirs = theirs["fca_capacity"].reindex(zones.index).fillna(0.0) * 1000.0
    assert (zones["access_2sfca_per_1000"] > 0).sum() > 400
    np.testing.assert_allclose(zones["access_2sfca_per_1000"], theirs, rtol=0, atol=1e-9)


@pytest.mark.realdata
def test_balanced_catchment_adds_up_from_zones_to_areas(leeds) -> None:
    zones, areas, partners = leeds.zones, leeds.areas, leeds.partners
    reached = (partners["people_within"] > 0).sum()
    # Every unit of supply that some zone reaches is allocated once, and areas add their zones up.
    assert zones["supply_bfca"].sum() == pytest.approx(float(reached), rel=1e-12)
    assert areas["supply_bfca"].sum() == pytest.approx(zones["supply_bfca"].sum(), rel=1e-12)
    # Each person is counted once over all partners: BFCA demand sums to the people who reach one.
    reaching = zones.loc[zones["partners_within"] > 0, "population"].sum()
    assert partners["people_served_bfca"].sum() == pytest.approx(reaching, rel=1e-12)
    assert partners["demand_2sfca"].sum() > partners["people_served_bfca"].sum()  # 2SFCA's double count


@pytest.mark.realdata
def test_people_by_area_and_the_gap(leeds, shared_data: Path) -> None:
    zones, areas = leeds.zones, leeds.areas
    census = pd.read_csv(shared_data / "population" / "census2021_lsoa21_age6_usual_residents_ew.csv")
    census = census.set_index("lsoa21_code")["total_usual_residents"]
    assert (zones["population"].to_numpy() == census.reindex(zones["lsoa21_code"]).to_numpy()).all()
    assert areas["population"].sum() == pytest.approx(zones["population"].sum(), rel=1e-12)
    high_low = zones["gap_class"] == "high need, low support"
    assert high_low.sum() > 20
    assert areas["people_high_need_low_support"].sum() == pytest.approx(zones.loc[high_low, "population"].sum())
    assert areas["people_top_decile"].sum() == pytest.approx(zones.loc[zones["decile"] == 1, "population"].sum())
    # The gap is need's percentile minus support's: the neediest, least-served zones lead it.
    assert zones["gap_score"].between(-1, 1).all()
    worst = zones.nlargest(10, "gap_score")
    assert (worst["gap_class"] == "high need, low support").all()
    weighted = (zones["score"] * zones["population"]).groupby(zones["area_id"]).sum() / zones.groupby("area_id")[
        "population"
    ].sum()
    np.testing.assert_allclose(areas.set_index("area_id")["score_mean_weighted"], weighted.reindex(areas["area_id"]), rtol=1e-12)


@pytest.mark.realdata
def test_hot_spots_are_identical_for_one_and_two_threads(leeds, shared_data: Path, tmp_path: Path) -> None:
    one = furthest.run(leeds_config(shared_data, tmp_path / "one.gpkg", threads=1))
    columns = ["hotspot_gi_z", "hotspot_gi_p", "hotspot", "hotspot_moran_i", "hotspot_moran_p", "hotspot_cluster"]
    pd.testing.assert_frame_equal(one.zones[columns], leeds.zones[columns])
    assert {"hot spot", "cold spot"} <= set(leeds.zones["hotspot"])
    manifest = leeds.about if hasattr(leeds, "about") else None
    assert manifest is not None
    import json

    recorded = json.loads(Path(leeds.manifest_path).read_text())["hotspots"]
    assert recorded["min_p"] == pytest.approx(2 / 10000)
    assert recorded["permutations_suffice"] is False  # 488 zones at 0.05 need 19,519 permutations


@pytest.mark.realdata
def test_hot_spots_match_esda_on_the_same_weights(leeds) -> None:
    from esda.getisord import G_Local
    from libpysal.weights import Queen

    zones = leeds.zones
    w = Queen.from_dataframe(zones.reset_index(drop=True), use_index=False, silence_warnings=True)
    # Gi* wants values >= 0 with a non-zero sum; the gap sums to zero, so the run shifts it (the
    # manifest records by how much), which leaves z-scores and p-values unchanged. So here.
    gap = zones["gap_score"].to_numpy()
    g = G_Local(gap - gap.min() + 1.0, w, transform="R", star=True, permutations=9999, seed=1)
    # Different random streams: z-scores agree in sign where either is clearly away from zero.
    clear = np.abs(zones["hotspot_gi_z"].to_numpy()) > 3
    assert clear.sum() > 10
    assert (np.sign(g.z_sim[clear]) == np.sign(zones["hotspot_gi_z"].to_numpy()[clear])).all()
    # Two-sided p against esda's folded one-sided p_sim, within Monte Carlo tolerance.
    ours = zones["hotspot_gi_p"].to_numpy()
    theirs = np.minimum(1.0, 2.0 * g.p_sim)
    assert np.abs(ours - theirs).max() < 0.05


# --------------------------------------------------------------------------------------------
# The demo: several partners tables, the tables' shapes, refusals at the door
# --------------------------------------------------------------------------------------------


def test_several_partners_tables_append_by_name(demo_copy) -> None:
    folder, config = demo_copy
    partners = pd.read_csv(folder / "partners.csv")
    hubs = partners[partners["type"] == "digital_health_hub"].drop(columns=["type"])
    others = partners[partners["type"] != "digital_health_hub"]
    hubs.assign(opened="2024-01-15").to_csv(folder / "hubs.csv", index=False)
    others.to_csv(folder / "others.csv", index=False)
    base = {k: v for k, v in config["partners"].items() if k not in ("path", "type_column")}
    config["partners"] = [
        {**base, "name": "hubs", "path": str(folder / "hubs.csv"), "type": "Digital Health Hub", "active_from": "opened"},
        {**base, "name": "others", "path": str(folder / "others.csv"), "type_column": "type"},
    ]
    config["access"]["as_of"] = "2025-04-01"
    result = furthest.run(config)
    table = result.partners
    assert list(table["partners_table"].unique()) == ["hubs", "others"]
    assert (table.loc[table["partners_table"] == "hubs", "partner_type"] == "Digital Health Hub").all()
    assert table["champions"].dtype == float
    assert "nearest_digital_health_hub_m" in result.zones and "nearest_library_m" in result.zones
    quality = result["partner_quality"].set_index("partners_table")
    assert quality.loc["hubs", "partners_kept"] == len(hubs)
    # Before the hubs opened, they are left out and counted.
    config["access"]["as_of"] = "2023-12-31"
    earlier = furthest.run(config, output=str(folder / "earlier.gpkg"))
    assert earlier["partner_quality"].set_index("partners_table").loc["hubs", "inactive"] == len(hubs)
    assert "Digital Health Hub" not in set(earlier.partners["partner_type"])


def test_a_blank_capacity_counts_as_none_and_is_reported(demo_copy) -> None:
    folder, config = demo_copy
    partners = pd.read_csv(folder / "partners.csv", dtype=str)
    partners.loc[2, "champions"] = ""
    partners.to_csv(folder / "partners.csv", index=False)
    result = furthest.run(config)
    assert result["partner_quality"]["blank_capacity"].tolist() == [1]
    warning = next(w for w in result.warnings if w.code == "partners_blank_capacity")
    assert list(warning.ids) == ["row 3"]


@pytest.mark.parametrize(
    "cell, value, message",
    [
        ("champions", "-2", r"row 4, column 'champions': -2\.0+ is negative; expected a capacity >= 0"),
        ("champions", "many", r"row 4, column 'champions': 'many' is not a number"),
    ],
)
def test_bad_capacity_names_row_and_column(demo_copy, cell, value, message) -> None:
    folder, config = demo_copy
    partners = pd.read_csv(folder / "partners.csv", dtype=str)
    partners.loc[3, cell] = value
    partners.to_csv(folder / "partners.csv", index=False)
    with pytest.raises(furthest.InputError, match=r"^partners: '[^']*partners\.csv'.*" + message):
        furthest.run(config)


def test_a_date_that_is_not_a_date_names_row_and_column(demo_copy) -> None:
    folder, config = demo_copy
    partners = pd.read_csv(folder / "partners.csv", dtype=str)
    partners["opened"] = "2020-01-01"
    partners.loc[4, "opened"] = "2023-02-30"
    partners.to_csv(folder / "partners.csv", index=False)
    config["partners"]["active_from"] = "opened"
    config["access"]["as_of"] = "2025-01-01"
    with pytest.raises(furthest.InputError, match=r"row 5, column 'opened': '2023-02-30' is not a date; expected YYYY"):
        furthest.run(config)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda c: c.pop("partners"), r"\[access\] needs partners to reach"),
        (lambda c: c["access"].update(capacity="sessions"), r"capacity = 'sessions' but partners table 'partners'"),
        (lambda c: c["partners"].update(active_to="closed"), r"gives active_from/active_to but \[access\] has no 'as_of'"),
        (lambda c: c["access"].update(decay="gausian"), r"'decay' in \[access\].*did you mean 'gaussian'"),
        (lambda c: c["access"].update(catchment=-1), r"'catchment' in \[access\] must be a finite number > 0"),
        (lambda c: c["access"].update(as_of="1/4/2025"), r"'as_of' in \[access\] is '1/4/2025'; expected a date written"),
        (lambda c: c["hotspots"].update(permutations=10), r"'permutations' in \[hotspots\] must be a whole number"),
        (lambda c: c["hotspots"].update(k=4), r"'k' in \[hotspots\] only applies with weights = \"knn\""),
        (lambda c: c.pop("access"), r"\[hotspots\] variable = 'gap_score' needs \[access\]"),
    ],
)
def test_support_sections_are_checked_at_the_door(demo_copy, edit, message) -> None:
    _, config = demo_copy
    edit(config)
    with pytest.raises(furthest.ConfigError, match=message):
        furthest.validate(config)


def test_hot_spots_of_need_without_access(demo_copy) -> None:
    _, config = demo_copy
    del config["access"], config["rollout"], config["monitoring"]
    config["hotspots"] = {"variable": "score", "weights": "knn", "k": 6, "permutations": 199}
    result = furthest.run(config)
    assert "gap_score" not in result.zones
    assert set(result.zones["hotspot"]) <= {"hot spot", "cold spot", "not significant"}
    assert result.zones.loc[result.zones["hotspot"] == "hot spot", "score"].mean() > result.zones["score"].mean()


@pytest.mark.realdata
def test_leeds_monitoring_places_residents_and_keeps_their_postcodes_in(leeds, shared_data: Path) -> None:
    # The synthetic log (examples/make_leeds_activity.py): residents placed by real postcodes, by
    # zone codes and over partner catchments; two flawed postcodes fall back to the catchment.
    quality = leeds["activity_quality"].set_index("check")
    assert quality.loc["residents placed by postcode", "rows"] > 2000
    assert quality.loc["resident postcode does not place", "rows"] == 2
    assert quality.loc["residents placed by the partner's catchment", "rows"] > 0
    equity = leeds["equity"].set_index(["scope", "measure"])
    assert equity.loc[("all zones", "people_helped"), "concentration_upper"] < 0
    progress = leeds["plan_progress"].set_index("area_name")
    assert progress.loc["MIDDLETON AND HUNSLET PCN", "status"] == "behind plan"
    # Reach per 1,000 residents aged 65+ ([monitoring] in_need), from the published counts.
    zones = leeds.zones
    expected = 1000 * zones["people_helped"] / zones["people_in_need"]
    pd.testing.assert_series_equal(zones["people_helped_per_1000_in_need"], expected, check_names=False)
    assert zones["people_in_need"].sum() > 100_000
    # Not one resident postcode of the log, in either spelling, in anything the run wrote.
    log = pd.read_csv(REPO / "examples" / "leeds_activity.csv", dtype=str, keep_default_na=False)
    # (Partners' own addresses are public and written with the partners: a resident may share one.)
    public = set()
    for name in ("leeds_libraries_2023.csv", "leeds_gp_practices_pcn_2020-09.csv"):
        table = pd.read_csv(shared_data / "points" / name, dtype=str, keep_default_na=False)
        for column in table.columns:
            public.update(table[column])
    postcodes = {p for p in log["resident_postcode"] if p} - public
    assert len(postcodes) > 1000
    folder = Path(leeds.output_path).parent
    written = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.suffix == ".gpkg" for p in written)
    spellings = sorted({q for p in postcodes for q in (p, p.replace(" ", ""))}, key=len, reverse=True)
    pattern = re.compile("(?<![A-Z0-9])(" + "|".join(map(re.escape, spellings)) + ")(?![A-Z0-9])")
    for path in written:
        leaked = pattern.findall(path.read_bytes().decode("utf-8", errors="ignore"))
        assert not leaked, (path.name, leaked[:3])
