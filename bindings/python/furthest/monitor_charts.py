"""Charts of a run's monitoring (``[monitoring]``): reach over time and the concentration curve of
reach over need. They draw only what the run published: a count suppressed for disclosure control
is shown as "suppressed", never filled in, estimated or drawn as 0.

>>> from furthest import monitor_charts
>>> monitor_charts.reach_over_time(result, "people_helped")   # programme total by quarter, and by area wave
>>> monitor_charts.lorenz_curve(result, "devices_lent")       # concentration curve with index and interval
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from furthest.maps import wave_colour

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from furthest.runs import RunResult

__all__ = ["equity_row", "lean", "lorenz_curve", "measure_label", "periods", "published_curve", "reach_over_time"]

MEASURES = {"people_helped": "people helped", "devices_lent": "devices lent"}
SUPPRESSED = "suppressed"
_TOTAL = "total"


def measure_label(measure: str) -> str:
    """A measure's name in words (``people_helped`` → ``people helped``)."""
    return MEASURES.get(measure, measure.replace("_", " "))


def _check_measure(result: RunResult, measure: str) -> None:
    if "area_reach" not in result:
        raise ValueError("the run made no area_reach table; add [monitoring] to the config")
    if measure not in result["area_reach"].columns:
        known = [m for m in MEASURES if m in result["area_reach"].columns]
        raise ValueError(f"the run published no measure {measure!r}; it has {', '.join(known)}")


def periods(result: RunResult) -> list[str]:
    """The run's reporting periods in order (the manifest's ``monitoring.period.periods``, else as
    the area_reach table lists them), without the ``total``."""
    listed = ((result.manifest.get("monitoring") or {}).get("period") or {}).get("periods")
    if listed:
        return [str(p) for p in listed]
    seen = result["area_reach"]["period"].astype(str)
    return [p for p in dict.fromkeys(seen) if p != _TOTAL]


def _area_waves(result: RunResult) -> dict[str, int]:
    """Each area's wave in the plan (plan_progress, else the rollout's area_waves), or {} without a plan."""
    for name in ("plan_progress", "area_waves"):
        if name in result and "area_wave" in result[name].columns:
            table = result[name]
            return {str(a): int(w) for a, w in zip(table["area_id"], table["area_wave"]) if w == w}
    return {}


def _wave_series(result: RunResult, measure: str, order: Sequence[str]) -> dict[int, pd.Series]:
    """Per area wave, the sum of its areas' published counts per period; NaN where any of them is
    suppressed (a sum over a suppressed cell would publish an estimate of it)."""
    waves = _area_waves(result)
    reach = result["area_reach"]
    areas = reach[(reach["scope"].astype(str) == "area") & (reach["period"].astype(str) != _TOTAL)].copy()
    areas["_wave"] = areas["area_id"].astype(str).map(waves)
    out: dict[int, pd.Series] = {}
    for wave, rows in areas.dropna(subset=["_wave"]).groupby("_wave"):
        values = rows.groupby(rows["period"].astype(str))[measure].agg(lambda s: s.sum() if s.notna().all() else math.nan)
        out[int(wave)] = values.reindex(list(order))
    return out


