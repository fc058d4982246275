"""The [monitoring] stage: the activity log read and checked, residents placed, reach against need
and the plan, fed back into access, and every published count under disclosure control.

The suppression proof: for each measure under control, the counts per zone and period are the
unknowns (>= 0); every figure the run publishes about them (zone cells and totals in `reach` and
the zones layer, area cells and totals and the all-areas row in `area_reach`, the plan's
`people_helped` per area) is a constraint; every suppressed figure is minimised and maximised by
linear programming, and must be able to move.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

import furthest
from furthest.errors import ConfigError

THRESHOLD = 5


@pytest.fixture(scope="module")
def demo(demo_copy_module):
    folder, config = demo_copy_module
    return furthest.run(config), config


@pytest.fixture(scope="module")
def demo_copy_module(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    import shutil
    import tomllib

    tmp = tmp_path_factory.mktemp("monitoring")
    folder = tmp / "demo"
    shutil.copytree(demo_dir, folder, ignore=shutil.ignore_patterns("out", "*.py"))
    config = tomllib.loads((folder / "demo.toml").read_text())
    for section in (config["zones"], config["areas"], config["partners"], config["population"], *config["indicators"]):
        section["path"] = str(folder / section["path"])
    config["monitoring"]["path"] = str(folder / config["monitoring"]["path"])
    config["output"]["path"] = str(tmp / "out" / "demo.gpkg")
    return folder, config


def test_the_demo_log_is_checked_row_by_row(demo):
    result, _ = demo
    quality = result["activity_quality"].set_index("check")
    assert quality.loc["rows read", "rows"] == 5334
    # The generator's five flawed rows (data rows, the header not counted), each named.
    assert quality.loc["kind not recognised", "example_rows"] == "row 310"
    assert quality.loc["date outside the period", "example_rows"] == "row 5334"
    assert quality.loc["count blank or not a whole number >= 0", "example_rows"] == "row 2884"
    assert quality.loc["partner not among the run's partners", "example_rows"] == "row 2209"
    assert quality.loc["resident zone code unknown", "example_rows"] == "row 2286"
    codes = {w.code for w in result.warnings}
    assert {"activity_kind_not_recognised", "activity_date_outside_the_period"} <= codes
    assert _manifest(result)["monitoring"]["rows_left_out"] == 4


def _manifest(result) -> dict:
    raw = getattr(result, "manifest", None)
    return raw if isinstance(raw, dict) else json.loads(raw)


def test_every_resident_is_counted_once(demo):
    result, _ = demo
    section = _manifest(result)["monitoring"]
    quality = result["activity_quality"].set_index("check")
    placed = sum(
        quality.loc[name, "count"]
        for name in ("residents placed by zone code", "residents placed by the partner's catchment")
        if name in quality.index
    )
    # The all-areas total of people helped and devices lent is every placed resident.
    area = result["area_reach"]
    total = area[(area.scope == "all areas") & (area.period == "total")]
    assert total.people_helped.iloc[0] + total.devices_lent.iloc[0] == pytest.approx(placed)
    assert section["residents_placed"]["by_partner_catchment"]["rows"] > 0
    # Shared over catchments in whole people.
    reach = result["reach"]
    assert (reach.people_helped.dropna() % 1 == 0).all()


def test_no_published_count_is_below_the_threshold(demo):
    result, _ = demo
    for table, columns in (("reach", ["people_helped", "devices_lent"]), ("area_reach", ["people_helped", "devices_lent"])):
        frame = result[table]
        for column in columns:
            values = frame[column].dropna()
            assert not ((values > 0) & (values < THRESHOLD)).any(), (table, column)
            rate = frame[f"{column}_per_1000_residents"]
            assert (rate.isna() == frame[column].isna()).all(), (table, column)
    zones = result.zones.set_index("zone_code")
    totals = result["reach"].query("period == 'total'").set_index("zone_id")
    for column in ("people_helped", "devices_lent"):
        pd.testing.assert_series_equal(zones[column], totals[column].reindex(zones.index), check_names=False)
    progress = result["plan_progress"].set_index("area_id").people_helped
    area_totals = result["area_reach"].query("scope == 'area' and period == 'total'").set_index("area_id").people_helped
    pd.testing.assert_series_equal(progress, area_totals.reindex(progress.index), check_names=False)
    # Where a count is suppressed, how its residents were placed is not said either.
    reach = result["reach"]
    hidden = reach.people_helped.isna() | reach.devices_lent.isna()
    assert (reach.placed_by[hidden] == "(suppressed)").all()


def _audit(result, measure: str) -> tuple[int, list[str]]:
    """LP audit of one measure over every table that publishes it; the suppressed figures that
    the published ones pin to a single value."""
    reach = result["reach"]
    area = result["area_reach"]
    zones = list(dict.fromkeys(reach.zone_id))
    periods = [p for p in dict.fromkeys(reach.period) if p != "total"]
    zi = {z: i for i, z in enumerate(zones)}
    ti = {p: j for j, p in enumerate(periods)}
    nz, nt = len(zones), len(periods)
    n = nz * nt
    area_of = reach.drop_duplicates("zone_id").set_index("zone_id").area_id.reindex(zones)
    figures = []  # (name, coefficient row as {var: 1}, value or NaN)
    for row in reach.itertuples():
        z = zi[row.zone_id]
        cols = [z * nt + j for j in range(nt)] if row.period == "total" else [z * nt + ti[row.period]]
        figures.append((f"reach {row.zone_id} {row.period}", cols, getattr(row, measure)))
    for row in area.itertuples():
        if row.scope == "all areas":
            members = range(nz)
        elif row.scope == "no area":
            members = [zi[z] for z in zones if pd.isna(area_of[z])]
        else:
            members = [zi[z] for z in zones if area_of[z] == row.area_id]
        js = range(nt) if row.period == "total" else [ti[row.period]]
        cols = [z * nt + j for z in members for j in js]
        figures.append((f"area_reach {row.scope} {row.area_id} {row.period}", cols, getattr(row, measure)))
    published = [(cols, v) for _, cols, v in figures if not np.isnan(v)]
    a = lil_matrix((len(published), n))
    b = np.zeros(len(published))
    for k, (cols, v) in enumerate(published):
        for c in cols:
            a[k, c] = 1.0
        b[k] = v
    a = a.tocsr()
    pinned = []
    suppressed = [(name, cols) for name, cols, v in figures if np.isnan(v)]
    for name, cols in suppressed:
        c = np.zeros(n)
        c[cols] = 1.0
        low = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        high = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert low.status == 0, (name, low.message)  # the published figures are consistent
        if high.status == 3:  # unbounded above: free
            continue
        if -high.fun - low.fun < 1e-6:
            pinned.append(name)
    return len(suppressed), pinned


@pytest.mark.parametrize("measure", ["people_helped", "devices_lent"])
def test_no_output_reveals_a_suppressed_count(demo, measure):
    result, _ = demo
    suppressed, pinned = _audit(result, measure)
    assert suppressed > 20  # the demo has small counts to protect
    assert pinned == []


def test_the_audit_catches_a_leak(demo):
    # The same audit after "publishing" one suppressed zone cell's value through its total: a
    # zone with one suppressed period and the total given pins that cell.
    result, _ = demo
    reach = result["reach"].copy()
    raw = result["reach"]
    zone = next(
        z for z, rows in raw.groupby("zone_id") if rows.people_helped.isna().sum() >= 2 and not rows.people_helped.isna().all()
    )
    rows = reach.zone_id == zone
    cells = reach[rows & (reach.period != "total")]
    hidden = cells[cells.people_helped.isna()].index
    # Fill all but one hidden cell with any non-negative value and publish the total: the last
    # hidden cell is then pinned, and the audit must say so.
    reach.loc[hidden[1:], "people_helped"] = 1.0
    total = reach.loc[rows & (reach.period == "total"), "people_helped"]
    if np.isnan(total.iloc[0]):
        reach.loc[total.index, "people_helped"] = reach.loc[rows & (reach.period != "total"), "people_helped"].sum() + 3.0

    class Leaky:
        def __getitem__(self, name):
            return reach if name == "reach" else result[name]

    _, pinned = _audit(Leaky(), "people_helped")
    assert pinned


def test_reach_goes_furthest_first_and_the_plan_is_checked(demo):
    result, _ = demo
    equity = result["equity"].set_index(["scope", "measure"])
    row = equity.loc[("all zones", "people_helped")]
    # The demo's programme favours need (the generator weighs residents by IMD score).
    assert row.concentration_index < 0
    assert row.concentration_lower < row.concentration_index < row.concentration_upper < 0
    assert row.top_decile_reach_share > row.top_decile_residents_share
    progress = result["plan_progress"].set_index("area_name")
    assert progress.loc["Hollin Vale LCP", "status"] == "behind plan"
    assert "Hollin Vale LCP" in equity.loc[("area wave 1", "people_helped"), "areas_behind_plan"]
    curve = _manifest(result)["monitoring"]["equity"][0]["curve"]
    assert curve["population_share"][0] == 0 and curve["reach_share"][-1] == pytest.approx(1.0)
    assert len(curve["reach_share"]) == 11
    # Fed back: support now includes what the programme added, and the waves not begun are re-planned.
    zones = result.zones
    assert (zones.support_now >= zones.access_bfca_per_1000 - 1e-9).all()
    assert (zones.support_now > zones.access_bfca_per_1000 + 1e-9).any()
    replan = result["replan"]
    assert set(replan.started) == {0, 1}
    assert (replan[replan.started == 1].area_wave == replan[replan.started == 1].area_wave_now).all()


def test_same_inputs_same_outputs_with_any_thread_count(demo_copy_module):
    _, config = demo_copy_module
    tables = []
    for threads in (1, 2):
        c = json.loads(json.dumps(config))
        c.setdefault("run", {})["threads"] = threads
        r = furthest.validate(c)
        tables.append({name: r[name] for name in ("reach", "area_reach", "equity", "plan_progress", "replan")})
    for name in tables[0]:
        pd.testing.assert_frame_equal(tables[0][name], tables[1][name])


def _log_section(path: Path, **keys) -> dict:
    """A [monitoring] section for a small log written by a test (no targets, no bootstrap)."""
    section = {"path": str(path), "partner": "partner_id", "date": "date", "kind": "kind", "count": "count"}
    return {**section, "from": "2025-04-01", "to": "2026-03-31", "draws": 0, **keys}


def test_postcodes_place_residents_and_never_leave_the_run(demo_copy_module, tmp_path):
    folder, base = demo_copy_module
    config = json.loads(json.dumps(base))
    zones = furthest.validate(config).zones
    inner = zones.geometry.representative_point()
    # A postcode directory of three made-up postcodes inside three zones (EPSG:27700).
    picks = zones.index[:3]
    codes = ["ZZ1 1AA", "ZZ1 1AB", "ZZ2 2AA"]
    directory = pd.DataFrame({"pcd": codes, "x": inner[picks].x.round(1), "y": inner[picks].y.round(1)})
    directory.to_csv(tmp_path / "postcodes.csv", index=False)
    partner = pd.read_csv(folder / "partners.csv").partner_id.iloc[0]
    log = [
        {"partner_id": partner, "date": "2025-05-02", "kind": "Person helped", "count": 1, "resident_postcode": codes[k % 3]}
        for k in range(30)
    ] + [
        {"partner_id": partner, "date": "2025-05-03", "kind": "Device lent", "count": 1, "resident_postcode": "ZZ9 9ZZ"},
        {"partner_id": partner, "date": "2025-05-04", "kind": "Device lent", "count": 2, "resident_postcode": "not a postcode"},
    ]
    pd.DataFrame(log).to_csv(tmp_path / "log.csv", index=False)
    config["postcodes"] = {"path": str(tmp_path / "postcodes.csv"), "postcode": "pcd", "x": "x", "y": "y", "crs": "EPSG:27700"}
    config["monitoring"] = _log_section(tmp_path / "log.csv", postcode="resident_postcode", period="quarter")
    config["output"] = {"path": str(tmp_path / "out" / "run.gpkg"), "tables": ["csv", "xlsx"]}
    result = furthest.run(config)
    quality = result["activity_quality"].set_index("check")
    assert quality.loc["residents placed by postcode", "rows"] == 30
    assert quality.loc["resident postcode does not place", "rows"] == 2
    reach = result["reach"].set_index(["zone_id", "period"])
    # (The two unplaced devices are shared over the partner's catchment; people helped are not.)
    for k in range(3):
        assert reach.loc[(zones.zone_code[picks[k]], "2025-04 to 2025-06"), "people_helped"] == 10
    # No postcode, in any spelling, in any file the run wrote.
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert written
    for path in written:
        data = path.read_bytes()
        for code in [*codes, "ZZ9 9ZZ", "not a postcode"]:
            assert code.encode() not in data and code.replace(" ", "").encode() not in data, (path.name, code)
    for warning in result.warnings:
        assert "ZZ" not in warning.message


def test_concentration_index_matches_the_formula(demo_copy_module, tmp_path):
    # Residents placed by zone code only: the counts are known, so the index can be recomputed.
    folder, base = demo_copy_module
    config = json.loads(json.dumps(base))
    zones = furthest.validate(config).zones.set_index("zone_code")
    rng = np.random.default_rng(5)
    partner = pd.read_csv(folder / "partners.csv").partner_id.iloc[0]
    helped = pd.Series(rng.poisson(8, len(zones)), index=zones.index)
    rows = [
        {"partner_id": partner, "date": "2025-06-01", "kind": "Person helped", "count": int(c), "resident_zone": z}
        for z, c in helped.items()
        if c > 0
    ]
    pd.DataFrame(rows).to_csv(tmp_path / "log.csv", index=False)
    config["monitoring"] = _log_section(tmp_path / "log.csv", zone="resident_zone", to="2025-06-30")
    result = furthest.validate(config)
    index = result["equity"].set_index(["scope", "measure"]).loc[("all zones", "people_helped"), "concentration_index"]
    # Wagstaff's C = 2 * sum(reach_i / R * r_i) - 1, r_i the population-weighted fractional rank
    # from most need (rank 1) down.
    people = zones.population.to_numpy(float)
    order = np.argsort(zones["rank"].to_numpy())
    share = people[order] / people.sum()
    r = np.cumsum(share) - share / 2
    reach = helped.reindex(zones.index).to_numpy(float)[order]
    expected = 2 * np.sum(reach / reach.sum() * r) - 1
    assert index == pytest.approx(expected, abs=1e-12)
    expected_lib = furthest.monitor.concentration_index(helped.reindex(zones.index), zones.population, zones["rank"], draws=0)
    assert index == pytest.approx(expected_lib.index, abs=1e-12)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda c: (
                [c.pop(k) for k in ("population", "access", "hotspots", "rollout")]
                + [c["monitoring"].pop(k) for k in ("targets", "feedback")]
            ),
            "[monitoring] counts reach per 1,000 residents: it needs [population]",
        ),
        (lambda c: c["monitoring"].update(suppress=["people"]), "'suppress' in [monitoring] names 'people'"),
        (lambda c: c["monitoring"].update(postcode="pc"), "it needs a [postcodes] directory"),
        (lambda c: c["monitoring"].update({"from": "1/4/2025"}), "'from' in [monitoring] is '1/4/2025'"),
        (lambda c: c["monitoring"].update({"to": "2024-01-01"}), "is before 'from'"),
        (lambda c: c["monitoring"].update(period="week"), "'period' in [monitoring] is 'week'"),
        (lambda c: c["monitoring"]["targets"].update(on_track=2), "'on_track' in [monitoring.targets] must lie in (0, 1]"),
        (lambda c: c["monitoring"].update(colour=1), "colour"),
    ],
)
def test_config_mistakes_are_named(demo_copy_module, change, message):
    _, base = demo_copy_module
    config = json.loads(json.dumps(base))
    change(config)
    with pytest.raises(ConfigError) as error:
        furthest.validate(config)
    assert message in str(error.value)


def test_a_log_column_that_is_missing_is_named(demo_copy_module):
    _, base = demo_copy_module
    config = json.loads(json.dumps(base))
    config["monitoring"]["kind"] = "activity"
    with pytest.raises(furthest.InputError) as error:
        furthest.validate(config)
    assert "activity" in str(error.value) and "activity.csv" in str(error.value)


def test_counts_to_date_come_from_published_counts_only(demo):
    # Cumulative counts would add relations around suppressed cells; these are the running sums
    # of the published ones, blank from the first suppressed period on, so they reveal nothing new.
    result, _ = demo
    for table, key in (("reach", "zone_id"), ("area_reach", "scope")):
        frame = result[table]
        groups = frame.groupby([key, "area_id"], dropna=False, sort=False) if table == "area_reach" else frame.groupby(key)
        checked = 0
        for _, rows in groups:
            periods = rows[rows.period != "total"]
            for measure in ("people_helped", "devices_lent"):
                expected = periods[measure].cumsum(skipna=False)
                pd.testing.assert_series_equal(periods[f"{measure}_to_date"], expected, check_names=False)
                total = rows[rows.period == "total"]
                assert total[f"{measure}_to_date"].equals(total[measure])
                checked += 1
        assert checked > 0


def test_reach_per_1000_people_in_need(demo_copy_module):
    # `in_need` names a [population] column counting the people served first; here the residents
    # themselves, so both rates must agree wherever a count is published.
    _, base = demo_copy_module
    config = json.loads(json.dumps(base))
    config["monitoring"]["in_need"] = "population"
    result = furthest.validate(config)
    zones = result.zones
    assert (zones.people_in_need == zones.population).all()
    for table in (result.zones, result["reach"], result["area_reach"]):
        for measure in ("people_helped", "devices_lent"):
            pd.testing.assert_series_equal(
                table[f"{measure}_per_1000_in_need"], table[f"{measure}_per_1000_residents"], check_names=False
            )
    assert zones.people_helped_per_1000_in_need.notna().any()


def test_a_spreadsheet_log_with_date_cells_reads_as_its_csv(demo_copy_module, tmp_path):
    # Programmes keep logs in Excel: real date cells (GDAL gives them as "2025/04/01 00:00:00").
    folder, base = demo_copy_module
    log = pd.read_csv(folder / "activity.csv", dtype={"count": "Int64"})
    log["date"] = pd.to_datetime(log["date"])
    log.iloc[:400].to_excel(tmp_path / "activity.xlsx", index=False)
    log.iloc[:400].assign(date=log["date"].dt.strftime("%Y-%m-%d")).to_csv(tmp_path / "activity.csv", index=False)
    tables = {}
    for name in ("activity.xlsx", "activity.csv"):
        config = json.loads(json.dumps(base))
        config["monitoring"]["path"] = str(tmp_path / name)
        tables[name] = furthest.validate(config)
    quality = tables["activity.xlsx"]["activity_quality"].set_index("check")
    assert "date blank or unreadable" not in quality.index
    for table in ("activity_quality", "reach", "area_reach"):
        pd.testing.assert_frame_equal(tables["activity.xlsx"][table], tables["activity.csv"][table])


def test_a_handful_of_people_publishes_no_index_that_would_place_them(demo_copy_module, tmp_path):
    # Over one person the concentration index is 2 r - 1, r the rank of that person's zone: it
    # would say where they live. Below 10 x threshold people no index is given.
    folder, base = demo_copy_module
    config = json.loads(json.dumps(base))
    partner = pd.read_csv(folder / "partners.csv").partner_id.iloc[0]
    zone = furthest.validate(config).zones.zone_code.iloc[7]
    rows = [{"partner_id": partner, "date": "2025-05-01", "kind": "Person helped", "count": 1, "resident_zone": zone}]
    pd.DataFrame(rows).to_csv(tmp_path / "log.csv", index=False)
    config["monitoring"]["path"] = str(tmp_path / "log.csv")
    result = furthest.validate(config)
    assert result["equity"].concentration_index.isna().all()
    assert result["reach"].people_helped.dropna().isin([0]).all()  # the one person's count is suppressed
    entry = _manifest(result)["monitoring"]["equity"]
    assert all(e["measure"] != "people_helped" for e in entry)
