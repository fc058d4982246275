// The scoring's columns: one vocabulary for the run's zones layer, furthest.score() and the README.
#include "furthest/columns.hpp"

#include "furthest/scoring.hpp"

#include <array>
#include <cmath>
#include <string>

namespace furthest {
namespace columns {

std::span<const ColumnInfo> scoring_columns() {
    static constexpr std::array<ColumnInfo, 24> kColumns = {{
        {score, "The composite need score: higher means more need; blank for zones left unscored."},
        {rank, "Rank of the score among all the zones scored in this run (1 = most need; ties share the smaller rank)."},
        {decile, "Decile of the rank among the zones scored in this run, as the IoD cuts them (1 = the 10% in most need)."},
        {quintile, "Quintile of the rank among the zones scored in this run (1 = the 20% in most need)."},
        {rank_in_area, "Rank of the score among the scored zones of the same partnership area (1 = most need in the area)."},
        {score_class, "Map class of the score, 1..k with k = the highest scores (most need): it runs opposite to decile."},
        {score_within_area,
         "The score with normalisation statistics taken within each partnership area instead of over all zones (or the reverse when reference = 'area')."},
        {rank_all_zones,
         "Rank among all the zones of this run with normalisation over all of them (not a rank within England unless the run covers all of England)."},
        {decile_all_zones, "Decile of rank_all_zones among all the zones of this run (1 = the 10% in most need)."},
        {contribution_prefix,
         "contribution_<indicator>: the indicator's share of the score; a zone's contributions add up to its score."},
        {rank_p05, "Monte Carlo: 5th percentile of the zone's rank over the draws (the most-need end of its rank interval)."},
        {rank_median, "Monte Carlo: median of the zone's rank over the draws."},
        {rank_p95, "Monte Carlo: 95th percentile of the zone's rank over the draws (the least-need end of its rank interval)."},
        {p_top_decile, "Monte Carlo: share of draws that put the zone in the top decile (decile 1)."},
        {p_top_n_in_area,
         "Monte Carlo: share of draws that put the zone among the first top_n_in_area zones of its partnership area."},
        {most_influential,
         "The one-at-a-time change of method (a weight, normalisation, left-out indicator or input noise) that moves the zone's rank most."},
        {zones_in_area, "Number of scored zones in the zone's partnership area."},
        {rank_mean, "Monte Carlo: mean of the zone's rank over the draws."},
        {most_influential_shift,
         "The rank under the most influential change minus the nominal rank (negative = towards more need)."},
        {area, "furthest.score(): the zone's partnership area, as given."},
        {score_within_area_rank,
         "furthest.score(): rank of score_within_area among the scored zones of the same area (1 = most need)."},
        {normalised_prefix,
         "furthest.score(): normalised_<indicator>, the indicator oriented (higher = more need), transformed and normalised."},
        {domain_prefix, "furthest.score(): domain_<domain>, the domain's score after its transform (hierarchical specs)."},
        {missing_count, "furthest.score(): how many flagged blank indicators the zone was scored without."},
    }};
    return kColumns;
}

}  // namespace columns

std::vector<Column> score_columns(const ScoringResult& result) {
    const std::size_t n = static_cast<std::size_t>(result.score.size());
    std::vector<Column> out;
    auto scored = [&](std::size_t z) { return !std::isnan(result.score(static_cast<Eigen::Index>(z))); };
    // Ranks, tiles and classes: 0 marks a zone not scored (or without an area); blank in the table.
    auto ranks = [&](std::string_view name, const std::vector<std::int64_t>& values) {
        std::vector<bool> valid(n);
        for (std::size_t z = 0; z < n; ++z) valid[z] = scored(z) && values[z] > 0;
        out.push_back(Column::integers(std::string(name), values, std::move(valid)));
    };
    auto reals = [&](std::string_view name, const Eigen::VectorXd& values) {
        out.push_back(Column::reals(std::string(name), Column::Reals(values.data(), values.data() + values.size())));
    };
    const bool has_areas = result.rank_in_area.size() == n && n > 0;
    reals(columns::score, result.score);
    ranks(columns::rank, result.rank);
    ranks(columns::decile, result.decile);
    ranks(columns::quintile, result.quintile);
    if (has_areas) ranks(columns::rank_in_area, result.rank_in_area);
    ranks(columns::score_class, result.map_class);
    if (result.area_reference_score.size() == static_cast<Eigen::Index>(n)) {
        reals(columns::score_within_area, result.area_reference_score);
        ranks(columns::rank_all_zones, result.national_rank);
        ranks(columns::decile_all_zones, result.national_decile);
    }
    for (std::size_t i = 0; i < result.indicators.size(); ++i)
        reals(std::string(columns::contribution_prefix) + result.indicators[i],
              result.contributions.col(static_cast<Eigen::Index>(i)));
    const RankUncertainty& u = result.uncertainty;
    const bool has_draws = u.draws > 0;
    if (has_draws) {
        reals(columns::rank_p05, u.p05_rank);
        reals(columns::rank_median, u.median_rank);
        reals(columns::rank_p95, u.p95_rank);
        reals(columns::p_top_decile, u.p_top_decile);
        if (has_areas) reals(columns::p_top_n_in_area, u.p_top_n_in_area);
        Column::Texts factor(n);
        std::vector<bool> valid(n, false);
        for (std::size_t z = 0; z < n && z < u.most_influential.size(); ++z)
            if (u.most_influential[z] >= 0) {
                factor[z] = u.factors[static_cast<std::size_t>(u.most_influential[z])];
                valid[z] = true;
            }
        out.push_back(Column::texts(std::string(columns::most_influential), std::move(factor), std::move(valid)));
    }
    // Columns the run did not write before issue 9 come last, so its earlier columns keep their places.
    if (has_areas) ranks(columns::zones_in_area, result.zones_in_area);
    if (has_draws) {
        reals(columns::rank_mean, u.mean_rank);
        std::vector<bool> valid(n);
        for (std::size_t z = 0; z < n; ++z) valid[z] = scored(z);
        out.push_back(Column::integers(std::string(columns::most_influential_shift), u.most_influential_shift, std::move(valid)));
    }
    return out;
}

}  // namespace furthest
