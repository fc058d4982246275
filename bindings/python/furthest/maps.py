"""Maps of a run: static matplotlib choropleths (``RunResult.plot``) and interactive folium maps
(``RunResult.explore``), with the same classes and colours as the GeoPackage layer styles.

Nothing here fetches anything: no basemap tiles, no web fonts. Zones are coloured by class
(need deciles, need-support gap classes, rollout waves, or a numeric column classed with
mapclassify), partnership areas are outlined and labelled, partners and hub sites are drawn as
symbols, and the run's attribution lines (``[report] attribution``) go at the bottom.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    from matplotlib.axes import Axes

    from furthest.runs import RunResult

# One table of class colours, shared with the GeoPackage layer styles: change both together.
CLASS_COLOURS: dict[str, dict[Any, str]] = {
    # need decile, 1 = the tenth of zones in most need
    "decile": {
        1: "#a50026",
        2: "#d73027",
        3: "#f46d43",
        4: "#fdae61",
        5: "#fee090",
        6: "#e0f3f8",
        7: "#abd9e9",
        8: "#74add1",
        9: "#4575b4",
        10: "#313695",
    },
    # gap_class, the 3 x 3 of need terciles by support terciles; legend order: most urgent first
    "gap_class": {
        "high need, low support": "#b30000",
        "high need, medium support": "#e34a33",
        "high need, high support": "#fdbb84",
        "medium need, low support": "#fc8d59",
        "medium need, medium support": "#fdd49e",
        "medium need, high support": "#fef0d9",
        "low need, low support": "#d9d9d9",
        "low need, medium support": "#bdbdbd",
        "low need, high support": "#969696",
    },
    # area_wave / zone_wave: 0 is done (the pilot); 5 stands for 5 and later
    "wave": {0: "#bdbdbd", 1: "#54278f", 2: "#756bb1", 3: "#9e9ac8", 4: "#cbc9e2", 5: "#f2f0f7"},
    # hub sites: existing hubs black squares, new hubs stars in their wave's colour, candidates grey circles
    "site": {"existing hub": "#000000", "candidate": "#9e9e9e"},
    # hot and cold spots (Gi*) and local Moran clusters; not significant stays pale so clusters stand out
    "hotspot": {"hot spot": "#d7301f", "cold spot": "#2c7bb6", "not significant": "#f0f0f0"},
    "hotspot_cluster": {
        "high-high": "#d7191c",
        "low-low": "#2c7bb6",
        "high-low": "#fdae61",
        "low-high": "#abd9e9",
        "not significant": "#f0f0f0",
    },
}
NO_DATA_COLOUR = "#ffffff"
NO_DATA_LABEL = "no data"

# Shapes that tell partner types apart whatever the fill colour below them.
_PARTNER_MARKERS = ["o", "^", "D", "v", "P", "X", "h", "<", ">", "p"]

PRESETS: dict[str, dict[str, str]] = {
    "need": {"column": "decile", "title": "Need for support to get online: decile of the need score"},
    "gap": {"column": "gap_class", "title": "Need against the support that already reaches it"},
    "waves": {"column": "area_wave", "title": "Rollout: partnership areas in waves"},
    "hubs": {"column": "decile", "title": "Digital Health Hubs: existing, new by wave, over need"},
    "hotspots": {"column": "hotspot", "title": "Where the gap clusters: hot and cold spots (local Gi*)"},
    "reach": {"column": "people_helped_per_1000_residents", "title": "Reach: people helped per 1,000 residents"},
}

# What a run needs to draw a preset, and the config section that adds it.
_PRESET_NEEDS = {
    "gap": ("gap_class", "zones", "the run made no gap_class column; add [access] (with partners) to the config"),
    "waves": ("area_wave", "rollout", "the run made no rollout table; add [rollout] to the config"),
    "hubs": ("sites", None, "the run made no sites table; add [rollout.hubs] to the config"),
    "hotspots": ("hotspot", "zones", "the run made no hotspot column; add [hotspots] to the config"),
    "reach": ("people_helped_per_1000_residents", "zones", "the run made no reach columns; add [monitoring] to the config"),
}

# Rates of the monitoring stage, blank where their count is suppressed (disclosure control): the
# count column each is read beside.
_SUPPRESSIBLE = {
    "people_helped": "people_helped",
    "people_helped_per_1000_residents": "people_helped",
    "devices_lent": "devices_lent",
    "devices_lent_per_1000_residents": "devices_lent",
}
SUPPRESSED_COLOUR = "#bdbdbd"
SUPPRESSED_HATCH = "////"

_ROLLOUT_COLUMNS = ("area_wave", "zone_wave", "order")


@dataclass
class Classes:
    """A column in classes: each row's class label (``labels``, NaN → ``no data``), and the legend
    as label → colour in legend order, with its title."""

    labels: pd.Series
    colours: dict[str, str]
    title: str

    def row_colours(self) -> pd.Series:
        """The colour of each row."""
        return self.labels.map(self.colours).fillna(NO_DATA_COLOUR)


# ---- classes ---------------------------------------------------------------------------------


def decile_label(decile: int) -> str:
    """The legend label of a need decile: ``1 (most need)``, ``2`` … ``10 (least need)``."""
    return {1: "1 (most need)", 10: "10 (least need)"}.get(decile, str(decile))


def wave_label(wave: int) -> str:
    """The legend label of a rollout wave (``0 (done / pilot)``, ``1`` …, ``5 and later``)."""
    if wave <= 0:
        return "0 (done / pilot)"
    return "5 and later" if wave >= 5 else str(wave)


def wave_colour(wave: float) -> str:
    """The colour of a rollout wave (waves from 5 on share the palest)."""
    if wave != wave:  # NaN
        return NO_DATA_COLOUR
    return CLASS_COLOURS["wave"][min(max(int(wave), 0), 5)]


def _with_no_data(labels: pd.Series, colours: dict[str, str]) -> dict[str, str]:
    if labels.isna().any():
        colours = {**colours, NO_DATA_LABEL: NO_DATA_COLOUR}
    return colours


def classify(values: pd.Series, column: str, *, scheme: str = "quantiles", k: int = 5) -> Classes:
    """The classes of ``values`` (a column named ``column``): need deciles, gap classes and waves by
    the fixed table :data:`CLASS_COLOURS`, other text or small whole-number columns as categories,
    and any other numbers classed by mapclassify's ``scheme`` with ``k`` classes (the legend title
    names the scheme). Returns a :class:`Classes`."""
    if column == "decile" or column.startswith("decile_"):
        labels = values.map(lambda v: decile_label(int(v)) if v == v else None)
        colours = {decile_label(d): c for d, c in CLASS_COLOURS["decile"].items()}
        return Classes(labels, _with_no_data(labels, colours), "Need decile")
    if column == "gap_class":
        labels = values.astype("object").where(values.notna(), None)
        unknown = set(labels.dropna()) - set(CLASS_COLOURS["gap_class"])
        if unknown:
            raise ValueError(f"gap_class has values outside the 3 x 3 classes: {', '.join(sorted(map(str, unknown)))}")
        return Classes(labels, _with_no_data(labels, dict(CLASS_COLOURS["gap_class"])), "Need and support")
    if column in ("hotspot", "hotspot_cluster"):
        labels = values.astype("object").where(values.notna(), None)
        known = CLASS_COLOURS[column]
        present = [label for label in known if (labels == label).any()]
        title = {"hotspot": "Local Gi* (FDR-corrected)", "hotspot_cluster": "Local Moran cluster"}[column]
        return Classes(labels, _with_no_data(labels, {label: known[label] for label in present}), title)
    if column in ("area_wave", "zone_wave", "wave"):
        labels = values.map(lambda v: wave_label(int(v)) if v == v else None)
        present = sorted({min(max(int(v), 0), 5) for v in values.dropna()})
        colours = {wave_label(w): CLASS_COLOURS["wave"][w] for w in present}
        title = {"area_wave": "Area wave", "zone_wave": "Zone wave (within its area)"}.get(column, "Wave")
        return Classes(labels, _with_no_data(labels, colours), title)
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    present = values.dropna()
    whole = numeric and len(present) > 0 and bool((present.astype(float) % 1 == 0).all())
    if not numeric or (whole and values.nunique() <= 12):
        return _categories(values, column)
    return _numeric_classes(values, column, scheme, k)


def _categories(values: pd.Series, column: str) -> Classes:
    from matplotlib import colormaps

    order = sorted(values.dropna().unique(), key=lambda v: (isinstance(v, str), v))
    palette = colormaps["tab10" if len(order) <= 10 else "tab20"]
    colours = {str(v): _hex(palette(i % palette.N)) for i, v in enumerate(order)}
    labels = values.map(lambda v: str(v) if v == v and v is not None else None)
    return Classes(labels, _with_no_data(labels, colours), column)


def _numeric_classes(values: pd.Series, column: str, scheme: str, k: int) -> Classes:
    try:
        import mapclassify
    except ImportError as error:
        raise ImportError(f"classing the numeric column {column!r} needs mapclassify: pip install 'furthest[maps]'") from error
    from matplotlib import colormaps

    present = values.dropna().astype(float)
    if present.empty:
        labels = pd.Series([None] * len(values), index=values.index, dtype="object")
        return Classes(labels, {NO_DATA_LABEL: NO_DATA_COLOUR}, column)
    k = max(1, min(k, present.nunique()))
    classifier = mapclassify.classify(present.to_numpy(), scheme, k=k)
    edges = [float(present.min()), *(float(b) for b in classifier.bins)]
    names = [f"{_number(lo)} – {_number(hi)}" for lo, hi in zip(edges[:-1], edges[1:])]
    ramp = colormaps["YlOrRd"]
    n = len(names)
    colours = {name: _hex(ramp(0.12 + 0.83 * (i / max(n - 1, 1)))) for i, name in enumerate(names)}
    labels = pd.Series([None] * len(values), index=values.index, dtype="object")
    labels.loc[present.index] = [names[i] for i in classifier.yb]
    title = f"{column}\n({classifier.name.lower()}, {n} classes)"
    return Classes(labels, _with_no_data(labels, colours), title)


def suppressed_label(result: RunResult) -> str:
    """The legend label of a zone whose count is suppressed, with the run's threshold."""
    disclosure = (result.manifest.get("monitoring") or {}).get("disclosure") or {}
    threshold = disclosure.get("threshold", 5)
    return f"suppressed (fewer than {threshold:g}, or protecting one)"