def reach_over_time(result: RunResult, measure: str = "people_helped", *, ax: Any = None) -> Figure:
    """The programme's ``measure`` per reporting period (bars of the "all areas" rows of area_reach)
    with the running total (a line), and beside it, when the run has a plan, the same per area wave
    (the sum of the wave's areas). A suppressed count is written "suppressed" where its bar or
    point would be; the running total stops at the first suppressed period. Returns the figure."""
    import matplotlib.pyplot as plt
    import numpy as np

    _check_measure(result, measure)
    order = periods(result)
    reach = result["area_reach"]
    programme = reach[reach["scope"].astype(str) == "all areas"]
    values = programme.set_index(programme["period"].astype(str))[measure].reindex(order).astype(float)
    waves = _wave_series(result, measure, order)
    label = measure_label(measure)
    if ax is not None:
        figure, axes = ax.figure, [ax]
    else:
        figure, axes_array = plt.subplots(1, 2 if waves else 1, figsize=(11, 3.9) if waves else (7, 3.9), squeeze=False)
        axes = list(axes_array[0])
    x = np.arange(len(order))
    ticks = [p.replace(" to ", "–\n") for p in order]

    first = axes[0]
    published = values.notna().to_numpy()
    first.bar(x[published], values[published], color="#9e9ac8", width=0.6, label=f"{label} in the period")
    running = values.cumsum().where(values.notna().cummin())  # no running total past a suppressed period
    first.plot(x, running, color="#54278f", marker="o", linewidth=2, label="running total")
    for i in np.flatnonzero(~published):
        first.annotate(SUPPRESSED, (x[i], 0), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                       fontsize=8, rotation=90, color="#5a5a5a")  # fmt: skip
    first.set_xticks(x, ticks, fontsize=8)
    first.set_ylabel(label)
    first.set_ylim(bottom=0)
    first.set_title(f"The programme: {label} per period", loc="left", fontsize=11, fontweight="bold")
    first.legend(frameon=False, fontsize=8, loc="upper left")
    first.spines[["top", "right"]].set_visible(False)

    if waves and len(axes) > 1:
        second = axes[1]
        stack = [0] * len(order)  # "suppressed" notes at one period stack upwards
        for wave, series in sorted(waves.items()):
            colour = wave_colour(wave)
            second.plot(x, series.to_numpy(dtype=float), marker="o", linewidth=2, color=colour, label=f"area wave {wave}")
            for i in np.flatnonzero(series.isna().to_numpy()):
                second.annotate(f"wave {wave}: {SUPPRESSED}", (x[i], 0), xytext=(-4 + 9 * stack[i], 3), textcoords="offset points",
                                ha="center", va="bottom", rotation=90, fontsize=7, color="#3f3f3f")  # fmt: skip
                stack[i] += 1
        second.set_xticks(x, ticks, fontsize=8)
        second.set_ylim(bottom=0)
        second.set_title(f"By area wave of the plan: {label}", loc="left", fontsize=11, fontweight="bold")
        second.legend(frameon=False, fontsize=8, loc="upper left")
        second.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return figure


def equity_row(result: RunResult, measure: str = "people_helped") -> Mapping[str, Any]:
    """The "all zones" row of the equity table for ``measure`` (index, interval, top decile shares),
    completed from the manifest's ``monitoring.equity`` entry."""
    row: dict[str, Any] = {}
    for entry in (result.manifest.get("monitoring") or {}).get("equity") or []:
        if isinstance(entry, Mapping) and entry.get("measure") == measure:
            interval = entry.get("interval") or [math.nan, math.nan]
            row.update(
                concentration_index=entry.get("concentration_index", math.nan),
                concentration_lower=interval[0],
                concentration_upper=interval[1],
                level=entry.get("level", math.nan),
                top_decile_residents_share=entry.get("top_decile_people_share", math.nan),
                top_decile_reach_share=entry.get("top_decile_reach_share", math.nan),
            )
    if "equity" in result:
        table = result["equity"]
        rows = table[(table["scope"].astype(str) == "all zones") & (table["measure"].astype(str) == measure)]
        if len(rows):
            row.update({k: v for k, v in rows.iloc[0].items() if v == v or k not in row})
    row = {k: math.nan if v is None else v for k, v in row.items()}  # null in the manifest: suppressed or undefined
    if not row:
        raise ValueError(f"the run published no equity for {measure!r}; add [monitoring] to the config")
    return row


def lean(lower: float, upper: float) -> str:
    """The interval of a concentration index in words (zones ranked most need first)."""
    if lower != lower or upper != upper:
        return "no interval to judge the lean by"
    if upper < 0:
        return "reach goes to higher need"
    if lower > 0:
        return "reach goes to lower need"
    return "no clear lean"


