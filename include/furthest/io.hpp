/// @brief Reading layers, tables and rasters, and moving geometries between CRSs: GDAL/PROJ
/// behind plain types (Layer, Grid, RasterBand, WKB), so a caller never sees a GDAL handle.
#pragma once

#include "furthest/control.hpp"
#include "furthest/table.hpp"
#include "furthest/zonal.hpp"

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace furthest::io {

/// What a vector layer's features must be.
enum class GeometryFamily { Polygonal, Point };

/// Which vector layer to read; `role` ("zones", "areas", "partners") names it in every message.
struct VectorRequest {
    std::string role;
    std::filesystem::path path;
    std::string layer;  ///< empty: the file's only (or first) layer
    GeometryFamily family = GeometryFamily::Polygonal;
    bool allow_network = false;  ///< GDAL /vsicurl/ and friends stay off unless asked
    std::string where;  ///< OGR SQL attribute filter, e.g. "\"Year closed\" IS NULL"; empty = every feature
    /// Polled while features are read (Stopped) and told "reading <role>" with the share read
    /// when the driver knows the count cheaply (NaN otherwise); null = not stoppable, silent.
    const Control* control = nullptr;
    std::string encoding;  ///< text encoding of a CSV file or a shapefile's .dbf ("cp1252"); empty: detected
};

/// Every feature with its attributes, geometries as WKB reprojected to `working_crs` (any form
/// CRS user input takes: "EPSG:27700", WKT, PROJ). InputError for an unreadable file, an empty
/// layer, no CRS, a null or wrong-type geometry; ConfigError when `working_crs` is not understood.
Layer read_vector(const VectorRequest& request, const std::string& working_crs);

/// A table (CSV, XLSX, or a vector layer's attributes) without geometry. CSV cells arrive as
/// text; numbers are parsed later by the column's consumer. With `columns`, only those are
/// read, in that order (InputError naming a missing one). Polls `control` as read_vector does.
/// `encoding` as in VectorRequest.
Layer read_table(const std::string& role, const std::filesystem::path& path, const std::string& layer, bool allow_network,
                 const std::string& where = "", const std::vector<std::string>& columns = {}, const Control& control = {},
                 const std::string& encoding = "");

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

/// WKB geometries from `from_crs` to `to_crs` (any form OGRSpatialReference::SetFromUserInput
/// takes, WKT included), in GIS axis order. Returns the input unchanged when the CRSs are
/// equivalent or both empty; one empty CRS is an InputError. Empty WKB (no geometry) passes
/// through. InputError naming `role` and the feature when a geometry cannot be transformed.
std::vector<std::string> reproject_geometries(std::span<const std::string> wkb, const std::string& from_crs,
                                              const std::string& to_crs, const std::string& role);

/// Coordinate arrays from `from_crs` to `to_crs` in place (GIS axis order); points that cannot
/// be transformed become NaN and are counted in the return value.
std::size_t reproject_coordinates(std::span<double> x, std::span<double> y, const std::string& from_crs,
                                  const std::string& to_crs, const std::string& role);

/// True when `crs` is geographic (degrees): areas and distances need a projected CRS.
bool is_geographic(const std::string& crs);

/// WKT2 of a CRS given in any accepted form.
std::string crs_wkt(const std::string& crs);

}  // namespace furthest::io
