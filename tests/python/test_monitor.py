"""furthest.monitor: the concentration index against NumPy from its definition, shares by group,
and the proof that no published cell reveals a suppressed count (an LP over the published
relations for random tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import furthest
from furthest import monitor


def _numpy_concentration(reach: np.ndarray, people: np.ndarray, need: np.ndarray) -> float:
    """C = 2 cov_w(h, r) / mean_w(h) from the definition (Kakwani, Wagstaff & van Doorslaer 1997):
    ties share the midpoint of their group's population share."""
    share = people / people.sum()
    rank = np.empty_like(share)
    before = 0.0
    for value in np.unique(need):  # ascending: most need first
        tied = need == value
        rank[tied] = before + share[tied].sum() / 2
        before += share[tied].sum()
    h = reach / people
    mean_h = np.sum(share * h)
    cov = np.sum(share * (h - mean_h) * (rank - np.sum(share * rank)))
    return 2 * cov / mean_h


def _zones(n: int, seed: int, ties: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    need = rng.integers(1, n // 3 + 2, n).astype(float) if ties else rng.permutation(n) + 1.0
    people = rng.uniform(800, 2500, n).round()
    # Reach falls with need rank on average: furthest first, imperfectly.
    reach = rng.poisson(30 * (1.5 - need / need.max()))
    index = pd.Index([f"E01{i:06d}" for i in range(n)], name="lsoa21_code")
    return pd.DataFrame({"reach": reach, "people": people, "need": need}, index=index)


@pytest.mark.parametrize("ties", [False, True])
def test_index_matches_numpy_from_the_definition_and_the_curve_numpy_cumsum(ties: bool) -> None:
    z = _zones(400, 5, ties)
    c = monitor.concentration_index(z["reach"], z["people"], z["need"], draws=0)
    expected = _numpy_concentration(z["reach"].to_numpy(float), z["people"].to_numpy(), z["need"].to_numpy())
    assert c.index == pytest.approx(expected, abs=1e-12)
    assert c.index < 0  # reach was built to concentrate where need is higher
    # The area form agrees: 1 - 2 x the trapezoid area under the curve.
    x, y = c.curve["population_share"].to_numpy(), c.curve["reach_share"].to_numpy()
    assert 1 - 2 * np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2) == pytest.approx(c.index, abs=1e-12)
    # The curve is the cumulative sum over need groups, most need first.
    grouped = z.groupby("need")[["people", "reach"]].sum().sort_index()
    np.testing.assert_allclose(x[1:], np.cumsum(grouped["people"]) / z["people"].sum(), atol=1e-12)
    np.testing.assert_allclose(y[1:], np.cumsum(grouped["reach"]) / z["reach"].sum(), atol=1e-12)
    assert (x[0], y[0]) == (0.0, 0.0)
    np.testing.assert_array_equal(c.curve["need_rank"].to_numpy()[1:], grouped.index.to_numpy())
    assert np.isnan(c.lower) and c.draws == 0


def test_series_are_aligned_on_the_zones_index() -> None:
    z = _zones(50, 2)
    shuffled = z.sample(frac=1, random_state=1)
    a = monitor.concentration_index(z["reach"], z["people"], z["need"], draws=0)
    b = monitor.concentration_index(z["reach"], shuffled["people"], shuffled["need"], draws=0)
    assert a.index == b.index
    assert a.fractional_rank.index.equals(z.index)
    with pytest.raises(furthest.InputError, match="population has no value for 1 zone"):
        monitor.concentration_index(z["reach"], z["people"].iloc[1:], z["need"], draws=0)


def test_bootstrap_interval_is_the_percentile_of_its_draws_and_the_same_for_any_thread_count() -> None:
    z = _zones(300, 9)
    one = monitor.concentration_index(z["reach"], z["people"], z["need"], draws=499, seed=3, level=0.9, threads=1)
    two = monitor.concentration_index(z["reach"], z["people"], z["need"], draws=499, seed=3, level=0.9, threads=2)
    np.testing.assert_array_equal(one.bootstrap, two.bootstrap)
    assert one.draws == 499 and one.undefined_draws == 0 and len(one.bootstrap) == 499
    lower, upper = np.quantile(one.bootstrap, [0.05, 0.95])
    assert one.interval == pytest.approx((lower, upper), abs=1e-14)
    assert one.lower < one.index < one.upper
    other = monitor.concentration_index(z["reach"], z["people"], z["need"], draws=499, seed=4)
    assert not np.array_equal(other.bootstrap, one.bootstrap)


def test_bad_input_names_the_zone() -> None:
    z = _zones(10, 1)
    people = z["people"].copy()
    people.iloc[3] = np.nan
    with pytest.raises(furthest.InputError, match="zone 'E01000003' has population NaN"):
        monitor.concentration_index(z["reach"], people, z["need"])
    with pytest.raises(furthest.InputError, match="no reach at all"):
        monitor.concentration_index(z["reach"] * 0, z["people"], z["need"])
    with pytest.raises(furthest.InputError, match="has reach -1"):
        monitor.concentration_index(z["reach"].where(z.index != "E01000002", -1), z["people"], z["need"])
    with pytest.raises(furthest.InputError, match="3 zones with reach but 4 population"):
        monitor.concentration_index(np.ones(3), np.ones(4), np.arange(3.0))


def test_top_decile_and_waves_against_their_share_of_people() -> None:
    z = _zones(1000, 4)
    decile = monitor.need_groups(z["people"], z["need"], 10)
    assert decile.min() == 1 and decile.max() == 10
    # Most need is decile 1 and holds about a tenth of the people.
    assert decile[z["need"].idxmin()] == 1
    shares = monitor.share_to_groups(z["reach"], z["people"], decile)
    top = shares.loc[1]
    assert top["population_share"] == pytest.approx(0.1, abs=0.01)
    in_top = decile == 1
    assert top["reach_share"] == pytest.approx(z["reach"][in_top].sum() / z["reach"].sum())
    assert top["ratio"] == pytest.approx(top["reach_share"] / top["population_share"])
    assert top["ratio"] > 1  # furthest first: the top decile gets more than its share of people
    # Per rollout wave, zones outside the plan counted in the totals only.
    wave = pd.Series(np.where(z["need"] <= 300, "wave 1", np.where(z["need"] <= 600, "wave 2", None)), index=z.index)
    by_wave = monitor.share_to_groups(z["reach"], z["people"], wave)
    assert list(by_wave.index) == ["wave 1", "wave 2"]
    outside = z["need"] > 600
    assert by_wave.attrs["ungrouped_reach"] == z["reach"][outside].sum()
    assert by_wave["population_share"].sum() + z["people"][outside].sum() / z["people"].sum() == pytest.approx(1)


def test_concentration_per_wave_ranks_each_wave_among_itself() -> None:
    z = _zones(200, 8)
    wave = pd.Series(np.where(z["need"] <= 100, 1, 2), index=z.index, name="wave")
    per_wave = monitor.concentration_by_group(z["reach"], z["people"], z["need"], wave, draws=99, seed=2)
    assert list(per_wave.index) == [1, 2] and per_wave.index.name == "wave"
    first = z[wave == 1]
    alone = monitor.concentration_index(first["reach"], first["people"], first["need"], draws=99, seed=2)
    assert per_wave.loc[1, "index"] == alone.index and per_wave.loc[1, "upper"] == alone.upper
    assert per_wave["zones"].sum() == 200 and per_wave.loc[1, "reach"] == first["reach"].sum()


# ---- disclosure control ---------------------------------------------------------------


def test_suppress_publishes_a_frame_with_totals_and_na_for_suppressed_counts() -> None:
    table = pd.DataFrame(
        [[2, 10, 20], [15, 3, 30], [40, 50, 60]],
        index=pd.Index(["LCP A", "LCP B", "LCP C"], name="area"),
        columns=pd.Index(["2025-01", "2025-02", "2025-03"], name="month"),
    )
    t = monitor.suppress(table, threshold=5)
    assert list(t.published.index) == ["LCP A", "LCP B", "LCP C", "Total"]
    assert str(t.published.dtypes.iloc[0]) == "Int64"
    assert t.published.loc["LCP A", "2025-03"] == 20
    assert t.published.loc["Total", "Total"] == 230
    assert pd.isna(t.published.loc["LCP A", "2025-01"]) and pd.isna(t.published.loc["LCP B", "2025-01"])
    assert t.status.loc["LCP A", "2025-01"] == "primary"
    assert t.status.loc["LCP A", "2025-02"] == "secondary"
    assert t.mask.to_numpy().sum() == 4
    assert t.counts["primary_cells"] == 2 and t.counts["secondary_cells"] == 2 and t.counts["threshold"] == 5
    assert set(t.suppressed["reason"]) == {"primary", "secondary"}
    plain = monitor.suppress(table, margins=False)
    assert plain.published.shape == (3, 3) and plain.counts["secondary_cells"] == 0
    with pytest.raises(furthest.InputError, match="row 'LCP B', column '2025-02'"):
        monitor.suppress(table.astype(float).where(table != 3, np.nan))


def _extended(counts: np.ndarray) -> np.ndarray:
    rows, columns = counts.shape
    full = np.zeros((rows + 1, columns + 1))
    full[:rows, :columns] = counts
    full[:rows, columns] = counts.sum(axis=1)
    full[rows, :columns] = counts.sum(axis=0)
    full[rows, columns] = counts.sum()
    return full


def _feasible_ranges(published: np.ndarray) -> dict[tuple[int, int], tuple[float, float]]:
    """For each suppressed (NaN) cell of a published table with margins, the smallest and largest
    value any table of non-negative numbers agreeing with everything published allows (LP)."""
    rows, columns = published.shape
    unknown = [tuple(map(int, ij)) for ij in np.argwhere(np.isnan(published))]
    at = {cell: k for k, cell in enumerate(unknown)}
    equations, rhs = [], []
    relations = [[(i, j) for j in range(columns - 1)] + [(i, columns - 1)] for i in range(rows)]
    relations += [[(i, j) for i in range(rows - 1)] + [(rows - 1, j)] for j in range(columns)]
    for cells in relations:  # the inner cells minus the total = 0
        row, b = np.zeros(len(unknown)), 0.0
        for k, cell in enumerate(cells):
            sign = -1.0 if k == len(cells) - 1 else 1.0
            if cell in at:
                row[at[cell]] += sign
            else:
                b -= sign * published[cell]
        if row.any():
            equations.append(row)
            rhs.append(b)
    ranges = {}
    for cell, k in at.items():
        objective = np.zeros(len(unknown))
        objective[k] = 1.0
        ends = []
        for direction in (1.0, -1.0):
            result = linprog(
                direction * objective,
                A_eq=np.array(equations) if equations else None,
                b_eq=np.array(rhs) if rhs else None,
                bounds=[(0, None)] * len(unknown),
                method="highs",
            )
            if result.status == 3:  # unbounded: the maximum can be anything
                ends.append(np.inf)
            else:
                assert result.status == 0, result.message
                ends.append(direction * result.fun)
        ranges[cell] = (ends[0], ends[1])
    return ranges


_counts = st.one_of(
    st.integers(0, 6),  # small counts: most suppressed
    st.integers(0, 30),
    st.sampled_from([0, 1, 2, 3, 4, 5, 8, 13, 40, 120]),
)


@st.composite
def _tables(draw: st.DrawFn) -> np.ndarray:
    rows, columns = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    return np.array(draw(st.lists(_counts, min_size=rows * columns, max_size=rows * columns))).reshape(rows, columns)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=_tables(), threshold=st.sampled_from([3, 5, 10]), zeros=st.sampled_from(["publish", "suppress"]))
