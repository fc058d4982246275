// Monitoring: the concentration index of reach over need (hand-checked, determinism, bad input)
// and disclosure control of count tables (hand-checked patterns, randomised properties), alone
// and linked (zones within areas, both published).
#include "furthest/errors.hpp"
#include "furthest/monitoring.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <stop_token>
#include <string>
#include <vector>

namespace {

using furthest::CellStatus;
using furthest::concentration_index;
using furthest::ConcentrationOptions;
using furthest::DisclosureOptions;
using furthest::InputError;
using furthest::ReachByNeed;
using furthest::suppress_counts;
using furthest::suppress_nested;
using Doubles = std::vector<double>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Four zones, most need first, people 100, 200, 300, 400 (1,000), reach 40, 30, 20, 10 (100).
// Fractional ranks: 50/1000 = 0.05, (100 + 100)/1000 = 0.2, (300 + 150)/1000 = 0.45, (600 + 200)/1000
// = 0.8. C = 2 (0.4 x 0.05 + 0.3 x 0.2 + 0.2 x 0.45 + 0.1 x 0.8) - 1 = 2 x 0.25 - 1 = -0.5.
// Curve (0,0) (0.1,0.4) (0.3,0.7) (0.6,0.9) (1,1); area by trapezoids 0.02 + 0.11 + 0.24 + 0.38 = 0.75;
// 1 - 2 x 0.75 = -0.5. Covariance form: mean_w(h) = 100/1000 = 0.1, cov_w(h, r) = sum reach_i r_i /
// 1000 - 0.1 x 0.5 = 0.025 - 0.05 = -0.025; 2 x -0.025 / 0.1 = -0.5.
const Doubles kReach{40, 30, 20, 10};
const Doubles kPeople{100, 200, 300, 400};
const Doubles kNeed{1, 2, 3, 4};

ConcentrationOptions no_draws() {
    ConcentrationOptions o;
    o.draws = 0;
    return o;
}

double area_under(const Doubles& x, const Doubles& y) {
    double area = 0.0;
    for (std::size_t k = 1; k < x.size(); ++k) area += (x[k] - x[k - 1]) * (y[k] + y[k - 1]) / 2.0;
    return area;
}

TEST(MonitoringConcentration, FourZonesByHand) {
    const auto c = concentration_index(ReachByNeed{kReach, kPeople, kNeed}, no_draws());
    EXPECT_NEAR(c.index, -0.5, 1e-12);
    EXPECT_EQ(c.curve_population.size(), 5u);
    const Doubles px{0, 0.1, 0.3, 0.6, 1}, py{0, 0.4, 0.7, 0.9, 1};
    for (std::size_t k = 0; k < px.size(); ++k) {
        EXPECT_NEAR(c.curve_population[k], px[k], 1e-12);
        EXPECT_NEAR(c.curve_reach[k], py[k], 1e-12);
    }
    EXPECT_NEAR(1.0 - 2.0 * area_under(c.curve_population, c.curve_reach), c.index, 1e-12);
    const Doubles ranks{0.05, 0.2, 0.45, 0.8};
    for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(c.fractional_rank[i], ranks[i], 1e-12);
    EXPECT_TRUE(std::isnan(c.lower));
    EXPECT_TRUE(c.bootstrap.empty());
}

TEST(MonitoringConcentration, CovarianceAndAreaFormsAgreeOnRandomZones) {
    std::mt19937_64 g(3);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int trial = 0; trial < 20; ++trial) {
        const std::size_t n = 5 + static_cast<std::size_t>(trial) * 7;
        Doubles reach(n), people(n), need(n);
        for (std::size_t i = 0; i < n; ++i) {
            people[i] = 500.0 + 1500.0 * u(g);
            reach[i] = u(g) < 0.2 ? 0.0 : std::floor(100.0 * u(g));
            need[i] = std::floor(u(g) * static_cast<double>(n) / 2.0);  // many ties
        }
        reach[0] = 1.0;
        const auto c = concentration_index(ReachByNeed{reach, people, need}, no_draws());
        // 2 cov_w(h, r) / mean_w(h), written out from the definition.
        double w = 0.0, mh = 0.0, mr = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            w += people[i];
            mh += reach[i];
            mr += people[i] * c.fractional_rank[i];
        }
        mh /= w;
        mr /= w;
        double cov = 0.0;
        for (std::size_t i = 0; i < n; ++i) cov += people[i] * (reach[i] / people[i] - mh) * (c.fractional_rank[i] - mr);
        cov /= w;
        EXPECT_NEAR(mr, 0.5, 1e-12);
        EXPECT_NEAR(2.0 * cov / mh, c.index, 1e-12);
        EXPECT_NEAR(1.0 - 2.0 * area_under(c.curve_population, c.curve_reach), c.index, 1e-12);
    }
}

