// Is reach going furthest first? The concentration index of reach over zones ranked by need
// (Wagstaff, Paci & van Doorslaer 1991; Kakwani, Wagstaff & van Doorslaer 1997), in the grouped
// form of Kakwani et al. (eq. 6): C = (2 / R) sum_t reach_t r_t - 1, r_t the midpoint of need
// group t's population share. That is 2 cov_w(h, r) / mean_w(h) with h = reach per person (the
// population weights cancel: w_i h_i = reach_i), and the Fuller–Lury area form 1 - 2 A.
//
// The bootstrap resamples zones with replacement: draw d puts multiplicities on the zones from the
// stream seeded by (seed, d) alone and walks the need order once, so no draw depends on another or
// on the thread count.
#include "core/parallel.hpp"
#include "core/random_streams.hpp"
#include "core/text.hpp"
#include "furthest/errors.hpp"
#include "furthest/monitoring.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace furthest {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
__extension__ using Wide = unsigned __int128;  // GCC and Clang: the 64x64->128 multiply of Lemire's method

std::string zone_name(std::span<const std::string> ids, std::size_t i) {
    return ids.empty() ? "at position " + std::to_string(i) : "'" + ids[i] + "'";
}


/// Uniform on [0, bound) without bias (Lemire 2019, multiply and reject), from the 64-bit stream
/// the standard defines exactly (std::mt19937_64), so draws are the same on every platform.
std::uint64_t below(std::mt19937_64& g, std::uint64_t bound) {
    Wide m = static_cast<Wide>(g()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
        const std::uint64_t threshold = (0 - bound) % bound;
        while (low < threshold) {
            m = static_cast<Wide>(g()) * bound;
            low = static_cast<std::uint64_t>(m);
        }
    }
    return static_cast<std::uint64_t>(m >> 64);
}

/// The need order (most need first, ties by position) and where each tie group starts.
struct NeedOrder {
    std::vector<std::size_t> zones;   ///< zone indices, most need first
    std::vector<std::size_t> starts;  ///< start of each group in `zones`, then zones.size()
};

void check_sizes(std::size_t n, std::size_t other, const char* what, const char* who) {
    if (other != n)
        throw InputError(std::string(who) + ": " + std::to_string(n) + " zones with reach but " + std::to_string(other) + " " +
                         what + "; give one per zone");
}

/// Validates the zones and returns the total reach (> 0) and people (> 0).
void validate(const ReachByNeed& z, const char* who, bool need_reach) {
    const std::size_t n = z.reach.size();
    check_sizes(n, z.population.size(), "population values", who);
    check_sizes(n, z.need_rank.size(), "need ranks", who);
    if (!z.zone_ids.empty()) check_sizes(n, z.zone_ids.size(), "zone ids", who);
    if (n == 0) throw InputError(std::string(who) + ": no zones");
    double reach = 0.0, people = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double r = z.reach[i], p = z.population[i], k = z.need_rank[i];
        const std::string zone = "zone " + zone_name(z.zone_ids, i);
        if (!std::isfinite(r) || r < 0.0)
            throw InputError(std::string(who) + ": " + zone + " has reach " + core::plain_number(r) + "; expected a number >= 0");
        if (!std::isfinite(p) || p < 0.0)
            throw InputError(std::string(who) + ": " + zone + " has population " + core::plain_number(p) +
                             "; expected a number >= 0 (residents)");
        if (!std::isfinite(k))
            throw InputError(std::string(who) + ": " + zone + " has need rank " + core::plain_number(k) +
                             "; rank every zone (1 = most need) or leave the zone out");
        if (r > 0.0 && p == 0.0)
            throw InputError(std::string(who) + ": " + zone + " has reach " + core::plain_number(r) +
                             " but population 0, so reach per person is undefined; give its residents or "
                             "count its reach in the zones its people live in");
        reach += r;
        people += p;
    }
    if (!(people > 0.0)) throw InputError(std::string(who) + ": the zones hold no people (population sums to 0)");
    if (need_reach && !(reach > 0.0))
        throw InputError(std::string(who) + ": no reach at all (reach sums to 0), so the index is undefined (0 / 0)");
}

