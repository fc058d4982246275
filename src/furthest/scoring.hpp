/// @brief Composite need scores from an indicator matrix (zones x indicators).
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace furthest {

/// Per-zone composite: higher score = more need; rank 1 = most need.
struct CompositeScore {
    Eigen::VectorXd score;
    std::vector<std::int64_t> rank;    ///< 1 = most need; ties share the smaller rank
    std::vector<std::int64_t> decile;  ///< 1 = the 10% in most need
    Eigen::VectorXd mean;              ///< per indicator, used for the z-scores
    Eigen::VectorXd sd;                ///< per indicator (sample standard deviation)
};

/// z-score each column, flip those where lower means more need (`sign` = -1), and take the
/// weighted mean with `weights` (normalised to sum to one). Values must be finite; a column
/// with zero spread contributes zero. Throws InputError on bad shapes or weights.
CompositeScore composite_zscore(const Eigen::MatrixXd& indicators, const Eigen::VectorXd& sign,
                                const Eigen::VectorXd& weights);

/// Rank 1 = highest value; equal values share the smallest rank ("min" ranking).
std::vector<std::int64_t> rank_descending(const Eigen::VectorXd& values);

/// IMD-style decile from a rank: 1 for ranks in the first tenth, ... 10.
std::vector<std::int64_t> decile_from_rank(const std::vector<std::int64_t>& rank);

}  // namespace furthest
