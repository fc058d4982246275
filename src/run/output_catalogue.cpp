// The output catalogue: the tables the stages make, in order, each column name once.
#include "furthest/errors.hpp"
#include "furthest/run.hpp"
#include "run/run_state.hpp"

#include <stdexcept>

namespace furthest {
namespace run_detail {

Layer& OutputCatalogue::add(const TableInfo& info) {
    // Names the writers use beside the catalogue: the GeoPackage's QGIS styles and the XLSX's
    // method sheet.
    if (info.name == "layer_styles" || info.name == "method")
        throw std::logic_error("output table '" + info.name + "' (stage '" + info.stage + "') takes a name the writers use");
    for (const auto& [existing, layer] : tables_)
        if (existing.name == info.name)
            throw ConfigError("output table '" + info.name + "' is made by both '" + existing.stage + "' and '" + info.stage +
                              "'");
    auto& [stored, layer] = tables_.emplace_back(info, Layer{});
    layer.name = stored.name;
    return layer;
}

void OutputCatalogue::add_column(Layer& table, Column column) {
    if (table.find(column.name))
        throw ConfigError("the " + table.name + " table would have two columns called '" + column.name +
                          "'; rename the input column or indicator that uses this name");
    table.columns.push_back(std::move(column));
}

}  // namespace run_detail

const Layer* RunResult::find(std::string_view name) const {
    for (const auto& table : tables)
        if (table.name == name) return &table;
    return nullptr;
}

const Layer& RunResult::table(std::string_view name) const {
    if (const Layer* found = find(name)) return *found;
    std::string names;
    for (const auto& table : tables) names += (names.empty() ? "" : ", ") + table.name;
    throw std::out_of_range("the run made no table '" + std::string(name) + "'; it made: " + names);
}

}  // namespace furthest
