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

nlohmann::ordered_json report_json(const ReportSpec& report) {
    return {{"title", report.title}, {"attribution", report.attribution}};
}

}  // namespace

std::string effective_config_json(const RunConfig& config) {
    using nlohmann::ordered_json;
    auto site = [](const SiteColumns& columns) {
        ordered_json out = ordered_json::object();
        if (!columns.x.empty()) out.update({{"x", columns.x}, {"y", columns.y}, {"crs", columns.crs}});
        if (!columns.postcode.empty()) out["postcode"] = columns.postcode;
        return out;
    };
    ordered_json out;
    std::vector<std::string> folders;
    for (const auto& folder : config.allowed_folders) folders.push_back(folder.string());
    out["run"] = {{"crs", config.working_crs},
                  {"threads", config.threads},
                  {"allow_network", config.allow_network},
                  {"allowed_folders", folders}};
    out["zones"] = {{"path", config.zones.path.string()},
                    {"layer", config.zones.layer},
                    {"id", config.zones.id},
                    {"name", config.zones.name}};
    // A declared encoding is part of how an input was read; absent, detection chose (and said so).
    if (!config.zones.encoding.empty()) out["zones"]["encoding"] = config.zones.encoding;
    ordered_json areas = {{"path", config.areas.path.string()},
                          {"layer", config.areas.layer},
                          {"id", config.areas.id},
                          {"name", config.areas.name},
                          {"where", config.areas.where}};
    if (config.areas.from_members()) {
        areas.update(site(config.areas.site));
        areas["k"] = config.areas.k;
    }
    if (!config.areas.encoding.empty()) areas["encoding"] = config.areas.encoding;
    out["areas"] = std::move(areas);
    ordered_json indicators = ordered_json::array();
    for (const auto& spec : config.indicators) {
        ordered_json entry = {
            {"name", spec.name},
            {"path", spec.path.string()},
            {"layer", spec.layer},
            {"key", spec.key},
            {"column", spec.column},
            {"direction", spec.direction == Direction::HigherIsMoreNeed ? "higher_is_more_need" : "lower_is_more_need"},
            {"weight", spec.weight}};
        if (spec.via) {
            ordered_json via = site(spec.via->site);
            if (!spec.via->lookup.empty())
                via.update({{"lookup", spec.via->lookup.string()}, {"from", spec.via->from}, {"to", spec.via->to}});
            if (!spec.via->raster_weights.empty()) via["weights"] = spec.via->raster_weights.string();
            via["kind"] = spec.via->extensive ? "extensive" : "intensive";
            entry["via"] = std::move(via);
        }
        if (!spec.encoding.empty()) entry["encoding"] = spec.encoding;
        indicators.push_back(std::move(entry));
    }
    out["indicators"] = std::move(indicators);
    if (!config.partners.empty()) {
        ordered_json partners = ordered_json::array();
        for (const auto& spec : config.partners) {
            ordered_json entry = {{"name", spec.name},
                                  {"path", spec.path.string()},
                                  {"layer", spec.layer},
                                  {"where", spec.where},
                                  {"id", spec.id},
                                  {"type", spec.type},
                                  {"type_column", spec.type_column},
                                  {"capacity", spec.capacity},
                                  {"active_from", spec.active_from},
                                  {"active_to", spec.active_to}};
            entry.update(site(spec.site));
            if (!spec.encoding.empty()) entry["encoding"] = spec.encoding;
            partners.push_back(std::move(entry));
        }
        out["partners"] = std::move(partners);
    }
    if (config.population) {
        const PopulationSpec& spec = *config.population;
        ordered_json population = {{"path", spec.count.path.string()}, {"key", spec.count.key}, {"column", spec.count.column}};
        if (spec.count.via && !spec.count.via->lookup.empty())
            population["via"] = {
                {"lookup", spec.count.via->lookup.string()}, {"from", spec.count.via->from}, {"to", spec.count.via->to}};
        if (!spec.centroids.empty()) {
            ordered_json centroids = {{"path", spec.centroids.string()}, {"key", spec.centroids_key}};
            centroids.update(site(spec.centroids_site));
            population["centroids"] = std::move(centroids);
        }
        out["population"] = std::move(population);
    }
    if (config.access) {
        const AccessSpec& spec = *config.access;
        static constexpr const char* decays[] = {"uniform", "linear", "gaussian"};
        ordered_json access = {{"catchment", spec.catchment},
                               {"decay", decays[static_cast<int>(spec.decay)]},
                               {"bandwidth", spec.bandwidth},
                               {"capacity", spec.capacity},
                               {"as_of", spec.as_of}};
        if (spec.travel_costs)
            access["travel_costs"] = {{"path", spec.travel_costs->path.string()},
                                      {"origin", spec.travel_costs->origin},
                                      {"destination", spec.travel_costs->destination},
                                      {"cost", spec.travel_costs->cost}};
        else access["distance"] = "straight line in the working CRS (metres)";
        out["access"] = std::move(access);
    }
    if (config.hotspots) {
        const HotspotsSpec& spec = *config.hotspots;
        static constexpr const char* weights[] = {"queen", "rook", "knn", "distance"};
        out["hotspots"] = {{"variable", spec.variable},
                           {"weights", weights[static_cast<int>(spec.weights)]},
                           {"k", spec.k},
                           {"distance", spec.distance},
                           {"permutations", spec.permutations},
                           {"seed", spec.seed},
                           {"alpha", spec.alpha},
                           {"correction", spec.false_discovery_rate ? "fdr" : "none"}};
    }
    if (config.postcodes)
        out["postcodes"] = {{"path", config.postcodes->path.string()},
                            {"postcode", config.postcodes->postcode},
                            {"x", config.postcodes->x},
                            {"y", config.postcodes->y},
                            {"crs", config.postcodes->crs}};
    std::vector<std::string> formats;
    if (config.output.csv) formats.emplace_back("csv");
    if (config.output.xlsx) formats.emplace_back("xlsx");
    out["output"] = {{"path", config.output.path.string()}, {"tables", formats}};
    out["report"] = report_json(config.report);
    return out.dump();
}

