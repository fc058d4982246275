"""Write the seed corpora in tests/fuzz/corpus/<target>/ (run from anywhere; needs shapely).

File names say what the engine must do with a seed, and tests/cpp/test_fuzz_regressions.cpp
checks it: ``ok_*`` must be accepted, ``err_*`` must be refused with a furthest::Error; any
other name (the fuzzer's finds, regressions) only has to be one or the other, never a crash.
Every seed is small and made here; nothing is copied from the shared open data.
"""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import shapely
from shapely import wkt

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CORPUS = HERE / "corpus"


def write(target: str, name: str, data: bytes | str) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)


def config_seeds() -> None:
    demo = (REPO / "data" / "demo" / "demo.toml").read_text()
    write("config", "ok_demo.toml", demo)
    # The Leeds example expands ${FURTHEST_DATA}: accepted or refused depending on the machine.
    write("config", "leeds_wards.toml", (REPO / "examples" / "leeds_wards.toml").read_text())
    minimal = (
        '[zones]\npath = "z.gpkg"\nid = "code"\n\n[areas]\npath = "a.geojson"\nid = "a"\n\n'
        '[[indicators]]\npath = "i.csv"\nkey = "code"\ncolumn = "v"\ndirection = "lower_is_more_need"\n\n'
        '[output]\npath = "out/x.gpkg"\n'
    )
    write("config", "ok_minimal.toml", minimal)
    write("config", "ok_threads_network.toml", '[run]\ncrs = "EPSG:4326"\nthreads = 2\nallow_network = false\n' + minimal)
    write(
        "config",
        "ok_vsimem_and_partner_layer.toml",
        minimal.replace('"z.gpkg"', '"/vsimem/z.gpkg"') + '\n[partners]\npath = "p.gpkg"\nlayer = "sites"\n',
    )
    write("config", "ok_partners_xy.toml", minimal + '\n[partners]\npath = "p.csv"\nx = "lon"\ny = "lat"\ncrs = "EPSG:4326"\n')
    write(
        "config",
        "ok_scoring_uncertainty.toml",
        minimal.replace(
            "[output]",
            '[scoring]\nnormalise = "z_score"\naggregate = "arithmetic"\ntop_n_in_area = 3\n'
            'classes = { method = "fisher_jenks", k = 5 }\n\n[scoring.uncertainty]\ndraws = 100\nseed = 7\n'
            'weights = "dirichlet"\ndrop_one = true\n\n[output]',
        ),
    )
    write(
        "config",
        "ok_indicator_via_raster.toml",
        minimal.replace('column = "v"', 'column = "v"\nvia = { zonal = "mean", band = 1 }'),
    )
    write(
        "config",
        "ok_indicator_via_lookup.toml",
        minimal.replace(
            'column = "v"', 'column = "v"\nvia = { lookup = "l.csv", from = "lsoa11", to = "lsoa21", kind = "extensive" }'
        ),
    )
    write(
        "config",
        "ok_partners_by_postcode_and_tables.toml",
        minimal.replace('[output]\npath = "out/x.gpkg"\n', '[output]\npath = "out/x.gpkg"\ntables = ["csv", "xlsx"]\n')
        + '\n[partners]\npath = "p.csv"\npostcode = "Postcode"\n\n[postcodes]\npath = "nspl.csv"\n'
        'postcode = "pcds"\nx = "long"\ny = "lat"\ncrs = "EPSG:4326"\nunmatched = "warn"\n',
    )
    write("config", "err_postcode_without_directory.toml", minimal + '\n[partners]\npath = "p.csv"\npostcode = "Postcode"\n')
    write("config", "err_tables_typo.toml", minimal.replace('path = "out/x.gpkg"', 'path = "out/x.gpkg"\ntables = ["xslx"]'))
    write(
        "config",
        "err_output_over_input.toml",
        minimal.replace('"i.csv"', '"out/x.zones.csv"').replace('path = "out/x.gpkg"', 'path = "out/x.gpkg"\ntables = ["csv"]'),
    )
    write("config", "err_unknown_key.toml", minimal.replace('id = "code"', 'idd = "code"'))
    write("config", "err_syntax.toml", minimal.replace('id = "code"', 'id = "code'))
    write("config", "err_no_indicators.toml", minimal.split("[[indicators]]")[0] + '[output]\npath = "x.gpkg"\n')
    write("config", "err_negative_weight.toml", minimal.replace('column = "v"', 'column = "v"\nweight = -1'))
    write("config", "err_nan_weight.toml", minimal.replace('column = "v"', 'column = "v"\nweight = nan'))
    write("config", "err_threads.toml", "[run]\nthreads = 100000\n" + minimal)
    write("config", "err_output_not_gpkg.toml", minimal.replace("out/x.gpkg", "out/x.shp"))
    write("config", "err_direction.toml", minimal.replace("lower_is_more_need", "lower_is_more_needs"))
    write("config", "err_unset_variable.toml", minimal.replace('"z.gpkg"', '"${FURTHEST_FUZZ_UNSET}/z.gpkg"'))
    write("config", "err_unclosed_variable.toml", minimal.replace('"z.gpkg"', '"${HOME/z.gpkg"'))
    write("config", "err_indicators_not_tables.toml", minimal.replace("[[indicators]]", "[indicators]"))
    write("config", "err_deep_nesting.toml", "x = " + "[" * 300 + "]" * 300 + "\n")
    write("config", "err_not_utf8.toml", b'[zones]\npath = "\xff\xfe"\n')
    write("config", "err_duplicate_key.toml", minimal.replace('id = "code"', 'id = "code"\nid = "code"', 1))
    write("config", "err_empty.toml", "")


