// Access measures on hand-made cases whose answers can be checked on paper.
#include "furthest/access.hpp"
#include "furthest/errors.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stop_token>
#include <string>
#include <vector>

namespace furthest {
namespace {

// 3 zones x 2 sites: zone 0 reaches site 0, zone 1 both, zone 2 site 1 (all at cost 1).
InteractionMatrix three_by_two() {
    const std::vector<std::int64_t> origin{0, 1, 1, 2};
    const std::vector<std::int64_t> site{0, 0, 1, 1};
    const std::vector<double> cost{1.0, 1.0, 1.0, 1.0};
    return InteractionMatrix::from_costs(3, 2, origin, site, cost);
}

const Eigen::VectorXd demand3 = (Eigen::VectorXd(3) << 100.0, 200.0, 300.0).finished();
const Eigen::VectorXd supply2 = (Eigen::VectorXd(2) << 10.0, 20.0).finished();

TEST(AccessTwoStep, ThreeZonesTwoSitesByHand) {
    const FloatingCatchment r = two_step_fca(three_by_two(), demand3, supply2);
    // Site 0 serves 100 + 200 people, site 1 serves 200 + 300.
    EXPECT_DOUBLE_EQ(r.site_demand[0], 300.0);
    EXPECT_DOUBLE_EQ(r.site_demand[1], 500.0);
    EXPECT_DOUBLE_EQ(r.site_ratio[0], 10.0 / 300.0);
    EXPECT_DOUBLE_EQ(r.site_ratio[1], 20.0 / 500.0);
    EXPECT_DOUBLE_EQ(r.access[0], 1.0 / 30.0);
    EXPECT_DOUBLE_EQ(r.access[1], 11.0 / 150.0);
    EXPECT_DOUBLE_EQ(r.access[2], 1.0 / 25.0);
    // Plain 2SFCA (no decay) hands out each site's supply once: sum A_i D_i = 30.
    EXPECT_NEAR(r.access.dot(demand3), 30.0, 1e-12);
}

TEST(AccessTwoStep, DecayWeighsBothSteps) {
    // One zone (demand 10) at cost 10 from one site (supply 5), Gaussian sigma 10: f = exp(-1/2).
    const std::vector<std::int64_t> o{0}, s{0};
    const std::vector<double> c{10.0};
    const auto m = InteractionMatrix::from_costs(1, 1, o, s, c);
    const double f = std::exp(-0.5);
    const FloatingCatchment r =
        two_step_fca(m, Eigen::VectorXd::Constant(1, 10.0), Eigen::VectorXd::Constant(1, 5.0), Decay::gaussian(10.0));
    EXPECT_DOUBLE_EQ(r.site_demand[0], 10.0 * f);
    EXPECT_DOUBLE_EQ(r.access[0], 5.0 / (10.0 * f) * f);
}

TEST(AccessDecay, MatchesPysalDefinitions) {
    // pysal/access weights.step_fn({20: 1, 40: 0.68, 60: 0.22}) docstring: 0..70 by 10.
    const Decay step = Decay::step({{40.0, 0.68}, {20.0, 1.0}, {60.0, 0.22}});
    const double expected[] = {1, 1, 1, 0.68, 0.68, 0.22, 0.22, 0};
    for (int k = 0; k < 8; ++k) EXPECT_EQ(step(10.0 * k), expected[k]) << k * 10;
    // weights.gaussian(sigma = 20) docstring values.
    const Decay g = Decay::gaussian(20.0);
    EXPECT_DOUBLE_EQ(g(0.0), 1.0);
    EXPECT_DOUBLE_EQ(g(20.0), 0.6065306597126334);
    EXPECT_DOUBLE_EQ(g(40.0), 0.1353352832366127);
    EXPECT_DOUBLE_EQ(Decay::linear(50.0)(25.0), 0.5);
    EXPECT_EQ(Decay::linear(50.0)(60.0), 0.0);
    EXPECT_DOUBLE_EQ(Decay::power(2.0, 1.0)(0.0), 1.0);
    EXPECT_DOUBLE_EQ(Decay::power(2.0, 1.0)(4.0), 1.0 / 16.0);
    EXPECT_DOUBLE_EQ(Decay::exponential(0.5)(2.0), std::exp(-1.0));
    EXPECT_THROW(Decay::gaussian(0.0), InputError);
    EXPECT_THROW(Decay::power(1.0, 0.0), InputError);
}

TEST(AccessBalanced, ByHandAndTotalsConserved) {
    const FloatingCatchment r = balanced_fca(three_by_two(), demand3, supply2);
    // Zone 1's 200 people split 100/100; sites 0 and 1 each split between their two zones.
    EXPECT_DOUBLE_EQ(r.site_demand[0], 200.0);
    EXPECT_DOUBLE_EQ(r.site_demand[1], 400.0);
    EXPECT_DOUBLE_EQ(r.access[0], 0.025);
    EXPECT_DOUBLE_EQ(r.access[1], 0.05);
    EXPECT_DOUBLE_EQ(r.access[2], 0.025);
    EXPECT_DOUBLE_EQ(r.zone_supply[0], 5.0);
    EXPECT_DOUBLE_EQ(r.zone_supply[1], 15.0);
    EXPECT_DOUBLE_EQ(r.zone_supply[2], 10.0);
}

TEST(AccessBalanced, ConservesTotalsWithDecayOnRandomPoints) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.0, 10000.0);
    std::vector<double> ox(300), oy(300), sx(40), sy(40);
    for (auto* v : {&ox, &oy, &sx, &sy})
        for (double& x : *v) x = u(rng);
    const auto m = InteractionMatrix::from_points(ox, oy, sx, sy, 2500.0);
    Eigen::VectorXd demand(300), supply(40);
    for (double& d : demand) d = std::floor(u(rng) / 10.0);
    for (double& s : supply) s = 1.0 + std::floor(u(rng) / 1000.0);
    const FloatingCatchment r = balanced_fca(m, demand, supply, Decay::gaussian(1000.0));
    // Every zone reaching a site hands all its people out; every site reached hands out all its supply.
    double reached_demand = 0.0, reached_supply = 0.0, supply_out = 0.0;
    const auto count = sites_within(m);
    for (Eigen::Index i = 0; i < 300; ++i)
        if (count[i] > 0) reached_demand += demand[i];
    for (Eigen::Index j = 0; j < 40; ++j) {
        if (r.site_demand[j] > 0.0) {
            reached_supply += supply[j];
            supply_out += r.site_ratio[j] * r.site_demand[j];
        }
    }
    ASSERT_GT(reached_supply, 0.0);
    EXPECT_NEAR(r.site_demand.sum(), reached_demand, 1e-9 * reached_demand);
    EXPECT_NEAR(r.zone_supply.sum(), reached_supply, 1e-12 * reached_supply);
    EXPECT_NEAR(supply_out, reached_supply, 1e-12 * reached_supply);
    double ratio_sum = 0.0;
    for (Eigen::Index j = 0; j < 40; ++j)
        if (!std::isnan(r.site_ratio[j])) ratio_sum += r.site_ratio[j];
    EXPECT_NEAR(r.access.sum(), ratio_sum, 1e-12 * ratio_sum);
}

