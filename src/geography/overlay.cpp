// Area-weighted overlay: W(s, t) = area(s ∩ t) / area(s), the share of source s in target t,
// with exact intersection areas from edge trapezoids (geography/edge_table.hpp) instead of
// building each intersection polygon; and points in polygons by a filtered crossing-number test
// that hands the few points too close to a boundary to GEOS's robust predicate.
#include "core/parallel.hpp"
#include "furthest/crosswalk.hpp"
#include "furthest/errors.hpp"
#include "geography/edge_table.hpp"
#include "geography/geos_context.hpp"
#include "geography/polygon_rings.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>

namespace furthest {
namespace {

using geography::GeosContext;

// Shares at or below this are rounding noise from polygons that only touch (the trapezoid sum
// of two disjoint polygons is zero up to ~1e-16 of their bounding areas).
constexpr double kNoiseShare = 1e-12;

}  // namespace

Crosswalk overlay_crosswalk(std::span<const std::string> source_wkb, std::span<const std::string> target_wkb, int threads,
                            const Control& control) {
    using geography::EdgeTable;
    // Target edge tables are built once and only read by the workers.
    std::vector<EdgeTable> targets(target_wkb.size());
    core::parallel_chunks(
        target_wkb.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            for (std::size_t t = begin; t < end; ++t) targets[t] = geography::edge_table(target_wkb[t]);
        },
        Control{control.stop, {}}, "preparing overlay targets");
    std::vector<geography::Box> boxes(targets.size());
    for (std::size_t t = 0; t < targets.size(); ++t) boxes[t] = targets[t].box;
    const geography::BoxGrid grid(boxes);

    using Entry = std::pair<Eigen::Index, double>;
    std::vector<std::vector<Entry>> rows(source_wkb.size());
    core::parallel_chunks(
        source_wkb.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            std::vector<std::size_t> candidates;
            for (std::size_t s = begin; s < end; ++s) {
                const EdgeTable source = geography::edge_table(source_wkb[s]);
                if (!(source.area > 0.0)) continue;
                grid.query(source.box, candidates);
                for (std::size_t t : candidates) {
                    const double share = geography::intersection_area(source, targets[t]) / source.area;
                // Polygons that only touch give rounding noise, not area.
                    if (share > kNoiseShare) rows[s].emplace_back(static_cast<Eigen::Index>(t), std::min(share, 1.0));
                }
            }
        },
        control, "overlaying polygons");
    std::vector<Eigen::Triplet<double>> triplets;
    for (std::size_t s = 0; s < rows.size(); ++s)
        for (const auto& [t, share] : rows[s]) triplets.emplace_back(static_cast<Eigen::Index>(s), t, share);
    Crosswalk::Matrix weights(static_cast<Eigen::Index>(source_wkb.size()), static_cast<Eigen::Index>(target_wkb.size()));
    weights.setFromTriplets(triplets.begin(), triplets.end());
    return Crosswalk(std::move(weights), "area-weighted polygon overlay");
}

namespace {

// Point WKB (2D, or with Z/M which are ignored) without GEOS.
geography::Box point_of(const std::string& wkb, std::size_t index) {
    if (wkb.size() < 21) throw GeometryError("point " + std::to_string(index + 1) + ": WKB is truncated; expected a point");
    const bool little = wkb[0] == 1;
    auto word = [&](std::size_t at) {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i)
            v |= static_cast<std::uint32_t>(static_cast<unsigned char>(wkb[at + (little ? i : 3 - i)])) << (8 * i);
        return v;
    };
    auto real = [&](std::size_t at) {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(wkb[at + (little ? i : 7 - i)])) << (8 * i);
        return std::bit_cast<double>(v);
    };
    const std::uint32_t type = word(1);
    if ((type & 0x0fffffffu) % 1000 != 1 || (type & 0x20000000u))
        throw GeometryError("point " + std::to_string(index + 1) + ": expected a Point, got WKB type " + std::to_string(type));
    const double x = real(5), y = real(13);
    return {x, y, x, y};
}

enum class Side { Inside, Outside, Unsure };