def published_curve(result: RunResult, measure: str = "people_helped") -> pd.DataFrame | None:
    """The concentration curve the run published for ``measure`` (manifest
    ``monitoring.equity[i].curve``: cumulative ``population_share`` and ``reach_share`` over zones
    ranked most need first, at need-decile resolution), from (0, 0); None when it published none."""
    for entry in (result.manifest.get("monitoring") or {}).get("equity") or []:
        if not isinstance(entry, Mapping) or entry.get("measure") != measure:
            continue
        curve = entry.get("curve")
        if isinstance(curve, Mapping) and curve.get("population_share") and curve.get("reach_share"):
            frame = pd.DataFrame(
                {"population_share": curve["population_share"], "reach_share": curve["reach_share"]}, dtype=float
            )
            if frame.iloc[0].abs().sum() > 0:
                frame = pd.concat([pd.DataFrame({"population_share": [0.0], "reach_share": [0.0]}), frame], ignore_index=True)
            return frame
    return None


def lorenz_curve(result: RunResult, measure: str = "people_helped", *, ax: Any = None) -> Figure:
    """The concentration curve of ``measure`` over zones ranked by need, most need first: the
    cumulative share of reach against the cumulative share of residents, with the diagonal of
    reach in proportion to residents. A curve above the diagonal means reach goes to higher need
    (a negative index). The title gives the concentration index and its bootstrap interval.

    The curve is the one the run publishes (at need-decile resolution, see :func:`published_curve`);
    a curve recomputed from the zones would need the suppressed counts. When the run publishes no
    curve, only the top need decile's point (its share of residents and of reach) is drawn.
    Returns the figure."""
    import matplotlib.pyplot as plt

    row = equity_row(result, measure)
    label = measure_label(measure)
    if ax is None:
        figure, ax = plt.subplots(figsize=(6.2, 5.6))
    else:
        figure = ax.figure
    ax.plot([0, 1], [0, 1], color="#969696", linestyle="--", linewidth=1, label="reach in proportion to residents")
    curve = published_curve(result, measure)
    if curve is not None:
        ax.plot(curve["population_share"], curve["reach_share"], color="#a50026", marker="o", markersize=3.5, linewidth=2,
                label=f"share of {label}, zones by need (most need first)")  # fmt: skip
    else:
        ax.annotate("no curve published for this measure (suppressed, or none made)", (0.98, 0.02), xycoords="axes fraction",
                    ha="right", va="bottom", fontsize=8, color="#5a5a5a")  # fmt: skip
    x, y = row.get("top_decile_residents_share", math.nan), row.get("top_decile_reach_share", math.nan)
    if x == x and y == y:
        ax.scatter([x], [y], s=48, color="#1a1a1a", zorder=5, label="the tenth of zones in most need")
        ax.annotate(f"the top need decile:\n{100 * x:.0f}% of residents,\n{100 * y:.0f}% of {label}", (x, y),
                    xytext=(0.04, 0.62), textcoords="axes fraction", fontsize=8.5, va="bottom",
                    arrowprops={"arrowstyle": "-", "color": "#5a5a5a", "linewidth": 0.8})  # fmt: skip
    index, lower, upper = (row.get(k, math.nan) for k in ("concentration_index", "concentration_lower", "concentration_upper"))
    level = row.get("level", 0.9)
    interval = f"{100 * level:.0f}% interval {lower:+.2f} to {upper:+.2f}: " if lower == lower and upper == upper else ""
    ax.set_title(
        f"{label[:1].upper()}{label[1:]} over need: concentration index {index:+.2f}\n{interval}{lean(lower, upper)}",
        loc="left", fontsize=10.5, fontweight="bold",
    )  # fmt: skip
    ax.set_xlabel("cumulative share of residents, zones ranked from most need")
    ax.set_ylabel(f"cumulative share of {label}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.legend(frameon=False, fontsize=8, loc="lower right" if curve is not None else "upper left")
    ax.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return figure
