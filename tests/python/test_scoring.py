"""furthest.score: answers checkable by hand, and against NumPy, pandas and mapclassify on real data."""

from __future__ import annotations

import copy
import os
import signal
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest

import furthest

IMD_DOMAINS = {
    "Income": 0.225,
    "Employment": 0.225,
    "Education": 0.135,
    "Health": 0.135,
    "Crime": 0.093,
    "Housing_and_Services": 0.093,
    "Environment": 0.093,
}


def small() -> pd.DataFrame:
    return pd.DataFrame(
        {"income": [10.0, 20.0, 30.0, 40.0], "broadband": [80.0, 20.0, 50.0, 40.0], "lcp": ["A", "A", "B", "B"]},
        index=pd.Index(["E01", "E02", "E03", "E04"], name="lsoa"),
    )


def test_min_max_by_hand_with_contributions_on_the_same_index():
    spec = {
        "normalise": "min_max",
        "indicators": [
            {"name": "income", "weight": 3},
            {"name": "bb", "column": "broadband", "direction": "lower_is_more_need", "weight": 1},
        ],
    }
    out = furthest.score(small(), spec)
    assert list(out.index) == ["E01", "E02", "E03", "E04"]
    # income 0, 1/3, 2/3, 1; broadband reversed: (80 - x) / 60 = 0, 1, 0.5, 2/3.
    expected = 0.75 * np.array([0, 1 / 3, 2 / 3, 1]) + 0.25 * np.array([0, 1, 0.5, 2 / 3])
    np.testing.assert_allclose(out["score"], expected, atol=1e-12)
    assert list(out["rank"]) == [4, 3, 2, 1]
    np.testing.assert_allclose(out["contribution_income"] + out["contribution_bb"], out["score"], atol=1e-12)
    np.testing.assert_allclose(out["normalised_bb"], [0, 1, 0.5, 2 / 3], atol=1e-12)
    method = out.attrs["scoring"]
    assert method.weights.loc["income", "effective_weight"] == pytest.approx(0.75)
    assert "reversed: bb" in furthest.method_summary(out)


def test_areas_give_within_area_ranks_beside_national_ones():
    spec = {"normalise": "min_max", "reference": "area", "indicators": [{"name": "income"}]}
    out = furthest.score(small(), spec, areas="lcp")
    # Within each LCP min-max gives 0 and 1; nationally income ranks 4, 3, 2, 1.
    np.testing.assert_allclose(out["score"], [0, 1, 0, 1])
    assert list(out["rank_in_area"]) == [2, 1, 2, 1]
    assert list(out["rank_all_zones"]) == [4, 3, 2, 1]
    assert list(out["area"]) == ["A", "A", "B", "B"]


def test_missing_values_are_reported_with_the_callers_labels():
    df = small()
    df.loc["E02", "income"] = np.nan
    with pytest.raises(furthest.InputError, match="E02"):
        furthest.score(df, [{"name": "income"}])
    dropped = furthest.score(df, [{"name": "income", "missing": "drop"}])
    assert pd.isna(dropped.loc["E02", "rank"]) and np.isnan(dropped.loc["E02", "score"])
    assert list(dropped.attrs["scoring"].dropped) == ["E02"]
    imputed = furthest.score(df, {"normalise": "none", "indicators": [{"name": "income", "missing": "mean"}]})
    assert imputed.loc["E02", "score"] == pytest.approx((10 + 30 + 40) / 3)
    assert list(imputed.attrs["scoring"].missing[0]["zones"]) == ["E02"]


def test_bad_specs_name_what_is_wrong():
    with pytest.raises(furthest.ConfigError, match="did you mean 'broadband'"):
        furthest.score(small(), [{"name": "broadbnd"}])
    with pytest.raises(furthest.ConfigError, match="did you mean 'normalise'"):
        furthest.score(small(), {"normalize": "z_score", "indicators": [{"name": "income"}]})
    with pytest.raises(furthest.ConfigError, match="transform"):
        furthest.score(small(), [{"name": "income", "transform": "sqrt"}])
    with pytest.raises(furthest.InputError, match="non-numeric"):
        furthest.score(small(), [{"name": "lcp"}])
    with pytest.raises(furthest.ConfigError, match="'draws' .* is 1000000000; expected a whole number from 0 to 1,000,000"):
        furthest.score(small(), {"indicators": [{"name": "income"}], "uncertainty": {"draws": 10**9}})


def test_spec_classes_build_the_same_dict():
    spec = [furthest.Indicator("income", weight=2), furthest.Indicator("bb", column="broadband", direction="lower_is_more_need")]
    a = furthest.score(small(), spec)
    b = furthest.score(
        small(), [{"name": "income", "weight": 2}, {"name": "bb", "column": "broadband", "direction": "lower_is_more_need"}]
    )
    pd.testing.assert_frame_equal(a, b)


