// Local Gi* and local Moran's I with conditional permutation inference (Anselin 1995, sec. 4):
// zone i keeps its own value and its neighbours' values are drawn, without replacement, from the
// other n - 1 zones. Zone i's draws come from a stream seeded by (seed, i), so a zone's p-value does
// not depend on which thread ran it or on the thread count (libgeoda's do).
#include "core/parallel.hpp"
#include "core/random_streams.hpp"
#include "furthest/errors.hpp"
#include "furthest/spatial_stats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

namespace furthest {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
__extension__ using Wide = unsigned __int128;  // GCC and Clang; the 64x64->128 multiply of Lemire's method

/// xoshiro256** (Blackman & Vigna 2018), seeded from the zone's std::mt19937_64 stream: a few
/// nanoseconds a draw where a million draws a second per zone matter.
class ZoneStream {
public:
    ZoneStream(std::uint64_t seed, std::uint64_t zone) {
        auto seeder = core::generator_for(seed, zone);
        for (auto& word : s_) word = seeder();
    }
    std::uint64_t next() {
        const std::uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = std::rotl(s_[3], 45);
        return result;
    }
    /// Uniform on [0, bound) without bias (Lemire 2019, multiply and reject).
    std::uint64_t below(std::uint64_t bound) {
        Wide m = static_cast<Wide>(next()) * bound;
        auto low = static_cast<std::uint64_t>(m);
        if (low < bound) {
            const std::uint64_t threshold = (0 - bound) % bound;
            while (low < threshold) {
                m = static_cast<Wide>(next()) * bound;
                low = static_cast<std::uint64_t>(m);
            }
        }
        return static_cast<std::uint64_t>(m >> 64);
    }

private:
    std::uint64_t s_[4];
};

/// One zone's row: the neighbours' weights (in CSR order) and the weight of the zone itself.
struct Row {
    const std::size_t* neighbours;
    const double* weights;
    std::size_t k;
    double self_weight;
};

/// statistic = scale * (self_weight * data[i] + sum_j w_ij data[j]) * factor_i, where factor_i is
/// data[i] for Moran (a product) and 1 for Gi* (a ratio folded into `scale`).
struct Kernel {
    std::span<const double> data;
    double scale;
    bool times_own_value;  // Moran
    double statistic(std::size_t i, double lag) const { return times_own_value ? data[i] * lag * scale : lag * scale; }
};

void check_inputs(std::span<const double> values, const SpatialWeights& weights, int permutations, const char* what) {
    weights.validate();
    if (values.size() != weights.size())
        throw InputError(std::string(what) + ": " + std::to_string(values.size()) + " values but the weights have " +
                         std::to_string(weights.size()) + " zones");
    if (values.size() < 3) throw InputError(std::string(what) + ": needs at least 3 zones");
    for (std::size_t i = 0; i < values.size(); ++i)
        if (!std::isfinite(values[i]))
            throw InputError(std::string(what) + ": zone " + std::to_string(i + 1) +
                             " has a missing or non-finite value; drop it (and rebuild the weights) first");
    if (permutations < 0) throw InputError(std::string(what) + ": permutations must be 0 or more");
}

LocalStatistics run(const Kernel& kernel, const std::vector<Row>& rows, int permutations, std::uint64_t seed, int threads,
                    const Control& control, const std::string& step) {
    const std::size_t n = rows.size();
    const auto P = static_cast<std::size_t>(permutations);
    LocalStatistics out;
    out.statistic.assign(n, kNaN);
    out.z.assign(n, kNaN);
    out.p.assign(n, kNaN);
    out.cluster.assign(n, 0);
    out.permutations = permutations;
    out.min_p = smallest_p_value(permutations);
    core::parallel_chunks(
        n, threads,
        [&](std::size_t begin, std::size_t end) {
            std::vector<double> simulated(P);
            std::vector<std::size_t> drawn;
            std::vector<std::uint32_t> stamp;  // for rows too long for a linear duplicate check
            std::uint32_t generation = 0;
            for (std::size_t i = begin; i < end; ++i) {
                const Row& row = rows[i];
                if (row.k == 0) continue;  // island: no statistic, never classified
                const double own = row.self_weight * kernel.data[i];
                double lag = own;
                for (std::size_t e = 0; e < row.k; ++e) lag += row.weights[e] * kernel.data[row.neighbours[e]];
                const double observed = kernel.statistic(i, lag);
                out.statistic[i] = observed;
                if (P == 0) continue;
                if (row.k > n - 1)
                    throw InputError(step + ": zone " + std::to_string(i + 1) + " has more neighbours than other zones");
                ZoneStream stream(seed, i);
                drawn.resize(row.k);
                const bool linear = row.k <= 24;
                if (!linear && stamp.size() != n) stamp.assign(n, 0);
                for (std::size_t p = 0; p < P; ++p) {
                    if (!linear && ++generation == 0) {
                        std::fill(stamp.begin(), stamp.end(), 0);
                        generation = 1;
                    }
                    // k distinct draws from the n - 1 other zones: r in [0, n - 2], skipping i.
                    for (std::size_t e = 0; e < row.k; ++e) {
                        for (;;) {
                            std::size_t r = stream.below(n - 1);
                            r += r >= i;
                            bool repeat = false;
                            if (linear) {
                                for (std::size_t f = 0; f < e; ++f) repeat |= drawn[f] == r;
                            } else {
                                repeat = stamp[r] == generation;
                                stamp[r] = generation;
                            }
                            if (!repeat) {
                                drawn[e] = r;
                                break;
                            }
                        }
                    }
                    double simulated_lag = own;
                    for (std::size_t e = 0; e < row.k; ++e) simulated_lag += row.weights[e] * kernel.data[drawn[e]];
                    simulated[p] = kernel.statistic(i, simulated_lag);
                }
                std::size_t greater = 0, lesser = 0;
                double sum = 0.0;
                for (const double s : simulated) {
                    greater += s >= observed;
                    lesser += s <= observed;
                    sum += s;
                }
                const double mean = sum / static_cast<double>(P);
                double squares = 0.0;
                for (const double s : simulated) squares += (s - mean) * (s - mean);
                const double sd = std::sqrt(squares / static_cast<double>(P));  // ddof 0, as esda's z_sim
                out.z[i] = sd > 0.0 ? (observed - mean) / sd : kNaN;
                out.p[i] = std::min(1.0, 2.0 * static_cast<double>(std::min(greater, lesser) + 1) / static_cast<double>(P + 1));
            }
        },
        control, step);
    return out;
}

}  // namespace

