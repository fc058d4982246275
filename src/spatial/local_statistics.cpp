// Local Gi* and local Moran's I with conditional permutation inference (Anselin 1995, sec. 4):
// zone i keeps its own value and its neighbours' values are drawn, without replacement, from the
// other n - 1 zones. As esda's crand (Rey, Arribas-Bel and Wolf's conditional randomisation),
// the draws are made once per permutation and shared by every zone: permutation p holds k_max
// distinct ranks r in [0, n - 2]; zone i reads the first k_i of them as zones r + (r >= i), which
// skips itself and is a uniform draw from the others. The ranks come from streams seeded by
// (seed, block of permutations) alone, so no result depends on the thread count; and a zone costs
// P k_i multiply-adds rather than P k_i random draws (and a stream seeded per zone, which alone
// took about as long as pygeoda's whole run on national data).
#include "core/parallel.hpp"
#include "core/random_streams.hpp"
#include "furthest/errors.hpp"
#include "furthest/spatial_stats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace furthest {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
__extension__ using Wide = unsigned __int128;  // GCC and Clang; the 64x64->128 multiply of Lemire's method

/// Permutations drawn from one seeded stream: seeding a std::mt19937_64 (generator_for) costs
/// microseconds, so it is done once per block, not once per permutation.
constexpr std::size_t kPermutationsPerStream = 256;
/// At most this many ranks (4 bytes each) are held at once; more permutations run in batches.
constexpr std::size_t kRanksPerBatch = std::size_t{1} << 24;

