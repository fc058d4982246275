/// @brief One run: read, join by partnership boundary, score, roll up, write map layers.
#pragma once

#include "furthest/config.hpp"
#include "furthest/table.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace furthest {

struct RunOptions {
    bool write = true;  ///< false: check and compute everything, write nothing (validate)
    /// Called at the start of each stage with a short description (not from hot loops).
    std::function<void(const std::string&)> progress;
};

struct RunResult {
    Layer zones;       ///< id column as given, indicators, score, rank, decile, area_id, area_name, area_share, area_coverage, n_partners
    Layer areas;       ///< area_id, area_name, roll-up
    Layer partners;    ///< empty when the config names none; else inputs + zone_id, area_id
    Layer zone_areas;  ///< long table zone_id, area_id, share: every overlap, not only the main one
    std::string manifest_json;
    std::vector<std::string> warnings;
    std::filesystem::path output_path;    ///< the GeoPackage (empty when not written)
    std::filesystem::path manifest_path;  ///< the manifest (empty when not written)
    std::vector<std::filesystem::path> table_paths;  ///< CSV / XLSX copies ([output] tables), when written
};

RunResult run(const RunConfig& config, const RunOptions& options = {});
RunResult run(const std::filesystem::path& config_path, const RunOptions& options = {});

/// Check every input (files, columns, keys, values, CRS) and the whole computation; write nothing.
RunResult validate(const RunConfig& config);

}  // namespace furthest
