"""Bad input gets a clear error, and nothing is half-written.

Each test copies the demo (Furthton) into ``tmp_path``, breaks one thing, and checks three
things: the exception type, that the message names the file, the row or feature, the column
and what was expected, and that the output folder is still empty (or, for an earlier output,
byte-identical).

Rows in CSV messages are data rows counted from 1 (the header is not counted); features in
vector messages are counted from 1 too (the GeoPackage FID).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Polygon

import furthest

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
N_ZONES = 300


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def toml_text(config: dict[str, Any]) -> str:
    """Just enough TOML for a furthest config: tables and arrays of tables of scalars and lists."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)  # JSON string escapes are valid in TOML basic strings
        if isinstance(v, list):
            return "[" + ", ".join(value(item) for item in v) + "]"
        if isinstance(v, dict):  # an inline table, e.g. [rollout] allocation = {budget = 200}
            return "{" + ", ".join(f"{key} = {value(item)}" for key, item in v.items()) + "}"
        raise TypeError(f"no TOML for {v!r}")

    lines: list[str] = []
    for name, section in config.items():
        header = f"[[{name}]]" if isinstance(section, list) else f"[{name}]"
        for table in section if isinstance(section, list) else [section]:
            lines += ["", header] + [f"{key} = {value(v)}" for key, v in table.items()]
    return "\n".join(lines).lstrip() + "\n"


class Case:
    """The demo copied into a folder of its own, with a config a test can break one thing in.

    ``config`` is the demo config as a dict with absolute paths into ``inputs``; the output goes
    to ``out/result.gpkg``, in a folder that holds nothing else.
    """

    def __init__(self, root: Path):
        self.root = root
        self.inputs = root / "in"
        shutil.copytree(DEMO, self.inputs, ignore=shutil.ignore_patterns("out", "*.toml", "*.py"))
        self.out_dir = root / "out"
        self.out_dir.mkdir()
        self.output = self.out_dir / "result.gpkg"
        self.manifest = self.out_dir / "result.manifest.json"

        config = tomllib.loads((DEMO / "demo.toml").read_text())
        for section in (config["zones"], config["areas"], config["partners"], config["population"], *config["indicators"]):
            section["path"] = str(self.inputs / section["path"])
        config["monitoring"]["path"] = str(self.inputs / config["monitoring"]["path"])
        config["output"]["path"] = str(self.output)
        self.config = config

    def write_config(self, name: str = "run.toml") -> Path:
        path = self.root / name
        path.write_text(toml_text(self.config))
        return path

    # -- breaking inputs ---------------------------------------------------------------------
    def read_zones(self) -> gpd.GeoDataFrame:
        return gpd.read_file(self.inputs / "zones.gpkg", layer="zones")

    def write_zones(self, zones: gpd.GeoDataFrame) -> None:
        (self.inputs / "zones.gpkg").unlink()
        zones.to_file(self.inputs / "zones.gpkg", layer="zones", driver="GPKG")

    def edit_csv(self, name: str, edit: Callable[[pd.DataFrame], pd.DataFrame | None]) -> None:
        """Read a CSV as text (blanks stay blank, "n/a" stays "n/a"), edit it, write it back."""
        path = self.inputs / name
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        edited = edit(frame)
        (frame if edited is None else edited).to_csv(path, index=False)

    def set_cell(self, name: str, row: int, column: str, value: str) -> None:
        """Set data row ``row`` (counted from 1, as the engine counts) of a CSV."""

        def edit(frame: pd.DataFrame) -> None:
            frame.loc[row - 1, column] = value

        self.edit_csv(name, edit)

    # -- looking at outputs ------------------------------------------------------------------
    def written(self) -> list[str]:
        """Everything in the output folder, hidden files included, except the version folder a
        committed run keeps beside its outputs (``.result.furthest``; see versions())."""
        return sorted(p.name for p in self.out_dir.iterdir() if p.name != ".result.furthest")

    def versions(self) -> list[str]:
        """The run folders of committed sets (the current one and the one it replaced)."""
        runs = self.out_dir / ".result.furthest" / "runs"
        return sorted(p.name for p in runs.iterdir()) if runs.exists() else []

    def stray_temp_files(self) -> list[str]:
        return sorted(p.name for p in self.out_dir.glob(".*.tmp-*"))


@pytest.fixture
def case(tmp_path: Path) -> Case:
    return Case(tmp_path)


def run_fails(case: Case, error: type[Exception], pattern: str, *, via: str = "toml") -> Exception:
    """Run the case's config, expect ``error`` with a message matching ``pattern``, and check
    that nothing at all was written to the output folder. A config file also goes through the
    command line, which must exit with status 2 and print the same message on one line."""
    config = case.config if via == "dict" else case.write_config()
    with pytest.raises(error, match=pattern) as caught:
        furthest.run(config)
    assert case.written() == [], f"a failed run left files behind: {case.written()}"
    if via == "toml":
        done = cli("run", "--quiet", config, cwd=case.root)
        assert done.returncode == 2, (done.returncode, done.stderr)
        line = assert_one_error_line(done.stderr)
        assert line == f"furthest: error: {caught.value}", line
        assert case.written() == [], f"a failed CLI run left files behind: {case.written()}"
    return caught.value


