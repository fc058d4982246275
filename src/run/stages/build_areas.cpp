// Stage: the partnership areas (drawn polygons, or member sites such as GP practices) and the
// zone -> area crosswalk every roll-up goes through.
#include "run/run_state.hpp"

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "building areas";
constexpr const char* kTable = "areas";

std::vector<TableInfo> tables(const RunConfig&) {
    return {{kTable,
             "one row per partnership area: id, name, polygon, and the roll-up of its zones (zones, mean and "
             "median score, zones in the top need decile, partners)",
             kStage}};
}

void build(RunState& state) {
    const ZoneSet& zones = need(state.zones, "zones");
    AreaSet areas = build_areas(state.config, zones, state.working_crs, state.tables, state.facts, state.reports, state.control);

    Layer& table = state.outputs.add(tables(state.config).front());
    table.wkb = std::move(areas.layer.wkb);
    table.crs_wkt = zones.layer->crs_wkt;
    OutputCatalogue::add_column(table, Column::texts("area_id", areas.ids));
    OutputCatalogue::add_column(table, Column::texts("area_name", areas.names));
    areas.table = &table;

    const auto main_area = areas.zone_to_area.main_target();
    const auto without = std::count(main_area.begin(), main_area.end(), Eigen::Index{-1});
    state.facts.counts.emplace_back("areas", static_cast<long long>(areas.ids.size()));
    state.facts.counts.emplace_back("zones_without_area", static_cast<long long>(without));
    state.facts.counts.emplace_back("zones_with_coverage_shortfall",
                                    static_cast<long long>(state.facts.coverage_shortfalls.size()));
    state.facts.counts.emplace_back("zone_area_pairs", static_cast<long long>(areas.zone_to_area.weights().nonZeros()));
    state.facts.method.push_back("Zones were assigned to partnership areas by " + areas.method +
                                 "; every zone-area share is kept in the zone_areas table.");
    state.areas = std::move(areas);
}

}  // namespace

extern const Stage build_areas_stage{kStage, always, tables, no_columns, build};

}  // namespace furthest::run_detail
