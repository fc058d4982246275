"""The planner's report: one self-contained HTML file (CSS inline, maps and charts as PNG data URIs,
no script, nothing fetched) that answers the rollout's questions first, then shows the maps, how
sure the ranking is, the method in plain words, data-quality findings and the inputs' checksums.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from furthest import maps

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from furthest.runs import RunResult

QUESTION = (
    "Which neighbourhoods are furthest from being able to use digital health and care services, "
    "who already supports them, and where should the next Digital Champions, Digital Health Hubs "
    "and connected devices go first?"
)

# Zones listed per area in "Top neighbourhoods in each area", and at most per area in wave 1.
TOP_PER_AREA = 5
MAX_FIRST_ZONES = 15

_CSS = """
:root { --ink: #1a1a1a; --muted: #5a5a5a; --rule: #d0d0d0; --accent: #54278f; --band: #f6f5fa; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0;
       line-height: 1.45; font-size: 15px; background: #fff; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 32px 48px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 18px; padding-bottom: 10px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 30px 0 8px; padding-top: 6px; border-top: 1px solid var(--rule); color: var(--accent); }
section.first h2 { border-top: none; padding-top: 0; }
h3 { font-size: 17px; margin: 20px 0 6px; }
p.meta, p.note, .caption { color: var(--muted); font-size: 13px; }
p.question { font-size: 17px; background: var(--band); border-left: 4px solid var(--accent); padding: 10px 14px; }
p.missing { color: var(--muted); font-style: italic; }
ul.answer li { margin: 4px 0; }
nav ol { columns: 2; font-size: 14px; margin: 6px 0 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.hash { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 11px; word-break: break-all; }
tr.group th { background: #fff; border-bottom: 2px solid #999; padding-top: 10px; font-size: 14px; }
td.reason { font-size: 12px; color: #333; }
td.wide { min-width: 14em; }
td.name { min-width: 7em; overflow-wrap: normal; }
td { overflow-wrap: anywhere; }
td.num { overflow-wrap: normal; }
figure { margin: 12px 0 20px; }
figure img { max-width: 100%; height: auto; display: block; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
.method { font-size: 13px; color: #333; }
.swatch { display: inline-block; width: 11px; height: 11px; border: 1px solid #777; vertical-align: -1px; margin-right: 4px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  section { break-before: page; }
  section.first { break-before: auto; }
  h2, h3 { break-after: avoid; }
  table { break-inside: auto; }
  thead { display: table-header-group; }
  tr, figure, img, p.question { break-inside: avoid; }
  tr.group { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


# ---- small builders --------------------------------------------------------------------------


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _int(value: Any) -> str:
    return "–" if _missing(value) else f"{round(float(value)):,}"


def _pct(value: Any, digits: int = 0) -> str:
    return "–" if _missing(value) else f"{100 * float(value):.{digits}f}%"


def _distance(value: Any) -> str:
    if _missing(value) or math.isinf(float(value)):
        return "none within reach"
    metres = float(value)
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"


class _Column:
    """One column of an HTML table: header, how a row's cell is made, right-aligned or not."""

    def __init__(self, header: str, cell: Callable[[Any], str], *, number: bool = False, css: str = "") -> None:
        self.header, self.cell, self.number, self.css = header, cell, number, css


def _table(rows: Iterable[Any], columns: Sequence[_Column], *, group: Callable[[Any], str] | None = None) -> str:
    """An HTML table; cells are escaped here. ``group`` gives a row's group heading: a heading row
    spanning the table starts each group."""
    head = "".join(f"<th{' class=num' if c.number else ''}>{_esc(c.header)}</th>" for c in columns)
    body: list[str] = []
    last: object = object()
    for row in rows:
        if group is not None and (key := group(row)) != last:
            last = key
            body.append(f"<tr class='group'><th colspan='{len(columns)}'>{_esc(key)}</th></tr>")
        cells = "".join(
            f"<td class='{'num ' if c.number else ''}{c.css}'>{_esc(c.cell(row))}</td>".replace(" class=''", "") for c in columns
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figure_png(figure: Figure, *, dpi: int = 110) -> str:
    """The figure as a PNG data URI; closes the figure."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _img(uri: str, alt: str, caption: str) -> str:
    return f"<figure><img src='{uri}' alt='{_esc(alt)}'><figcaption>{_esc(caption)}</figcaption></figure>"


def _section(anchor: str, title: str, body: str, *, first: bool = False) -> str:
    css = " class='first'" if first else ""
    return f"<section id='{anchor}'{css}><h2>{_esc(title)}</h2>{body}</section>"


def _missing_line(what: str, section: str) -> str:
    return f"<p class='missing'>This run has no {_esc(what)}: add {_esc(section)} to the config to include it.</p>"


# ---- the run's facts -------------------------------------------------------------------------


class _Facts:
    """What the sections share: the zones with their labels and rollout columns, lookups of names."""

    def __init__(self, result: RunResult) -> None:
        self.result = result
        self.manifest = result.manifest
        self.zones = maps.zone_frame(result)
        self.id_column = maps.zone_id_column(result)
        self.n_zones = len(self.zones)
        self.uncertain = {"rank_p05", "rank_p95"} <= set(self.zones.columns)
        areas = result.get("areas")
        self.area_names: dict[str, str] = (
            dict(zip(areas["area_id"].astype(str), areas["area_name"].astype(str))) if areas is not None else {}
        )
        self.zone_names = dict(zip(self.zones[self.id_column].astype(str), self.zones["zone_label"].astype(str)))
        partners = result.partners
        self.partner_names: dict[str, str] = {}
        if partners is not None and "partner_id" in partners.columns:
            names = partners["name"] if "name" in partners.columns else partners["partner_id"]
            self.partner_names = {str(i): str(n) for i, n in zip(partners["partner_id"], names) if not _missing(n)}
        self.rollout = self.manifest.get("rollout") or {}
        self.next_wave = self._next_wave()

    def _next_wave(self) -> int | None:
        if "area_waves" not in self.result:
            return None
        waves = [int(w) for w in self.result["area_waves"]["area_wave"] if not _missing(w) and int(w) >= 1]
        return min(waves) if waves else None

    def area(self, area_id: Any) -> str:
        return self.area_names.get(str(area_id), str(area_id))

    def interval(self, row: Any) -> str:
        if not self.uncertain or _missing(row["rank_p05"]):
            return "–"
        return f"{_int(row['rank_p05'])}–{_int(row['rank_p95'])}"


# ---- sections --------------------------------------------------------------------------------


def _answer(facts: _Facts) -> str:
    result, parts = facts.result, []
    parts.append(f"<p class='question'><b>The question.</b> {_esc(QUESTION)}</p>")
    parts.append(_summary(facts))
    # Which areas next
    parts.append("<h3>Which partnership areas next</h3>")
    if "area_waves" in result:
        waves = result["area_waves"].sort_values(["area_wave", "rule_value"], ascending=[True, False])
        rule = facts.rollout.get("area_rule", "the area rule")
        per_wave = facts.rollout.get("areas_per_wave")
        lead = f"Areas are put in waves{f' of {per_wave}' if per_wave else ''} by {rule}"
        lead += "; wave 0 is already done (the pilot)." if (waves["area_wave"] == 0).any() else "."
        parts.append(f"<p>{_esc(lead)}</p>")
        parts.append(
            _table(
                (row for _, row in waves.iterrows()),
                [
                    _Column("Area", lambda r: r["area_name"]),
                    _Column(_rule_header(rule), lambda r: _int(r["rule_value"]), number=True),
                    _Column("Zones", lambda r: _int(r["zones"]), number=True),
                ],
                group=lambda r: f"Wave {int(r['area_wave'])}" + (" (done / pilot)" if int(r["area_wave"]) == 0 else ""),
            )
        )
    else:
        parts.append(_missing_line("rollout plan", "[rollout]"))
    # Which neighbourhoods first
    parts.append("<h3>Which neighbourhoods first</h3>")
    if "rollout" in result and facts.next_wave is not None:
        parts.append(_first_zones(facts))
    elif "rollout" not in result:
        parts.append(_missing_line("rollout plan", "[rollout]"))
    else:
        parts.append("<p>Every area is already done (wave 0).</p>")
    # Where hubs go
    parts.append("<h3>Where the next Digital Health Hubs go</h3>")
    parts.append(_hubs(facts) if "sites" in result else _missing_line("hub siting", "[rollout.hubs]"))
    # How devices are shared
    parts.append("<h3>How devices are shared</h3>")
    parts.append(_allocation(facts) if "allocation" in result else _missing_line("allocation", "[rollout.allocation]"))
    return _section("answer", "The answer", "".join(parts), first=True)


def _rule_header(rule: str) -> str:
    return rule[:1].upper() + rule[1:] if rule else "Rule value"


def _summary(facts: _Facts) -> str:
    result, zones, items = facts.result, facts.zones, []
    population = zones["population"].sum() if "population" in zones.columns else None
    area_count = len(result["areas"]) if "areas" in result else 0
    line = f"{facts.n_zones:,} neighbourhoods (zones) scored for need"
    if population is not None and not _missing(population):
        line += f", home to {population:,.0f} people"
    if area_count:
        line += f", in {area_count} partnership areas"
    items.append(line + ".")
    high_low = (facts.manifest.get("access") or {}).get("zones_high_need_low_support")
    if high_low is not None:
        items.append(
            f"{int(high_low):,} zones have high need and low support (the top third of need, the bottom third of support)."
        )
    if facts.next_wave is not None:
        waves = result["area_waves"]
        names = waves.loc[waves["area_wave"] == facts.next_wave, "area_name"].astype(str).tolist()
        items.append(f"Next (wave {facts.next_wave}): {', '.join(names)}.")
        if "wave_equity" in result:
            equity = result["wave_equity"].set_index("area_wave")
            if facts.next_wave in equity.index and "share_high_need_people" in equity.columns:
                row = equity.loc[facts.next_wave]
                total = zones["population"].sum() if "population" in zones.columns else float("nan")
                share_all = row["people_so_far"] / total if total and not _missing(total) else float("nan")
                items.append(
                    f"By the end of wave {facts.next_wave} the programme reaches {_pct(row['share_high_need_people'])} "
                    f"of the people in high need"
                    + (f", with {_pct(share_all)} of all people." if not _missing(share_all) else ".")
                )
    if "sites" in result:
        new = result["sites"][result["sites"]["status"].astype(str) == "new hub"]
        if len(new):
            items.append(f"{len(new)} new Digital Health Hubs are proposed, in {new['wave'].nunique()} waves.")
    if "allocation" in result:
        allocation = facts.rollout.get("allocation") or {}
        unit = allocation.get("unit", "units")
        top = result["allocation"].sort_values("units", ascending=False).iloc[0]
        items.append(
            f"{_int(allocation.get('allocated', result['allocation']['units'].sum()))} {unit} shared; "
            f"the most go to {_recipient(facts, top['recipient_id'])} ({_int(top['units'])})."
        )
    return "<ul class='answer'>" + "".join(f"<li>{_esc(item)}</li>" for item in items) + "</ul>"


def _first_zones(facts: _Facts) -> str:
    rollout = facts.zones[facts.zones.get("area_wave") == facts.next_wave] if "area_wave" in facts.zones else facts.zones[:0]
    first = rollout[rollout["zone_wave"] == 1].copy()
    first["_area_order"] = first.groupby("area_id")["order"].transform("min")
    first = first.sort_values(["_area_order", "order"])
    capacity = facts.rollout.get("zone_capacity")
    unit = facts.rollout.get("zone_capacity_unit", "zones")
    order = facts.rollout.get("zone_order", "their order")
    lead = (
        f"Inside each area of wave {facts.next_wave}, neighbourhoods are served by {order}"
        + (f", {capacity:g} {unit} a wave" if isinstance(capacity, int | float) else "")
        + ". These are the first wave's neighbourhoods"
        + (f" (the first {MAX_FIRST_ZONES} per area)" if first.groupby("area_id").size().max() > MAX_FIRST_ZONES else "")
        + "."
    )
    shown = first.groupby("area_id", sort=False).head(MAX_FIRST_ZONES)
    columns = [
        _Column("Neighbourhood", lambda r: r["zone_label"]),
        _Column("Need rank", lambda r: _int(r["rank"]), number=True),
    ]
    if facts.uncertain:
        columns.append(_Column("90% interval", facts.interval, number=True))
    if "p_top_decile" in shown.columns:
        columns.append(_Column("P(top decile)", lambda r: _pct(r["p_top_decile"]), number=True))
    if "nearest_partner_m" in shown.columns:
        columns.append(_Column("Nearest support", lambda r: _distance(r["nearest_partner_m"]), number=True))
    columns.append(_Column("Why (the rollout's reason)", lambda r: r.get("rollout_reason", ""), css="reason"))
    note = f"<p class='note'>Need rank is out of {facts.n_zones:,} zones (1 = most need).</p>"
    return (
        f"<p>{_esc(lead)}</p>"
        + _table((r for _, r in shown.iterrows()), columns, group=lambda r: facts.area(r["area_id"]))
        + note
    )


def _hubs(facts: _Facts) -> str:
    sites = facts.result["sites"]
    status = sites["status"].astype(str)
    new = sites[status == "new hub"].sort_values(["wave", "need_weighted_people_served"], ascending=[True, False])
    hubs = facts.rollout.get("hubs") or {}
    lead = (
        f"{int((status == 'existing hub').sum())} existing hubs are kept; new hubs are chosen among "
        f"{int((status == 'candidate').sum()) + len(new)} candidate sites by {hubs.get('objective', 'the hub objective')}"
        + (f", within {hubs['radius_m']:,.0f} m" if isinstance(hubs.get("radius_m"), int | float) else "")
        + "."
    )
    if isinstance(hubs.get("value"), int | float) and isinstance(hubs.get("bound"), int | float) and hubs["bound"]:
        lead += f" The plan reaches {hubs['value']:,.0f} need-weighted people, within {_pct(hubs.get('gap_to_bound', 0), 2)} of the best possible."
    if new.empty:
        return f"<p>{_esc(lead)}</p><p>No new hub was chosen.</p>"
    table = _table(
        (r for _, r in new.iterrows()),
        [
            _Column("Wave", lambda r: _int(r["wave"]), number=True),
            _Column("Site", lambda r: facts.partner_names.get(str(r["site_id"]), str(r["site_id"]))),
            _Column("Type", lambda r: str(r.get("partner_type", "")).replace("_", " ")),
            _Column("Need-weighted people within reach", lambda r: _int(r["need_weighted_people_within"]), number=True),
            _Column("… served as their nearest hub", lambda r: _int(r["need_weighted_people_served"]), number=True),
        ],
    )
    return f"<p>{_esc(lead)}</p>{table}"


def _recipient(facts: _Facts, recipient: Any) -> str:
    key = str(recipient)
    return facts.area_names.get(key) or facts.zone_names.get(key) or facts.partner_names.get(key) or key


def _allocation(facts: _Facts) -> str:
    table = facts.result["allocation"].sort_values("units", ascending=False)
    allocation = facts.rollout.get("allocation") or {}
    unit = str(allocation.get("unit", "units"))
    rules = [
        f"{_int(allocation.get('budget'))} {unit} shared in proportion to {allocation.get('weights', 'gap-weighted people')}"
    ]
    if allocation.get("minimum") is not None:
        rules.append(f"at least {allocation['minimum']} each")
    if allocation.get("cap") is not None:
        rules.append(f"at most {allocation['cap']} each")
    if allocation.get("rounding"):
        rules.append(f"rounded by {allocation['rounding']}")
    body = _table(
        (r for _, r in table.iterrows()),
        [
            _Column("Recipient", lambda r: _recipient(facts, r["recipient_id"])),
            _Column(unit[:1].upper() + unit[1:], lambda r: _int(r["units"]), number=True),
            _Column("Share of the gap", lambda r: _pct(r["share_of_gap"], 1), number=True),
            _Column("People", lambda r: _int(r["people"]), number=True),
            _Column("People per unit", lambda r: _int(r["people_per_unit"]), number=True),
            _Column("Note", lambda r: _allocation_note(str(r.get("reason", "")))),
        ],
    )
    return f"<p>{_esc('; '.join(rules))}.</p>{body}"


def _allocation_note(reason: str) -> str:
    return "; ".join(part.strip() for part in reason.split(";")[1:])


def _maps(facts: _Facts) -> str:
    result, parts = facts.result, []
    captions = {
        "need": "Decile of the need score among the run's zones; decile 1 is the tenth of zones in most need.",
        "gap": "Need terciles against support terciles: dark red is high need with low support.",
        "waves": "Partnership areas by rollout wave; wave 1 goes first after any pilot (wave 0).",
        "hubs": "Existing hubs (squares), new hubs by wave (stars) and candidate sites not chosen, over need.",
    }
    missing = {
        "gap": ("need-support gap", "[access] (with partners)"),
        "waves": ("rollout", "[rollout]"),
        "hubs": ("hub siting", "[rollout.hubs]"),
    }
    for preset, caption in captions.items():
        try:
            ax = maps.plot(result, preset=preset)
        except ValueError:
            what, section = missing[preset]
            parts.append(f"<h3>{_esc(maps.PRESETS[preset]['title'])}</h3>" + _missing_line(what, section))
            continue
        parts.append(_img(_figure_png(ax.figure), maps.PRESETS[preset]["title"], caption))
    return _section("maps", "Maps", "".join(parts))


def _intervals(facts: _Facts) -> str:
    if not facts.uncertain:
        return _section(
            "intervals",
            "How sure is the ranking?",
            _missing_line("uncertainty analysis", "[scoring.uncertainty] (for example draws = 1000)"),
        )
    uncertainty = (facts.manifest.get("scoring") or {}).get("uncertainty") or {}
    draws = uncertainty.get("draws")
    factors = uncertainty.get("factors") or []
    cut = max(1, round(facts.n_zones / 10))
    text = (
        "The need score rests on choices that could reasonably have been made differently"
        + (f" (here: {', '.join(factors)})" if factors else "")
        + f". The run recomputed the ranking {int(draws or 0):,} times with these choices varied at random. "
        "A zone's 90% interval runs from the rank it reached in its best 5% of draws to the rank it reached "
        "in its worst 5%: a short bar means its place hardly depends on the choices, a long bar means its rank "
        "should not be read too precisely. The probability of being in the top decile is the share of draws in "
        f"which the zone ranked among the {cut:,} zones in most need (the dashed line). Zones whose whole bar lies "
        "above the line are in the top decile whatever the choices; zones whose bar crosses it are borderline, "
        "and are best decided with local knowledge."
    )
    zones = facts.zones
    sure = int((zones["p_top_decile"] >= 0.9).sum()) if "p_top_decile" in zones.columns else None
    borderline = int(((zones["p_top_decile"] > 0.1) & (zones["p_top_decile"] < 0.9)).sum()) if sure is not None else None
    counts = (
        f"<p>{sure:,} zones are in the top decile in at least 90% of draws; {borderline:,} are borderline (10–90%).</p>"
        if sure is not None
        else ""
    )
    figure, shown = rank_interval_chart(facts.result)
    caption = f"The {shown:,} zones in most need by median rank, each with its 5–95% rank interval."
    body = f"<p>{_esc(text)}</p>{counts}" + _img(_figure_png(figure), "Rank intervals", caption)
    return _section("intervals", "How sure is the ranking?", body)


def rank_interval_chart(result: RunResult, *, deciles: int = 3) -> tuple[Figure, int]:
    """A chart of the zones in the top ``deciles`` need deciles (by median rank), each with its
    5–95% rank interval as a bar, coloured by the probability of the top decile, and a dashed line
    at the top decile's edge. Returns (the figure, how many zones it shows). Needs a run with
    ``[scoring.uncertainty]``."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    zones = maps.zone_frame(result)
    if "rank_p05" not in zones.columns:
        raise ValueError("the run drew no uncertainty; add [scoring.uncertainty] to the config")
    middle = "rank_median" if "rank_median" in zones.columns else "rank"
    n = len(zones)
    cut = max(1, round(n / 10))
    shown = zones.sort_values([middle, "rank"]).head(max(cut, round(n * deciles / 10)))
    x = range(1, len(shown) + 1)
    chance = shown["p_top_decile"] if "p_top_decile" in shown.columns else pd.Series(0.5, index=shown.index)
    colours = ["#a50026" if p >= 0.9 else "#f46d43" if p > 0.1 else "#74add1" for p in chance]
    figure, ax = plt.subplots(figsize=(10, 4.6))
    ax.vlines(x, shown["rank_p05"], shown["rank_p95"], colors=colours, linewidth=2.2, alpha=0.9)
    ax.scatter(x, shown[middle], s=10, c="#1a1a1a", zorder=3)
    ax.axhline(cut + 0.5, color="#1a1a1a", linestyle="--", linewidth=1)
    ax.annotate(
        f"top decile (rank ≤ {cut})", xy=(1, cut + 0.5), xytext=(0, 4), textcoords="offset points", fontsize=9, va="bottom"
    )
    ax.set_xlim(0, len(shown) + 1)
    ax.set_xlabel("zones, by median rank")
    ax.set_ylabel(f"need rank (1 = most need, of {n:,})")
    ax.set_title(
        "How sure is each zone's rank? 5–95% intervals over the uncertainty draws", loc="left", fontsize=12, fontweight="bold"
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    legend = [
        Line2D([], [], color="#a50026", linewidth=3, label="top decile in ≥ 90% of draws"),
        Line2D([], [], color="#f46d43", linewidth=3, label="borderline (10–90%)"),
        Line2D([], [], color="#74add1", linewidth=3, label="top decile in ≤ 10% of draws"),
        Line2D([], [], marker="o", color="#1a1a1a", linestyle="", markersize=4, label="median rank"),
    ]
    ax.set_ylim(float(shown["rank_p95"].max()) + 2, 0.5)
    ax.legend(handles=legend, loc="lower left", frameon=False, fontsize=8.5)
    figure.tight_layout()
    return figure, len(shown)


def wave_equity_chart(result: RunResult) -> Figure:
    """Bars per area wave of the cumulative shares of all people, of the people in high need, of
    people aged 65+ and of people in the nationally most deprived decile that the waves so far
    reach (the shares the run has). Returns the figure."""
    import matplotlib.pyplot as plt
    import numpy as np

    equity = result["wave_equity"].sort_values("area_wave")
    zones = result["zones"]
    series: dict[str, pd.Series] = {}
    if "population" in zones.columns and zones["population"].sum() > 0:
        series["all people"] = equity["people_so_far"] / zones["population"].sum()
    names = {
        "share_high_need_people": "people in high need",
        "share_people_65_plus": "people aged 65+",
        "share_national_decile_1_people": "people in the national most deprived decile",
    }
    for column, label in names.items():
        if column in equity.columns and equity[column].notna().any():
            series[label] = equity[column]
    colours = ["#bdbdbd", "#a50026", "#756bb1", "#f46d43"]
    figure, ax = plt.subplots(figsize=(10, 3.8))
    positions = np.arange(len(equity))
    width = 0.8 / max(len(series), 1)
    for i, (label, values) in enumerate(series.items()):
        ax.bar(positions + (i - (len(series) - 1) / 2) * width, values.fillna(0) * 100, width, label=label, color=colours[i % 4])
    ax.set_xticks(positions, [f"to wave {int(w)}" for w in equity["area_wave"]])
    ax.set_ylabel("share reached so far (%)")
    ax.set_ylim(0, 105)
    ax.set_title("Who the waves reach, cumulatively", loc="left", fontsize=12, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8.5, ncols=min(len(series), 4), loc="upper left")
    figure.tight_layout()
    return figure


def _top_zones(facts: _Facts) -> str:
    zones = facts.zones
    if "area_id" not in zones.columns:
        return ""
    wave_of = {}
    if "area_waves" in facts.result:
        waves = facts.result["area_waves"]
        wave_of = dict(zip(waves["area_id"].astype(str), waves["area_wave"]))
    ranked = zones.sort_values("rank").groupby("area_id", sort=False).head(TOP_PER_AREA).copy()
    ranked["_wave"] = ranked["area_id"].astype(str).map(wave_of).fillna(99)
    ranked["_area"] = ranked["area_id"].map(facts.area)
    ranked = ranked.sort_values(["_wave", "_area", "rank"])
    columns = [
        _Column("Neighbourhood", lambda r: r["zone_label"]),
        _Column("Need rank", lambda r: _int(r["rank"]), number=True),
    ]
    if facts.uncertain:
        columns.append(_Column("90% interval", facts.interval, number=True))
    if "p_top_decile" in ranked.columns:
        columns.append(_Column("P(top decile)", lambda r: _pct(r["p_top_decile"]), number=True))
    columns.append(_Column("Decile", lambda r: maps.decile_label(int(r["decile"])) if "decile" in r else ""))
    if "gap_class" in ranked.columns:
        columns.append(_Column("Need and support", lambda r: r["gap_class"]))
    lead = f"The {TOP_PER_AREA} neighbourhoods in most need in each partnership area, areas in wave order."
    if not facts.uncertain:
        lead += " (Rank intervals need [scoring.uncertainty].)"

    def heading(row: Any) -> str:
        return row["_area"] + (f" (area wave {int(row['_wave'])})" if wave_of and row["_wave"] != 99 else "")

    body = f"<p>{_esc(lead)}</p>" + _table((r for _, r in ranked.iterrows()), columns, group=heading)
    if "wave_equity" in facts.result:
        body += _img(
            _figure_png(wave_equity_chart(facts.result)),
            "Who the waves reach",
            "Cumulative shares reached by the end of each area wave; bars for people in high need above the grey "
            "bar of all people mean the plan reaches need first.",
        )
    return _section("zones", "Top neighbourhoods in each area", body)


# ---- monitoring: is it reaching the furthest first? -------------------------------------------

_STATUS_ORDER = {"behind plan": 0, "not started": 1, "started early": 2, "on track": 3}


def _count(value: Any) -> str:
    """A published count, or "suppressed" where disclosure control blanked it (never a number)."""
    return "suppressed" if _missing(value) else _int(value)


def _share(value: Any) -> str:
    """A published share (whole percentage points), or "suppressed" where it was blanked."""
    return "suppressed" if _missing(value) else _pct(value)


def _reaching(facts: _Facts) -> str:
    from furthest import monitor_charts

    result = facts.result
    monitoring = facts.manifest.get("monitoring") or {}
    parts = [_reach_answer(facts), _disclosure_line(monitoring)]
    parts.append(
        _img(
            _figure_png(monitor_charts.reach_over_time(result, "people_helped")),
            "People helped over time",
            "People helped per period for the whole programme (bars) and the running total; beside it the same by "
            "area wave of the plan. A period whose count is suppressed is marked so and not drawn.",
        )
    )
    parts.append(
        _img(
            _figure_png(monitor_charts.lorenz_curve(result, "people_helped")),
            "Concentration curve of people helped over need",
            "Zones ranked from most need (left) to least; a curve above the diagonal means reach goes to "
            "higher need first. The index is 1 minus twice the area under the curve (negative: towards need).",
        )
    )
    if "people_helped_per_1000_residents" in facts.zones.columns:
        ax = maps.plot(result, preset="reach")
        parts.append(
            _img(
                _figure_png(ax.figure),
                maps.PRESETS["reach"]["title"],
                "People helped per 1,000 residents over the whole period; grey hatched zones have a suppressed count.",
            )
        )
    parts.append(_area_reach_table(facts))
    parts.append(_plan_progress(facts))
    parts.append(_wave_equity_rows(facts))
    parts.append(_replan(facts, monitoring))
    parts.append(_activity_quality(facts, monitoring))
    return _section("reaching", "Is it reaching the furthest first?", "".join(parts))


def _reach_answer(facts: _Facts) -> str:
    from furthest import monitor_charts

    sentences = []
    for measure in ("people_helped", "devices_lent"):
        try:
            row = monitor_charts.equity_row(facts.result, measure)
        except ValueError:
            continue
        label = monitor_charts.measure_label(measure)
        index, lower, upper = (row.get(k) for k in ("concentration_index", "concentration_lower", "concentration_upper"))
        if _missing(index):
            sentences.append(
                f"For {label} no concentration index is given: there is too little reach yet (under ten times the "
                "disclosure threshold) for an index that would not say where the few people live."
            )
            continue
        level = row.get("level", 0.9)
        words = monitor_charts.lean(float(lower), float(upper)) if not (_missing(lower) or _missing(upper)) else "no interval"
        interval = (
            f" ({_pct(level)} interval {float(lower):+.2f} to {float(upper):+.2f})"
            if not (_missing(lower) or _missing(upper))
            else ""
        )
        sentence = f"{label[:1].upper()}{label[1:]}: concentration index {float(index):+.2f}{interval}, so {words}."
        people, reach = row.get("top_decile_residents_share"), row.get("top_decile_reach_share")
        if not _missing(people) and not _missing(reach):
            sentence += (
                f" The tenth of zones in most need are home to {_pct(people)} of residents and received "
                f"{_pct(reach)} of the {label}."
            )
        elif not _missing(people):
            sentence += (
                f" The tenth of zones in most need are home to {_pct(people)} of residents; their share of the "
                f"{label} is not published (a count behind it is below the threshold, or the total is too small "
                "for a percentage point to hide one)."
            )
        sentences.append(sentence)
    lead = (
        "A concentration index below 0 means the reach goes to the zones in higher need first (zones "
        "ranked from most need); 0 means in proportion to residents."
    )
    items = "".join(f"<li>{_esc(s)}</li>" for s in sentences)
    return f"<ul class='answer'>{items}</ul><p class='note'>{_esc(lead)}</p>"


def _disclosure_line(monitoring: Mapping[str, Any]) -> str:
    disclosure = monitoring.get("disclosure") or {}
    if not disclosure:
        return ""
    threshold = disclosure.get("threshold", 5)
    measures = ", ".join(str(m).replace("_", " ") for m in disclosure.get("measures") or []) or "the counts of residents"
    line = (
        f"Disclosure control: counts of {measures} from 1 to {float(threshold) - 1:g} are suppressed (fewer than "
        f"{float(threshold):g}), and further counts too where the totals would give a suppressed one away; zones and "
        "areas are treated as linked tables, shares are published to whole percentage points, and residents' "
        "postcodes are never written. A suppressed count shows as \u201csuppressed\u201d here: it is never filled in or shown as 0."
    )
    counts = []
    for item in disclosure.get("suppressed") or []:
        if isinstance(item, Mapping):
            label = str(item.get("measure", "")).replace("_", " ")
            below = int(item.get("zone_cells_below_threshold", 0)) + int(item.get("area_cells_below_threshold", 0))
            protecting = int(item.get("zone_cells_protecting_others", 0)) + int(item.get("area_cells_protecting_others", 0))
            counts.append(f"{label}: {below:,} cells below the threshold and {protecting:,} protecting them")
    if counts:
        line += " In this run, " + "; ".join(counts) + "."
    return f"<p class='note'>{_esc(line)}</p>"


def _area_reach_table(facts: _Facts) -> str:
    if "area_reach" not in facts.result:
        return ""
    reach = facts.result["area_reach"]
    totals = reach[reach["period"].astype(str) == "total"].copy()
    totals["_order"] = totals["scope"].astype(str).map({"area": 0, "no area": 1, "all areas": 2}).fillna(3)
    totals = totals.sort_values(["_order", "area_name"])

    def name(row: Any) -> str:
        scope = str(row["scope"])
        return (
            str(row["area_name"])
            if scope == "area"
            else {"no area": "Outside every area", "all areas": "All areas"}.get(scope, scope)
        )

    columns = [
        _Column("Area", name),
        _Column("People helped", lambda r: _count(r["people_helped"]), number=True),
        _Column("per 1,000 residents", lambda r: "suppressed" if _missing(r["people_helped"]) else f"{float(r['people_helped_per_1000_residents']):.1f}", number=True),
        _Column("Devices lent", lambda r: _count(r["devices_lent"]), number=True),
        _Column("Champions trained", lambda r: _int(r.get("champions_trained")), number=True),
        _Column("Sessions", lambda r: _int(r.get("sessions")), number=True),
        _Column("Hubs opened", lambda r: _int(r.get("hubs_opened")), number=True),
    ]  # fmt: skip
    return "<h3>Reach by area over the whole period</h3>" + _table((r for _, r in totals.iterrows()), columns)


def _plan_progress(facts: _Facts) -> str:
    parts = ["<h3>Progress against the plan</h3>"]
    if "plan_progress" not in facts.result:
        return "".join(parts) + _missing_line("targets to judge progress by", "[monitoring.targets]")
    progress = facts.result["plan_progress"].copy()
    progress["_order"] = progress["status"].astype(str).map(_STATUS_ORDER).fillna(9)
    progress = progress.sort_values(["_order", "area_wave", "area_name"])
    behind = progress.loc[progress["status"].astype(str) == "behind plan", "area_name"].astype(str).tolist()
    lead = (
        f"Behind plan: {', '.join(behind)}." if behind else "No area is behind plan."
    ) + " Each area's wave has a window; what is expected to date grows with the share of the window gone by."
    parts.append(f"<p>{_esc(lead)}</p>")

    def against(done: str, expected: str) -> Callable[[Any], str]:
        def cell(row: Any) -> str:
            value = _count(row[done]) if done in ("people_helped", "devices_lent") else _int(row[done])
            target = row.get(expected)
            return value if _missing(target) or float(target) == 0 else f"{value} of {_int(target)}"

        return cell

    columns = [
        _Column("Area", lambda r: r["area_name"], css="name"),
        _Column("Wave", lambda r: _int(r["area_wave"]), number=True),
        _Column("Window (gone by)", lambda r: f"{r['wave_window']} ({_pct(r['share_of_wave_elapsed'])})"),
    ]
    # A measure without a target is shown as done, once; with one, as done of expected.
    for header, done, expected in (
        ("People helped", "people_helped", "people_helped_expected"),
        ("Devices lent", "devices_lent", "devices_lent_expected"),
        ("Champions trained", "champions_trained", "champions_trained_expected"),
    ):
        targeted = progress[expected].notna().any() if expected in progress else False
        columns.append(_Column(f"{header} / expected" if targeted else header, against(done, expected), number=True))
    columns.append(_Column("Status and why", lambda r: f"{r['status']}: {r['reason']}", css="reason wide"))
    parts.append(_table((r for _, r in progress.iterrows()), columns))
    return "".join(parts)


def _wave_equity_rows(facts: _Facts) -> str:
    if "equity" not in facts.result:
        return ""
    from furthest import monitor_charts

    equity = facts.result["equity"]
    rows = equity[equity["scope"].astype(str) != "all zones"]
    if rows.empty:
        return ""
    columns = [
        _Column("Area wave", lambda r: str(r["scope"]).removeprefix("area ")),
        _Column("Zones", lambda r: _int(r["zones"]), number=True),
        _Column("Share of residents", lambda r: _pct(r["residents_share"]), number=True),
        _Column("Share of reach", lambda r: _share(r["reach_share"]), number=True),
        _Column("Planned share to date", lambda r: _pct(r["planned_reach_share"]), number=True),
        _Column("Concentration index", lambda r: "–" if _missing(r["concentration_index"]) else f"{float(r['concentration_index']):+.2f}", number=True),
        _Column("Areas behind plan", lambda r: "" if _missing(r["areas_behind_plan"]) else r["areas_behind_plan"]),
    ]  # fmt: skip
    lead = (
        "Each area wave's share of residents against its share of the reach so far and the share the plan "
        "expected it to have by now; the index is within the wave (below 0: towards its zones in higher need)."
    )
    return (
        "<h3>Reach by area wave</h3>"
        + f"<p>{_esc(lead)}</p>"
        + _table(
            (r for _, r in rows.sort_values(["measure", "scope"]).iterrows()),
            columns,
            group=lambda r: monitor_charts.measure_label(str(r["measure"])).capitalize(),
        )
    )


def _replan(facts: _Facts, monitoring: Mapping[str, Any]) -> str:
    parts = ["<h3>What changed and why</h3>"]
    feedback = monitoring.get("feedback") or {}
    if feedback:
        items = []
        if feedback.get("supply_added_at_partners") is not None:
            items.append(
                f"The support the programme added ({float(feedback['supply_added_at_partners']):,.0f} units of capacity at "
                f"{_int(feedback.get('partners_with_supply_added'))} partners) goes back into access."
            )
        if feedback.get("zones_changing_gap_class") is not None:
            items.append(f"{_int(feedback['zones_changing_gap_class'])} zones change need-support class with it.")
        if feedback.get("zones_leaving_high_need_low_support") is not None:
            items.append(
                f"{_int(feedback['zones_leaving_high_need_low_support'])} zones leave high need and low support; "
                f"{_int(feedback.get('zones_joining_high_need_low_support'))} join it."
            )
        if feedback.get("areas_moving_wave") is not None:
            moving = int(feedback["areas_moving_wave"])
            line = "No area yet to start moves wave" if moving == 0 else f"{moving} area(s) yet to start move wave"
            if feedback.get("areas_started") is not None:
                line += f"; {_int(feedback['areas_started'])} have started and are not re-planned"
            items.append(line + ".")
        parts.append("<ul>" + "".join(f"<li>{_esc(i)}</li>" for i in items) + "</ul>")
    if "replan" in facts.result:
        replan = facts.result["replan"].copy()
        replan["_moved"] = (replan["area_wave"] != replan["area_wave_now"]).astype(int)
        replan = replan.sort_values(["_moved", "area_wave_now", "area_name"], ascending=[False, True, True])
        columns = [
            _Column("Area", lambda r: r["area_name"]),
            _Column("Wave planned", lambda r: _int(r["area_wave"]), number=True),
            _Column("Wave now", lambda r: _int(r["area_wave_now"]), number=True),
            _Column("Rule value planned", lambda r: _int(r["rule_value"]), number=True),
            _Column("Rule value now", lambda r: _int(r["rule_value_now"]), number=True),
            _Column("What changed", lambda r: r["change"], css="reason"),
        ]
        parts.append(_table((r for _, r in replan.iterrows()), columns))
    elif not feedback:
        parts.append(_missing_line("re-plan", "[access] and [rollout] with [monitoring]"))
    return "".join(parts)


def _activity_quality(facts: _Facts, monitoring: Mapping[str, Any]) -> str:
    if "activity_quality" not in facts.result:
        return ""
    quality = facts.result["activity_quality"]
    log = monitoring.get("log")
    lead = f"What the run did with each row of the activity log{f' ({log})' if log else ''}."
    columns = [
        _Column("Check", lambda r: r["check"]),
        _Column("Rows", lambda r: _int(r["rows"]), number=True),
        _Column("Count", lambda r: _int(r["count"]), number=True),
        _Column("What was done", lambda r: r["what_was_done"]),
        _Column("Example rows", lambda r: "" if _missing(r["example_rows"]) else r["example_rows"], css="reason"),
    ]
    return "<h3>The activity log's quality</h3>" + f"<p>{_esc(lead)}</p>" + _table((r for _, r in quality.iterrows()), columns)


def _method(facts: _Facts) -> str:
    manifest, parts = facts.manifest, []
    scoring = manifest.get("scoring") or {}
    config = manifest.get("effective_config") or manifest.get("config") or {}
    given = {str(i.get("name") or i.get("column")): i for i in (config.get("indicators") or []) if isinstance(i, Mapping)}
    names = list(scoring.get("indicators") or [])
    weights = list(scoring.get("effective_weights") or [])
    contributions = {c.removeprefix("contribution_") for c in facts.zones.columns if c.startswith("contribution_")}
    parts.append("<h3>Need</h3>")
    if names:
        rows = []
        for i, name in enumerate(names):
            spec = given.get(name, {})
            direction = {"higher_is_more_need": "higher means more need", "lower_is_more_need": "lower means more need"}.get(
                str(spec.get("direction", "")), str(spec.get("direction", ""))
            )
            weight = weights[i] if len(weights) == len(names) else None
            source = Path(str(spec.get("path", ""))).name if spec.get("path") else ""
            rows.append((name, direction, spec.get("weight", ""), weight, source, name in contributions))
        parts.append(
            _table(
                rows,
                [
                    _Column("Indicator", lambda r: r[0]),
                    _Column("Direction", lambda r: r[1]),
                    _Column("Weight given", lambda r: "" if r[2] in ("", None) else f"{float(r[2]):g}", number=True),
                    _Column("Share of the score", lambda r: _pct(r[3], 1) if r[3] is not None else "", number=True),
                    _Column("Source file", lambda r: r[4]),
                ],
            )
        )
    uncertainty = scoring.get("uncertainty") or {}
    if uncertainty.get("draws"):
        factors = ", ".join(uncertainty.get("factors") or []) or "the configured choices"
        parts.append(f"<p>Uncertainty: {int(uncertainty['draws']):,} draws varying {_esc(factors)}.</p>")
    else:
        parts.append(_missing_line("uncertainty analysis", "[scoring.uncertainty]"))
    parts.append("<h3>Support and access</h3>")
    access_given, access = config.get("access") or {}, manifest.get("access") or {}
    if access_given or access:
        items = []
        if "catchment" in access_given:
            items.append(
                f"Partners count as reachable within {float(access_given['catchment']):,.0f} m (straight line unless travel costs are given)"
            )
        if access_given.get("decay"):
            items.append(f"their pull fades with distance ({access_given['decay']} decay)")
        if access.get("origins"):
            items.append(f"trips start from {access['origins']}")
        if access.get("supply"):
            items.append(f"capacity shared among the people in reach: {access['supply']}")
        if access_given.get("as_of"):
            items.append(f"partners active on {access_given['as_of']}")
        line = "; ".join(items) + "." if items else ""
        if access.get("zones_with_no_partner_within_catchment") is not None:
            line += (
                f" {int(access['zones_with_no_partner_within_catchment']):,} zones"
                + (
                    f" ({_int(access.get('people_with_no_partner_within_catchment'))} people)"
                    if "people_with_no_partner_within_catchment" in access
                    else ""
                )
                + " have no partner within reach."
            )
        parts.append(f"<p>{_esc(line.strip())}</p>")
    else:
        parts.append(_missing_line("access analysis", "[access] (with [[partners]])"))
    parts.append("<h3>Rollout rules</h3>")
    rollout = facts.rollout
    if rollout:
        items = [
            f"Areas in waves of {rollout.get('areas_per_wave', '?')} by {rollout.get('area_rule', '?')}",
            f"areas already done (wave 0): {', '.join(facts.area(a) for a in rollout.get('done') or []) or 'none'}",
            f"within each area, zones by {rollout.get('zone_order', '?')}, {rollout.get('zone_capacity', '?'):g} {rollout.get('zone_capacity_unit', 'zones')} a wave"
            if isinstance(rollout.get("zone_capacity"), int | float)
            else f"within each area, zones by {rollout.get('zone_order', '?')}",
        ]
        if rollout.get("high_need"):
            items.append(f"high need means {rollout['high_need']}")
        parts.append(f"<p>{_esc('; '.join(items))}.</p>")
        stability = rollout.get("stability") or {}
        if stability.get("draws"):
            parts.append(
                "<p>"
                + _esc(
                    f"Stability over {int(stability['draws']):,} draws: on average {stability.get('mean_zones_changing_wave', 0):g} zones "
                    f"and {stability.get('mean_areas_changing_wave', 0):g} areas change wave; the order's Kendall tau is "
                    f"{stability.get('kendall_tau_mean', float('nan')):.2f} on average."
                )
                + "</p>"
            )
        hubs = rollout.get("hubs") or {}
        if hubs:
            parts.append(
                "<p>"
                + _esc(
                    f"Hubs: {hubs.get('objective', '')}; demand is {hubs.get('demand', 'people')}; new hubs per wave "
                    f"{', '.join(str(w) for w in hubs.get('waves') or [])}."
                )
                + "</p>"
            )
    else:
        parts.append(_missing_line("rollout plan", "[rollout]"))
    if manifest.get("method"):
        parts.append(f"<h3>The method as recorded</h3><p class='method'>{_esc(manifest['method'])}</p>")
    return _section("method", "Method in plain words", "".join(parts))


def _quality(facts: _Facts) -> str:
    result, manifest, parts = facts.result, facts.manifest, []
    parts.append("<h3>Partner lists</h3>")
    if "partner_quality" in result:
        quality = result["partner_quality"]
        headers = {
            "partners_table": "Table",
            "rows_read": "Rows read",
            "partners_kept": "Kept",
            "postcodes_blank_or_malformed": "Postcode blank or malformed",
            "postcodes_unknown": "Postcode unknown",
            "inactive": "Not active",
            "duplicates": "Duplicates",
            "outside_study_area": "Outside the study area",
            "blank_capacity": "Blank capacity",
            "blank_type": "Blank type",
        }
        # One row per check, one column per partners table: the checks outnumber the tables.
        tables = quality["partners_table"].astype(str).tolist() if "partners_table" in quality.columns else []
        checks = [c for c in quality.columns if c not in ("partners_table", "geometry")]

        def count(i: int) -> Callable[[str], str]:
            return lambda check: _int(quality[check].iloc[i])

        columns = [_Column("Check", lambda c: headers.get(c, c.replace("_", " ")))]
        columns += [_Column(name, count(i), number=True) for i, name in enumerate(tables)]
        parts.append(_table(checks, columns))
    else:
        parts.append(_missing_line("partner lists", "[[partners]]"))
    parts.append("<h3>Coverage</h3>")
    shortfalls = manifest.get("coverage_shortfalls") or []
    if shortfalls:
        parts.append("<ul>" + "".join(f"<li>{_esc(_describe(s))}</li>" for s in shortfalls) + "</ul>")
    else:
        parts.append("<p>Every zone is wholly covered by the partnership areas and the inputs (no coverage shortfalls).</p>")
    parts.append("<h3>Warnings</h3>")
    warnings = manifest.get("warnings") or []
    if warnings:
        parts.append(
            _table(
                warnings,
                [
                    _Column("Stage", lambda w: w.get("stage", "") if isinstance(w, Mapping) else ""),
                    _Column("Message", lambda w: w.get("message", "") if isinstance(w, Mapping) else str(w)),
                ],
            )
        )
    else:
        parts.append("<p>The run raised no warnings.</p>")
    return _section("quality", "Data quality", "".join(parts))


def _describe(item: Any) -> str:
    if isinstance(item, Mapping):
        return "; ".join(f"{k}: {v}" for k, v in item.items())
    return str(item)


def _inputs(facts: _Facts) -> str:
    manifest = facts.manifest
    inputs = manifest.get("inputs") or []
    table = _table(
        inputs,
        [
            _Column("Role", lambda i: i.get("role", "")),
            _Column("File", lambda i: i.get("path", "")),
            _Column("Bytes", lambda i: _int(i.get("size_bytes")), number=True),
            _Column("SHA-256", lambda i: i.get("sha256", ""), css="hash"),
        ],
    )
    lines = [f"furthest {manifest.get('furthest_version', '')}"]
    if manifest.get("config_path"):
        lines.append(f"config {manifest['config_path']}")
    crs = manifest.get("working_crs")
    if isinstance(crs, Mapping):
        crs = crs.get("input") or crs.get("name")
    if crs:
        lines.append(f"working CRS {crs}")
    if facts.result.output_path:
        lines.append(f"map layers {facts.result.output_path}")
    body = f"<p class='note'>{_esc('; '.join(lines))}.</p>{table}"
    return _section("inputs", "Inputs", body)


# ---- the page --------------------------------------------------------------------------------


def render_report(result: RunResult, *, written: _dt.date | None = None) -> str:
    """The report of a run as one self-contained HTML page (text). See :func:`write_report`."""
    import matplotlib

    facts = _Facts(result)
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "svg.fonttype": "none"}):
        sections = [
            _answer(facts),
            *([_reaching(facts)] if "equity" in result else []),
            _maps(facts),
            _intervals(facts),
            _top_zones(facts),
            _method(facts),
            _quality(facts),
            _inputs(facts),
        ]
    title = maps.report_title(result) or "Furthest first: where digital inclusion support should go next"
    written = written or _dt.date.today()
    meta = f"Written {written.isoformat()} by furthest {result.manifest.get('furthest_version', '')}"
    attribution = maps.attribution(result)
    toc = [
        ("answer", "The answer"),
        ("reaching", "Is it reaching the furthest first?"),
        ("maps", "Maps"),
        ("intervals", "How sure is the ranking?"),
        ("zones", "Top neighbourhoods in each area"),
        ("method", "Method in plain words"),
        ("quality", "Data quality"),
        ("inputs", "Inputs"),
    ]
    present = [(a, t) for a, t in toc if f"id='{a}'" in "".join(sections)]
    nav = "<nav><b>Contents</b><ol>" + "".join(f"<li><a href='#{a}'>{_esc(t)}</a></li>" for a, t in present) + "</ol></nav>"
    footer = "".join(f"<p class='note'>{_esc(line)}</p>" for line in attribution)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body><main>"
        f"<header><h1>{_esc(title)}</h1><p class='meta'>{_esc(meta)}</p>{nav}</header>"
        + "".join(sections)
        + (f"<footer>{footer}</footer>" if footer else "")
        + "</main></body></html>\n"
    )


def write_report(result: RunResult, path: str | os.PathLike[str]) -> str:
    """Write the report of ``result`` to ``path``: one self-contained HTML file (inline CSS, maps and
    charts as base64 PNG, no script, nothing fetched when opened), written to a temporary file in
    the same folder and renamed over ``path``, so a reader never sees half a report. Sections the
    run lacks (no rollout, no uncertainty …) are replaced by one line naming the config section
    that adds them. Returns the path written."""
    target = Path(path)
    text = render_report(result)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return os.fspath(target)
