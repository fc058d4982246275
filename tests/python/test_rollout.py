"""The furthest-first rollout: areas and zones into waves with reasons, stability, equity, allocation."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import furthest


@pytest.fixture()
def demo(demo_copy: tuple[Path, dict]) -> dict:
    return demo_copy[1]


def test_areas_and_zones_in_waves_with_reasons(demo: dict) -> None:
    result = furthest.run(demo)
    rollout, area_waves = result["rollout"], result["area_waves"]
    zones = result.zones
    assert sorted(rollout["zone_id"]) == sorted(zones["zone_code"])  # every zone, once
    # Areas: by people in high need and low support, highest first, two a wave.
    placed = area_waves[area_waves["area_wave"].notna()]
    assert list(placed["area_wave"]) == [1, 1, 2, 2, 3, 3]
    assert placed["rule_value"].is_monotonic_decreasing
    by_area = result.areas.set_index("area_id")["people_high_need_low_support"]
    np.testing.assert_allclose(placed["rule_value"], by_area.reindex(placed["area_id"]), rtol=1e-12)
    # Zones: within each area the highest gap first, ten a wave.
    merged = rollout.merge(zones[["zone_code", "gap_score"]], left_on="zone_id", right_on="zone_code")
    for _, group in merged[merged["order"].notna()].groupby("area_id"):
        group = group.sort_values("order")
        assert group["gap_score"].is_monotonic_decreasing
        expected = 1 + np.arange(len(group)) // 10
        assert (group["zone_wave"].to_numpy() == expected).all()
    assert rollout["order"].dropna().astype(int).tolist() == list(range(1, rollout["order"].notna().sum() + 1))
    first = rollout.iloc[0]
    assert first["reason"].startswith(f"{first['zone_id']} ({first['zone_name']}), area wave 1, zone wave 1 (1st in ")
    assert "need rank" in first["reason"] and "nearest partner" in first["reason"] and "support" in first["reason"]
    manifest = json.loads(Path(result.manifest_path).read_text())
    assert manifest["rollout"]["area_rule"] == "people living in zones of high need and low support"


def test_the_pilot_stays_in_wave_zero(demo: dict) -> None:
    demo["rollout"]["done"] = ["LCP03"]
    waves = furthest.run(demo)["area_waves"].set_index("area_id")["area_wave"]
    assert waves["LCP03"] == 0
    assert sorted(waves.drop("LCP03")) == [1, 1, 2, 2, 3]
    demo["rollout"]["done"] = ["LCP99"]
    with pytest.raises(furthest.InputError, match=r"done names area 'LCP99'"):
        furthest.run(demo)


def test_the_budget_is_shared_exactly_with_minimums_and_caps(demo: dict) -> None:
    result = furthest.run(demo)
    allocation = result["allocation"]
    assert allocation["units"].sum() == 200
    assert allocation["units"].between(10, 80).all()
    # To zones with no minimum or cap: whole units within one of the exact proportional share.
    demo["rollout"]["allocation"] = {"budget": 200, "unit": "tablets", "to": "zones"}
    zones = furthest.run(demo, output=demo["output"]["path"].replace("demo.gpkg", "zones.gpkg"))["allocation"]
    assert zones["units"].sum() == 200
    exact = 200 * zones["share_of_gap"]
    assert (np.abs(zones["units"] - exact) < 1).all()
    assert zones["reason"].str.contains("tablets, for").all()


def test_equity_per_wave_is_cumulative(demo: dict) -> None:
    equity = furthest.run(demo)["wave_equity"]
    assert list(equity["area_wave"]) == [1, 2, 3]
    for column in ("people_so_far", "share_high_need_people", "share_people_65_plus"):
        assert equity[column].is_monotonic_increasing
    assert equity["share_high_need_people"].iloc[-1] <= 1.0 + 1e-12
    # The first wave was chosen for high need: it reaches more than its share of people.
    people_share = equity["people_so_far"] / equity["people_so_far"].iloc[-1]
    assert equity["share_high_need_people"].iloc[0] > people_share.iloc[0]


def test_scenario_stability_is_the_same_for_any_thread_count(demo: dict, tmp_path: Path) -> None:
    demo.setdefault("scoring", {})["uncertainty"] = {"draws": 200, "seed": 11}
    demo["run"]["threads"] = 1
    one = furthest.run(demo, output=str(tmp_path / "one.gpkg"))
    demo["run"]["threads"] = 2
    two = furthest.run(demo, output=str(tmp_path / "two.gpkg"))
    pd.testing.assert_frame_equal(
        one["rollout"].drop(columns="geometry"), two["rollout"].drop(columns="geometry"), check_exact=True
    )
    rollout = one["rollout"]
    assert rollout["p_same_wave"].between(0, 1).all()
    assert "keeps its wave in" in rollout["reason"].iloc[0]
    stability = json.loads(Path(one.manifest_path).read_text())["rollout"]["stability"]
    assert stability["draws"] == 200
    assert -1 <= stability["kendall_tau_p05"] <= stability["kendall_tau_mean"] <= 1
    robust = (rollout["p_zone_wave_1"] >= 0.9).sum()
    assert stability["zones_in_zone_wave_1_in_robust_share_of_draws"] == robust


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda c: c["rollout"].update(area_rule="most_need"), r"'area_rule' in \[rollout\].*is 'most_need'"),
        (lambda c: c["rollout"].update(area_rule="robust_top_n"), r"needs uncertainty draws"),
        (lambda c: c.pop("access") and c.pop("hotspots"), r"it needs \[population\] and \[access\]"),
        (lambda c: c["rollout"].update(zone_capacity=0), r"'zone_capacity' in \[rollout\] must be a finite number >= 1"),
        (lambda c: c["rollout"]["allocation"].pop("budget"), r"\[rollout.allocation\] is missing 'budget'"),
        (lambda c: c["rollout"]["allocation"].update(cap=5), r"'cap' in \[rollout.allocation\] is below 'minimum'"),
        (lambda c: c["rollout"].update(national_decile="imd"), r"national_decile = 'imd' is not an \[\[indicators\]\]"),
    ],
)
def test_rollout_is_checked_at_the_door(demo: dict, edit, message) -> None:
    edit(demo)
    with pytest.raises(furthest.ConfigError, match=message):
        furthest.validate(demo)


def test_a_minimum_the_budget_cannot_meet_is_refused(demo: dict) -> None:
    demo["rollout"]["allocation"].update(minimum=50, cap=0)
    with pytest.raises(furthest.InputError, match=r"a minimum of 50 tablets for each of \d+ recipients needs"):
        furthest.run(demo)


@pytest.mark.realdata
def test_leeds_plans_waves_hubs_and_tablets(shared_data: Path, tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "examples" / "leeds_access.toml").read_text()
    config = tomllib.loads(text.replace("${FURTHEST_DATA}", str(shared_data)))
    config["monitoring"]["path"] = str(Path(__file__).resolve().parents[2] / "examples" / config["monitoring"]["path"])
    config["output"]["path"] = str(tmp_path / "leeds.gpkg")
    result = furthest.run(config)
    waves = result["area_waves"].set_index("area_id")["area_wave"]
    assert waves["U16878"] == 0 and (waves.drop("U16878") >= 1).all()
    sites = result["sites"]
    assert (sites.loc[sites["partners_table"] == "libraries", "status"] == "existing hub").all()
    new = sites[sites["status"] == "new hub"]
    assert len(new) == 5 and sorted(new["wave"]) == [1, 1, 2, 2, 3]
    assert (new["partners_table"] == "gp_practices").all()
    hubs = json.loads(Path(result.manifest_path).read_text())["rollout"]["hubs"]
    assert hubs["value"] >= hubs["greedy_value"] and hubs["value"] <= hubs["bound"] + 1e-6
    assert hubs["value_after_each_wave"] == sorted(hubs["value_after_each_wave"])
    assert result["allocation"]["units"].sum() == 200
    assert result["rollout"]["reason"].str.contains("need rank").sum() == len(result.zones)


def test_the_pilot_area_plans_its_own_zones_with_the_city_as_context(shared_data: Path, tmp_path: Path) -> None:
    """examples/leeds_pilot.toml: three wards stand in for one LCP; the rest of Leeds informs it."""
    text = (Path(__file__).resolve().parents[2] / "examples" / "leeds_pilot.toml").read_text()
    config = tomllib.loads(text.replace("${FURTHEST_DATA}", str(shared_data)))
    config["output"]["path"] = str(tmp_path / "pilot.gpkg")
    config["scoring"]["uncertainty"]["draws"] = 200  # the example's 1000 in a benchmark, not a test
    result = furthest.run(config)
    zones = result.zones
    inside = zones["area_id"].notna() & (zones["area_id"] != "")
    assert set(result.areas["area_name"]) == {"Beeston & Holbeck", "Hunslet & Riverside", "Middleton Park"}
    assert len(zones) == 488 and 40 < inside.sum() < 100  # every Leeds zone stays; ranks are city-wide
    assert zones["rank"].max() == 488
    rollout = result["rollout"].set_index("zone_id")
    placed = rollout["order"].notna() & (rollout["order"] > 0)
    assert set(rollout.index[placed]) == set(zones.loc[inside, "lsoa21_code"])
    assert sorted(result["area_waves"]["area_wave"]) == [1, 2, 3]
    # Tablets go to the pilot's zones only, all 60; new hubs open inside the pilot.
    allocation = result["allocation"]
    assert set(allocation["recipient_id"]) <= set(zones.loc[inside, "lsoa21_code"])
    assert allocation["units"].sum() == 60 and allocation["units"].max() <= 6
    sites = result["sites"]
    new = sites[sites["status"] == "new hub"]
    pilot = result.areas.to_crs(new.crs).union_all().buffer(1.0)
    assert len(new) == 2 and new.within(pilot).all()
    assert any("overlap no area" in w for w in result.warnings)  # the zones outside are reported, not dropped


def test_plan_functions_give_the_run_s_waves_and_shares(demo: dict) -> None:
    """furthest.plan.waves and .allocate, called with a run's own priorities, give its plan."""
    result = furthest.run(demo)
    zones = result.zones.set_index("zone_code")
    areas = result.areas.set_index("area_id")
    plan = furthest.plan.waves(
        zones["gap_score"],
        zones["area_id"],
        area_value=areas["people_high_need_low_support"],
        areas_per_wave=demo["rollout"]["areas_per_wave"],
        capacity=demo["rollout"]["zone_capacity"],
    )
    rollout = result["rollout"].set_index("zone_id").reindex(zones.index)
    assert (plan.zones["zone_wave"] == rollout["zone_wave"]).all()
    assert (plan.zones["order"] == rollout["order"]).all()
    assert (plan.zones["area_wave"] == rollout["area_wave"]).all()
    by_run = result["area_waves"].set_index("area_id")["area_wave"]
    assert plan.areas["area_wave"].to_dict() == by_run.to_dict()

    allocation = result["allocation"].set_index("recipient_id")
    spec = demo["rollout"]["allocation"]
    shared = furthest.plan.allocate(
        allocation["gap_weighted_people"], spec["budget"], minimum=spec.get("minimum", 0), cap=spec.get("cap"), unit="tablets"
    )
    assert (shared["units"] == allocation["units"]).all()
    assert shared.attrs["unplaced"] == 0