/// xoshiro256** (Blackman & Vigna 2018), seeded from a std::mt19937_64 stream (generator_for).
class DrawStream {
public:
    DrawStream(std::uint64_t seed, std::uint64_t stream) {
        auto seeder = core::generator_for(seed, stream);
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

/// out[p] = start + term(r_p0, 0) + term(r_p1, 1) + ... + term(r_p(k-1), k - 1), added in that
/// order for each of `count` permutations (rows of `width` ranks). Four permutations run side by
/// side: each sum is a chain of dependent additions, and four chains keep the adder busy.
template <class Term>
void permuted_sums(const std::uint32_t* rank, std::size_t width, std::size_t count, std::size_t k, double start, Term term,
                   double* out) {
    std::size_t p = 0;
    for (; p + 4 <= count; p += 4, rank += 4 * width) {
        double a = start, b = start, c = start, d = start;
        for (std::size_t e = 0; e < k; ++e) {
            a += term(rank[e], e);
            b += term(rank[width + e], e);
            c += term(rank[2 * width + e], e);
            d += term(rank[3 * width + e], e);
        }
        out[p] = a;
        out[p + 1] = b;
        out[p + 2] = c;
        out[p + 3] = d;
    }
    for (; p < count; ++p, rank += width) {
        double a = start;
        for (std::size_t e = 0; e < k; ++e) a += term(rank[e], e);
        out[p] = a;
    }
}

/// Sum of f(x) over `values`, in four interleaved partial sums added in a fixed order at the end
/// (deterministic, and not one long chain of dependent additions).
template <class F>
double interleaved_sum(const std::vector<double>& values, F f) {
    double part[4] = {0.0, 0.0, 0.0, 0.0};
    std::size_t p = 0;
    for (; p + 4 <= values.size(); p += 4)
        for (std::size_t lane = 0; lane < 4; ++lane) part[lane] += f(values[p + lane]);
    for (; p < values.size(); ++p) part[0] += f(values[p]);
    return (part[0] + part[1]) + (part[2] + part[3]);
}

/// Ranks of permutations [first, first + count), `width` distinct ones in [0, others) each, row by
/// row; permutation p's come from stream p / kPermutationsPerStream, so a batch's ranks do not
/// depend on the batch size or the thread count.
void draw_ranks(std::size_t first, std::size_t count, std::size_t width, std::size_t others, std::uint64_t seed, int threads,
                const Control& control, const std::string& step, std::vector<std::uint32_t>& ranks) {
    ranks.resize(count * width);
    const std::size_t streams = (count + kPermutationsPerStream - 1) / kPermutationsPerStream;
    core::parallel_chunks(
        streams, threads,
        [&](std::size_t begin, std::size_t end) {
            std::vector<std::uint64_t> taken((others + 63) / 64, 0);  // the ranks of the permutation being drawn
            for (std::size_t b = begin; b < end; ++b) {
                const std::size_t p0 = first + b * kPermutationsPerStream;
                DrawStream stream(seed, p0 / kPermutationsPerStream);
                for (std::size_t p = p0; p < std::min(first + count, p0 + kPermutationsPerStream); ++p) {
                    std::uint32_t* row = ranks.data() + (p - first) * width;
                    for (std::size_t e = 0; e < width; ++e) {
                        std::uint64_t r;
                        do r = stream.below(others);
                        while (taken[r >> 6] >> (r & 63) & 1);
                        taken[r >> 6] |= std::uint64_t{1} << (r & 63);
                        row[e] = static_cast<std::uint32_t>(r);
                    }
                    for (std::size_t e = 0; e < width; ++e) taken[row[e] >> 6] = 0;
                }
            }
        },
        Control{control.stop, {}}, step);
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
    std::size_t width = 0;  // k_max: every permutation draws enough ranks for the largest row
    std::vector<bool> equal_weights(n, false);
    for (std::size_t i = 0; i < n; ++i) {
        const Row& row = rows[i];
        if (row.k == 0) continue;  // island: no statistic, never classified
        equal_weights[i] = std::all_of(row.weights, row.weights + row.k, [&](double w) { return w == row.weights[0]; });
        if (row.k > n - 1) throw InputError(step + ": zone " + std::to_string(i + 1) + " has more neighbours than other zones");
        double lag = row.self_weight * kernel.data[i];
        for (std::size_t e = 0; e < row.k; ++e) lag += row.weights[e] * kernel.data[row.neighbours[e]];
        out.statistic[i] = kernel.statistic(i, lag);
        width = std::max(width, row.k);
    }
    if (P == 0 || width == 0) {
        control.check(step);
        return out;
    }
    const std::size_t others = n - 1;
    if (others > std::numeric_limits<std::uint32_t>::max()) throw InputError(step + ": too many zones for permutation inference");
    // Per zone across batches: tail counts, and the mean and sum of squared deviations of the
    // permuted statistics (Chan, Golub & LeVeque 1979 to merge batches; one batch is the plain
    // two-pass mean and variance).
    std::vector<std::size_t> greater(n, 0), lesser(n, 0);
    std::vector<double> mean(n, 0.0), squares(n, 0.0);
    std::size_t batch = P;
    if (P * width > kRanksPerBatch)  // whole streams a batch, so the ranks do not depend on the batch size
        batch = kPermutationsPerStream * std::max<std::size_t>(1, kRanksPerBatch / (kPermutationsPerStream * width));
    std::vector<std::uint32_t> ranks;
    for (std::size_t first = 0; first < P; first += batch) {
        const std::size_t count = std::min(batch, P - first);
        draw_ranks(first, count, width, others, seed, threads, control, step, ranks);
        core::parallel_chunks(
            n, threads,
            [&](std::size_t begin, std::size_t end) {
                std::vector<double> simulated(count);
                for (std::size_t i = begin; i < end; ++i) {
                    const Row& row = rows[i];
                    if (row.k == 0) continue;
                    const std::size_t k = row.k;
                    const double own = row.self_weight * kernel.data[i];
                    const double* data = kernel.data.data();
                    const std::uint32_t* rank = ranks.data();
                    // Zone i reads rank r as zone r + (r >= i): uniform over the others, never itself.
                    auto value = [data, i](std::uint32_t r) { return data[r + static_cast<std::size_t>(r >= i)]; };
                    double observed = out.statistic[i];
                    if (equal_weights[i]) {
                        // One weight w for the row (binary, or row-standardised binary): the lag is
                        // own + w * (sum of the drawn values), one multiply a permutation. The observed
                        // statistic is compared in the same form, so an exact tie stays a tie.
                        const double w = row.weights[0];
                        double sum = 0.0;
                        for (std::size_t e = 0; e < k; ++e) sum += data[row.neighbours[e]];
                        observed = kernel.statistic(i, own + w * sum);
                        const auto drawn = [&](std::uint32_t r, std::size_t) { return value(r); };
                        permuted_sums(rank, width, count, k, 0.0, drawn, simulated.data());
                        for (double& s : simulated) s = kernel.statistic(i, own + w * s);
                    } else {
                        // The observed statistic's own formula, term by term in the same order.
                        const auto weighted = [&](std::uint32_t r, std::size_t e) { return row.weights[e] * value(r); };
                        permuted_sums(rank, width, count, k, own, weighted, simulated.data());
                        for (double& s : simulated) s = kernel.statistic(i, s);
                    }
                    std::size_t above = 0, below = 0;
                    for (const double s : simulated) {
                        above += s >= observed;
                        below += s <= observed;
                    }
                    const double batch_mean = interleaved_sum(simulated, [](double s) { return s; }) / static_cast<double>(count);
                    const double batch_squares =
                        interleaved_sum(simulated, [batch_mean](double s) { return (s - batch_mean) * (s - batch_mean); });
                    greater[i] += above;
                    lesser[i] += below;
                    if (first == 0) {
                        mean[i] = batch_mean;
                        squares[i] = batch_squares;
                    } else {
                        const double delta = batch_mean - mean[i];
                        const double seen = static_cast<double>(first), added = static_cast<double>(count);
                        mean[i] += delta * added / (seen + added);
                        squares[i] += batch_squares + delta * delta * seen * added / (seen + added);
                    }
                }
            },
            control, step);
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (rows[i].k == 0) continue;
        const double sd = std::sqrt(squares[i] / static_cast<double>(P));  // ddof 0, as esda's z_sim
        out.z[i] = sd > 0.0 ? (out.statistic[i] - mean[i]) / sd : kNaN;
        out.p[i] = std::min(1.0, 2.0 * static_cast<double>(std::min(greater[i], lesser[i]) + 1) / static_cast<double>(P + 1));
    }
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
