#include "plan/rollup.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace furthest::plan {

AreaRollup roll_up(std::size_t areas, const std::vector<Eigen::Index>& main_area, const Eigen::VectorXd& score,
                   const std::vector<std::int64_t>& decile, const std::vector<Eigen::Index>& partner_area) {
    AreaRollup out;
    out.n_zones.assign(areas, 0);
    out.n_top_decile.assign(areas, 0);
    out.n_partners.assign(areas, 0);
    out.score_mean.assign(areas, std::numeric_limits<double>::quiet_NaN());
    out.score_median.assign(areas, std::numeric_limits<double>::quiet_NaN());
    std::vector<std::vector<double>> scores(areas);
    for (std::size_t z = 0; z < main_area.size(); ++z) {
        if (main_area[z] < 0 || std::isnan(score(static_cast<Eigen::Index>(z)))) continue;  // unscored zones are listed elsewhere
        const auto a = static_cast<std::size_t>(main_area[z]);
        scores[a].push_back(score(static_cast<Eigen::Index>(z)));
        ++out.n_zones[a];
        if (decile[z] == 1) ++out.n_top_decile[a];
    }
    for (std::size_t a = 0; a < areas; ++a) {
        auto& s = scores[a];
        if (s.empty()) continue;
        double sum = 0.0;
        for (double v : s) sum += v;  // zone order, so the sum is the same on every run
        out.score_mean[a] = sum / static_cast<double>(s.size());
        std::sort(s.begin(), s.end());
        const std::size_t mid = s.size() / 2;
        out.score_median[a] = s.size() % 2 ? s[mid] : 0.5 * (s[mid - 1] + s[mid]);
    }
    for (Eigen::Index a : partner_area)
        if (a >= 0) ++out.n_partners[static_cast<std::size_t>(a)];
    return out;
}

}  // namespace furthest::plan
