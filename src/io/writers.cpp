#include "io/writers.hpp"

#include "furthest/errors.hpp"
#include "io/gdal_session.hpp"

#include <ogrsf_frmts.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <memory>
#include <signal.h>
#include <unistd.h>

namespace furthest::io {
namespace {

OGRwkbGeometryType layer_geometry_type(const Layer& layer) {
    if (!layer.has_geometry()) return wkbNone;
    // An empty WKB string is a feature without geometry (an area no zone belongs to).
    auto sample = std::find_if(layer.wkb.begin(), layer.wkb.end(), [](const std::string& w) { return !w.empty(); });
    if (sample == layer.wkb.end()) return wkbMultiPolygon;
    OGRGeometry* first = nullptr;
    OGRGeometryFactory::createFromWkb(sample->data(), nullptr, &first, sample->size());
    std::unique_ptr<OGRGeometry> owned(first);
    if (!owned) return wkbUnknown;
    const auto flat = wkbFlatten(owned->getGeometryType());
    if (flat == wkbPolygon || flat == wkbMultiPolygon) return wkbMultiPolygon;
    if (flat == wkbPoint) return wkbPoint;
    return wkbUnknown;
}

// GDAL reads this thread-local option for the GeoPackage's last_change timestamps.
class FixedTimestamp {
public:
    FixedTimestamp() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z"); }
    ~FixedTimestamp() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr); }
};

// How a layer is written: map layers keep geometry and text as is; spreadsheet tables drop
// geometry and make every text cell and header safe to open in Excel or LibreOffice.
struct LayerStyle {
    bool geometry = true;
    bool spreadsheet = false;
    std::vector<const char*> options;  ///< layer creation options, without the final nullptr
};

void write_layer(GDALDataset& dataset, const Layer& layer, const std::filesystem::path& path, const LayerStyle& style) {
    const std::string at = "output '" + path.string() + "' layer '" + layer.name + "'";
    const bool with_geometry = style.geometry && layer.has_geometry();
    std::unique_ptr<OGRSpatialReference> srs;
    if (with_geometry && !layer.crs_wkt.empty()) {
        srs = std::make_unique<OGRSpatialReference>();
        srs->importFromWkt(layer.crs_wkt.c_str());
        srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    const OGRwkbGeometryType type = with_geometry ? layer_geometry_type(layer) : wkbNone;
    std::vector<const char*> options = style.options;
    options.push_back(nullptr);
    const auto text = [&](const std::string& value) { return style.spreadsheet ? spreadsheet_text(value) : value; };
    ScopedErrorCollector errors;
    OGRLayer* out = dataset.CreateLayer(layer.name.c_str(), srs.get(), type, const_cast<char**>(options.data()));
    if (out == nullptr) throw OutputError(at + ": cannot create layer: " + errors.last_error());
    for (const auto& column : layer.columns) {
        OGRFieldType field_type = OFTString;
        if (std::holds_alternative<Column::Reals>(column.values)) field_type = OFTReal;
        if (std::holds_alternative<Column::Integers>(column.values)) field_type = OFTInteger64;
        OGRFieldDefn field(text(column.name).c_str(), field_type);
        if (out->CreateField(&field) != OGRERR_NONE)
            throw OutputError(at + ": cannot create column '" + column.name + "': " + errors.last_error());
    }
    if (out->StartTransaction() != OGRERR_NONE) throw OutputError(at + ": " + errors.last_error());
    const std::size_t rows = layer.rows();
    for (std::size_t row = 0; row < rows; ++row) {
        OGRFeature feature(out->GetLayerDefn());
        for (int i = 0; i < static_cast<int>(layer.columns.size()); ++i) {
            const Column& column = layer.columns[static_cast<std::size_t>(i)];
            if (!column.is_valid(row)) {
                feature.SetFieldNull(i);
                continue;
            }
            std::visit(
                [&](const auto& values) {
                    using T = std::decay_t<decltype(values)>;
                    if constexpr (std::is_same_v<T, Column::Texts>) feature.SetField(i, text(values[row]).c_str());
                    else if constexpr (std::is_same_v<T, Column::Integers>)
                        feature.SetField(i, static_cast<GIntBig>(values[row]));
                    else feature.SetField(i, values[row]);
                },
                column.values);
        }
        if (with_geometry && !layer.wkb[row].empty()) {
            OGRGeometry* geometry = nullptr;
            const auto& wkb = layer.wkb[row];
            if (OGRGeometryFactory::createFromWkb(wkb.data(), srs.get(), &geometry, wkb.size()) != OGRERR_NONE)
                throw OutputError(at + " row " + std::to_string(row + 1) + ": geometry could not be encoded");
            std::unique_ptr<OGRGeometry> owned(geometry);
            if (type == wkbMultiPolygon) owned.reset(OGRGeometryFactory::forceToMultiPolygon(owned.release()));
            feature.SetGeometryDirectly(owned.release());
        }
        if (out->CreateFeature(&feature) != OGRERR_NONE)
            throw OutputError(at + " row " + std::to_string(row + 1) + ": cannot write feature: " + errors.last_error());
    }
    if (out->CommitTransaction() != OGRERR_NONE) throw OutputError(at + ": " + errors.last_error());
}

GDALDriver& output_driver(const char* name, const std::filesystem::path& path) {
    ensure_gdal_registered();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(name);
    if (driver == nullptr)
        throw OutputError(std::string("GDAL was built without the ") + name + " driver; cannot write '" + path.string() + "'");
    return *driver;
}

// Create, fill and close one dataset; errors on closing (a full disk) are errors of the write.
void write_dataset(const char* driver_name, const std::filesystem::path& path, const std::vector<const Layer*>& layers,
                   const LayerStyle& style) {
    GDALDriver& driver = output_driver(driver_name, path);
    FixedTimestamp fixed_timestamp;
    ScopedErrorCollector errors;
    GDALDatasetUniquePtr dataset(driver.Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!dataset) throw OutputError("cannot create '" + path.string() + "': " + errors.last_error());
    for (const Layer* layer : layers) write_layer(*dataset, *layer, path, style);
    // Closing flushes the last pages (XLSX: the whole zip); a full disk shows up here.
    // (GDALDataset::Close() is 3.7+.)
    dataset.reset();
    if (!errors.last_error().empty()) {
        throw OutputError("cannot finish writing '" + path.string() + "': " + errors.last_error());
    }
}

}  // namespace

