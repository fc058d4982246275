// Points as plain coordinates: from point WKB, and one point inside each polygon.
#pragma once

#include "furthest/control.hpp"

#include <span>
#include <string>
#include <vector>

namespace furthest::geography {

/// x and y of point geometries (a multipoint's first point); NaN for an empty one.
/// Throws GeometryError naming the row of a geometry that is not a point.
void point_coordinates(std::span<const std::string> wkb, std::vector<double>& x, std::vector<double>& y);

/// A point inside each polygon (GEOS PointOnSurface: inside even for a crescent, where the
/// centroid may fall outside); the same for any thread count.
void points_on_surface(std::span<const std::string> polygon_wkb, std::vector<double>& x, std::vector<double>& y, int threads = 0,
                       const Control& control = {});

}  // namespace furthest::geography