TEST(MonitoringConcentration, TiedZonesShareARankWhateverTheirOrder) {
    // Need 1, 1, 2, 2: groups of 300 people (reach 70) and 700 (reach 30), ranks 0.15 and 0.65:
    // C = 2 (0.7 x 0.15 + 0.3 x 0.65) - 1 = -0.4; the curve has one point per group.
    const Doubles need{1, 1, 2, 2};
    const auto a = concentration_index(ReachByNeed{kReach, kPeople, need}, no_draws());
    EXPECT_NEAR(a.index, -0.4, 1e-12);
    EXPECT_EQ(a.curve_population, (Doubles{0, 0.3, 1}));
    EXPECT_NEAR(a.fractional_rank[1], 0.15, 1e-12);
    const Doubles reach{30, 40, 10, 20}, people{200, 100, 400, 300}, need_swapped{1, 1, 2, 2};
    const auto b = concentration_index(ReachByNeed{reach, people, need_swapped}, no_draws());
    EXPECT_EQ(a.index, b.index);
}

TEST(MonitoringConcentration, ProportionalReachIsZeroAndAllToTheNeediestIsNearMinusOne) {
    const Doubles people{10, 10, 10, 10};
    EXPECT_NEAR(concentration_index(ReachByNeed{Doubles{1, 1, 1, 1}, people, kNeed}, no_draws()).index, 0.0, 1e-12);
    // All reach in the first of four equal zones: 2 x 0.125 - 1 = -0.75; in the last: +0.75.
    EXPECT_NEAR(concentration_index(ReachByNeed{Doubles{5, 0, 0, 0}, people, kNeed}, no_draws()).index, -0.75, 1e-12);
    EXPECT_NEAR(concentration_index(ReachByNeed{Doubles{0, 0, 0, 5}, people, kNeed}, no_draws()).index, 0.75, 1e-12);
}

TEST(MonitoringConcentration, BootstrapIsTheSameForAnyThreadCount) {
    std::mt19937_64 g(11);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const std::size_t n = 500;
    Doubles reach(n), people(n), need(n);
    for (std::size_t i = 0; i < n; ++i) {
        need[i] = static_cast<double>(i + 1);
        people[i] = 1000.0 + 1000.0 * u(g);
        reach[i] = std::floor(40.0 * u(g) * (1.5 - static_cast<double>(i) / static_cast<double>(n)));
    }
    ConcentrationOptions o;
    o.draws = 199;
    o.seed = 42;
    o.level = 0.9;
    o.threads = 1;
    const auto one = concentration_index(ReachByNeed{reach, people, need}, o);
    for (const int threads : {2, 4, 7}) {
        o.threads = threads;
        const auto many = concentration_index(ReachByNeed{reach, people, need}, o);
        EXPECT_EQ(one.bootstrap, many.bootstrap) << threads << " threads";
        EXPECT_EQ(one.lower, many.lower);
        EXPECT_EQ(one.upper, many.upper);
    }
    EXPECT_EQ(one.draws, 199);
    EXPECT_EQ(one.undefined_draws, 0);
    EXPECT_LT(one.lower, one.index);
    EXPECT_GT(one.upper, one.index);
    EXPECT_LT(one.index, 0.0);  // reach built to fall with need rank
    o.seed = 43;
    EXPECT_NE(concentration_index(ReachByNeed{reach, people, need}, o).bootstrap, one.bootstrap);
}

TEST(MonitoringConcentration, AStopRequestIsHonoured) {
    std::stop_source stop;
    stop.request_stop();
    furthest::Control control;
    control.stop = stop.get_token();
    EXPECT_THROW(concentration_index(ReachByNeed{kReach, kPeople, kNeed}, {}, control), furthest::Stopped);
}