def mark_suppressed(result: RunResult, zones: pd.DataFrame, column: str, classes: Classes) -> tuple[Classes, pd.Series]:
    """For a reach column of the monitoring stage, the classes with each zone whose count is
    suppressed (blank in the run's output) labelled :func:`suppressed_label` in grey instead of
    "no data", and which zones those are (a boolean Series on the zones' index). Other columns
    come back unchanged, with no zone marked."""
    count = _SUPPRESSIBLE.get(column)
    if count is None or count not in zones.columns:
        return classes, pd.Series(False, index=zones.index)
    classes = Classes(classes.labels, classes.colours, classes.title.replace(column, column.replace("_", " ")))
    hidden = zones[count].isna() & classes.labels.isna()
    if not hidden.any():
        return classes, hidden
    label = suppressed_label(result)
    labels = classes.labels.astype("object").where(~hidden, label)
    colours = {k: v for k, v in classes.colours.items() if k != NO_DATA_LABEL}
    colours[label] = SUPPRESSED_COLOUR
    return Classes(labels, _with_no_data(labels, colours), classes.title), hidden


def _number(value: float) -> str:
    return f"{value:,.3g}" if abs(value) < 1e4 else f"{value:,.0f}"


def _hex(rgba: tuple[float, ...]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(round(255 * c) for c in rgba[:3]))