TEST(AccessInteraction, PairExactlyAtTheCutoffIsInside) {
    // A 3-4-5 triangle: the site is exactly 5 from the origin; the other one just beyond.
    const std::vector<double> ox{0.0}, oy{0.0}, sx{3.0, 3.0}, sy{4.0, 4.000001};
    const auto m = InteractionMatrix::from_points(ox, oy, sx, sy, 5.0);
    ASSERT_EQ(m.pairs(), 1);
    EXPECT_EQ(sites_within(m)[0], 1);
    EXPECT_EQ(nearest_site(m).cost[0], 5.0);
    EXPECT_EQ(nearest_site(m).site[0], 0);
    // The same with a cost table: cost == max_cost is inside.
    const std::vector<std::int64_t> o{0, 0}, s{0, 1};
    const std::vector<double> c{5.0, 5.0000001};
    EXPECT_EQ(InteractionMatrix::from_costs(1, 2, o, s, c, 5.0).pairs(), 1);
}

TEST(AccessInteraction, SiteAtDistanceZeroCountsFully) {
    // A hub geocoded to the origin's own point, and a second origin 3 away.
    const std::vector<double> ox{10.0, 13.0}, oy{10.0, 10.0}, sx{10.0}, sy{10.0};
    const auto m = InteractionMatrix::from_points(ox, oy, sx, sy, 5.0);
    ASSERT_EQ(m.pairs(), 2);  // the zero is a stored pair
    const NearestSite n = nearest_site(m);
    EXPECT_EQ(n.cost[0], 0.0);
    EXPECT_EQ(n.site[0], 0);
    EXPECT_EQ(sites_within(m)[0], 1);
    const Eigen::VectorXd demand = Eigen::VectorXd::Constant(2, 50.0);
    const Eigen::VectorXd supply = Eigen::VectorXd::Constant(1, 4.0);
    const FloatingCatchment r = two_step_fca(m, demand, supply, Decay::linear(6.0));
    // f(0) = 1, f(3) = 0.5: site demand 50 + 25, zone 0 gets the full ratio.
    EXPECT_DOUBLE_EQ(r.site_demand[0], 75.0);
    EXPECT_DOUBLE_EQ(r.access[0], 4.0 / 75.0);
    EXPECT_DOUBLE_EQ(gravity(m, supply, Decay::power(1.0, 1.0))[0], 4.0);
}

