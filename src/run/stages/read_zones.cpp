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

// The zones table's zone_name, checked at the door against the indicators' names.
std::vector<std::string> zone_columns(const RunConfig& config) {
    if (config.zones.name.empty()) return {};
    return {"zone_name"};
}

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

    // Names, when the config gives a column: a blank one is allowed (the id still says which
    // zone it is) but said once, with the zones concerned.
    std::vector<std::string> names;
    if (!config.zones.name.empty()) {
        const Column& column = io::require_column(zones, "zones", config.zones.path, config.zones.name);
        std::vector<std::string> blank;
        for (std::size_t z = 0; z < ids.size(); ++z) {
            names.push_back(io::key_text(column, z));
            if (names.back().empty()) blank.push_back(ids[z]);
        }
        if (!blank.empty())
            state.reports.warn("zone_names_blank",
                               at + ": " + count_of(blank.size(), "zone") + " have a blank name in column '" + config.zones.name +
                                   "' (zone_name left blank): " + list_some(blank),
                               blank);
    }

    // The zones table: the id column as given (its type kept), its name, then the zones' geometry.
    Layer& table = state.outputs.add(tables(config).front());
    OutputCatalogue::add_column(table, io::require_column(zones, "zones", config.zones.path, config.zones.id));
    if (!names.empty()) {
        std::vector<bool> named(names.size());
        for (std::size_t z = 0; z < names.size(); ++z) named[z] = !names[z].empty();
        OutputCatalogue::add_column(table, Column::texts("zone_name", names, std::move(named)));
    }
    table.wkb = std::move(zones.wkb);
    table.crs_wkt = zones.crs_wkt;
    table.source_crs = zones.source_crs;
    state.facts.working_crs_wkt = table.crs_wkt;
    state.facts.counts.emplace_back("zones", static_cast<long long>(ids.size()));
    state.zones = ZoneSet{&table, std::move(ids), std::move(names)};
}

}  // namespace

extern const Stage read_zones_stage{kStage, always, tables, zone_columns, read};

}  // namespace furthest::run_detail