# ---- the run's frames ----------------------------------------------------------------------


def zone_id_column(result: RunResult) -> str:
    """The zones table's id column, as the config named it (``[zones] id``)."""
    zones = result["zones"]
    for config in (result.manifest.get("effective_config"), result.manifest.get("config")):
        if isinstance(config, Mapping):
            name = (config.get("zones") or {}).get("id")
            if isinstance(name, str) and name in zones.columns:
                return name
    return str(zones.columns[0])


def zone_labels(result: RunResult) -> pd.Series:
    """Each zone's label: its ``zone_name`` (``[zones] name``) where given, else its id."""
    zones = result["zones"]
    ids = zones[zone_id_column(result)].astype("object")
    if "zone_name" in zones.columns:
        names = zones["zone_name"].astype("object")
        return names.where(names.notna() & (names.astype(str).str.strip() != ""), ids)
    return ids


def attribution(result: RunResult) -> list[str]:
    """The attribution lines of the run's ``[report]`` section (empty when it has none)."""
    report = result.manifest.get("report")
    lines = report.get("attribution", []) if isinstance(report, Mapping) else []
    if isinstance(lines, str):
        lines = [lines]
    return [str(line) for line in lines if str(line).strip()]


def report_title(result: RunResult) -> str | None:
    """The title of the run's ``[report]`` section, or None."""
    report = result.manifest.get("report")
    title = report.get("title") if isinstance(report, Mapping) else None
    return str(title) if title else None


def zone_frame(result: RunResult) -> gpd.GeoDataFrame:
    """The zones with the rollout's columns (area_wave, zone_wave, order, and its reason as
    ``rollout_reason``) joined on the zone id when the run made a rollout, and ``zone_label``.
    Returns a new GeoDataFrame on the zones' index."""
    zones = result["zones"].copy()
    id_column = zone_id_column(result)
    zones["zone_label"] = zone_labels(result)
    if "rollout" in result:
        rollout = pd.DataFrame(result["rollout"]).drop(columns=["geometry", "area_id"], errors="ignore")
        rollout = rollout.rename(columns={"reason": "rollout_reason"}).set_index("zone_id")
        keep = [c for c in rollout.columns if c not in zones.columns]
        joined = rollout[keep].reindex(zones[id_column].astype("object").to_numpy())
        for name in keep:
            zones[name] = joined[name].to_numpy()
    return zones


