// The furthest-first rollout: areas and zones into waves, and a whole budget shared by weight.
// Plain data in and out, so the run's rollout stage, its stability replay (once per uncertainty
// draw) and the Python bindings all use the same code.
#include "furthest/rollout.hpp"

#include "furthest/errors.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace furthest {
namespace {

void check(const WaveProblem& p, const WaveOptions& o) {
    const std::size_t zones = p.zone_ids.size(), areas = p.area_ids.size();
    if (p.zone_area.size() != zones || static_cast<std::size_t>(p.priority.size()) != zones)
        throw InputError("waves: " + std::to_string(zones) + " zone ids but " + std::to_string(p.zone_area.size()) +
                         " zone areas and " + std::to_string(p.priority.size()) + " priorities; give one of each per zone");
    if (p.people.size() != 0 && static_cast<std::size_t>(p.people.size()) != zones)
        throw InputError("waves: " + std::to_string(p.people.size()) + " people counts for " + std::to_string(zones) + " zones");
    if (p.area_value.size() != areas)
        throw InputError("waves: " + std::to_string(areas) + " area ids but " + std::to_string(p.area_value.size()) +
                         " area values; give one per area");
    if (!p.area_done.empty() && p.area_done.size() != areas)
        throw InputError("waves: " + std::to_string(p.area_done.size()) + " done flags for " + std::to_string(areas) + " areas");
    for (std::size_t z = 0; z < zones; ++z)
        if (p.zone_area[z] < -1 || p.zone_area[z] >= static_cast<std::int64_t>(areas))
            throw InputError("waves: zone '" + p.zone_ids[z] + "' has area index " + std::to_string(p.zone_area[z]) +
                             "; expected -1 (none) or 0.." + std::to_string(static_cast<long long>(areas) - 1));
    if (o.areas_per_wave < 1)
        throw InputError("waves: areas_per_wave is " + std::to_string(o.areas_per_wave) + "; expected at least 1");
    if (!(o.zone_capacity > 0.0) || !std::isfinite(o.zone_capacity))
        throw InputError("waves: zone_capacity must be a positive number");
    if (o.capacity_in_people && p.people.size() == 0)
        throw InputError("waves: zone capacity in people needs the people per zone");
}

}  // namespace

WavePlan plan_waves(const WaveProblem& p, const WaveOptions& o) {
    check(p, o);
    const std::size_t n_zones = p.zone_ids.size(), n_areas = p.area_ids.size();
    const auto done = [&](std::size_t a) { return !p.area_done.empty() && p.area_done[a]; };
    const auto placeable = [&](std::size_t z) {
        return p.zone_area[z] >= 0 && std::isfinite(p.priority(static_cast<Eigen::Index>(z)));
    };
    const auto area_of = [&](std::size_t z) { return static_cast<std::size_t>(p.zone_area[z]); };
    WavePlan plan;

    // Areas: done first (wave 0), then by value (highest first, NaN last), ties by id.
    std::vector<bool> has_zones(n_areas, false);
    for (std::size_t z = 0; z < n_zones; ++z)
        if (placeable(z)) has_zones[area_of(z)] = true;
    std::vector<std::size_t> areas(n_areas);
    std::iota(areas.begin(), areas.end(), 0);
    std::sort(areas.begin(), areas.end(), [&](std::size_t a, std::size_t b) {
        if (done(a) != done(b)) return done(a);
        const double va = std::isfinite(p.area_value[a]) ? p.area_value[a] : -HUGE_VAL;
        const double vb = std::isfinite(p.area_value[b]) ? p.area_value[b] : -HUGE_VAL;
        if (va != vb) return va > vb;
        return p.area_ids[a] < p.area_ids[b];
    });
    plan.area_wave.assign(n_areas, -1);
    std::int64_t next = 0;
    for (std::size_t a : areas) {
        if (!has_zones[a]) continue;
        plan.area_wave[a] = done(a) ? 0 : static_cast<int>(1 + next++ / o.areas_per_wave);
    }

    // Zones: grouped by area (areas in wave order, then by id), highest priority first, ties by id.
    std::vector<std::size_t> zones;
    for (std::size_t z = 0; z < n_zones; ++z)
        if (placeable(z)) zones.push_back(z);
    const auto priority = [&](std::size_t z) { return p.priority(static_cast<Eigen::Index>(z)); };
    std::sort(zones.begin(), zones.end(), [&](std::size_t x, std::size_t y) {
        const std::size_t ax = area_of(x), ay = area_of(y);
        if (ax != ay) {
            if (plan.area_wave[ax] != plan.area_wave[ay]) return plan.area_wave[ax] < plan.area_wave[ay];
            return p.area_ids[ax] < p.area_ids[ay];
        }
        if (priority(x) != priority(y)) return priority(x) > priority(y);
        return p.zone_ids[x] < p.zone_ids[y];
    });
    plan.zone_wave.assign(n_zones, 0);
    plan.place_in_area.assign(n_zones, 0);
    std::vector<double> used(n_areas, 0.0);
    std::vector<std::int64_t> placed(n_areas, 0);
    for (std::size_t z : zones) {
        const std::size_t a = area_of(z);
        // A zone starts in the wave whose capacity the zones before it have not yet filled.
        plan.zone_wave[z] = 1 + static_cast<int>(std::floor(used[a] / o.zone_capacity));
        used[a] += o.capacity_in_people ? p.people(static_cast<Eigen::Index>(z)) : 1.0;
        plan.place_in_area[z] = ++placed[a];
    }

    // Global order: area wave, then zone wave, then across the wave's areas by priority, then id.
    std::stable_sort(zones.begin(), zones.end(), [&](std::size_t x, std::size_t y) {
        const int ax = plan.area_wave[area_of(x)], ay = plan.area_wave[area_of(y)];
        if (ax != ay) return ax < ay;
        if (plan.zone_wave[x] != plan.zone_wave[y]) return plan.zone_wave[x] < plan.zone_wave[y];
        if (priority(x) != priority(y)) return priority(x) > priority(y);
        return p.zone_ids[x] < p.zone_ids[y];
    });
    plan.order.assign(n_zones, 0);
    for (std::size_t i = 0; i < zones.size(); ++i) plan.order[zones[i]] = static_cast<std::int64_t>(i + 1);
    return plan;
}