def number_seeds() -> None:
    cells = {
        "ok_thousands": "29,199",
        "ok_millions": " 1,234,567.25 ",
        "ok_negative": "-0.427",
        "ok_exponent": "+3e2",
        "ok_leading_point": ".5",
        "ok_blank": "",
        "ok_spaces": " \t\r\n",
        "ok_nbsp_latin1": b"\xa012\xa0",
        "ok_negative_thousands": "-1,000.5",
        "err_nan": "NaN",
        "err_inf": "-Infinity",
        "err_bad_group": "1,23",
        "err_long_group": "12,3456",
        "err_leading_comma": ",123",
        "err_two_points": "1.2.3",
        "err_overflow": "1e999",
        "err_hex": "0x1p3",
        "err_double_sign": "--1",
        "err_inner_space": "1 2",
        "err_text": "n/a",
        "err_bom_number": "\ufeff42",
        "err_trailing_comma": "1,",
        # postcodes: not numbers, but normalise_postcode must hold its invariants on them
        "err_postcode": "LS1 4AP",
        "err_postcode_packed": "ls14ap",
        "err_postcode_nbsp": "LS1\u00a04AP",
        "err_postcode_gir": "gir 0aa",
        "err_postcode_long": "EC1A  1BB ",
    }
    for name, cell in cells.items():
        write("number", name, cell)


def table_seeds() -> None:
    write("table", "ok_bom_thousands.csv", '\ufeffcode,"Rank, national",blank\nE01,"29,199",\nE02,7,3\n')
    write(
        "table",
        "ok_crlf_quotes.csv",
        'lsoa21_code,name,"IMD score"\r\nE01011229,"Leeds 001A ""north""",12.5\r\nE01011230,Leeds 001B,"1,002.25"\r\n',
    )
    write("table", "ok_embedded_newline.csv", 'code,note,value\nA,"two\nlines",1\nB,,2\n')
    write("table", "ok_ragged.csv", "code,value\nA,1,extra\nB\nC,3\n")
    write("table", "ok_semicolons.csv", "code;value\nA;1\nB;2\n")
    write("table", "err_duplicate_headers.csv", "code,value,value\nA,1,2\n")  # refused: which "value"?
    write("table", "ok_numbers_only.csv", "1,2,3\n4,5,6\n")
    write("table", "ok_text_values.csv", "code,value\nA,n/a\nB,NaN\nC,-inf\n")
    demo = (REPO / "data" / "demo" / "indicators.csv").read_text().splitlines()
    write("table", "ok_demo_head.csv", "\n".join(demo[:8]) + "\n")
    write("table", "err_header_only.csv", "code,value\n")
    write("table", "err_empty.csv", "")
    write("table", "err_bom_only.csv", "\ufeff")


def encoding_seeds() -> None:
    text = "code,name,fee\r\nE01,Caf\u00e9 \u201cLe Bon\u201d,\u00a35\r\nE02,Stra\u00dfe \u20ac,1\u00a0\r\n"
    write("encoding", "ok_utf8.csv", text.encode("utf-8"))
    write("encoding", "ok_utf8_bom.csv", text.encode("utf-8-sig"))
    write("encoding", "ok_utf16le_bom.csv", text.encode("utf-16"))
    write("encoding", "ok_utf16be_bom.csv", b"\xfe\xff" + text.encode("utf-16-be"))
    write("encoding", "ok_utf16le_no_bom.csv", text.encode("utf-16-le"))
    write("encoding", "ok_cp1252.csv", text.encode("cp1252"))
    write("encoding", "ok_latin1.csv", "code,name\nE01,Caf\u00e9 \u00bd\n".encode("latin-1"))
    write("encoding", "ok_mixed_invalid_utf8.csv", b"code,name\nE01,ok \xc3\xa9 then \xff\xfe\xc0\xaf\n")
    write("encoding", "ok_lone_surrogate_utf16.csv", b"\xff\xfe" + "code,v\nA,".encode("utf-16-le") + b"\x00\xd8\n\x00")
    write("encoding", "ok_odd_length_utf16.csv", b"\xff\xfe" + "code,v\nA,1\n".encode("utf-16-le") + b"x")
    write("encoding", "err_utf16_header_only.csv", "code,value\n".encode("utf-16"))
    write("encoding", "err_bom_only_utf16.csv", b"\xff\xfe")