def _check_preset(result: RunResult, preset: str) -> None:
    if preset not in PRESETS:
        raise ValueError(f"unknown map preset {preset!r}; the presets are {', '.join(PRESETS)}")
    needs = _PRESET_NEEDS.get(preset)
    if needs is None:
        return
    name, table, message = needs
    if table is None:
        if name not in result:
            raise ValueError(message)
    elif table not in result or (name not in result[table].columns):
        raise ValueError(message)


def _resolve(result: RunResult, column: str | None, preset: str | None) -> tuple[str, str | None, str]:
    """(column, preset, title)."""
    if preset is not None:
        _check_preset(result, preset)
    elif column is None:
        preset = "need"
    spec = PRESETS[preset] if preset is not None else {}
    column = column or spec["column"]
    title = spec.get("title", column) if preset is not None and column == spec["column"] else column
    return column, preset, title


def _values(result: RunResult, zones: gpd.GeoDataFrame, column: str) -> pd.Series:
    if column in zones.columns:
        return zones[column]
    where = "" if "rollout" in result else "; rollout columns need [rollout] in the config"
    raise ValueError(f"the zones have no column {column!r}{where}")


# ---- static maps (matplotlib) ---------------------------------------------------------------


def plot(
    result: RunResult,
    column: str | None = None,
    preset: str | None = None,
    ax: Axes | None = None,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    areas: bool = True,
    labels: bool = True,
    partners: bool | None = None,
    title: str | None = None,
    legend: bool = True,
    figsize: tuple[float, float] = (10.0, 8.5),
) -> Axes:
    """Draw a choropleth of the run's zones and return the matplotlib Axes.

    ``preset`` is one of ``"need"`` (need deciles, the default), ``"gap"`` (gap classes),
    ``"waves"`` (area waves of the rollout), ``"hubs"`` (hub sites over need), ``"hotspots"`` and
    ``"reach"`` (people helped per 1,000 residents, ``[monitoring]``; zones whose count is
    suppressed for disclosure control are grey and hatched, never classed); ``column`` is
    any zones column (or ``area_wave``, ``zone_wave``, ``order`` of the rollout), and overrides
    the preset's colours. Deciles, gap classes and waves take the fixed colours of
    :data:`CLASS_COLOURS`; other numbers are classed with mapclassify (``scheme``, ``k``, named in
    the legend title). Partnership areas are outlined and labelled by name (``areas``,
    ``labels``); partners are drawn by type (``partners``, default: on except for waves and hubs). The run's
    ``[report] attribution`` lines go below the map. A preset whose table the run lacks raises
    ValueError naming the config section that adds it. Draws no basemap (nothing is fetched).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    column, preset, default_title = _resolve(result, column, preset)
    zones = zone_frame(result)
    classes = classify(_values(result, zones, column), column, scheme=scheme, k=k)
    classes, hidden = mark_suppressed(result, zones, column, classes)
    if ax is None:
        # A column on the right as wide as the longest legend label (constrained layout does not
        # make room for legends anchored outside an axes with an equal aspect).
        longest = max([len(label) for label in classes.colours] + [len(line) for line in classes.title.split("\n")] + [24])
        column_inches = 0.75 + 0.075 * longest
        figure, ax = plt.subplots(figsize=figsize)
        figure.subplots_adjust(left=0.01, right=max(0.5, 1 - column_inches / figsize[0]), top=0.93, bottom=0.08)
    hubs = preset == "hubs"
    fill_alpha = 0.55 if hubs else 1.0  # need stays legible under the hub symbols
    zones.plot(ax=ax, color=classes.row_colours().to_numpy(), edgecolor="white", linewidth=0.2, alpha=fill_alpha)
    if hidden.any():
        # Hatched as well as grey: a suppressed count is not a low one, whatever the palette.
        zones[hidden.to_numpy()].plot(ax=ax, facecolor="none", edgecolor="#5a5a5a", hatch=SUPPRESSED_HATCH, linewidth=0)
    if areas and "areas" in result:
        area_shapes = result["areas"]
        area_shapes = area_shapes[area_shapes.geometry.notna() & ~area_shapes.geometry.is_empty]
        area_shapes.boundary.plot(ax=ax, color="#262626", linewidth=1.1)
    handles_symbols: list[Any] = []
    if hubs:
        handles_symbols = _draw_sites(result["sites"], ax)
    elif result.partners is not None and (partners or (partners is None and preset != "waves")):
        handles_symbols = _draw_partners(result.partners, ax)
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.set_title(title if title is not None else default_title, loc="left", fontsize=13, fontweight="bold", pad=10)
    if legend:
        suppressed = suppressed_label(result) if hidden.any() else None
        patches = [
            Patch(facecolor=c, edgecolor="#555555", linewidth=0.4, alpha=fill_alpha, label=label,
                  hatch=SUPPRESSED_HATCH if label == suppressed else None)
            for label, c in classes.colours.items()
        ]  # fmt: skip
        # The classes are the axes' legend (ax.get_legend()); the symbols a figure legend placed
        # beside the axes, because a second axes legend (add_artist) is left out of bbox_inches="tight".
        style = {"frameon": False, "fontsize": 8.5, "title_fontsize": 9.5, "alignment": "left"}
        ax.legend(handles=patches, title=classes.title, loc="upper left", bbox_to_anchor=(1.01, 1.0), **style)
        if handles_symbols:
            ax.figure.legend(
                handles=handles_symbols,
                title="Hub sites" if hubs else "Partners",
                loc="lower left",
                bbox_to_anchor=(1.01, 0.0),
                bbox_transform=ax.transAxes,
                **style,
            )
    numbered: list[str] = []
    if areas and labels and "areas" in result and "area_name" in result["areas"].columns:
        numbered = _label_areas(area_shapes, ax)
    below: Any = None
    if numbered:
        key = "; ".join(f"{i} {name}" for i, name in enumerate(numbered, start=1))
        below = ax.annotate(
            textwrap.fill("Areas numbered on the map: " + key, 130),
            xy=(0.0, 0.0),
            xycoords="axes fraction",
            xytext=(0, -4),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=7.5,
            color="#1a1a1a",
        )
    lines = attribution(result)
    if lines:
        ax.annotate(
            "\n".join(lines),
            xy=(0.0, 0.0),
            xycoords="axes fraction" if below is None else below,
            xytext=(0, -6 if below is None else -4),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=7,
            color="#555555",
        )
    return ax


def _label_size(n: int) -> float:
    return 9.0 if n <= 8 else 8.0 if n <= 15 else 7.0 if n <= 25 else 6.0


def _label_areas(areas: gpd.GeoDataFrame, ax: Axes) -> list[str]:
    """Name each area inside it, the largest first, where the name overlaps no name already placed
    (at a point near its middle); an area with no such room gets a number instead. Returns the
    numbered areas' names, in number order, for a key below the map."""
    from matplotlib import patheffects

    size = _label_size(len(areas))
    halo = [patheffects.withStroke(linewidth=2.6, foreground="white")]
    style = {"ha": "center", "va": "center", "fontweight": "bold", "color": "#1a1a1a", "path_effects": halo, "zorder": 6}
    figure = ax.figure
    try:
        figure.canvas.draw()  # settle the axes' size and limits, so label extents are final
        renderer = figure.canvas.get_renderer()
    except (AttributeError, NotImplementedError):  # a backend that cannot measure text: names only
        renderer = None
    placed: list[Any] = []
    numbered: list[str] = []
    for index in areas.geometry.area.sort_values(ascending=False).index:
        name = areas.at[index, "area_name"]
        if name is None or name != name:
            continue
        spots = _label_spots(areas.geometry.loc[index])
        text = ax.text(*spots[0], textwrap.fill(str(name), 16), fontsize=size, linespacing=0.95, **style)
        if renderer is None:
            continue

        def fits(text: Any, spot: tuple[float, float], grow: float) -> Any:
            text.set_position(spot)
            extent = text.get_window_extent(renderer).expanded(grow, grow)
            return None if any(extent.overlaps(other) for other in placed) else extent

        extent = next((e for spot in spots[:9] if (e := fits(text, spot, 1.06)) is not None), None)
        if extent is None:
            numbered.append(str(name))
            text.set_text(str(len(numbered)))
            text.set_fontsize(size)
            text.set_path_effects([])
            text.set_bbox({"boxstyle": "circle,pad=0.25", "facecolor": "white", "edgecolor": "#262626", "linewidth": 0.7})
            extent = next((e for spot in spots if (e := fits(text, spot, 1.15)) is not None), None)
            if extent is None:
                extent = fits(text, spots[0], 1.0) or text.get_window_extent(renderer)
        placed.append(extent)
    return numbered