def cli(*args: Any, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("furthest")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "furthest"]
    return subprocess.run(command + [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=300)


def assert_one_error_line(stderr: str, *patterns: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one error line, got:\n{stderr}"
    assert lines[0].startswith("furthest: error: "), lines[0]
    for pattern in patterns:
        assert re.search(pattern, lines[0]), f"{pattern!r} not in {lines[0]!r}"
    return lines[0]


# --------------------------------------------------------------------------------------------
# 1. Missing files
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["toml", "dict"])
@pytest.mark.parametrize(
    "filename, pattern",
    [
        ("zones.gpkg", r"^zones: file '[^']*zones\.gpkg' does not exist"),
        ("indicators.csv", r"^indicator 'imd_score': file '[^']*indicators\.csv' does not exist"),
        ("partners.csv", r"^partners: file '[^']*partners\.csv' does not exist"),
    ],
    ids=["zones", "indicators", "partners"],
)
def test_missing_input_file(case: Case, filename: str, pattern: str, via: str) -> None:
    (case.inputs / filename).unlink()
    run_fails(case, furthest.InputError, pattern, via=via)


def test_input_path_that_is_a_folder(case: Case) -> None:
    case.config["zones"]["path"] = str(case.inputs)
    del case.config["zones"]["layer"]
    run_fails(case, furthest.InputError, r"^zones: '[^']*' is a folder; expected a file")


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(furthest.ConfigError, match=r"config '[^']*nowhere\.toml' does not exist"):
        furthest.run(tmp_path / "nowhere.toml")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["run", "validate"])
def test_missing_config_file_cli(tmp_path: Path, command: str) -> None:
    result = cli(command, tmp_path / "nowhere.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, r"nowhere\.toml", r"does not exist")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------
# 2. Missing columns and layers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "section, key, wrong, pattern",
    [
        ("zones", "id", "zone_cod", r"^zones: '[^']*zones\.gpkg' has no column 'zone_cod'; did you mean 'zone_code'\?"),
        (
            "indicators",
            "column",
            "imd_scor",
            r"^indicator 'imd_scor': '[^']*indicators\.csv' has no column 'imd_scor'; did you mean 'imd_score'\?",
        ),
        (
            "indicators",
            "key",
            "zonecode",
            r"^indicator 'imd_score': '[^']*indicators\.csv' has no column 'zonecode'; did you mean 'zone_code'\?",
        ),
        ("areas", "name", "lcp_nam", r"^areas: '[^']*areas\.geojson' has no column 'lcp_nam'; did you mean 'lcp_name'\?"),
    ],
    ids=["zones-id", "indicator-column", "indicator-key", "areas-name"],
)
def test_missing_column_suggests_near_miss(case: Case, section: str, key: str, wrong: str, pattern: str) -> None:
    table = case.config[section][0] if section == "indicators" else case.config[section]
    table[key] = wrong
    run_fails(case, furthest.InputError, pattern + r".*columns: .*")


def test_missing_column_far_from_any_lists_the_columns(case: Case) -> None:
    case.config["zones"]["id"] = "lsoa"
    error = run_fails(
        case, furthest.InputError, r"^zones: '[^']*zones\.gpkg' has no column 'lsoa'; columns: 'zone_code', 'zone_name'"
    )
    assert "did you mean" not in str(error)


def test_key_column_missing_from_indicator_file(case: Case) -> None:
    case.edit_csv("indicators.csv", lambda frame: frame.rename(columns={"zone_code": "code"}))
    run_fails(
        case, furthest.InputError, r"^indicator 'imd_score': '[^']*indicators\.csv' has no column 'zone_code'; columns: 'code', "
    )


def test_missing_layer_suggests_near_miss(case: Case) -> None:
    case.config["zones"]["layer"] = "zone"
    run_fails(
        case, furthest.InputError, r"^zones: '[^']*zones\.gpkg' has no layer 'zone'; did you mean 'zones'\?; layers: 'zones'"
    )


# --------------------------------------------------------------------------------------------
# 3. Duplicate and blank ids
# --------------------------------------------------------------------------------------------


def test_duplicate_zone_ids(case: Case) -> None:
    zones = case.read_zones()
    zones.loc[5, "zone_code"] = zones.loc[2, "zone_code"]  # features 6 and 3
    case.write_zones(zones)
    run_fails(
        case,
        furthest.InputError,
        r"^zones: '[^']*zones\.gpkg' feature 6, column 'zone_code': id 'FZ00003' repeats feature 3; "
        r"expected unique ids",
    )


def test_duplicate_indicator_keys_names_both_rows(case: Case) -> None:
    case.set_cell("indicators.csv", 10, "zone_code", "FZ00004")  # row 4 already has it
    run_fails(
        case,
        furthest.InputError,
        r"^indicator 'imd_score': '[^']*indicators\.csv' rows 4 and 10 both have key 'FZ00004' "
        r"in column 'zone_code'; expected one row per zone",
    )


def test_blank_zone_id(case: Case) -> None:
    zones = case.read_zones()
    zones.loc[4, "zone_code"] = None  # feature 5
    case.write_zones(zones)
    run_fails(
        case, furthest.InputError, r"^zones: '[^']*zones\.gpkg' feature 5, column 'zone_code': id is blank; expected a unique id"
    )


# --------------------------------------------------------------------------------------------
# 4. Indicator values
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["n/a", "abc", "1,23", "12,3456", "NaN", "inf"])
def test_non_numeric_indicator_value(case: Case, text: str) -> None:
    case.set_cell("indicators.csv", 7, "imd_score", text)
    run_fails(
        case,
        furthest.InputError,
        rf"^indicator 'imd_score': '[^']*indicators\.csv' row 7, column 'imd_score': "
        rf"'{re.escape(text)}' is not a number; expected a finite decimal number",
    )


