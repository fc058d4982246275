// Uncertainty of ranks: Monte Carlo over weights (Dirichlet or +/- a percentage), normalisation
// choices, leaving one indicator out, and input noise, as in the JRC audits of composite indicators
// (Saisana, Saltelli and Tarantola, J. R. Statist. Soc. A 168(2), 2005; OECD/JRC Handbook, 2008,
// section 7). Draws are scored in blocks as one (zones x indicators) . (indicators x draws) product,
// ranked with a radix sort, and folded into per-zone rank histograms, so memory does not grow with
// the number of draws. Each draw has its own generator seeded from (seed, draw index): the result
// is the same for any thread count. One-at-a-time scenarios over the same factors name, for each
// zone, the single change that moves its rank most.
#include "core/parallel.hpp"
#include "core/random_streams.hpp"
#include "core/ranking.hpp"
#include "furthest/errors.hpp"
#include "scoring/scoring_internal.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <numeric>
#include <optional>
#include <random>

namespace furthest::scoring_detail {
namespace {

constexpr int kBlock = 16;  // draws per product: enough columns for an efficient matrix product

// ---- rank histograms centred on the nominal rank --------------------------------------------
// Offsets |rank - nominal| below 32 are counted exactly; larger ones in 16 buckets per power of
// two, so a quantile far from the nominal rank is placed within 1/32 of its distance from it.
constexpr std::uint32_t kExact = 32;
constexpr std::uint32_t kSub = 16;

std::uint32_t bucket_of(std::uint32_t u) {
    if (u < kExact) return u;
    const auto o = static_cast<std::uint32_t>(std::bit_width(u)) - 1;  // >= 5
    const std::uint32_t sub = (u >> (o - 4)) & (kSub - 1);
    return kExact + (o - 5) * kSub + sub;
}

std::pair<std::uint32_t, std::uint32_t> bucket_range(std::uint32_t b) {
    if (b < kExact) return {b, b};
    const std::uint32_t o = 5 + (b - kExact) / kSub, sub = (b - kExact) % kSub;
    return {(kSub + sub) << (o - 4), ((kSub + sub + 1) << (o - 4)) - 1};
}

// ---- ranking one draw --------------------------------------------------------------------------
struct RankScratch {
    std::vector<std::uint64_t> ord;  // order-preserving key of each zone's score, descending
    std::vector<std::uint32_t> a, b, ka, kb;
    std::vector<std::int64_t> area_count;
    std::vector<double> area_last;
    std::vector<std::int64_t> area_rank;
};

std::uint64_t descending_key(double v) {
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(v + 0.0);  // -0.0 -> +0.0
    const std::uint64_t ascending = (bits >> 63) ? ~bits : (bits | 0x8000000000000000ULL);
    return ~ascending;
}

// Order zones by descending score: LSD radix sort on the top 32 bits of the key (3 passes of
// 11 bits, stable, so ties keep zone order), then runs that share those bits by the full key.
void order_descending(const double* score, std::uint32_t n, RankScratch& s) {
    s.ord.resize(n);
    s.a.resize(n);
    s.b.resize(n);
    s.ka.resize(n);
    s.kb.resize(n);
    std::uint32_t count[3][2048] = {};
    for (std::uint32_t i = 0; i < n; ++i) {
        s.ord[i] = descending_key(score[i]);
        const auto top = static_cast<std::uint32_t>(s.ord[i] >> 32);
        s.ka[i] = top;
        s.a[i] = i;
        ++count[0][top & 2047u];
        ++count[1][(top >> 11) & 2047u];
        ++count[2][top >> 22];
    }
    for (int pass = 0; pass < 3; ++pass) {
        const int shift = 11 * pass;
        std::uint32_t* c = count[pass];
        if (c[(s.ka[0] >> shift) & 2047u] == n) continue;  // every key shares this digit
        std::uint32_t sum = 0;
        for (int v = 0; v < 2048; ++v) {
            const std::uint32_t t = c[v];
            c[v] = sum;
            sum += t;
        }
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint32_t pos = c[(s.ka[i] >> shift) & 2047u]++;
            s.kb[pos] = s.ka[i];
            s.b[pos] = s.a[i];
        }
        s.a.swap(s.b);
        s.ka.swap(s.kb);
    }
    for (std::uint32_t i = 0; i < n;) {
        std::uint32_t j = i + 1;
        while (j < n && s.ka[j] == s.ka[i]) ++j;
        if (j - i > 1)
            std::stable_sort(s.a.begin() + i, s.a.begin() + j,
                             [&](std::uint32_t x, std::uint32_t y) { return s.ord[x] < s.ord[y]; });
        i = j;
    }
}

// ---- the draws ----------------------------------------------------------------------------------
struct DrawPlan {
    int alternative = 0;
    Index dropped = -1;  // spec index of the indicator left out
    Eigen::VectorXd within, domain;
};

// Rescale to sum 1 within each domain; a domain left with nothing gets domain weight 0.
void renormalise(const Model& model, Eigen::VectorXd& within, Eigen::VectorXd& domain) {
    for (Index d = 0; d < model.d; ++d) {
        const auto du = static_cast<std::size_t>(d);
        auto seg = within.segment(model.domain_start[du], model.domain_size[du]);
        const double sum = seg.sum();
        if (sum > 0.0) seg /= sum;
        else domain(d) = 0.0;
    }
    const double total = domain.sum();
    if (total > 0.0) domain /= total;
}

struct Perturbation {
    WeightUncertainty kind;
    double concentration, percent;

