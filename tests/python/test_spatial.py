"""Spatial weights and local statistics against libpysal and esda on the Leeds LSOAs (IMD 2025 score)."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import furthest
from furthest import spatial

esda = pytest.importorskip("esda")
libpysal = pytest.importorskip("libpysal")

PERMUTATIONS = 999


@pytest.fixture(scope="module")
def leeds(shared_data) -> gpd.GeoDataFrame:
    zones = gpd.read_file(shared_data / "boundaries" / "leeds_lsoa2021_bsc.geojson")
    imd = pd.read_csv(shared_data / "deprivation" / "imd2025_england_lsoa21.csv", usecols=["lsoa21_code", "IMD_score"])
    zones = zones.merge(imd, on="lsoa21_code", how="left", validate="one_to_one")
    assert len(zones) == 488 and zones["IMD_score"].notna().all()
    return zones.set_index("lsoa21_code")


def _libpysal(kind: str, frame: gpd.GeoDataFrame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cls = libpysal.weights.Queen if kind == "queen" else libpysal.weights.Rook
        return cls.from_dataframe(frame.reset_index(drop=True), use_index=False)


@pytest.mark.realdata
@pytest.mark.parametrize("kind", ["queen", "rook"])
def test_contiguity_equals_libpysal(leeds, kind):
    ours = spatial.weights(leeds, kind, threads=2).positions()
    theirs = _libpysal(kind, leeds)
    assert len(ours) == theirs.n == len(leeds)
    assert {i: sorted(ours[i]) for i in ours} == {i: sorted(theirs.neighbors[i]) for i in range(theirs.n)}


@pytest.mark.realdata
def test_rook_is_within_queen(leeds):
    queen, rook = spatial.weights(leeds, "queen").positions(), spatial.weights(leeds, "rook").positions()
    assert all(set(rook[i]) <= set(queen[i]) for i in queen)
    assert sum(map(len, queen.values())) > sum(map(len, rook.values()))


def _esda_gi(y, w, transform, permutations, seed=7):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.G_Local(y, w, transform=transform, star=True, permutations=permutations, seed=seed, n_jobs=1)


def _esda_moran(y, w, transform, permutations, seed=7):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.Moran_Local(y, w, transformation=transform, permutations=permutations, seed=seed, n_jobs=1)


@pytest.mark.realdata
@pytest.mark.parametrize("transform", ["r", "b"])
def test_statistics_equal_esda(leeds, transform):
    w = spatial.weights(leeds, "queen")
    y = leeds["IMD_score"].to_numpy(dtype=float)
    gi = spatial.gi_star(leeds["IMD_score"], w, permutations=0, transform=transform)
    np.testing.assert_allclose(gi["gi_star"], _esda_gi(y, _libpysal("queen", leeds), transform.upper(), 0).Gs, rtol=0, atol=1e-9)
    moran = spatial.local_moran(leeds, w, column="IMD_score", permutations=0, transform=transform)
    theirs = _esda_moran(y, _libpysal("queen", leeds), transform, 0)
    np.testing.assert_allclose(moran["moran_i"], theirs.Is, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(moran["quadrant"], theirs.q)
    assert list(moran.index) == list(leeds.index)


def _two_sided(directed: np.ndarray) -> np.ndarray:
    # esda's default "directed" p is (min tail + 1) / (P + 1); the two-sided one doubles it (capped at 1).
    return np.minimum(1.0, 2.0 * np.asarray(directed))


@pytest.mark.realdata
def test_p_values_agree_with_esda_within_monte_carlo_error(leeds):
    w = spatial.weights(leeds, "queen")
    y = leeds["IMD_score"].to_numpy(dtype=float)
    gi = spatial.gi_star(leeds["IMD_score"], w, permutations=PERMUTATIONS, seed=11)
    moran = spatial.local_moran(leeds["IMD_score"], w, permutations=PERMUTATIONS, seed=11)
    pairs = [
        (gi["gi_p"].to_numpy(), _two_sided(_esda_gi(y, _libpysal("queen", leeds), "R", PERMUTATIONS).p_sim)),
        (moran["moran_p"].to_numpy(), _two_sided(_esda_moran(y, _libpysal("queen", leeds), "r", PERMUTATIONS).p_sim)),
    ]
    for ours, theirs in pairs:
        difference = np.abs(ours - theirs)
        # Two independent 999-permutation estimates of a two-sided p differ by at most ~0.045 sd.
        assert difference.mean() < 0.03
        assert np.quantile(difference, 0.99) < 0.15
        small = theirs < 0.01
        assert small.sum() > 50 and np.abs(ours[small] - theirs[small]).max() < 0.03
        assert np.corrcoef(ours, theirs)[0, 1] > 0.97
    assert gi.attrs["min_p"] == pytest.approx(2 / 1000)
    assert not gi.attrs["permutations_suffice"]  # FDR's first step, 0.05 / 488, is below 0.002
    assert set(gi["hot_cold"].unique()) <= {"hot", "cold", "not significant"}
    assert {"hot", "cold"} <= set(gi["hot_cold"].unique())


@pytest.mark.realdata
def test_results_identical_for_one_and_two_threads(leeds):
    w = spatial.weights(leeds, "rook")
    one = spatial.local_moran(leeds["IMD_score"], w, permutations=199, seed=3, threads=1)
    two = spatial.local_moran(leeds["IMD_score"], w, permutations=199, seed=3, threads=2)
    pd.testing.assert_frame_equal(one, two)


def _hand_bh(p: np.ndarray, alpha: float) -> np.ndarray:
    order = np.sort(p)
    passing = np.nonzero(order <= alpha * np.arange(1, len(p) + 1) / len(p))[0]
    return p <= order[passing[-1]] if len(passing) else np.zeros(len(p), dtype=bool)


def test_fdr_equals_hand_and_scipy():
    rng = np.random.default_rng(5)
    p = np.concatenate([rng.uniform(0, 0.01, 40), rng.uniform(0, 1, 400)])
    ours = spatial.fdr(pd.Series(p), 0.05)
    np.testing.assert_array_equal(ours.to_numpy(), _hand_bh(p, 0.05))
    stats = pytest.importorskip("scipy.stats")
    np.testing.assert_array_equal(ours.to_numpy(), stats.false_discovery_control(p, method="bh") <= 0.05)
    # Step-up, not step-down: p(2) fails its threshold but p(4) passes, so four are rejected.
    np.testing.assert_array_equal(spatial.fdr(np.array([0.2, 0.028, 0.005, 0.04, 0.025]), 0.05), [False, True, True, True, True])


def test_knn_and_distance_band_on_points():
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy([0, 1, 3, 6, 10], [0] * 5), crs=27700, index=list("abcde"))
    knn = spatial.weights(points, "knn", k=2)
    assert knn.positions()[2] == [0, 1]  # ties to the lower position
    band = spatial.weights(points, "distance", threshold=3)
    assert list(band.islands) == ["e"]
    with pytest.raises(furthest.InputError):
        spatial.weights(points.to_crs(4326), "knn", k=2)
    with pytest.raises(furthest.ConfigError):
        spatial.weights(points, "hexagons")