TEST(MonitoringConcentration, BadInputNamesTheZoneAndTheProblem) {
    const std::vector<std::string> ids{"E01000001", "E01000002", "E01000003", "E01000004"};
    auto message = [&](const Doubles& reach, const Doubles& people, const Doubles& need) -> std::string {
        try {
            concentration_index(ReachByNeed{reach, people, need, ids}, no_draws());
        } catch (const InputError& e) {
            return e.what();
        }
        return "no error";
    };
    EXPECT_NE(message({40, 30, 20}, kPeople, kNeed).find("3 zones with reach but 4 population values"), std::string::npos);
    EXPECT_NE(message({40, -1, 20, 10}, kPeople, kNeed).find("zone 'E01000002' has reach -1"), std::string::npos);
    EXPECT_NE(message(kReach, {100, kNaN, 300, 400}, kNeed).find("zone 'E01000002' has population NaN"), std::string::npos);
    EXPECT_NE(message(kReach, kPeople, {1, 2, kNaN, 4}).find("zone 'E01000003' has need rank NaN"), std::string::npos);
    EXPECT_NE(message({0, 0, 0, 0}, kPeople, kNeed).find("no reach at all"), std::string::npos);
    EXPECT_NE(message(kReach, {100, 0, 300, 400}, kNeed).find("zone 'E01000002' has reach 30 but population 0"),
              std::string::npos);
    EXPECT_NE(message({0, 0, 0, 0}, {0, 0, 0, 0}, kNeed).find("no people"), std::string::npos);
    ConcentrationOptions o;
    o.level = 1.0;
    EXPECT_THROW(concentration_index(ReachByNeed{kReach, kPeople, kNeed}, o), InputError);
}

TEST(MonitoringShares, TopDecileAndWavesAgainstTheirShareOfPeople) {
    // Ten zones of 100 people, need 1..10: need_groups(…, 10) puts one zone in each decile.
    Doubles people(10, 100.0), need(10), reach{30, 20, 10, 10, 5, 5, 5, 5, 5, 5};
    std::iota(need.begin(), need.end(), 1.0);
    const auto decile = furthest::need_groups(people, need, 10);
    EXPECT_EQ(decile, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    const auto top = furthest::share_by_group(reach, people, decile, 10);
    EXPECT_NEAR(top.population_share[0], 0.1, 1e-12);
    EXPECT_NEAR(top.reach_share[0], 0.3, 1e-12);
    EXPECT_NEAR(top.ratio[0], 3.0, 1e-12);
    // Waves: zones 0-2 in wave 0, 3-5 in wave 1, the rest in none.
    const std::vector<std::int64_t> wave{0, 0, 0, 1, 1, 1, -1, -1, -1, -1};
    const auto w = furthest::share_by_group(reach, people, wave, 2);
    EXPECT_NEAR(w.population_share[0], 0.3, 1e-12);
    EXPECT_NEAR(w.reach_share[0], 0.6, 1e-12);
    EXPECT_NEAR(w.reach_share[1], 0.2, 1e-12);
    EXPECT_DOUBLE_EQ(w.ungrouped_population, 400.0);
    EXPECT_DOUBLE_EQ(w.ungrouped_reach, 20.0);
    EXPECT_THROW(furthest::share_by_group(reach, people, std::vector<std::int64_t>(10, 2), 2), InputError);
    // Ties stay together: need 1, 1, 2, 2 with equal people: ranks 0.25 and 0.75 -> halves 0 and 1.
    EXPECT_EQ(furthest::need_groups(Doubles{1, 1, 1, 1}, Doubles{1, 1, 2, 2}, 2), (std::vector<std::int64_t>{0, 0, 1, 1}));
}

// ---- disclosure control ------------------------------------------------------------------

Eigen::MatrixXd table(std::initializer_list<std::initializer_list<double>> rows) {
    Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.begin()->size()));
    Eigen::Index i = 0;
    for (const auto& row : rows) {
        Eigen::Index j = 0;
        for (const double v : row) m(i, j++) = v;
        ++i;
    }
    return m;
}

std::int8_t status_of(CellStatus s) { return static_cast<std::int8_t>(s); }

