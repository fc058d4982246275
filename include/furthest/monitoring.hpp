/// @brief Programme monitoring: is reach going furthest first (concentration index), and counts safe to publish (disclosure control).
///
/// Plain data in and out, so a run stage, another team's program and `furthest.monitor` in Python
/// call the same code.
/// @code
///   ReachByNeed z{reach, population, need_rank};          // need_rank: 1 = most need
///   ConcentrationOptions o; o.draws = 999; o.seed = 7; o.level = 0.9;
///   const ConcentrationResult c = concentration_index(z, o);   // c.index < 0: reach goes where need is
///
///   const auto decile = need_groups(population, need_rank, 10);  // 0 = the top-need tenth of people
///   const GroupShares top = share_by_group(reach, population, decile, 10);
///
///   DisclosureOptions d; d.threshold = 5;                 // zeros published, margins published
///   const SuppressedTable t = suppress_counts(counts, d); // t.values (NaN = suppressed), t.status
///
///   // zone_counts: zones × months; area_of_zone[z] in 0..areas-1 (e.g. each LSOA's PCN)
///   const NestedTables n = suppress_nested(zone_counts, area_of_zone, areas, d);  // n.zones, n.areas
/// @endcode
///
/// **Concentration index** (Wagstaff, Paci & van Doorslaer 1991; Kakwani, Wagstaff & van Doorslaer
/// 1997). Zones are ordered from most to least need; r_i is zone i's population-weighted
/// fractional rank, the midpoint of its population share in that order; h_i = reach_i /
/// population_i is reach per person. Then C = 2 cov_w(h, r) / mean_w(h) (weights: population),
/// which equals 2 sum_i (reach_i / R) r_i - 1 and 1 - 2 × (area under the concentration curve).
/// **Sign: ranked from most need, C < 0 means reach concentrates where need is higher** (the
/// furthest-first goal); C = 0 means reach in proportion to people; C is in (-1, 1).
/// Ties in need rank form one group: its zones share the midpoint of the group's combined
/// population share, and the curve has one point per group, so neither the index nor the curve
/// depends on the order zones are listed in.
///
/// **Disclosure control** (ONS Statistical Disclosure Control guidance; Hundepool et al.,
/// *Statistical Disclosure Control*, 2012, ch. 5 and 6). A table of counts is published with its
/// row totals, column totals and grand total (the margins). Primary suppression hides every cell
/// and margin with 0 < count < threshold (and zeros, when asked). Secondary suppression then
/// protects each suppressed cell against exact recovery from the published relations (each row
/// and column with its total): the suppressed cells are the edges of a bipartite graph between
/// the table's rows and columns (margins included: the total row and total column are vertices
/// too), and a suppressed cell is determined by the relations exactly when its edge is a bridge
/// (lies on no cycle); and, since counts are >= 0, a cycle through suppressed zeros can still pin
/// a cell. Each pinned cell is protected along the cheapest cycle that can move it with every
/// count staying >= 0 (Dijkstra; a published cell costs its count, a published zero far more,
/// ties by position), whose published cells are suppressed too. Then every suppressed cell's
/// feasible range, given the published figures and counts >= 0, is wider than zero, and no
/// relation holds exactly one suppressed cell. Limits: this protects against exact recovery, not
/// against a narrow feasible interval (there is no protection level: a 4 on a cycle with a 1 can
/// be bounded to [3, 5]); nor against group disclosure (a row whose people all fall in one
/// column). Published margins are the sums of the cells given. See tests/python/test_monitor.py
/// for the LP audit.
///
/// **Linked tables** (Hundepool et al. 2012, sec. 5.5; the modular approach of tau-ARGUS). Counts
/// per zone × period and per area × period are published together, every zone in one area: zone
/// cells and totals, area cells and totals, period totals and the grand total. Area g's row is the
/// total row of the sub-table of g's zones (its total that sub-table's grand total), so tables
/// suppressed apart leak: a zone's small count paired with another area's zone is recovered from
/// its area's cell less its neighbours'. `suppress_nested` suppresses the areas table, then each
/// area's sub-table (its zones × periods with margins) with the area's suppressed row forced, then
/// the areas table again with every sub-table's suppressed total row forced, until no table adds a
/// shared cell; the forced cells only grow, so this ends. The zones table as published holds the
/// zone cells, the zone totals and, as its last row, the period totals over all zones and the
/// grand total: the areas table's last row, same values and status. A shared cell reports the
/// reason it was first suppressed (Primary or Secondary) in both tables. Each table then protects
/// every suppressed cell of its own given the other's pattern; the LP audit in
/// tests/python/test_monitor.py checks all published figures together. An area without zones has
/// a row of zeros (a reader who knows it is empty knows them).
#pragma once

