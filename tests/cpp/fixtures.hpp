// Shared test fixtures: geometries from WKT, paths to the demo and to the shared open data.
#pragma once

#include "furthest/config.hpp"
#include "geography/geos_context.hpp"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace furthest::fixtures {

/// WKB of a WKT geometry (GEOS, own context).
inline std::string wkb(const std::string& wkt) {
    geography::GeosContext ctx;
    GEOSWKTReader* reader = GEOSWKTReader_create_r(ctx.handle());
    auto geometry = ctx.own(GEOSWKTReader_read_r(ctx.handle(), reader, wkt.c_str()), "WKT reading");
    GEOSWKTReader_destroy_r(ctx.handle(), reader);
    return ctx.to_wkb(geometry.get());
}

inline std::vector<std::string> wkbs(const std::vector<std::string>& wkts) {
    std::vector<std::string> out;
    for (const auto& w : wkts) out.push_back(wkb(w));
    return out;
}

inline std::filesystem::path source_dir() { return FURTHEST_SOURCE_DIR; }
inline std::filesystem::path demo_dir() { return source_dir() / "data" / "demo"; }

/// The demo's config, writing to `output`.
inline RunConfig demo_config(const std::filesystem::path& output) {
    RunConfig config = load_config(demo_dir() / "demo.toml");
    config.output.path = output;
    return config;
}

/// The shared open data (FURTHEST_DATA or ../shared/data beside the checkout), or empty.
inline std::filesystem::path shared_data() {
    if (const char* env = std::getenv("FURTHEST_DATA"); env && *env) return env;
    auto candidate = source_dir().parent_path() / "shared" / "data";
    return std::filesystem::is_directory(candidate) ? candidate : std::filesystem::path();
}

/// A fresh scratch folder under the build tree's temp area.
inline std::filesystem::path scratch(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("furthest-test-" + std::to_string(::getpid())) / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace furthest::fixtures
