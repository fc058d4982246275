// GDAL plumbing private to io/: one-time driver registration, a scoped error collector
// (never a process-wide handler) and the network-path guard.
#pragma once

#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <string>
#include <vector>

namespace furthest::io {

/// Register GDAL's drivers once per process (thread-safe).
void ensure_gdal_registered();

/// Collects GDAL errors and warnings raised on this thread while it lives.
class ScopedErrorCollector {
public:
    ScopedErrorCollector();
    ~ScopedErrorCollector();
    ScopedErrorCollector(const ScopedErrorCollector&) = delete;
    ScopedErrorCollector& operator=(const ScopedErrorCollector&) = delete;

    /// The last error (CE_Failure or worse) message, or empty.
    const std::string& last_error() const { return last_error_; }
    const std::vector<std::string>& warnings() const { return warnings_; }

private:
    static void CPL_STDCALL handle(CPLErr level, CPLErrorNum number, const char* message);
    std::string last_error_;
    std::vector<std::string> warnings_;
};

/// Throw InputError when `path` would make GDAL reach the network and `allow_network` is off.
/// True for a URL or a GDAL /vsi... chain that opens a connection (/vsicurl/, /vsis3/, nested
/// ones such as /vsizip//vsicurl/...).
bool is_network_path(const std::string& text);

void check_local_path(const std::string& role, const std::filesystem::path& path, bool allow_network);

/// Open a vector/table dataset read-only; InputError naming `role` and path on failure.
/// `encoding` (a config's `encoding = "cp1252"`; empty: detect) is the text encoding of a CSV
/// file or a shapefile's attributes; InputError for another format or an unknown name.
GDALDatasetUniquePtr open_vector(const std::string& role, const std::filesystem::path& path, bool allow_network,
                                 const std::string& encoding = "");

/// Pick a layer by name, or the only/first layer when `layer_name` is empty.
OGRLayer* pick_layer(GDALDataset& dataset, const std::string& role, const std::filesystem::path& path,
                     const std::string& layer_name);

/// A spatial reference from user input ("EPSG:27700", WKT, PROJ string) in GIS axis order
/// (x = easting/longitude); ConfigError when it is not understood.
OGRSpatialReference spatial_reference(const std::string& user_input, const std::string& what);

/// WKT2 (2018) of a spatial reference, as written into manifests and output layers.
std::string wkt_of(const OGRSpatialReference& srs);

}  // namespace furthest::io