def _label_spots(shape: Any) -> list[tuple[float, float]]:
    """Points inside ``shape`` to try a label at: its representative point first, then points of
    a grid over it, nearest that point first."""
    import numpy as np
    import shapely

    first = shape.representative_point()
    west, south, east, north = shape.bounds
    xs, ys = np.meshgrid(np.linspace(west, east, 9)[1:-1], np.linspace(south, north, 9)[1:-1])
    grid = shapely.points(xs.ravel(), ys.ravel())
    inside = grid[shapely.contains(shape, grid)]
    inside = sorted(inside, key=lambda point: point.distance(first))
    return [(first.x, first.y)] + [(point.x, point.y) for point in inside]


def _draw_partners(partners: gpd.GeoDataFrame, ax: Axes) -> list[Any]:
    from matplotlib.lines import Line2D

    partners = partners[partners.geometry.notna() & ~partners.geometry.is_empty]
    # A partner without a type is labelled by the table it came from (a single [partners] table
    # with no type gives "partners"), never by an empty string.
    kinds = None
    if "partner_type" in partners.columns:
        kinds = partners["partner_type"].astype("string").fillna("").str.strip()
        source = partners["partners_table"].astype(str) if "partners_table" in partners.columns else "partner"
        kinds = kinds.where(kinds != "", source).astype(str)
    order = sorted(kinds.unique()) if kinds is not None else ["partner"]
    handles = []
    for i, kind in enumerate(order):
        subset = partners if kinds is None else partners[kinds == kind]
        marker = _PARTNER_MARKERS[i % len(_PARTNER_MARKERS)]
        ax.scatter(
            subset.geometry.x, subset.geometry.y, marker=marker, s=26, c="#1a1a1a", edgecolors="white", linewidths=0.7, zorder=4
        )
        label = f"{kind.replace('_', ' ')} ({len(subset)})"
        handles.append(
            Line2D(
                [], [], marker=marker, linestyle="", markersize=6, markerfacecolor="#1a1a1a", markeredgecolor="white", label=label
            )
        )
    return handles