// Crossing number with a filtered orientation test: decided in double precision whenever the
// determinant is clear of its rounding bound (Shewchuk's ccwerrboundA), else Unsure, and the
// caller asks GEOS's robust predicate. Points on an edge or vertex always come out Unsure.
Side side_of(const geography::PolygonRings& rings, double px, double py) {
    constexpr double kBound = 3.3306690738754716e-16;  // (3 + 16 eps) eps
    bool inside = false;
    for (std::size_t r = 0; r < rings.ring_count(); ++r) {
        for (std::size_t i = rings.offsets[r]; i + 1 < rings.offsets[r + 1]; ++i) {
            const double x0 = rings.xy[2 * i], y0 = rings.xy[2 * i + 1];
            const double x1 = rings.xy[2 * i + 2], y1 = rings.xy[2 * i + 3];
            if ((y0 > py) == (y1 > py)) {
                // Not crossing the horizontal through p; p on this edge only if it is horizontal at py.
                if (y0 == py && y1 == py && std::min(x0, x1) <= px && px <= std::max(x0, x1)) return Side::Unsure;
                if ((x0 == px && y0 == py) || (x1 == px && y1 == py)) return Side::Unsure;
                continue;
            }
            const double left = (x1 - x0) * (py - y0), right = (px - x0) * (y1 - y0);
            const double det = left - right;
            if (std::abs(det) <= kBound * (std::abs(left) + std::abs(right))) return Side::Unsure;
            // The edge crosses the horizontal through p to the right of p: toggle.
            if ((det > 0) == (y1 > y0)) inside = !inside;
        }
    }
    return inside ? Side::Inside : Side::Outside;
}

}  // namespace

std::vector<Eigen::Index> locate_points(std::span<const double> x, std::span<const double> y,
                                        std::span<const std::string> polygon_wkb, int threads, const Control& control) {
    if (x.size() != y.size())
        throw InputError("points: " + std::to_string(x.size()) + " x values but " + std::to_string(y.size()) + " y values");
    std::vector<geography::PolygonRings> polygons(polygon_wkb.size());
    std::vector<geography::Box> boxes(polygon_wkb.size());
    core::parallel_chunks(
        polygon_wkb.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            for (std::size_t t = begin; t < end; ++t) {
                polygons[t] = geography::read_polygon_rings(polygon_wkb[t]);
                geography::Box box{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
                                   -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
                for (std::size_t i = 0; i < polygons[t].point_count(); ++i) {
                    box.xmin = std::min(box.xmin, polygons[t].xy[2 * i]);
                    box.xmax = std::max(box.xmax, polygons[t].xy[2 * i]);
                    box.ymin = std::min(box.ymin, polygons[t].xy[2 * i + 1]);
                    box.ymax = std::max(box.ymax, polygons[t].xy[2 * i + 1]);
                }
                boxes[t] = box;
            }
        },
        Control{control.stop, {}}, "preparing polygons for points");
    const geography::BoxGrid grid(boxes);
    std::vector<Eigen::Index> owner(x.size(), -1);
    core::parallel_chunks(
        x.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            std::unique_ptr<GeosContext> ctx;  // only for points too close to a boundary to call in double precision
            std::vector<std::size_t> candidates;
            for (std::size_t p = begin; p < end; ++p) {
                if (!std::isfinite(x[p]) || !std::isfinite(y[p])) continue;  // an empty point lies nowhere
                grid.query({x[p], y[p], x[p], y[p]}, candidates);
                for (std::size_t t : candidates) {
                    Side side = side_of(polygons[t], x[p], y[p]);
                    if (side == Side::Unsure) {
                        if (!ctx) ctx = std::make_unique<GeosContext>();
                        auto polygon = ctx->from_wkb(polygon_wkb[t]);
                        auto point = ctx->own(GEOSGeom_createPointFromXY_r(ctx->handle(), x[p], y[p]), "point");
                        side = GEOSCovers_r(ctx->handle(), polygon.get(), point.get()) == 1 ? Side::Inside : Side::Outside;
                    }
                // covers (not contains): a point on a boundary belongs to the lowest-index polygon.
                    if (side == Side::Inside) {
                        owner[p] = static_cast<Eigen::Index>(t);
                        break;
                    }
                }
            }
        },
        control, "locating points in polygons");
    return owner;
}

std::vector<Eigen::Index> locate_points(std::span<const std::string> point_wkb, std::span<const std::string> polygon_wkb,
                                        int threads, const Control& control) {
    std::vector<double> x(point_wkb.size()), y(point_wkb.size());
    for (std::size_t p = 0; p < point_wkb.size(); ++p) {
        const geography::Box at = point_of(point_wkb[p], p);
        x[p] = at.xmin;
        y[p] = at.ymin;
    }
    return locate_points(x, y, polygon_wkb, threads, control);
}

}  // namespace furthest
