// Stage: partner sites (libraries, GP practices, community organisations, hubs) placed by
// coordinates, postcode or geometry, and located in the zones and areas.
#include "furthest/crosswalk.hpp"
#include "furthest/errors.hpp"
#include "io/readers.hpp"
#include "run/run_state.hpp"

#include <algorithm>

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "locating partners";
constexpr const char* kTable = "partners";

bool applies(const RunConfig& config, const RunOptions&) { return config.partners.has_value(); }

std::vector<TableInfo> tables(const RunConfig&) {
    return {
        {kTable, "partner sites as given, with the zone and the area each lies in (zone_id, area_id; blank outside)", kStage}};
}

void locate(RunState& state) {
    const RunConfig& config = state.config;
    const PartnersSpec& spec = *config.partners;
    const ZoneSet& zones = need(state.zones, "zones");
    const AreaSet& areas = need(state.areas, "areas");
    Layer located =
        spec.site.given()
            ? locate_rows(io::read_table("partners", spec.path, spec.layer, config.allow_network, spec.where, {}, state.control),
                          "partners", spec.path, spec.site, state.tables, config, state.working_crs, state.reports)
            : io::read_vector({"partners", spec.path, spec.layer, io::GeometryFamily::Point, config.allow_network, spec.where,
                               &state.control},
                              state.working_crs);
    state.facts.inputs.push_back({"partners", spec.path});
    for (const char* name : {"zone_id", "area_id"})
        if (located.find(name))
            throw InputError("partners: '" + spec.path.string() + "' already has a column '" + std::string(name) +
                             "'; rename it");

    PartnerSet partners;
    partners.zone = locate_points(located.wkb, zones.layer->wkb, config.threads, state.control);
    partners.area = locate_points(located.wkb, areas.table->wkb, config.threads, state.control);
    const auto outside = std::count(partners.zone.begin(), partners.zone.end(), Eigen::Index{-1});
    if (outside > 0) {
        std::vector<std::string> rows;
        for (std::size_t p = 0; p < partners.zone.size(); ++p)
            if (partners.zone[p] < 0) rows.push_back("row " + std::to_string(p + 1));
        state.reports.warn("partners_outside_zones",
                           "partners: " + std::to_string(outside) + " of " + std::to_string(partners.zone.size()) +
                               " partner sites lie in no zone (kept, with blank zone_id)",
                           std::move(rows));
    }

    Layer& table = state.outputs.add(tables(config).front());
    const std::string name = table.name;
    table = std::move(located);
    table.name = name;
    OutputCatalogue::add_column(table, index_texts("zone_id", partners.zone, zones.ids));
    OutputCatalogue::add_column(table, index_texts("area_id", partners.area, areas.ids));
    partners.table = &table;
    state.facts.counts.emplace_back("partners", static_cast<long long>(table.rows()));
    state.partners = std::move(partners);
}

}  // namespace

extern const Stage locate_partners_stage{kStage, applies, tables, no_columns, locate};

}  // namespace furthest::run_detail
