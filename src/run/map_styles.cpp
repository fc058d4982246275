#include "run/map_styles.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace furthest::run_detail {

std::string_view palette::wave_colour(std::int64_t w) {
    return wave[static_cast<std::size_t>(std::clamp<std::int64_t>(w, 0, static_cast<std::int64_t>(wave.size()) - 1))];
}

namespace {

const Layer* find_table(const std::vector<const Layer*>& tables, std::string_view name) {
    for (const Layer* table : tables)
        if (table->name == name) return table;
    return nullptr;
}

// The whole numbers a column holds, in order (the waves a plan used).
std::vector<std::int64_t> values_of(const Column& column) {
    std::set<std::int64_t> seen;
    if (const auto* integers = std::get_if<Column::Integers>(&column.values))
        for (std::size_t row = 0; row < integers->size(); ++row)
            if (column.is_valid(row)) seen.insert((*integers)[row]);
    return {seen.begin(), seen.end()};
}

io::StyleCategory category(const std::string& column, const std::string& value, std::string label, std::string_view colour) {
    return {value, std::move(label), std::string(colour), {{column, value}}};
}

io::MapStyle style_of(const Layer& table, std::string name, std::string description, bool is_default) {
    io::MapStyle style;
    style.table = table.name;
    style.name = std::move(name);
    style.description = std::move(description);
    style.is_default = is_default;
    return style;
}

io::MapStyle need_deciles(const Layer& zones) {
    io::MapStyle style =
        style_of(zones, "need decile", "Zones by need decile among the run's zones (1 = the 10% in most need)", true);
    style.attribute = "decile";
    style.integer_values = true;
    for (int d = 1; d <= 10; ++d) {
        const std::string label = d == 1 ? "1 (most need)" : d == 10 ? "10 (least need)" : std::to_string(d);
        style.categories.push_back(category("decile", std::to_string(d), label, palette::need_decile[d - 1]));
    }
    return style;
}

io::MapStyle gap_classes(const Layer& zones) {
    io::MapStyle style =
        style_of(zones, "need-support gap", "Zones by terciles of need and of support: 'high need, low support' first", false);
    style.attribute = "gap_class";
    for (const auto& gap : palette::gap_class)
        style.categories.push_back(category("gap_class", std::string(gap.label), std::string(gap.label), gap.colour));
    return style;
}

io::MapStyle waves(const Layer& table, const std::string& column, std::string name, std::string description, bool is_default) {
    io::MapStyle style = style_of(table, std::move(name), std::move(description), is_default);
    style.attribute = column;
    style.integer_values = true;
    for (const std::int64_t w : values_of(table.at(column)))
        style.categories.push_back(category(
            column, std::to_string(w), w == 0 ? "wave 0 (done / pilot)" : "wave " + std::to_string(w), palette::wave_colour(w)));
    return style;
}

// One class per status, and per wave among the new hubs: a categorised style on an expression
// (QGIS) and rules on both columns (SLD).
io::MapStyle hub_sites(const Layer& sites) {
    io::MapStyle style =
        style_of(sites, "hub sites",
                 "Existing hubs (black squares), new hubs by wave (stars), candidates not chosen (grey circles)", true);
    style.points = true;
    style.expression = true;
    style.attribute = "CASE WHEN \"status\" = 'new hub' THEN 'new hub, wave ' || \"wave\" ELSE \"status\" END";
    io::StyleCategory existing{"existing hub", "existing hub", std::string(palette::existing_hub), {{"status", "existing hub"}}};
    existing.shape = "square";
    existing.size = 3.0;
    style.categories.push_back(existing);
    std::set<std::int64_t> new_waves;
    const Column& status = sites.at("status");
    const Column& wave = sites.at("wave");
    if (const auto* texts = std::get_if<Column::Texts>(&status.values))
        if (const auto* numbers = std::get_if<Column::Integers>(&wave.values))
            for (std::size_t row = 0; row < texts->size(); ++row)
                if ((*texts)[row] == "new hub" && wave.is_valid(row)) new_waves.insert((*numbers)[row]);
    for (const std::int64_t w : new_waves) {
        const std::string value = "new hub, wave " + std::to_string(w);
        io::StyleCategory hub{
            value, value, std::string(palette::wave_colour(w)), {{"status", "new hub"}, {"wave", std::to_string(w)}}};
        hub.shape = "star";
        hub.size = 5.0;
        style.categories.push_back(hub);
    }
    io::StyleCategory candidate{
        "candidate", "candidate (not chosen)", std::string(palette::candidate_site), {{"status", "candidate"}}};
    candidate.shape = "circle";
    candidate.size = 1.6;
    style.categories.push_back(candidate);
    return style;
}

}  // namespace

std::vector<io::MapStyle> map_styles(const std::vector<const Layer*>& tables) {
    std::vector<io::MapStyle> styles;
    if (const Layer* zones = find_table(tables, "zones"); zones && zones->has_geometry()) {
        if (zones->find("decile")) styles.push_back(need_deciles(*zones));
        if (zones->find("gap_class")) styles.push_back(gap_classes(*zones));
    }
    if (const Layer* rollout = find_table(tables, "rollout"); rollout && rollout->has_geometry()) {
        if (rollout->find("zone_wave"))
            styles.push_back(
                waves(*rollout, "zone_wave", "zone wave", "Zones by their wave within their partnership area (1 = first)", true));
        if (rollout->find("area_wave"))
            styles.push_back(waves(*rollout, "area_wave", "area wave",
                                   "Zones by their partnership area's wave (0 = done, the pilot)", !rollout->find("zone_wave")));
    }
    if (const Layer* areas = find_table(tables, "area_waves"); areas && areas->has_geometry() && areas->find("area_wave"))
        styles.push_back(waves(*areas, "area_wave", "area wave", "Partnership areas by wave (0 = done, the pilot)", true));
    if (const Layer* sites = find_table(tables, "sites");
        sites && sites->has_geometry() && sites->find("status") && sites->find("wave"))
        styles.push_back(hub_sites(*sites));
    return styles;
}

}  // namespace furthest::run_detail