NeedOrder need_order(std::span<const double> need_rank) {
    NeedOrder o;
    o.zones.resize(need_rank.size());
    std::iota(o.zones.begin(), o.zones.end(), std::size_t{0});
    std::stable_sort(o.zones.begin(), o.zones.end(), [&](std::size_t a, std::size_t b) { return need_rank[a] < need_rank[b]; });
    for (std::size_t k = 0; k < o.zones.size(); ++k)
        if (k == 0 || need_rank[o.zones[k]] != need_rank[o.zones[k - 1]]) o.starts.push_back(k);
    o.starts.push_back(o.zones.size());
    return o;
}

/// The index with zone multiplicities `times` (empty: 1 each); NaN when the reach is 0.
double index_with(const NeedOrder& o, std::span<const double> reach, std::span<const double> population,
                  std::span<const std::uint32_t> times) {
    double people = 0.0, total_reach = 0.0;
    for (std::size_t i = 0; i < reach.size(); ++i) {
        const double t = times.empty() ? 1.0 : static_cast<double>(times[i]);
        people += t * population[i];
        total_reach += t * reach[i];
    }
    if (!(total_reach > 0.0)) return kNaN;
    double before = 0.0, weighted = 0.0;
    for (std::size_t g = 0; g + 1 < o.starts.size(); ++g) {
        double group_people = 0.0, group_reach = 0.0;
        for (std::size_t k = o.starts[g]; k < o.starts[g + 1]; ++k) {
            const std::size_t i = o.zones[k];
            const double t = times.empty() ? 1.0 : static_cast<double>(times[i]);
            group_people += t * population[i];
            group_reach += t * reach[i];
        }
        weighted += group_reach * (before + 0.5 * group_people);
        before += group_people;
    }
    return 2.0 * weighted / (people * total_reach) - 1.0;
}

/// Linear interpolation between order statistics (Hyndman & Fan type 7, NumPy's default).
double quantile(const std::vector<double>& sorted, double p) {
    const double h = static_cast<double>(sorted.size() - 1) * p;
    const auto below_h = static_cast<std::size_t>(std::floor(h));
    const std::size_t above_h = std::min(below_h + 1, sorted.size() - 1);
    return sorted[below_h] + (h - static_cast<double>(below_h)) * (sorted[above_h] - sorted[below_h]);
}

/// Each zone's fractional rank (ties share their group's midpoint).
std::vector<double> fractional_ranks(const NeedOrder& o, std::span<const double> population) {
    double people = 0.0;
    for (const double p : population) people += p;
    std::vector<double> rank(population.size());
    double before = 0.0;
    for (std::size_t g = 0; g + 1 < o.starts.size(); ++g) {
        double group_people = 0.0;
        for (std::size_t k = o.starts[g]; k < o.starts[g + 1]; ++k) group_people += population[o.zones[k]];
        const double r = (before + 0.5 * group_people) / people;
        for (std::size_t k = o.starts[g]; k < o.starts[g + 1]; ++k) rank[o.zones[k]] = r;
        before += group_people;
    }
    return rank;
}

}  // namespace

ConcentrationResult concentration_index(const ReachByNeed& z, const ConcentrationOptions& options, const Control& control) {
    const char* who = "concentration index";
    validate(z, who, true);
    if (options.draws < 0)
        throw InputError("concentration index: draws is " + std::to_string(options.draws) + "; expected 0 or more");
    if (!(options.level > 0.0 && options.level < 1.0))
        throw InputError("concentration index: level is " + core::plain_number(options.level) +
                         "; expected a number between 0 and 1");
    const std::size_t n = z.reach.size();
    const NeedOrder order = need_order(z.need_rank);

    ConcentrationResult out;
    out.level = options.level;
    out.draws = options.draws;
    out.index = index_with(order, z.reach, z.population, {});
    out.fractional_rank = fractional_ranks(order, z.population);

    // The curve, one point per need group.
    double people = 0.0, reach = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        people += z.population[i];
        reach += z.reach[i];
    }
    out.curve_population.assign(1, 0.0);
    out.curve_reach.assign(1, 0.0);
    double cum_people = 0.0, cum_reach = 0.0;
    for (std::size_t g = 0; g + 1 < order.starts.size(); ++g) {
        for (std::size_t k = order.starts[g]; k < order.starts[g + 1]; ++k) {
            cum_people += z.population[order.zones[k]];
            cum_reach += z.reach[order.zones[k]];
        }
        out.curve_population.push_back(cum_people / people);
        out.curve_reach.push_back(cum_reach / reach);
    }
    out.curve_population.back() = 1.0;  // no rounding drift at the end
    out.curve_reach.back() = 1.0;

    out.lower = out.upper = kNaN;
    if (options.draws == 0) return out;
    const auto draws = static_cast<std::size_t>(options.draws);
    out.bootstrap.assign(draws, kNaN);
    core::parallel_chunks(
        draws, options.threads,
        [&](std::size_t begin, std::size_t end) {
            std::vector<std::uint32_t> times(n);
            for (std::size_t d = begin; d < end; ++d) {
                std::fill(times.begin(), times.end(), 0u);
                auto stream = core::generator_for(options.seed, d);
                for (std::size_t k = 0; k < n; ++k) ++times[below(stream, n)];
                out.bootstrap[d] = index_with(order, z.reach, z.population, times);
            }
        },
        control, "concentration index bootstrap");

    std::vector<double> sorted;
    sorted.reserve(draws);
    for (const double c : out.bootstrap)
        if (std::isfinite(c)) sorted.push_back(c);
    out.undefined_draws = static_cast<int>(draws - sorted.size());
    if (sorted.empty()) return out;
    std::sort(sorted.begin(), sorted.end());
    const double tail = 0.5 * (1.0 - options.level);
    out.lower = quantile(sorted, tail);
    out.upper = quantile(sorted, 1.0 - tail);
    return out;
}