TEST(MonitoringDisclosure, TwoSmallCellsArePairedThroughTheCheapestRectangle) {
    // Row totals 32, 48, 150; column totals 57, 63, 110; 230. Primary: 2 at (0,0), 3 at (1,1).
    // Closing (0,0) costs 15 + 10 = 25 through (1,0) and (0,1) (using the suppressed (1,1) for
    // free); any other rectangle costs more (e.g. (1,0) (1,2) (0,2): 15 + 30 + 20 = 65).
    const auto t = suppress_counts(table({{2, 10, 20}, {15, 3, 30}, {40, 50, 60}}));
    ASSERT_EQ(t.status.rows(), 4);
    ASSERT_EQ(t.status.cols(), 4);
    EXPECT_EQ(t.status(0, 0), status_of(CellStatus::Primary));
    EXPECT_EQ(t.status(1, 1), status_of(CellStatus::Primary));
    EXPECT_EQ(t.status(0, 1), status_of(CellStatus::Secondary));
    EXPECT_EQ(t.status(1, 0), status_of(CellStatus::Secondary));
    EXPECT_EQ(t.primary_cells, 2);
    EXPECT_EQ(t.secondary_cells, 2);
    EXPECT_EQ(t.primary_margins + t.secondary_margins, 0);
    EXPECT_TRUE(std::isnan(t.values(0, 0)));
    EXPECT_EQ(t.values(0, 2), 20.0);
    EXPECT_EQ(t.values(0, 3), 32.0);
    EXPECT_EQ(t.values(3, 3), 230.0);
}

TEST(MonitoringDisclosure, ASmallTotalIsSuppressedAndProtectedToo) {
    // Row 0 is 1 + 2 = 3: both cells and the row total are primary; each column then holds one
    // suppressed cell. (0,0) closes through (1,0) and (1,1) (10 + 20 = 30, cheaper than through
    // the column totals, 11 + 22 = 33); the row total of 3 then closes through row 1's total (30).
    const auto t = suppress_counts(table({{1, 2}, {10, 20}}));
    EXPECT_EQ(t.primary_cells, 2);
    EXPECT_EQ(t.primary_margins, 1);
    EXPECT_EQ(t.status(1, 0), status_of(CellStatus::Secondary));
    EXPECT_EQ(t.status(1, 1), status_of(CellStatus::Secondary));
    EXPECT_EQ(t.status(1, 2), status_of(CellStatus::Secondary));
    EXPECT_EQ(t.secondary_margins, 1);
    EXPECT_EQ(t.values(2, 2), 33.0);  // the grand total stays
}

TEST(MonitoringDisclosure, ZerosArePublishedByDefaultOrSuppressedOnRequest) {
    const auto m = table({{0, 12, 20}, {15, 0, 30}, {40, 50, 60}});
    const auto published = suppress_counts(m);
    EXPECT_EQ(published.primary_cells + published.secondary_cells, 0);
    EXPECT_EQ(published.values(0, 0), 0.0);
    DisclosureOptions o;
    o.zeros = furthest::ZeroCells::Suppress;
    const auto hidden = suppress_counts(m, o);
    EXPECT_EQ(hidden.status(0, 0), status_of(CellStatus::Primary));
    EXPECT_EQ(hidden.status(1, 1), status_of(CellStatus::Primary));
}

TEST(MonitoringDisclosure, SuppressedZerosAreNotLeftPinnedByCountsBeingNonNegative) {
    // Zeros suppressed: the four zeros form a cycle, so no relation has a single suppressed cell,
    // yet row 0 publishes 50 of its total of 50, so its hidden cells sum to 0 and, being >= 0, are
    // all 0. Each zero must be able to rise, along a cycle whose falling cells hold counts: here
    // the whole of column 2 and row 2 (LP ranges then: each zero in [0, 10] or [0, 20]).
    DisclosureOptions o;
    o.zeros = furthest::ZeroCells::Suppress;
    const auto t = suppress_counts(table({{0, 0, 50}, {0, 0, 60}, {10, 20, 30}}), o);
    const auto P = status_of(CellStatus::Primary), S = status_of(CellStatus::Secondary);
    for (Eigen::Index i = 0; i < 2; ++i) {
        EXPECT_EQ(t.status(i, 0), P);
        EXPECT_EQ(t.status(i, 1), P);
        EXPECT_EQ(t.status(i, 2), S);
    }
    for (Eigen::Index j = 0; j < 3; ++j) EXPECT_EQ(t.status(2, j), S);
    EXPECT_EQ(t.secondary_cells, 5);
    EXPECT_EQ(t.primary_margins + t.secondary_margins, 0);
}