LocalStatistics local_gi_star(std::span<const double> values, const SpatialWeights& weights, int permutations, std::uint64_t seed,
                              int threads, const Control& control) {
    check_inputs(values, weights, permutations, "Gi*");
    const std::size_t n = values.size();
    double total = 0.0;
    for (const double v : values) total += v;
    if (total == 0.0) throw InputError("Gi*: the values sum to zero, so G*_i (a share of the total) is undefined");
    // esda's G_Local(star=True): the zone enters its own row at the row's largest weight (1 when
    // binary); row-standardised weights are standardised again with it, giving 1 / (k + 1) each.
    std::vector<double> scaled(weights.weights.size());
    std::vector<Row> rows(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t b = weights.offsets[i], k = weights.cardinality(i);
        double largest = 0.0, sum = 0.0;
        for (std::size_t e = b; e < b + k; ++e) {
            largest = std::max(largest, weights.weights[e]);
            sum += weights.weights[e];
        }
        const double norm = weights.row_standardised && k > 0 ? 1.0 / (sum + largest) : 1.0;
        for (std::size_t e = b; e < b + k; ++e) scaled[e] = weights.weights[e] * norm;
        rows[i] = Row{weights.neighbours.data() + b, scaled.data() + b, k, largest * norm};
    }
    LocalStatistics out = run(Kernel{values, 1.0 / total, false}, rows, permutations, seed, threads, control, "local Gi*");
    for (std::size_t i = 0; i < n; ++i)
        if (weights.cardinality(i) > 0 && std::isfinite(out.z[i]))
            out.cluster[i] = out.z[i] > 0.0 ? 1 : (out.z[i] < 0.0 ? -1 : 0);
    return out;
}

