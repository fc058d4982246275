// GeoTIFF (any GDAL raster) bands in, plain Grid/RasterBand out; polygons moved between CRSs.
#pragma once

#include "furthest/zonal.hpp"

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace furthest::io {

/// Which raster and band to read; `role` names the input in every message ("coverage", "weights").
struct RasterRequest {
    std::string role;
    std::filesystem::path path;
    int band = 1;  ///< 1-based, as GDAL counts bands
    bool allow_network = false;
};

/// The raster's whole grid and CRS, without reading a cell. InputError when the file is missing
/// or unreadable, the band does not exist, or the geotransform is missing, rotated or south-up.
Grid read_raster_grid(const RasterRequest& request);

/// The band's values (as double) and NoData value on the cells under `window` (map units, the
/// raster's CRS; one cell of margin is added), or on the whole raster when `window` is empty.
/// The returned grid is that window (Grid::row0/col0 say where it starts); cell indices count
/// from its own first row and column.
RasterBand read_raster_band(const RasterRequest& request, const std::optional<Bounds>& window = std::nullopt);

}  // namespace furthest::io