    void apply(std::mt19937_64& rng, Eigen::Ref<Eigen::VectorXd> w) const {
        if (kind == WeightUncertainty::None || w.size() < 2) return;
        if (kind == WeightUncertainty::Dirichlet) {
            // Dirichlet(c * w) by normalised gamma variates: mean w, sd sqrt(w (1 - w) / (c + 1)).
            for (Index j = 0; j < w.size(); ++j) {
                if (w(j) <= 0.0) continue;
                std::gamma_distribution<double> gamma(concentration * w(j), 1.0);
                w(j) = gamma(rng);
            }
        } else {
            std::uniform_real_distribution<double> u(1.0 - percent / 100.0, 1.0 + percent / 100.0);
            for (Index j = 0; j < w.size(); ++j) w(j) *= u(rng);
        }
        const double sum = w.sum();
        if (sum > 0.0) w /= sum;
    }
};

struct Scenario {
    std::string name;
    int alternative = -1;            // index into alternatives, -1 nominal
    Eigen::VectorXd within, domain;  // weights
    Index noise_indicator = -1;
};

// The Monte Carlo and the one-at-a-time scenarios as named steps over one state.
class MonteCarlo {
public:
    MonteCarlo(const Model& model_, const UncertaintyInputs& in_, const UncertaintySpec& spec_, std::vector<std::string>& notes_,
               const Control& control_)
        : model(model_),
          in(in_),
          spec(spec_),
          notes(notes_),
          control(control_),
          nominal_rank(*in_.rank),
          perturb{spec_.weights, spec_.concentration, spec_.percent} {}

    RankUncertainty run() {
        check_spec();
        normalise_alternatives();
        allocate_summaries();
        draw_batches();
        summarise_ranks();
        build_scenarios();
        score_scenarios();
        name_most_influential();
        return std::move(out);
    }

private:
    void check_spec();  ///< The Monte Carlo settings, and what varies.
    void normalise_alternatives();  ///< Each normalisation alternative applied once to the nominal inputs.
    void allocate_summaries();  ///< Per-zone rank histograms centred on the nominal rank, and counters.
    void draw_batches();  ///< The draws, batch by batch: plan, score as one product per block, rank, fold into the summaries.
    void summarise_ranks();  ///< Rank quantiles, mean rank and top-decile shares from the histograms.
    void build_scenarios();  ///< One-at-a-time factors: which single change moves each zone's rank most.
    void score_scenarios();  ///< Each scenario's rank shift of every zone.
    void name_most_influential();  ///< Per zone, the factor that moves its rank most.

