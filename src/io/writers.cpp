#include "io/writers.hpp"

#include "furthest/errors.hpp"
#include "io/gdal_session.hpp"

#include <ogrsf_frmts.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>

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

void write_layer(GDALDataset& dataset, const Layer& layer, const std::filesystem::path& path) {
    const std::string at = "output '" + path.string() + "' layer '" + layer.name + "'";
    std::unique_ptr<OGRSpatialReference> srs;
    if (layer.has_geometry() && !layer.crs_wkt.empty()) {
        srs = std::make_unique<OGRSpatialReference>();
        srs->importFromWkt(layer.crs_wkt.c_str());
        srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    const OGRwkbGeometryType type = layer_geometry_type(layer);
    const char* const options[] = {"GEOMETRY_NAME=geometry", "FID=fid", nullptr};
    ScopedErrorCollector errors;
    OGRLayer* out = dataset.CreateLayer(layer.name.c_str(), srs.get(), type, const_cast<char**>(options));
    if (out == nullptr) throw OutputError(at + ": cannot create layer: " + errors.last_error());
    for (const auto& column : layer.columns) {
        OGRFieldType field_type = OFTString;
        if (std::holds_alternative<Column::Reals>(column.values)) field_type = OFTReal;
        if (std::holds_alternative<Column::Integers>(column.values)) field_type = OFTInteger64;
        OGRFieldDefn field(column.name.c_str(), field_type);
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
                    if constexpr (std::is_same_v<T, Column::Texts>) feature.SetField(i, values[row].c_str());
                    else if constexpr (std::is_same_v<T, Column::Integers>) feature.SetField(i, static_cast<GIntBig>(values[row]));
                    else feature.SetField(i, values[row]);
                },
                column.values);
        }
        if (layer.has_geometry() && !layer.wkb[row].empty()) {
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

}  // namespace

void write_geopackage(const std::filesystem::path& path, const std::vector<const Layer*>& layers) {
    ensure_gdal_registered();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (driver == nullptr) throw OutputError("GDAL was built without the GPKG driver; cannot write '" + path.string() + "'");
    FixedTimestamp fixed_timestamp;
    ScopedErrorCollector errors;
    GDALDatasetUniquePtr dataset(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!dataset) throw OutputError("cannot create '" + path.string() + "': " + errors.last_error());
    for (const Layer* layer : layers) write_layer(*dataset, *layer, path);
    // Closing flushes the last pages; a full disk shows up here. (GDALDataset::Close() is 3.7+.)
    dataset.reset();
    if (!errors.last_error().empty()) {
        throw OutputError("cannot finish writing '" + path.string() + "': " + errors.last_error());
    }
}

StagedOutputs::~StagedOutputs() {
    if (committed_) return;
    std::error_code ignored;
    for (const auto& [temporary, final_path] : staged_) std::filesystem::remove(temporary, ignored);
}

std::filesystem::path StagedOutputs::stage(const std::filesystem::path& final_path) {
    const auto folder = final_path.parent_path().empty() ? std::filesystem::path(".") : final_path.parent_path();
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) throw OutputError("cannot create output folder '" + folder.string() + "': " + ec.message());
    if (::access(folder.c_str(), W_OK) != 0)
        throw OutputError("output folder '" + folder.string() + "' is not writable");
    // Same folder as the final file so the rename stays on one file system (atomic).
    auto temporary = folder / ("." + final_path.stem().string() + ".tmp-" + std::to_string(::getpid()) +
                               final_path.extension().string());
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
