// Polygon rings straight from WKB, without GEOS: the raster coverage walk needs only the
// coordinates of each ring and whether it is a shell or a hole.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace furthest::geography {

/// Largest coordinate magnitude the geometry stages accept: far beyond any projected CRS (metres),
/// it keeps areas and extents finite and GEOS away from values where MakeValid and overlay
/// misbehave (fail, leak, or run for minutes).
inline constexpr double kMaxCoordinate = 1e15;

/// The rings of a (multi)polygon as flat coordinates, each ring closed (last point = first).
struct PolygonRings {
    std::vector<double> xy;             ///< x0, y0, x1, y1, ... for all rings, one after another
    std::vector<std::size_t> offsets;   ///< ring k is points [offsets[k], offsets[k + 1])
    std::vector<bool> is_hole;          ///< per ring: interior ring of its polygon

    std::size_t ring_count() const { return is_hole.size(); }
    std::size_t point_count() const { return xy.size() / 2; }
};

/// Parse Polygon, MultiPolygon or GeometryCollection-of-polygons WKB (ISO or extended WKB, either
/// byte order, Z/M dimensions ignored). Throws GeometryError for truncated or non-polygonal WKB.
PolygonRings read_polygon_rings(const std::string& wkb);

/// Throw GeometryError when WKB nests collections more than 32 deep or is truncated before
/// the last nested header: GEOS's WKB reader recurses without a limit and overflows the stack.
void check_wkb_nesting(const std::string& wkb);

}  // namespace furthest::geography
