#include "core/ranking.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace furthest::core {
namespace {

using Index = Eigen::Index;

// Min ranks of `rows` (already without NaN) by descending value, written into `rank`.
void rank_rows(const Eigen::VectorXd& values, std::vector<Index>& rows, std::vector<std::int64_t>& rank) {
    std::stable_sort(rows.begin(), rows.end(), [&](Index a, Index b) { return values(a) > values(b); });
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const bool tied = i > 0 && values(rows[i]) == values(rows[i - 1]);
        rank[static_cast<std::size_t>(rows[i])] =
            tied ? rank[static_cast<std::size_t>(rows[i - 1])] : static_cast<std::int64_t>(i + 1);
    }
}

}  // namespace

std::vector<std::int64_t> rank_descending(const Eigen::VectorXd& values) {
    std::vector<Index> rows;
    rows.reserve(static_cast<std::size_t>(values.size()));
    for (Index r = 0; r < values.size(); ++r)
        if (!std::isnan(values(r))) rows.push_back(r);
    std::vector<std::int64_t> rank(static_cast<std::size_t>(values.size()), 0);
    rank_rows(values, rows, rank);
    return rank;
}

std::vector<std::int64_t> ranks_within(const Eigen::VectorXd& values, const std::vector<std::int64_t>& group_of_row) {
    std::map<std::int64_t, std::vector<Index>> members;
    for (std::size_t r = 0; r < group_of_row.size(); ++r)
        if (group_of_row[r] >= 0 && !std::isnan(values(static_cast<Index>(r))))
            members[group_of_row[r]].push_back(static_cast<Index>(r));
    std::vector<std::int64_t> rank(group_of_row.size(), 0);
    for (auto& [group, rows] : members) rank_rows(values, rows, rank);
    return rank;
}

Eigen::VectorXd scaled_average_ranks(const Eigen::VectorXd& values, const std::vector<std::vector<Index>>& members) {
    Eigen::VectorXd out = Eigen::VectorXd::Constant(values.size(), std::numeric_limits<double>::quiet_NaN());
    std::vector<Index> rows;
    for (const auto& group : members) {
        rows.clear();
        for (Index r : group)
            if (!std::isnan(values(r))) rows.push_back(r);
        std::stable_sort(rows.begin(), rows.end(), [&](Index a, Index b) { return values(a) < values(b); });
        const double count = static_cast<double>(rows.size());
        for (std::size_t i = 0; i < rows.size();) {
            std::size_t j = i;
            while (j + 1 < rows.size() && values(rows[j + 1]) == values(rows[i])) ++j;
            const double average = 0.5 * static_cast<double>(i + j) + 1.0;  // ties share the mean of their ranks
            for (std::size_t t = i; t <= j; ++t) out(rows[t]) = average / count;
            i = j + 1;
        }
    }
    return out;
}

Eigen::VectorXd percentiles(const Eigen::VectorXd& values) {
    std::vector<std::size_t> order;
    for (Eigen::Index i = 0; i < values.size(); ++i)
        if (std::isfinite(values(i))) order.push_back(static_cast<std::size_t>(i));
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return values(static_cast<Eigen::Index>(a)) < values(static_cast<Eigen::Index>(b)) ||
               (values(static_cast<Eigen::Index>(a)) == values(static_cast<Eigen::Index>(b)) && a < b);
    });
    Eigen::VectorXd out = Eigen::VectorXd::Constant(values.size(), std::numeric_limits<double>::quiet_NaN());
    const double n = static_cast<double>(order.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j < order.size() && values(static_cast<Eigen::Index>(order[j])) == values(static_cast<Eigen::Index>(order[i])))
            ++j;
        const double mid = (static_cast<double>(i + j) / 2.0) / n;  // the tie block's middle: (i + j)/2 of n
        for (std::size_t k = i; k < j; ++k) out(static_cast<Eigen::Index>(order[k])) = mid;
        i = j;
    }
    return out;
}

}  // namespace furthest::core