#include "furthest/control.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace furthest {

/// Reach, people and need of n zones (views; nothing is copied). zone_ids is optional and only
/// names zones in messages.
struct ReachByNeed {
    std::span<const double> reach;  ///< e.g. people helped; >= 0
    std::span<const double> population;  ///< residents (the weights); >= 0, > 0 where reach > 0
    std::span<const double> need_rank;  ///< lower = more need (1 = most); equal values are ties
    std::span<const std::string> zone_ids = {};
};

struct ConcentrationOptions {
    /// Bootstrap draws (0 for none): zones resampled with replacement, n of n.
    int draws = 999;
    std::uint64_t seed = 0;
    /// Two-sided percentile interval level, in (0, 1).
    double level = 0.9;
    /// Worker threads (0 = hardware); the result is the same for any count.
    int threads = 0;
};

struct ConcentrationResult {
    /// The concentration index (see the file comment for the sign).
    double index = 0.0;
    /// Percentile bootstrap interval at `level` (NaN without draws); quantiles interpolated
    /// linearly between order statistics (NumPy's default, R's type 7).
    double lower = 0.0;
    double upper = 0.0;
    double level = 0.0;
    /// Draws requested, and those whose resample held no reach (index undefined, NaN; left out of
    /// the interval).
    int draws = 0;
    int undefined_draws = 0;
    /// Each draw's index, in draw order (draw d uses the stream seeded by (seed, d) alone).
    std::vector<double> bootstrap;
    /// Concentration curve: cumulative population share and cumulative reach share after each
    /// need group, from (0, 0) to (1, 1), most need first.
    std::vector<double> curve_population;
    std::vector<double> curve_reach;
    /// Per zone, in input order: its fractional rank r_i (tied zones share their group's).
    std::vector<double> fractional_rank;
};

/// The concentration index of reach over zones ranked by need, its curve and a bootstrap
/// interval. Throws InputError naming the zone and the value when sizes differ, a value is
/// negative or not finite, a zone has reach but no people, or there is no reach or no people at
/// all; Stopped when `control` asks.
ConcentrationResult concentration_index(const ReachByNeed& zones, const ConcentrationOptions& options = {},
                                        const Control& control = {});

/// Zones into `groups` need groups by population: group g (0 = most need) holds the zones whose
/// fractional rank r_i (as in concentration_index, ties together) lies in [g / groups,
/// (g + 1) / groups). Each group then holds about 1 / groups of the people (exactly, when no zone
/// straddles a boundary). Zones without people go with their rank's neighbours (r at their
/// position). Throws InputError as concentration_index does.
std::vector<std::int64_t> need_groups(std::span<const double> population, std::span<const double> need_rank, std::int64_t groups);

/// Each group's people and reach, and their shares of all zones' people and reach.
struct GroupShares {
    std::vector<double> population;  ///< per group
    std::vector<double> reach;  ///< per group
    std::vector<double> population_share;  ///< of all zones' people (ungrouped zones included)
    std::vector<double> reach_share;  ///< of all zones' reach (NaN when there is none)
    /// reach_share / population_share: above 1, the group gets more than its share of people.
    std::vector<double> ratio;
    double ungrouped_population = 0.0;  ///< zones with group -1
    double ungrouped_reach = 0.0;
};

