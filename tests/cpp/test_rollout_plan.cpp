// The rollout's algorithms outside a run: waves of areas and zones, and a whole budget shared
// by weight with minimums and caps (hand-checked cases).
#include "furthest/errors.hpp"
#include "furthest/rollout.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace {

using furthest::BudgetOptions;
using furthest::share_budget;
using Units = std::vector<std::int64_t>;

BudgetOptions budget_of(std::int64_t budget, std::int64_t minimum = 0, std::int64_t cap = 0) {
    BudgetOptions o;
    o.budget = budget;
    o.minimum = minimum;
    o.cap = cap;
    o.unit = "tablets";
    return o;
}

TEST(ShareBudget, LargestRemainderTiesToTheFirstListed) {
    // 7 by 5:3:2 = 3.5, 2.1, 1.4: integer parts 3, 2, 1, the one left to the largest remainder.
    EXPECT_EQ(share_budget(std::vector<double>{5, 3, 2}, budget_of(7)).units, (Units{4, 2, 1}));
    // 10 by 3:1 = 7.5, 2.5: equal remainders, the first listed gets the unit.
    EXPECT_EQ(share_budget(std::vector<double>{3, 1}, budget_of(10)).units, (Units{8, 2}));
    EXPECT_EQ(share_budget(std::vector<double>{1, 3}, budget_of(10)).units, (Units{3, 7}));
}

TEST(ShareBudget, ACapFreesBudgetForThoseHeldAtTheMinimum) {
    // Proportional shares 19.6, 0.2, 0.2: the first is capped at 10, so the other two share the
    // other 10 equally, above their minimum of 2.
    const auto share = share_budget(std::vector<double>{100, 1, 1}, budget_of(20, 2, 10));
    EXPECT_EQ(share.units, (Units{10, 5, 5}));
    EXPECT_EQ(share.unplaced, 0);
}

TEST(ShareBudget, MinimumsThenProportion) {
    // 12 by 10:1:1 with a minimum of 3: the small two at 3, the big one the other 6.
    EXPECT_EQ(share_budget(std::vector<double>{10, 1, 1}, budget_of(12, 3)).units, (Units{6, 3, 3}));
}

TEST(ShareBudget, EveryCapBindingLeavesTheRestUnplaced) {
    const auto share = share_budget(std::vector<double>{1, 2}, budget_of(10, 0, 3));
    EXPECT_EQ(share.units, (Units{3, 3}));
    EXPECT_EQ(share.unplaced, 4);
}

TEST(ShareBudget, NoWeightNoUnitsAndNoMinimum) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto share = share_budget(std::vector<double>{0, 4, nan, -1, 4}, budget_of(9, 1));
    EXPECT_EQ(share.units, (Units{0, 5, 0, 0, 4}));
}

TEST(ShareBudget, AlwaysSumsToTheBudgetWithinCaps) {
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> weight(0.0, 1000.0);
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<double> w(1 + trial % 37);
        for (double& x : w) x = weight(random);
        const std::int64_t budget = 50 + trial * 7, cap = trial % 3 == 0 ? 0 : 20 + trial % 50;
        const std::int64_t minimum = std::min<std::int64_t>(trial % 4, budget / static_cast<std::int64_t>(w.size()));
        const auto share = share_budget(w, budget_of(budget, minimum, cap));
        const std::int64_t total = std::accumulate(share.units.begin(), share.units.end(), std::int64_t{0});
        EXPECT_EQ(total + share.unplaced, budget);
        for (std::int64_t u : share.units) {
            EXPECT_GE(u, minimum);
            if (cap > 0) {
                EXPECT_LE(u, cap);
            }
        }
        // Left over only when every recipient is at its cap.
        if (share.unplaced > 0) {
            for (std::int64_t u : share.units) EXPECT_EQ(u, cap);
        }
    }
}

TEST(ShareBudget, RefusesWhatCannotBeShared) {
    EXPECT_THROW(share_budget(std::vector<double>{0, 0}, budget_of(10)), furthest::InputError);
    EXPECT_THROW(share_budget(std::vector<double>{1, 1, 1}, budget_of(10, 4)), furthest::InputError);
    EXPECT_THROW(share_budget(std::vector<double>{1}, budget_of(0)), furthest::InputError);
    EXPECT_THROW(share_budget(std::vector<double>{1}, budget_of(10, 5, 3)), furthest::InputError);
}