@pytest.mark.parametrize("text, number", [("29,199", 29199.0), ("-1,234", -1234.0), ("1,234.5", 1234.5)])
def test_thousands_separators_are_read_as_numbers(case: Case, text: str, number: float) -> None:
    case.set_cell("indicators.csv", 7, "imd_score", text)
    assert f'"{text}"' in (case.inputs / "indicators.csv").read_text()  # quoted in the CSV, as in real data
    result = furthest.run(case.write_config())
    zones = result.zones.set_index("zone_code")
    assert zones.loc["FZ00007", "imd_score"] == number
    assert len(result.zones) == N_ZONES
    assert case.output.exists()


def test_blank_indicator_value_is_an_error_by_default(case: Case) -> None:
    case.set_cell("indicators.csv", 7, "imd_score", "")
    run_fails(
        case,
        furthest.InputError,
        r"^indicator 'imd_score': '[^']*indicators\.csv' column 'imd_score' is blank for 1 zones?: "
        r"FZ00007 \(row 7\); expected a number \(or set missing = \"mean\", \"median\", \"area_mean\", "
        r"\"drop\" or \"flag\"\)",
    )


@pytest.mark.parametrize("policy", ["mean", "median"])
def test_blank_indicator_value_is_imputed_when_asked(case: Case, policy: str) -> None:
    others = pd.read_csv(case.inputs / "indicators.csv").set_index("zone_code")["imd_score"].drop("FZ00007")
    fill = getattr(others, policy)()
    case.set_cell("indicators.csv", 7, "imd_score", "")
    case.config["indicators"][0]["missing"] = policy
    result = furthest.run(case.write_config())

    # The zones layer shows the input as read (blank); the scoring imputes and says so.
    assert len(result.zones) == N_ZONES
    zone = result.zones.set_index("zone_code").loc["FZ00007"]
    assert np.isnan(zone["imd_score"])
    notes = [
        w
        for w in result.warnings
        if re.search(rf"^scoring: indicator 'imd_score': 1 blank value imputed with the {policy}: FZ00007 = ", w)
    ]
    assert len(notes) == 1, result.warnings
    assert float(notes[0].rsplit("= ", 1)[1]) == pytest.approx(fill, rel=1e-5)
    imputed = [m for m in result.manifest["scoring"]["missing_values"] if m["indicator"] == "imd_score"]
    assert imputed == [{"indicator": "imd_score", "method": policy, "zones": 1}]

    # Scored exactly as if the file had held the imputed value.
    case.set_cell("indicators.csv", 7, "imd_score", repr(float(fill)))
    del case.config["indicators"][0]["missing"]
    filled = furthest.run(case.write_config("filled.toml"))
    np.testing.assert_allclose(result.zones["score"], filled.zones["score"], rtol=0, atol=1e-12)


@pytest.mark.parametrize("policy", ["drop", "flag"])
def test_blank_indicator_value_can_be_dropped_or_flagged(case: Case, policy: str) -> None:
    case.set_cell("indicators.csv", 7, "imd_score", "")
    case.config["indicators"][0]["missing"] = policy
    result = furthest.run(case.write_config())
    zone = result.zones.set_index("zone_code").loc["FZ00007"]
    assert len(result.zones) == N_ZONES  # no zone is dropped from the layer, whatever the policy
    if policy == "drop":
        assert np.isnan(zone["score"])
        assert any("left unscored" in w and "FZ00007" in w for w in result.warnings), result.warnings
    else:
        assert np.isfinite(zone["score"])
        assert any('left blank (missing = "flag"' in w and "FZ00007" in w for w in result.warnings), result.warnings


def test_blank_indicator_column_cannot_be_imputed(case: Case) -> None:
    case.edit_csv("indicators.csv", lambda frame: frame.assign(imd_score=""))
    case.config["indicators"][0]["missing"] = "mean"
    run_fails(
        case, furthest.InputError, r"^indicator 'imd_score': '[^']*indicators\.csv' column 'imd_score' is blank for every zone"
    )


# --------------------------------------------------------------------------------------------
# 5. Zones without an indicator row
# --------------------------------------------------------------------------------------------


def test_zones_without_indicator_row_are_named(case: Case) -> None:
    case.edit_csv("indicators.csv", lambda frame: frame.drop(index=[4, 10]))  # FZ00005, FZ00011
    run_fails(
        case,
        furthest.InputError,
        r"^indicator 'imd_score': '[^']*indicators\.csv' has no row for 2 of 300 zones "
        r"in key column 'zone_code': FZ00005, FZ00011; expected one row per zone",
    )


# --------------------------------------------------------------------------------------------
# 6. No coordinate reference system
# --------------------------------------------------------------------------------------------


def test_shapefile_without_prj(case: Case) -> None:
    case.read_zones().to_file(case.inputs / "zones.shp")
    (case.inputs / "zones.prj").unlink()
    case.config["zones"]["path"] = str(case.inputs / "zones.shp")
    del case.config["zones"]["layer"]
    run_fails(
        case, furthest.InputError, r"^zones: '[^']*zones\.shp' .*has no coordinate reference system; expected one \(a \.prj"
    )


# --------------------------------------------------------------------------------------------
# 7. Invalid geometry
# --------------------------------------------------------------------------------------------


def _replace_zone_geometry(case: Case, index: int, make: Callable[[tuple[float, ...]], Polygon]) -> str:
    zones = case.read_zones()
    zones.loc[index, "geometry"] = make(zones.geometry[index].bounds)
    case.write_zones(zones)
    return zones.loc[index, "zone_code"]