def test_pca_weights_agree_with_numpy_svd():
    rng = np.random.default_rng(3)
    base = rng.normal(size=(200, 1))
    df = pd.DataFrame(base + rng.normal(scale=[0.3, 0.6, 1.0, 2.0], size=(200, 4)), columns=list("abcd"))
    out = furthest.score(df, {"weighting": "pca", "pca_components": 2, "indicators": [{"name": c} for c in "abcd"]})
    z = (df - df.mean()) / df.std(ddof=1)
    _, s, vt = np.linalg.svd(z.to_numpy(), full_matrices=False)
    eig = s**2 / (len(df) - 1)
    expected = (eig[:2, None] * vt[:2] ** 2).sum(axis=0) / eig[:2].sum()
    method = out.attrs["scoring"]
    np.testing.assert_allclose(method.weights["effective_weight"], expected, atol=1e-10)
    np.testing.assert_allclose(method.pca[0]["explained"], eig / eig.sum(), atol=1e-10)


def test_classes_equal_mapclassify_on_small_data():
    mapclassify = pytest.importorskip("mapclassify")
    y = np.random.default_rng(7).gamma(2.0, 3.0, size=80)  # mapclassify's pure-Python Jenks is O(k n^2)
    assert furthest.scoring.class_breaks(y, "fisher_jenks", 5) == pytest.approx(list(mapclassify.FisherJenks(y, k=5).bins))
    assert furthest.scoring.class_breaks(y, "quantiles", 5) == pytest.approx(list(mapclassify.Quantiles(y, k=5).bins))
    assert furthest.scoring.class_breaks(y, "equal_interval", 4) == pytest.approx(list(mapclassify.EqualInterval(y, k=4).bins))


def _uncertain_spec():
    return {
        "indicators": [{"name": "a", "weight": 2}, {"name": "b"}, {"name": "c", "direction": "lower_is_more_need"}],
        "uncertainty": {
            "draws": 400,
            "weights": "percent",
            "percent": 30,
            "normalisations": ["z_score", "min_max"],
            "drop_one": True,
            "keep_draws": True,
            "batch": 50,
        },
        "top_n_in_area": 3,
    }


def _uncertain_frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    df = pd.DataFrame(rng.normal(size=(25, 3)), columns=list("abc"))
    df["area"] = np.arange(25) % 3
    return df


def test_monte_carlo_is_seeded_identical_for_one_or_two_threads_and_streams_exact_quantiles():
    df = _uncertain_frame()
    one = furthest.score(df, _uncertain_spec(), areas="area", seed=5, threads=1)
    two = furthest.score(df, _uncertain_spec(), areas="area", seed=5, threads=2)
    pd.testing.assert_frame_equal(one, two)
    other_seed = furthest.score(df, _uncertain_spec(), areas="area", seed=6, threads=1)
    assert not np.array_equal(other_seed.attrs["scoring"].kept_ranks, one.attrs["scoring"].kept_ranks)
    kept = one.attrs["scoring"].kept_ranks
    assert kept.shape == (25, 400)
    # Fewer than 32 zones: every rank offset has its own bucket, so streamed = stored quantiles.
    for p, column in [(0.05, "rank_p05"), (0.5, "rank_median"), (0.95, "rank_p95")]:
        np.testing.assert_array_equal(one[column], np.quantile(kept, p, axis=1, method="inverted_cdf"))
    np.testing.assert_allclose(one["p_top_decile"], (kept * 10 <= 25).mean(axis=1))
    # Top 3 of its area: rank within area per draw from the kept national ranks.
    area = df["area"].to_numpy()
    within = np.zeros_like(kept)
    for a in range(3):
        rows = np.flatnonzero(area == a)
        within[rows] = kept[rows].argsort(axis=0).argsort(axis=0) + 1
    np.testing.assert_allclose(one["p_top_n_in_area"], (within <= 3).mean(axis=1))
    assert set(one["most_influential"].dropna()) <= set(one.attrs["scoring"].factors)


def test_input_noise_from_a_column_of_standard_errors():
    df = _uncertain_frame()
    df["a_se"] = 0.3
    spec = {
        "indicators": [{"name": "a", "standard_error": "a_se"}, {"name": "b"}, {"name": "c", "standard_error": 0.1}],
        "uncertainty": {"draws": 120, "weights": "none", "keep_draws": True},
    }
    one = furthest.score(df, spec, seed=3, threads=1)
    two = furthest.score(df, spec, seed=3, threads=2)
    pd.testing.assert_frame_equal(one, two)
    factors = one.attrs["scoring"].factors
    assert factors == ["noise in 'a' (1 standard error)", "noise in 'c' (1 standard error)"]
    # Noise moves ranks: not every draw ranks the zones as the nominal index does.
    kept = one.attrs["scoring"].kept_ranks
    assert (kept != one["rank"].to_numpy(dtype=np.int32)[:, None]).any()
    assert "standard error" in furthest.method_summary(one)


