// Readers: GDAL datasets in, library-neutral Layers out (geometries as WKB in the working CRS).
// The public part (VectorRequest, read_vector by CRS name, read_table) is in furthest/io.hpp.
#pragma once

#include "furthest/io.hpp"
#include "furthest/table.hpp"

#include <ogr_spatialref.h>

#include <filesystem>
#include <string>
#include <vector>

namespace furthest::io {

/// read_vector (furthest/io.hpp) with the working CRS already parsed.
Layer read_vector(const VectorRequest& request, const OGRSpatialReference& working_crs);

/// Points from two coordinate columns in `crs`, reprojected to `working_crs`.
/// Throws InputError naming the row and column of a blank or non-numeric coordinate.
Layer points_from_columns(Layer table, const std::string& role, const std::filesystem::path& path, const std::string& x,
                          const std::string& y, const OGRSpatialReference& crs, const OGRSpatialReference& working_crs);

/// The column, or InputError naming file, column and the columns that exist ("did you mean").
const Column& require_column(const Layer& layer, const std::string& role, const std::filesystem::path& path,
                             const std::string& column);

/// Cell as text key (ids, codes): integers printed without decimals, surrounding blanks trimmed.
/// Empty when missing.
std::string key_text(const Column& column, std::size_t row);

/// Numeric cell values; blank cells -> NaN, text that is not a number -> InputError with the
/// 1-based row (the CSV line is row + 1), column and offending value. NaN/Inf text is refused.
/// `blank_allowed` only changes the message: whether "or a blank cell" is offered.
double numeric_value(const Column& column, std::size_t row, const std::string& role, const std::filesystem::path& path,
                     bool blank_allowed = true);
std::vector<double> numeric_values(const Column& column, const std::string& role, const std::filesystem::path& path,
                                   bool blank_allowed = true);

}  // namespace furthest::io
