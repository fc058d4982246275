// First composite: z-scores with directions and a weighted arithmetic mean (OECD/JRC Handbook
// on Constructing Composite Indicators, 2008, sections 5 and 6). Fully compensatory.
#include "furthest/errors.hpp"
#include "furthest/scoring.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace furthest {

CompositeScore composite_zscore(const Eigen::MatrixXd& indicators, const Eigen::VectorXd& sign,
                                const Eigen::VectorXd& weights) {
    const Eigen::Index zones = indicators.rows();
    const Eigen::Index k = indicators.cols();
    if (k == 0) throw InputError("scoring: no indicators; expected at least one");
    if (sign.size() != k || weights.size() != k)
        throw InputError("scoring: " + std::to_string(k) + " indicators but " + std::to_string(weights.size()) +
                         " weights and " + std::to_string(sign.size()) + " directions");
    if (!indicators.allFinite()) throw InputError("scoring: indicator matrix holds missing or infinite values");
    if ((weights.array() < 0.0).any() || !weights.allFinite() || !(weights.sum() > 0.0))
        throw InputError("scoring: weights must be finite, non-negative and not all zero");
    CompositeScore out;
    out.mean = indicators.colwise().mean().transpose();
    out.sd = Eigen::VectorXd::Zero(k);
    if (zones > 1) {
        const Eigen::MatrixXd centred = indicators.rowwise() - out.mean.transpose();
        out.sd = (centred.colwise().squaredNorm() / static_cast<double>(zones - 1)).cwiseSqrt().transpose();
    }
    // Columns with no spread carry no information about relative need: their z-score is zero.
    Eigen::VectorXd scale(k);
    for (Eigen::Index j = 0; j < k; ++j) scale(j) = out.sd(j) > 0.0 ? sign(j) / out.sd(j) : 0.0;
    const Eigen::VectorXd w = weights / weights.sum();
    const Eigen::MatrixXd z = (indicators.rowwise() - out.mean.transpose()) * scale.asDiagonal();
    out.score = z * w;
    out.rank = rank_descending(out.score);
    out.decile = decile_from_rank(out.rank);
    return out;
}

std::vector<std::int64_t> rank_descending(const Eigen::VectorXd& values) {
    const std::size_t n = static_cast<std::size_t>(values.size());
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return values(static_cast<Eigen::Index>(a)) > values(static_cast<Eigen::Index>(b));
    });
    std::vector<std::int64_t> rank(n);
    for (std::size_t i = 0; i < n; ++i) {
        const bool tied = i > 0 && values(static_cast<Eigen::Index>(order[i])) == values(static_cast<Eigen::Index>(order[i - 1]));
        rank[order[i]] = tied ? rank[order[i - 1]] : static_cast<std::int64_t>(i + 1);
    }
    return rank;
}

std::vector<std::int64_t> decile_from_rank(const std::vector<std::int64_t>& rank) {
    const auto n = static_cast<std::int64_t>(rank.size());
    std::vector<std::int64_t> decile(rank.size());
    for (std::size_t i = 0; i < rank.size(); ++i) decile[i] = (rank[i] - 1) * 10 / n + 1;
    return decile;
}

}  // namespace furthest
