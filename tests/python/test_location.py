"""Hub site selection (furthest.plan): hand-made cases, and Leeds against spopt solved exactly.

Leeds: the 488 LSOA 2021 population-weighted centroids with their Census 2021 usual residents
as demand; candidates the 94 GP practices and the open libraries (Year closed blank). spopt's
MCLP and PMedian are solved to optimality with PuLP (HiGHS, else CBC) on the same
distances; furthest's local search must come within 1% of their objective and its bound must
hold against their optimum.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import furthest
from furthest import access, plan

RADIUS = 1500.0  # metres: a walk to a hub


# ---- hand-made cases ---------------------------------------------------------------------------


@pytest.fixture
def small() -> dict:
    # Zones 0..3 on a line at x = 0, 10, 20, 30 (demand 10, 20, 30, 40); sites at x = 5, 20, 30.
    zones = gpd.GeoDataFrame(
        {"people": [10.0, 20.0, 30.0, 40.0]},
        geometry=gpd.points_from_xy([0.0, 10.0, 20.0, 30.0], [0.0] * 4),
        index=pd.Index(["z0", "z1", "z2", "z3"], name="zone"),
        crs=27700,
    )
    sites = gpd.GeoDataFrame(
        {"capacity": [100.0, 25.0, 100.0]},
        geometry=gpd.points_from_xy([5.0, 20.0, 30.0], [0.0] * 3),
        index=pd.Index(["library", "surgery", "centre"], name="site"),
        crs=27700,
    )
    return {"zones": zones, "sites": sites, "reach": access.interaction(zones, sites, max_distance=5.0)}


def test_covering_by_hand(small: dict) -> None:
    # Within 5: library covers z0 and z1 (30), surgery z2 (30), centre z3 (40). Centre first;
    # library and surgery tie at 30 and the tie goes to the site listed first.
    r = plan.maximal_covering(small["reach"], "people", 2)
    assert list(r.selected.index) == ["library", "centre"]
    assert r.objective == 70.0 and r.bound >= r.objective
    assert r.sites.loc["surgery", "reach"] == 30.0 and pd.isna(r.sites.loc["surgery", "wave"])
    assert r.sites.loc["library", "served"] == 30.0
    assert r.zones.loc["z0", "site"] == "library" and r.zones.loc["z2", "site"] is None
    assert isinstance(r.sites, gpd.GeoDataFrame) and r.sites.crs.to_epsg() == 27700


def test_fixed_sites_and_waves(small: dict) -> None:
    r = plan.maximal_covering(small["reach"], "people", waves=[1, 1], fixed=["library"])
    assert r.sites["wave"].tolist() == [0, 2, 1]  # centre (40) first, then surgery (30)
    assert r.wave_objective == [70.0, 100.0] and r.objective == 100.0 and r.gap == 0.0
    table = r.waves()
    assert table.loc[1, "site_labels"] == ["centre"] and table.loc[0, "sites"] == 1
    mask = pd.Series([True, False, False], index=small["sites"].index)
    assert plan.maximal_covering(small["reach"], "people", 1, fixed=mask).objective == 70.0


def test_capacitated_covering_by_hand(small: dict) -> None:
    # The surgery can take only 25 of z2's 30 people.
    r = plan.maximal_covering(small["reach"], "people", 3, capacity="capacity")
    assert r.problem == "capacitated covering"
    assert r.objective == 95.0 and r.sites.loc["surgery", "served"] == 25.0
    assert r.zones.loc["z2", "served"] == pytest.approx(25.0 / 30.0)


def test_p_median_by_hand(small: dict) -> None:
    # One site, reach 5, a zone out of reach costs 50: library 10*5 + 20*5 + (30+40)*50 = 3650;
    # surgery reaches only z2 (at 0): (10+20+40)*50 = 3500; centre only z3: (10+20+30)*50 = 3000.
    r = plan.p_median(small["reach"], "people", 1, unreached_cost=50.0)
    assert list(r.selected.index) == ["centre"] and r.objective == 3000.0
    assert r.bound <= r.objective


def test_bad_input_is_named(small: dict) -> None:
    with pytest.raises(furthest.InputError, match="not among the sites"):
        plan.maximal_covering(small["reach"], "people", 1, fixed=["nowhere"])
    with pytest.raises(furthest.InputError, match="waves add up to 3"):
        plan.maximal_covering(small["reach"], "people", 2, waves=[1, 2])
    with pytest.raises(furthest.InputError, match="only 2 candidate sites"):
        plan.p_median(small["reach"], "people", 3, fixed=["library"])
    with pytest.raises(TypeError):
        plan.p_median(small["reach"], "people")


# ---- Leeds against spopt -----------------------------------------------------------------------


def _solver():
    import pulp

    if "HiGHS" in pulp.listSolvers(onlyAvailable=True):
        return pulp.HiGHS(msg=False)
    return pulp.PULP_CBC_CMD(msg=False)


@pytest.fixture(scope="module")
def leeds(shared_data: Path) -> dict:
    lsoas = gpd.read_file(shared_data / "boundaries" / "leeds_lsoa2021_bsc.geojson")
    centroids = pd.read_csv(shared_data / "lookups" / "lsoa21_population_weighted_centroids_ew_epsg27700.csv")
    centroids = centroids[centroids["lsoa21_code"].isin(lsoas["lsoa21_code"])].set_index("lsoa21_code").sort_index()
    population = pd.read_csv(shared_data / "population" / "census2021_lsoa21_age6_usual_residents_ew.csv")
    people = population.set_index("lsoa21_code")["total_usual_residents"].reindex(centroids.index).astype(float)
    zones = gpd.GeoDataFrame(
        {"people": people},
        geometry=gpd.points_from_xy(centroids["x_bng"], centroids["y_bng"]),
        index=centroids.index,
        crs=27700,
    )
    gps = pd.read_csv(shared_data / "points" / "leeds_gp_practices_pcn_2020-09.csv")
    libraries = pd.read_csv(shared_data / "points" / "leeds_libraries_2023.csv")
    libraries = libraries[libraries["Year closed"].isna() & libraries["lat"].notna()]
    candidates = pd.concat(
        [
            pd.DataFrame({"name": gps["PRACTICE_NAME"], "kind": "gp", "lat": gps["lat"], "lon": gps["lon"]}).set_index(
                "GP " + gps["PRACTICE_CODE"]
            ),
            pd.DataFrame(
                {"name": libraries["Library name"], "kind": "library", "lat": libraries["lat"], "lon": libraries["lon"]}
            ).set_index("Library " + libraries["Library name"]),
        ]
    )
    sites = gpd.GeoDataFrame(candidates, geometry=gpd.points_from_xy(candidates["lon"], candidates["lat"]), crs=4326).to_crs(
        27700
    )
    assert len(zones) == 488 and people.notna().all() and sites.index.is_unique and len(sites) > 120
    dx = sites.geometry.x.to_numpy()[None, :] - zones.geometry.x.to_numpy()[:, None]
    dy = sites.geometry.y.to_numpy()[None, :] - zones.geometry.y.to_numpy()[:, None]
    return {"zones": zones, "sites": sites, "distance": np.sqrt(dx * dx + dy * dy)}


@pytest.mark.realdata
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(("p", "with_libraries"), [(5, False), (10, True)])
def test_leeds_maximal_covering_matches_spopt(leeds: dict, p: int, with_libraries: bool) -> None:
    from spopt.locate import MCLP

    zones, sites = leeds["zones"], leeds["sites"]
    fixed = (sites["kind"] == "library") if with_libraries else None
    reach = access.interaction(zones, sites, max_distance=RADIUS)
    ours = plan.maximal_covering(reach, "people", p, fixed=fixed)
    predefined = None if fixed is None else fixed.to_numpy().astype(int)
    mclp = MCLP.from_cost_matrix(
        leeds["distance"],
        zones["people"].to_numpy(),
        service_radius=RADIUS,
        p_facilities=p + (0 if fixed is None else int(fixed.sum())),
        predefined_facilities_arr=predefined,
    ).solve(_solver())
    chosen = np.array([bool(v.value() and v.value() > 0.5) for v in mclp.fac_vars])
    theirs = float(zones["people"].to_numpy()[(leeds["distance"][:, chosen] <= RADIUS).any(axis=1)].sum())
    assert ours.objective >= 0.99 * theirs
    assert ours.objective <= theirs + 1e-6  # spopt's is the optimum
    assert ours.bound >= theirs - 1e-6  # our bound holds against it
    # The objective is what the chosen sites cover, by brute force.
    open_ = ours.sites["selected"].to_numpy()
    assert ours.objective == pytest.approx(
        zones["people"].to_numpy()[(leeds["distance"][:, open_] <= RADIUS).any(axis=1)].sum(), rel=1e-12
    )
    if fixed is not None:
        assert (ours.sites.loc[fixed, "wave"] == 0).all()


@pytest.mark.realdata
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP warns once per variable
def test_leeds_p_median_matches_spopt(leeds: dict) -> None:
    from spopt.locate import PMedian

    # Which 6 of the open libraries: spopt's dense model of all 132 candidates takes ~30 s to
    # build and solve here, of the libraries a few seconds.
    libraries = (leeds["sites"]["kind"] == "library").to_numpy()
    zones, sites, distance = leeds["zones"], leeds["sites"][libraries], leeds["distance"][:, libraries]
    p = 6
    # A reach wider than Leeds: every pair is in the matrix, as in spopt's dense model.
    reach = access.interaction(zones, sites, max_distance=100_000.0)
    assert reach.matrix.pairs == distance.size
    ours = plan.p_median(reach, "people", p)
    pm = PMedian.from_cost_matrix(distance, zones["people"].to_numpy(), p_facilities=p).solve(_solver())
    chosen = np.array([bool(v.value() and v.value() > 0.5) for v in pm.fac_vars])
    theirs = float((zones["people"].to_numpy() * distance[:, chosen].min(axis=1)).sum())
    assert ours.objective <= 1.01 * theirs
    assert ours.objective >= theirs * (1 - 1e-9)
    assert ours.bound <= theirs * (1 + 1e-9)
    open_ = ours.sites["selected"].to_numpy()
    assert ours.objective == pytest.approx((zones["people"].to_numpy() * distance[:, open_].min(axis=1)).sum())
    # Each zone is served by its nearest open site.
    nearest = sites.index[np.flatnonzero(open_)[distance[:, open_].argmin(axis=1)]]
    assert (ours.zones["site"].to_numpy() == nearest.to_numpy()).all()


@pytest.mark.realdata
def test_leeds_waves_add_sites_around_libraries(leeds: dict) -> None:
    zones, sites = leeds["zones"], leeds["sites"]
    reach = access.interaction(zones, sites, max_distance=RADIUS)
    libraries = sites.index[sites["kind"] == "library"]
    waved = plan.maximal_covering(reach, "people", waves=[2, 3], fixed=libraries)
    assert (waved.sites["wave"] == 1).sum() == 2 and (waved.sites["wave"] == 2).sum() == 3
    assert waved.wave_objective[0] < waved.wave_objective[1] == waved.objective
    # Waves constrain the choice, so one wave of five does at least as well; the same bound holds.
    once = plan.maximal_covering(reach, "people", 5, fixed=libraries)
    assert once.objective >= waved.objective
    assert waved.bound >= once.objective - 1e-6
    # Determinism: the same call gives the same sites.
    again = plan.maximal_covering(reach, "people", waves=[2, 3], fixed=libraries)
    assert again.sites["wave"].equals(waved.sites["wave"])