def _draw_sites(sites: gpd.GeoDataFrame, ax: Axes) -> list[Any]:
    from matplotlib.lines import Line2D

    sites = sites[sites.geometry.notna() & ~sites.geometry.is_empty]
    status = sites["status"].astype(str)
    handles = []
    candidates = sites[status == "candidate"]
    if len(candidates):
        ax.scatter(candidates.geometry.x, candidates.geometry.y, marker="o", s=9, c=CLASS_COLOURS["site"]["candidate"], zorder=3)
        handles.append(
            Line2D(
                [], [], marker="o", linestyle="", markersize=4, markerfacecolor=CLASS_COLOURS["site"]["candidate"],
                markeredgecolor=CLASS_COLOURS["site"]["candidate"], label=f"candidate, not chosen ({len(candidates)})",
            )
        )  # fmt: skip
    existing = sites[status == "existing hub"]
    if len(existing):
        black = CLASS_COLOURS["site"]["existing hub"]
        ax.scatter(
            existing.geometry.x, existing.geometry.y, marker="s", s=34, c=black, edgecolors="white", linewidths=0.6, zorder=4
        )
        handles.append(
            Line2D(
                [], [], marker="s", linestyle="", markersize=6, markerfacecolor=black, markeredgecolor="white",
                label=f"existing hub ({len(existing)})",
            )
        )  # fmt: skip
    new = sites[status == "new hub"]
    for wave in sorted(new["wave"].dropna().unique()):
        subset = new[new["wave"] == wave]
        colour = wave_colour(wave)
        ax.scatter(
            subset.geometry.x, subset.geometry.y, marker="*", s=260, c=colour, edgecolors="black", linewidths=0.8, zorder=5
        )
        handles.append(
            Line2D(
                [], [], marker="*", linestyle="", markersize=14, markerfacecolor=colour, markeredgecolor="black",
                label=f"new hub, wave {int(wave)} ({len(subset)})",
            )
        )  # fmt: skip
    return handles


# ---- interactive maps (folium) --------------------------------------------------------------


def _folium() -> Any:
    try:
        import folium
    except ImportError as error:
        raise ImportError(
            "result.explore() draws with folium, which is not installed: pip install 'furthest[maps]' (or pip install folium)"
        ) from error
    return folium


def _format_rank(value: Any) -> str:
    return f"{int(round(float(value))):,}" if value == value and value is not None else "?"


def _distance(metres: float) -> str:
    if metres != metres or math.isinf(metres):
        return "none within reach"
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"


