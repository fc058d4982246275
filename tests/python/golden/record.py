"""Fingerprints of a run's GeoPackage, recorded before a refactor and compared after it.

Record (from the repo root, with the package as it was before the change):

    FURTHEST_DATA=../shared/data .venv/bin/furthest run examples/leeds_wards.toml --output /tmp/golden/leeds_wards.gpkg
    .venv/bin/python tests/python/golden/record.py /tmp/golden/leeds_wards.gpkg tests/python/golden/leeds_wards.json

(the same for examples/leeds_pcn.toml and data/demo/demo.toml as `demo`). tests/python/test_golden_outputs.py
runs the same configs and compares.

Each table keeps its row count, its column order and, per column, its kind and a SHA-256 of its values rendered
canonically: floats as repr(round(v, 9)) with -0.0 as 0.0, ints as ints, text as is, missing values as one token.
Geometries are fingerprinted by each feature's area and centroid rounded to 0.01 m, since GEOS versions may order
vertices differently.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

TABLES = ("zones", "areas", "partners", "zone_areas")
MISSING = "<missing>"


def _float_token(value: float) -> str:
    if value is None or math.isnan(value):
        return MISSING
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    rounded = round(float(value), 9)
    return repr(rounded + 0.0)  # + 0.0 turns -0.0 into 0.0


def _geometry_tokens(geometries: np.ndarray) -> list[str]:
    areas = shapely.area(geometries)
    centroids = shapely.centroid(geometries)
    xs, ys = shapely.get_x(centroids), shapely.get_y(centroids)
    tokens = []
    for geometry, area, x, y in zip(geometries, areas, xs, ys, strict=True):
        if geometry is None or shapely.is_empty(geometry):
            tokens.append(MISSING)
        else:
            tokens.append(" ".join(f"{round(v, 2) + 0.0:.2f}" for v in (area, x, y)))
    return tokens


def column_fingerprint(values: pd.Series | np.ndarray, *, geometry: bool = False) -> dict[str, str]:
    """The kind of a column and a SHA-256 of its values in order."""
    if geometry:
        kind, tokens = "geometry", _geometry_tokens(np.asarray(values, dtype=object))
    else:
        series = pd.Series(values)
        if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_integer_dtype(series.dtype):
            kind = "int"
            tokens = [MISSING if pd.isna(v) else str(int(v)) for v in series]
        elif pd.api.types.is_float_dtype(series.dtype):
            kind = "float"
            tokens = [_float_token(v) for v in series.to_numpy(dtype=float, na_value=np.nan)]
        else:
            kind = "text"
            tokens = [MISSING if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v) for v in series]
    digest = hashlib.sha256(json.dumps(tokens, ensure_ascii=False).encode("utf-8")).hexdigest()
    return {"kind": kind, "sha256": digest}


def table_fingerprint(path: Path, layer: str, rename: Callable[[str], str] = lambda name: name) -> dict:
    """Row count, column order (after `rename`) and per-column fingerprints of one layer."""
    frame = pyogrio.read_dataframe(path, layer=layer, fid_as_index=False)
    geometry_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    columns: dict[str, dict[str, str]] = {}
    renamed: dict[str, str] = {}
    for name in frame.columns:
        is_geometry = name == geometry_name
        key = "geometry" if is_geometry else rename(name)
        if key != name and not is_geometry:
            renamed[key] = name
        columns[key] = column_fingerprint(frame.geometry.to_numpy() if is_geometry else frame[name], geometry=is_geometry)
    crs = frame.crs.to_string() if geometry_name is not None and frame.crs is not None else None
    table = {"rows": len(frame), "crs": crs, "columns": list(columns), "fingerprints": columns}
    if renamed:
        table["renamed_from"] = renamed  # the name in the file, for messages
    return table


def gpkg_fingerprint(path: Path, rename: Callable[[str], str] = lambda name: name) -> dict:
    """Fingerprints of every table a run writes, by table name."""
    layers = {name for name, _ in pyogrio.list_layers(path)}
    missing = [t for t in TABLES if t not in layers]
    if missing:
        raise ValueError(f"{path}: no layer {missing}; layers: {sorted(layers)}")
    return {table: table_fingerprint(path, table, rename) for table in TABLES}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, target = Path(argv[1]), Path(argv[2])
    record = {"source": source.name, "tables": gpkg_fingerprint(source)}
    target.write_text(json.dumps(record, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{target}: " + ", ".join(f"{t} {v['rows']} rows" for t, v in record["tables"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
