"""Access measures on the real Leeds data, checked against PySAL ``access`` and brute force.

Origins are the 488 Leeds LSOA 2021 population-weighted centroids, demand their Census 2021
usual residents, sites the 94 Leeds GP practices (capacity 1 each: the file has no list size).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import furthest
from furthest import access

pytestmark = pytest.mark.realdata

CATCHMENT = 3000.0  # metres


@pytest.fixture(scope="module")
def leeds(shared_data: Path) -> dict:
    lsoas = gpd.read_file(shared_data / "boundaries" / "leeds_lsoa2021_bsc.geojson")
    centroids = pd.read_csv(shared_data / "lookups" / "lsoa21_population_weighted_centroids_ew_epsg27700.csv")
    centroids = centroids[centroids["lsoa21_code"].isin(lsoas["lsoa21_code"])].set_index("lsoa21_code").sort_index()
    population = pd.read_csv(shared_data / "population" / "census2021_lsoa21_age6_usual_residents_ew.csv")
    demand = population.set_index("lsoa21_code")["total_usual_residents"].reindex(centroids.index)
    origins = gpd.GeoDataFrame(
        {"population": demand},
        geometry=gpd.points_from_xy(centroids["x_bng"], centroids["y_bng"]),
        index=centroids.index,
        crs=27700,
    )
    gps = pd.read_csv(shared_data / "points" / "leeds_gp_practices_pcn_2020-09.csv").set_index("PRACTICE_CODE")
    sites = gpd.GeoDataFrame(gps, geometry=gpd.points_from_xy(gps["lon"], gps["lat"]), crs=4326).to_crs(27700)
    sites["capacity"] = 1.0
    assert len(origins) == 488 and demand.notna().all() and len(sites) == 94
    # Brute force: every origin-site distance, computed as the engine does (sqrt of squares).
    dx = sites.geometry.x.to_numpy()[None, :] - origins.geometry.x.to_numpy()[:, None]
    dy = sites.geometry.y.to_numpy()[None, :] - origins.geometry.y.to_numpy()[:, None]
    distance = np.sqrt(dx * dx + dy * dy)
    return {"origins": origins, "sites": sites, "distance": distance}


@pytest.fixture(scope="module")
def reach(leeds: dict) -> access.Interaction:
    return access.interaction(leeds["origins"], leeds["sites"], max_distance=CATCHMENT)


@pytest.fixture(scope="module")
def pysal_cost_table(leeds: dict) -> pd.DataFrame:
    i, j = np.nonzero(leeds["distance"] <= CATCHMENT)
    return pd.DataFrame(
        {
            "origin": leeds["origins"].index[i],
            "dest": leeds["sites"].index[j],
            "cost": leeds["distance"][i, j],
        }
    )


def test_pairs_equal_brute_force(reach: access.Interaction, pysal_cost_table: pd.DataFrame) -> None:
    ours = reach.pairs().rename(columns={"site": "dest"})
    mine = ours.sort_values(["origin", "dest"]).reset_index(drop=True)
    theirs = pysal_cost_table.sort_values(["origin", "dest"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, theirs, check_exact=True)


def test_nearest_equals_brute_force(leeds: dict) -> None:
    # A reach wider than Leeds, so every zone has a nearest practice.
    nearest = access.interaction(leeds["origins"], leeds["sites"], max_distance=100_000).nearest()
    d = leeds["distance"]
    np.testing.assert_array_equal(nearest["cost"].to_numpy(), d.min(axis=1))
    expected = leeds["sites"].index[d.argmin(axis=1)]  # argmin: first (lowest) index on ties
    assert list(nearest["site"]) == list(expected)
    # Within 3 km some zones have nothing: NaN and None.
    near3 = access.interaction(leeds["origins"], leeds["sites"], max_distance=CATCHMENT).nearest()
    none = d.min(axis=1) > CATCHMENT
    assert none.any()
    assert near3["cost"].isna().to_numpy().tolist() == none.tolist()
    assert near3["site"].isna().to_numpy().tolist() == none.tolist()


def test_within_counts_and_capacity(reach: access.Interaction, leeds: dict) -> None:
    within = reach.within(capacity="capacity", max_cost=2000.0)
    expected = (leeds["distance"] <= 2000.0).sum(axis=1)
    np.testing.assert_array_equal(within["sites"].to_numpy(), expected)
    np.testing.assert_array_equal(within["capacity"].to_numpy(), expected.astype(float))


def _pysal_fca(leeds: dict, cost_table: pd.DataFrame, weight_fn=None) -> pd.Series:
    from access import Access

    demand = pd.DataFrame(leeds["origins"][["population"]]).rename_axis("geoid").reset_index()
    supply = pd.DataFrame(leeds["sites"][["capacity"]]).rename_axis("geoid").reset_index()
    a = Access(
        demand_df=demand,
        demand_index="geoid",
        demand_value="population",
        supply_df=supply,
        supply_index="geoid",
        supply_value="capacity",
        cost_df=cost_table,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    if weight_fn is None:
        out = a.two_stage_fca(name="fca", max_cost=CATCHMENT)
    else:
        out = a.enhanced_two_stage_fca(name="fca", max_cost=CATCHMENT, weight_fn=weight_fn)
    # PySAL leaves zones with no practice in reach out (NaN); furthest gives them 0.
    return out["fca_capacity"].reindex(leeds["origins"].index).fillna(0.0)


@pytest.mark.parametrize(
    ("decay", "weight_fn"),
    [
        pytest.param(None, None, id="2sfca"),
        pytest.param("gaussian", "gaussian", id="e2sfca-gaussian"),
        pytest.param("step", "step", id="e2sfca-step"),
        pytest.param("linear", "linear", id="e2sfca-linear"),
    ],
)
def test_two_step_fca_equals_pysal(
    reach: access.Interaction, leeds: dict, pysal_cost_table: pd.DataFrame, decay, weight_fn
) -> None:
    from access import weights

    bands = {1000.0: 1.0, 2000.0: 0.68, 3000.0: 0.22}
    ours_decay = {
        None: None,
        "gaussian": access.gaussian(1000.0),
        "step": access.step(bands),
        "linear": access.linear(CATCHMENT),
    }[decay]
    theirs_fn = {
        None: None,
        "gaussian": weights.gaussian(1000.0),
        "step": weights.step_fn(bands),
        "linear": lambda c: max(0.0, 1.0 - c / CATCHMENT),  # PySAL takes any weight function
    }[weight_fn]
    ours = reach.two_step_fca("population", "capacity", decay=ours_decay)
    theirs = _pysal_fca(leeds, pysal_cost_table, theirs_fn)
    assert (ours > 0).sum() > 400
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=0, atol=1e-9)
    assert ours.index.equals(leeds["origins"].index)


def test_balanced_fca_conserves_totals(reach: access.Interaction, leeds: dict) -> None:
    demand = leeds["origins"]["population"].astype(float)
    for decay in (None, access.gaussian(1000.0)):
        bfca = reach.balanced_fca(demand, "capacity", decay=decay)
        sites = reach.site_demand(demand, "capacity", decay=decay, balanced=True)
        reached_zones = reach.within()["sites"] > 0
        reached_sites = sites["demand"] > 0
        # Each person counted once, each practice counted once.
        assert sites["demand"].sum() == pytest.approx(demand[reached_zones].sum(), rel=1e-12)
        assert bfca["supply"].sum() == pytest.approx(float(reached_sites.sum()), rel=1e-12)
        assert (sites["ratio"] * sites["demand"]).sum() == pytest.approx(float(reached_sites.sum()), rel=1e-12)
        assert bfca["access"].sum() == pytest.approx(sites["ratio"].sum(), rel=1e-12)
    # 2SFCA counts a person once per practice in reach: its catchments hold more people than live here.
    fca_sites = reach.site_demand(demand, "capacity")
    assert fca_sites["demand"].sum() > 2 * demand[reached_zones].sum()


def test_gravity_and_cost_table_round_trip(reach: access.Interaction, leeds: dict) -> None:
    table = reach.pairs()
    again = access.interaction(leeds["origins"], leeds["sites"], cost_table=table)
    pd.testing.assert_frame_equal(again.pairs(), table)
    g = again.gravity("capacity", decay=access.exponential(1 / 1000))
    d = np.where(leeds["distance"] <= CATCHMENT, np.exp(-leeds["distance"] / 1000), 0.0)
    np.testing.assert_allclose(g.to_numpy(), d.sum(axis=1), rtol=1e-12, atol=0)


def test_threads_give_identical_results(leeds: dict) -> None:
    one = access.interaction(leeds["origins"], leeds["sites"], max_distance=CATCHMENT, threads=1).pairs()
    two = access.interaction(leeds["origins"], leeds["sites"], max_distance=CATCHMENT, threads=2).pairs()
    pd.testing.assert_frame_equal(one, two, check_exact=True)


def test_bad_input_is_refused(leeds: dict) -> None:
    zone, practice = leeds["origins"].index[5], leeds["sites"].index[7]
    table = pd.DataFrame({"origin": [zone, "x"], "site": [practice, practice], "cost": [1.0, 2.0]})
    with pytest.raises(furthest.InputError, match="'x' is not in the origins"):
        access.interaction(leeds["origins"], leeds["sites"], cost_table=table)
    table = pd.DataFrame({"origin": [zone, zone, zone], "site": [practice, "B86001", practice], "cost": [1.0, 2, 3]})
    with pytest.raises(furthest.InputError, match=f"origin '{zone}', site '{practice}'.*rows 0 and 2"):
        access.interaction(leeds["origins"], leeds["sites"], cost_table=table)
    with pytest.raises(furthest.InputError, match="not projected"):
        access.interaction(leeds["origins"].to_crs(4326), leeds["sites"].to_crs(4326), max_distance=10)
    with pytest.raises(furthest.InputError, match="demand"):
        access.interaction(leeds["origins"], leeds["sites"], max_distance=10).two_step_fca(np.ones(3))