def test_no_published_cell_reveals_a_suppressed_count(counts: np.ndarray, threshold: int, zeros: str) -> None:
    """The proof: (a) each published count is >= threshold, or a zero when zeros are published;
    (b) no row or column (margins included) holds exactly one suppressed cell; (c) for every
    suppressed cell, the LP over the published relations (cells >= 0) leaves a range of positive
    width that contains the true count, so no suppressed count can be recovered exactly."""
    t = monitor.suppress(pd.DataFrame(counts), threshold=threshold, zeros=zeros)
    truth = _extended(counts.astype(float))
    published = t.published.to_numpy(dtype=float, na_value=np.nan)
    suppressed = np.isnan(published)
    np.testing.assert_array_equal(suppressed, t.mask.to_numpy())
    shown = truth[~suppressed]
    assert np.all((shown >= threshold) | ((shown == 0) & (zeros == "publish")))  # (a)
    np.testing.assert_array_equal(published[~suppressed], shown)
    assert 1 not in suppressed.sum(axis=0) and 1 not in suppressed.sum(axis=1)  # (b)
    for (i, j), (low, high) in _feasible_ranges(published).items():  # (c)
        assert low - 1e-7 <= truth[i, j] <= high + 1e-7
        assert high - low > 1e-6, f"cell {(i, j)} = {truth[i, j]} is pinned to [{low}, {high}]\n{t.published}"