TEST(MonitoringDisclosure, WithoutMarginsOnlyPrimarySuppressionApplies) {
    DisclosureOptions o;
    o.margins = false;
    const auto t = suppress_counts(table({{2, 10}, {15, 30}}), o);
    EXPECT_EQ(t.values.rows(), 2);
    EXPECT_EQ(t.primary_cells, 1);
    EXPECT_EQ(t.secondary_cells, 0);
}

TEST(MonitoringDisclosure, BadCountsNameTheCell) {
    try {
        suppress_counts(table({{2, 10}, {15, -3}}));
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("row 1, column 1 is -3"), std::string::npos) << e.what();
    }
    EXPECT_THROW(suppress_counts(table({{2, kNaN}})), InputError);
    DisclosureOptions o;
    o.threshold = 0.0;
    EXPECT_THROW(suppress_counts(table({{2, 10}}), o), InputError);
}

/// Whether the suppressed cell (i, j) is still joined to its row and column by other suppressed
/// cells (breadth-first search, independent of the bridge finder under test).
bool on_a_cycle(const furthest::SuppressedTable& t, Eigen::Index i, Eigen::Index j) {
    const Eigen::Index rows = t.status.rows(), columns = t.status.cols();
    std::vector<bool> seen(static_cast<std::size_t>(rows + columns), false);
    std::vector<Eigen::Index> queue{rows + j};
    seen[static_cast<std::size_t>(rows + j)] = true;
    for (std::size_t k = 0; k < queue.size(); ++k) {
        const Eigen::Index v = queue[k];
        if (v == i) return true;
        const bool is_row = v < rows;
        for (Eigen::Index w = 0; w < (is_row ? columns : rows); ++w) {
            const Eigen::Index r = is_row ? v : w, c = is_row ? w : v - rows;
            if ((r == i && c == j) || t.status(r, c) == 0) continue;
            const Eigen::Index u = is_row ? rows + w : w;
            if (!seen[static_cast<std::size_t>(u)]) {
                seen[static_cast<std::size_t>(u)] = true;
                queue.push_back(u);
            }
        }
    }
    return false;
}

TEST(MonitoringDisclosure, RandomTablesLeaveNoSuppressedCellDeterminedByTheRelations) {
    std::mt19937_64 g(2024);
    for (int trial = 0; trial < 300; ++trial) {
        const auto rows = static_cast<Eigen::Index>(1 + g() % 8), columns = static_cast<Eigen::Index>(1 + g() % 6);
        Eigen::MatrixXd m(rows, columns);
        const int style = trial % 3;  // sparse small counts, mixed, mostly large
        for (Eigen::Index i = 0; i < rows; ++i)
            for (Eigen::Index j = 0; j < columns; ++j)
                m(i, j) = static_cast<double>(style == 0 ? g() % 7 : style == 1 ? g() % 30 : 3 + g() % 200);
        DisclosureOptions o;
        o.zeros = trial % 2 == 0 ? furthest::ZeroCells::Publish : furthest::ZeroCells::Suppress;
        const auto t = suppress_counts(m, o);
        const Eigen::Index r = t.status.rows(), c = t.status.cols();
        Eigen::MatrixXd full(r, c);
        full.topLeftCorner(rows, columns) = m;
        full.col(columns).head(rows) = m.rowwise().sum();
        full.row(rows).head(columns) = m.colwise().sum();
        full(rows, columns) = m.sum();
        for (Eigen::Index i = 0; i < r; ++i) {
            for (Eigen::Index j = 0; j < c; ++j) {
                const double v = full(i, j);
                if (t.status(i, j) == 0) {
                    // (a) published: at or above the threshold, or a zero when zeros are published.
                    EXPECT_TRUE(v >= o.threshold || (v == 0.0 && o.zeros == furthest::ZeroCells::Publish)) << trial;
                    EXPECT_EQ(t.values(i, j), v);
                } else {
                    EXPECT_TRUE(std::isnan(t.values(i, j)));
                    // (c, linear part) no suppressed cell is a bridge of the row-column graph.
                    EXPECT_TRUE(on_a_cycle(t, i, j)) << "trial " << trial << " cell " << i << "," << j;
                }
            }
        }
        // (b) no row or column relation holds exactly one suppressed cell.
        for (Eigen::Index i = 0; i < r; ++i) EXPECT_NE((t.status.row(i).array() != 0).count(), 1) << trial;
        for (Eigen::Index j = 0; j < c; ++j) EXPECT_NE((t.status.col(j).array() != 0).count(), 1) << trial;
        // Deterministic.
        EXPECT_EQ(suppress_counts(m, o).status, t.status);
    }
}

