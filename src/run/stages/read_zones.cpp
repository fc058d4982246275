// Stage: the zones that get scored, in the working CRS, with unique ids and repaired geometry.
// The zones table starts here and holds the zones' geometry for every later stage.
#include "furthest/errors.hpp"
#include "geography/repair.hpp"
#include "io/gdal_session.hpp"
#include "io/readers.hpp"
#include "run/run_state.hpp"

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "reading zones";
constexpr const char* kTable = "zones";

std::vector<TableInfo> tables(const RunConfig&) {
    return {{kTable,
             "one row per zone: its id as given, the indicators as read, the need score, ranks, classes and "
             "intervals, its main partnership area and partner count",
             kStage}};
}

void read(RunState& state) {
    const RunConfig& config = state.config;
    state.working_crs = io::spatial_reference(config.working_crs, "[run] crs");
    if (!state.working_crs.IsProjected())
        throw ConfigError("[run] crs '" + config.working_crs +
                          "' is not projected; areas and distances need a projected "
                          "CRS in metres, e.g. \"EPSG:27700\"");
    Layer zones = io::read_vector({"zones", config.zones.path, config.zones.layer, io::GeometryFamily::Polygonal,
                                   config.allow_network, "", &state.control, config.zones.encoding},
                                  state.working_crs);
    state.facts.inputs.push_back({"zones", config.zones.path});
    auto ids = unique_ids(zones, "zones", config.zones.path, config.zones.id);
    const std::string at = "zones: '" + config.zones.path.string() + "'";
    for (const auto& repair : geography::repair_polygons(zones.wkb, at, ids, config.threads, state.control))
        state.reports.warn("geometry_repaired",
                           at + " feature " + std::to_string(repair.index + 1) + " (" + ids[repair.index] +
                               ") had invalid geometry (" + repair.reason + "); repaired with GEOS MakeValid",
                           {ids[repair.index]});

    // The zones table: the id column as given (its type kept), then the zones' geometry.
    Layer& table = state.outputs.add(tables(config).front());
    OutputCatalogue::add_column(table, io::require_column(zones, "zones", config.zones.path, config.zones.id));
    table.wkb = std::move(zones.wkb);
    table.crs_wkt = zones.crs_wkt;
    table.source_crs = zones.source_crs;
    state.facts.working_crs_wkt = table.crs_wkt;
    state.facts.counts.emplace_back("zones", static_cast<long long>(ids.size()));
    state.zones = ZoneSet{&table, std::move(ids)};
}

}  // namespace

extern const Stage read_zones_stage{kStage, always, tables, no_columns, read};

}  // namespace furthest::run_detail