void write_geopackage(const std::filesystem::path& path, const std::vector<const Layer*>& layers) {
    write_dataset("GPKG", path, layers, LayerStyle{true, false, {"GEOMETRY_NAME=geometry", "FID=fid"}});
}

std::string spreadsheet_text(std::string_view text) {
    if (text.empty()) return {};
    switch (text.front()) {
        case '=':
        case '+':
        case '-':
        case '@':
        case '\t':
        case '\r': {
            std::string safe;
            safe.reserve(text.size() + 1);
            safe += '\'';
            safe += text;
            return safe;
        }
        default: return std::string(text);
    }
}

void write_csv_table(const std::filesystem::path& path, const Layer& layer) {
    // RFC 4180 line ends, and a byte-order mark so Excel reads the names as UTF-8.
    write_dataset("CSV", path, {&layer}, LayerStyle{false, true, {"LINEFORMAT=CRLF", "WRITE_BOM=YES"}});
}

void write_xlsx(const std::filesystem::path& path, const std::vector<const Layer*>& layers) {
    write_dataset("XLSX", path, layers, LayerStyle{false, true, {}});
}

StagedOutputs::~StagedOutputs() {
    if (committed_) return;
    std::error_code ignored;
    for (const auto& [temporary, final_path] : staged_) std::filesystem::remove(temporary, ignored);
}

namespace {

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "host";
    std::string out(name);
    std::replace(out.begin(), out.end(), '/', '_');
    return out;
}

// ".<stem>.tmp-<host>-" : the prefix of every temporary name this host gives `final_path`.
std::string temporary_prefix(const std::filesystem::path& final_path) {
    std::string prefix = ".";
    prefix += final_path.stem().string();
    prefix += ".tmp-";
    prefix += host_name();
    prefix += '-';
    return prefix;
}

// A run killed with SIGKILL cannot remove its temporary files. The next run for the same output
// removes those left by processes of this host that no longer exist; a live run's (or another
// host's, on a shared folder) are left alone.
std::vector<std::filesystem::path> remove_stale_temporaries(const std::filesystem::path& folder,
                                                            const std::filesystem::path& final_path) {
    std::vector<std::filesystem::path> removed;
    const std::string prefix = temporary_prefix(final_path);
    const std::string extension = final_path.extension().string();
    std::error_code ec;
    for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        // .<stem>.tmp-<host>-<pid><ext>, or a journal beside it (<ext>-journal, SQLite's).
        const std::string name = it->path().filename().string();
        if (name.compare(0, prefix.size(), prefix) != 0) continue;
        const std::size_t digits_end = name.find_first_not_of("0123456789", prefix.size());
        if (digits_end == std::string::npos || digits_end == prefix.size() || digits_end - prefix.size() > 9 ||
            name.compare(digits_end, extension.size(), extension) != 0)
            continue;
        const std::string digits = name.substr(prefix.size(), digits_end - prefix.size());
        const auto pid = static_cast<pid_t>(std::stol(digits));
        if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
        std::error_code remove_error;
        if (std::filesystem::remove(it->path(), remove_error)) removed.push_back(it->path());
    }
    return removed;
}

}  // namespace

std::filesystem::path StagedOutputs::stage(const std::filesystem::path& final_path) {
    const auto folder = final_path.parent_path().empty() ? std::filesystem::path(".") : final_path.parent_path();
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) throw OutputError("cannot create output folder '" + folder.string() + "': " + ec.message());
    if (::access(folder.c_str(), W_OK) != 0) throw OutputError("output folder '" + folder.string() + "' is not writable");
    for (auto& stale : remove_stale_temporaries(folder, final_path)) stale_removed_.push_back(std::move(stale));
    // Same folder as the final file so the rename stays on one file system (atomic).
    std::string name = temporary_prefix(final_path);
    name += std::to_string(::getpid());
    name += final_path.extension().string();
    auto temporary = folder / name;
    std::filesystem::remove(temporary, ec);
    staged_.emplace_back(temporary, final_path);
    return temporary;
}

void StagedOutputs::commit() {
    for (const auto& [temporary, final_path] : staged_) {
        std::error_code ec;
        std::filesystem::rename(temporary, final_path, ec);
        if (ec) throw OutputError("cannot move '" + temporary.string() + "' onto '" + final_path.string() + "': " + ec.message());
    }
    committed_ = true;
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw OutputError("cannot write '" + path.string() + "' (disk full or not writable?)");
}

}  // namespace furthest::io
