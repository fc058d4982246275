#include "run/invariants.hpp"

#include "core/text.hpp"
#include "furthest/errors.hpp"
#include "io/gdal_session.hpp"

#include <algorithm>

namespace furthest::run_detail {
namespace {

std::string source_of(const RunConfig& config) {
    if (!config.source_name.empty()) return config.source_name;
    return config.config_path.empty() ? std::string("<in-memory config>") : "'" + config.config_path.string() + "'";
}

[[noreturn]] void fail(const RunConfig& config, const std::string& message) {
    throw ConfigError("config " + source_of(config) + ": " + message);
}

// The path with symbolic links and '..' resolved as far as it exists; never throws (a path the
// file system cannot resolve, e.g. too long, stays as written and fails later when opened).
std::filesystem::path resolved(const std::filesystem::path& path) {
    std::error_code ec;
    auto out = std::filesystem::weakly_canonical(path, ec);
    return ec ? path.lexically_normal() : out;
}

bool inside(const std::filesystem::path& real, const std::vector<std::filesystem::path>& roots) {
    return std::any_of(roots.begin(), roots.end(), [&](const std::filesystem::path& root) {
        const auto relative = real.lexically_relative(root);
        return !relative.empty() && *relative.begin() != "..";
    });
}

}  // namespace

std::vector<std::pair<std::string, std::filesystem::path>> input_paths(const RunConfig& config) {
    std::vector<std::pair<std::string, std::filesystem::path>> paths = {{"[zones] path", config.zones.path},
                                                                        {"[areas] path", config.areas.path}};
    for (std::size_t i = 0; i < config.indicators.size(); ++i) {
        const auto& spec = config.indicators[i];
        const std::string section = "[[indicators]] #" + std::to_string(i + 1);
        paths.emplace_back(section + " path", spec.path);
        if (spec.via) {
            if (!spec.via->lookup.empty()) paths.emplace_back(section + ".via lookup", spec.via->lookup);
            if (!spec.via->weight_path.empty()) paths.emplace_back(section + ".via split_weight", spec.via->weight_path);
            if (!spec.via->raster_weights.empty()) paths.emplace_back(section + ".via weights", spec.via->raster_weights);
        }
    }
    if (config.partners) paths.emplace_back("[partners] path", config.partners->path);
    if (config.postcodes) paths.emplace_back("[postcodes] path", config.postcodes->path);
    if (!config.config_path.empty()) paths.emplace_back("the config file", config.config_path);
    return paths;
}

std::vector<std::filesystem::path> output_paths(const RunConfig& config, const std::vector<std::string>& tables) {
    std::vector<std::filesystem::path> outputs = {config.output.path, config.output.manifest_path()};
    if (config.output.xlsx) outputs.push_back(config.output.xlsx_path());
    if (config.output.csv)
        for (const auto& table : tables) outputs.push_back(config.output.csv_path(table));
    return outputs;
}

void check_invariants(const RunConfig& config, const std::vector<std::string>& tables) {
    if (config.output.path.empty()) fail(config, "[output] path is empty; expected a GeoPackage path ending in .gpkg");
    if (config.output.path.extension() != ".gpkg")
        fail(config, "'path' in [output] is '" + config.output.path.string() + "'; expected a GeoPackage path ending in .gpkg");
    if (config.threads < 0 || config.threads > 1024)
        fail(config,
             "'threads' in [run] is " + std::to_string(config.threads) + "; expected a whole number from 0 (all cores) to 1024");

    const auto inputs = input_paths(config);
    // Network paths: refused before anything is opened, with the message the readers give
    // (an InputError naming the input the way its reader does).
    if (!config.allow_network) {
        io::check_local_path("zones", config.zones.path, false);
        io::check_local_path("areas", config.areas.path, false);
        for (const auto& spec : config.indicators) {
            const std::string role = "indicator '" + spec.name + "'";
            io::check_local_path(role, spec.path, false);
            if (spec.via) {
                io::check_local_path(role + " lookup", spec.via->lookup, false);
                io::check_local_path(role + " split weights", spec.via->weight_path, false);
                io::check_local_path(role + " weights", spec.via->raster_weights, false);
            }
        }
        if (config.partners) io::check_local_path("partners", config.partners->path, false);
        if (config.postcodes) io::check_local_path("postcodes", config.postcodes->path, false);
    }

    // An output written over an input would destroy it on the rename: refuse before reading.
    auto outputs = output_paths(config, tables);
    for (auto& output : outputs) output = resolved(output);
    for (const auto& [key, path] : inputs) {
        const auto input = resolved(path);
        for (const auto& output : outputs)
            if (output == input)
                fail(config, "output '" + output.string() + "' would overwrite the input named by " + key +
                                 "; expected a different [output] path");
    }

    // A shared batch service confines each run to named folders: no input or output elsewhere,
    // including through '..' or symbolic links.
    if (config.allowed_folders.empty()) return;
    std::vector<std::filesystem::path> roots;
    for (const auto& folder : config.allowed_folders) roots.push_back(resolved(folder));
    std::vector<std::string> names;
    for (const auto& root : roots) names.push_back(root.string());
    std::vector<std::pair<std::string, std::filesystem::path>> checked = inputs;
    for (const auto& output : output_paths(config, tables)) checked.emplace_back("[output] path", output);
    for (const auto& [key, path] : checked) {
        if (key == "the config file") continue;  // the config names the folders; it may live elsewhere
        if (!inside(resolved(path), roots))
            fail(config, key + " '" + path.string() + "' lies outside the allowed folders " + core::join_names(names) +
                             "; expected a path inside one of them");
    }
}

}  // namespace furthest::run_detail
