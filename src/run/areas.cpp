// Partnership areas: drawn polygons overlaid on the zones, or areas defined by member sites
// (GP practices of a PCN or LCP) whose polygons are the zones dissolved by area.
#include "furthest/errors.hpp"
#include "furthest/zonal.hpp"
#include "geography/points.hpp"
#include "geography/repair.hpp"
#include "io/gdal_session.hpp"
#include "io/readers.hpp"
#include "run/inputs.hpp"
#include "run/run_state.hpp"

#include <cstdio>
#include <unordered_map>

namespace furthest::run_detail {
namespace {

// A blank name is allowed (the area is then named by its id), and said once with the areas.
void warn_blank_area_names(const RunConfig& config, const std::vector<std::string>& blank, Reports& reports) {
    if (blank.empty()) return;
    reports.warn("area_names_blank",
                 "areas: '" + config.areas.path.string() + "': " + count_of(blank.size(), "area") +
                     " have a blank name in column '" + config.areas.name + "' (named by their id): " + list_some(blank),
                 blank);
}

// "(declared EPSG:4326; in the working CRS x 0..1, y 0..1)": how a layer that meets nothing is named.
std::string layer_extent(const Layer& layer) {
    const Bounds b = polygon_bounds(layer.wkb);
    char extent[160];
    std::snprintf(extent, sizeof extent, "x %.6g..%.6g, y %.6g..%.6g", b.x_min, b.x_max, b.y_min, b.y_max);
    return "(declared " + (layer.source_crs.empty() ? std::string("in its CRS") : layer.source_crs) + "; in the working CRS " +
           extent + ")";
}

// Coverage below 1 - this is reported as a shortfall (gaps between generalised boundaries).
constexpr double kCoverageTolerance = 1e-6;

AreaSet drawn_areas(const RunConfig& config, const ZoneSet& zones, const OGRSpatialReference& working_crs, ManifestFacts& facts,
                    Reports& reports, const Control& control) {
    AreaSet areas;
    areas.layer = io::read_vector({"areas", config.areas.path, config.areas.layer, io::GeometryFamily::Polygonal,
                                   config.allow_network, config.areas.where, &control, config.areas.encoding},
                                  working_crs);
    facts.inputs.push_back({"areas", config.areas.path});
    areas.ids = unique_ids(areas.layer, "areas", config.areas.path, config.areas.id);
    areas.names = areas.ids;
    if (!config.areas.name.empty()) {
        const Column& names = io::require_column(areas.layer, "areas", config.areas.path, config.areas.name);
        std::vector<std::string> blank;
        for (std::size_t a = 0; a < areas.names.size(); ++a) {
            if (auto name = io::key_text(names, a); !name.empty()) areas.names[a] = name;
            else blank.push_back(areas.ids[a]);
        }
        warn_blank_area_names(config, blank, reports);
    }
    const std::string at = "areas: '" + config.areas.path.string() + "'";
    for (const auto& repair : geography::repair_polygons(areas.layer.wkb, at, areas.ids, config.threads, control))
        reports.warn("geometry_repaired",
                     at + " feature " + std::to_string(repair.index + 1) + " (" + areas.ids[repair.index] +
                         ") had invalid geometry (" + repair.reason + "); repaired with GEOS MakeValid",
                     {areas.ids[repair.index]});
    areas.zone_to_area = overlay_crosswalk(zones.layer->wkb, areas.layer.wkb, config.threads, control);
    areas.method =
        "area-weighted polygon overlay of the zones on the areas in the working CRS; a zone's main area "
        "holds the largest share of its area";

    std::vector<std::string> shortfalls, no_area, short_ids;
    const Eigen::VectorXd uncovered = areas.zone_to_area.uncovered();
    const auto main_area = areas.zone_to_area.main_target();
    for (std::size_t z = 0; z < zones.ids.size(); ++z) {
        if (main_area[z] < 0) no_area.push_back(zones.ids[z]);
        if (uncovered(static_cast<Eigen::Index>(z)) > kCoverageTolerance) {
            char share[32];
            std::snprintf(share, sizeof share, "%.3g", uncovered(static_cast<Eigen::Index>(z)));
            shortfalls.push_back(zones.ids[z] + ": " + share + " of its area lies in no area");
            short_ids.push_back(zones.ids[z]);
        }
    }
    // Layers that do not meet are nearly always a wrongly declared CRS (a layer in metres declared
    // EPSG:4326, lat/lon axes swapped): say so with both layers' CRS and extents, not only "none".
    if (no_area.size() == zones.ids.size())
        throw InputError("areas: '" + config.areas.path.string() + "' " + layer_extent(areas.layer) + " cover none of the " +
                         count_of(zones.ids.size(), "zone") + " of '" + config.zones.path.string() + "' " +
                         layer_extent(*zones.layer) +
                         "; expected areas overlapping the zones. Likely cause: a layer's declared CRS is wrong (a "
                         "layer in metres declared as degrees, or longitude and latitude swapped); check that both "
                         "layers declare the CRS their coordinates are in");
    facts.coverage_shortfalls = shortfalls;
    if (!shortfalls.empty())
        reports.warn("zones_partly_covered",
                     "areas: " + count_of(shortfalls.size(), "zone") +
                         " not wholly covered by the areas (shares sum to less than 1 - 1e-6): " + list_some(shortfalls, 5),
                     short_ids);
    if (!no_area.empty())
        reports.warn("zones_without_area",
                     "areas: " + count_of(no_area.size(), "zone") +
                         " overlap no area and have no area_id: " + list_some(no_area) +
                         (2 * no_area.size() > zones.ids.size()
                              ? std::string("; that is most zones: check that '") + config.areas.path.string() + "' " +
                                    layer_extent(areas.layer) + " and '" + config.zones.path.string() + "' " +
                                    layer_extent(*zones.layer) + " declare the CRS their coordinates are in"
                              : std::string()),
                     no_area);
    return areas;
}

AreaSet member_areas(const RunConfig& config, const ZoneSet& zones, const OGRSpatialReference& working_crs, TableCache& tables,
                     ManifestFacts& facts, Reports& reports, const Control& control) {
    const AreasSpec& spec = config.areas;
    const std::string at = "areas: '" + spec.path.string() + "'";
    Layer sites =
        locate_rows(io::read_table("areas", spec.path, spec.layer, config.allow_network, spec.where, {}, control, spec.encoding),
                    "areas", spec.path, spec.site, tables, config, working_crs, reports);
    facts.inputs.push_back({"area member sites", spec.path});
    const Column& id_column = io::require_column(sites, "areas", spec.path, spec.id);
    const Column* name_column = spec.name.empty() ? nullptr : &io::require_column(sites, "areas", spec.path, spec.name);

    AreaSet areas;
    std::unordered_map<std::string, Eigen::Index> index_of;
    std::vector<Eigen::Index> site_area(sites.rows());
    std::vector<std::string> blank_names;
    for (std::size_t row = 0; row < sites.rows(); ++row) {
        const std::string id = io::key_text(id_column, row);
        if (id.empty())
            throw InputError(at + " row " + std::to_string(row + 1) + ", column '" + spec.id +
                             "': area id is blank; "
                             "expected the id of the area this member site belongs to");
        auto [it, inserted] = index_of.emplace(id, static_cast<Eigen::Index>(areas.ids.size()));
        if (inserted) {
            areas.ids.push_back(id);
            const std::string name = name_column ? io::key_text(*name_column, row) : std::string();
            areas.names.push_back(name.empty() ? id : name);
            if (name_column && name.empty()) blank_names.push_back(id);
        }
        site_area[row] = it->second;
    }
    warn_blank_area_names(config, blank_names, reports);
    {
        // Member sites mostly outside the zones (x and y swapped, degrees declared as metres) would
        // still give every zone a "nearest" area: refused or flagged here, not silently assigned.
        std::vector<double> x, y;
        geography::point_coordinates(sites.wkb, x, y);
        const auto owner = locate_points(x, y, zones.layer->wkb, config.threads, control);
        check_sites_land("areas", spec.path, spec.site, config, x, y, owner, *zones.layer, "member sites", reports);
    }
    const MemberAssignment assignment = spec.assign;
    areas.zone_to_area =
        member_site_crosswalk(centroids(zones.layer->wkb, config.threads, control), sites.wkb, site_area,
                              static_cast<Eigen::Index>(areas.ids.size()), assignment, spec.k, config.threads, control);
    const auto main_area = areas.zone_to_area.main_target();
    areas.layer.name = "areas";
    areas.layer.crs_wkt = zones.layer->crs_wkt;
    areas.layer.wkb = dissolve(zones.layer->wkb, main_area, static_cast<Eigen::Index>(areas.ids.size()), config.threads, control);
    std::vector<std::string> empty;
    for (std::size_t a = 0; a < areas.ids.size(); ++a)
        if (areas.layer.wkb[a].empty()) empty.push_back(areas.ids[a]);
    if (!empty.empty())
        reports.warn(
            "areas_without_zones",
            at + ": " + count_of(empty.size(), "area") + " are the main area of no zone and have no polygon: " + list_some(empty),
            empty);
    areas.method = "areas defined by " + std::to_string(sites.rows()) + " member sites in '" + spec.path.string() + "'" +
                   (spec.site.postcode.empty() ? std::string() : " placed by postcode ('" + spec.site.postcode + "')") + ": " +
                   areas.zone_to_area.method() + " (zones represented by their centroids); area polygons are the zones " +
                   "dissolved by main area";
    return areas;
}

}  // namespace

AreaSet build_areas(const RunConfig& config, const ZoneSet& zones, const OGRSpatialReference& working_crs, TableCache& tables,
                    ManifestFacts& facts, Reports& reports, const Control& control) {
    return config.areas.from_members() ? member_areas(config, zones, working_crs, tables, facts, reports, control)
                                       : drawn_areas(config, zones, working_crs, facts, reports, control);
}

Column index_texts(const std::string& name, const std::vector<Eigen::Index>& index, const std::vector<std::string>& labels) {
    Column::Texts values(index.size());
    std::vector<bool> valid(index.size(), false);
    for (std::size_t i = 0; i < index.size(); ++i) {
        if (index[i] < 0) continue;
        values[i] = labels[static_cast<std::size_t>(index[i])];
        valid[i] = true;
    }
    return Column::texts(name, std::move(values), std::move(valid));
}

}  // namespace furthest::run_detail