    void normalised_for(const Eigen::MatrixXd& raw, const std::optional<Normalisation>& alt, Eigen::MatrixXd& y,
                        Eigen::MatrixXd& log_y) const {
        y.resize(n, k);
        for (Index j = 0; j < k; ++j) {
            const auto& plan = model.plans[static_cast<std::size_t>(j)];
            const Normalisation norm = alt ? *alt : in.nominal[static_cast<std::size_t>(j)];
            const Eigen::VectorXd col = normalise_column(raw.col(j), plan, norm, model.groups, nullptr, nullptr);
            y.col(model.column_of[static_cast<std::size_t>(j)]) = col.array().isNaN().select(0.0, col.array()).matrix();
        }
        if (model.any_geometric()) {
            log_y = y.array().log().matrix();
            if (model.present.size() != 0) log_y = (model.present.array() > 0.0).select(log_y.array(), 0.0).matrix();
        }
    }
    DrawPlan plan_draw(std::mt19937_64& rng) const {
        DrawPlan p;
        if (n_alt > 1) p.alternative = std::uniform_int_distribution<int>(0, n_alt - 1)(rng);
        if (drop_one) p.dropped = std::uniform_int_distribution<Index>(0, k)(rng) - 1;  // -1: none left out
        p.domain = model.domain_weight;
        p.within = model.within;
        perturb.apply(rng, p.domain);
        for (Index d = 0; d < model.d; ++d) {
            const auto du = static_cast<std::size_t>(d);
            perturb.apply(rng, p.within.segment(model.domain_start[du], model.domain_size[du]));
        }
        if (p.dropped >= 0) p.within(model.column_of[static_cast<std::size_t>(p.dropped)]) = 0.0;
        renormalise(model, p.within, p.domain);
        return p;
    }

    const Model& model;
    const UncertaintyInputs& in;
    const UncertaintySpec& spec;
    std::vector<std::string>& notes;
    const Control& control;
    const std::vector<std::int64_t>& nominal_rank;
    RankUncertainty out;

