// [areas]: partnership areas, drawn as polygons or defined by member sites.
#include "core/text.hpp"
#include "run/config/sections.hpp"

namespace furthest::run_detail {

void parse_areas_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    const auto& areas = reader.section(root, "areas", true);
    reader.check_keys(areas, "[areas]",
                      {"path", "layer", "id", "name", "x", "y", "crs", "postcode", "assign", "k", "where", "encoding"});
    config.areas.encoding = reader.encoding(areas, "[areas]");
    config.areas.where = reader.text(areas, "[areas]", "where", false, "an OGR SQL filter");
    config.areas.path = reader.path(areas, "[areas]", "path");
    config.areas.layer = reader.text(areas, "[areas]", "layer", false, "a layer name");
    config.areas.id = reader.text(areas, "[areas]", "id", true, "the name of the area id column");
    config.areas.name = reader.text(areas, "[areas]", "name", false, "the name of the area name column");
    config.areas.site = parse_site_columns(reader, areas, "[areas]", false, "drawn polygons");
    if (auto assign = reader.text(areas, "[areas]", "assign", false, "'nearest' or 'shared'"); !assign.empty()) {
        if (assign != "nearest" && assign != "shared")
            reader.fail("'assign' in [areas] is '" + assign + "'" + core::did_you_mean(assign, {"nearest", "shared"}) +
                        "; expected 'nearest' or 'shared'");
        if (!config.areas.from_members())
            reader.fail("'assign' in [areas] only applies to member sites (give x, y and crs, or postcode)");
        config.areas.assign = assign == "shared" ? MemberAssignment::Shared : MemberAssignment::Nearest;
    }
    if (const toml::node* k = areas.get("k")) {
        auto value = k->value_exact<std::int64_t>();
        if (!value || *value < 1 || *value > 100)
            reader.fail("'k' in [areas]" + line_of(*k) + " must be a whole number from 1 to 100");
        config.areas.k = static_cast<int>(*value);
    }
}

}  // namespace furthest::run_detail
