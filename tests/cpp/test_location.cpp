// Hub site selection against answers checked by hand and against exact enumeration of every
// choice on small random instances.
#include "furthest/errors.hpp"
#include "furthest/location.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stop_token>
#include <vector>

namespace furthest {
namespace {

struct Instance {
    InteractionMatrix matrix;
    Eigen::VectorXd demand;
    std::vector<std::vector<double>> cost;  // dense; infinity outside the matrix
};

// Zones and sites at random points of a 10 x 10 square, pairs within `reach`, demand 1..100.
Instance random_instance(int zones, int sites, double reach, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> at(0.0, 10.0);
    std::uniform_int_distribution<int> people(1, 100);
    std::vector<double> zx(zones), zy(zones), sx(sites), sy(sites);
    for (int i = 0; i < zones; ++i) zx[i] = at(rng), zy[i] = at(rng);
    for (int j = 0; j < sites; ++j) sx[j] = at(rng), sy[j] = at(rng);
    Instance in;
    in.demand.resize(zones);
    for (int i = 0; i < zones; ++i) in.demand[i] = people(rng);
    in.matrix = InteractionMatrix::from_points(zx, zy, sx, sy, reach);
    in.cost.assign(zones, std::vector<double>(sites, std::numeric_limits<double>::infinity()));
    const auto& c = in.matrix.costs();
    for (Eigen::Index i = 0; i < c.rows(); ++i) {
        for (InteractionMatrix::Sparse::InnerIterator it(c, i); it; ++it) in.cost[i][it.col()] = it.value();
    }
    return in;
}

// Objectives of one set of open sites, computed directly from the dense costs.
double covered(const Instance& in, const std::vector<int>& open, double radius) {
    double total = 0.0;
    for (std::size_t i = 0; i < in.cost.size(); ++i) {
        for (const int j : open) {
            if (in.cost[i][j] <= radius) {
                total += in.demand[static_cast<Eigen::Index>(i)];
                break;
            }
        }
    }
    return total;
}

double weighted_cost(const Instance& in, const std::vector<int>& open, double unreached) {
    double total = 0.0;
    for (std::size_t i = 0; i < in.cost.size(); ++i) {
        double best = unreached;
        for (const int j : open) best = std::min(best, in.cost[i][j]);
        total += in.demand[static_cast<Eigen::Index>(i)] * best;
    }
    return total;
}

// Every choice of p sites among those not fixed: the best objective.
template <class Objective>
double enumerate(int sites, int p, const std::vector<int>& fixed, Objective objective, bool maximise) {
    std::vector<int> free_sites;
    for (int j = 0; j < sites; ++j) {
        if (std::find(fixed.begin(), fixed.end(), j) == fixed.end()) free_sites.push_back(j);
    }
    std::vector<char> pick(free_sites.size(), 0);
    std::fill(pick.end() - p, pick.end(), 1);
    double best = maximise ? -1.0 : std::numeric_limits<double>::infinity();
    do {
        std::vector<int> open = fixed;
        for (std::size_t k = 0; k < pick.size(); ++k) {
            if (pick[k]) open.push_back(free_sites[k]);
        }
        const double v = objective(open);
        best = maximise ? std::max(best, v) : std::min(best, v);
    } while (std::next_permutation(pick.begin(), pick.end()));
    return best;
}

std::vector<int> open_sites(const LocationResult& r) {
    std::vector<int> open;
    for (Eigen::Index j = 0; j < r.site_wave.size(); ++j) {
        if (r.site_wave[j] >= 0) open.push_back(static_cast<int>(j));
    }
    return open;
}

LocationOptions one_wave(std::int64_t p, std::vector<std::int64_t> fixed = {}) {
    LocationOptions o;
    o.waves = {p};
    o.fixed = std::move(fixed);
    return o;
}

TEST(LocationCovering, ByHandChoosesTheSitesThatCoverMost) {
    // Zones 0..3 (demand 10, 20, 30, 40); site 0 reaches 0 and 1, site 1 reaches 2, site 2
    // reaches 1 and 3. Best pair: sites 1 and 2 (20 + 30 + 40 = 90); greedy takes 2 (60) then 1.
    const std::vector<std::int64_t> o{0, 1, 2, 1, 3}, s{0, 0, 1, 2, 2};
    const std::vector<double> c{1.0, 1.0, 1.0, 1.0, 1.0};
    const auto m = InteractionMatrix::from_costs(4, 3, o, s, c);
    const Eigen::VectorXd d = (Eigen::VectorXd(4) << 10.0, 20.0, 30.0, 40.0).finished();
    const LocationResult r = maximal_covering(m, d, one_wave(2));
    EXPECT_EQ(open_sites(r), (std::vector<int>{1, 2}));
    EXPECT_DOUBLE_EQ(r.objective, 90.0);
    EXPECT_DOUBLE_EQ(r.site_reach[0], 30.0);
    EXPECT_DOUBLE_EQ(r.site_served[2], 60.0);
    EXPECT_EQ(r.zone_site[0], -1);
    EXPECT_TRUE(std::isnan(r.zone_cost[0]));
    EXPECT_DOUBLE_EQ(r.bound, 90.0);  // the bound proves it: gap 0
    EXPECT_DOUBLE_EQ(r.gap, 0.0);
    // With site 0 already open, one more site: site 2 adds 40 (zone 3), site 1 adds 30.
    const LocationResult f = maximal_covering(m, d, one_wave(1, {0}));
    EXPECT_EQ(open_sites(f), (std::vector<int>{0, 2}));
    EXPECT_EQ(f.site_wave[0], 0);
    EXPECT_DOUBLE_EQ(f.objective, 70.0);
}

TEST(LocationMedian, ByHandAndUnreachedZonesPayThePenalty) {
    // Two zones (demand 1 and 2), two sites; zone 1 reaches only site 1. Penalty 10.
    const std::vector<std::int64_t> o{0, 0, 1}, s{0, 1, 1};
    const std::vector<double> c{1.0, 4.0, 3.0};
    const auto m = InteractionMatrix::from_costs(2, 2, o, s, c, 5.0);
    const Eigen::VectorXd d = (Eigen::VectorXd(2) << 1.0, 2.0).finished();
    LocationOptions opt = one_wave(1);
    opt.unreached_cost = 10.0;
    const LocationResult r = p_median(m, d, opt);
    // Site 0: 1 + 2 x 10 = 21; site 1: 4 + 2 x 3 = 10.
    EXPECT_EQ(open_sites(r), (std::vector<int>{1}));
    EXPECT_DOUBLE_EQ(r.objective, 10.0);
    EXPECT_DOUBLE_EQ(r.zone_cost[0], 4.0);
    // The default penalty is the matrix's cutoff (5): site 0 costs 1 + 10 = 11, site 1 still 10.
    const LocationResult byCutoff = p_median(m, d, one_wave(1));
    EXPECT_DOUBLE_EQ(byCutoff.objective, 10.0);
    EXPECT_LE(byCutoff.bound, byCutoff.objective);
}

TEST(LocationExact, LocalSearchEqualsEnumerationOnRandomInstances) {
    for (unsigned seed = 1; seed <= 40; ++seed) {
        const Instance in = random_instance(30, 10, 3.0, seed);
        const LocationResult c = maximal_covering(in.matrix, in.demand, one_wave(3));
        const double best_cover = enumerate(10, 3, {}, [&](const std::vector<int>& s) { return covered(in, s, 3.0); }, true);
        EXPECT_DOUBLE_EQ(c.objective, best_cover) << "seed " << seed;
        EXPECT_DOUBLE_EQ(c.objective, covered(in, open_sites(c), 3.0)) << "seed " << seed;
        EXPECT_GE(c.bound, best_cover - 1e-9) << "seed " << seed;
        EXPECT_GE(c.objective, c.greedy_objective) << "seed " << seed;

        const LocationResult m = p_median(in.matrix, in.demand, one_wave(3));
        const double best_cost =
            enumerate(10, 3, {}, [&](const std::vector<int>& s) { return weighted_cost(in, s, 3.0); }, false);
        EXPECT_NEAR(m.objective, best_cost, 1e-9 * best_cost) << "seed " << seed;
        EXPECT_NEAR(m.objective, weighted_cost(in, open_sites(m), 3.0), 1e-9 * best_cost) << "seed " << seed;
        EXPECT_LE(m.bound, best_cost + 1e-9) << "seed " << seed;
        EXPECT_LE(m.objective, m.greedy_objective) << "seed " << seed;
    }
}

TEST(LocationExact, FixedSitesCountAndStayOpen) {
    for (unsigned seed = 20; seed <= 45; ++seed) {
        const Instance in = random_instance(30, 10, 2.5, seed);
        const std::vector<int> fixed{2, 7};
        const LocationResult c = maximal_covering(in.matrix, in.demand, one_wave(3, {2, 7}));
        EXPECT_EQ(c.site_wave[2], 0);
        EXPECT_EQ(c.site_wave[7], 0);
        const double best = enumerate(10, 3, fixed, [&](const std::vector<int>& s) { return covered(in, s, 2.5); }, true);
        EXPECT_DOUBLE_EQ(c.objective, best) << "seed " << seed;
        const LocationResult m = p_median(in.matrix, in.demand, one_wave(3, {2, 7}));
        const double least = enumerate(10, 3, fixed, [&](const std::vector<int>& s) { return weighted_cost(in, s, 2.5); }, false);
        EXPECT_NEAR(m.objective, least, 1e-9 * least) << "seed " << seed;
    }
}

TEST(LocationWaves, EachWaveAddsToTheOpenSites) {
    const Instance in = random_instance(60, 15, 2.5, 5);
    LocationOptions o;
    o.waves = {2, 3};
    o.fixed = {4};
    const LocationResult r = maximal_covering(in.matrix, in.demand, o);
    std::vector<int> per_wave(3, 0);
    for (Eigen::Index j = 0; j < r.site_wave.size(); ++j) {
        if (r.site_wave[j] >= 0) ++per_wave[static_cast<std::size_t>(r.site_wave[j])];
    }
    EXPECT_EQ(per_wave, (std::vector<int>{1, 2, 3}));
    ASSERT_EQ(r.wave_objective.size(), 2u);
    EXPECT_LE(r.wave_objective[0], r.wave_objective[1]);
    EXPECT_DOUBLE_EQ(r.wave_objective[1], r.objective);
    // Wave 1 alone is the best 2 sites with site 4 fixed; waves can only do as well as one wave of 5.
    std::vector<int> wave1{4};
    for (Eigen::Index j = 0; j < r.site_wave.size(); ++j) {
        if (r.site_wave[j] == 1) wave1.push_back(static_cast<int>(j));
    }
    EXPECT_DOUBLE_EQ(r.wave_objective[0], covered(in, wave1, 2.5));
    EXPECT_DOUBLE_EQ(r.wave_objective[0],
                     enumerate(15, 2, {4}, [&](const std::vector<int>& s) { return covered(in, s, 2.5); }, true));
    const LocationResult all = maximal_covering(in.matrix, in.demand, one_wave(5, {4}));
    EXPECT_LE(r.objective, all.objective);
    EXPECT_GE(r.bound, all.objective - 1e-9);
}

TEST(LocationCapacitated, CapacityLimitsWhatASiteServes) {
    // One zone of 100 people reaching two sites of capacity 30 and 50: each alone serves its
    // capacity, both serve 80, nearest first (site 0 at cost 1 first).
    const std::vector<std::int64_t> o{0, 0}, s{0, 1};
    const std::vector<double> c{1.0, 2.0};
    const auto m = InteractionMatrix::from_costs(1, 2, o, s, c);
    const Eigen::VectorXd d = Eigen::VectorXd::Constant(1, 100.0);
    LocationOptions opt = one_wave(1);
    opt.capacity = (Eigen::VectorXd(2) << 30.0, 50.0).finished();
    const LocationResult one = maximal_covering(m, d, opt);
    EXPECT_EQ(open_sites(one), (std::vector<int>{1}));
    EXPECT_DOUBLE_EQ(one.objective, 50.0);
    EXPECT_DOUBLE_EQ(one.zone_served[0], 0.5);
    EXPECT_DOUBLE_EQ(one.bound, 50.0);  // capacity bound: the largest capacity
    opt.waves = {2};
    const LocationResult two = maximal_covering(m, d, opt);
    EXPECT_DOUBLE_EQ(two.objective, 80.0);
    EXPECT_DOUBLE_EQ(two.site_served[0], 30.0);
    EXPECT_DOUBLE_EQ(two.site_served[1], 50.0);
    EXPECT_EQ(two.zone_site[0], 1);  // serves most of it
}

TEST(LocationCapacitated, LargeCapacitiesGiveTheUncapacitatedAnswer) {
    const Instance in = random_instance(40, 12, 2.5, 9);
    LocationOptions opt = one_wave(3);
    const LocationResult free = maximal_covering(in.matrix, in.demand, opt);
    opt.capacity = Eigen::VectorXd::Constant(12, 1e6);
    const LocationResult capped = maximal_covering(in.matrix, in.demand, opt);
    EXPECT_DOUBLE_EQ(capped.objective, free.objective);
}

TEST(LocationBounds, GapIsZeroOnlyWhenTheBoundMeetsTheObjective) {
    const Instance in = random_instance(300, 40, 2.0, 3);
    const LocationResult c = maximal_covering(in.matrix, in.demand, one_wave(5));
    EXPECT_GE(c.bound, c.objective);
    EXPECT_LE(c.bound, in.demand.sum());
    EXPECT_NEAR(c.gap, (c.bound - c.objective) / c.bound, 1e-15);
    const LocationResult m = p_median(in.matrix, in.demand, one_wave(5));
    EXPECT_LE(m.bound, m.objective);
    EXPECT_NEAR(m.gap, (m.objective - m.bound) / m.objective, 1e-15);
}

TEST(LocationDeterminism, SameAnswerEveryRun) {
    const Instance in = random_instance(500, 60, 2.0, 11);
    LocationOptions o;
    o.waves = {4, 4};
    const LocationResult a = maximal_covering(in.matrix, in.demand, o);
    const LocationResult b = maximal_covering(in.matrix, in.demand, o);
    EXPECT_EQ(a.site_wave, b.site_wave);
    EXPECT_EQ(a.objective, b.objective);
    EXPECT_EQ(a.bound, b.bound);
}

TEST(LocationBadInput, NamesWhatIsWrong) {
    const Instance in = random_instance(10, 5, 3.0, 1);
    EXPECT_THROW(maximal_covering(in.matrix, Eigen::VectorXd::Ones(9), one_wave(1)), InputError);
    Eigen::VectorXd negative = in.demand;
    negative[3] = -1.0;
    EXPECT_THROW(maximal_covering(in.matrix, negative, one_wave(1)), InputError);
    EXPECT_THROW(maximal_covering(in.matrix, in.demand, one_wave(1, {5})), InputError);
    EXPECT_THROW(maximal_covering(in.matrix, in.demand, one_wave(1, {1, 1})), InputError);
    EXPECT_THROW(maximal_covering(in.matrix, in.demand, one_wave(5, {0})), InputError);
    EXPECT_THROW(maximal_covering(in.matrix, in.demand, LocationOptions{}), InputError);
    LocationOptions capped = one_wave(1);
    capped.capacity = Eigen::VectorXd::Ones(4);
    EXPECT_THROW(maximal_covering(in.matrix, in.demand, capped), InputError);
    capped.capacity = Eigen::VectorXd::Ones(5);
    EXPECT_THROW(p_median(in.matrix, in.demand, capped), InputError);
    try {
        maximal_covering(in.matrix, negative, one_wave(1));
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("zone 3"), std::string::npos) << e.what();
    }
}

TEST(LocationControl, StopsOnRequest) {
    const Instance in = random_instance(200, 30, 2.0, 2);
    std::stop_source stop;
    stop.request_stop();
    Control control;
    control.stop = stop.get_token();
    EXPECT_THROW(maximal_covering(in.matrix, in.demand, one_wave(3), control), Stopped);
}

}  // namespace
}  // namespace furthest
