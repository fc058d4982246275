#include "io/gdal_session.hpp"

#include "core/text.hpp"
#include "furthest/errors.hpp"
#include "io/confinement.hpp"
#include "io/text_encoding.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace furthest::io {

void ensure_gdal_registered() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        install_confinement();
    });
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

namespace {

// A CSV file whose text is not UTF-8 (Excel's Windows-1252 "CSV", UTF-16 "Unicode text") is
// recoded into an in-memory copy of the same name, which GDAL then reads; the choice is noted
// for the run's warnings. Returns the path GDAL should open.
std::string recoded_csv(const std::filesystem::path& path, std::optional<TextEncoding> declared) {
    const char* const csv_only[] = {"CSV", nullptr};
    if (GDALIdentifyDriverEx(path.c_str(), GDAL_OF_VECTOR, csv_only, nullptr) == nullptr) return path.string();
    VSILFILE* file = VSIFOpenL(path.c_str(), "rb");
    if (file == nullptr) return path.string();
    std::vector<char> chunk(1 << 16);
    auto read_chunk = [&] { return std::string(chunk.data(), VSIFReadL(chunk.data(), 1, chunk.size(), file)); };
    std::string head = read_chunk();
    // A declared encoding overrides detection: a Windows-1252 file whose only non-ASCII bytes
    // happen to form valid UTF-8 ("Ã©") would otherwise be read as UTF-8.
    TextEncoding encoding = declared ? *declared : detect_encoding(head);
    bool malformed = false;
    if (encoding == TextEncoding::Utf8) {
        // Well-formed UTF-8 (GDAL skips a byte-order mark itself) is read in place; a chunk's
        // last, incomplete sequence is checked with the next chunk.
        std::string pending = head;
        for (std::string next = read_chunk();; next = read_chunk()) {
            std::size_t end = pending.size();
            if (!next.empty())
                for (std::size_t back = 1; back <= 3 && back <= pending.size(); ++back) {
                    const auto c = static_cast<unsigned char>(pending[pending.size() - back]);
                    if ((c & 0xC0) == 0xC0) end = pending.size() - back;
                    if ((c & 0xC0) != 0x80) break;
                }
            if (!is_utf8(std::string_view(pending).substr(0, end))) {
                // Declared UTF-8 stays UTF-8, its malformed bytes replaced (and counted) below.
                if (declared) malformed = true;
                else encoding = TextEncoding::Windows1252;
                break;
            }
            if (next.empty()) break;
            pending = pending.substr(end) + next;
        }
        if (encoding == TextEncoding::Utf8 && !malformed) {
            VSIFCloseL(file);
            return path.string();
        }
    }
    std::string bytes;
    VSIFSeekL(file, 0, SEEK_SET);
    for (std::string next = read_chunk(); !next.empty(); next = read_chunk()) bytes += next;
    VSIFCloseL(file);
    Utf8Text text = to_utf8(bytes, encoding);
    std::string().swap(bytes);  // a file of a few GB: hold at most two copies at once
    static std::atomic<unsigned long long> serial{0};
    const std::string copy = "/vsimem/furthest-recoded/" + std::to_string(++serial) + "/" + path.filename().string();
    const auto size = static_cast<vsi_l_offset>(text.text.size());
    auto* buffer = static_cast<GByte*>(CPLMalloc(text.text.size() + 1));
    std::memcpy(buffer, text.text.data(), text.text.size());
    VSIFCloseL(VSIFileFromMemBuffer(copy.c_str(), buffer, size, TRUE));
    if (InputGuard* guard = InputGuard::current()) {
        guard->remove_when_done(copy);
        // A declared encoding is no news; only replaced bytes are.
        if (!declared || text.replaced)
            guard->note("read as " + std::string(encoding_name(encoding)) +
                        (declared
                             ? std::string(" (as the config's encoding key says)")
                             : std::string(" (detected: ") +
                                   (encoding == TextEncoding::Windows1252 ? "not valid UTF-8" : "byte-order mark or zero bytes") +
                                   ")") +
                        "; values converted to UTF-8" +
                        (text.replaced ? ", " + std::to_string(text.replaced) + " malformed sequences replaced by U+FFFD" : ""));
    }
    return copy;
}

}  // namespace

GDALDatasetUniquePtr open_vector(const std::string& role, const std::filesystem::path& path, bool allow_network,
                                 const std::string& encoding) {
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
    std::optional<TextEncoding> declared;
    std::string shapefile_encoding = "ENCODING=";
    if (!encoding.empty()) {
        declared = parse_encoding(encoding);
        if (!declared)
            throw InputError(role + ": encoding '" + encoding + "' for '" + path.string() +
                             "' is not one furthest reads; expected utf-8, utf-16, cp1252 (windows-1252) or latin-1");
        const char* const csv_or_shapefile[] = {"CSV", "ESRI Shapefile", nullptr};
        GDALDriverH driver = GDALIdentifyDriverEx(path.c_str(), GDAL_OF_VECTOR, csv_or_shapefile, nullptr);
        if (driver == nullptr)
            throw InputError(role + ": 'encoding' is given for '" + path.string() +
                             "', which is neither a CSV file nor a shapefile; other formats declare their own encoding "
                             "(remove the key)");
        if (std::string_view(GDALGetDriverShortName(driver)) == "ESRI Shapefile") {
            // The shapefile driver recodes the .dbf itself (its ENCODING open option, iconv names).
            shapefile_encoding += *declared == TextEncoding::Utf8          ? "UTF-8"
                                  : *declared == TextEncoding::Latin1      ? "ISO-8859-1"
                                  : *declared == TextEncoding::Windows1252 ? "CP1252"
                                  : *declared == TextEncoding::Utf16LE     ? "UTF-16LE"
                                                                           : "UTF-16BE";
            declared.reset();
        }
    }
    const char* const open_options[] = {"EMPTY_STRING_AS_NULL=YES",
                                        shapefile_encoding.size() > 9 ? shapefile_encoding.c_str() : nullptr, nullptr};
    const std::string opened = recoded_csv(path, declared);
    const InputGuard* guard = InputGuard::current();
    GDALDatasetUniquePtr dataset(
        GDALDataset::Open(opened.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, open_options, nullptr));
    // What the file made GDAL reach for is the reason, whether or not the open failed.
    if (guard) guard->check();
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