std::vector<std::int64_t> need_groups(std::span<const double> population, std::span<const double> need_rank,
                                      std::int64_t groups) {
    if (groups < 1) throw InputError("need groups: " + std::to_string(groups) + " groups; expected at least 1");
    const std::vector<double> no_reach(population.size(), 0.0);
    ReachByNeed z{no_reach, population, need_rank};
    if (need_rank.size() != population.size())
        throw InputError("need groups: " + std::to_string(population.size()) + " population values but " +
                         std::to_string(need_rank.size()) + " need ranks; give one per zone");
    validate(z, "need groups", false);
    const std::vector<double> rank = fractional_ranks(need_order(need_rank), population);
    std::vector<std::int64_t> out(rank.size());
    const auto g = static_cast<double>(groups);
    for (std::size_t i = 0; i < rank.size(); ++i)
        out[i] = std::min<std::int64_t>(groups - 1, static_cast<std::int64_t>(std::floor(rank[i] * g)));
    return out;
}

GroupShares share_by_group(std::span<const double> reach, std::span<const double> population, std::span<const std::int64_t> group,
                           std::int64_t groups) {
    const char* who = "share by group";
    if (groups < 0) throw InputError("share by group: " + std::to_string(groups) + " groups; expected 0 or more");
    check_sizes(reach.size(), population.size(), "population values", who);
    check_sizes(reach.size(), group.size(), "group labels", who);
    const auto m = static_cast<std::size_t>(groups);
    GroupShares out;
    out.population.assign(m, 0.0);
    out.reach.assign(m, 0.0);
    double all_people = 0.0, all_reach = 0.0;
    for (std::size_t i = 0; i < reach.size(); ++i) {
        const double r = reach[i], p = population[i];
        const std::string zone = "zone at position " + std::to_string(i);
        if (!std::isfinite(r) || r < 0.0)
            throw InputError("share by group: " + zone + " has reach " + core::plain_number(r) + "; expected a number >= 0");
        if (!std::isfinite(p) || p < 0.0)
            throw InputError("share by group: " + zone + " has population " + core::plain_number(p) + "; expected a number >= 0");
        if (group[i] < -1 || group[i] >= groups)
            throw InputError("share by group: " + zone + " has group " + std::to_string(group[i]) +
                             "; expected -1 (none) or 0.." + std::to_string(groups - 1));
        all_people += p;
        all_reach += r;
        if (group[i] < 0) {
            out.ungrouped_population += p;
            out.ungrouped_reach += r;
        } else {
            out.population[static_cast<std::size_t>(group[i])] += p;
            out.reach[static_cast<std::size_t>(group[i])] += r;
        }
    }
    if (!(all_people > 0.0)) throw InputError("share by group: the zones hold no people (population sums to 0)");
    out.population_share.resize(m);
    out.reach_share.resize(m);
    out.ratio.resize(m);
    for (std::size_t g = 0; g < m; ++g) {
        out.population_share[g] = out.population[g] / all_people;
        out.reach_share[g] = all_reach > 0.0 ? out.reach[g] / all_reach : kNaN;
        out.ratio[g] = out.population_share[g] > 0.0 ? out.reach_share[g] / out.population_share[g] : kNaN;
    }
    return out;
}

}  // namespace furthest
