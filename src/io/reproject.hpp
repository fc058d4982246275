// Reprojection of WKB geometries between CRSs with GDAL/PROJ, so nothing is measured in degrees.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace furthest::io {

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
