"""Messy but valid: inputs shaped the way real published files are, which must be read exactly
as their clean versions are.

Each test copies the demo (Furthton), rewrites one input the way a spreadsheet, a statistics
office or another GIS writes it, and compares the run with the clean run: the same scores to
the last bit, and partners in the same zones. (Broken inputs are in test_bad_input.py.)
"""

from __future__ import annotations

import json
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

import furthest
from test_bad_input import Case, by_postcode


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> furthest.RunResult:
    return furthest.run(Case(tmp_path_factory.mktemp("clean")).config)


@pytest.fixture
def case(tmp_path) -> Case:
    return Case(tmp_path)


def assert_same_run(result, clean) -> None:
    zones = result.zones.set_index("zone_code")
    reference = clean.zones.set_index("zone_code")
    for column in ("imd_score", "digital_propensity", "pct_65plus", "score", "rank", "area_id", "n_partners"):
        pd.testing.assert_series_equal(zones[column], reference[column], check_exact=True, obj=column)
    partners = result.partners.set_index("partner_id")
    assert list(partners.index) == list(clean.partners["partner_id"])
    assert (partners["zone_id"] == clean.partners.set_index("partner_id")["zone_id"]).all()


def rewrite_text(case: Case, name: str, rewrite: Callable[[str], str], encoding: str = "utf-8") -> None:
    path = case.inputs / name
    path.write_bytes(rewrite(path.read_text(encoding="utf-8")).encode(encoding))


# --- tables ---------------------------------------------------------------------------------