# ---- linked tables: zones x periods and areas x periods -------------------------------


def _published(t: monitor.SuppressedTable) -> np.ndarray:
    return t.published.to_numpy(dtype=float, na_value=np.nan)


def _combined_ranges(
    counts: np.ndarray, area: np.ndarray, zones: np.ndarray, areas: np.ndarray
) -> dict[tuple[str, int, int], tuple[float, float, float]]:
    """The LP audit of both tables together. Variables: the zone x period cells, >= 0. Published:
    every value of the zones table (cells, zone totals, period totals, grand total) and of the
    areas table (area cells, area totals, and the same period totals), each a sum of cells, as
    equalities. For each suppressed value: (true value, smallest, largest) over all tables of
    counts >= 0 that agree with everything published."""
    n_zones, periods = counts.shape
    n_areas = areas.shape[0] - 1
    functionals = []  # (name, coefficients over the cells, published value or NaN)

    def add(table: str, i: int, j: int, rows: np.ndarray, published: np.ndarray) -> None:
        coefficients = np.zeros((n_zones, periods))
        coefficients[np.ix_(rows, np.arange(periods) if j == periods else [j])] = 1.0
        functionals.append(((table, i, j), coefficients.ravel(), published[i, j]))

    everyone = np.arange(n_zones)
    for i in range(n_zones + 1):
        for j in range(periods + 1):
            add("zones", i, j, everyone if i == n_zones else np.array([i]), zones)
    for g in range(n_areas + 1):
        for j in range(periods + 1):
            add("areas", g, j, everyone if g == n_areas else np.flatnonzero(area == g), areas)
    a_eq = np.array([c for _, c, v in functionals if not np.isnan(v)])
    b_eq = np.array([v for _, _, v in functionals if not np.isnan(v)])
    truth = counts.ravel().astype(float)
    ranges = {}
    for name, coefficients, value in functionals:
        if not np.isnan(value):
            continue
        ends = []
        for direction in (1.0, -1.0):
            result = linprog(direction * coefficients, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            assert result.status == 0, result.message  # bounded: every cell is in a published total
            ends.append(direction * result.fun)
        ranges[name] = (float(coefficients @ truth), ends[0], ends[1])
    return ranges


def _pinned(ranges: dict[tuple[str, int, int], tuple[float, float, float]]) -> list[tuple[str, int, int]]:
    for name, (true, low, high) in ranges.items():
        assert low - 1e-7 <= true <= high + 1e-7, name
    return [name for name, (_, low, high) in ranges.items() if high - low <= 1e-6]


def _linked_example() -> tuple[pd.DataFrame, pd.Series]:
    """Two areas of two zones. The zones table alone closes the small counts of a1 and b1 (3 in
    January) through each other (a rectangle with their 5s in February, the cheapest); the areas
    table alone has nothing small. Together, area A's January (33) less a2's (30) gives a1's 3."""
    counts = pd.DataFrame(
        [[3, 5, 40], [30, 40, 50], [3, 5, 40], [30, 40, 50]],
        index=pd.Index(["a1", "a2", "b1", "b2"], name="zone"),
        columns=pd.Index(["Jan", "Feb", "Mar"], name="month"),
    )
    return counts, pd.Series(["A", "A", "B", "B"], index=counts.index, name="area")


def test_independent_suppression_of_linked_tables_leaks_and_nested_does_not() -> None:
    counts, area = _linked_example()
    codes = np.array([0, 0, 1, 1])
    # Each table alone: the audit finds a1's and b1's January counts pinned.
    alone_zones = monitor.suppress(counts, threshold=5)
    alone_areas = monitor.suppress(counts.groupby(area).sum(), threshold=5)
    assert alone_areas.mask.to_numpy().sum() == 0
    ranges = _combined_ranges(counts.to_numpy(), codes, _published(alone_zones), _published(alone_areas))
    assert ("zones", 0, 0) in _pinned(ranges) and ranges["zones", 0, 0][:2] == pytest.approx((3, 3))
    # Together: nothing pinned.
    nested = monitor.suppress_nested(counts, area, threshold=5)
    ranges = _combined_ranges(counts.to_numpy(), codes, _published(nested.zones), _published(nested.areas))
    assert ("zones", 0, 0) in ranges and _pinned(ranges) == []
    assert list(nested.areas.published.index) == ["A", "B", "Total"] and nested.areas.published.index.name == "area"
    assert list(nested.zones.published.index) == ["a1", "a2", "b1", "b2", "Total"]
    assert nested.zones.status.loc["a1", "Jan"] == "primary" and nested.rounds >= 1
    assert nested.zones.counts["primary_cells"] == 2 and nested.zones.counts["rounds"] == nested.rounds


def _random_linked(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n_zones, n_areas, periods = int(rng.integers(8, 14)), 3, int(rng.integers(4, 7))
    area = np.concatenate([np.arange(n_areas), rng.integers(0, n_areas, n_zones - n_areas)])
    rng.shuffle(area)
    # Many small counts (most below the threshold, some zeros), a few large.
    counts = np.where(
        rng.random((n_zones, periods)) < 0.7, rng.poisson(3, (n_zones, periods)), rng.integers(5, 60, (n_zones, periods))
    )
    return counts, area


@pytest.mark.parametrize("seed", range(30))
def test_no_published_figure_of_linked_tables_reveals_a_suppressed_count(seed: int) -> None:
    """The combined LP audit on random zones in three areas: every suppressed value (zone or area
    cell, any total) has a feasible range of positive width given all published figures; each
    published count is >= threshold or a published zero; the shared total row agrees."""
    counts, codes = _random_linked(seed)
    zeros = "publish" if seed % 2 == 0 else "suppress"
    frame = pd.DataFrame(counts, index=[f"z{i}" for i in range(len(codes))], columns=[f"p{j}" for j in range(counts.shape[1])])
    nested = monitor.suppress_nested(frame, pd.Series(codes, index=frame.index), threshold=5, zeros=zeros)
    zones, areas = _published(nested.zones), _published(nested.areas)
    for shown, truth in ((zones, _extended(counts.astype(float))), (areas, _extended(_area_sums(counts, codes)))):
        visible = ~np.isnan(shown)
        np.testing.assert_array_equal(shown[visible], truth[visible])
        assert np.all((truth[visible] >= 5) | ((truth[visible] == 0) & (zeros == "publish")))
    np.testing.assert_array_equal(nested.zones.status.iloc[-1].to_numpy(), nested.areas.status.iloc[-1].to_numpy())
    np.testing.assert_array_equal(zones[-1], areas[-1])
    assert _pinned(_combined_ranges(counts, codes, zones, areas)) == []


def _area_sums(counts: np.ndarray, codes: np.ndarray) -> np.ndarray:
    out = np.zeros((codes.max() + 1, counts.shape[1]))
    np.add.at(out, codes, counts)
    return out


def test_suppress_nested_bad_input_names_the_zone() -> None:
    counts, area = _linked_example()
    with pytest.raises(furthest.InputError, match="zone 'b2' has no area"):
        monitor.suppress_nested(counts, area.drop("b2"))
    with pytest.raises(furthest.InputError, match="zone 'a2' has no area"):
        monitor.suppress_nested(counts, area.where(area.index != "a2"))
    with pytest.raises(furthest.InputError, match="count for zone 'a1', period 'Feb' is -1;"):
        monitor.suppress_nested(counts.where(counts != 5, -1), area)
    with pytest.raises(furthest.InputError, match="'A' is already a zone, period or area label"):
        monitor.suppress_nested(counts, area, total="A")
    with pytest.raises(furthest.InputError, match="zeros is 'hide'"):
        monitor.suppress_nested(counts, area, zeros="hide")
    # A categorical area keeps its unused categories as rows of zeros.
    nested = monitor.suppress_nested(counts, area.astype(pd.CategoricalDtype(["A", "C", "B"])))
    assert list(nested.areas.published.index) == ["A", "C", "B", "Total"]
    assert nested.areas.published.loc["C"].tolist() == [0, 0, 0, 0]