def bow_tie(bounds: tuple[float, ...]) -> Polygon:
    x0, y0, x1, y1 = bounds
    return Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])


def sliver(bounds: tuple[float, ...]) -> Polygon:
    x0, y0, x1, y1 = bounds  # three points on one line: no area at all
    return Polygon([(x0, y0), (x1, y1), ((x0 + x1) / 2, (y0 + y1) / 2), (x0, y0)])


def test_self_intersecting_zone_is_repaired_and_kept(case: Case) -> None:
    zone_id = _replace_zone_geometry(case, 7, bow_tie)
    assert zone_id == "FZ00008"
    result = furthest.run(case.write_config())

    assert len(result.zones) == N_ZONES
    kept = result.zones.set_index("zone_code").loc[zone_id]
    assert kept.geometry.is_valid and kept.geometry.area > 0
    assert pd.notna(kept["score"])
    notes = [w for w in result.warnings if zone_id in w and "repaired" in w]
    assert notes, result.warnings
    assert re.search(r"zones: '[^']*zones\.gpkg' feature 8 \(FZ00008\) had invalid geometry \(Self-intersection", notes[0])
    assert case.output.exists()


def test_zero_area_zone_is_a_geometry_error(case: Case) -> None:
    _replace_zone_geometry(case, 7, sliver)
    run_fails(case, furthest.GeometryError, r"feature 8 \(FZ00008\): polygon has zero area.*; expected a polygon with area")


def test_zero_area_zone_message_names_the_file(case: Case) -> None:
    _replace_zone_geometry(case, 7, sliver)
    run_fails(case, furthest.GeometryError, r"zones\.gpkg'? feature 8 \(FZ00008\)")


# --------------------------------------------------------------------------------------------
# 8. Config errors
# --------------------------------------------------------------------------------------------


def _typo_path(config: dict) -> None:
    config["zones"]["pathh"] = config["zones"].pop("path")


def _bad_direction(config: dict) -> None:
    config["indicators"][1]["direction"] = "lower_is_better"


def _no_output(config: dict) -> None:
    del config["output"]


def _output_not_gpkg(config: dict) -> None:
    config["output"]["path"] = config["output"]["path"].replace(".gpkg", ".shp")


def _unset_variable(config: dict) -> None:
    config["zones"]["path"] = "${NOT_SET_VAR}/zones.gpkg"


def _bad_missing_policy(config: dict) -> None:
    config["indicators"][0]["missing"] = "zero"


CONFIG_ERRORS = [
    pytest.param(
        _typo_path,
        r"unknown key 'pathh' in \[zones\] \(line \d+\); did you mean 'path'\?; "
        r"known keys: 'path', 'layer', 'id'",
        id="unknown-key",
    ),
    pytest.param(
        _bad_direction,
        r"'direction' in \[\[indicators\]\] #2 \(line \d+\) is 'lower_is_better'; "
        r"expected 'higher_is_more_need' or 'lower_is_more_need'",
        id="direction",
    ),
    pytest.param(_no_output, r"missing section \[output\]", id="no-output"),
    pytest.param(
        _output_not_gpkg,
        r"'path' in \[output\] is '[^']*result\.shp'; expected a GeoPackage path "
        r"ending in \.gpkg",
        id="output-not-gpkg",
    ),
    pytest.param(
        _unset_variable, r"'path' in \[zones\] uses \$\{NOT_SET_VAR\}, which is not set in the environment", id="unset-variable"
    ),
    pytest.param(
        _bad_missing_policy,
        r"'missing' in \[\[indicators\]\] #1 \(line \d+\) is 'zero'; "
        r"expected one of 'error', 'drop', 'mean', 'median', 'area_mean', 'flag'",
        id="missing-policy",
    ),
]


@pytest.mark.parametrize("break_config, pattern", CONFIG_ERRORS)
def test_config_error(case: Case, monkeypatch: pytest.MonkeyPatch, break_config, pattern: str) -> None:
    monkeypatch.delenv("NOT_SET_VAR", raising=False)
    break_config(case.config)
    run_fails(case, furthest.ConfigError, r"^config '[^']*run\.toml': " + pattern)


def test_config_error_from_a_dict(case: Case) -> None:
    _typo_path(case.config)
    run_fails(case, furthest.ConfigError, r"^config <dict>: unknown key 'pathh' in \[zones\]; did you mean 'path'\?", via="dict")


@pytest.mark.parametrize(
    "value, pattern",
    [
        (
            object(),
            r"^config <dict>\.indicators\[0\]\.weight: unsupported value of type object; expected str, int, float, "
            r"bool, path, dict or list$",
        ),
        (float("nan"), r"^config <dict>\.indicators\[0\]\.weight: nan is not a finite number"),
        (float("inf"), r"^config <dict>\.indicators\[0\]\.weight: inf is not a finite number"),
        (2**70, r"^config <dict>\.indicators\[0\]\.weight: \d+ is too large"),
    ],
    ids=["object", "nan", "inf", "huge-int"],
)
def test_dict_values_json_cannot_carry_are_refused(case: Case, value: Any, pattern: str) -> None:
    case.config["indicators"][0]["weight"] = value
    run_fails(case, furthest.ConfigError, pattern, via="dict")


def test_dict_keys_must_be_strings(case: Case) -> None:
    case.config["zones"][1] = "x"
    run_fails(case, furthest.ConfigError, r"^config <dict>\.zones: keys must be strings$", via="dict")