// Areas A (done), B, C, D; zones z1..z7 in them.
furthest::WaveProblem three_areas() {
    furthest::WaveProblem p;
    p.area_ids = {"A", "B", "C", "D"};
    p.area_value = {0.0, 5.0, 9.0, 5.0};
    p.area_done = {true, false, false, false};
    p.zone_ids = {"z1", "z2", "z3", "z4", "z5", "z6", "z7"};
    p.zone_area = {0, 1, 1, 1, 2, 3, -1};
    p.priority = Eigen::VectorXd::Zero(7);
    p.priority << 0.1, 0.5, 0.9, 0.5, 0.3, 0.2, 1.0;
    p.people = Eigen::VectorXd::Constant(7, 5.0);
    return p;
}

TEST(PlanWaves, AreasByValueAfterTheDoneOnesZonesByPriorityWithCapacity) {
    furthest::WaveOptions o;
    o.areas_per_wave = 2;
    o.zone_capacity = 2;
    const auto plan = furthest::plan_waves(three_areas(), o);
    // A done (wave 0); C (9) then B and D tie on 5, B first by id: C, B in wave 1, D in wave 2.
    EXPECT_EQ(plan.area_wave, (std::vector<int>{0, 1, 1, 2}));
    // Within B: z3 (0.9), then z2 and z4 tie on 0.5 (z2 first by id); two zones a wave, so z4
    // waits for B's second wave. z7 has no area and is not placed.
    EXPECT_EQ(plan.zone_wave, (std::vector<int>{1, 1, 1, 2, 1, 1, 0}));
    EXPECT_EQ(plan.place_in_area, (std::vector<std::int64_t>{1, 2, 1, 3, 1, 1, 0}));
    // Globally: wave 0's z1; area wave 1's first zone wave across B and C by priority (z3 0.9,
    // z2 0.5, z5 0.3); then B's second zone wave (z4); then area wave 2 (z6).
    EXPECT_EQ(plan.order, (std::vector<std::int64_t>{1, 3, 2, 5, 4, 6, 0}));
}

TEST(PlanWaves, CapacityInPeople) {
    furthest::WaveOptions o;
    o.areas_per_wave = 4;
    o.zone_capacity = 8;  // 5 people each: the first two start before 8 are used, the third after
    o.capacity_in_people = true;
    const auto plan = furthest::plan_waves(three_areas(), o);
    EXPECT_EQ(plan.zone_wave[2], 1);  // z3, 0 people before it
    EXPECT_EQ(plan.zone_wave[1], 1);  // z2, 5 before it
    EXPECT_EQ(plan.zone_wave[3], 2);  // z4, 10 before it
}

TEST(PlanWaves, TheOrderTheZonesAreListedInDoesNotMatter) {
    const furthest::WaveProblem p = three_areas();
    furthest::WaveOptions o;
    o.areas_per_wave = 1;
    o.zone_capacity = 1;
    const auto plan = furthest::plan_waves(p, o);
    std::vector<std::size_t> perm = {6, 3, 0, 5, 1, 4, 2};
    furthest::WaveProblem q = p;
    for (std::size_t i = 0; i < perm.size(); ++i) {
        q.zone_ids[i] = p.zone_ids[perm[i]];
        q.zone_area[i] = p.zone_area[perm[i]];
        q.priority(static_cast<Eigen::Index>(i)) = p.priority(static_cast<Eigen::Index>(perm[i]));
    }
    const auto shuffled = furthest::plan_waves(q, o);
    for (std::size_t i = 0; i < perm.size(); ++i) {
        EXPECT_EQ(shuffled.zone_wave[i], plan.zone_wave[perm[i]]);
        EXPECT_EQ(shuffled.order[i], plan.order[perm[i]]);
    }
}

TEST(PlanWaves, UnscoredZonesAndEmptyAreasStayOut) {
    furthest::WaveProblem p = three_areas();
    p.priority(5) = std::numeric_limits<double>::quiet_NaN();  // D's only zone
    const auto plan = furthest::plan_waves(p, furthest::WaveOptions{});
    EXPECT_EQ(plan.area_wave[3], -1);
    EXPECT_EQ(plan.zone_wave[5], 0);
    EXPECT_EQ(plan.order[5], 0);
}

TEST(PlanWaves, RefusesMismatchedSizes) {
    furthest::WaveProblem p = three_areas();
    p.area_value.pop_back();
    EXPECT_THROW(furthest::plan_waves(p, furthest::WaveOptions{}), furthest::InputError);
    p = three_areas();
    p.zone_area[0] = 9;
    EXPECT_THROW(furthest::plan_waves(p, furthest::WaveOptions{}), furthest::InputError);
    furthest::WaveOptions o;
    o.areas_per_wave = 0;
    EXPECT_THROW(furthest::plan_waves(three_areas(), o), furthest::InputError);
}

}  // namespace
