"""furthest.run end to end: the demo, dict configs, and the Leeds open data checked against peers."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

import furthest


def test_demo_returns_geodataframes_and_writes_layers(tmp_path):
    out = tmp_path / "furthton.gpkg"
    result = furthest.run(furthest.demo_config(), out)
    zones, areas = result.zones, result.areas
    assert isinstance(zones, gpd.GeoDataFrame) and isinstance(areas, gpd.GeoDataFrame)
    assert len(zones) == 300 and len(areas) == 6 and len(result.partners) == 25
    assert zones.crs.to_epsg() == 27700
    for column in [
        "zone_code",
        "imd_score",
        "digital_propensity",
        "pct_65plus",
        "score",
        "rank",
        "decile",
        "area_id",
        "area_name",
        "area_share",
        "area_coverage",
        "n_partners",
    ]:
        assert column in zones.columns, column
    # rank 1 = highest score; deciles 1..10 with about 30 zones each.
    assert zones.loc[zones["rank"].idxmin(), "score"] == zones["score"].max()
    assert sorted(zones["decile"].unique()) == list(range(1, 11))
    assert zones["decile"].value_counts().max() <= 30
    # The layers on disk are what the API returned.
    # The catalogue, and QGIS's styles for its layers.
    assert (
        set(pyogrio.list_layers(out)[:, 0]) - {"layer_styles"}
        == set(result)
        == set(furthest.output_tables(furthest.demo_config()))
    )
    on_disk = gpd.read_file(out, layer="zones")
    pd.testing.assert_series_equal(on_disk["score"], zones["score"], check_names=False)
    manifest = json.loads((tmp_path / "furthton.manifest.json").read_text())
    assert manifest == result.manifest
    assert manifest["furthest_version"] == furthest.__version__
    assert {entry["role"] for entry in manifest["inputs"]} == {"zones", "areas", "indicator table", "partners", "activity log"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["inputs"])


def test_score_is_the_weighted_mean_of_directed_z_scores(tmp_path):
    result = furthest.run(furthest.demo_config(), tmp_path / "d.gpkg")
    z = result.zones
    zscore = lambda s: (s - s.mean()) / s.std(ddof=1)  # noqa: E731
    expected = (2 * zscore(z["imd_score"]) - zscore(z["digital_propensity"]) + zscore(z["pct_65plus"])) / 4
    np.testing.assert_allclose(z["score"], expected, rtol=0, atol=1e-12)
    assert (z["rank"] == z["score"].rank(ascending=False, method="min").astype(int)).all()


def test_rollup_matches_a_pandas_groupby(tmp_path):
    result = furthest.run(furthest.demo_config(), tmp_path / "d.gpkg")
    z, a = result.zones, result.areas.set_index("area_id")
    grouped = z.groupby("area_id")
    np.testing.assert_allclose(a.loc[grouped.size().index, "score_mean"], grouped["score"].mean(), atol=1e-12)
    np.testing.assert_allclose(a.loc[grouped.size().index, "score_median"], grouped["score"].median(), atol=1e-12)
    assert (a.loc[grouped.size().index, "n_zones"] == grouped.size()).all()
    top = z[z["decile"] == 1].groupby("area_id").size()
    assert (a["n_top_decile"].reindex(top.index) == top).all()
    # Partners per area agree with a GeoPandas spatial join.
    joined = gpd.sjoin(result.partners[["geometry"]], result.areas[["area_id", "geometry"]], predicate="within")
    assert (a["n_partners"].reindex(joined["area_id"].value_counts().index) == joined["area_id"].value_counts()).all()
    assert a["n_partners"].sum() == len(result.partners)


def test_zone_area_shares_match_a_geopandas_overlay(tmp_path):
    result = furthest.run(furthest.demo_config(), tmp_path / "d.gpkg")
    zones = result.zones[["zone_code", "geometry"]]
    areas = result.areas[["area_id", "geometry"]]
    pieces = gpd.overlay(zones, areas, how="intersection", keep_geom_type=True)
    pieces["share"] = pieces.area / pieces["zone_code"].map(zones.set_index("zone_code").area)
    peer = pieces.groupby(["zone_code", "area_id"])["share"].sum()
    ours = result.zone_areas.set_index(["zone_id", "area_id"])["share"]
    ours.index.names = peer.index.names
    peer = peer[peer > 1e-12]
    assert set(ours.index) == set(peer.index)
    np.testing.assert_allclose(ours.loc[peer.index], peer, rtol=1e-9, atol=1e-12)


def test_dict_config_runs_like_a_file(tmp_path, demo_dir):
    config = {
        "zones": {"path": str(demo_dir / "zones.gpkg"), "layer": "zones", "id": "zone_code"},
        "areas": {"path": str(demo_dir / "areas.geojson"), "id": "lcp_code", "name": "lcp_name"},
        "indicators": [
            {
                "path": str(demo_dir / "indicators.csv"),
                "key": "zone_code",
                "column": "imd_score",
                "direction": "higher_is_more_need",
            }
        ],
        "output": {"path": str(tmp_path / "dict.gpkg")},
    }
    result = furthest.run(config)
    assert result.partners is None
    assert (tmp_path / "dict.gpkg").exists()
    assert (result.zones["rank"] == result.zones["imd_score"].rank(ascending=False, method="min").astype(int)).all()


def test_validate_writes_nothing(tmp_path, demo_dir):
    result = furthest.validate(demo_dir / "demo.toml")
    assert result.output_path is None
    assert len(result.zones) == 300


def test_progress_is_reported_per_stage(tmp_path):
    stages = []
    furthest.run(furthest.demo_config(), tmp_path / "p.gpkg", progress=stages.append)
    assert stages[0] == "reading zones"
    assert any(stage.startswith("writing") for stage in stages)


# ---- real data: Leeds 2021 LSOAs, wards 2022, IMD 2025 -------------------------------------------


def _leeds_config(shared_data, tmp_path, indicators):
    return {
        "zones": {"path": str(shared_data / "boundaries/leeds_lsoa2021_bsc.geojson"), "id": "lsoa21_code"},
        "areas": {
            "path": str(shared_data / "boundaries/leeds_wards2022_bsc.geojson"),
            "id": "ward22_code",
            "name": "ward22_name",
        },
        "indicators": indicators,
        "output": {"path": str(tmp_path / "leeds.gpkg")},
    }


IMD_SCORE = {"key": "lsoa21_code", "column": "IMD_score", "direction": "higher_is_more_need"}


@pytest.mark.realdata
def test_leeds_every_zone_scored_and_shares_accounted_for(shared_data, tmp_path):
    imd = dict(IMD_SCORE, path=str(shared_data / "deprivation/imd2025_england_lsoa21.csv"))
    result = furthest.validate(_leeds_config(shared_data, tmp_path, [imd]))
    zones = result.zones
    assert len(zones) == 488 and zones["lsoa21_code"].is_unique
    assert zones["score"].notna().all() and zones["area_id"].notna().all()
    sums = result.zone_areas.groupby("zone_id")["share"].sum().reindex(zones["lsoa21_code"])
    np.testing.assert_allclose(sums.to_numpy(), zones["area_coverage"].to_numpy(), atol=1e-12)
    short = zones[zones["area_coverage"] < 1 - 1e-6]
    # Shortfalls (gaps between separately generalised boundaries) are reported, not hidden.
    assert result.manifest["counts"]["zones_with_coverage_shortfall"] == len(short)
    assert len(result.manifest["coverage_shortfalls"]) == len(short)
    assert all(code in " ".join(result.manifest["coverage_shortfalls"]) for code in short["lsoa21_code"])
    assert (zones["area_coverage"] > 0.5).all()


@pytest.mark.realdata
def test_leeds_main_ward_agrees_with_the_official_lookup(shared_data, tmp_path):
    imd = dict(IMD_SCORE, path=str(shared_data / "deprivation/imd2025_england_lsoa21.csv"))
    result = furthest.validate(_leeds_config(shared_data, tmp_path, [imd]))
    lookup = pd.read_csv(shared_data / "lookups/lsoa21_ward24_lad24_ew_geographr.csv")
    merged = result.zones.merge(lookup[["lsoa21_code", "ward24_code", "ward24_name"]], on="lsoa21_code", how="left")
    assert merged["ward24_code"].notna().all()
    agree = merged["area_id"] == merged["ward24_code"]
    mismatches = merged.loc[~agree, ["lsoa21_code", "area_id", "area_name", "area_share", "ward24_code", "ward24_name"]]
    print(f"\nmain ward agrees with the ONS best-fit lookup for {agree.mean():.1%} of 488 zones; mismatches:")
    print(mismatches.to_string(index=False))
    assert agree.mean() >= 0.95


@pytest.mark.realdata
def test_leeds_imd_only_ranking_follows_the_published_ranking(shared_data, tmp_path):
    path = shared_data / "deprivation/imd2025_england_lsoa21.csv"
    result = furthest.validate(_leeds_config(shared_data, tmp_path, [dict(IMD_SCORE, path=str(path))]))
    published = pd.read_csv(path, usecols=["lsoa21_code", "IMD_score", "IMD_rank"])
    merged = result.zones[["lsoa21_code", "rank", "score"]].merge(published, on="lsoa21_code")
    assert len(merged) == 488
    # Walking down the published national rank (1 = most deprived), our score never rises:
    # the only disagreements allowed are ties in the published, rounded score.
    ordered = merged.sort_values("IMD_rank")
    assert (np.diff(ordered["score"].to_numpy()) <= 1e-12).all()
    expected = merged["IMD_score"].rank(ascending=False, method="min").astype(int)
    assert (merged["rank"] == expected).all()


@pytest.mark.realdata
def test_leeds_example_config_runs_with_partners(shared_data, repo, tmp_path):
    result = furthest.run(repo / "examples/leeds_wards.toml", tmp_path / "leeds_wards.gpkg")
    assert len(result.zones) == 488 and len(result.areas) == 33
    # Library points agree with a GeoPandas spatial join into the LSOAs.
    joined = gpd.sjoin(result.partners[["geometry"]], result.zones[["lsoa21_code", "geometry"]], predicate="within")
    assert (result.partners.loc[joined.index, "zone_id"] == joined["lsoa21_code"]).all()


@pytest.mark.realdata
def test_leeds_libraries_placed_by_postcode_match_their_coordinates(shared_data, repo, tmp_path):
    """The example places libraries by postcode through the NSPL extract; the file's own lat/lon
    columns were geocoded from the same lookup, so both ways must put each library in the same
    place, however the postcodes are typed."""
    import tomllib

    config = tomllib.loads((repo / "examples/leeds_wards.toml").read_text().replace("${FURTHEST_DATA}", str(shared_data)))
    config["output"] = {"path": str(tmp_path / "by_postcode.gpkg")}
    libraries = pd.read_csv(shared_data / "points/leeds_libraries_2023.csv", dtype=str, keep_default_na=False)
    messy = [p.lower().replace(" ", "") if i % 2 else f"  {p} " for i, p in enumerate(libraries["Postcode"])]
    libraries.assign(Postcode=messy).to_csv(tmp_path / "libraries.csv", index=False)
    config["partners"]["path"] = str(tmp_path / "libraries.csv")
    by_postcode = furthest.run(config)

    config["partners"] = {
        "path": str(shared_data / "points/leeds_libraries_2023.csv"),
        "x": "lon",
        "y": "lat",
        "crs": "EPSG:4326",
        "where": config["partners"]["where"],
    }
    config["output"] = {"path": str(tmp_path / "by_xy.gpkg")}
    by_xy = furthest.run(config)

    assert len(by_postcode.partners) == len(by_xy.partners) == 38
    assert (by_postcode.partners["zone_id"].to_numpy() == by_xy.partners["zone_id"].to_numpy()).all()
    distance = by_postcode.partners.geometry.distance(by_xy.partners.geometry, align=False)
    assert distance.max() < 1.0, distance.max()  # metres: the file's lat/lon has 5-6 decimals
    assert not [w for w in by_postcode.warnings if "postcode" in w]


@pytest.mark.realdata
def test_leeds_example_has_all_zone_and_within_ward_ranks_with_intervals(shared_data, repo, tmp_path):
    result = furthest.run(repo / "examples/leeds_wards.toml", tmp_path / "leeds_wards.gpkg")
    z = result.zones
    for column in [
        "rank_in_area",
        "rank_all_zones",
        "score_within_area",
        "rank_p05",
        "rank_median",
        "rank_p95",
        "p_top_decile",
        "most_influential",
        "score_class",
    ]:
        assert column in z.columns, column
    assert ((z["rank_p05"] <= z["rank_median"]) & (z["rank_median"] <= z["rank_p95"])).all()
    # Within-ward rank 1 is the ward's highest score.
    best = z.loc[z.groupby("area_id")["score"].idxmax()]
    assert (best["rank_in_area"] == 1).all()
    # Contributions add up to the score.
    contributions = z[[c for c in z.columns if c.startswith("contribution_")]].sum(axis=1)
    np.testing.assert_allclose(contributions, z["score"], atol=1e-9)
    scoring = result.manifest["scoring"]
    assert scoring["summary"] and len(scoring["correlation"]) == 3


def test_indicator_from_a_raster_by_zonal_statistic(tmp_path, demo_dir):
    rasterio = pytest.importorskip("rasterio")
    from rasterio.transform import from_origin

    # A synthetic 50 m "outdoor 4G" grid over Furthton: 1 where there is signal, 0 where not.
    zones = gpd.read_file(demo_dir / "zones.gpkg")
    x0, y0, x1, y1 = zones.total_bounds
    cols, rows = int((x1 - x0) // 50) + 4, int((y1 - y0) // 50) + 4
    xx = np.arange(cols)[None, :] + np.zeros((rows, 1))
    yy = np.arange(rows)[:, None] + np.zeros((1, cols))
    signal = ((np.sin(xx / 17.0) + np.cos(yy / 23.0)) > -0.3).astype("float32")
    path = tmp_path / "outdoor_4g.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=cols,
        height=rows,
        count=1,
        dtype="float32",
        crs="EPSG:27700",
        transform=from_origin(x0 - 100, y1 + 100, 50, 50),
        nodata=-1,
    ) as dst:
        dst.write(signal, 1)
    config = {
        "zones": {"path": str(demo_dir / "zones.gpkg"), "id": "zone_code"},
        "areas": {"path": str(demo_dir / "areas.geojson"), "id": "lcp_code", "name": "lcp_name"},
        "indicators": [
            {
                "path": str(demo_dir / "indicators.csv"),
                "key": "zone_code",
                "column": "imd_score",
                "direction": "higher_is_more_need",
            },
            {
                "path": str(path),
                "name": "share_4g",
                "direction": "lower_is_more_need",
                "via": {"zonal": "frac_above", "threshold": 1.0},
            },
        ],
        "output": {"path": str(tmp_path / "out.gpkg")},
    }
    result = furthest.run(config)
    peer = furthest.zonal_stats(zones.set_index("zone_code"), path, stats=["frac_above"], threshold=1.0)
    np.testing.assert_allclose(result.zones.set_index("zone_code")["share_4g"], peer["frac_above"], rtol=1e-12)
    assert any("zonal frac_above" in note for note in result.manifest["indicators"])
    assert {"indicator raster"} <= {entry["role"] for entry in result.manifest["inputs"]}


def test_a_relative_furthest_data_is_relative_to_the_working_directory(shared_data, monkeypatch):
    """FURTHEST_DATA=../shared/data means what the shell meant, not a folder beside the config."""
    monkeypatch.chdir(shared_data.parent)
    monkeypatch.setenv("FURTHEST_DATA", "data")
    config = Path(__file__).resolve().parents[2] / "examples" / "leeds_pcn.toml"
    furthest.validate(config)  # examples/data does not exist: this reads the shared data
    monkeypatch.setenv("FURTHEST_DATA", "no-such-folder")
    with pytest.raises(furthest.InputError, match=str(Path.cwd() / "no-such-folder")):
        furthest.validate(config)
