// [output]: the GeoPackage and its spreadsheet copies. Whether it may overwrite anything is
// checked where the run starts (run/invariants.cpp), whatever built the config.
#include "core/text.hpp"
#include "run/config/sections.hpp"

namespace furthest::run_detail {

void parse_output_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    const auto& output = reader.section(root, "output", true);
    reader.check_keys(output, "[output]", {"path", "tables"});
    config.output.path = reader.path(output, "[output]", "path");
    if (config.output.path.extension() != ".gpkg")
        reader.fail("'path' in [output] is '" + config.output.path.string() + "'; expected a GeoPackage path ending in .gpkg");
    const toml::node* tables = output.get("tables");
    if (tables == nullptr) return;
    const std::vector<std::string> known = {"csv", "xlsx"};
    const toml::array* list = tables->as_array();
    if (list == nullptr) reader.fail("'tables' in [output]" + line_of(*tables) + " must be a list such as [\"csv\", \"xlsx\"]");
    for (const auto& item : *list) {
        const auto format = item.value<std::string>();
        if (!format || (*format != "csv" && *format != "xlsx"))
            reader.fail(
                "'tables' in [output]" + line_of(item) + " holds " +
                (format ? "'" + *format + "'" + core::did_you_mean(*format, known) : std::string("a value that is not text")) +
                "; expected \"csv\" or \"xlsx\"");
        (*format == "csv" ? config.output.csv : config.output.xlsx) = true;
    }
}

}  // namespace furthest::run_detail
