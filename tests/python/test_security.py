"""A shared batch service: runs confined to named folders, no secrets in manifests, no network."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

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
        "indicators": [
            {
                "path": str(folder / "indicators.csv"),
                "key": "zone_code",
                "column": "imd_score",
                "direction": "higher_is_more_need",
            }
        ],
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
    with pytest.raises(
        furthest.InputError,
        match=r"far_areas\.geojson' \(declared EPSG:4326; in the working CRS .*\) cover none of the 300 zones",
    ):
        furthest.run(config)
    assert not (demo_copy / "out" / "run.gpkg").exists()


# --------------------------------------------------------------------------------------------
# Spreadsheet copies: a partner list is shared around; a name like "=HYPERLINK(...)" must not
# become a live formula in the planner's Excel. Read back with pandas and openpyxl, which do
# not go through GDAL.
# --------------------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://example.com/x","click")', "+44 113 000 0000", "-1+cmd|' /C calc'!A0", "@SUM(A1:A9)"]


def test_spreadsheet_tables_disarm_formulas_and_keep_numbers(demo_copy):
    import openpyxl
    import pandas as pd

    partners = pd.read_csv(demo_copy / "partners.csv")
    partners.loc[: len(FORMULAS) - 1, "name"] = FORMULAS
    partners.to_csv(demo_copy / "partners.csv", index=False)
    config = config_for(demo_copy)
    config["output"]["tables"] = ["csv", "xlsx"]
    result = furthest.run(config)

    out = demo_copy / "out"
    expected = {f"run.{t}.csv" for t in ("zones", "areas", "partners", "partner_quality", "zone_areas")} | {"run.xlsx"}
    assert expected <= {p.name for p in out.iterdir()}
    assert {str(out / name) for name in expected} == set(result.manifest["tables"]) == set(result.table_paths)
    assert not list(out.glob(".*tmp*"))
    # The manifest, renamed into place last, records every output's checksum.
    recorded = {o["path"]: o["sha256"] for o in result.manifest["outputs"]}
    assert set(recorded) == {str(out / name) for name in expected} | {str(out / "run.gpkg")}
    for path, digest in recorded.items():
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest, path

    csv_partners = pd.read_csv(out / "run.partners.csv", encoding="utf-8-sig")
    assert list(csv_partners["name"][: len(FORMULAS)]) == ["'" + f for f in FORMULAS]
    assert list(csv_partners["name"][len(FORMULAS) :]) == list(partners["name"][len(FORMULAS) :])
    zones_csv = pd.read_csv(out / "run.zones.csv", encoding="utf-8-sig")
    gpkg_zones = result.zones.sort_values("zone_code").reset_index(drop=True)
    zones_csv = zones_csv.sort_values("zone_code").reset_index(drop=True)
    assert len(zones_csv) == 300 and "geometry" not in zones_csv
    assert pd.api.types.is_float_dtype(zones_csv["score"])
    assert (zones_csv["score"] < 0).any(), "negative scores stay numbers"
    assert (zones_csv["score"] - gpkg_zones["score"]).abs().max() < 1e-9

    book = openpyxl.load_workbook(out / "run.xlsx")
    assert book.sheetnames == ["zones", "areas", "partners", "partner_quality", "zone_areas", "method"]
    sheet = book["partners"]
    header = [c.value for c in sheet[1]]
    names = [row[header.index("name")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names[: len(FORMULAS)] == ["'" + f for f in FORMULAS]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} holds a formula"
    scores = [
        row[0]
        for row in book["zones"].iter_rows(
            min_row=2,
            min_col=[c.value for c in book["zones"][1]].index("score") + 1,
            max_col=[c.value for c in book["zones"][1]].index("score") + 1,
            values_only=True,
        )
    ]
    assert all(isinstance(s, float) for s in scores) and min(scores) < 0


def test_output_over_an_input_is_refused(demo_copy):
    config = config_for(demo_copy)
    config["output"]["path"] = str(demo_copy / "indicators.gpkg")
    config["output"]["tables"] = ["csv"]
    config["indicators"][0]["path"] = str(demo_copy / "indicators.zones.csv")
    (demo_copy / "indicators.csv").rename(demo_copy / "indicators.zones.csv")
    before = (demo_copy / "indicators.zones.csv").read_bytes()
    with pytest.raises(furthest.ConfigError, match=r"would overwrite the input named by \[\[indicators\]\] #1 path"):
        furthest.run(config)
    assert (demo_copy / "indicators.zones.csv").read_bytes() == before


@pytest.mark.parametrize("tables, message", [("csv", "must be a list"), (["csvv"], "did you mean 'csv'"), ([1], "not text")])
def test_bad_tables_setting_is_refused(demo_copy, tables, message):
    config = config_for(demo_copy)
    config["output"]["tables"] = tables
    with pytest.raises(furthest.ConfigError, match=message):
        furthest.run(config)


# ---- the door: every route to a run is checked the same way (issue 9) ----------------------------


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("route", ["python output=", "python dict", "cli --output", "cli validate --output"])
def test_an_output_over_an_input_is_refused_by_every_route(demo_copy, route):
    before = _digests(demo_copy)
    target = demo_copy / "zones.gpkg"
    if route == "python output=":
        with pytest.raises(furthest.ConfigError, match=r"would overwrite the input named by \[zones\] path"):
            furthest.run(demo_copy / "demo.toml", output=target)
    elif route == "python dict":
        config = config_for(demo_copy)
        config["output"]["path"] = str(demo_copy / "out" / ".." / "zones.gpkg")
        with pytest.raises(furthest.ConfigError, match=r"would overwrite the input"):
            furthest.run(config)
    else:
        verb = "run" if route == "cli --output" else "validate"
        furthest_cli = str(Path(sys.executable).with_name("furthest"))
        done = subprocess.run(
            [furthest_cli, verb, str(demo_copy / "demo.toml"), "--output", str(target)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 2, done
        assert done.stderr.startswith("furthest: error: config ") and "would overwrite the input" in done.stderr
        assert done.stderr.count("\n") == 1  # one readable line
    assert _digests(demo_copy) == before
    assert not (demo_copy / "zones.manifest.json").exists()


def test_an_output_through_a_symbolic_link_to_an_input_is_refused(demo_copy):
    (demo_copy / "latest.gpkg").symlink_to(demo_copy / "zones.gpkg")
    before = _digests(demo_copy)
    with pytest.raises(furthest.ConfigError, match="would overwrite the input"):
        furthest.run(demo_copy / "demo.toml", output=demo_copy / "latest.gpkg")
    assert _digests(demo_copy) == before


def test_the_output_override_stays_inside_the_allowed_folders(demo_copy, tmp_path):
    config = config_for(demo_copy, allowed_folders=[str(demo_copy)])
    with pytest.raises(furthest.ConfigError, match=r"\[output\] path '.*' lies outside the allowed folders"):
        furthest.run(config, output=tmp_path / "elsewhere" / "run.gpkg")
    with pytest.raises(furthest.ConfigError, match="lies outside the allowed folders"):
        furthest.validate(config, output=tmp_path / "elsewhere" / "run.gpkg")
    assert not (tmp_path / "elsewhere").exists()


def test_the_manifest_records_the_effective_config(demo_copy):
    out = demo_copy / "out" / "override.gpkg"
    result = furthest.run(demo_copy / "demo.toml", output=out)
    manifest = result.manifest
    assert manifest["effective_config"]["output"]["path"] == str(out)
    assert manifest["config"]["output"]["path"] != str(out)  # the config as given, beside it
    assert [t["name"] for t in manifest["catalogue"]] == list(result)


# ---- inputs and the config are never touched, whatever their names (issue 13) ---------------


def test_an_input_named_like_a_stale_temporary_is_kept(demo_copy):
    """Earlier versions removed files named like a killed run's temporaries, inputs included."""
    import socket

    out = demo_copy / "out"
    out.mkdir()
    lookalike = out / f".run.zones.tmp-{socket.gethostname()}-4194305.csv"
    shutil.copy(demo_copy / "indicators.csv", lookalike)
    before = lookalike.read_bytes()
    config = config_for(demo_copy)
    config["indicators"][0]["path"] = str(lookalike)
    config["output"]["tables"] = ["csv"]
    furthest.run(config)
    furthest.run(config)
    assert lookalike.read_bytes() == before