/// Shares of people and reach per group (e.g. a need decile from need_groups, or the planned
/// rollout wave: its share of people against its actual share of reach). `group` per zone is
/// 0..groups-1, or -1 for a zone in none (counted in the totals, not in any group). Throws
/// InputError for sizes that differ, a negative or non-finite value, or a group out of range.
GroupShares share_by_group(std::span<const double> reach, std::span<const double> population, std::span<const std::int64_t> group,
                           std::int64_t groups);

/// Whether a count of zero is disclosive. Health statistics usually publish zeros.
enum class ZeroCells { Publish, Suppress };

struct DisclosureOptions {
    /// Counts with 0 < count < threshold are suppressed (ONS and NHS practice: 5).
    double threshold = 5.0;
    ZeroCells zeros = ZeroCells::Publish;
    /// Publish row totals, column totals and the grand total. Without margins no relation is
    /// published, so only primary suppression applies.
    bool margins = true;
};

/// What happened to a cell. Linked: suppressed on the caller's request (`forced`), because the
/// same figure is suppressed in a linked table; protected like a primary cell.
enum class CellStatus : std::int8_t { Published = 0, Primary = 1, Secondary = 2, Linked = 3 };

/// One flag per cell of a published table (margins included when they are published).
using CellMask = Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>;

/// A table as published. With margins, `values` and `status` have one more row (the column
/// totals) and one more column (the row totals); the corner is the grand total.
struct SuppressedTable {
    Eigen::MatrixXd values;  ///< the counts, NaN where suppressed
    Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic> status;  ///< CellStatus per cell
    bool margins = false;
    // For the manifest: how many cells were suppressed, and why.
    std::int64_t primary_cells = 0;  ///< inner cells below the threshold
    std::int64_t secondary_cells = 0;  ///< inner cells suppressed to protect others
    std::int64_t primary_margins = 0;  ///< totals below the threshold
    std::int64_t secondary_margins = 0;  ///< totals suppressed to protect others
    std::int64_t linked_cells = 0;  ///< inner cells suppressed on request (`forced`), not below the threshold
    std::int64_t linked_margins = 0;  ///< totals suppressed on request, not below the threshold
};

/// Primary and secondary suppression of a rows × columns table of counts (see the file comment).
/// `forced` (optional, sized like the published table: rows + 1 by columns + 1 with margins)
/// marks cells to suppress whatever their count, e.g. because a linked table suppresses the same
/// figure; they are CellStatus::Linked (Primary when also below the threshold) and secondary
/// suppression protects them as it does primary cells. Deterministic: the same table gives the
/// same pattern. Throws InputError naming the row and column of a negative or non-finite count,
/// for a threshold that is not a positive number, or for a `forced` mask of another size.
SuppressedTable suppress_counts(const Eigen::MatrixXd& counts, const DisclosureOptions& options = {},
                                const CellMask* forced = nullptr);

/// A zones × periods table and its areas × periods table as published together (linked tables).
struct NestedTables {
    /// Zones × periods with each zone's total (last column) and the period totals over all zones
    /// (last row; the corner is the grand total). The last row is the areas table's last row:
    /// the same values and status.
    SuppressedTable zones;
    /// Areas × periods (each cell the sum of the area's zones) with all margins.
    SuppressedTable areas;
    /// Rounds to the fixed point (1 when the first round already agreed).
    int rounds = 0;
};

/// Disclosure control of linked tables: counts per zone × period and, summed, per area × period,
/// each zone in exactly one area, both published with their margins (see the file comment).
/// `area_of_zone[z]` is zone z's area, 0..areas-1; an area with no zones has a row of zeros.
/// Deterministic. Throws InputError naming the zone of an area out of range, for sizes that
/// differ, or as suppress_counts does (naming the zone and period); Stopped when `control` asks
/// (checked between rounds).
NestedTables suppress_nested(const Eigen::MatrixXd& zone_counts, std::span<const std::int64_t> area_of_zone, std::int64_t areas,
                             const DisclosureOptions& options = {}, const Control& control = {});

}  // namespace furthest
