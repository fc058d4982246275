"""Runs from Python: a config (TOML path or dict) in, GeoDataFrames and a manifest out."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable, Mapping

import geopandas as gpd
import pandas as pd
import shapely

from furthest import _core

ConfigLike = "str | os.PathLike[str] | Mapping[str, Any]"


@dataclass(frozen=True)
class RunResult:
    """What a run produced. Layers are in the run's working CRS (EPSG:27700 by default)."""

    zones: gpd.GeoDataFrame
    """One row per zone: id as given, indicators, score, rank, decile, area_id, area_name, area_share ..."""
    areas: gpd.GeoDataFrame
    """One row per partnership area with its roll-up."""
    partners: gpd.GeoDataFrame | None
    """Partner sites with the zone and area they fall in, or None when the config names none."""
    zone_areas: pd.DataFrame
    """Every zone-area overlap (zone_id, area_id, share), not only each zone's main area."""
    manifest: dict
    """Inputs with checksums, parameters, counts, warnings, timings, version."""
    warnings: list[str] = field(default_factory=list)
    output_path: str | None = None
    manifest_path: str | None = None
    table_paths: list[str] = field(default_factory=list)
    """The spreadsheet copies written ([output] tables = ["csv", "xlsx"])."""


def _frame(layer: dict | None) -> gpd.GeoDataFrame | pd.DataFrame | None:
    if layer is None:
        return None
    columns = pd.DataFrame(layer["columns"])
    if layer["wkb"] is None:
        return columns
    # Geometries cross the boundary as WKB, never as library handles (two GDALs, one process).
    geometry = shapely.from_wkb(layer["wkb"])
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=layer["crs_wkt"])


def _prepare(config: Any) -> tuple[Any, str]:
    if isinstance(config, Mapping):
        return dict(config), os.getcwd()
    return os.fspath(config), ""


def run(
    config: str | os.PathLike[str] | Mapping[str, Any],
    output: str | os.PathLike[str] | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Run a furthest config and return its layers as GeoDataFrames.

    ``config`` is a TOML file or a dict of the same shape (relative paths in a dict resolve
    against the current folder). ``output`` overrides ``[output] path``. The GeoPackage and
    its manifest are written atomically; a failed run leaves earlier outputs untouched.
    Raises :class:`furthest.Error` subclasses with messages naming file, row and column.
    """
    prepared, base_dir = _prepare(config)
    raw = _core.run(
        prepared,
        base_dir=base_dir,
        output=os.fspath(output) if output is not None else "",
        write=True,
        progress=progress,
    )
    return _result(raw)


def validate(config: str | os.PathLike[str] | Mapping[str, Any]) -> RunResult:
    """Check every input and the whole computation, writing nothing. Returns what a run would."""
    prepared, base_dir = _prepare(config)
    return _result(_core.run(prepared, base_dir=base_dir, write=False))


def _result(raw: dict) -> RunResult:
    return RunResult(
        zones=_frame(raw["zones"]),
        areas=_frame(raw["areas"]),
        partners=_frame(raw["partners"]),
        zone_areas=_frame(raw["zone_areas"]),
        manifest=json.loads(raw["manifest"]),
        warnings=list(raw["warnings"]),
        output_path=raw["output_path"],
        manifest_path=raw["manifest_path"],
        table_paths=list(raw["table_paths"]),
    )


def demo_config() -> str:
    """Path of the embedded demo's config (Furthton, a synthetic town), installed with the package."""
    path = resources.files("furthest") / "demo" / "demo.toml"
    if not path.is_file():
        raise FileNotFoundError(f"the furthest demo data is not installed beside the package ({path})")
    return os.fspath(path)
