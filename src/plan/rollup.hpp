// Roll-up of zone scores to partnership areas: what a planner compares between LCPs.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace furthest::plan {

struct AreaRollup {
    std::vector<std::int64_t> n_zones;       ///< zones whose main area this is
    std::vector<double> score_mean;          ///< NaN for an area with no zones
    std::vector<double> score_median;
    std::vector<std::int64_t> n_top_decile;  ///< zones in need decile 1
    std::vector<std::int64_t> n_partners;    ///< partner sites inside the area
};

/// `main_area[z]` is zone z's main area or -1; `partner_area[p]` is partner p's area or -1.
AreaRollup roll_up(std::size_t areas, const std::vector<Eigen::Index>& main_area, const Eigen::VectorXd& score,
                   const std::vector<std::int64_t>& decile, const std::vector<Eigen::Index>& partner_area);

}  // namespace furthest::plan
