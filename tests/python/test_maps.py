"""Maps of a run (furthest.maps): classes and colours, legends, labels, attribution, presets, popups."""

from __future__ import annotations

import sys

import matplotlib
import pandas as pd
import pytest
from matplotlib.colors import to_hex

import furthest
from furthest import maps

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the headless backend)

DECILE_COLOURS = ["#a50026", "#d73027", "#f46d43", "#fdae61", "#fee090"] + ["#e0f3f8", "#abd9e9", "#74add1", "#4575b4", "#313695"]
DECILE_LABELS = ["1 (most need)", "2", "3", "4", "5", "6", "7", "8", "9", "10 (least need)"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> furthest.RunResult:
    """The demo as shipped: rollout and allocation, no uncertainty, no hubs."""
    return furthest.run(furthest.demo_config(), output=tmp_path_factory.mktemp("demo") / "demo.gpkg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def legend_labels(legend) -> list[str]:
    return [text.get_text() for text in legend.get_texts()]


def zone_fill(ax) -> list[str]:
    """The fill colour of each zone as drawn (the first collection is the zones)."""
    return [to_hex(colour, keep_alpha=False) for colour in ax.collections[0].get_facecolor()]


def test_need_map_has_the_decile_legend_and_colours(demo: furthest.RunResult) -> None:
    ax = demo.plot()  # "need" is the default
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "Need decile"
    assert legend_labels(legend) == DECILE_LABELS
    swatches = [to_hex(patch.get_facecolor(), keep_alpha=False) for patch in legend.get_patches()]
    assert swatches == DECILE_COLOURS  # as the issue fixed them, shared with the GeoPackage styles
    # Every zone is filled with its own decile's colour.
    expected = [maps.CLASS_COLOURS["decile"][d] for d in demo.zones["decile"]]
    assert zone_fill(ax) == expected
    assert ax.get_title(loc="left").startswith("Need")


def test_gap_map_uses_the_nine_classes_most_urgent_first(demo: furthest.RunResult) -> None:
    ax = demo.plot(preset="gap")
    assert legend_labels(ax.get_legend()) == list(maps.CLASS_COLOURS["gap_class"])
    assert legend_labels(ax.get_legend())[0] == "high need, low support"
    assert maps.CLASS_COLOURS["gap_class"]["high need, low support"] == "#b30000"
    fills = zone_fill(ax)
    for gap_class, fill in zip(demo.zones["gap_class"], fills):
        assert fill == maps.CLASS_COLOURS["gap_class"][gap_class]


def test_waves_map_colours_zones_by_their_area_wave(demo: furthest.RunResult) -> None:
    ax = demo.plot(preset="waves")
    # The demo has 6 areas in waves of 2: waves 1, 2, 3 and no pilot.
    assert legend_labels(ax.get_legend()) == ["1", "2", "3"]
    wave_of_area = dict(zip(demo["area_waves"]["area_id"], demo["area_waves"]["area_wave"]))
    expected = [maps.CLASS_COLOURS["wave"][wave_of_area[a]] for a in demo.zones["area_id"]]
    assert zone_fill(ax) == expected
    assert maps.wave_label(0) == "0 (done / pilot)" and maps.wave_label(7) == "5 and later"
    assert maps.wave_colour(7) == "#f2f0f7"


def test_zone_wave_column_and_labels_of_areas_not_zones(demo: furthest.RunResult) -> None:
    ax = demo.plot(column="zone_wave")
    assert ax.get_legend().get_title().get_text().startswith("Zone wave")
    texts = {text.get_text().replace("\n", " ") for text in ax.texts}
    assert set(demo.areas["area_name"]) <= texts  # the 6 demo areas all have room for their names
    assert not texts & set(demo.zones["zone_code"])  # zones are not labelled


def test_partners_are_drawn_by_type_with_counts_in_a_legend(demo: furthest.RunResult) -> None:
    ax = demo.plot(preset="need")
    (legend,) = ax.figure.legends
    assert legend.get_title().get_text() == "Partners"
    counts = demo.partners["partner_type"].value_counts()
    expected = sorted(f"{kind.replace('_', ' ')} ({n})" for kind, n in counts.items())
    assert legend_labels(legend) == expected


def test_partners_without_a_type_are_labelled_by_their_table(demo: furthest.RunResult) -> None:
    partners = demo.partners
    original = partners["partner_type"].copy()
    try:
        partners["partner_type"] = ""  # as a single [partners] table with no type gives
        ax = demo.plot(preset="need")
        (legend,) = ax.figure.legends
        tables = partners["partners_table"].value_counts()
        assert legend_labels(legend) == sorted(f"{name.replace('_', ' ')} ({n})" for name, n in tables.items())
    finally:
        partners["partner_type"] = original


def test_hubs_map_shows_existing_new_by_wave_and_candidates(full: furthest.RunResult) -> None:
    ax = full.plot(preset="hubs")
    (legend,) = ax.figure.legends
    assert legend.get_title().get_text() == "Hub sites"
    sites = full["sites"]
    new = sites[sites["status"] == "new hub"]
    assert len(new) == 3 and sorted(new["wave"]) == [1, 1, 2]
    assert legend_labels(legend) == [
        f"candidate, not chosen ({(sites['status'] == 'candidate').sum()})",
        "existing hub (4)",
        "new hub, wave 1 (2)",
        "new hub, wave 2 (1)",
    ]
    # New hubs are stars in their wave's colour, drawn where the sites are.
    filled = [c for c in ax.collections if len(c.get_offsets()) and len(c.get_facecolor())]
    stars = [c for c in filled if to_hex(c.get_facecolor()[0], keep_alpha=False) == "#54278f"]
    assert len(stars) == 1 and len(stars[0].get_offsets()) == 2
    wave_1 = new[new["wave"] == 1].geometry
    assert sorted(map(tuple, stars[0].get_offsets().data.round(3).tolist())) == sorted(
        (round(p.x, 3), round(p.y, 3)) for p in wave_1
    )
    assert legend_labels(ax.get_legend()) == DECILE_LABELS  # over need


def test_a_numeric_column_is_classed_by_mapclassify(demo: furthest.RunResult) -> None:
    ax = demo.plot(column="access_2sfca_per_1000", scheme="quantiles", k=5)
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "access_2sfca_per_1000\n(quantiles, 5 classes)"
    labels = legend_labels(legend)
    assert len(labels) == 5 and all(" – " in label for label in labels)
    # Quintiles: about a fifth of the zones in each class.
    counts = pd.Series(zone_fill(ax)).value_counts()
    assert len(counts) == 5 and counts.max() - counts.min() <= 0.1 * len(demo.zones)


def test_attribution_lines_come_from_the_report_section(demo: furthest.RunResult, monkeypatch) -> None:
    # The demo's [report] says its data are synthetic: that line goes under every map.
    demo_lines = demo.manifest["report"]["attribution"]
    assert maps.attribution(demo) == demo_lines and "Synthetic" in demo_lines[0]
    ax = demo.plot()
    assert "\n".join(demo_lines) in [text.get_text() for text in ax.texts]
    plt.close("all")
    lines = ["Contains OS data © Crown copyright and database right 2025", "Synthetic data for the furthest demo"]
    monkeypatch.setitem(demo.manifest, "report", {"title": "Furthton", "attribution": lines})
    ax = demo.plot(preset="gap")
    assert "\n".join(lines) in [text.get_text() for text in ax.texts]
    assert maps.report_title(demo) == "Furthton"
    plt.close("all")
    monkeypatch.setitem(demo.manifest, "report", {"title": "Furthton", "attribution": []})
    ax = demo.plot()
    assert maps.attribution(demo) == [] and not any("©" in text.get_text() for text in ax.texts)  # nothing invented


def test_presets_name_the_config_section_a_run_lacks(demo: furthest.RunResult, demo_copy) -> None:
    with pytest.raises(ValueError, match=r"the run made no sites table; add \[rollout\.hubs\] to the config"):
        demo.plot(preset="hubs")
    with pytest.raises(ValueError, match=r"unknown map preset 'deprivation'; the presets are need, gap, waves, hubs"):
        demo.plot(preset="deprivation")
    _, config = demo_copy
    del config["rollout"], config["hotspots"], config["access"], config["monitoring"]
    bare = furthest.run(config)
    with pytest.raises(ValueError, match=r"the run made no reach columns; add \[monitoring\] to the config"):
        bare.plot(preset="reach")
    with pytest.raises(ValueError, match=r"the run made no rollout table; add \[rollout\] to the config"):
        bare.plot(preset="waves")
    with pytest.raises(ValueError, match=r"the run made no gap_class column; add \[access\]"):
        bare.explore(preset="gap")
    with pytest.raises(ValueError, match=r"the zones have no column 'zone_wave'; rollout columns need \[rollout\]"):
        bare.plot(column="zone_wave")


def test_popups_explain_a_zone_with_its_interval_and_reason(full: furthest.RunResult) -> None:
    fmap = full.explore(preset="need")
    html_text = fmap.get_root().render()
    zones = full.zones.set_index("zone_code")
    first = full["rollout"].iloc[0]  # the first zone to serve
    zone = zones.loc[first["zone_id"]]
    popup = maps.zone_popups(full).set_axis(full.zones["zone_code"])[first["zone_id"]]
    interval = f"90% interval {round(zone['rank_p05'])}–{round(zone['rank_p95'])}"
    assert f"Need rank {zone['rank']} of 300 ({interval})" in popup
    assert f"In the top need decile in {100 * zone['p_top_decile']:.0f}% of draws" in popup
    assert f"Why: {first['reason']}" in popup
    assert "Area wave 1, zone wave 1 (order 1)" in popup
    assert "digital_propensity" in popup and "Nearest support: " in popup
    # The popups travel in the map's GeoJSON; the legend is the map's, and nothing is a tile URL.
    assert first["reason"] in html_text
    assert "1 (most need)" in html_text and "tile.openstreetmap" not in html_text


def test_popups_fall_back_to_the_zone_id_and_escape_names(demo: furthest.RunResult, monkeypatch) -> None:
    first = demo.zones.iloc[0]
    popups = maps.zone_popups(demo)
    assert popups.iloc[0].startswith(f"<div class='furthest-popup'><b>{first['zone_name']}</b> ({first['zone_code']})<br>")
    assert "interval" not in popups.iloc[0]  # no uncertainty drawn: no interval claimed
    zones = demo.zones.copy()
    zones["zone_name"] = ["Furthton <b>001A</b> & co"] + [""] * (len(zones) - 1)
    monkeypatch.setitem(demo._tables, "zones", zones)
    labels = maps.zone_labels(demo)
    assert labels.iloc[0] == "Furthton <b>001A</b> & co" and labels.iloc[1] == zones["zone_code"].iloc[1]
    popups = maps.zone_popups(demo)
    assert "<b>Furthton &lt;b&gt;001A&lt;/b&gt; &amp; co</b> (FZ00001)" in popups.iloc[0]
    assert popups.iloc[1].startswith(f"<div class='furthest-popup'><b>{zones['zone_code'].iloc[1]}</b><br>")  # blank: the id


def test_explore_without_folium_says_how_to_install_it(demo: furthest.RunResult, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "folium", None)  # import folium now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'furthest\[maps\]'"):
        demo.explore()


def test_hotspots_preset_keeps_not_significant_pale(demo: furthest.RunResult) -> None:
    ax = demo.plot(preset="hotspots")
    legend = ax.get_legend()
    counts = demo.zones["hotspot"].value_counts()
    labels = legend_labels(legend)
    assert set(labels) == set(counts.index)  # only the classes present, no invented ones
    handles = dict(zip(labels, legend.legend_handles, strict=True))
    assert handles["not significant"].get_facecolor()[:3] == pytest.approx((0xF0 / 255,) * 3)
    moran = maps.classify(demo.zones["hotspot_cluster"], "hotspot_cluster")
    assert moran.title == "Local Moran cluster" and "not significant" in moran.colours


def test_reach_map_greys_and_hatches_suppressed_zones_never_classing_them(demo: furthest.RunResult) -> None:
    ax = demo.plot(preset="reach")
    labels = legend_labels(ax.get_legend())
    threshold = demo.manifest["monitoring"]["disclosure"]["threshold"]
    assert labels[-1] == f"suppressed (fewer than {threshold:g}, or protecting one)"
    assert "no data" not in labels
    hidden = demo.zones["people_helped"].isna().to_numpy()
    assert hidden.any()  # the demo has zones whose total is suppressed
    fills = zone_fill(ax)
    assert {fills[i] for i in hidden.nonzero()[0]} == {maps.SUPPRESSED_COLOUR}
    assert maps.SUPPRESSED_COLOUR not in {fills[i] for i in (~hidden).nonzero()[0]}
    assert ax.collections[1].get_hatch() == maps.SUPPRESSED_HATCH and len(ax.collections[1].get_paths()) == hidden.sum()


def test_reach_over_time_draws_only_published_counts(demo: furthest.RunResult) -> None:
    from furthest import monitor_charts

    figure = monitor_charts.reach_over_time(demo, "devices_lent")
    programme = demo["area_reach"].query("scope == 'all areas' and period != 'total'")
    bars = [patch.get_height() for patch in figure.axes[0].patches]
    assert bars == programme["devices_lent"].dropna().tolist()
    assert len(figure.axes) == 2  # by area wave beside the programme: the demo has a plan
    areas = demo["area_reach"].query("scope == 'area' and period != 'total'")
    notes = [text.get_text() for text in figure.axes[1].texts]
    waves = demo["plan_progress"].set_index("area_id")["area_wave"]
    blanks = (
        areas.assign(wave=areas["area_id"].map(waves)).groupby(["wave", "period"])["devices_lent"].apply(lambda s: s.isna().any())
    )
    assert len(notes) == blanks.sum() and all(note.endswith(": suppressed") for note in notes)


def test_lorenz_curve_titles_the_index_and_its_interval(demo: furthest.RunResult) -> None:
    from furthest import monitor_charts

    row = demo["equity"].query("scope == 'all zones' and measure == 'people_helped'").iloc[0]
    ax = monitor_charts.lorenz_curve(demo, "people_helped").axes[0]
    title = ax.get_title(loc="left")
    assert f"concentration index {row['concentration_index']:+.2f}" in title
    assert f"interval {row['concentration_lower']:+.2f} to {row['concentration_upper']:+.2f}" in title
    curve = monitor_charts.published_curve(demo, "people_helped")
    if curve is not None:  # the curve drawn is the one the run published, from (0, 0) to (1, 1)
        line = ax.lines[1]
        assert list(line.get_xdata()) == curve["population_share"].tolist()
        assert curve.iloc[0].tolist() == [0.0, 0.0] and curve.iloc[-1].tolist() == [1.0, 1.0]
