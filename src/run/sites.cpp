// Sites: rows of a table placed on the map, by coordinates or by postcode.
#include "furthest/errors.hpp"
#include "furthest/zonal.hpp"
#include "io/gdal_session.hpp"
#include "io/readers.hpp"
#include "run/inputs.hpp"
#include "run/run_state.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace furthest::run_detail {


Layer rows_at(const Layer& table, const std::vector<std::size_t>& keep) {
    Layer out;
    out.name = table.name;
    out.crs_wkt = table.crs_wkt;
    for (const Column& column : table.columns) {
        Column picked{column.name, {}, {}};
        std::visit(
            [&](const auto& values) {
                std::decay_t<decltype(values)> subset;
                subset.reserve(keep.size());
                for (std::size_t row : keep) subset.push_back(values[row]);
                picked.values = std::move(subset);
            },
            column.values);
        if (!column.valid.empty())
            for (std::size_t row : keep) picked.valid.push_back(column.valid[row]);
        out.columns.push_back(std::move(picked));
    }
    if (table.has_geometry())
        for (std::size_t row : keep) out.wkb.push_back(table.wkb[row]);
    return out;
}

const PostcodeDirectory& TableCache::postcodes(const PostcodesSpec& spec) {
    if (postcodes_) return *postcodes_;
    const std::string role = "postcodes";
    // Three columns of what may be a national directory (2.7 million rows, dozens of columns).
    const Layer table =
        io::read_table(role, spec.path, spec.layer, allow_network_, "", {spec.postcode, spec.x, spec.y}, control_, spec.encoding);
    facts_.inputs.push_back({"postcode directory", spec.path});
    const Column& postcode = io::require_column(table, role, spec.path, spec.postcode);
    // Terminated and non-geographic postcodes have blank coordinates: known, but unplaceable.
    const auto xs = io::numeric_values(io::require_column(table, role, spec.path, spec.x), role, spec.path);
    const auto ys = io::numeric_values(io::require_column(table, role, spec.path, spec.y), role, spec.path);
    PostcodeDirectory directory;
    for (std::size_t row = 0; row < table.rows(); ++row) {
        const std::string text = io::key_text(postcode, row);
        if (!directory.add(text, xs[row], ys[row]))
            throw InputError(role + ": '" + spec.path.string() + "' row " + std::to_string(row + 1) + ", column '" +
                             spec.postcode + "': '" + text + "' is not shaped like a UK postcode; expected e.g. 'LS1 4AP'");
    }
    if (directory.conflicting_duplicates() > 0)
        throw InputError(role + ": '" + spec.path.string() + "' lists " +
                         count_of(directory.conflicting_duplicates(), "postcode") +
                         " more than once with different coordinates (compared in their standard form, e.g. "
                         "'LS14AP' = 'LS1 4AP'); expected one row per postcode");
    postcodes_ = std::move(directory);
    return *postcodes_;
}

