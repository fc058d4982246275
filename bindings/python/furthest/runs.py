"""Runs from Python: a config (TOML path or dict) in, GeoDataFrames and a manifest out."""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from furthest import _core
from furthest._config_json import config_json

ConfigLike = "str | os.PathLike[str] | Mapping[str, Any]"


class RunWarning(str):
    """A warning of a run: the message (this string, as the CLI prints it) and, as attributes,
    the ``stage`` that noticed it, a stable ``code`` and the ``ids`` of the zones, areas or rows
    concerned, so a report can group warnings without parsing sentences."""

    stage: str
    code: str
    ids: tuple[str, ...]

    def __new__(cls, message: str, stage: str = "", code: str = "", ids: tuple[str, ...] = ()) -> RunWarning:
        self = super().__new__(cls, message)
        self.stage, self.code, self.ids = stage, code, tuple(ids)
        return self

    @property
    def message(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"RunWarning(stage={self.stage!r}, code={self.code!r}, message={str(self)!r}, ids={len(self.ids)})"


class RunResult(Mapping[str, "gpd.GeoDataFrame | pd.DataFrame"]):
    """What a run produced: its output catalogue as a mapping from table name to a GeoDataFrame
    (tables with geometry) or DataFrame, in the order the stages made them (``list(result)``),
    plus the manifest, warnings and the paths written. Layers are in the run's working CRS
    (EPSG:27700 by default). ``result.about[name]`` says what a table holds."""

    def __init__(self, raw: dict) -> None:
        self._tables: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {}
        self.about: dict[str, str] = {}
        """What each table holds, by name."""
        for layer in raw["tables"]:
            self._tables[layer["name"]] = _frame(layer)
            self.about[layer["name"]] = layer["about"]
        self.manifest: dict = json.loads(raw["manifest"])
        """Inputs with checksums, the config as given and as used, method, counts, warnings, timings, version."""
        self.warnings: list[RunWarning] = [
            RunWarning(w["message"], w["stage"], w["code"], tuple(w["ids"])) for w in raw["warnings"]
        ]
        self.output_path: str | None = raw["output_path"]
        self.manifest_path: str | None = raw["manifest_path"]
        self.table_paths: list[str] = list(raw["table_paths"])
        """The spreadsheet copies written ([output] tables = ["csv", "xlsx"])."""

    def __getitem__(self, name: str) -> gpd.GeoDataFrame | pd.DataFrame:
        try:
            return self._tables[name]
        except KeyError:
            raise KeyError(f"the run made no table {name!r}; it made {', '.join(self._tables)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{name}: {len(frame)} rows" for name, frame in self._tables.items())
        return f"RunResult({shapes}; {len(self.warnings)} warnings)"

    # The tables every run makes, as attributes (kept from earlier releases).
    @property
    def zones(self) -> gpd.GeoDataFrame:
        """One row per zone: id as given, indicators, score, rank, decile, area_id, area_name, area_share ..."""
        return self["zones"]

    @property
    def areas(self) -> gpd.GeoDataFrame:
        """One row per partnership area with its roll-up."""
        return self["areas"]

    @property
    def partners(self) -> gpd.GeoDataFrame | None:
        """Partner sites with the zone and area they fall in, or None when the config names none."""
        return self._tables.get("partners")

    @property
    def zone_areas(self) -> pd.DataFrame:
        """Every zone-area overlap (zone_id, area_id, share), not only each zone's main area."""
        return self["zone_areas"]

    # Maps and the planner's report (furthest.maps, furthest.report).
    def plot(self, column: str | None = None, preset: str | None = None, ax: Any = None, **kwargs: Any) -> Any:
        """A static choropleth of the zones (presets ``"need"``, ``"gap"``, ``"waves"``, ``"hubs"``,
        or any zones column) with a classed legend, area outlines and labels, partners and the
        attribution; returns the matplotlib Axes. See :func:`furthest.maps.plot`."""
        from furthest import maps

        return maps.plot(self, column=column, preset=preset, ax=ax, **kwargs)

    def explore(self, column: str | None = None, preset: str | None = None, **kwargs: Any) -> Any:
        """An interactive folium map whose popups explain each zone; returns a ``folium.Map``
        (needs the ``maps`` extra). See :func:`furthest.maps.explore`."""
        from furthest import maps

        return maps.explore(self, column=column, preset=preset, **kwargs)

    def report(self, path: str | os.PathLike[str]) -> str:
        """Write the planner's report, one self-contained HTML file, atomically; returns its path.
        See :func:`furthest.report.write_report`."""
        from furthest.report import write_report

        return write_report(self, path)


def _frame(layer: dict) -> gpd.GeoDataFrame | pd.DataFrame:
    columns = pd.DataFrame(layer["columns"])
    if layer["wkb"] is None:
        return columns
    # Geometries cross the boundary as WKB, never as library handles (two GDALs, one process).
    geometry = shapely.from_wkb(layer["wkb"])
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=layer["crs_wkt"])