def test_deeply_nested_dict_is_a_config_error(case: Case) -> None:
    deep: dict[str, Any] = {}
    inner = deep
    for _ in range(sys.getrecursionlimit() + 100):
        inner["x"] = {}
        inner = inner["x"]
    case.config["run"] = deep
    run_fails(case, furthest.ConfigError, r"^config <dict>.*nested", via="dict")


def test_dict_paths_and_numpy_scalars_are_taken_as_plain_values(case: Case) -> None:
    # None means "not set", os.PathLike is its path, NumPy scalars are numbers: as in a TOML file.
    case.config["zones"]["path"] = Path(case.config["zones"]["path"])
    case.config["indicators"][0]["weight"] = np.float32(2.0)
    case.config["areas"]["name"] = None
    case.config["run"] = {"threads": np.int64(1)}
    given = furthest.validate(case.config).manifest["config"]
    assert given["zones"]["path"] == str(case.config["zones"]["path"])
    assert given["indicators"][0]["weight"] == 2.0 and isinstance(given["indicators"][0]["weight"], float)
    assert given["run"] == {"threads": 1}
    assert "name" not in given["areas"]


def test_scoring_spec_dict_goes_through_the_same_conversion() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    with pytest.raises(furthest.ConfigError, match=r"^<dict>\.indicators\[0\]\.weight: nan is not a finite number"):
        furthest.score(df, {"indicators": [{"name": "a", "weight": float("nan")}]})
    assert furthest.score(df, {"indicators": [{"name": "a", "weight": np.int32(2)}]})["rank"].tolist() == [3, 2, 1]


def test_config_error_weight_not_a_number(case: Case) -> None:
    case.config["indicators"][0]["weight"] = "heavy"
    run_fails(
        case, furthest.ConfigError, r"^config '[^']*run\.toml': 'weight' in \[\[indicators\]\] #1 \(line \d+\) must be a number"
    )


@pytest.mark.parametrize(
    "bad_line, pattern",
    [
        ('id = "zone_code', r"Error while parsing string"),
        ("id = zone_code", r"could not determine value type"),
        ("[zones", r"expected '\]'"),
    ],
)
def test_toml_syntax_error_names_the_line(case: Case, bad_line: str, pattern: str) -> None:
    path = case.write_config()
    lines = path.read_text().splitlines()
    number = lines.index('id = "zone_code"') + 1  # the [zones] id, counted from 1
    lines[number - 1] = bad_line
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(furthest.ConfigError, match=rf"^config '[^']*run\.toml' line {number}, column \d+: .*{pattern}"):
        furthest.run(path)
    assert case.written() == []


# --------------------------------------------------------------------------------------------
# 9. Network paths stay off
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/vsicurl/http://example.com/x.geojson",
        "/vsicurl/http://10.255.255.1/x.geojson",  # unroutable: a connection attempt would hang
        "/vsizip//vsicurl/http://example.com/x.zip/zones.shp",
    ],
)
def test_network_path_is_refused_without_connecting(case: Case, path: str) -> None:
    case.config["zones"]["path"] = path
    del case.config["zones"]["layer"]
    start = time.monotonic()
    run_fails(
        case,
        furthest.ConfigError,
        rf"^config .*: \[zones\] path '{re.escape(path)}' is a network path; network access is off "
        r"\(set allow_network = true under \[run\]",
    )
    assert time.monotonic() - start < 10, "refusing a network path should not wait on the network"


# --------------------------------------------------------------------------------------------
# 10. Atomic outputs
# --------------------------------------------------------------------------------------------


def test_failed_run_leaves_earlier_output_byte_identical(case: Case) -> None:
    furthest.run(case.write_config())
    before = {name: (case.out_dir / name).read_bytes() for name in case.written()}
    assert set(before) == {"result.gpkg", "result.manifest.json"}

    case.config["indicators"][0]["column"] = "imd_scor"  # same output path, broken input
    with pytest.raises(furthest.InputError, match=r"indicators\.csv' has no column 'imd_scor'"):
        furthest.run(case.write_config())

    assert case.written() == sorted(before)
    assert case.stray_temp_files() == []
    assert len(case.versions()) == 1
    for name, content in before.items():
        assert (case.out_dir / name).read_bytes() == content, f"{name} changed after a failed run"


def test_failure_while_writing_leaves_earlier_output_byte_identical(case: Case) -> None:
    """The manifest cannot be put in place (a folder sits at its path): the new GeoPackage must
    not replace the old one either, and no temporary file may remain."""
    furthest.run(case.write_config())
    before = case.output.read_bytes()
    case.manifest.unlink()
    case.manifest.mkdir()

    with pytest.raises(furthest.OutputError, match=r"result\.manifest\.json"):
        furthest.run(case.write_config())

    assert case.output.read_bytes() == before
    assert case.stray_temp_files() == []
    assert case.written() == ["result.gpkg", "result.manifest.json"]
    assert len(case.versions()) == 1, "the failed run's version folder was not removed"


# --------------------------------------------------------------------------------------------
# 11. Read-only output folder
# --------------------------------------------------------------------------------------------


def test_read_only_output_folder(case: Case) -> None:
    config = case.write_config()
    case.out_dir.chmod(0o555)
    try:
        if os.access(case.out_dir, os.W_OK):
            pytest.skip("this user can write to a 0o555 folder (root with CAP_DAC_OVERRIDE)")
        with pytest.raises(furthest.OutputError, match=r"output folder '[^']*out' is not writable"):
            furthest.run(config)
        assert case.written() == []
    finally:
        case.out_dir.chmod(0o755)