def test_allocate_lets_a_cap_free_budget_for_those_at_the_minimum() -> None:
    # Proportional shares 19.6, 0.2, 0.2: the first is capped at 10 and the other two share the
    # other 10, not held at their minimum of 2 (which would leave 6 tablets unplaced).
    shared = furthest.plan.allocate(pd.Series([100.0, 1.0, 1.0], index=["a", "b", "c"]), 20, minimum=2, cap=10)
    assert shared["units"].tolist() == [10, 5, 5]
    assert shared.attrs["unplaced"] == 0
    with pytest.raises(furthest.InputError, match="more than the budget of 5"):
        furthest.plan.allocate(pd.Series([1.0, 1.0, 1.0]), 5, minimum=2)


def test_waves_do_not_depend_on_the_order_of_the_rows() -> None:
    rng = np.random.default_rng(3)
    priority = pd.Series(rng.integers(0, 5, 60).astype(float), index=[f"z{i:02d}" for i in range(60)])
    area = pd.Series([f"A{i % 7}" for i in range(60)], index=priority.index)
    plan = furthest.plan.waves(priority, area, areas_per_wave=2, capacity=3, done=["A3"])
    shuffled = rng.permutation(60)
    again = furthest.plan.waves(priority.iloc[shuffled], area.iloc[shuffled], areas_per_wave=2, capacity=3, done=["A3"])
    pd.testing.assert_frame_equal(plan.zones, again.zones.reindex(plan.zones.index))
    assert (plan.zones.loc[area == "A3", "area_wave"] == 0).all()
    assert plan.zones.groupby("area")["zone_wave"].max().max() == 3  # 8 or 9 zones an area, three a wave
