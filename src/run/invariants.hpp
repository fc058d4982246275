// What every run must hold before it reads a byte, whatever built its config (a TOML file, a
// Python dict, a --output override, a RunConfig edited in C++).
#pragma once

#include "furthest/config.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace furthest::run_detail {

/// An input the config names: the key that names it ("[zones] path"), the role its reader
/// names it by in messages ("zones", "indicator 'imd'"), and the path.
struct InputPath {
    std::string key;
    std::string role;
    std::filesystem::path path;
};

/// How messages name a partners table's section: "[partners]" when the config has one table,
/// "[[partners]] 'libraries'" among several.
inline std::string partners_section(const RunConfig& config, const PartnersSpec& spec) {
    return config.partners.size() == 1 ? std::string("[partners]") : "[[partners]] '" + spec.name + "'";
}

/// Every input the config names, the config file itself included.
std::vector<InputPath> input_paths(const RunConfig& config);

/// Every file the run would write for the given output tables: the GeoPackage, the manifest
/// and the spreadsheet copies [output] asks for.
std::vector<std::filesystem::path> output_paths(const RunConfig& config, const std::vector<std::string>& tables);

/// What is wrong with [monitoring] (its sections' needs, dates, threshold, measures, targets and
/// supplies), as a message; empty when nothing is. The parser and the door both ask it, so a
/// config edited in C++ is held to the parser's rules.
std::string monitoring_problem(const RunConfig& config);

/// ConfigError unless: [monitoring] has no problem; the output is a GeoPackage; no output overwrites an input (through
/// symbolic links and '..' too); inputs and outputs lie inside [run] allowed_folders when it is
/// set; threads are 0..1024. InputError (as the readers word it) for a network path without
/// [run] allow_network.
void check_invariants(const RunConfig& config, const std::vector<std::string>& tables);

/// ConfigError whose message starts by naming the config (its file, or the name the caller gave
/// an in-memory one), as every refusal at the door does.
[[noreturn]] void refuse_config(const RunConfig& config, const std::string& message);

}  // namespace furthest::run_detail
