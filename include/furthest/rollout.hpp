/// @brief The furthest-first rollout outside a run: areas and zones into waves, and a whole budget shared by weight.
///
/// The `rollout` stage of a run calls these with the run's need, support and population; another
/// program (or `furthest.plan` in Python) can call them with its own priorities.
/// @code
///   WaveProblem w;
///   w.zone_ids = ids; w.zone_area = area_of_zone; w.priority = gap; w.area_ids = area_ids;
///   w.area_value = people_in_high_need_low_support; w.area_done = {true, false, false};
///   WaveOptions o; o.areas_per_wave = 4; o.zone_capacity = 8;
///   const WavePlan plan = plan_waves(w, o);       // plan.area_wave, plan.zone_wave, plan.order
///
///   BudgetOptions b; b.budget = 200; b.minimum = 4; b.cap = 40; b.unit = "tablets";
///   const BudgetShare share = share_budget(gap_weighted_people, b);   // sums to 200 unless every cap binds
/// @endcode
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace furthest {

/// Zones and areas to sequence. Ties are broken by id, so the plan does not depend on the
/// order the zones are listed in.
struct WaveProblem {
    std::vector<std::string> zone_ids;
    /// Per zone: the index of its area in area_ids, or -1 for a zone in no area (not placed).
    std::vector<std::int64_t> zone_area;
    /// Per zone: higher goes first within its area; NaN leaves the zone out of the plan.
    Eigen::VectorXd priority;
    /// Per zone: people, used when the zone capacity is counted in people (empty: 1 each).
    Eigen::VectorXd people;
    std::vector<std::string> area_ids;
    /// Per area: the rule's value, higher goes first; NaN last.
    std::vector<double> area_value;
    /// Per area: already done (the pilot), fixed in wave 0 (empty: none).
    std::vector<bool> area_done;
};

struct WaveOptions {
    /// Areas in each wave (>= 1).
    std::int64_t areas_per_wave = 4;
    /// What an area can serve per zone wave: zones, or people when capacity_in_people (> 0).
    double zone_capacity = 10.0;
    bool capacity_in_people = false;
};

/// Each area's wave and each zone's wave within its area.
struct WavePlan {
    /// Per area: 0 when done, 1, 2 ... by value; -1 for an area with no placed zone.
    std::vector<int> area_wave;
    /// Per zone: 1, 2 ... within its area (a zone starts in the wave whose capacity the zones
    /// before it have not yet filled); 0 when not placed.
    std::vector<int> zone_wave;
    /// Per zone: 1.. in the global order (area wave, zone wave, then priority across areas,
    /// then id); 0 when not placed.
    std::vector<std::int64_t> order;
    /// Per zone: 1.. its place within its area; 0 when not placed.
    std::vector<std::int64_t> place_in_area;
};

/// Areas into waves of `areas_per_wave` (done areas in wave 0, then by value, highest first,
/// ties by id), then zones within each area by priority (highest first, ties by id) into zone
/// waves of `zone_capacity`. Throws InputError when sizes disagree or an option is out of range.
WavePlan plan_waves(const WaveProblem& problem, const WaveOptions& options);

struct BudgetOptions {
    /// Whole units to share (>= 1).
    std::int64_t budget = 0;
    /// Units each recipient with a positive weight gets at least (>= 0).
    std::int64_t minimum = 0;
    /// Units any recipient gets at most; 0 for no cap.
    std::int64_t cap = 0;
    /// What a unit is, for messages ("tablets", "places", "pounds").
    std::string unit = "units";
};

struct BudgetShare {
    /// Per recipient: whole units; 0 for a weight <= 0 or NaN.
    std::vector<std::int64_t> units;
    /// Budget left over because every recipient reached its cap (0 otherwise).
    std::int64_t unplaced = 0;
};

/// Whole units in proportion to `weight`: continuous shares with the minimum and cap applied
/// (water-filling), then whole units by the largest remainder (Hamilton's method), ties to the
/// recipient listed first. The units sum to the budget unless the caps leave some unplaced.
/// Throws InputError when no weight is positive or the minimums alone exceed the budget.
BudgetShare share_budget(std::span<const double> weight, const BudgetOptions& options);

}  // namespace furthest
