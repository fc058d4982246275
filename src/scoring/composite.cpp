// The run's first composite (z-scores with directions, weighted arithmetic mean; OECD/JRC Handbook
// on Constructing Composite Indicators, 2008, sections 5 and 6), now computed by the scoring engine,
// and the IoD conventions for ranks and deciles.
#include "core/ranking.hpp"
#include "furthest/errors.hpp"
#include "furthest/scoring.hpp"

#include <cmath>

namespace furthest {

CompositeScore composite_zscore(const Eigen::MatrixXd& indicators, const Eigen::VectorXd& sign, const Eigen::VectorXd& weights) {
    const Eigen::Index zones = indicators.rows();
    const Eigen::Index k = indicators.cols();
    if (k == 0) throw InputError("scoring: no indicators; expected at least one");
    if (sign.size() != k || weights.size() != k)
        throw InputError("scoring: " + std::to_string(k) + " indicators but " + std::to_string(weights.size()) + " weights and " +
                         std::to_string(sign.size()) + " directions");
    if (!indicators.allFinite()) throw InputError("scoring: indicator matrix holds missing or infinite values");
    if ((weights.array() < 0.0).any() || !weights.allFinite() || !(weights.sum() > 0.0))
        throw InputError("scoring: weights must be finite, non-negative and not all zero");
    // The simplest case of the scoring engine: one domain per indicator, z-scores, weighted mean.
    ScoringSpec spec;
    spec.normalisation = Normalisation::ZScore;
    spec.aggregation = Aggregation::Arithmetic;
    spec.weighting = Weighting::Explicit;
    for (Eigen::Index j = 0; j < k; ++j) {
        ScoringIndicator ind;
        ind.name = "indicator " + std::to_string(j + 1);
        ind.direction = sign(j) < 0.0 ? Direction::LowerIsMoreNeed : Direction::HigherIsMoreNeed;
        ind.weight = weights(j);
        spec.indicators.push_back(std::move(ind));
    }
    ScoringInput input;
    input.values = indicators;
    const ScoringResult scored = score_zones(input, spec);
    CompositeScore out;
    out.score = scored.score;
    out.rank = scored.rank;
    out.decile = scored.decile;
    out.mean = indicators.colwise().mean().transpose();
    out.sd = Eigen::VectorXd::Zero(k);
    if (zones > 1) {
        const Eigen::MatrixXd centred = indicators.rowwise() - out.mean.transpose();
        out.sd = (centred.colwise().squaredNorm() / static_cast<double>(zones - 1)).cwiseSqrt().transpose();
    }
    // Columns near the top of the double range (1e200 ...) overflow the sum or the squares: take
    // them in units of a power of two, which is exact.
    for (Eigen::Index j = 0; j < k; ++j) {
        if (std::isfinite(out.mean(j)) && std::isfinite(out.sd(j))) continue;
        const double unit = std::ldexp(1.0, std::ilogb(indicators.col(j).cwiseAbs().maxCoeff()));
        const Eigen::VectorXd scaled = indicators.col(j) / unit;
        const double mean = scaled.mean();
        out.mean(j) = mean * unit;
        out.sd(j) =
            zones > 1 ? std::sqrt((scaled.array() - mean).matrix().squaredNorm() / static_cast<double>(zones - 1)) * unit : 0.0;
    }
    return out;
}

std::vector<std::int64_t> rank_descending(const Eigen::VectorXd& values) { return core::rank_descending(values); }

std::vector<std::int64_t> decile_from_rank(const std::vector<std::int64_t>& rank) {
    const auto n = static_cast<std::int64_t>(rank.size());
    std::vector<std::int64_t> decile(rank.size());
    for (std::size_t i = 0; i < rank.size(); ++i) decile[i] = core::tile(rank[i], n, 10);
    return decile;
}

}  // namespace furthest