def test_a_config_named_like_the_manifest_is_refused_and_kept(demo_copy):
    out = demo_copy / "out"
    out.mkdir()
    config = out / "run.manifest.json"  # a TOML file, whatever its name
    text = (demo_copy / "demo.toml").read_text().replace('"out/furthton.gpkg"', '"run.gpkg"')
    for name in ["zones.gpkg", "areas.geojson", "indicators.csv", "partners.csv"]:
        text = text.replace(f'"{name}"', json.dumps(str(demo_copy / name)))
    config.write_text(text)
    with pytest.raises(furthest.ConfigError, match="would overwrite the input named by the config file"):
        furthest.run(config)
    assert config.read_text() == text
    assert sorted(p.name for p in out.iterdir()) == ["run.manifest.json"]


def test_an_input_inside_the_outputs_version_folder_is_refused(demo_copy):
    config = config_for(demo_copy)
    furthest.run(config)
    versions = demo_copy / "out" / ".run.furthest"
    kept = versions / "zones-copy.gpkg"  # not an output (that is refused as overwriting), a file put there
    shutil.copyfile(demo_copy / "zones.gpkg", kept)
    config["zones"] = {"path": str(kept), "id": "zone_code", "layer": "zones"}
    with pytest.raises(furthest.ConfigError, match=r"lies inside '.*\.run\.furthest', where furthest keeps the versions"):
        furthest.run(config)
    assert kept.exists()