TEST(MonitoringDisclosure, ForcedCellsAreSuppressedAndProtectedLikePrimaryOnes) {
    // Nothing is small; the 40 is forced (a linked table hides it). It must not be left alone in
    // its row and column: the cheapest rectangle closes it through the 10s.
    const auto m = table({{40, 10, 60}, {10, 10, 70}, {80, 90, 100}});
    furthest::CellMask forced = furthest::CellMask::Constant(4, 4, false);
    forced(0, 0) = true;
    const auto t = suppress_counts(m, {}, &forced);
    EXPECT_EQ(t.status(0, 0), static_cast<std::int8_t>(CellStatus::Linked));
    EXPECT_EQ(t.linked_cells, 1);
    EXPECT_EQ(t.primary_cells + t.primary_margins, 0);
    EXPECT_TRUE(std::isnan(t.values(0, 0)));
    EXPECT_TRUE(on_a_cycle(t, 0, 0));
    EXPECT_EQ(t.status(0, 1), static_cast<std::int8_t>(CellStatus::Secondary));
    EXPECT_EQ(t.status(1, 0), static_cast<std::int8_t>(CellStatus::Secondary));
    EXPECT_EQ(t.status(1, 1), static_cast<std::int8_t>(CellStatus::Secondary));
    // A forced margin too; a small forced cell stays primary.
    forced(3, 2) = true;
    forced(0, 0) = false;
    const auto margin = suppress_counts(table({{2, 10, 60}, {10, 10, 70}, {80, 90, 100}}), {}, &forced);
    EXPECT_EQ(margin.status(3, 2), static_cast<std::int8_t>(CellStatus::Linked));
    EXPECT_EQ(margin.status(0, 0), static_cast<std::int8_t>(CellStatus::Primary));
    EXPECT_EQ(margin.linked_margins, 1);
    EXPECT_TRUE(on_a_cycle(margin, 3, 2));
    const furthest::CellMask wrong = furthest::CellMask::Constant(3, 3, false);
    EXPECT_THROW(suppress_counts(m, {}, &wrong), InputError);
}

