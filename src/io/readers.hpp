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

/// A text column whose every non-blank cell is a number (parse_number: "-1.55011", "29,199",
/// " 3 ") as a number column: integers when every value is written as a whole number (no point,
/// no exponent) within 2^53, reals otherwise; blank cells become missing values. A column with
/// no number at all, or with a value written with a leading zero ("007", "01234": a code, whose
/// zeros a number would lose), stays text; so does every column that is not text.
Column numbers_where_numeric(Column column);

/// Numeric cell values; blank cells -> NaN, text that is not a number -> InputError with the
/// 1-based row (the CSV line is row + 1), column and offending value. NaN/Inf text is refused.
/// `blank_allowed` only changes the message: whether "or a blank cell" is offered.
double numeric_value(const Column& column, std::size_t row, const std::string& role, const std::filesystem::path& path,
                     bool blank_allowed = true);
std::vector<double> numeric_values(const Column& column, const std::string& role, const std::filesystem::path& path,
                                   bool blank_allowed = true);

}  // namespace furthest::io
