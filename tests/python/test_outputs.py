"""What a planner opens: names beside codes, layers that open styled in QGIS, spreadsheets whose
numbers are numbers, and a report title and attribution in the manifest and the workbook.

Read back without furthest: the GeoPackage's layer_styles with sqlite3 and the QML/SLD with
xml.etree, the workbook with openpyxl, the layers with pyogrio.
"""

from __future__ import annotations

import json
import sqlite3
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

import furthest

DECILE_COLOURS = ["#a50026", "#d73027", "#f46d43", "#fdae61", "#fee090", "#e0f3f8", "#abd9e9", "#74add1", "#4575b4", "#313695"]
GAP_COLOURS = {
    "high need, low support": "#b30000",
    "high need, medium support": "#e34a33",
    "high need, high support": "#fdbb84",
    "medium need, low support": "#fc8d59",
    "medium need, medium support": "#fdd49e",
    "medium need, high support": "#fef0d9",
    "low need, low support": "#d9d9d9",
    "low need, medium support": "#bdbdbd",
    "low need, high support": "#969696",
}
WAVE_COLOURS = {0: "#bdbdbd", 1: "#54278f", 2: "#756bb1", 3: "#9e9ac8", 4: "#cbc9e2", 5: "#f2f0f7"}
SE = "{http://www.opengis.net/se}"


def qgis_colour(hex_colour: str) -> str:
    """QGIS writes #a50026 as '165,0,38,255'."""
    return ",".join(str(int(hex_colour[i : i + 2], 16)) for i in (1, 3, 5)) + ",255"


def layer_styles(gpkg: Path) -> list[dict]:
    with sqlite3.connect(gpkg) as db:
        db.row_factory = sqlite3.Row
        rows = [dict(r) for r in db.execute("SELECT * FROM layer_styles ORDER BY id")]
        registered = db.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
    assert registered is not None and registered[0] == "attributes", "layer_styles is a registered attribute table"
    return rows