# --------------------------------------------------------------------------------------------
# 12. Command line
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "validate"])
def test_cli_broken_config_exits_2_with_one_error_line(case: Case, command: str) -> None:
    case.config["indicators"][0]["column"] = "imd_scor"
    options = ["--quiet"] if command == "run" else []
    result = cli(command, *options, case.write_config(), cwd=case.root)
    assert result.returncode == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, r"indicators\.csv' has no column 'imd_scor'", r"did you mean 'imd_score'")
    assert case.written() == []


def test_cli_validate_good_config_exits_0_and_writes_nothing(case: Case) -> None:
    config = case.write_config()
    before = sorted(p.relative_to(case.root) for p in case.root.rglob("*"))
    result = cli("validate", config, cwd=case.root)
    assert result.returncode == 0, result.stderr
    assert "furthest: error" not in result.stderr
    assert re.search(r"^valid: 300 zones scored", result.stdout, re.M)
    assert case.written() == []
    assert sorted(p.relative_to(case.root) for p in case.root.rglob("*")) == before


def test_python_validate_raises_like_run_and_writes_nothing(case: Case) -> None:
    case.config["zones"]["id"] = "zone_cod"
    with pytest.raises(furthest.InputError, match=r"zones\.gpkg' has no column 'zone_cod'; did you mean 'zone_code'"):
        furthest.validate(case.write_config())
    assert case.written() == []


# --------------------------------------------------------------------------------------------
# 13. Wrong geometry type
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "to_wrong_type, type_name",
    [
        (lambda geometry: geometry.representative_point(), r"Point"),
        (lambda geometry: geometry.boundary, r"Line ?String"),
    ],
    ids=["points", "lines"],
)
def test_wrong_geometry_type_for_zones(case: Case, to_wrong_type, type_name: str) -> None:
    zones = case.read_zones()
    zones["geometry"] = to_wrong_type(zones.geometry)
    case.write_zones(zones)
    run_fails(
        case, furthest.InputError, rf"^zones: '[^']*zones\.gpkg' feature 1 \(FID 1\): geometry is {type_name}; expected Polygon"
    )


def test_missing_zone_geometry(case: Case) -> None:
    zones = case.read_zones()
    zones.loc[4, "geometry"] = None  # feature 5
    case.write_zones(zones)
    run_fails(
        case,
        furthest.InputError,
        r"^zones: '[^']*zones\.gpkg' feature 5 \(FID 5\): geometry is missing or empty; expected a polygon",
    )


def test_table_without_geometry_as_zones(case: Case) -> None:
    case.config["zones"]["path"] = str(case.inputs / "indicators.csv")
    del case.config["zones"]["layer"]
    run_fails(case, furthest.InputError, r"^zones: '[^']*indicators\.csv' .*no geometry.*expected Polygon")


# --------------------------------------------------------------------------------------------
# 14. Partners
# --------------------------------------------------------------------------------------------


def test_partner_with_blank_latitude(case: Case) -> None:
    case.set_cell("partners.csv", 3, "lat", "")
    run_fails(
        case, furthest.InputError, r"^partners: '[^']*partners\.csv' row 3: coordinate column 'lat' is blank; expected a number"
    )


def test_partner_with_non_numeric_latitude(case: Case) -> None:
    case.set_cell("partners.csv", 3, "lat", "north")
    run_fails(
        case, furthest.InputError, r"^partners: '[^']*partners\.csv' row 3, column 'lat': 'north' is not a number; expected a"
    )


def test_partner_non_numeric_latitude_does_not_offer_blank(case: Case) -> None:
    case.set_cell("partners.csv", 3, "lat", "north")
    error = run_fails(case, furthest.InputError, r"partners\.csv' row 3, column 'lat'")
    assert "blank" not in str(error)


# --------------------------------------------------------------------------------------------
# 15. Partners placed by postcode: a directory made beside the demo (Furthton's made-up "FT"
#     postcodes at the partners' coordinates, and one terminated postcode without any)
# --------------------------------------------------------------------------------------------


def by_postcode(case: Case, **postcodes: Any) -> None:
    """Give every partner a postcode FT1 1AA, FT1 1AB, ... and place them by it."""
    partners = pd.read_csv(case.inputs / "partners.csv", dtype=str, keep_default_na=False)
    codes = [f"FT{1 + i // 26} 1A{chr(ord('A') + i % 26)}" for i in range(len(partners))]
    directory = pd.DataFrame(
        {"pcds": codes + ["FT9 9ZZ"], "lat": list(partners["lat"]) + [""], "long": list(partners["lon"]) + [""]}
    )
    directory.to_csv(case.inputs / "postcodes.csv", index=False)
    partners["postcode"] = codes
    partners.to_csv(case.inputs / "partners.csv", index=False)
    for key in ("x", "y", "crs"):
        del case.config["partners"][key]
    case.config["partners"]["postcode"] = "postcode"
    case.config["postcodes"] = {
        "path": str(case.inputs / "postcodes.csv"),
        "postcode": "pcds",
        "x": "long",
        "y": "lat",
        "crs": "EPSG:4326",
        **postcodes,
    }


@pytest.mark.parametrize(
    "text, pattern",
    [
        (
            "FT1 1AZ",
            r"'FT1 1AZ' is not in the postcode directory; did you mean 'FT1 1A[A-Y]'\?; expected a current postcode listed",
        ),
        ("FT1 1A", r"'FT1 1A' is not shaped like a UK postcode; expected a postcode such as 'LS1 4AP'"),
        ("not known", r"'not known' is not shaped like a UK postcode"),
        ("", r"'' is blank; expected a postcode"),
        ("FT9 9ZZ", r"'FT9 9ZZ' is in the postcode directory without coordinates; expected a current postcode"),
    ],
)
def test_partner_postcode_that_cannot_be_placed(case: Case, text: str, pattern: str) -> None:
    by_postcode(case)
    case.set_cell("partners.csv", 4, "postcode", text)
    run_fails(case, furthest.InputError, r"^partners: '[^']*partners\.csv' row 4, column 'postcode': " + pattern)


