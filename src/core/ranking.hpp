// Ranking, written once: need ranks (1 = highest value, ties share the smaller rank, as the IoD
// ranks), ranks within groups, tiles (deciles, quintiles) from ranks, and scaled average ranks.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace furthest::core {

/// Rank 1 = highest value; equal values share the smallest rank ("min" ranking); NaN values get
/// rank 0 and are not counted. Stable: the order of tied values is that of the rows.
std::vector<std::int64_t> rank_descending(const Eigen::VectorXd& values);

/// rank_descending within each group (`group_of_row[r] >= 0`); rows without a group (-1) or with
/// a NaN value get 0.
std::vector<std::int64_t> ranks_within(const Eigen::VectorXd& values, const std::vector<std::int64_t>& group_of_row);

/// The tile of a rank among `n` ranked values, as the IoD publishes deciles: tile t holds ranks
/// with (t - 1) n / tiles < rank <= t n / tiles. 0 for rank 0 (not ranked). A lone value is
/// rank 1 and tile 1 (the rule would put it in the last tile: it is both first and last).
inline std::int64_t tile(std::int64_t rank, std::int64_t n, std::int64_t tiles) {
    if (rank <= 0) return 0;
    return n == 1 ? 1 : (rank * tiles + n - 1) / n;
}

/// Average ascending rank of each non-NaN value among the rows of its group (`members`, rows of
/// each group), divided by the group's count of values: (0, 1], as pandas rank(pct=True). NaN
/// stays NaN; rows in no group stay NaN.
Eigen::VectorXd scaled_average_ranks(const Eigen::VectorXd& values, const std::vector<std::vector<Eigen::Index>>& members);

/// Mid-rank percentile of each finite value among the finite ones, in (0, 1): the middle of its
/// block of ties, (rank - 0.5) / n with 1-based average ranks; NaN stays NaN. A zone at 0.9
/// stands above 90% of the others, whatever the ties.
Eigen::VectorXd percentiles(const Eigen::VectorXd& values);

}  // namespace furthest::core
