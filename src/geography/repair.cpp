#include "geography/repair.hpp"

#include "core/parallel.hpp"
#include "furthest/errors.hpp"
#include "geography/geos_context.hpp"

#include <mutex>
#include <string_view>

namespace furthest::geography {
namespace {

// MakeValid may return a collection mixing polygons with collapsed lines or points; only the
// polygonal parts carry area, so they alone are kept.
GeosContext::Geometry polygonal_part(const GeosContext& ctx, GeosContext::Geometry geometry) {
    const auto h = ctx.handle();
    const int type = GEOSGeomTypeId_r(h, geometry.get());
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) return geometry;
    std::vector<GEOSGeometry*> parts;
    const int n = GEOSGetNumGeometries_r(h, geometry.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(h, geometry.get(), i);
        const int part_type = GEOSGeomTypeId_r(h, part);
        if (part_type == GEOS_POLYGON) {
            parts.push_back(GEOSGeom_clone_r(h, part));
        } else if (part_type == GEOS_MULTIPOLYGON) {
            for (int j = 0; j < GEOSGetNumGeometries_r(h, part); ++j)
                parts.push_back(GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, part, j)));
        }
    }
    return ctx.own(GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts.data(), static_cast<unsigned>(parts.size())),
                   "collecting polygons");
}

}  // namespace

std::vector<Repair> repair_polygons(std::vector<std::string>& wkb, const std::string& role,
                                    const std::vector<std::string>& labels, int threads, const Control& control) {
    std::vector<std::string> reasons(wkb.size());
    core::parallel_chunks(
        wkb.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            GeosContext ctx;
            const auto h = ctx.handle();
            for (std::size_t i = begin; i < end; ++i) {
                const std::string label = role + " feature " + std::to_string(i + 1) +
                                          (i < labels.size() && !labels[i].empty() ? " (" + labels[i] + ")" : "");
                try {
                    auto geometry = ctx.from_wkb(wkb[i]);
                    if (GEOSisValid_r(h, geometry.get()) != 1) {
                        char* reason = GEOSisValidReason_r(h, geometry.get());
                        reasons[i] = reason ? reason : "invalid";
                        GEOSFree_r(h, reason);
                        geometry = polygonal_part(ctx, ctx.own(GEOSMakeValid_r(h, geometry.get()), "MakeValid"));
                        wkb[i] = ctx.to_wkb(geometry.get());
                    }
                    if (!(ctx.area(geometry.get()) > 0.0)) {
                        throw GeometryError(label + ": polygon has zero area" +
                                            (reasons[i].empty() ? "" : " after repair (" + reasons[i] + ")") +
                                            "; expected a polygon with area");
                    }
                } catch (const GeometryError& error) {
                // Name the feature in every geometry error, not only in our own.
                    if (std::string_view(error.what()).rfind(label, 0) == 0) throw;
                    throw GeometryError(label + ": " + error.what());
                }
            }
        },
        control, "repairing geometry");
    std::vector<Repair> repairs;
    for (std::size_t i = 0; i < reasons.size(); ++i)
        if (!reasons[i].empty()) repairs.push_back({i, reasons[i]});
    return repairs;
}

}  // namespace furthest::geography
