/// @brief One vocabulary: the names and meanings of the columns furthest writes, for the run's
/// layers, furthest.score() in Python and the README alike.
#pragma once

#include <span>
#include <string_view>

namespace furthest::columns {

/// A column's name and what it means, in words a planner can read.
struct ColumnInfo {
    std::string_view name;
    std::string_view meaning;
};

// The scoring's columns (furthest::score_columns writes them; the run's zones layer carries them).
inline constexpr std::string_view score = "score";
inline constexpr std::string_view rank = "rank";
inline constexpr std::string_view decile = "decile";
inline constexpr std::string_view quintile = "quintile";
inline constexpr std::string_view score_class = "score_class";
inline constexpr std::string_view rank_in_area = "rank_in_area";
inline constexpr std::string_view zones_in_area = "zones_in_area";
inline constexpr std::string_view score_within_area = "score_within_area";
inline constexpr std::string_view rank_all_zones = "rank_all_zones";
inline constexpr std::string_view decile_all_zones = "decile_all_zones";
inline constexpr std::string_view contribution_prefix = "contribution_";
inline constexpr std::string_view rank_p05 = "rank_p05";
inline constexpr std::string_view rank_median = "rank_median";
inline constexpr std::string_view rank_p95 = "rank_p95";
inline constexpr std::string_view rank_mean = "rank_mean";
inline constexpr std::string_view p_top_decile = "p_top_decile";
inline constexpr std::string_view p_top_n_in_area = "p_top_n_in_area";
inline constexpr std::string_view most_influential = "most_influential";
inline constexpr std::string_view most_influential_shift = "most_influential_shift";

// Details furthest.score() adds for analysts (the run's zones layer does not carry them).
inline constexpr std::string_view area = "area";
inline constexpr std::string_view score_within_area_rank = "score_within_area_rank";
inline constexpr std::string_view normalised_prefix = "normalised_";
inline constexpr std::string_view domain_prefix = "domain_";
inline constexpr std::string_view missing_count = "missing_count";

// Support: people, access to partners, the need-support gap and its hot spots (the run's
// [population], [access] and [hotspots]); zones layer unless the meaning names another.
inline constexpr std::string_view population = "population";
inline constexpr std::string_view nearest_partner_m = "nearest_partner_m";
inline constexpr std::string_view nearest_partner_cost = "nearest_partner_cost";
inline constexpr std::string_view nearest_prefix = "nearest_";
inline constexpr std::string_view partners_within = "partners_within";
inline constexpr std::string_view capacity_within = "capacity_within";
inline constexpr std::string_view access_gravity = "access_gravity";
inline constexpr std::string_view access_2sfca_per_1000 = "access_2sfca_per_1000";
inline constexpr std::string_view access_bfca_per_1000 = "access_bfca_per_1000";
inline constexpr std::string_view supply_bfca = "supply_bfca";
inline constexpr std::string_view gap_score = "gap_score";
inline constexpr std::string_view gap_class = "gap_class";
inline constexpr std::string_view hotspot_gi_z = "hotspot_gi_z";
inline constexpr std::string_view hotspot_gi_p = "hotspot_gi_p";
inline constexpr std::string_view hotspot = "hotspot";
inline constexpr std::string_view hotspot_moran_i = "hotspot_moran_i";
inline constexpr std::string_view hotspot_moran_p = "hotspot_moran_p";
inline constexpr std::string_view hotspot_cluster = "hotspot_cluster";
inline constexpr std::string_view partners_table = "partners_table";
inline constexpr std::string_view partner_type = "partner_type";
inline constexpr std::string_view people_within = "people_within";
inline constexpr std::string_view demand_2sfca = "demand_2sfca";
inline constexpr std::string_view supply_per_1000_2sfca = "supply_per_1000_2sfca";
inline constexpr std::string_view people_served_bfca = "people_served_bfca";
inline constexpr std::string_view score_mean_weighted = "score_mean_weighted";
inline constexpr std::string_view people_top_decile = "people_top_decile";
inline constexpr std::string_view people_high_need_low_support = "people_high_need_low_support";

/// Every scoring column with its meaning, in output order (contribution_<indicator> stands for
/// one column per indicator).
std::span<const ColumnInfo> scoring_columns();

/// Every support column (people, access, gap, hot spots) with its meaning, in output order
/// (nearest_<type>_m stands for one column per partner type).
std::span<const ColumnInfo> support_columns();

}  // namespace furthest::columns
