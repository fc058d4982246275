// [report]: what a report or map made from the run says about it, the title and the attribution
// lines the inputs' licences require (OGL, OS and ONS data must name their source wherever
// they are shown). The manifest carries both, so a report module reads them from there.
#include "run/config/sections.hpp"

namespace furthest::run_detail {

void parse_report_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    if (!root.get("report")) return;
    const std::string section = "[report]";
    const auto& table = reader.section(root, "report", false);
    reader.check_keys(table, section, {"title", "attribution"});
    config.report.title = reader.text(table, section, "title", false, "the report's title");
    if (const toml::node* title = table.get("title");
        title != nullptr && config.report.title.find_first_not_of(" \t") == std::string::npos)
        reader.fail("'title' in [report]" + line_of(*title) + " is blank; give a title or leave the key out");
    config.report.attribution = text_list(
        reader, table, section, "attribution",
        "the lines the inputs' licences require, e.g. [\"Contains OS data © Crown copyright and database right 2024\"]");
}

}  // namespace furthest::run_detail