std::string manifest_json(const ManifestFacts& facts) {
    using nlohmann::ordered_json;
    ordered_json manifest;
    manifest["furthest_version"] = FURTHEST_VERSION;
    manifest["libraries"] = {{"gdal", GDALVersionInfo("RELEASE_NAME")}, {"geos", GEOSversion()}};
    manifest["config_path"] = redact_secrets(facts.config->config_path.string());
    manifest["config"] =
        ordered_json::parse(redact_secrets(facts.config->config_json.empty() ? "{}" : facts.config->config_json));
    manifest["effective_config"] = ordered_json::parse(redact_secrets(effective_config_json(*facts.config)));
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
    std::string method;
    for (const auto& sentence : facts.method) method += (method.empty() ? "" : " ") + sentence;
    manifest["method"] = method;
    // Always there, whatever the config said: a report or map module reads the title and the
    // attribution lines the inputs' licences require from here.
    manifest["report"] = report_json(facts.config->report);
    manifest["stages"] = facts.stages;
    ordered_json catalogue = ordered_json::array();
    for (const auto& table : facts.tables)
        catalogue.push_back({{"name", table.name}, {"stage", table.stage}, {"about", table.about}});
    manifest["catalogue"] = std::move(catalogue);
    if (!facts.scoring_json.empty()) manifest["scoring"] = ordered_json::parse(facts.scoring_json);
    for (const auto& [name, json] : facts.sections) manifest[name] = ordered_json::parse(json);
    ordered_json counts = ordered_json::object();
    for (const auto& [name, value] : facts.counts) counts[name] = value;
    manifest["counts"] = std::move(counts);
    manifest["indicators"] = facts.indicator_notes;
    manifest["coverage_shortfalls"] = facts.coverage_shortfalls;
    ordered_json warnings = ordered_json::array();
    for (const auto& warning : facts.warnings)
        warnings.push_back({{"stage", warning.stage},
                            {"code", warning.code},
                            {"message", redact_secrets(warning.message)},
                            {"ids", warning.ids}});
    manifest["warnings"] = std::move(warnings);
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