    Index n = 0, k = 0;
    std::int64_t draws = 0;
    bool has_noise = false, drop_one = false;
    std::vector<std::optional<Normalisation>> alternatives;  // each draw takes one for every indicator
    int n_alt = 0;
    std::vector<Eigen::MatrixXd> alt_y, alt_log;
    std::vector<std::vector<Eigen::VectorXd>> alt_fixed;
    Perturbation perturb;
    std::uint32_t side = 0;
    std::size_t per_zone = 0;
    std::vector<std::uint32_t> histogram;
    std::vector<std::int32_t> min_rank, max_rank;
    std::vector<std::int64_t> sum_rank, top_decile, top_n;
    bool has_areas = false;
    std::int64_t areas = 0;
    std::vector<Scenario> scenarios;
    std::vector<std::vector<Index>> factor_scenarios;  // a factor keeps the larger of its scenarios
    Eigen::MatrixXd shift;                             // zones x scenarios
};

void MonteCarlo::check_spec() {
    n = model.rows;
    k = model.k;
    if (n > static_cast<Index>(std::numeric_limits<std::int32_t>::max()))
        throw InputError("scoring: too many zones for the Monte Carlo");
    draws = spec.draws;
    if (draws < 0) throw ConfigError("scoring: uncertainty draws must be >= 0");
    if (spec.batch < 1) throw ConfigError("scoring: uncertainty batch must be >= 1");
    if (spec.weights == WeightUncertainty::Dirichlet && !(spec.concentration > 0.0))
        throw ConfigError("scoring: uncertainty concentration must be > 0");
    if (spec.weights == WeightUncertainty::Percent && !(spec.percent > 0.0 && spec.percent < 100.0))
        throw ConfigError("scoring: uncertainty percent must be between 0 and 100");
    if (spec.input_noise && in.standard_errors && in.standard_errors->size() != 0)
        has_noise = (in.standard_errors->array() > 0.0).any();
    drop_one = spec.drop_one && k > 1;
    if (spec.drop_one && k == 1) notes.push_back("leaving one indicator out needs two or more indicators; not done");
}

void MonteCarlo::normalise_alternatives() {
    // Normalisation alternatives: each draw picks one for every indicator (or keeps the nominal).
    for (auto a : spec.normalisations) alternatives.emplace_back(a);
    if (alternatives.empty()) alternatives.emplace_back(std::nullopt);
    n_alt = static_cast<int>(alternatives.size());
    alt_y.assign(static_cast<std::size_t>(n_alt), {});
    alt_log.assign(static_cast<std::size_t>(n_alt), {});
    alt_fixed.assign(static_cast<std::size_t>(n_alt), {});
    for (int a = 0; a < n_alt; ++a) {
        const auto au = static_cast<std::size_t>(a);
        normalised_for(*in.raw, alternatives[au], alt_y[au], alt_log[au]);
        if (model.any_geometric()) {
            if (!alt_log[au].allFinite())
                throw ConfigError("scoring: the geometric mean needs values above 0, but normalisation '" +
                                  (alternatives[au] ? to_string(*alternatives[au]) : std::string("nominal")) +
                                  "' in the uncertainty analysis gives 0 or less; choose percentile_rank or goalposts");
        }
        // A one-indicator domain's transformed score does not change with weights: rank it once.
        alt_fixed[au].resize(static_cast<std::size_t>(model.d));
        if (!has_noise)
            for (Index d = 0; d < model.d; ++d) {
                const auto du = static_cast<std::size_t>(d);
                if (model.domain_size[du] != 1 || model.domain_transform[du] == Transform::None) continue;
                Eigen::VectorXd col = alt_y[au].col(model.domain_start[du]);
                if (model.present.size() != 0)
                    col = (model.present.col(model.domain_start[du]).array() > 0.0).select(col.array(), kUnset).matrix();
                alt_fixed[au][du] = transform_scores(col, model.domain_transform[du], model.groups);
            }
    }
}

void MonteCarlo::allocate_summaries() {
    side = bucket_of(static_cast<std::uint32_t>(std::max<Index>(n - 1, 0))) + 1;
    per_zone = 2 * side;
    has_areas = in.area && !in.area->empty();
    if (has_areas)
        for (auto a : *in.area) areas = std::max(areas, a + 1);
    if (draws > 0) {
        histogram.assign(static_cast<std::size_t>(n) * per_zone, 0);
        min_rank.assign(static_cast<std::size_t>(n), std::numeric_limits<std::int32_t>::max());
        max_rank.assign(static_cast<std::size_t>(n), 0);
        sum_rank.assign(static_cast<std::size_t>(n), 0);
        top_decile.assign(static_cast<std::size_t>(n), 0);
        top_n.assign(static_cast<std::size_t>(n), 0);
        if (spec.keep_draws) {
            if (static_cast<double>(n) * static_cast<double>(draws) > 5e7)
                throw ConfigError("scoring: keep_draws is for small tables (zones x draws at most 50 million)");
            out.kept_ranks.resize(n, draws);
        }
    }
}

void MonteCarlo::draw_batches() {
    const int batch = spec.batch;
    std::vector<std::int32_t> ranks;
    std::vector<std::uint8_t> in_top_n;
    for (std::int64_t start = 0; start < draws; start += batch) {
        control.check("the uncertainty draws");
        const auto nb = static_cast<Index>(std::min<std::int64_t>(batch, draws - start));
        std::vector<DrawPlan> plans(static_cast<std::size_t>(nb));
        std::vector<std::mt19937_64> rngs;
        rngs.reserve(static_cast<std::size_t>(nb));
        for (Index b = 0; b < nb; ++b) {
            rngs.push_back(core::generator_for(spec.seed, static_cast<std::uint64_t>(start + b)));
            plans[static_cast<std::size_t>(b)] = plan_draw(rngs.back());
        }
        // Blocks of draws that share a normalisation, in a fixed order: one product each.
        std::vector<Index> order(static_cast<std::size_t>(nb));
        std::iota(order.begin(), order.end(), Index{0});
        std::stable_sort(order.begin(), order.end(), [&](Index x, Index y) {
            return plans[static_cast<std::size_t>(x)].alternative < plans[static_cast<std::size_t>(y)].alternative;
        });
        std::vector<std::pair<std::size_t, std::size_t>> blocks;  // [begin, end) into order
        for (std::size_t i = 0; i < order.size();) {
            std::size_t j = i + 1;
            const int alt = plans[static_cast<std::size_t>(order[i])].alternative;
            while (j < order.size() && j - i < (has_noise ? 1u : static_cast<std::size_t>(kBlock)) &&
                   plans[static_cast<std::size_t>(order[j])].alternative == alt)
                ++j;
            blocks.emplace_back(i, j);
            i = j;
        }
        ranks.assign(static_cast<std::size_t>(n) * static_cast<std::size_t>(nb), 0);
        in_top_n.assign(static_cast<std::size_t>(n) * static_cast<std::size_t>(nb), 0);
        core::parallel_blocks(
            blocks.size(), spec.threads,
            [&](std::size_t first, std::size_t last) {
                RankScratch scratch;
                Eigen::MatrixXd score, within, domain, noisy_y, noisy_log;
                for (std::size_t bi = first; bi < last; ++bi) {
                    if (control.stop_requested()) return;  // between products of at most 16 draws
                    const auto [bb, be] = blocks[bi];
                    const auto width = static_cast<Index>(be - bb);
                    within.resize(k, width);
                    domain.resize(model.d, width);
                    for (Index c = 0; c < width; ++c) {
                        const auto& p = plans[static_cast<std::size_t>(order[bb + static_cast<std::size_t>(c)])];
                        within.col(c) = p.within;
                        domain.col(c) = p.domain;
                    }
                    const auto alt = static_cast<std::size_t>(plans[static_cast<std::size_t>(order[bb])].alternative);
                    if (has_noise) {
                    // Perturb the inputs by their standard errors and re-run the normalisation.
                        const Index draw = order[bb];
                        auto& rng = rngs[static_cast<std::size_t>(draw)];
                        std::normal_distribution<double> normal(0.0, 1.0);
                        Eigen::MatrixXd raw = *in.raw;
                        const Eigen::MatrixXd& se = *in.standard_errors;
                        for (Index j = 0; j < k; ++j)
                            for (Index r = 0; r < n; ++r) {
                                const double e = se(r, j);
                                if (e > 0.0 && !std::isnan(raw(r, j))) raw(r, j) += e * normal(rng);
                            }
                        normalised_for(raw, alternatives[alt], noisy_y, noisy_log);
                        aggregate(model, noisy_y, noisy_log, within, domain, nullptr, score);
                    } else {
                        aggregate(model, alt_y[alt], alt_log[alt], within, domain, &alt_fixed[alt], score);
                    }
                    for (Index c = 0; c < width; ++c) {
                        const auto b = static_cast<std::size_t>(order[bb + static_cast<std::size_t>(c)]);
                        const double* col = score.col(c).data();
                        order_descending(col, static_cast<std::uint32_t>(n), scratch);
                        if (has_areas) {
                            scratch.area_count.assign(static_cast<std::size_t>(areas), 0);
                            scratch.area_last.assign(static_cast<std::size_t>(areas), kUnset);
                            scratch.area_rank.assign(static_cast<std::size_t>(areas), 0);
                        }
                        std::int32_t rank = 0;
                        for (std::uint32_t i = 0; i < static_cast<std::uint32_t>(n); ++i) {
                            const std::uint32_t z = scratch.a[i];
                            if (i == 0 || scratch.ord[z] != scratch.ord[scratch.a[i - 1]])
                                rank = static_cast<std::int32_t>(i + 1);
                            ranks[static_cast<std::size_t>(z) * static_cast<std::size_t>(nb) + b] = rank;
                            if (has_areas) {
                                const std::int64_t a = (*in.area)[z];
                                if (a < 0) continue;
                                const auto au = static_cast<std::size_t>(a);
                                ++scratch.area_count[au];
                                if (!(col[z] == scratch.area_last[au])) scratch.area_rank[au] = scratch.area_count[au];
                                scratch.area_last[au] = col[z];
                                in_top_n[static_cast<std::size_t>(z) * static_cast<std::size_t>(nb) + b] =
                                    scratch.area_rank[au] <= in.top_n_in_area ? 1 : 0;
                            }
                        }
                    }
                }
            },
            control.stop);
        control.check("the uncertainty draws");
        // Fold the batch into each zone's summaries; zones are split between threads.
        core::parallel_blocks(static_cast<std::size_t>(n), spec.threads, [&](std::size_t first, std::size_t last) {
            for (std::size_t z = first; z < last; ++z) {
                const auto r0 = static_cast<std::int32_t>(nominal_rank[z]);
                std::uint32_t* h = histogram.data() + z * per_zone;
                const std::int32_t* rz = ranks.data() + z * static_cast<std::size_t>(nb);
                const std::uint8_t* tz = in_top_n.data() + z * static_cast<std::size_t>(nb);
                std::int64_t sum = 0, top = 0, topn = 0;
                std::int32_t lo = min_rank[z], hi = max_rank[z];
                for (Index b = 0; b < nb; ++b) {
                    const std::int32_t r = rz[b];
                    sum += r;
                    lo = std::min(lo, r);
                    hi = std::max(hi, r);
                    top += static_cast<std::int64_t>(r) * 10 <= n || n == 1 ? 1 : 0;  // decile 1, as core::tile
                    topn += tz[b];
                    const std::int32_t offset = r - r0;
                    if (offset < 0) ++h[side + bucket_of(static_cast<std::uint32_t>(-offset))];
                    else ++h[bucket_of(static_cast<std::uint32_t>(offset))];
                    if (spec.keep_draws) out.kept_ranks(static_cast<Index>(z), static_cast<Index>(start + b)) = r;
                }
                sum_rank[z] += sum;
                top_decile[z] += top;
                top_n[z] += topn;
                min_rank[z] = lo;
                max_rank[z] = hi;
            }
        });
        control.report("uncertainty draws", static_cast<double>(start + nb) / static_cast<double>(draws));
    }
}

void MonteCarlo::summarise_ranks() {
    out.draws = draws;
    out.median_rank = out.p05_rank = out.p95_rank = out.mean_rank = Eigen::VectorXd::Constant(n, kUnset);
    out.p_top_decile = out.p_top_n_in_area = Eigen::VectorXd::Constant(n, kUnset);
    if (draws > 0) {
        const auto total = static_cast<double>(draws);
        for (Index z = 0; z < n; ++z) {
            const auto zu = static_cast<std::size_t>(z);
            const std::int64_t r0 = nominal_rank[zu];
            const std::uint32_t* h = histogram.data() + zu * per_zone;
            // Inverted empirical CDF: the smallest rank whose cumulative count reaches p x draws.
            auto quantile = [&](double p) {
                const auto target = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(p * total - 1e-9)));
                std::int64_t cum = 0;
                auto visit = [&](std::uint32_t count, std::int64_t lo, std::int64_t hi) -> std::optional<double> {
                    if (count == 0) return std::nullopt;
                    if (cum + count < target) {
                        cum += count;
                        return std::nullopt;
                    }
                    const std::int64_t pos = target - cum;
                    const std::int64_t width = hi - lo + 1;
                    std::int64_t r = lo;
                    if (width > 1)
                        r = lo + static_cast<std::int64_t>(std::floor((static_cast<double>(pos) - 0.5) *
                                                                      static_cast<double>(width) / static_cast<double>(count)));
                    r = std::clamp<std::int64_t>(r, min_rank[zu], max_rank[zu]);
                    return static_cast<double>(r);
                };
                for (std::uint32_t b = side; b-- > 1;) {  // below the nominal rank: larger offsets first
                    const auto [ulo, uhi] = bucket_range(b);
                    if (auto r = visit(h[side + b], r0 - uhi, r0 - ulo)) return *r;
                }
                for (std::uint32_t b = 0; b < side; ++b) {
                    const auto [ulo, uhi] = bucket_range(b);
                    if (auto r = visit(h[b], r0 + ulo, r0 + uhi)) return *r;
                }
                return static_cast<double>(max_rank[zu]);
            };
            out.p05_rank(z) = quantile(0.05);
            out.median_rank(z) = quantile(0.5);
            out.p95_rank(z) = quantile(0.95);
            out.mean_rank(z) = static_cast<double>(sum_rank[zu]) / total;
            out.p_top_decile(z) = static_cast<double>(top_decile[zu]) / total;
            out.p_top_n_in_area(z) = has_areas && (*in.area)[zu] >= 0 ? static_cast<double>(top_n[zu]) / total : kUnset;
        }
    }
}