/// The suppressed values of linked tables (zones x periods and areas x periods, with all totals)
/// as edges of one graph: vertices are the zones' rows, each area's columns (period p or its
/// total), the periods' columns over all areas and the row of all zones. A zone's value joins its
/// row to its area's column; an area's value joins its area's column to the period's column; a
/// period total (or the grand total) joins the period's column to the all-zones row. Every published
/// relation is one vertex (the values meeting there sum to zero with signs), so a suppressed value
/// is determined exactly when its edge is a bridge of the suppressed edges (the linear part of
/// the audit; the LP in tests/python/test_monitor.py checks counts >= 0 too). Returns the values
/// that are bridges, as (table, row, column), table 0 zones and 1 areas.
std::vector<std::array<Eigen::Index, 3>> bridges_of_linked(const Eigen::MatrixXi& zone_status, const Eigen::MatrixXi& area_status,
                                                           const std::vector<std::int64_t>& area) {
    const Eigen::Index zones = zone_status.rows() - 1, columns = zone_status.cols(), areas = area_status.rows() - 1;
    const Eigen::Index top = zones + areas * columns, everyone = top + columns;
    struct Edge {
        Eigen::Index a, b;
        std::array<Eigen::Index, 3> name;
    };
    std::vector<Edge> edges;
    for (Eigen::Index z = 0; z < zones; ++z)
        for (Eigen::Index c = 0; c < columns; ++c)
            if (zone_status(z, c) != 0) edges.push_back({z, zones + area[static_cast<std::size_t>(z)] * columns + c, {0, z, c}});
    for (Eigen::Index g = 0; g <= areas; ++g)
        for (Eigen::Index c = 0; c < columns; ++c)
            if (area_status(g, c) != 0)
                edges.push_back(g < areas ? Edge{zones + g * columns + c, top + c, {1, g, c}}
                                          : Edge{top + c, everyone, {1, g, c}});
    std::vector<std::array<Eigen::Index, 3>> out;
    for (std::size_t e = 0; e < edges.size(); ++e) {
        std::vector<bool> seen(static_cast<std::size_t>(everyone + 1), false);
        std::vector<Eigen::Index> queue{edges[e].a};
        seen[static_cast<std::size_t>(edges[e].a)] = true;
        for (std::size_t k = 0; k < queue.size(); ++k)
            for (std::size_t f = 0; f < edges.size(); ++f) {
                if (f == e || (edges[f].a != queue[k] && edges[f].b != queue[k])) continue;
                const Eigen::Index w = edges[f].a == queue[k] ? edges[f].b : edges[f].a;
                if (!seen[static_cast<std::size_t>(w)]) {
                    seen[static_cast<std::size_t>(w)] = true;
                    queue.push_back(w);
                }
            }
        if (!seen[static_cast<std::size_t>(edges[e].b)]) out.push_back(edges[e].name);
    }
    return out;
}

Eigen::MatrixXi statuses(const furthest::SuppressedTable& t) { return t.status.cast<int>(); }

TEST(MonitoringDisclosure, LinkedTablesSuppressedApartLeakAndTogetherDoNot) {
    // Areas A = {a1, a2}, B = {b1, b2}; three months. The zones table alone closes a1's and b1's
    // January 3s through each other and their February 5s (the cheapest rectangle); the areas table
    // alone (A and B: 33, 45, 90) has nothing small. Published together, A's January 33 less a2's
    // 30 gives a1's 3: a bridge.
    const auto zones = table({{3, 5, 40}, {30, 40, 50}, {3, 5, 40}, {30, 40, 50}});
    const std::vector<std::int64_t> area{0, 0, 1, 1};
    const auto alone = suppress_counts(zones);
    const auto alone_areas = suppress_counts(table({{33, 45, 90}, {33, 45, 90}}));
    ASSERT_EQ(alone.status(0, 0), static_cast<std::int8_t>(CellStatus::Primary));
    ASSERT_EQ(alone.status(2, 1), static_cast<std::int8_t>(CellStatus::Secondary));
    EXPECT_EQ(alone_areas.primary_cells + alone_areas.secondary_cells, 0);
    const auto leaks = bridges_of_linked(statuses(alone), statuses(alone_areas), area);
    EXPECT_NE(std::find(leaks.begin(), leaks.end(), std::array<Eigen::Index, 3>{0, 0, 0}), leaks.end());

    const auto nested = suppress_nested(zones, area, 2);
    EXPECT_TRUE(bridges_of_linked(statuses(nested.zones), statuses(nested.areas), area).empty());
    EXPECT_EQ(nested.zones.status(0, 0), static_cast<std::int8_t>(CellStatus::Primary));
    EXPECT_EQ(nested.zones.status(2, 0), static_cast<std::int8_t>(CellStatus::Primary));
    EXPECT_EQ(nested.zones.primary_cells, 2);
    EXPECT_GE(nested.rounds, 1);
    // The published figures are the true ones, and the zones' total row is the areas' one.
    EXPECT_EQ(nested.zones.values(1, 2), 50.0);
    EXPECT_EQ(nested.zones.status.row(4), nested.areas.status.row(2));
    EXPECT_EQ(nested.areas.values(2, 3), 336.0);
    EXPECT_EQ(nested.zones.values(4, 3), 336.0);
}