BudgetShare share_budget(std::span<const double> weight, const BudgetOptions& o) {
    if (o.budget < 1)
        throw InputError("allocation: the budget is " + std::to_string(o.budget) + " " + o.unit + "; expected at least 1");
    if (o.minimum < 0 || o.cap < 0) throw InputError("allocation: minimum and cap must be 0 or more (cap 0: none)");
    if (o.cap > 0 && o.cap < o.minimum)
        throw InputError("allocation: the cap (" + std::to_string(o.cap) + ") is below the minimum (" +
                         std::to_string(o.minimum) + ")");
    const std::size_t n = weight.size();
    BudgetShare out;
    out.units.assign(n, 0);
    std::vector<bool> eligible(n);
    std::int64_t count = 0;
    for (std::size_t i = 0; i < n; ++i) count += (eligible[i] = weight[i] > 0.0 && std::isfinite(weight[i]));
    if (count == 0) throw InputError("allocation: no recipient has a positive weight (gap-weighted need); nothing to share");
    if (o.minimum * count > o.budget)
        throw InputError("allocation: a minimum of " + std::to_string(o.minimum) + " " + o.unit + " for each of " +
                         std::to_string(count) + " recipients needs " + std::to_string(o.minimum * count) +
                         ", more than the budget of " + std::to_string(o.budget) + "; lower 'minimum' or raise 'budget'");
    // Continuous shares s_i = clamp(lambda * w_i, minimum, cap) with lambda chosen so they sum
    // to the budget: the sum grows with lambda, so bisection finds it (to the last bit of a
    // double). Freezing recipients one pass at a time is not enough: a cap frees budget that can
    // lift a recipient held at the minimum in the same pass.
    const double budget = static_cast<double>(o.budget), minimum = static_cast<double>(o.minimum);
    const double cap = o.cap > 0 ? static_cast<double>(o.cap) : HUGE_VAL;
    const auto shares_at = [&](double lambda, std::vector<double>& share) {
        double total = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            share[i] = eligible[i] ? std::clamp(lambda * weight[i], minimum, cap) : 0.0;
            total += share[i];
        }
        return total;
    };
    std::vector<double> share(n, 0.0);
    double low = 0.0, high = 1.0;
    const double ceiling = o.cap > 0 ? cap * static_cast<double>(count) : HUGE_VAL;
    if (ceiling <= budget) {
        shares_at(HUGE_VAL, share);  // every recipient at its cap; the rest stays unplaced
    } else {
        while (shares_at(high, share) < budget) high *= 2.0;
        for (int step = 0; step < 200 && low < high; ++step) {
            const double mid = low + (high - low) / 2.0;
            if (mid <= low || mid >= high) break;
            (shares_at(mid, share) < budget ? low : high) = mid;
        }
        shares_at(high, share);
    }
    // Whole units: the integer parts, then one more to each of the largest remainders.
    std::int64_t given = 0;
    std::vector<std::pair<double, std::size_t>> remainders;
    for (std::size_t i = 0; i < n; ++i) {
        if (!eligible[i]) continue;
        out.units[i] = static_cast<std::int64_t>(std::floor(share[i] + 1e-9));
        given += out.units[i];
        if (o.cap == 0 || out.units[i] < o.cap) remainders.emplace_back(share[i] - static_cast<double>(out.units[i]), i);
    }
    std::stable_sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [remainder, i] : remainders) {
        if (given >= o.budget) break;
        ++out.units[i];
        ++given;
    }
    out.unplaced = o.budget - given;
    return out;
}

}  // namespace furthest