def zone_popups(result: RunResult) -> pd.Series:
    """One HTML snippet per zone (on the zones' index) that explains it: name and id, area, need
    rank of all zones with its 90% interval (rank_p05–rank_p95) and the chance of the top decile
    when the run drew uncertainty, decile, each indicator's contribution to the score, the nearest
    support, the gap class, and the rollout's waves and reason. All text is HTML-escaped."""
    zones = zone_frame(result)
    id_column = zone_id_column(result)
    n = len(zones)
    contributions = [c for c in zones.columns if c.startswith("contribution_")]
    popups = []
    for _, row in zones.iterrows():
        esc = html.escape
        zone_id, label = str(row[id_column]), str(row["zone_label"])
        head = f"<b>{esc(label)}</b>" + (f" ({esc(zone_id)})" if label != zone_id else "")
        lines = [head]
        if "area_name" in zones.columns and row["area_name"] == row["area_name"]:
            lines.append(f"Area: {esc(str(row['area_name']))}")
        rank = f"Need rank {_format_rank(row['rank'])} of {n:,}"
        if "rank_p05" in zones.columns and "rank_p95" in zones.columns:
            rank += f" (90% interval {_format_rank(row['rank_p05'])}–{_format_rank(row['rank_p95'])})"
        lines.append(rank)
        if "p_top_decile" in zones.columns and row["p_top_decile"] == row["p_top_decile"]:
            lines.append(f"In the top need decile in {100 * float(row['p_top_decile']):.0f}% of draws")
        if "decile" in zones.columns:
            lines.append(f"Need decile: {esc(decile_label(int(row['decile'])))}")
        if contributions:
            cells = "".join(
                f"<tr><td>{esc(c.removeprefix('contribution_'))}</td><td style='text-align:right'>{float(row[c]):+.2f}</td></tr>"
                for c in contributions
            )
            lines.append(f"Contributions to the score ({float(row['score']):+.2f}):<table>{cells}</table>")
        if "nearest_partner_m" in zones.columns:
            lines.append(f"Nearest support: {esc(_distance(float(row['nearest_partner_m'])))}")
        if "gap_class" in zones.columns and row["gap_class"] == row["gap_class"]:
            lines.append(f"Gap: {esc(str(row['gap_class']))}")
        if "area_wave" in zones.columns and row["area_wave"] == row["area_wave"]:
            lines.append(f"Area wave {int(row['area_wave'])}, zone wave {int(row['zone_wave'])} (order {int(row['order'])})")
        if "rollout_reason" in zones.columns and row["rollout_reason"] == row["rollout_reason"]:
            lines.append(f"Why: {esc(str(row['rollout_reason']))}")
        popups.append("<div class='furthest-popup'>" + "<br>".join(lines) + "</div>")
    return pd.Series(popups, index=zones.index, name="popup")


def explore(
    result: RunResult,
    column: str | None = None,
    preset: str | None = None,
    *,
    tiles: str | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    partners: bool | None = None,
) -> folium.Map:
    """An interactive folium map of the run's zones, classed and coloured as :func:`plot` does
    (same ``column`` and ``preset``), with area outlines, partners (or hub sites for the
    ``"hubs"`` preset) and a legend. A click on a zone opens a popup from :func:`zone_popups`.
    ``tiles`` is a folium basemap name (default None: no basemap, nothing fetched but Leaflet
    itself). Returns the ``folium.Map``; folium is the ``maps`` extra (``pip install 'furthest[maps]'``).
    """
    folium = _folium()
    column, preset, title = _resolve(result, column, preset)
    zones = zone_frame(result)
    classes = classify(_values(result, zones, column), column, scheme=scheme, k=k)
    classes, _ = mark_suppressed(result, zones, column, classes)
    shown = zones[["zone_label", "geometry"]].copy()
    shown["_colour"] = classes.row_colours().to_numpy()
    shown["_class"] = classes.labels.fillna(NO_DATA_LABEL).astype(str).to_numpy()
    shown["_popup"] = zone_popups(result).to_numpy()
    shown["zone_label"] = shown["zone_label"].astype(str).map(html.escape)
    shown = shown.to_crs(4326)
    west, south, east, north = shown.total_bounds
    fmap = folium.Map(location=[(south + north) / 2, (west + east) / 2], tiles=tiles, control_scale=True)
    fmap.fit_bounds([[south, west], [north, east]])
    hubs = preset == "hubs"
    folium.GeoJson(
        shown.to_json(),
        name=title,
        style_function=lambda feature: {
            "fillColor": feature["properties"]["_colour"],
            "color": "#ffffff",
            "weight": 0.4,
            "fillOpacity": 0.6 if hubs else 0.85,
        },
        highlight_function=lambda feature: {"weight": 2, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["zone_label", "_class"], aliases=["zone", classes.title], localize=False),
        popup=folium.GeoJsonPopup(fields=["_popup"], labels=False, max_width=420),
    ).add_to(fmap)
    if "areas" in result:
        areas = result["areas"][["area_name", "geometry"]].copy()
        areas["area_name"] = areas["area_name"].astype(str).map(html.escape)
        folium.GeoJson(
            areas.to_crs(4326).to_json(),
            name="partnership areas",
            style_function=lambda feature: {"fill": False, "color": "#262626", "weight": 2},
            tooltip=folium.GeoJsonTooltip(fields=["area_name"], aliases=["area"]),
        ).add_to(fmap)
    symbols: list[tuple[str, str]] = []
    if hubs:
        symbols = _folium_sites(folium, result["sites"], fmap)
    elif result.partners is not None and (partners or (partners is None and preset != "waves")):
        symbols = _folium_partners(folium, result.partners, fmap)
    fmap.get_root().html.add_child(folium.Element(_folium_legend(title, classes, symbols, attribution(result))))
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