TEST(MonitoringDisclosure, RandomLinkedTablesLeaveNoSuppressedValueDeterminedByAllRelations) {
    std::mt19937_64 g(77);
    int several_rounds = 0;
    for (int trial = 0; trial < 150; ++trial) {
        const auto zones = static_cast<Eigen::Index>(2 + g() % 12), periods = static_cast<Eigen::Index>(1 + g() % 6);
        const std::int64_t areas = 1 + static_cast<std::int64_t>(g() % 4);
        std::vector<std::int64_t> area(static_cast<std::size_t>(zones));
        for (auto& a : area) a = static_cast<std::int64_t>(g() % static_cast<std::uint64_t>(areas));
        Eigen::MatrixXd m(zones, periods);
        for (Eigen::Index i = 0; i < zones; ++i)
            for (Eigen::Index j = 0; j < periods; ++j) m(i, j) = static_cast<double>(g() % 3 == 0 ? 5 + g() % 60 : 1 + g() % 6);
        DisclosureOptions o;
        const auto t = suppress_nested(m, area, areas, o);
        if (t.rounds > 1) ++several_rounds;
        // No zeros: the bridge rule is the whole criterion.
        EXPECT_TRUE(bridges_of_linked(statuses(t.zones), statuses(t.areas), area).empty()) << "trial " << trial;
        EXPECT_EQ(t.zones.status.row(zones), t.areas.status.row(areas)) << trial;
        // Published: at or above the threshold, or a zero (an area without zones).
        for (Eigen::Index i = 0; i <= zones; ++i)
            for (Eigen::Index j = 0; j <= periods; ++j) {
                if (t.zones.status(i, j) == 0) {
                    EXPECT_GE(t.zones.values(i, j), o.threshold) << trial;
                }
            }
        for (Eigen::Index i = 0; i < t.areas.status.rows(); ++i)
            for (Eigen::Index j = 0; j <= periods; ++j) {
                EXPECT_NE(t.areas.status(i, j), static_cast<std::int8_t>(CellStatus::Linked));
                const double v = t.areas.values(i, j);
                if (t.areas.status(i, j) == 0) {
                    EXPECT_TRUE(v >= o.threshold || v == 0.0) << trial;
                }
            }
        // Deterministic.
        const auto again = suppress_nested(m, area, areas, o);
        EXPECT_EQ(again.zones.status, t.zones.status);
        EXPECT_EQ(again.areas.status, t.areas.status);
        EXPECT_EQ(again.rounds, t.rounds);
    }
    EXPECT_GT(several_rounds, 0);  // the tables did have to be reconciled
}

TEST(MonitoringDisclosure, AnAreaWithoutZonesHasARowOfZeros) {
    const auto t = suppress_nested(table({{10, 20}, {30, 40}}), std::vector<std::int64_t>{0, 2}, 3);
    ASSERT_EQ(t.areas.values.rows(), 4);
    EXPECT_EQ(t.areas.values(1, 0), 0.0);
    EXPECT_EQ(t.areas.values(1, 2), 0.0);
    EXPECT_EQ(t.areas.values(2, 1), 40.0);
    EXPECT_EQ(t.areas.secondary_cells + t.areas.primary_cells, 0);
}

TEST(MonitoringDisclosure, LinkedTablesBadInputNamesTheZone) {
    const auto m = table({{10, 20}, {30, 40}, {5, 6}});
    try {
        suppress_nested(m, std::vector<std::int64_t>{0, 3, 1}, 2);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("zone 1 has area 3; expected 0..1"), std::string::npos) << e.what();
    }
    try {
        suppress_nested(table({{10, 20}, {30, -4}, {5, 6}}), std::vector<std::int64_t>{0, 1, 1}, 2);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("zone 1, period 1 is -4"), std::string::npos) << e.what();
    }
    EXPECT_THROW(suppress_nested(m, std::vector<std::int64_t>{0, 1}, 2), InputError);
    EXPECT_THROW(suppress_nested(table({{kNaN, 1}}), std::vector<std::int64_t>{0}, 1), InputError);
    DisclosureOptions no_margins;
    no_margins.margins = false;
    EXPECT_THROW(suppress_nested(m, std::vector<std::int64_t>{0, 1, 1}, 2, no_margins), InputError);
    std::stop_source stop;
    stop.request_stop();
    furthest::Control control;
    control.stop = stop.get_token();
    EXPECT_THROW(suppress_nested(m, std::vector<std::int64_t>{0, 1, 1}, 2, {}, control), furthest::Stopped);
}

}  // namespace
