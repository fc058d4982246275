// Stage: partner sites (libraries, GP practices, community organisations, hubs) of every
// [[partners]] table, placed by coordinates, postcode or geometry, located in the zones and
// areas, with a data-quality report per table.
#include "furthest/crosswalk.hpp"
#include "run/inputs.hpp"
#include "run/partners.hpp"

#include <algorithm>

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "locating partners";

bool applies(const RunConfig& config, const RunOptions&) { return !config.partners.empty(); }

std::vector<TableInfo> tables(const RunConfig&) {
    return {{"partners",
             "partner sites of every partners table (partners_table, partner_type, capacities as numbers, the tables' "
             "columns), with the zone and the area each lies in (zone_id, area_id; blank outside)",
             kStage},
            {"partner_quality",
             "per partners table: rows read and kept, postcodes that could not be placed, partners not active on the "
             "as_of date, duplicates, partners outside the study area, blank capacities and types",
             kStage}};
}

void locate(RunState& state) {
    const RunConfig& config = state.config;
    const ZoneSet& zones = need(state.zones, "zones");
    const AreaSet& areas = need(state.areas, "areas");
    PartnersRead read = read_partners(state);

    PartnerSet partners;
    partners.zone = locate_points(read.table.wkb, zones.layer->wkb, config.threads, state.control);
    partners.area = locate_points(read.table.wkb, areas.table->wkb, config.threads, state.control);
    // Per table: a table whose sites mostly land nowhere (x and y swapped, degrees declared as
    // metres) is refused or flagged here, before its count hides among the others'.
    for (const PartnersSpec& spec : config.partners) {
        std::vector<double> x, y;
        std::vector<Eigen::Index> owner;
        for (std::size_t p = 0; p < partners.zone.size(); ++p)
            if (read.table_name[p] == spec.name) {
                x.push_back(read.x[p]);
                y.push_back(read.y[p]);
                owner.push_back(partners.zone[p]);
            }
        const std::string role = config.partners.size() == 1 ? std::string("partners") : "partners '" + spec.name + "'";
        check_sites_land(role, spec.path, spec.site, config, x, y, owner, *zones.layer, "partner sites", state.reports);
    }
    std::vector<std::string> outside_rows;
    for (std::size_t p = 0; p < partners.zone.size(); ++p) {
        if (partners.zone[p] >= 0) continue;
        for (auto& quality : read.quality)
            if (quality.table == read.table_name[p]) ++quality.outside_study_area;
        outside_rows.push_back(read.row[p]);
    }
    if (!outside_rows.empty())
        state.reports.warn("partners_outside_zones",
                           "partners: " + std::to_string(outside_rows.size()) + " of " + std::to_string(partners.zone.size()) +
                               " partner sites lie in no zone (kept, with blank zone_id: they still reach zones near the "
                               "edge): " +
                               list_some(outside_rows),
                           outside_rows);

    const auto infos = tables(config);
    Layer& table = state.outputs.add(infos[0]);
    const std::string name = table.name;
    table = std::move(read.table);
    table.name = name;
    OutputCatalogue::add_column(table, index_texts("zone_id", partners.zone, zones.ids));
    OutputCatalogue::add_column(table, index_texts("area_id", partners.area, areas.ids));
    partners.table = &table;
    partners.x = std::move(read.x);
    partners.y = std::move(read.y);
    partners.type = std::move(read.type);
    partners.id = std::move(read.id);
    partners.capacity_names = std::move(read.capacity_names);
    partners.capacity = std::move(read.capacity);

    Layer& quality = state.outputs.add(infos[1]);
    Column::Texts table_names;
    std::vector<Column::Integers> counts(9);
    for (const PartnerQuality& q : read.quality) {
        table_names.push_back(q.table);
        const long long values[] = {q.rows_read,          q.placed,         q.postcodes_blank_or_malformed,
                                    q.postcodes_unknown,  q.inactive,       q.duplicates,
                                    q.outside_study_area, q.blank_capacity, q.blank_type};
        for (std::size_t c = 0; c < counts.size(); ++c) counts[c].push_back(values[c]);
    }
    static constexpr const char* count_names[] = {"rows_read",          "partners_kept",  "postcodes_blank_or_malformed",
                                                  "postcodes_unknown",  "inactive",       "duplicates",
                                                  "outside_study_area", "blank_capacity", "blank_type"};
    OutputCatalogue::add_column(quality, Column::texts("partners_table", std::move(table_names)));
    for (std::size_t c = 0; c < counts.size(); ++c)
        OutputCatalogue::add_column(quality, Column::integers(count_names[c], std::move(counts[c])));

    state.facts.counts.emplace_back("partners", static_cast<long long>(table.rows()));
    state.facts.method.push_back(
        "Partners were read from " + count_of(config.partners.size(), "table") +
        (config.access && !config.access->as_of.empty() ? ", keeping those active on " + config.access->as_of : std::string()) +
        "; the partner_quality table reports what each table lacked.");
    state.partners = std::move(partners);
}

}  // namespace

extern const Stage locate_partners_stage{kStage, applies, tables, no_columns, locate};

}  // namespace furthest::run_detail
