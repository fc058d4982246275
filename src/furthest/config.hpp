/// @brief The run configuration: which inputs, which columns, which methods, which outputs.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace furthest {

/// Which way an indicator points: does a higher value mean more need?
enum class Direction { HigherIsMoreNeed, LowerIsMoreNeed };

/// What to do with a zone whose indicator value is blank.
enum class MissingPolicy { Error, Mean, Median };

/// The small areas that get scored (e.g. 2021 LSOAs).
struct ZonesSpec {
    std::filesystem::path path;
    std::string layer;  ///< empty: the file's only (or first) layer
    std::string id;     ///< unique zone id column, kept in the outputs as given
};

/// Partnership areas (LCPs, wards, PCNs ...) drawn as polygons.
struct AreasSpec {
    std::filesystem::path path;
    std::string layer;
    std::string id;
    std::string name;  ///< optional; empty means use the id
};

/// One indicator: a numeric column of a table keyed by zone id.
struct IndicatorSpec {
    std::filesystem::path path;
    std::string layer;
    std::string key;     ///< column holding the zone id
    std::string column;  ///< numeric column
    std::string name;    ///< output column name; defaults to `column`
    Direction direction = Direction::HigherIsMoreNeed;
    double weight = 1.0;
    MissingPolicy missing = MissingPolicy::Error;
};

/// Places that already help people: points from x/y columns or from a point layer.
struct PartnersSpec {
    std::filesystem::path path;
    std::string layer;
    std::string x;    ///< with `y`: read coordinates from columns
    std::string y;
    std::string crs;  ///< CRS of x/y columns (required with x/y), e.g. "EPSG:4326"
};

struct OutputSpec {
    std::filesystem::path path;  ///< the GeoPackage; the manifest goes beside it as <stem>.manifest.json
};

/// A whole run. Paths are absolute once loaded (relative ones resolve against the config's folder).
struct RunConfig {
    ZonesSpec zones;
    AreasSpec areas;
    std::vector<IndicatorSpec> indicators;
    std::optional<PartnersSpec> partners;
    OutputSpec output;
    std::string working_crs = "EPSG:27700";  ///< projected CRS in which areas and distances are measured
    int threads = 0;                         ///< 0: all hardware threads
    bool allow_network = false;              ///< GDAL /vsicurl/ and friends stay off unless asked
    std::filesystem::path config_path;       ///< where it was read from (empty for an in-memory config)
    std::string config_json;                 ///< the config as given, as JSON, for the manifest
};

/// Read and check a TOML run configuration. Throws ConfigError naming the key that is wrong.
RunConfig load_config(const std::filesystem::path& path);

/// Parse TOML text; relative paths resolve against `base_dir`.
RunConfig parse_config(const std::string& toml_text, const std::filesystem::path& base_dir,
                       const std::string& source_name = "<config>");

/// Where `${FURTHEST_DATA}` points: the environment variable, else a `shared/data` folder
/// found beside one of `start`'s ancestors. Empty when neither exists.
std::filesystem::path default_data_dir(const std::filesystem::path& start);

}  // namespace furthest
