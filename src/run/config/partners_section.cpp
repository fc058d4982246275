// [partners]: places that already help people.
#include "run/config/sections.hpp"

namespace furthest::run_detail {

void parse_partners_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    if (!root.get("partners")) return;
    const auto& partners = reader.section(root, "partners", false);
    reader.check_keys(partners, "[partners]", {"path", "layer", "x", "y", "crs", "postcode", "where"});
    PartnersSpec spec;
    spec.path = reader.path(partners, "[partners]", "path");
    spec.layer = reader.text(partners, "[partners]", "layer", false, "a layer name");
    spec.site = parse_site_columns(reader, partners, "[partners]", false, "for a point layer");
    spec.where = reader.text(partners, "[partners]", "where", false, "an OGR SQL filter");
    config.partners = std::move(spec);
}

}  // namespace furthest::run_detail