def test_utf8_byte_order_mark(case: Case, clean) -> None:
    rewrite_text(case, "indicators.csv", lambda text: text, encoding="utf-8-sig")
    rewrite_text(case, "partners.csv", lambda text: text, encoding="utf-8-sig")
    assert (case.inputs / "indicators.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    assert_same_run(furthest.run(case.config), clean)


def test_quoted_headers_with_commas(case: Case, clean) -> None:
    # As in the IMD files: "Index of Multiple Deprivation (IMD) Score", "... Rank (where 1 is most deprived)".
    header = '"Index of Multiple Deprivation (IMD) Score, 2019"'
    rewrite_text(case, "indicators.csv", lambda text: text.replace("imd_score", header, 1))
    indicator = case.config["indicators"][0]
    indicator["column"] = "Index of Multiple Deprivation (IMD) Score, 2019"
    indicator["name"] = "imd_score"
    assert_same_run(furthest.run(case.config), clean)


def test_thousands_separators_and_crlf_line_ends(case: Case, clean) -> None:
    # Spreadsheet exports: "1,253" quoted, CRLF line ends; population is read as a number too.
    def rewrite(text: str) -> str:
        frame = pd.read_csv(pd.io.common.StringIO(text), dtype=str)
        frame["population"] = [f"{int(v):,}" for v in frame["population"]]
        frame["imd_score"] = [f"{float(v) * 1000:,.3f}" for v in frame["imd_score"]]
        return frame.to_csv(index=False, lineterminator="\r\n")

    rewrite_text(case, "indicators.csv", rewrite)
    assert '"1,253"' in (case.inputs / "indicators.csv").read_text()
    # The demo's [population] reads this column: quoted thousands must come through as numbers.
    result = furthest.run(case.config)
    assert (result.zones["population"] >= 1000).all()
    # imd_score scaled by 1,000 changes no z-score: scores and ranks are those of the clean run.
    np.testing.assert_allclose(result.zones["score"], clean.zones["score"], rtol=0, atol=1e-12)
    assert (result.zones["rank"] == clean.zones["rank"]).all()


def test_blank_cells_are_missing_values_not_zeros(case: Case, clean) -> None:
    case.set_cell("indicators.csv", 5, "pct_65plus", "")
    case.set_cell("indicators.csv", 9, "pct_65plus", "  ")
    case.config["indicators"][2]["missing"] = "mean"
    result = furthest.run(case.config)
    assert result.zones["pct_65plus"][[4, 8]].isna().all()
    mean = clean.zones["pct_65plus"].drop(index=[4, 8]).mean()
    note = next(w for w in result.warnings if "indicator 'pct_65plus'" in w)
    assert "2 blank values imputed with the mean: FZ00005 = " in note and "FZ00009 = " in note
    assert float(note.split("FZ00005 = ")[1].split(",")[0]) == pytest.approx(mean, rel=1e-5)


# --- postcodes ------------------------------------------------------------------------------

SPELLINGS = [
    lambda p: p,  # FT1 1AB
    lambda p: p.replace(" ", ""),  # FT11AB
    lambda p: p.lower(),  # ft1 1ab
    lambda p: "  " + p.replace(" ", "   ") + " ",  # padded, three spaces inside
    lambda p: p.replace(" ", "\u00a0"),  # a no-break space, as web pages and Excel give it
    lambda p: p.replace(" ", "").lower(),  # ft11ab
]


def test_postcodes_with_and_without_the_space(case: Case, clean) -> None:
    by_postcode(case)
    partners = pd.read_csv(case.inputs / "partners.csv", dtype=str, keep_default_na=False)
    partners["postcode"] = [SPELLINGS[i % len(SPELLINGS)](p) for i, p in enumerate(partners["postcode"])]
    partners.to_csv(case.inputs / "partners.csv", index=False)
    # The directory in the ONS NSPL's 8-character pcd2 width ("FT1  1AB") and without the space.
    directory = pd.read_csv(case.inputs / "postcodes.csv", dtype=str, keep_default_na=False)
    directory["pcds"] = [p.replace(" ", "  ") if i % 2 else p.replace(" ", "") for i, p in enumerate(directory["pcds"])]
    directory.to_csv(case.inputs / "postcodes.csv", index=False)
    result = furthest.run(case.config)
    assert_same_run(result, clean)
    # (The demo's activity log has a flawed row of its own, whose warning names postcodes too.)
    assert not [w for w in result.warnings if "postcode" in w and not w.code.startswith("activity_")]


def test_normalise_postcode_from_python() -> None:
    assert furthest.normalise_postcode(" ls1\u00a04ap ") == "LS1 4AP"
    assert furthest.normalise_postcode("EC1A1BB") == "EC1A 1BB"
    assert furthest.normalise_postcode("LS1 4A") is None


# --- geometry files -------------------------------------------------------------------------


def test_geojson_with_and_without_a_crs_member(case: Case, clean) -> None:
    # RFC 7946 GeoJSON has no crs member (lon/lat, CRS84); older GeoJSON names its CRS, here
    # British National Grid with coordinates in metres.
    areas = gpd.read_file(case.inputs / "areas.geojson")
    bng = case.inputs / "areas_bng.geojson"
    areas.to_crs(27700).to_file(bng, driver="GeoJSON")
    assert "EPSG::27700" in json.loads(bng.read_text())["crs"]["properties"]["name"]
    assert "crs" not in json.loads((case.inputs / "areas.geojson").read_text())
    case.config["areas"]["path"] = str(bng)
    result = furthest.run(case.config)
    assert (result.zones["area_id"] == clean.zones["area_id"]).all()
    np.testing.assert_allclose(result.zones["area_share"], clean.zones["area_share"], atol=1e-6)


@pytest.mark.parametrize("srs_format", ["OGC_URN", "SHORT"])
def test_axis_order_declared_by_the_crs(case: Case, clean, srs_format: str) -> None:
    # GML 3 with urn:ogc:def:crs:EPSG::4326 writes latitude first, as EPSG defines the axes;
    # with "EPSG:4326" it writes longitude first. Both must put every partner where it is.
    partners = pd.read_csv(case.inputs / "partners.csv")
    points = gpd.GeoDataFrame(
        partners.drop(columns=["lon", "lat"]), geometry=gpd.points_from_xy(partners["lon"], partners["lat"]), crs=4326
    )
    gml = case.inputs / f"partners_{srs_format}.gml"
    pyogrio.write_dataframe(points, gml, driver="GML", FORMAT="GML3", SRSNAME_FORMAT=srs_format)
    text = gml.read_text()
    first = points.geometry.iloc[0]
    lat_first = f"{first.y:.6f}"[:7] in text.split("<gml:pos>")[1][:12]
    assert lat_first == (srs_format == "OGC_URN"), text[:2000]
    case.config.pop("monitoring", None)  # the log matches partners by id
    case.config["partners"] = {"path": str(gml), "capacity": ["champions"]}
    result = furthest.run(case.config)
    assert (result.partners["zone_id"].to_numpy() == clean.partners["zone_id"].to_numpy()).all()
    assert (result.zones["n_partners"] == clean.zones["n_partners"]).all()


# --- a published file as it comes --------------------------------------------------------------


@pytest.mark.realdata
def test_imd_2019_file_as_published(shared_data, tmp_path) -> None:
    """MHCLG's File 1 starts with a UTF-8 byte-order mark, has headers with parentheses and
    writes ranks as "29,199". Read in place, through the ONS 2011 -> 2021 lookup, each unchanged
    Leeds LSOA must carry exactly the rank pandas reads with thousands=","."""
    imd = shared_data / "deprivation/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
    assert imd.read_bytes()[:3] == b"\xef\xbb\xbf" and b'"29,199"' in imd.read_bytes()[:400]
    lookup = shared_data / "lookups/leeds_lsoa11_lsoa21_lad22.csv"
    rank = "Index of Multiple Deprivation (IMD) Rank"
    result = furthest.validate(
        {
            "zones": {"path": str(shared_data / "boundaries/leeds_lsoa2021_bsc.geojson"), "id": "lsoa21_code"},
            "areas": {"path": str(shared_data / "boundaries/leeds_wards2022_bsc.geojson"), "id": "ward22_code"},
            "indicators": [
                {
                    "path": str(imd),
                    "key": "LSOA code (2011)",
                    "column": rank,
                    "name": "imd2019_rank",
                    "direction": "lower_is_more_need",
                    "via": {"lookup": str(lookup), "from": "lsoa11_code", "to": "lsoa21_code", "change": "change_code"},
                }
            ],
            "output": {"path": str(tmp_path / "imd2019.gpkg")},
        }
    )
    published = pd.read_csv(imd, encoding="utf-8-sig", thousands=",").set_index("LSOA code (2011)")[rank]
    changes = pd.read_csv(lookup, dtype=str)
    unchanged = changes.loc[changes["change_code"] == "U", "lsoa21_code"]
    ours = result.zones.set_index("lsoa21_code")["imd2019_rank"]
    assert len(unchanged) > 400
    assert (ours[unchanged].to_numpy() == published[unchanged].to_numpy()).all()
    assert published[unchanged].max() > 999  # the thousands separators were there to be read


# --- text in the encodings spreadsheets save -----------------------------------------------------

NAMES = ["Café Hub", "£5 drop-in", "“Quoted” Library", "Straße – Centre €", "Øresund Ünïcödé"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])
def test_tables_in_any_common_encoding_are_read_as_written(case: Case, clean, encoding: str) -> None:
    """Excel's "CSV" is Windows-1252 and its "Unicode text" UTF-16: names arrive as written."""
    names = [n for n in NAMES if n.encode(encoding, errors="ignore").decode(encoding) == n]
    partners = (case.inputs / "partners.csv").read_text(encoding="utf-8").splitlines()
    header, rows = partners[0], partners[1:]
    for i, name in enumerate(names):
        fields = rows[i].split(",")
        fields[1] = f'"{name}"'
        rows[i] = ",".join(fields)
    (case.inputs / "partners.csv").write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    rewrite_text(case, "indicators.csv", lambda text: text.replace("\n", "\r\n"), encoding=encoding)
    result = furthest.run(case.config)
    assert_same_run(result, clean)
    got = result.partners.set_index("partner_id")["name"]
    assert list(got.iloc[: len(names)]) == names
    read_as = [w for w in result.warnings if w.code == "input_read_as"]
    if encoding in ("utf-8", "utf-8-sig"):
        assert read_as == []
    else:
        expected = {"utf-16": "UTF-16LE", "utf-16-le": "UTF-16LE", "cp1252": "Windows-1252", "latin-1": "Windows-1252"}
        # An ASCII-only table is valid UTF-8 in any 8-bit encoding and is read in place.
        recoded = {case.inputs / "partners.csv"} | ({case.inputs / "indicators.csv"} if "16" in encoding else set())
        assert {w.ids[0] for w in read_as} == {str(path) for path in recoded}
        assert all(f"read as {expected[encoding]}" in str(w) for w in read_as), [str(w) for w in read_as]
    if encoding in ("cp1252", "latin-1", "utf-16", "utf-16-le"):
        # The outputs hold UTF-8 whatever the input held.
        gpkg = pyogrio.read_dataframe(case.config["output"]["path"], layer="partners")
        assert list(gpkg.set_index("partner_id")["name"].iloc[: len(names)]) == names