def test_attrs_are_shared_not_deep_copied():
    out = furthest.score(small(), [{"name": "income"}])
    assert copy.deepcopy(out).attrs["scoring"] is out.attrs["scoring"]


# ---- real data ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imd2025(shared_data) -> pd.DataFrame:
    return pd.read_csv(shared_data / "deprivation" / "imd2025_england_lsoa21.csv", index_col="lsoa21_code")


@pytest.fixture(scope="module")
def lad23(shared_data) -> pd.Series:
    lookup = pd.read_csv(shared_data / "lookups" / "lsoa21_lad23_lookup_ew.csv", encoding="utf-8-sig", index_col="LSOA21CD")
    return lookup["LAD23CD"]


def _imd_spec(column: str) -> dict:
    return {
        "normalise": "none",
        "indicators": [
            {"name": d, "column": column.format(d), "direction": "lower_is_more_need", "domain": d} for d in IMD_DOMAINS
        ],
        "domains": [{"name": d, "weight": w, "transform": "imd_exponential"} for d, w in IMD_DOMAINS.items()],
    }


@pytest.mark.realdata
def test_reproduces_the_imd_2025_from_its_domain_ranks(imd2025):
    out = furthest.score(imd2025, _imd_spec("{}_rank"))
    assert len(out) == 33755
    # The IoD's weights add up to 99.9%; a weighted mean re-scales them to 100%.
    np.testing.assert_allclose(out["score"] * 0.999, imd2025["IMD_score"], atol=1e-3)
    np.testing.assert_array_equal(out["rank"].astype(int), imd2025["IMD_rank"])
    np.testing.assert_array_equal(out["decile"].astype(int), imd2025["IMD_decile"])
    np.testing.assert_allclose(out.filter(like="contribution_").sum(axis=1), out["score"], atol=1e-9)


@pytest.mark.realdata
def test_reproduces_the_imd_2019_on_2011_lsoas(shared_data):
    domains = pd.read_csv(
        shared_data / "deprivation" / "File_2_-_IoD2019_Domains_of_Deprivation.csv", encoding="utf-8-sig", index_col=0
    )
    names = {
        "Income": "Income",
        "Employment": "Employment",
        "Education": "Education, Skills and Training",
        "Health": "Health Deprivation and Disability",
        "Crime": "Crime",
        "Housing_and_Services": "Barriers to Housing and Services",
        "Environment": "Living Environment",
    }
    renamed = domains.rename(columns={f"{v} Rank (where 1 is most deprived)": f"{k}_rank" for k, v in names.items()})
    out = furthest.score(renamed, _imd_spec("{}_rank"))
    published = domains["Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"]
    # Published 2019 ranks break ties of rounded scores; ours agree within one place.
    assert (out["rank"].astype(int) - published).abs().max() <= 1
    assert (out["rank"].astype(int) == published).mean() > 0.998


@pytest.mark.realdata
def test_pca_on_imd_domains_agrees_with_numpy_svd(imd2025):
    columns = [f"{d}_score" for d in IMD_DOMAINS]
    out = furthest.score(imd2025, {"weighting": "pca", "indicators": [{"name": c} for c in columns]})
    z = imd2025[columns]
    z = (z - z.mean()) / z.std(ddof=1)
    _, s, vt = np.linalg.svd(z.to_numpy(), full_matrices=False)
    np.testing.assert_allclose(out.attrs["scoring"].weights["effective_weight"], vt[0] ** 2, atol=1e-9)
    eig = s**2 / (len(z) - 1)
    np.testing.assert_allclose(out.attrs["scoring"].pca[0]["eigenvalues"], eig, rtol=1e-9)


@pytest.mark.realdata
def test_within_area_min_max_equals_a_pandas_groupby(imd2025, lad23):
    columns = ["Income_score", "Health_score", "Environment_score"]
    spec = {"normalise": "min_max", "reference": "area", "indicators": [{"name": c} for c in columns]}
    areas = lad23.reindex(imd2025.index)
    out = furthest.score(imd2025, spec, areas=areas)
    grouped = imd2025[columns].groupby(areas)
    expected = (imd2025[columns] - grouped.transform("min")) / (grouped.transform("max") - grouped.transform("min"))
    for c in columns:
        spread = expected[c].notna()  # pandas gives 0/0 in an area with one zone (Isles of Scilly)
        np.testing.assert_allclose(out.loc[spread, f"normalised_{c}"], expected.loc[spread, c], atol=1e-12)
        assert (out.loc[~spread, f"normalised_{c}"] == 0.5).all()  # no spread: mid-scale, and warned
    np.testing.assert_allclose(out.filter(like="contribution_").sum(axis=1), out["score"], atol=1e-12)
    assert (out["rank_in_area"] <= out["zones_in_area"]).all()


