#include "io/gdal_session.hpp"

#include "core/text.hpp"
#include "furthest/errors.hpp"

#include <algorithm>
#include <array>
#include <mutex>

namespace furthest::io {

void ensure_gdal_registered() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

ScopedErrorCollector::ScopedErrorCollector() {
    CPLErrorReset();
    CPLPushErrorHandlerEx(&ScopedErrorCollector::handle, this);
}

ScopedErrorCollector::~ScopedErrorCollector() { CPLPopErrorHandler(); }

void CPL_STDCALL ScopedErrorCollector::handle(CPLErr level, CPLErrorNum, const char* message) {
    auto* self = static_cast<ScopedErrorCollector*>(CPLGetErrorHandlerUserData());
    if (self == nullptr) return;
    if (level >= CE_Failure) {
        self->last_error_ = message ? message : "";
    } else if (level == CE_Warning) {
        self->warnings_.emplace_back(message ? message : "");
    }
}

bool is_network_path(const std::string& text) {
    // GDAL reads a URL, or a /vsi... chain whose handlers may nest (/vsizip//vsicurl/...); a
    // plain file whose name merely contains "vsigs" or "http://" further along is local.
    for (std::string_view scheme : {"http://", "https://", "ftp://"})
        if (text.rfind(scheme, 0) == 0) return true;
    if (text.rfind("/vsi", 0) != 0) return false;
    static constexpr std::array<std::string_view, 12> network_markers = {"/vsicurl", "/vsis3",  "/vsigs",    "/vsiaz",
                                                                         "/vsiadls", "/vsioss", "/vsiswift", "/vsiwebhdfs",
                                                                         "/vsihdfs", "http://", "https://",  "ftp://"};
    return std::any_of(network_markers.begin(), network_markers.end(),
                       [&](std::string_view marker) { return text.find(marker) != std::string::npos; });
}

void check_local_path(const std::string& role, const std::filesystem::path& path, bool allow_network) {
    if (allow_network || !is_network_path(path.string())) return;
    throw InputError(role + ": '" + path.string() + "' is a network path; network access is off " +
                     "(set allow_network = true under [run] to allow it)");
}

GDALDatasetUniquePtr open_vector(const std::string& role, const std::filesystem::path& path, bool allow_network) {
    ensure_gdal_registered();
    check_local_path(role, path, allow_network);
    std::error_code ec;
    if (path.string().rfind("/vsi", 0) != 0) {
        if (!std::filesystem::exists(path, ec)) {
            throw InputError(role + ": file '" + path.string() + "' does not exist");
        }
        if (std::filesystem::is_directory(path, ec) && path.extension() != ".gdb") {
            throw InputError(role + ": '" + path.string() + "' is a folder; expected a file");
        }
    }
    ScopedErrorCollector errors;
    // EMPTY_STRING_AS_NULL makes blank CSV cells read as missing rather than as "".
    const char* const open_options[] = {"EMPTY_STRING_AS_NULL=YES", nullptr};
    GDALDatasetUniquePtr dataset(
        GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, open_options, nullptr));
    if (!dataset) {
        std::string why = errors.last_error().empty() ? "not a vector or table format GDAL can read" : errors.last_error();
        throw InputError(role + ": cannot read '" + path.string() + "': " + why);
    }
    return dataset;
}

OGRLayer* pick_layer(GDALDataset& dataset, const std::string& role, const std::filesystem::path& path,
                     const std::string& layer_name) {
    if (dataset.GetLayerCount() == 0) {
        throw InputError(role + ": '" + path.string() + "' holds no layer");
    }
    if (layer_name.empty()) return dataset.GetLayer(0);
    if (OGRLayer* layer = dataset.GetLayerByName(layer_name.c_str())) return layer;
    std::vector<std::string> names;
    for (int i = 0; i < dataset.GetLayerCount(); ++i) names.emplace_back(dataset.GetLayer(i)->GetName());
    throw InputError(role + ": '" + path.string() + "' has no layer '" + layer_name + "'" +
                     core::did_you_mean(layer_name, names) + "; layers: " + core::join_names(names));
}

OGRSpatialReference spatial_reference(const std::string& user_input, const std::string& what) {
    ensure_gdal_registered();
    OGRSpatialReference srs;
    ScopedErrorCollector errors;
    // Only definitions, never a network lookup: refuse URLs (WKT, which may quote one in a
    // remark, is a definition and never fetched).
    const bool is_wkt = user_input.find('[') != std::string::npos;
    if ((!is_wkt && user_input.find("://") != std::string::npos) ||
        srs.SetFromUserInput(user_input.c_str(), OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS) != OGRERR_NONE) {
        throw ConfigError(what + ": unknown coordinate reference system '" + user_input + "'; expected e.g. \"EPSG:27700\"");
    }
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

std::string wkt_of(const OGRSpatialReference& srs) {
    char* wkt = nullptr;
    const char* const options[] = {"FORMAT=WKT2_2018", nullptr};
    srs.exportToWkt(&wkt, options);
    std::string out = wkt ? wkt : "";
    CPLFree(wkt);
    return out;
}

}  // namespace furthest::io
