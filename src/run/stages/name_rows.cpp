// Stage: names beside ids. A planner reads "Leeds 085B" and "Armley", not E01011661 and
// E05011402, so every table of the catalogue that holds a zone_id gets zone_name right after it
// (when [zones] name is given) and every table that holds an area_id gets area_name; so does the
// allocation, whose recipient_id holds area (or zone) ids. One rule in one place, after every stage that makes
// tables, so a stage keys its table by id and the names follow whatever order its rows are in.
// A table that already names its rows (zones, areas, area_waves) is left as it is.
#include "io/readers.hpp"
#include "run/run_state.hpp"

#include <algorithm>
#include <unordered_map>

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "adding names";

// `names` looked up by the ids in `id_column`, inserted right after it as `name`; blank where an
// id is blank (a partner outside every zone) or has a blank name.
void insert_names(Layer& table, const std::string& id_column, const std::string& name,
                  const std::unordered_map<std::string, std::string>& names) {
    if (table.find(name) != nullptr) return;
    auto at = std::find_if(table.columns.begin(), table.columns.end(), [&](const Column& c) { return c.name == id_column; });
    if (at == table.columns.end()) return;
    Column::Texts values(table.rows());
    std::vector<bool> valid(table.rows(), false);
    for (std::size_t row = 0; row < values.size(); ++row) {
        const auto found = names.find(io::key_text(*at, row));
        if (found == names.end() || found->second.empty()) continue;
        values[row] = found->second;
        valid[row] = true;
    }
    table.columns.insert(at + 1, Column::texts(name, std::move(values), std::move(valid)));
}

std::unordered_map<std::string, std::string> by_id(const std::vector<std::string>& ids, const std::vector<std::string>& names) {
    std::unordered_map<std::string, std::string> out;
    for (std::size_t i = 0; i < ids.size() && i < names.size(); ++i) out.emplace(ids[i], names[i]);
    return out;
}

void name_rows(RunState& state) {
    const ZoneSet& zones = need(state.zones, "zones");
    const AreaSet& areas = need(state.areas, "areas");
    const auto zone_names = by_id(zones.ids, zones.names);
    const auto area_names = by_id(areas.ids, areas.names);
    for (auto& [info, table] : state.outputs.tables()) {
        if (!zone_names.empty()) insert_names(table, "zone_id", "zone_name", zone_names);
        insert_names(table, "area_id", "area_name", area_names);
    }
    // The allocation's recipients are areas, zones or partners as [rollout.allocation] to says.
    const auto& rollout = state.config.rollout;
    if (rollout && rollout->allocation)
        for (auto& [info, table] : state.outputs.tables()) {
            if (info.name != "allocation") continue;
            if (rollout->allocation->to == AllocationSpec::To::Areas)
                insert_names(table, "recipient_id", "area_name", area_names);
            else if (rollout->allocation->to == AllocationSpec::To::Zones && !zone_names.empty())
                insert_names(table, "recipient_id", "zone_name", zone_names);
        }
}

}  // namespace

extern const Stage name_rows_stage{kStage, always, no_tables, no_columns, name_rows};

}  // namespace furthest::run_detail