@pytest.mark.realdata
def test_fisher_jenks_breaks_equal_mapclassify_on_leeds(shared_data):
    mapclassify = pytest.importorskip("mapclassify")
    leeds = pd.read_csv(shared_data / "leeds_lsoa21_needs_inputs.csv", index_col="lsoa21_code")
    out = furthest.score(
        leeds, {"indicators": [{"name": "imd25_score"}], "normalise": "none", "classes": {"method": "fisher_jenks", "k": 5}}
    )
    expected = mapclassify.FisherJenks(leeds["imd25_score"].to_numpy(), k=5)
    assert out.attrs["scoring"].class_breaks == pytest.approx(list(expected.bins))
    np.testing.assert_array_equal(out["score_class"].astype(int), expected.yb + 1)


@pytest.mark.realdata
def test_rank_intervals_for_every_lsoa_in_england(imd2025, lad23):
    spec = _imd_spec("{}_rank")
    spec["uncertainty"] = {"draws": 256, "concentration": 50, "drop_one": True}
    out = furthest.score(imd2025, spec, areas=lad23.reindex(imd2025.index), seed=1, threads=2)
    single = furthest.score(imd2025, spec, areas=lad23.reindex(imd2025.index), seed=1, threads=1)
    pd.testing.assert_frame_equal(out, single)
    assert (out["rank_p05"] <= out["rank_median"]).all() and (out["rank_median"] <= out["rank_p95"]).all()
    inside = (out["rank_p05"] <= out["rank"].astype(float)) & (out["rank"].astype(float) <= out["rank_p95"])
    assert inside.mean() > 0.9
    # The most deprived LSOA in England stays in the top decile in every draw.
    assert out.loc[out["rank"] == 1, "p_top_decile"].iloc[0] == 1.0
    assert out["most_influential"].notna().all()


def test_columns_are_the_shared_vocabulary_with_meanings():
    assert furthest.COLUMNS["score_class"].startswith("Map class")
    assert "opposite to decile" in furthest.COLUMNS["score_class"]
    with pytest.raises(TypeError):
        furthest.COLUMNS["score"] = "changed"  # read-only
    df = _uncertain_frame()
    out = furthest.score(df, _uncertain_spec(), areas="area", seed=5, threads=1)
    prefixes = [name for name in furthest.COLUMNS if name.endswith("_")]
    for column in out.columns:
        assert column in furthest.COLUMNS or any(column.startswith(p) for p in prefixes), column
    for old in ["map_class", "median_rank", "mean_rank", "national_rank", "national_decile", "area_reference_score"]:
        assert old not in out.columns
    assert str(out["rank"].dtype) == "Int64"


def test_dropped_zones_keep_blank_nullable_ranks():
    df = small()
    df.loc["E02", "income"] = np.nan
    out = furthest.score(df, {"missing": "drop", "indicators": [{"name": "income"}, {"name": "broadband"}]}, areas="lcp")
    assert out.index.equals(df.index)
    for column in ["rank", "decile", "quintile", "score_class", "rank_in_area", "rank_all_zones"]:
        assert str(out[column].dtype) == "Int64", column
        assert out[column].isna().tolist() == [False, True, False, False], column


def test_explicit_weights_not_summing_to_one_are_reported():
    out = furthest.score(small(), [{"name": "income", "weight": 2}, {"name": "broadband", "weight": 1}])
    method = out.attrs["scoring"]
    assert method.weights["effective_weight"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert any("sum to 3, not 1" in w for w in method.warnings)
    assert "given as income 2 and broadband 1" in method.summary


def test_progress_is_reported_as_draws_go():
    seen = []
    furthest.score(_uncertain_frame(), _uncertain_spec(), seed=1, progress=lambda step, fraction: seen.append((step, fraction)))
    fractions = [f for step, f in seen if step == "uncertainty draws"]
    assert fractions and fractions[-1] == 1.0 and fractions == sorted(fractions)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to oneself is POSIX")
def test_ctrl_c_stops_a_million_draws_within_about_a_second():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(33755, 3)), columns=list("abc"))
    spec = {"indicators": [{"name": c} for c in "abc"], "uncertainty": {"normalisations": ["z_score", "percentile_rank"]}}
    sent = []
    timer = threading.Timer(0.5, lambda: (sent.append(time.monotonic()), os.kill(os.getpid(), signal.SIGINT)))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            furthest.score(df, spec, draws=10**6, seed=1, threads=2)
        stopped = time.monotonic()
    finally:
        timer.cancel()
    assert sent, "the scoring finished before the interrupt"
    assert stopped - sent[0] < 2.0
