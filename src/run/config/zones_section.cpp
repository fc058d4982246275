// [zones]: the small areas that get scored.
#include "run/config/sections.hpp"

namespace furthest::run_detail {

void parse_zones_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    const auto& zones = reader.section(root, "zones", true);
    reader.check_keys(zones, "[zones]", {"path", "layer", "id", "name", "encoding"});
    config.zones.path = reader.path(zones, "[zones]", "path");
    config.zones.layer = reader.text(zones, "[zones]", "layer", false, "a layer name");
    config.zones.id = reader.text(zones, "[zones]", "id", true, "the name of the zone id column");
    config.zones.name = reader.text(zones, "[zones]", "name", false, "the name of the zone name column");
    config.zones.encoding = reader.encoding(zones, "[zones]");
}

}  // namespace furthest::run_detail