def _folium_partners(folium: Any, partners: gpd.GeoDataFrame, fmap: folium.Map) -> list[tuple[str, str]]:
    layer = folium.FeatureGroup(name="partners")
    points = partners[partners.geometry.notna() & ~partners.geometry.is_empty].to_crs(4326)
    kinds = points["partner_type"].fillna("(no type)").astype(str) if "partner_type" in points.columns else None
    palette = ["#1a1a1a", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]
    order = sorted(kinds.unique()) if kinds is not None else ["partner"]
    colour_of = {kind: palette[i % len(palette)] for i, kind in enumerate(order)}
    for i, (_, row) in enumerate(points.iterrows()):
        kind = kinds.iloc[i] if kinds is not None else "partner"
        name = row.get("name") if "name" in points.columns else None
        text = f"<b>{html.escape(str(name if name == name and name else row.get('partner_id', '')))}</b><br>{html.escape(kind)}"
        folium.CircleMarker(
            location=[row.geometry.y, row.geometry.x],
            radius=5,
            color="#ffffff",
            weight=1,
            fill=True,
            fill_color=colour_of[kind],
            fill_opacity=1.0,
            popup=folium.Popup(text, max_width=300),
        ).add_to(layer)
    layer.add_to(fmap)
    return [(f"<span style='color:{colour_of[k]}'>&#9679;</span>", html.escape(k.replace("_", " "))) for k in order]


def _folium_sites(folium: Any, sites: gpd.GeoDataFrame, fmap: folium.Map) -> list[tuple[str, str]]:
    layer = folium.FeatureGroup(name="hub sites")
    points = sites[sites.geometry.notna() & ~sites.geometry.is_empty].to_crs(4326)
    legend: dict[str, str] = {}
    for _, row in points.sort_values("status").iterrows():
        status = str(row["status"])
        if status == "existing hub":
            symbol, size, colour = "&#9632;", 16, "#000000"
            key = "existing hub"
        elif status == "new hub":
            colour, symbol, size = wave_colour(row["wave"]), "&#9733;", 26
            key = f"new hub, wave {int(row['wave'])}"
        else:
            symbol, size, colour = "&#9679;", 9, CLASS_COLOURS["site"]["candidate"]
            key = "candidate, not chosen"
        icon = folium.DivIcon(
            html=f"<div style='font-size:{size}px;color:{colour};line-height:1;-webkit-text-stroke:0.6px #000'>{symbol}</div>",
            icon_size=(size, size),
            icon_anchor=(size // 2, size // 2),
        )
        text = html.escape(str(row.get("reason", row.get("site_id", ""))))
        folium.Marker([row.geometry.y, row.geometry.x], icon=icon, popup=folium.Popup(text, max_width=320)).add_to(layer)
        legend[key] = f"<span style='color:{colour};-webkit-text-stroke:0.5px #000'>{symbol}</span>"
    layer.add_to(fmap)
    return [(mark, html.escape(key)) for key, mark in sorted(legend.items())]


def _folium_legend(title: str, classes: Classes, symbols: list[tuple[str, str]], lines: list[str]) -> str:
    rows = "".join(
        f"<div><span style='display:inline-block;width:12px;height:12px;background:{colour};border:1px solid #777;"
        f"margin-right:6px;vertical-align:middle'></span>{html.escape(label)}</div>"
        for label, colour in classes.colours.items()
    )
    marks = "".join(f"<div>{mark} {label}</div>" for mark, label in symbols)
    foot = "".join(f"<div style='color:#555;font-size:10px;margin-top:4px'>{html.escape(line)}</div>" for line in lines)
    return (
        "<div style='position:fixed;bottom:24px;left:12px;z-index:9999;background:rgba(255,255,255,0.92);"
        "padding:8px 10px;border:1px solid #999;border-radius:4px;font:12px sans-serif;max-width:260px'>"
        f"<div style='font-weight:bold;margin-bottom:4px'>{html.escape(title)}</div>"
        f"<div style='font-weight:bold;margin:4px 0 2px'>{html.escape(classes.title)}</div>{rows}{marks}{foot}</div>"
    )
