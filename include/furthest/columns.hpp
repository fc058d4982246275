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

/// Every scoring column with its meaning, in output order (contribution_<indicator> stands for
/// one column per indicator).
std::span<const ColumnInfo> scoring_columns();

}  // namespace furthest::columns