Layer locate_rows(Layer table, const std::string& role, const std::filesystem::path& path, const SiteColumns& columns,
                  TableCache& tables, const RunConfig& config, const OGRSpatialReference& working_crs, Reports& reports,
                  UnplacedRows* unplaced) {
    if (columns.postcode.empty()) {
        return io::points_from_columns(std::move(table), role, path, columns.x, columns.y,
                                       io::spatial_reference(columns.crs, role + " crs"), working_crs);
    }
    const PostcodesSpec& spec = *config.postcodes;
    const PostcodeDirectory& directory = tables.postcodes(spec);
    const Column& postcode = io::require_column(table, role, path, columns.postcode);
    const std::string at = role + ": '" + path.string() + "'";

    std::vector<std::size_t> keep;
    Column::Reals x, y;
    std::vector<std::string> unmatched, unmatched_rows;
    for (std::size_t row = 0; row < table.rows(); ++row) {
        const std::string text = postcode.is_valid(row) ? io::key_text(postcode, row) : std::string();
        const PostcodeDirectory::Match match = directory.find(text);
        if (match.status == PostcodeDirectory::Status::Found) {
            keep.push_back(row);
            x.push_back(match.x);
            y.push_back(match.y);
            continue;
        }
        std::string why = describe(match.status);
        if (match.status == PostcodeDirectory::Status::Unknown && unmatched.size() < 10) {
            if (const std::string near = directory.closest(match.postcode); !near.empty())
                why += "; did you mean '" + near + "'?";
        }
        if (spec.unmatched == UnmatchedPostcodes::Error) {
            std::string expected = "expected a postcode such as 'LS1 4AP' (with or without the space)";
            if (match.status == PostcodeDirectory::Status::Unknown || match.status == PostcodeDirectory::Status::NoCoordinates)
                expected = "expected a current postcode listed with coordinates in '" + spec.path.string() +
                           "', or [postcodes] unmatched = \"warn\" to leave such rows out";
            throw InputError(at + " row " + std::to_string(row + 1) + ", column '" + columns.postcode + "': '" + text + "' is " +
                             why + "; " + expected);
        }
        if (unplaced != nullptr) {
            const bool known_shape =
                match.status == PostcodeDirectory::Status::Unknown || match.status == PostcodeDirectory::Status::NoCoordinates;
            ++(known_shape ? unplaced->unknown : unplaced->blank_or_malformed);
        }
        unmatched.push_back("row " + std::to_string(row + 1) + " '" + text + "' (" + why + ")");
        unmatched_rows.push_back("row " + std::to_string(row + 1));
    }
    if (keep.empty())
        throw InputError(at + ": no row has a postcode found in '" + spec.path.string() + "' (column '" + columns.postcode +
                         "'); expected postcodes of the directory's area");
    if (!unmatched.empty())
        reports.warn("postcodes_unmatched",
                     at + ": " + count_of(unmatched.size(), "row") + " of " + std::to_string(table.rows()) +
                         " left out, their postcode could not be placed: " + list_some(unmatched),
                     unmatched_rows);

    // Coordinates in a scratch table, through the same reprojection as coordinate columns.
    Layer coordinates;
    coordinates.columns.push_back(Column::reals("x", std::move(x)));
    coordinates.columns.push_back(Column::reals("y", std::move(y)));
    const Layer placed = io::points_from_columns(std::move(coordinates), "postcodes", spec.path, "x", "y",
                                                 io::spatial_reference(spec.crs, "[postcodes] crs"), working_crs);
    Layer located = keep.size() == table.rows() ? std::move(table) : rows_at(table, keep);
    located.wkb = placed.wkb;
    located.crs_wkt = placed.crs_wkt;
    return located;
}

namespace {

std::string extent_of(std::span<const double> x, std::span<const double> y) {
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
        x0 = std::min(x0, x[i]), x1 = std::max(x1, x[i]), y0 = std::min(y0, y[i]), y1 = std::max(y1, y[i]);
    }
    char text[160];
    std::snprintf(text, sizeof text, "x %.6g..%.6g, y %.6g..%.6g", x0, x1, y0, y1);
    return text;
}

}  // namespace

void check_sites_land(const std::string& role, const std::filesystem::path& path, const SiteColumns& columns,
                      const RunConfig& config, std::span<const double> x, std::span<const double> y,
                      std::span<const Eigen::Index> owner, const Layer& zones, const std::string& noun, Reports& reports) {
    std::string declared, how;
    if (!columns.postcode.empty() && config.postcodes) {
        declared = config.postcodes->crs;
        how = "placed by postcode (column '" + columns.postcode + "') through [postcodes] '" + config.postcodes->path.string() +
              "', whose x = '" + config.postcodes->x + "', y = '" + config.postcodes->y + "' are declared " + declared;
    } else if (!columns.x.empty()) {
        declared = columns.crs;
        how = "x = '" + columns.x + "', y = '" + columns.y + "', declared " + declared;
    } else {
        how = "a point layer in its own CRS";
    }
    const PlacementCheck check = check_placement(x, y, owner, zones.wkb, declared, zones.crs_wkt, config.threads);
    if (!check.mostly_outside()) return;
    const Bounds zone_bounds = polygon_bounds(zones.wkb);
    char zone_extent[160];
    std::snprintf(zone_extent, sizeof zone_extent, "x %.6g..%.6g, y %.6g..%.6g", zone_bounds.x_min, zone_bounds.x_max,
                  zone_bounds.y_min, zone_bounds.y_max);
    const std::string message = role + ": '" + path.string() + "': " + std::to_string(check.outside) + " of " +
                                std::to_string(check.points) + " " + noun + " (" + how + ") lie in no zone of '" +
                                config.zones.path.string() + "' (in the working CRS the zones span " + zone_extent +
                                ", these points " + extent_of(x, y) + ")";
    if (!check.likely_cause.empty()) throw InputError(message + "; likely cause: " + check.likely_cause);
    if (check.outside == check.points)
        throw InputError(message + "; expected " + noun +
                         " in or near the study area (check the coordinate columns, their order and the declared crs)");
    reports.warn("points_mostly_outside",
                 message +
                     "; kept (they still reach zones near the edge), but check the table covers the study area and "
                     "its crs is right",
                 {path.string()});
}

}  // namespace furthest::run_detail
