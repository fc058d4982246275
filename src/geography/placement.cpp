// Points that should lie in the zones and mostly do not, tested for the usual slips (x and y
// exchanged, degrees declared as metres); and the public face of polygon repair. Coordinates
// move between CRSs through io's public reprojection, so no GDAL type reaches this module.
#include "furthest/crosswalk.hpp"
#include "furthest/io.hpp"
#include "geography/repair.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace furthest {

std::vector<GeometryRepair> repair_polygons(std::vector<std::string>& polygon_wkb, const std::string& role,
                                            const std::vector<std::string>& labels, int threads, const Control& control) {
    std::vector<GeometryRepair> out;
    for (auto& repair : geography::repair_polygons(polygon_wkb, role, labels, threads, control))
        out.push_back({repair.index, std::move(repair.reason)});
    return out;
}

namespace {

// Of the points (in `crs`), how many lie in a polygon (polygons in `working_crs`).
std::size_t placed_from(std::vector<double> x, std::vector<double> y, const std::string& crs, const std::string& working_crs,
                        std::span<const std::string> polygon_wkb, int threads) {
    io::reproject_coordinates(x, y, crs, working_crs, "placement check");  // failures become NaN: placed nowhere
    std::size_t placed = 0;
    for (Eigen::Index owner : locate_points(x, y, polygon_wkb, threads))
        if (owner >= 0) ++placed;
    return placed;
}

}  // namespace

PlacementCheck check_placement(std::span<const double> x, std::span<const double> y, std::span<const Eigen::Index> owner,
                               std::span<const std::string> polygon_wkb, const std::string& declared_crs,
                               const std::string& working_crs, int threads) {
    PlacementCheck check;
    std::vector<double> out_x, out_y;
    for (std::size_t i = 0; i < owner.size() && i < x.size() && i < y.size(); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
        ++check.points;
        if (owner[i] >= 0) continue;
        ++check.outside;
        out_x.push_back(x[i]);
        out_y.push_back(y[i]);
    }
    if (!check.mostly_outside() || declared_crs.empty() || working_crs.empty()) return check;

    // Back to the coordinates as the table gave them (the inverse of the reprojection that placed
    // them), where a slip is made.
    io::reproject_coordinates(out_x, out_y, working_crs, declared_crs, "placement check");
    check.placed_if_swapped = placed_from(out_y, out_x, declared_crs, working_crs, polygon_wkb, threads);
    const std::size_t tested = out_x.size();
    bool degrees = !io::is_geographic(declared_crs);
    for (std::size_t i = 0; i < tested && degrees; ++i)
        degrees =
            std::isfinite(out_x[i]) && std::isfinite(out_y[i]) && std::abs(out_x[i]) <= 180.0 && std::abs(out_y[i]) <= 180.0;
    if (degrees) {
        // Longitude first, or latitude first (a second slip on top of the first).
        check.placed_as_degrees = std::max(placed_from(out_x, out_y, "EPSG:4326", working_crs, polygon_wkb, threads),
                                           placed_from(out_y, out_x, "EPSG:4326", working_crs, polygon_wkb, threads));
    }
    // A cause is named when its test places at least half of what was outside: a wider table
    // (a national list) places a few by chance, a slip places nearly all.
    const std::string of = " of the " + std::to_string(check.outside) + " points in no zone would lie in one";
    if (check.placed_as_degrees * 2 >= check.outside && check.placed_as_degrees > 0) {
        check.likely_cause =
            "the coordinates look like longitude/latitude in degrees but the declared CRS is projected: read "
            "as degrees (EPSG:4326), " +
            std::to_string(check.placed_as_degrees) + of + "; declare crs = \"EPSG:4326\" (x = longitude)";
    } else if (check.placed_if_swapped * 2 >= check.outside && check.placed_if_swapped > 0) {
        check.likely_cause = "x and y look swapped: exchanged, " + std::to_string(check.placed_if_swapped) + of +
                             "; exchange the x and y columns (longitude is x, latitude is y; easting is x)";
    }
    return check;
}

}  // namespace furthest