TEST(AccessInteraction, NearestTiesGoToTheLowerIndexAndNothingInReachIsNan) {
    const std::vector<double> ox{0.0, 100.0}, oy{0.0, 100.0}, sx{0.0, 1.0, 0.0}, sy{1.0, 0.0, -1.0};
    const NearestSite n = nearest_site(InteractionMatrix::from_points(ox, oy, sx, sy, 2.0));
    EXPECT_EQ(n.site[0], 0);
    EXPECT_EQ(n.cost[0], 1.0);
    EXPECT_TRUE(std::isnan(n.cost[1]));
    EXPECT_EQ(n.site[1], -1);
}

TEST(AccessInteraction, GridEqualsBruteForceAndThreadCountDoesNotMatter) {
    std::mt19937_64 rng(11);
    // Coordinates on a 10 m lattice so many pairs fall exactly at the cutoff (3-4-5 multiples).
    std::uniform_int_distribution<int> u(0, 400);
    std::vector<double> ox(2000), oy(2000), sx(300), sy(300);
    for (auto* v : {&ox, &oy, &sx, &sy})
        for (double& x : *v) x = 400000.0 + 10.0 * u(rng);
    const double cutoff = 500.0;
    const auto one = InteractionMatrix::from_points(ox, oy, sx, sy, cutoff, 1);
    const auto two = InteractionMatrix::from_points(ox, oy, sx, sy, cutoff, 2);
    Eigen::Index expected = 0;
    for (std::size_t i = 0; i < ox.size(); ++i) {
        for (std::size_t j = 0; j < sx.size(); ++j) {
            const double dx = sx[j] - ox[i], dy = sy[j] - oy[i];
            const double d = std::sqrt(dx * dx + dy * dy);
            if (d <= cutoff) {
                ++expected;
                ASSERT_EQ(one.costs().coeff(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)), d);
            }
        }
    }
    EXPECT_EQ(one.pairs(), expected);
    ASSERT_EQ(two.pairs(), one.pairs());
    for (Eigen::Index k = 0; k < one.pairs(); ++k) {
        ASSERT_EQ(one.costs().innerIndexPtr()[k], two.costs().innerIndexPtr()[k]);
        ASSERT_EQ(one.costs().valuePtr()[k], two.costs().valuePtr()[k]);
    }
}

TEST(AccessInteraction, StopThrowsStopped) {
    std::stop_source source;
    source.request_stop();
    Control control;
    control.stop = source.get_token();
    const std::vector<double> x{0.0, 1.0}, y{0.0, 1.0};
    EXPECT_THROW(InteractionMatrix::from_points(x, y, x, y, 5.0, 2, control), Stopped);
}

TEST(AccessInteraction, CostTableWithADuplicatePairIsRefusedNamingIt) {
    const std::vector<std::int64_t> origin{0, 1, 0};
    const std::vector<std::int64_t> site{1, 0, 1};
    const std::vector<double> cost{3.0, 4.0, 5.0};
    try {
        InteractionMatrix::from_costs(2, 2, origin, site, cost);
        FAIL() << "a duplicate pair was accepted";
    } catch (const InputError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("(origin 0, site 1)"), std::string::npos) << message;
        EXPECT_NE(message.find("rows 0 and 2"), std::string::npos) << message;
    }
}

TEST(AccessInteraction, BadInputIsRefused) {
    const std::vector<double> x{0.0, NAN}, y{0.0, 1.0}, one{0.0};
    EXPECT_THROW(InteractionMatrix::from_points(x, y, one, one, 5.0), InputError);
    EXPECT_THROW(InteractionMatrix::from_points(one, one, one, one, -1.0), InputError);
    const std::vector<std::int64_t> o{0}, s{3};
    const std::vector<double> c{1.0};
    EXPECT_THROW(InteractionMatrix::from_costs(1, 2, o, s, c), InputError);
    const auto m = three_by_two();
    EXPECT_THROW(two_step_fca(m, Eigen::VectorXd::Ones(2), supply2), InputError);
    EXPECT_THROW(two_step_fca(m, -demand3, supply2), InputError);
}

}  // namespace
}  // namespace furthest