def _prepare(config: Any) -> tuple[str, bool, str]:
    """(a TOML path or the dict as JSON text, whether it is JSON, the folder relative paths start from)."""
    if isinstance(config, Mapping):
        return config_json(config, "config <dict>"), True, os.getcwd()
    return os.fspath(config), False, ""


ProgressCallback = Callable[[str, float], None] | Callable[[str], None]


def _progress_callback(progress: ProgressCallback | bool | None) -> Callable[[str, float], None] | None:
    """What the core calls as ``(step, fraction)``: the caller's function (given only the step,
    once per step, when it takes one argument), or with ``progress=True`` a tqdm bar when tqdm is
    installed."""
    if progress is None or progress is False:
        return None
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return None
        return _TqdmProgress(tqdm)
    try:
        takes_two = len(inspect.signature(progress).parameters) >= 2
    except (TypeError, ValueError):
        takes_two = False
    if takes_two:
        return progress  # type: ignore[return-value]
    last: list[str] = []

    def per_step(step: str, fraction: float) -> None:
        if not last or last[0] != step:
            last[:] = [step]
            progress(step)  # type: ignore[call-arg]

    return per_step


class _TqdmProgress:
    """One tqdm bar per step, 0..100 %, closed when the next step starts."""

    def __init__(self, tqdm: Any) -> None:
        self._tqdm, self._bar, self._step = tqdm, None, None

    def __call__(self, step: str, fraction: float) -> None:
        if step != self._step:
            if self._bar is not None:
                self._bar.close()
            self._step = step
            self._bar = self._tqdm(total=100, desc=step, leave=False, bar_format="{desc}: {percentage:3.0f}%|{bar}|")
        if fraction == fraction and self._bar is not None:  # not NaN
            self._bar.n = round(100 * fraction)
            self._bar.refresh()

    def __del__(self) -> None:
        if self._bar is not None:
            self._bar.close()


def run(
    config: str | os.PathLike[str] | Mapping[str, Any],
    output: str | os.PathLike[str] | None = None,
    *,
    progress: ProgressCallback | bool | None = None,
) -> RunResult:
    """Run a furthest config and return its output tables as GeoDataFrames.

    ``config`` is a TOML file or a dict of the same shape (relative paths in a dict resolve
    against the current folder). ``output`` overrides ``[output] path``; the effective config is
    checked like any other (an output may not overwrite an input, must stay inside
    ``[run] allowed_folders``). The GeoPackage, tables and manifest are written into a fresh
    version folder and committed as a set by switching one pointer; a failed or interrupted run
    leaves earlier outputs untouched, and a second run to the same output is refused. ``progress`` is a function called as ``progress(step, fraction)`` (or
    ``progress(step)`` once per step if it takes one argument), or ``True`` for a tqdm bar.
    Ctrl-C stops the run within about a second and raises ``KeyboardInterrupt``.
    Raises :class:`furthest.Error` subclasses with messages naming file, row and column.
    """
    return _run(config, output, progress, write=True)


def validate(
    config: str | os.PathLike[str] | Mapping[str, Any],
    output: str | os.PathLike[str] | None = None,
    *,
    progress: ProgressCallback | bool | None = None,
) -> RunResult:
    """Check every input and the whole computation, writing nothing. Returns what a run would.
    ``output`` is checked as :func:`run` would check it."""
    return _run(config, output, progress, write=False)


def _run(config: Any, output: Any, progress: ProgressCallback | bool | None, *, write: bool) -> RunResult:
    prepared, is_json, base_dir = _prepare(config)
    raw = _core.run(
        prepared,
        is_json=is_json,
        base_dir=base_dir,
        output=os.fspath(output) if output is not None else "",
        write=write,
        progress=_progress_callback(progress),
    )
    return RunResult(raw)


def output_tables(config: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, str]:
    """The tables a run of ``config`` makes, in order, with what each holds; reads no input."""
    prepared, is_json, base_dir = _prepare(config)
    return {name: about for name, _stage, about in _core.output_tables(prepared, is_json=is_json, base_dir=base_dir)}


def demo_config() -> str:
    """Path of the embedded demo's config (Furthton, a synthetic town), installed with the package."""
    path = resources.files("furthest") / "demo" / "demo.toml"
    if not path.is_file():
        raise FileNotFoundError(f"the furthest demo data is not installed beside the package ({path})")
    return os.fspath(path)