void MonteCarlo::build_scenarios() {
    auto add_factor = [&](std::string name, std::vector<Scenario> list) {
        std::vector<Index> ids;
        for (auto& s : list) {
            ids.push_back(static_cast<Index>(scenarios.size()));
            scenarios.push_back(std::move(s));
        }
        out.factors.push_back(std::move(name));
        factor_scenarios.push_back(std::move(ids));
    };
    auto nominal_scenario = [&] {
        Scenario s;
        s.within = model.within;
        s.domain = model.domain_weight;
        return s;
    };
    if (spec.weights != WeightUncertainty::None) {
        // A typical move of one weight: one Dirichlet standard deviation, or the percentage.
        auto moved = [&](double w) {
            if (spec.weights == WeightUncertainty::Percent) return spec.percent / 100.0;
            return w > 0.0 && w < 1.0 ? std::sqrt((1.0 - w) / (w * (spec.concentration + 1.0))) : 0.0;
        };
        if (model.d > 1)
            for (Index d = 0; d < model.d; ++d) {
                const double delta = moved(model.domain_weight(d));
                if (delta <= 0.0) continue;
                std::vector<Scenario> pair;
                for (double sgn : {1.0, -1.0}) {
                    Scenario s = nominal_scenario();
                    s.domain(d) *= std::max(0.0, 1.0 + sgn * delta);
                    renormalise(model, s.within, s.domain);
                    pair.push_back(std::move(s));
                }
                const auto du = static_cast<std::size_t>(d);
                const bool own =
                    model.domain_size[du] == 1 &&
                    model.plans[static_cast<std::size_t>(model.indicator_of[static_cast<std::size_t>(model.domain_start[du])])]
                            .name == model.domain_names[du];
                add_factor(std::string("weight of ") + (own ? "'" : "domain '") + model.domain_names[du] + "'", std::move(pair));
            }
        for (Index col = 0; col < k; ++col) {
            const Index d = model.domain_of_column(col);
            if (model.domain_size[static_cast<std::size_t>(d)] < 2) continue;
            const double delta = moved(model.within(col));
            if (delta <= 0.0) continue;
            std::vector<Scenario> pair;
            for (double sgn : {1.0, -1.0}) {
                Scenario s = nominal_scenario();
                s.within(col) *= std::max(0.0, 1.0 + sgn * delta);
                renormalise(model, s.within, s.domain);
                pair.push_back(std::move(s));
            }
            add_factor("weight of '" +
                           model.plans[static_cast<std::size_t>(model.indicator_of[static_cast<std::size_t>(col)])].name + "'",
                       std::move(pair));
        }
    }
    for (int a = 0; a < n_alt; ++a) {
        if (!alternatives[static_cast<std::size_t>(a)]) continue;
        Scenario s = nominal_scenario();
        s.alternative = a;
        std::vector<Scenario> one;
        one.push_back(std::move(s));
        add_factor("normalisation " + to_string(*alternatives[static_cast<std::size_t>(a)]), std::move(one));
    }
    if (drop_one)
        for (Index j = 0; j < k; ++j) {
            Scenario s = nominal_scenario();
            s.within(model.column_of[static_cast<std::size_t>(j)]) = 0.0;
            renormalise(model, s.within, s.domain);
            std::vector<Scenario> one;
            one.push_back(std::move(s));
            add_factor("leaving out '" + model.plans[static_cast<std::size_t>(j)].name + "'", std::move(one));
        }
    if (has_noise)
        for (Index j = 0; j < k; ++j) {
            if (!((in.standard_errors->col(j).array() > 0.0).any())) continue;
            Scenario s = nominal_scenario();
            s.noise_indicator = j;
            std::vector<Scenario> one;
            one.push_back(std::move(s));
            add_factor("noise in '" + model.plans[static_cast<std::size_t>(j)].name + "' (1 standard error)", std::move(one));
        }
}

