#include "run/manifest.hpp"

#include "furthest/version.hpp"
#include "io/gdal_session.hpp"
#include "io/sha256.hpp"

#include <gdal.h>
#include <geos_c.h>
#include <nlohmann/json.hpp>

#include <regex>

namespace furthest::run_detail {
namespace {

// Manifests are shared with reports and colleagues: connection strings in paths or the config
// (PG:"... password=...", https://user:pass@host/...) keep their shape but lose the secret.
std::string redact_secrets(std::string text) {
    static const std::regex assignment(R"(((?:password|passwd|pwd|secret|token|api_?key|access_?key)\s*=\s*)[^\s'"\\;&]+)",
                                       std::regex::icase);
    static const std::regex credentials(R"((://[^/:@\s"]+:)[^/@\s"]+@)");
    text = std::regex_replace(text, assignment, "$1***");
    return std::regex_replace(text, credentials, "$1***@");
}

}  // namespace

std::string manifest_json(const ManifestFacts& facts) {
    using nlohmann::ordered_json;
    ordered_json manifest;
    manifest["furthest_version"] = FURTHEST_VERSION;
    manifest["libraries"] = {{"gdal", GDALVersionInfo("RELEASE_NAME")}, {"geos", GEOSversion()}};
    manifest["config_path"] = redact_secrets(facts.config->config_path.string());
    manifest["config"] = ordered_json::parse(redact_secrets(facts.config->config_json.empty() ? "{}" : facts.config->config_json));
    ordered_json inputs = ordered_json::array();
    for (const auto& input : facts.inputs) {
        ordered_json entry = {{"role", input.role}, {"path", redact_secrets(input.path.string())}};
        std::error_code ec;
        if (std::filesystem::is_regular_file(input.path, ec)) {
            entry["size_bytes"] = std::filesystem::file_size(input.path, ec);
            entry["sha256"] = io::sha256_file(input.path);
        }
        inputs.push_back(std::move(entry));
    }
    manifest["inputs"] = std::move(inputs);
    manifest["working_crs"] = {{"input", facts.config->working_crs}, {"wkt", facts.working_crs_wkt}};
    manifest["method"] = facts.method;
    if (!facts.scoring_json.empty()) manifest["scoring"] = ordered_json::parse(facts.scoring_json);
    ordered_json counts = ordered_json::object();
    for (const auto& [name, value] : facts.counts) counts[name] = value;
    manifest["counts"] = std::move(counts);
    manifest["indicators"] = facts.indicator_notes;
    manifest["coverage_shortfalls"] = facts.coverage_shortfalls;
    std::vector<std::string> warnings;
    for (const auto& warning : facts.warnings) warnings.push_back(redact_secrets(warning));
    manifest["warnings"] = warnings;
    manifest["output"] = facts.output_path.string();
    if (!facts.written.empty()) {
        ordered_json outputs = ordered_json::array();
        for (const auto& [final_path, temporary] : facts.written) {
            std::error_code ec;
            outputs.push_back({{"path", final_path.string()},
                               {"size_bytes", std::filesystem::file_size(temporary, ec)},
                               {"sha256", io::sha256_file(temporary)}});
        }
        manifest["outputs"] = std::move(outputs);
    }
    if (!facts.table_paths.empty()) {
        std::vector<std::string> tables;
        for (const auto& path : facts.table_paths) tables.push_back(path.string());
        manifest["tables"] = tables;
    }
    ordered_json timings = ordered_json::object();
    for (const auto& [stage, seconds] : facts.timings) timings[stage] = seconds;
    manifest["timings_seconds"] = std::move(timings);
    return manifest.dump(2) + "\n";
}

}  // namespace furthest::run_detail
