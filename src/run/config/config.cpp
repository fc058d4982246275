// The run config: TOML (a file or text) or JSON (a dict from Python) in, a checked RunConfig
// out. Each section has its own parser (sections.hpp); this file runs them in order.
#include "furthest/config.hpp"

#include "furthest/errors.hpp"
#include "run/config/json_to_toml.hpp"
#include "run/config/sections.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace furthest {

namespace run_detail {

RunConfig config_from_table(const toml::table& root, const std::filesystem::path& base_dir, const std::string& source_name) {
    const Reader reader(source_name, base_dir);
    reader.check_keys(root, "the top level",
                      {"run", "zones", "areas", "indicators", "partners", "population", "access", "hotspots", "rollout",
                       "monitoring", "postcodes", "scoring", "report", "output"});
    RunConfig config;
    // Order matters: [access] checks [[partners]] and [hotspots] checks [access]; [postcodes]
    // checks the sections placed by postcode; [scoring] reads the [[indicators]] names.
    for (const auto parse :
         {parse_run_section, parse_zones_section, parse_areas_section, parse_indicators_section, parse_partners_section,
          parse_population_section, parse_access_section, parse_hotspots_section, parse_postcodes_section, parse_scoring_section,
          parse_rollout_section, parse_monitoring_section, parse_report_section, parse_output_section})
        parse(reader, root, config);
    std::ostringstream json;
    json << toml::json_formatter{root};
    config.config_json = json.str();
    config.source_name = source_name;
    return config;
}

}  // namespace run_detail

namespace {

// A report needs a title; a config that gives none is named after its file (load_config), or
// plainly when it has none (text, a dict).
constexpr const char* kUntitled = "furthest run";

RunConfig parse_toml_text(const std::string& toml_text, const std::filesystem::path& base_dir, const std::string& source_name) {
    toml::table root;
    try {
        root = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& error) {
        const auto& at = error.source().begin;
        throw ConfigError("config " + source_name + " line " + std::to_string(at.line) + ", column " + std::to_string(at.column) +
                          ": " + std::string(error.description()));
    }
    return run_detail::config_from_table(root, base_dir, source_name);
}

}  // namespace

RunConfig parse_config(const std::string& toml_text, const std::filesystem::path& base_dir, const std::string& source_name) {
    RunConfig config = parse_toml_text(toml_text, base_dir, source_name);
    if (config.report.title.empty()) config.report.title = kUntitled;
    return config;
}

RunConfig parse_config_json(const std::string& json_text, const std::filesystem::path& base_dir, const std::string& source_name) {
    RunConfig config =
        run_detail::config_from_table(run_detail::toml_from_json(json_text, "config " + source_name), base_dir, source_name);
    if (config.report.title.empty()) config.report.title = kUntitled;
    return config;
}

RunConfig load_config(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw ConfigError("config '" + path.string() + "' does not exist or is not a file");
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) throw ConfigError("config '" + path.string() + "' cannot be read");
    const auto absolute = std::filesystem::absolute(path).lexically_normal();
    // (Built in steps: GCC 12 warns a false -Wrestrict on "'" + path + "'" once inlined here.)
    std::string source = "'";
    source += path.string();
    source += '\'';
    RunConfig config = parse_toml_text(text.str(), absolute.parent_path(), source);
    config.config_path = absolute;
    if (config.report.title.empty()) config.report.title = absolute.stem().string();
    return config;
}

std::filesystem::path default_data_dir(const std::filesystem::path& start) {
    std::error_code ec;
    if (const char* env = std::getenv("FURTHEST_DATA"); env && *env) return std::filesystem::absolute(env, ec);
    for (auto folder = std::filesystem::absolute(start, ec); !folder.empty(); folder = folder.parent_path()) {
        const auto candidate = folder / "shared" / "data";
        if (std::filesystem::is_directory(candidate, ec)) return candidate;
        if (folder == folder.parent_path()) break;
    }
    return {};
}

}  // namespace furthest