void MonteCarlo::score_scenarios() {
    shift = Eigen::MatrixXd::Zero(n, static_cast<Index>(scenarios.size()));
    // Sorted nominal scores, to place one zone's moved score among the others.
    std::vector<double> sorted_scores(in.score->data(), in.score->data() + n);
    std::sort(sorted_scores.begin(), sorted_scores.end());
    core::parallel_blocks(
        scenarios.size(), spec.threads,
        [&](std::size_t first, std::size_t last) {
            Eigen::MatrixXd score;
            for (std::size_t si = first; si < last; ++si) {
                if (control.stop_requested()) return;
                const Scenario& s = scenarios[si];
                if (s.noise_indicator >= 0) {
                    const Index j = s.noise_indicator, col = model.column_of[static_cast<std::size_t>(j)];
                    const auto& plan = model.plans[static_cast<std::size_t>(j)];
                    const auto& fits = in.fits[static_cast<std::size_t>(j)];
                    for (Index r = 0; r < n; ++r) {
                        const double e = (*in.standard_errors)(r, j), x = (*in.raw)(r, j);
                        if (!(e > 0.0) || std::isnan(x)) continue;
                        const auto& fit = fits[static_cast<std::size_t>(model.groups.of[static_cast<std::size_t>(r)])];
                        const double s0 = (*in.score)(r);
                        double best = 0.0;
                        for (double sgn : {1.0, -1.0}) {
                            Eigen::VectorXd y_row = in.y->row(r).transpose();
                            y_row(col) = normalise_value(x + sgn * e, x, plan, in.nominal[static_cast<std::size_t>(j)], fit);
                            const double moved_score = row_score(model, r, y_row, *in.domain_raw, in.domain_fits);
                        // Rank among the other zones at their nominal scores.
                            auto greater = static_cast<double>(
                                sorted_scores.end() - std::upper_bound(sorted_scores.begin(), sorted_scores.end(), moved_score));
                            if (s0 > moved_score) greater -= 1.0;
                            const double moved_rank = greater + 1.0;
                            const double delta = moved_rank - static_cast<double>(nominal_rank[static_cast<std::size_t>(r)]);
                            if (std::abs(delta) > std::abs(best)) best = delta;
                        }
                        shift(r, static_cast<Index>(si)) = best;
                    }
                    continue;
                }
                const auto alt = static_cast<std::size_t>(s.alternative < 0 ? 0 : s.alternative);
                const Eigen::MatrixXd& y = s.alternative < 0 ? *in.y : alt_y[alt];
                Eigen::MatrixXd log_y;
                if (model.any_geometric()) log_y = s.alternative < 0 ? Eigen::MatrixXd(y.array().log().matrix()) : alt_log[alt];
                if (model.any_geometric() && model.present.size() != 0)
                    log_y = (model.present.array() > 0.0).select(log_y.array(), 0.0).matrix();
                aggregate(model, y, log_y, s.within, s.domain, nullptr, score);
                const auto rank = core::rank_descending(score.col(0));
                for (Index r = 0; r < n; ++r)
                    shift(r, static_cast<Index>(si)) =
                        static_cast<double>(rank[static_cast<std::size_t>(r)] - nominal_rank[static_cast<std::size_t>(r)]);
            }
        },
        control.stop);
    control.check("the one-at-a-time uncertainty scenarios");
}

