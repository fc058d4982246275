// The run's stages, private to src/run: each takes parsed config and plain data, and says in
// its errors which file, row and column is at fault.
#pragma once

#include "furthest/config.hpp"
#include "furthest/control.hpp"
#include "furthest/crosswalk.hpp"
#include "furthest/postcodes.hpp"
#include "furthest/table.hpp"
#include "run/manifest.hpp"

#include <ogr_spatialref.h>

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace furthest::run_detail {

class Reports;  // run/run_state.hpp

/// Tables read once per run, by (path, layer), and the run's postcode directory; reading polls
/// the run's control.
class TableCache {
public:
    TableCache(bool allow_network, ManifestFacts& facts, const Control& control)
        : allow_network_(allow_network), facts_(facts), control_(control) {}
    /// The run's stop token and progress callback, for the work done with the tables.
    const Control& control() const { return control_; }
    /// `role` names the input in messages; `manifest_role` files it in the manifest's inputs.
    const Layer& get(const std::string& role, const std::filesystem::path& path, const std::string& layer,
                     const std::string& manifest_role, const std::string& encoding = "");
    /// The [postcodes] directory, read on first use (coordinates in the directory's own CRS).
    const PostcodeDirectory& postcodes(const PostcodesSpec& spec);

private:
    bool allow_network_;
    ManifestFacts& facts_;
    const Control& control_;
    std::map<std::pair<std::string, std::string>, Layer> tables_;
    std::optional<PostcodeDirectory> postcodes_;
};

/// The rows of `table` as points in the working CRS (table.wkb filled), from coordinate columns
/// or by postcode through the run's [postcodes] directory. A row whose postcode cannot be placed
/// is an InputError naming file, row, column and value; with [postcodes] unmatched = "warn" it
/// is left out instead and listed in `reports`.
/// Rows left out because their postcode could not be placed (with [postcodes] unmatched = "warn").
struct UnplacedRows {
    long long blank_or_malformed = 0;
    long long unknown = 0;  ///< not in the directory, or in it without coordinates
};

Layer locate_rows(Layer table, const std::string& role, const std::filesystem::path& path, const SiteColumns& columns,
                  TableCache& tables, const RunConfig& config, const OGRSpatialReference& working_crs, Reports& reports,
                  UnplacedRows* unplaced = nullptr);

/// Points of one input that should lie in the zones (partner sites, member sites) and mostly do
/// not (more than half: a table for the study area keeps a fringe beyond its edge, not a
/// majority). InputError naming the file, the count and the likely cause when a slip explains it
/// (x and y exchanged, degrees declared as metres; geography's check_placement) or when none lies
/// in any zone; otherwise a `points_mostly_outside` warning (a wider table than the study area).
/// `x`, `y` are in the working CRS; `owner` is each point's zone or -1.
void check_sites_land(const std::string& role, const std::filesystem::path& path, const SiteColumns& columns,
                      const RunConfig& config, std::span<const double> x, std::span<const double> y,
                      std::span<const Eigen::Index> owner, const Layer& zones, const std::string& noun, Reports& reports);

/// The table's rows at `keep`, in order, geometry included when it has any.
Layer rows_at(const Layer& table, const std::vector<std::size_t>& keep);

/// Zones as read: ids as text, and the zones output table, which holds their geometry in the
/// working CRS (repaired) from the first stage on, so it is never copied.
struct ZoneSet {
    Layer* layer = nullptr;
    std::vector<std::string> ids;
    /// Per zone, its name from [zones] name ("" where the file leaves it blank); empty when the
    /// config names no name column. Stages that key a table by zone put it beside the id.
    std::vector<std::string> names;
};


/// Partnership areas and the zone -> area crosswalk.
struct AreaSet {
    Layer layer;  ///< the input attributes for drawn areas (geometry moves to `table`)
    std::vector<std::string> ids;
    std::vector<std::string> names;
    Crosswalk zone_to_area;
    std::string method;  ///< plain words for the manifest
    Layer* table = nullptr;  ///< the areas output table, which holds their geometry once made
};

/// Unique, non-blank ids from a column; InputError naming the feature otherwise.
std::vector<std::string> unique_ids(const Layer& layer, const std::string& role, const std::filesystem::path& path,
                                    const std::string& column_name);

/// The areas and the zone -> area crosswalk; the reading and geometry poll `control`.
AreaSet build_areas(const RunConfig& config, const ZoneSet& zones, const OGRSpatialReference& working_crs, TableCache& tables,
                    ManifestFacts& facts, Reports& reports, const Control& control);

/// One indicator on the zones, by key, through a lookup, or through points. Blanks stay blank
/// (NaN) for the scoring's missing-value policy, unless that policy is "error": then an
/// InputError names the file, column and zones. Notes what was done in `facts.indicator_notes`.
Eigen::VectorXd join_indicator(const IndicatorSpec& spec, const ZoneSet& zones, TableCache& tables, const RunConfig& config,
                               const OGRSpatialReference& working_crs, ManifestFacts& facts, Reports& reports);

/// A text column of `labels[index[i]]`, blank where index[i] < 0 (zone_id, area_id ...).
Column index_texts(const std::string& name, const std::vector<Eigen::Index>& index, const std::vector<std::string>& labels);

/// "3 zones", "1 zone".
std::string count_of(std::size_t n, const std::string& noun);
/// The first `limit` items, then "... (N in all)".
std::string list_some(const std::vector<std::string>& items, std::size_t limit = 10);

}  // namespace furthest::run_detail
