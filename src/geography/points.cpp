#include "geography/points.hpp"

#include "core/parallel.hpp"
#include "furthest/errors.hpp"
#include "geography/geos_context.hpp"

#include <limits>

namespace furthest::geography {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// x, y of a point (or a multipoint's first); NaN for an empty geometry.
void xy_of(const GeosContext& geos, const GEOSGeometry* geometry, std::size_t row, double& x, double& y) {
    GEOSContextHandle_t h = geos.handle();
    x = y = kNaN;
    if (GEOSisEmpty_r(h, geometry) == 1) return;
    const int type = GEOSGeomTypeId_r(h, geometry);
    if (type == GEOS_MULTIPOINT) geometry = GEOSGetGeometryN_r(h, geometry, 0);
    else if (type != GEOS_POINT)
        throw GeometryError("feature " + std::to_string(row + 1) + " is a " + std::string(GEOSGeomType_r(h, geometry)) +
                            "; expected a point");
    if (GEOSGeomGetX_r(h, geometry, &x) != 1 || GEOSGeomGetY_r(h, geometry, &y) != 1)
        throw GeometryError("feature " + std::to_string(row + 1) + ": cannot read its coordinates: " + geos.last_error());
}

}  // namespace

void point_coordinates(std::span<const std::string> wkb, std::vector<double>& x, std::vector<double>& y) {
    const GeosContext geos;
    x.assign(wkb.size(), kNaN);
    y.assign(wkb.size(), kNaN);
    for (std::size_t i = 0; i < wkb.size(); ++i) xy_of(geos, geos.from_wkb(wkb[i]).get(), i, x[i], y[i]);
}

void points_on_surface(std::span<const std::string> polygon_wkb, std::vector<double>& x, std::vector<double>& y, int threads,
                       const Control& control) {
    x.assign(polygon_wkb.size(), kNaN);
    y.assign(polygon_wkb.size(), kNaN);
    core::parallel_chunks(
        polygon_wkb.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            const GeosContext geos;
            for (std::size_t i = begin; i < end; ++i) {
                const auto polygon = geos.from_wkb(polygon_wkb[i]);
                if (GEOSisEmpty_r(geos.handle(), polygon.get()) == 1) continue;
                const auto point = geos.own(GEOSPointOnSurface_r(geos.handle(), polygon.get()), "PointOnSurface");
                xy_of(geos, point.get(), i, x[i], y[i]);
            }
        },
        control, "placing zone origins");
}

}  // namespace furthest::geography