def test_unplaceable_postcodes_are_left_out_and_listed_when_asked(case: Case) -> None:
    by_postcode(case, unmatched="warn")
    case.set_cell("partners.csv", 4, "postcode", "FT1 1AZ")
    case.set_cell("partners.csv", 7, "postcode", "FT9 9ZZ")
    result = furthest.run(case.write_config())
    assert len(result.partners) == 23
    warning = next(w for w in result.warnings if "left out" in w)
    assert re.search(
        r"partners\.csv': 2 rows of 25 left out, their postcode could not be placed: "
        r"row 4 'FT1 1AZ' \(not in the postcode directory; did you mean .*\), "
        r"row 7 'FT9 9ZZ' \(in the postcode directory without coordinates\)",
        warning,
    ), warning
    assert (warning.stage, warning.code, warning.ids) == ("locating partners", "postcodes_unmatched", ("row 4", "row 7"))
    recorded = json.loads(case.manifest.read_text())["warnings"]
    assert {"stage": warning.stage, "code": warning.code, "message": str(warning), "ids": list(warning.ids)} in recorded


def test_postcode_directory_with_conflicting_rows(case: Case) -> None:
    by_postcode(case)
    directory = pd.read_csv(case.inputs / "postcodes.csv", dtype=str, keep_default_na=False)
    directory.loc[len(directory)] = ["ft11ab", "53.0", "-1.0"]  # FT1 1AB again, elsewhere
    directory.to_csv(case.inputs / "postcodes.csv", index=False)
    run_fails(
        case,
        furthest.InputError,
        r"^postcodes: '[^']*postcodes\.csv' lists 1 postcode more than once with "
        r"different coordinates",
    )


def test_postcode_directory_row_that_is_not_a_postcode(case: Case) -> None:
    by_postcode(case)
    case.set_cell("postcodes.csv", 2, "pcds", "FT1-1AB")
    run_fails(
        case,
        furthest.InputError,
        r"^postcodes: '[^']*postcodes\.csv' row 2, column 'pcds': 'FT1-1AB' is not "
        r"shaped like a UK postcode",
    )


def test_postcode_without_a_directory_is_a_config_error(case: Case) -> None:
    by_postcode(case)
    del case.config["postcodes"]
    run_fails(case, furthest.ConfigError, r"\[partners\] places its rows by 'postcode' but the config has no \[postcodes\]")


def test_postcode_and_coordinates_together_is_a_config_error(case: Case) -> None:
    by_postcode(case)
    case.config["partners"].update(x="lon", y="lat", crs="EPSG:4326")
    run_fails(case, furthest.ConfigError, r"\[partners\] gives both 'x'/'y' and 'postcode'")


def test_unknown_unmatched_policy_suggests(case: Case) -> None:
    by_postcode(case, unmatched="warns")
    run_fails(case, furthest.ConfigError, r"'unmatched' in \[postcodes\] \(line \d+\) is 'warns'; did you mean 'warn'\?")


def test_postcode_directory_column_typo(case: Case) -> None:
    by_postcode(case)
    case.config["postcodes"]["x"] = "lng"
    run_fails(
        case,
        furthest.InputError,
        r"^postcodes: '[^']*postcodes\.csv' has no column 'lng'; did you mean 'long'\?; "
        r"columns: 'pcds', 'lat', 'long'",
    )


# --------------------------------------------------------------------------------------------
# No silent wrong numbers (issue 13)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1e200, 1.7e308 / 4, 1.7e308])
@pytest.mark.parametrize("normalise", ["z_score", "min_max"])
def test_huge_finite_values_score_like_their_scaled_copy(scale: float, normalise: str) -> None:
    """z-scores and min-max are scale-free: a column times 1e200 (or near the largest double)
    scores exactly like the plain column, instead of overflowing and dropping out."""
    plain = pd.DataFrame({"a": [1.0, -0.5, 0.25, 0.75, -1.0], "b": [3.0, 1.0, 2.0, 5.0, 4.0]}, index=list("VWXYZ"))
    huge = plain.assign(a=plain["a"] * scale)
    spec = {"normalise": normalise, "indicators": [{"name": "a"}, {"name": "b"}]}
    expected, got = furthest.score(plain, spec), furthest.score(huge, spec)
    assert np.isfinite(got["score"]).all()
    np.testing.assert_allclose(got["score"], expected["score"], rtol=1e-12, atol=1e-12)
    assert list(got["rank"]) == list(expected["rank"])


def test_a_lone_zone_is_rank_1_and_decile_1() -> None:
    out = furthest.score(pd.DataFrame({"a": [5.0]}, index=["E01"]), {"indicators": [{"name": "a"}]})
    assert (out["rank"].iloc[0], out["decile"].iloc[0], out["quintile"].iloc[0]) == (1, 1, 1)