def wkb_seeds() -> None:
    shapes = {
        "ok_polygon_with_hole": "POLYGON((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))",
        "ok_straddling": "POLYGON((5 5,15 5,15 15,5 15,5 5))",
        "ok_bow_tie": "POLYGON((0 0,10 10,10 0,0 10,0 0))",
        "ok_multipolygon": "MULTIPOLYGON(((1 1,2 1,2 2,1 2,1 1)),((8 8,12 8,12 12,8 12,8 8)))",
        "ok_outside": "POLYGON((30 30,31 30,31 31,30 31,30 30))",
        "ok_hole_touching_shell": "POLYGON((0 0,10 0,10 10,0 10,0 0),(0 0,5 2,2 5,0 0))",
        "collection_with_polygon": "GEOMETRYCOLLECTION(POLYGON((0 0,1 0,1 1,0 1,0 0)),LINESTRING(0 0,5 5))",
        "ok_british_grid": "POLYGON((430000 433000,431000 433000,431000 434000,430000 434000,430000 433000))",
        "err_zero_area": "POLYGON((0 0,10 0,20 0,0 0))",
        "err_point": "POINT(5 5)",
        "err_linestring": "LINESTRING(0 0,10 10)",
        "err_empty_polygon": "POLYGON EMPTY",
    }
    for name, text in shapes.items():
        write("wkb", name + ".wkb", shapely.to_wkb(wkt.loads(text), flavor="iso", byte_order=1))
    hole = wkt.loads(shapes["ok_polygon_with_hole"])
    write("wkb", "ok_polygon_with_hole_big_endian.wkb", shapely.to_wkb(hole, flavor="iso", byte_order=0))
    write("wkb", "ok_polygon_z.wkb", shapely.to_wkb(shapely.force_3d(hole, 1.0), flavor="iso", byte_order=1))
    # A polygon claiming 2^31 rings. (A NaN vertex is in tests/fuzz/regressions/wkb/.)
    write("wkb", "err_huge_ring_count.wkb", struct.pack("<BII", 1, 3, 0x7FFFFFFF))
    write("wkb", "err_truncated.wkb", shapely.to_wkb(hole, flavor="iso")[:37])


def geojson_seeds() -> None:
    shutil.copyfile(REPO / "data" / "demo" / "areas.geojson", CORPUS / "geojson" / "ok_demo_areas.geojson")

    def collection(*features: dict, crs: str | None = None) -> str:
        doc: dict = {"type": "FeatureCollection", "features": list(features)}
        if crs:
            doc["crs"] = {"type": "name", "properties": {"name": crs}}
        return json.dumps(doc)

    def feature(geometry: dict | None, **properties) -> dict:
        return {"type": "Feature", "properties": properties, "geometry": geometry}

    square = [[-1.55, 53.79], [-1.54, 53.79], [-1.54, 53.80], [-1.55, 53.80], [-1.55, 53.79]]
    hole = [[-1.547, 53.793], [-1.543, 53.793], [-1.543, 53.797], [-1.547, 53.797], [-1.547, 53.793]]
    write(
        "geojson",
        "ok_polygon_with_hole.geojson",
        collection(feature({"type": "Polygon", "coordinates": [square, hole]}, code="E01", value="29,199")),
    )
    write(
        "geojson",
        "ok_bow_tie.geojson",
        collection(
            feature(
                {
                    "type": "Polygon",
                    "coordinates": [[[-1.55, 53.79], [-1.54, 53.80], [-1.54, 53.79], [-1.55, 53.80], [-1.55, 53.79]]],
                },
                code="E02",
            )
        ),
    )
    write(
        "geojson",
        "ok_british_grid_multipolygon.geojson",
        collection(
            feature(
                {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [[[430000, 433000], [431000, 433000], [431000, 434000], [430000, 433000]]],
                        [[[432000, 433000], [433000, 433000], [433000, 434000], [432000, 433000]]],
                    ],
                },
                code=7,
                share=0.5,
            ),
            crs="urn:ogc:def:crs:EPSG::27700",
        ),
    )
    write(
        "geojson",
        "ok_points.geojson",
        collection(
            feature({"type": "Point", "coordinates": [-1.55, 53.8]}, name="Library", devices=3),
            feature({"type": "Point", "coordinates": [-1.50, 53.83]}, name="GP", devices=None),
        ),
    )
    write("geojson", "err_null_geometry.geojson", collection(feature(None, code="E03")))
    write("geojson", "err_empty_collection.geojson", collection())
    write("geojson", "err_latitude_out_of_range.geojson", collection(feature({"type": "Point", "coordinates": [-1.5, 1000.0]})))
    write(
        "geojson",
        "err_linestring.geojson",
        collection(feature({"type": "LineString", "coordinates": [[-1.5, 53.8], [-1.4, 53.9]]})),
    )
    write("geojson", "err_not_json.geojson", '{"type": "FeatureCollection", "features": [')


if __name__ == "__main__":
    for folder in CORPUS.glob("*"):
        shutil.rmtree(folder)
    config_seeds()
    number_seeds()
    table_seeds()
    encoding_seeds()
    wkb_seeds()
    (CORPUS / "geojson").mkdir(parents=True, exist_ok=True)
    geojson_seeds()
    for folder in sorted(CORPUS.iterdir()):
        print(f"{folder.name}: {len(list(folder.iterdir()))} seeds")
