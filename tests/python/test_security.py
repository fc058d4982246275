"""A shared batch service: runs confined to named folders, no secrets in manifests, no network."""

from __future__ import annotations

import json
import shutil

import pytest

import furthest


@pytest.fixture()
def demo_copy(tmp_path, demo_dir):
    folder = tmp_path / "team"
    shutil.copytree(demo_dir, folder, ignore=shutil.ignore_patterns("out", "*.py"))
    return folder


def config_for(folder, **run):
    return {
        "run": run,
        "zones": {"path": str(folder / "zones.gpkg"), "id": "zone_code"},
        "areas": {"path": str(folder / "areas.geojson"), "id": "lcp_code", "name": "lcp_name"},
        "indicators": [{"path": str(folder / "indicators.csv"), "key": "zone_code", "column": "imd_score",
                        "direction": "higher_is_more_need"}],
        "partners": {"path": str(folder / "partners.csv"), "x": "lon", "y": "lat", "crs": "EPSG:4326"},
        "output": {"path": str(folder / "out" / "run.gpkg")},
    }


def test_runs_inside_the_allowed_folders(demo_copy):
    result = furthest.run(config_for(demo_copy, allowed_folders=[str(demo_copy)]))
    assert len(result.zones) == 300


@pytest.mark.parametrize("escape", ["input", "output", "dotdot"])
def test_paths_outside_the_allowed_folders_are_refused(demo_copy, tmp_path, escape):
    config = config_for(demo_copy, allowed_folders=[str(demo_copy)])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if escape == "input":
        shutil.copy(demo_copy / "indicators.csv", elsewhere / "indicators.csv")
        config["indicators"][0]["path"] = str(elsewhere / "indicators.csv")
        key = r"\[\[indicators\]\] #1 path"
    elif escape == "output":
        config["output"]["path"] = str(elsewhere / "run.gpkg")
        key = r"\[output\] path"
    else:
        config["output"]["path"] = str(demo_copy / ".." / "elsewhere" / "run.gpkg")
        key = r"\[output\] path"
    with pytest.raises(furthest.ConfigError, match=key + r" '.*' lies outside the allowed folders"):
        furthest.run(config)
    assert not any(elsewhere.glob("*.gpkg"))


def test_secrets_never_reach_the_manifest(demo_copy):
    config = config_for(demo_copy)
    config["partners"]["where"] = "name <> 'token=s3cr3t-value' OR name IS NULL"
    result = furthest.run(config)
    text = (demo_copy / "out" / "run.manifest.json").read_text()
    assert "s3cr3t-value" not in text
    assert "token=***" in json.dumps(result.manifest["config"])
    assert len(result.partners) == 25  # the filter itself still ran as written


def test_areas_covering_no_zone_are_an_error(demo_copy):
    import geopandas as gpd

    areas = gpd.read_file(demo_copy / "areas.geojson")
    areas["geometry"] = areas.translate(10.0, 10.0)  # ten degrees away: nowhere near Furthton
    areas.to_file(demo_copy / "far_areas.geojson")
    config = config_for(demo_copy)
    config["areas"]["path"] = str(demo_copy / "far_areas.geojson")
    with pytest.raises(furthest.InputError, match=r"far_areas\.geojson' cover none of the 300 zones"):
        furthest.run(config)
    assert not (demo_copy / "out" / "run.gpkg").exists()