void MonteCarlo::name_most_influential() {
    const auto n_factors = static_cast<Index>(out.factors.size());
    out.factor_shift = Eigen::MatrixXd::Zero(n, n_factors);
    for (Index f = 0; f < n_factors; ++f)
        for (Index r = 0; r < n; ++r) {
            double best = 0.0;
            for (Index si : factor_scenarios[static_cast<std::size_t>(f)])
                if (std::abs(shift(r, si)) > std::abs(best)) best = shift(r, si);
            out.factor_shift(r, f) = best;
        }
    out.most_influential.assign(static_cast<std::size_t>(n), -1);
    out.most_influential_shift.assign(static_cast<std::size_t>(n), 0);
    for (Index r = 0; r < n; ++r) {
        double best = 0.0;
        for (Index f = 0; f < n_factors; ++f)
            if (std::abs(out.factor_shift(r, f)) > std::abs(best)) {
                best = out.factor_shift(r, f);
                out.most_influential[static_cast<std::size_t>(r)] = f;
            }
        out.most_influential_shift[static_cast<std::size_t>(r)] = static_cast<std::int64_t>(best);
    }
}

}  // namespace

RankUncertainty run_uncertainty(const Model& model, const UncertaintyInputs& in, const UncertaintySpec& spec,
                                std::vector<std::string>& notes, const Control& control) {
    return MonteCarlo(model, in, spec, notes, control).run();
}

}  // namespace furthest::scoring_detail