def categories(qml: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """The renderer's attribute and, per category value, (label, fill colour)."""
    root = ET.fromstring(qml)
    renderer = root.find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "categorizedSymbol"
    symbols = {}
    for symbol in renderer.find("symbols"):
        colour = [o.get("value") for o in symbol.iter("Option") if o.get("name") == "color"]
        symbols[symbol.get("name")] = colour[0]
    classes = {c.get("value"): (c.get("label"), symbols[c.get("symbol")]) for c in renderer.find("categories")}
    return renderer.get("attr"), classes


def sld_fills(sld: str) -> dict[str, str]:
    """Per rule name, its fill colour."""
    root = ET.fromstring(sld)
    fills = {}
    for rule in root.iter(SE + "Rule"):
        fill = [p.text for p in rule.iter(SE + "SvgParameter") if p.get("name") == "fill"]
        fills[rule.find(SE + "Name").text] = fill[0]
    return fills


@pytest.fixture()
def hubs_config(demo_copy: tuple[Path, dict]) -> dict:
    """The demo with its Digital Health Hubs as existing hubs and the other partners as candidates."""
    folder, config = demo_copy
    partners = config.pop("partners")
    config["partners"] = [
        dict(partners, name="hubs", where="type = 'digital_health_hub'"),
        dict(partners, name="others", where="type <> 'digital_health_hub'"),
    ]
    config["rollout"]["hubs"] = {"candidates": ["others"], "existing": ["hubs"], "waves": [2, 1]}
    config["output"]["tables"] = ["csv", "xlsx"]
    return config


# ---- layers that open styled in QGIS --------------------------------------------------------


def test_every_styled_layer_has_one_default_style_in_the_palette(hubs_config: dict) -> None:
    result = furthest.run(hubs_config)
    gpkg = Path(result.output_path)
    rows = layer_styles(gpkg)
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    by_table: dict[str, list[dict]] = {}
    for row in rows:
        assert row["f_table_schema"] == "" and row["f_table_catalog"] == ""
        assert row["f_geometry_column"] == "geometry"
        assert row["f_table_name"] in layers
        assert row["update_time"].startswith("2000-01-01")  # fixed: equal runs, equal bytes
        by_table.setdefault(row["f_table_name"], []).append(row)
    assert set(by_table) == {"zones", "rollout", "area_waves", "sites"}
    for table, styles in by_table.items():
        assert sum(s["useAsDefault"] for s in styles) == 1, table
    styles = {(r["f_table_name"], r["styleName"]): r for r in rows}

    # Zones by need decile: the default, 1 = most need in dark red, labelled so.
    deciles = styles[("zones", "need decile")]
    assert deciles["useAsDefault"] == 1
    attr, classes = categories(deciles["styleQML"])
    assert attr == "decile"
    assert {int(v): c for v, (_, c) in classes.items()} == {d + 1: qgis_colour(c) for d, c in enumerate(DECILE_COLOURS)}
    assert classes["1"][0] == "1 (most need)" and classes["10"][0] == "10 (least need)" and classes["5"][0] == "5"
    assert sld_fills(deciles["styleSLD"]) == {
        ("1 (most need)" if d == 0 else "10 (least need)" if d == 9 else str(d + 1)): c for d, c in enumerate(DECILE_COLOURS)
    }

    # The gap, as a second style QGIS lists for the zones.
    gap = styles[("zones", "need-support gap")]
    assert gap["useAsDefault"] == 0
    attr, classes = categories(gap["styleQML"])
    assert attr == "gap_class"
    assert {v: c for v, (_, c) in classes.items()} == {k: qgis_colour(c) for k, c in GAP_COLOURS.items()}
    zones = gpd.read_file(gpkg, layer="zones")
    assert set(zones["gap_class"].dropna()) <= set(GAP_COLOURS), "every class the run writes has its colour"

    # Waves: the plan's own waves, each in its colour.
    for table, column in [("rollout", "zone_wave"), ("area_waves", "area_wave")]:
        default = next(s for s in by_table[table] if s["useAsDefault"])
        attr, classes = categories(default["styleQML"])
        assert attr == column, table
        written = set(pyogrio.read_dataframe(gpkg, layer=table, read_geometry=False)[column].dropna().astype(int))
        assert {int(v) for v in classes} == written, table
        for value, (label, colour) in classes.items():
            assert colour == qgis_colour(WAVE_COLOURS[min(int(value), 5)]), (table, value)
            assert label == ("wave 0 (done / pilot)" if value == "0" else f"wave {value}")

    # Sites: existing hubs black squares, new hubs stars in their wave's colour, the rest grey circles.
    sites = styles[("sites", "hub sites")]
    root = ET.fromstring(sites["styleQML"])
    renderer = root.find("renderer-v2")
    assert '"status"' in renderer.get("attr") and '"wave"' in renderer.get("attr")
    marks = {}
    for symbol in renderer.find("symbols"):
        options = {o.get("name"): o.get("value") for o in symbol.iter("Option") if o.get("name")}
        marks[symbol.get("name")] = (options["name"], options["color"])
    shown = {c.get("value"): marks[c.get("symbol")] for c in renderer.find("categories")}
    assert shown["existing hub"] == ("square", "0,0,0,255")
    assert shown["candidate"] == ("circle", qgis_colour("#969696"))
    assert shown["new hub, wave 1"] == ("star", qgis_colour(WAVE_COLOURS[1]))
    assert shown["new hub, wave 2"] == ("star", qgis_colour(WAVE_COLOURS[2]))
    table = pyogrio.read_dataframe(gpkg, layer="sites", read_geometry=False)
    assert set(table["status"]) == {"existing hub", "new hub", "candidate"}
    assert sld_fills(sites["styleSLD"])["new hub, wave 1"] == WAVE_COLOURS[1]


def test_the_demo_gpkg_lists_layer_styles_beside_the_catalogue(demo_copy: tuple[Path, dict]) -> None:
    _, config = demo_copy
    result = furthest.run(config)
    layers = set(pyogrio.list_layers(result.output_path)[:, 0])
    assert layers == set(result) | {"layer_styles"}
    assert "sites" not in {r["f_table_name"] for r in layer_styles(Path(result.output_path))}


# ---- names beside codes -------------------------------------------------------------------


def test_zone_names_follow_the_zone_ids_into_every_table(demo_copy: tuple[Path, dict]) -> None:
    _, config = demo_copy
    result = furthest.run(config)
    zones = result.zones
    name_of = dict(zip(zones["zone_code"], zones["zone_name"], strict=True))
    assert list(zones.columns[:2]) == ["zone_code", "zone_name"]
    for table in ["rollout", "zone_areas", "partners"]:
        frame = result[table]
        columns = list(frame.columns)
        assert columns.index("zone_name") == columns.index("zone_id") + 1, table
        assert columns.index("area_name") == columns.index("area_id") + 1, table
        placed = frame["zone_id"].notna()
        assert (frame.loc[placed, "zone_name"] == frame.loc[placed, "zone_id"].map(name_of)).all(), table
    areas = dict(zip(result.areas["area_id"], result.areas["area_name"], strict=True))
    allocation = result["allocation"]
    assert list(allocation.columns[:2]) == ["recipient_id", "area_name"]
    assert (allocation["area_name"] == allocation["recipient_id"].map(areas)).all()
    assert "area_name" in result["area_waves"]


def test_a_blank_zone_name_is_allowed_and_reported_once(demo_copy: tuple[Path, dict]) -> None:
    folder, config = demo_copy
    zones = gpd.read_file(folder / "zones.gpkg", layer="zones")
    zones.loc[[3, 7], "zone_name"] = None
    zones.to_file(folder / "zones_blank.geojson", driver="GeoJSON")
    config["zones"].update(path=str(folder / "zones_blank.geojson"), layer=None)
    result = furthest.validate(config)
    blank = [w for w in result.warnings if w.code == "zone_names_blank"]
    assert len(blank) == 1
    assert list(blank[0].ids) == [zones["zone_code"][3], zones["zone_code"][7]]
    assert "zones_blank.geojson" in str(blank[0]) and "'zone_name'" in str(blank[0])
    assert result.zones["zone_name"].isna().sum() == 2


def test_a_missing_zone_name_column_names_the_file_and_column(demo_copy: tuple[Path, dict]) -> None:
    _, config = demo_copy
    config["zones"]["name"] = "lsoa21_name"
    with pytest.raises(furthest.InputError, match=r"zones\.gpkg' has no column 'lsoa21_name'"):
        furthest.validate(config)


@pytest.mark.realdata
def test_leeds_zones_carry_their_lsoa_names(shared_data: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FURTHEST_DATA", str(shared_data))
    example = Path(__file__).resolve().parents[2] / "examples" / "leeds_wards.toml"
    config = tomllib.loads(example.read_text())
    assert config["zones"]["name"] == "lsoa21_name"
    result = furthest.validate(example)
    zones = result.zones.set_index("lsoa21_code")
    assert zones["zone_name"].str.fullmatch(r"Leeds \d{3}[A-Z]").all()
    assert result["rollout"]["zone_name"].notna().all()


# ---- the report's title and attribution ---------------------------------------------------


def test_the_manifest_carries_the_report(demo_copy: tuple[Path, dict], demo_dir: Path, tmp_path: Path) -> None:
    _, config = demo_copy
    manifest = furthest.run(config).manifest
    demo = tomllib.loads((demo_dir / "demo.toml").read_text())["report"]
    assert manifest["report"] == {"title": demo["title"], "attribution": demo["attribution"]}
    assert "synthetic" in manifest["report"]["attribution"][0].lower()
    # A dict without [report]: a plain title and no attribution, but the section is there.
    del config["report"]
    config["output"]["path"] = str(tmp_path / "plain" / "p.gpkg")
    assert furthest.run(config).manifest["report"] == {"title": "furthest run", "attribution": []}
    # A file without a title: named after the file.
    text = (demo_dir / "demo.toml").read_text().replace('title = "Furthton demo"\n', "")
    (demo_copy[0] / "furthton_plan.toml").write_text(text)
    result = furthest.validate(demo_copy[0] / "furthton_plan.toml")
    assert result.manifest["report"]["title"] == "furthton_plan"


@pytest.mark.parametrize("example", ["leeds_wards", "leeds_pcn", "leeds_access"])
def test_leeds_examples_attribute_their_sources(repo: Path, example: str) -> None:
    report = tomllib.loads((repo / "examples" / f"{example}.toml").read_text())["report"]
    assert report["title"].startswith("Leeds")
    lines = report["attribution"]
    assert "Contains OS data © Crown copyright and database right 2024" in lines  # the boundaries
    assert "Source: Office for National Statistics licensed under the Open Government Licence v.3.0" in lines
    assert any("Indices of Deprivation 2025" in line for line in lines)
    assert any("Libraries" in line for line in lines)  # every example reads the libraries


# ---- spreadsheets: numbers stay numbers ----------------------------------------------------


def test_the_workbook_keeps_numbers_guards_formulas_and_explains_the_method(hubs_config: dict) -> None:
    import openpyxl

    folder = Path(hubs_config["partners"][0]["path"]).parent
    partners = (folder / "partners.csv").read_text().splitlines()
    header, first = partners[0], partners[1].split(",")
    first[1] = "=1+2"  # a partner's name that is a formula
    (folder / "partners.csv").write_text("\n".join([header, ",".join(first), *partners[2:]]) + "\n")
    result = furthest.run(hubs_config)

    book = openpyxl.load_workbook(Path(result.output_path).with_suffix(".xlsx"))
    assert book.sheetnames[-1] == "method" and book.sheetnames[:-1] == list(result)
    sheet = book["partners"]
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    lon = [r[header.index("lon")] for r in rows]
    assert all(isinstance(v, float) for v in lon) and min(lon) < 0, "negative longitudes are numbers, not quoted text"
    assert all(isinstance(r[header.index("champions")], (int, float)) for r in rows)
    names = [r[header.index("name")] for r in rows]
    assert names.count("'" + first[1]) == 1, "the formula-like name is guarded"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.coordinate

    # The CSV copy: the longitude is written as a plain number, no apostrophe.
    csv_text = Path(result.output_path).with_name("demo.partners.csv").read_text(encoding="utf-8-sig")
    assert ",-1.5" in csv_text and ",'-1.5" not in csv_text

    method = book["method"]
    assert [c.value for c in method[1]] == ["key", "value"]
    facts = [(k, v) for k, v in method.iter_rows(min_row=2, values_only=True)]
    keys = [k for k, _ in facts]
    assert ("title", "Furthton demo") in facts
    attribution = [v for k, v in facts if k == "attribution"]
    assert attribution == hubs_config["report"]["attribution"]
    assert keys.count("method") >= 5
    weights = {k.removeprefix("scoring: weight of "): float(v) for k, v in facts if k.startswith("scoring: weight of ")}
    assert weights == {"imd_score": 0.5, "digital_propensity": 0.25, "pct_65plus": 0.25}  # 2:1:1 as shares
    assert ("rollout: hubs: waves", "[2, 1]") in facts
    assert any(k.startswith("rollout: hubs: ") for k in keys) and any(k.startswith("access: ") for k in keys)
    manifest = json.loads(Path(result.manifest_path).read_text())
    assert " ".join(v for k, v in facts if k == "method") == manifest["method"]


def test_partner_columns_from_a_csv_are_typed(demo_copy: tuple[Path, dict]) -> None:
    _, config = demo_copy
    import pandas as pd

    folder, config = demo_copy
    # A code column with leading zeros (an ODS-style code) stays text; a count column becomes whole numbers.
    frame = pd.read_csv(folder / "partners.csv", dtype=str)
    frame["site_code"] = [f"{i:04d}" for i in range(len(frame))]
    frame["sessions"] = [str(i % 3) if i % 5 else "" for i in range(len(frame))]
    frame.to_csv(folder / "partners.csv", index=False)
    partners = furthest.validate(config).partners
    assert partners["lon"].dtype.kind == "f" and partners["lat"].dtype.kind == "f"
    assert (partners["lon"] < 0).all()
    assert partners["sessions"].isna().sum() == 5 and set(partners["sessions"].dropna()) == {0, 1, 2}
    for text in ["partner_id", "name", "type", "site_code"]:  # ids, names, types and codes stay text
        assert pd.api.types.is_string_dtype(partners[text]), text
    assert partners["site_code"].iloc[0] == "0000"


def test_the_maps_and_the_qgis_styles_share_one_palette() -> None:
    """The GeoPackage styles are checked against these colours above; the Python maps must draw the
    same classes in the same colours, so a planner sees one legend in QGIS, the notebook and the report."""
    from furthest import maps

    assert [maps.CLASS_COLOURS["decile"][d] for d in range(1, 11)] == DECILE_COLOURS
    assert maps.CLASS_COLOURS["gap_class"] == GAP_COLOURS
    assert maps.CLASS_COLOURS["wave"] == WAVE_COLOURS
