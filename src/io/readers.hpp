// Readers: GDAL datasets in, library-neutral Layers out (geometries as WKB in the working CRS).
#pragma once

#include "furthest/table.hpp"

#include <ogr_spatialref.h>

#include <filesystem>
#include <string>
#include <vector>

namespace furthest::io {

enum class GeometryFamily { Polygonal, Point };

struct VectorRequest {
    std::string role;  ///< "zones", "areas", "partners": names the input in every message
    std::filesystem::path path;
    std::string layer;
    GeometryFamily family = GeometryFamily::Polygonal;
    bool allow_network = false;
    std::string where;  ///< OGR SQL attribute filter, e.g. "\"Year closed\" IS NULL"; empty = every feature
};

/// Read every feature with its attributes; reproject geometries to `working_crs`.
/// Throws InputError for: unreadable file, empty layer, no CRS, null or wrong-type geometry.
Layer read_vector(const VectorRequest& request, const OGRSpatialReference& working_crs);

/// Read a table (CSV, XLSX, or a vector layer's attributes) without geometry.
/// CSV cells arrive as text; numbers are parsed later by the column's consumer.
/// With `columns`, only those are read, in that order (InputError naming a missing one).
Layer read_table(const std::string& role, const std::filesystem::path& path, const std::string& layer,
                 bool allow_network, const std::string& where = "", const std::vector<std::string>& columns = {});

/// Points from two coordinate columns in `crs`, reprojected to `working_crs`.
/// Throws InputError naming the row and column of a blank or non-numeric coordinate.
Layer points_from_columns(Layer table, const std::string& role, const std::filesystem::path& path,
                          const std::string& x, const std::string& y, const OGRSpatialReference& crs,
                          const OGRSpatialReference& working_crs);

/// The column, or InputError naming file, column and the columns that exist ("did you mean").
const Column& require_column(const Layer& layer, const std::string& role,
                             const std::filesystem::path& path, const std::string& column);

/// Cell as text key (ids, codes): integers printed without decimals, surrounding blanks trimmed.
/// Empty when missing.
std::string key_text(const Column& column, std::size_t row);

/// Numeric cell values; blank cells -> NaN, text that is not a number -> InputError with the
/// 1-based row (the CSV line is row + 1), column and offending value. NaN/Inf text is refused.
/// `blank_allowed` only changes the message: whether "or a blank cell" is offered.
double numeric_value(const Column& column, std::size_t row, const std::string& role,
                     const std::filesystem::path& path, bool blank_allowed = true);
std::vector<double> numeric_values(const Column& column, const std::string& role,
                                   const std::filesystem::path& path, bool blank_allowed = true);

}  // namespace furthest::io
