#include "furthest/errors.hpp"
#include "furthest/io.hpp"
#include "io/confinement.hpp"
#include "io/gdal_session.hpp"

#include <ogr_geometry.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

namespace furthest::io {
namespace {

std::string where(const RasterRequest& request) { return request.role + ": '" + request.path.string() + "'"; }

// The band, its geotransform and CRS, checked once for both readers below.
struct OpenRaster {
    std::unique_ptr<InputGuard> guard;  // first: it outlives the dataset
    GDALDatasetUniquePtr dataset;
    GDALRasterBand* band = nullptr;
    std::array<double, 6> transform{};
    Grid grid;
};

OpenRaster open_raster(const RasterRequest& request) {
    ensure_gdal_registered();
    check_local_path(request.role, request.path, request.allow_network);
    const std::string at = where(request);
    std::error_code ec;
    if (request.path.string().rfind("/vsi", 0) != 0 && !std::filesystem::is_regular_file(request.path, ec))
        throw InputError(at + " does not exist or is not a file; expected a GeoTIFF");
    OpenRaster out;
    out.guard = std::make_unique<InputGuard>(request.role, request.path, request.allow_network);
    {
        ScopedErrorCollector errors;
        out.dataset.reset(GDALDataset::Open(request.path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
        out.guard->check();
        if (!out.dataset) {
            throw InputError(at + ": cannot read it as a raster: " +
                             (errors.last_error().empty() ? "not a raster format GDAL can read" : errors.last_error()));
        }
    }
    const int bands = out.dataset->GetRasterCount();
    if (request.band < 1 || request.band > bands) {
        throw InputError(at + " has " + std::to_string(bands) + " band" + (bands == 1 ? "" : "s") + "; band " +
                         std::to_string(request.band) + " was asked for (bands count from 1)");
    }
    out.band = out.dataset->GetRasterBand(request.band);
    if (out.dataset->GetGeoTransform(out.transform.data()) != CE_None) {
        throw InputError(at +
                         " has no geotransform; expected a georeferenced raster (a GeoTIFF with its "
                         "origin and cell size)");
    }
    const auto& t = out.transform;
    // Exact coverage needs axis-aligned cells; a rotated or sheared grid would need resampling first.
    if (t[2] != 0.0 || t[4] != 0.0) {
        throw InputError(at + " has a rotated geotransform (terms " + std::to_string(t[2]) + ", " + std::to_string(t[4]) +
                         "); expected a north-up raster: warp it first, e.g. "
                         "gdalwarp -t_srs with the same CRS");
    }
    if (!(t[1] > 0.0) || !(t[5] < 0.0) || !std::isfinite(t[0]) || !std::isfinite(t[3])) {
        throw InputError(at + " has cell size " + std::to_string(t[1]) + " x " + std::to_string(t[5]) +
                         "; expected a north-up raster (positive width, negative height in its geotransform)");
    }
    out.grid.x_min = t[0];
    out.grid.y_max = t[3];
    out.grid.cell_width = t[1];
    out.grid.cell_height = -t[5];
    out.grid.cols = out.dataset->GetRasterXSize();
    out.grid.rows = out.dataset->GetRasterYSize();
    if (const OGRSpatialReference* srs = out.dataset->GetSpatialRef()) {
        char* wkt = nullptr;
        const char* const options[] = {"FORMAT=WKT2_2018", nullptr};
        srs->exportToWkt(&wkt, options);
        out.grid.crs_wkt = wkt ? wkt : "";
        CPLFree(wkt);
    }
    return out;
}

}  // namespace

Grid read_raster_grid(const RasterRequest& request) { return open_raster(request).grid; }

RasterBand read_raster_band(const RasterRequest& request, const std::optional<Bounds>& window) {
    OpenRaster raster = open_raster(request);
    const Grid& full = raster.grid;
    Eigen::Index col0 = 0, row0 = 0, col1 = full.cols, row1 = full.rows;
    if (window) {
        if (window->empty()) {
            col1 = row1 = 0;
        } else {
            // One cell of margin so a polygon's own window never reaches past what was read.
            auto clamp_index = [](double v, Eigen::Index limit) {
                return static_cast<Eigen::Index>(std::clamp(v, 0.0, static_cast<double>(limit)));
            };
            col0 = clamp_index(std::floor((window->x_min - full.x_min) / full.cell_width) - 1.0, full.cols);
            col1 = clamp_index(std::ceil((window->x_max - full.x_min) / full.cell_width) + 1.0, full.cols);
            row0 = clamp_index(std::floor((full.y_max - window->y_max) / full.cell_height) - 1.0, full.rows);
            row1 = clamp_index(std::ceil((full.y_max - window->y_min) / full.cell_height) + 1.0, full.rows);
        }
    }
    RasterBand out;
    out.grid = full;
    out.grid.rows = std::max<Eigen::Index>(0, row1 - row0);
    out.grid.cols = std::max<Eigen::Index>(0, col1 - col0);
    // The window keeps the raster's origin: cell lines stay where they are in the whole raster.
    out.grid.row0 = row0;
    out.grid.col0 = col0;
    int has_nodata = 0;
    const double nodata = raster.band->GetNoDataValue(&has_nodata);
    if (has_nodata) out.nodata = nodata;
    if (out.grid.cells() == 0) return out;
    constexpr Eigen::Index kMaxCells = Eigen::Index{1} << 31;
    if (out.grid.cells() > kMaxCells) {
        throw InputError(where(request) + ": the cells under the zones number " + std::to_string(out.grid.cells()) +
                         ", more than can be read at once (2^31); use a coarser raster or fewer zones");
    }
    out.values.resize(static_cast<std::size_t>(out.grid.cells()));
    ScopedErrorCollector errors;
    const CPLErr status = raster.band->RasterIO(
        GF_Read, static_cast<int>(col0), static_cast<int>(row0), static_cast<int>(out.grid.cols), static_cast<int>(out.grid.rows),
        out.values.data(), static_cast<int>(out.grid.cols), static_cast<int>(out.grid.rows), GDT_Float64, 0, 0, nullptr);
    raster.guard->check();
    if (status != CE_None) {
        throw InputError(where(request) + ": reading band " + std::to_string(request.band) +
                         " failed: " + (errors.last_error().empty() ? "unknown GDAL error" : errors.last_error()));
    }
    return out;
}


}  // namespace furthest::io