def test_a_duplicated_header_is_refused(case: Case) -> None:
    path = case.inputs / "indicators.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    column = header.index("imd_score")
    lines[0] = ",".join(header + ["imd_score"])
    lines[1:] = [line + ",0" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n")
    run_fails(
        case,
        furthest.InputError,
        rf"indicators\.csv': column name 'imd_score' appears twice \(columns {column + 1} and {len(header) + 1}\)",
    )


def test_score_keywords_meet_the_configs_caps() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0]}, index=["E01", "E02", "E03"])
    started = time.monotonic()
    with pytest.raises(furthest.ConfigError, match=r"'draws' is 1000000000000; expected a whole number from 0 to 1,000,000"):
        furthest.score(df, {"indicators": [{"name": "a"}]}, draws=10**12)
    assert time.monotonic() - started < 5
    with pytest.raises(
        furthest.ConfigError, match=r"'k' in \[scoring\.classes\] is 33755; expected a whole number from 1 to 100"
    ):
        furthest.score(df, {"indicators": [{"name": "a"}], "classes": {"k": 33755}})


# --- bytes no encoding explains -------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [b"\xff\xfe\x00\xd8", b"\xc0\xaf\xed\xa0\x80", b"ok \xc3\xa9 then \xe9", b"\x81\x8d\x8f\x90\x9d", b"\x00\x00\x00"],
)
def test_any_bytes_in_a_cell_give_a_result_or_a_furthest_error(case: Case, cell: bytes) -> None:
    """Never a UnicodeDecodeError: what reaches Python and the outputs is valid UTF-8."""
    path = case.inputs / "partners.csv"
    lines = path.read_bytes().split(b"\n")
    fields = lines[1].split(b",")
    fields[1] = cell
    lines[1] = b",".join(fields)
    path.write_bytes(b"\n".join(lines))
    try:
        result = furthest.run(case.config)
    except furthest.Error as error:
        str(error).encode("utf-8")  # a message Python can print and encode
        return
    name = result.partners.set_index("partner_id")["name"].iloc[0]
    assert isinstance(name, str)
    name.encode("utf-8")  # strict: no lone surrogates


def test_a_huge_cell_is_named_not_echoed(case: Case) -> None:
    # 1 MB: GDAL's CSV driver itself stops at lines of 10 MB, with its own message.
    case.set_cell("indicators.csv", 1, "imd_score", "9" * 1_000_000 + "x")
    error = run_fails(case, furthest.InputError, r"is not a number", via="dict")
    assert len(str(error)) < 1000
    assert "(1000001 bytes in all)" in str(error)


def test_malformed_bytes_in_a_geojson_give_a_furthest_error_not_a_unicode_error(case: Case) -> None:
    (case.inputs / "areas.geojson").write_bytes(
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        b'{"lcp_code":"\xff\xfe\xc0","lcp_name":"\xe9"},"geometry":\xff\xfe}]}'
    )
    with pytest.raises(furthest.Error) as caught:
        furthest.run(case.config)
    str(caught.value).encode("utf-8")


# --------------------------------------------------------------------------------------------
# Output names checked at validate time (GeoPackage, CSV and XLSX rules)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fid", "FID", "geometry", "Geometry"])
def test_indicator_named_like_a_geopackage_column_is_refused_before_reading(case: Case, name: str) -> None:
    case.config["indicators"][0]["name"] = name
    case.config["indicators"][0]["path"] = str(case.inputs / "not-there.csv")  # never opened
    with pytest.raises(
        furthest.ConfigError,
        match=rf"\[\[indicators\]\] #1 name '{name}' \(column 'imd_score' of '.*not-there\.csv'\): the output column '{name}'",
    ) as caught:
        furthest.validate(case.config)
    assert "does not exist" not in str(caught.value)
    # Named by the input file and column, never a temporary or in-memory copy.
    assert "/vsimem/" not in str(caught.value) and ".tmp-" not in str(caught.value)
    assert case.written() == []


def test_names_differing_only_in_case_are_refused_at_validate(case: Case) -> None:
    case.config["indicators"][0]["name"] = "Score"  # the run writes 'score' too; SQLite sees one name
    with pytest.raises(furthest.ConfigError, match=r"name 'Score' .*differs only in case from 'score'.*ignore case"):
        furthest.validate(case.write_config())
    done = cli("validate", case.write_config(), cwd=case.root)
    assert done.returncode == 2 and "differs only in case" in done.stderr
    assert case.written() == []


def test_zone_id_called_fid_is_refused_at_validate(case: Case) -> None:
    case.config["zones"]["id"] = "fid"
    with pytest.raises(furthest.ConfigError, match=r"\[zones\] id \(column 'fid' of '.*zones\.gpkg'\).*feature id"):
        furthest.validate(case.config)


def test_partner_columns_a_geopackage_cannot_take_are_renamed_and_reported(case: Case) -> None:
    # A QGIS export carries 'fid'; another tool wrote 'Name' beside 'name'.
    case.edit_csv("partners.csv", lambda frame: frame.assign(fid=range(1, len(frame) + 1), Name=frame["name"].str.upper()))
    case.config["output"]["tables"] = ["csv", "xlsx"]
    result = furthest.run(case.write_config())
    renamed = [w for w in result.warnings if w.code == "column_renamed"]
    assert {w.ids[0] for w in renamed} == {"fid", "Name"}
    assert any("partners.csv': column 'fid' is written to the partners layer as 'fid_1'" in w for w in renamed)
    assert any("'Name' is written to the partners layer as 'Name_1'" in w and "ignore case" in w for w in renamed)
    written = pyogrio.read_dataframe(case.output, layer="partners")
    assert {"fid_1", "Name_1", "name"} <= set(written.columns)
    assert list(written["fid_1"].astype(int)) == list(range(1, len(written) + 1))