def test_a_no_break_space_after_a_number_is_a_blank(case: Case, clean) -> None:
    rewrite_text(case, "indicators.csv", lambda text: text.replace(",1253", ",1253\u00a0").replace(",16.03", ",\u202f16.03"))
    assert_same_run(furthest.run(case.config), clean)


def test_declared_encoding_overrides_an_ambiguous_detection(case: Case) -> None:
    """Windows-1252 text whose bytes also form valid UTF-8 ('Ã©' is C3 A9, UTF-8 for 'é'): detection
    reads it as UTF-8; `encoding = "cp1252"` reads it as written, and says nothing (it was asked)."""
    name = "CafÃ© Ã‰lan"
    partners = (case.inputs / "partners.csv").read_text(encoding="utf-8").splitlines()
    fields = partners[1].split(",")
    fields[1] = name
    partners[1] = ",".join(fields)
    data = ("\n".join(partners) + "\n").encode("cp1252")
    data.decode("utf-8")  # the point of the test: these bytes are valid UTF-8 too
    (case.inputs / "partners.csv").write_bytes(data)

    detected = furthest.run(case.config)
    assert detected.partners["name"].iloc[0] == "Café Élan"

    case.config["partners"]["encoding"] = "cp1252"
    declared = furthest.run(case.config)
    assert declared.partners["name"].iloc[0] == name
    assert [w for w in declared.warnings if w.code == "input_read_as"] == []
    assert declared.manifest["effective_config"]["partners"][0]["encoding"] == "cp1252"


@pytest.mark.parametrize(
    "section, key",
    [("zones", None), ("areas", None), ("indicators", 0), ("partners", None), ("population", None)],
)
def test_every_table_takes_an_encoding_key(case: Case, section: str, key: int | None) -> None:
    entry = case.config[section][key] if key is not None else case.config[section]
    entry["encoding"] = "latin-9"
    with pytest.raises(furthest.ConfigError, match=r"'encoding' in .* is 'latin-9'.*expected utf-8, utf-16, cp1252"):
        furthest.validate(case.config)


def test_encoding_for_a_geopackage_is_refused(case: Case) -> None:
    case.config["zones"]["encoding"] = "cp1252"
    with pytest.raises(furthest.InputError, match=r"zones: 'encoding' is given for '.*zones\.gpkg', which is neither a CSV"):
        furthest.validate(case.config)
