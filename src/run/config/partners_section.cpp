// [[partners]]: places that already help people, one entry per table (a single [partners]
// table is read as one entry).
#include "core/text.hpp"
#include "run/config/sections.hpp"

#include <set>

namespace furthest::run_detail {
namespace {

PartnersSpec parse_partners(const Reader& reader, const toml::table& table, const std::string& section) {
    reader.check_keys(table, section,
                      {"name", "path", "layer", "x", "y", "crs", "postcode", "where", "id", "type", "type_column", "capacity",
                       "active_from", "active_to", "encoding"});
    PartnersSpec spec;
    spec.path = reader.path(table, section, "path");
    spec.name = reader.text(table, section, "name", false, "the table's label, e.g. \"gp_practices\"");
    if (spec.name.empty()) spec.name = spec.path.stem().string();
    spec.layer = reader.text(table, section, "layer", false, "a layer name");
    spec.encoding = reader.encoding(table, section);
    spec.site = parse_site_columns(reader, table, section, false, "for a point layer");
    spec.where = reader.text(table, section, "where", false, "an OGR SQL filter");
    spec.id = reader.text(table, section, "id", false, "the partners' id column");
    spec.type = reader.text(table, section, "type", false, "every row's type, e.g. \"library\"");
    spec.type_column = reader.text(table, section, "type_column", false, "the column holding each row's type");
    if (!spec.type.empty() && !spec.type_column.empty())
        reader.fail(section + " gives both 'type' and 'type_column'; expected one: a type for every row, or a column");
    spec.capacity = text_list(reader, table, section, "capacity", "capacity column names, e.g. [\"champions\", \"devices\"]");
    std::set<std::string> seen;
    for (const auto& column : spec.capacity)
        if (!seen.insert(column).second) reader.fail("'capacity' in " + section + " names '" + column + "' twice");
    spec.active_from = reader.text(table, section, "active_from", false, "a date column");
    spec.active_to = reader.text(table, section, "active_to", false, "a date column");
    return spec;
}

}  // namespace

std::vector<std::string> text_list(const Reader& reader, const toml::table& table, const std::string& section,
                                   const std::string& key, const std::string& expected) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return {};
    if (node->is_string()) return {reader.text(table, section, key, true, expected)};
    const toml::array* array = node->as_array();
    if (array == nullptr)
        reader.fail("'" + key + "' in " + section + line_of(*node) + " must be a list of text; expected " + expected);
    std::vector<std::string> out;
    for (const auto& item : *array) {
        const auto* text = item.as_string();
        if (text == nullptr || text->get().empty())
            reader.fail("'" + key + "' in " + section + line_of(item) + " holds a value that is not non-empty text; expected " +
                        expected);
        out.push_back(text->get());
    }
    return out;
}

void parse_partners_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    const toml::node* node = root.get("partners");
    if (node == nullptr) return;
    if (node->is_table()) {
        config.partners.push_back(parse_partners(reader, *node->as_table(), "[partners]"));
    } else if (node->is_array_of_tables()) {
        int number = 0;
        for (const auto& entry : *node->as_array())
            config.partners.push_back(parse_partners(reader, *entry.as_table(), "[[partners]] #" + std::to_string(++number)));
    } else {
        reader.fail("'partners' must be a table ([partners]) or tables ([[partners]])" + line_of(*node));
    }
    if (config.partners.empty()) reader.fail("'partners' is an empty list; expected at least one [[partners]] table");
    std::set<std::string> names;
    for (std::size_t i = 0; i < config.partners.size(); ++i)
        if (!names.insert(config.partners[i].name).second)
            reader.fail("[[partners]] #" + std::to_string(i + 1) + ": name '" + config.partners[i].name +
                        "' is used twice; give each partners table a distinct 'name'");
}

}  // namespace furthest::run_detail