LocalStatistics local_moran(std::span<const double> values, const SpatialWeights& weights, int permutations, std::uint64_t seed,
                            int threads, const Control& control) {
    check_inputs(values, weights, permutations, "local Moran's I");
    const std::size_t n = values.size();
    double mean = 0.0;
    for (const double v : values) mean += v;
    mean /= static_cast<double>(n);
    std::vector<double> z(n);
    double squares = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        z[i] = values[i] - mean;
        squares += z[i] * z[i];
    }
    if (squares == 0.0) throw InputError("local Moran's I: the values are all equal, so there is no variation to test");
    std::vector<Row> rows(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t b = weights.offsets[i];
        rows[i] = Row{weights.neighbours.data() + b, weights.weights.data() + b, weights.cardinality(i), 0.0};
    }
    const double scale = static_cast<double>(n - 1) / squares;
    LocalStatistics out = run(Kernel{z, scale, true}, rows, permutations, seed, threads, control, "local Moran's I");
    // esda's q: 1 HH, 2 LH, 3 LL, 4 HL, from the signs of z_i and its spatial lag.
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t b = weights.offsets[i], k = weights.cardinality(i);
        if (k == 0) continue;
        double lag = 0.0;
        for (std::size_t e = b; e < b + k; ++e) lag += weights.weights[e] * z[weights.neighbours[e]];
        const bool high = z[i] > 0.0, high_lag = lag > 0.0;
        out.cluster[i] = high ? (high_lag ? 1 : 4) : (high_lag ? 2 : 3);
    }
    return out;
}

std::vector<bool> benjamini_hochberg(std::span<const double> p, double alpha) {
    if (!(alpha > 0.0 && alpha < 1.0)) throw InputError("Benjamini-Hochberg: alpha must be between 0 and 1");
    std::vector<double> tested;
    for (const double v : p) {
        if (std::isnan(v)) continue;
        if (v < 0.0 || v > 1.0) throw InputError("Benjamini-Hochberg: p-values must lie in [0, 1]");
        tested.push_back(v);
    }
    std::vector<bool> reject(p.size(), false);
    if (tested.empty()) return reject;
    std::sort(tested.begin(), tested.end());
    const auto m = static_cast<double>(tested.size());
    // Step-up: the LARGEST k with p_(k) <= k alpha / m; every smaller p is rejected even where
    // p_(j) > j alpha / m for some j < k (stopping at the first failure is the step-down error).
    double cutoff = -1.0;
    for (std::size_t k = tested.size(); k-- > 0;) {
        if (tested[k] <= static_cast<double>(k + 1) * alpha / m) {
            cutoff = tested[k];
            break;
        }
    }
    for (std::size_t i = 0; i < p.size(); ++i) reject[i] = !std::isnan(p[i]) && p[i] <= cutoff;
    return reject;
}

double smallest_p_value(int permutations) {
    return permutations > 0 ? std::min(1.0, 2.0 / (static_cast<double>(permutations) + 1.0)) : 1.0;
}

bool permutations_suffice(int permutations, double alpha, std::size_t tests, Correction correction) {
    const double floor = smallest_p_value(permutations);
    if (permutations <= 0) return false;
    if (correction == Correction::None || tests == 0) return floor <= alpha;
    return floor <= alpha / static_cast<double>(tests);
}

}  // namespace furthest
