// Area-weighted overlay: W(s, t) = area(s ∩ t) / area(s), the share of source s in target t,
// with exact intersection areas from edge trapezoids (geography/edge_table.hpp) instead of
// building each intersection polygon; and points in polygons with GEOS prepared geometries.
#include "furthest/crosswalk.hpp"
#include "furthest/errors.hpp"
#include "geography/edge_table.hpp"
#include "geography/geos_context.hpp"

#include <algorithm>

namespace furthest {
namespace {

using geography::GeosContext;

// Shares at or below this are rounding noise from polygons that only touch (the trapezoid sum
// of two disjoint polygons is zero up to ~1e-16 of their bounding areas).
constexpr double kNoiseShare = 1e-12;

// Per-thread view of the targets: geometries, prepared copies and an STR tree over them.
struct TargetIndex {
    std::vector<GeosContext::Geometry> geometries;
    std::vector<GeosContext::Prepared> prepared;
    std::vector<std::size_t> ids;
    GeosContext::Tree tree;

    TargetIndex(const GeosContext& ctx, std::span<const std::string> wkb) : tree(ctx.tree()) {
        geometries.reserve(wkb.size());
        ids.resize(wkb.size());
        for (std::size_t t = 0; t < wkb.size(); ++t) {
            geometries.push_back(ctx.from_wkb(wkb[t]));
            prepared.push_back(ctx.prepare(geometries.back().get()));
            ids[t] = t;
            GEOSSTRtree_insert_r(ctx.handle(), tree.get(), geometries.back().get(), &ids[t]);
        }
    }

    /// Candidate targets whose envelopes meet `geometry`, in ascending order.
    std::vector<std::size_t> candidates(const GeosContext& ctx, const GEOSGeometry* geometry) const {
        std::vector<std::size_t> found;
        GEOSSTRtree_query_r(
            ctx.handle(), tree.get(), geometry,
            [](void* item, void* user) { static_cast<std::vector<std::size_t>*>(user)->push_back(*static_cast<std::size_t*>(item)); },
            &found);
        std::sort(found.begin(), found.end());
        return found;
    }
};

}  // namespace

Crosswalk overlay_crosswalk(std::span<const std::string> source_wkb, std::span<const std::string> target_wkb,
                            int threads) {
    using geography::EdgeTable;
    // Target edge tables are built once and only read by the workers.
    std::vector<EdgeTable> targets(target_wkb.size());
    geography::parallel_blocks(target_wkb.size(), threads, [&](std::size_t begin, std::size_t end) {
        for (std::size_t t = begin; t < end; ++t) targets[t] = geography::edge_table(target_wkb[t]);
    });
    std::vector<geography::Box> boxes(targets.size());
    for (std::size_t t = 0; t < targets.size(); ++t) boxes[t] = targets[t].box;
    const geography::BoxGrid grid(boxes);

    using Entry = std::pair<Eigen::Index, double>;
    std::vector<std::vector<Entry>> rows(source_wkb.size());
    geography::parallel_blocks(source_wkb.size(), threads, [&](std::size_t begin, std::size_t end) {
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
    });
    std::vector<Eigen::Triplet<double>> triplets;
    for (std::size_t s = 0; s < rows.size(); ++s)
        for (const auto& [t, share] : rows[s]) triplets.emplace_back(static_cast<Eigen::Index>(s), t, share);
    Crosswalk::Matrix weights(static_cast<Eigen::Index>(source_wkb.size()), static_cast<Eigen::Index>(target_wkb.size()));
    weights.setFromTriplets(triplets.begin(), triplets.end());
    return Crosswalk(std::move(weights), "area-weighted polygon overlay");
}

std::vector<Eigen::Index> locate_points(std::span<const std::string> point_wkb, std::span<const std::string> polygon_wkb,
                                        int threads) {
    std::vector<Eigen::Index> owner(point_wkb.size(), -1);
    geography::parallel_blocks(point_wkb.size(), threads, [&](std::size_t begin, std::size_t end) {
        GeosContext ctx;
        TargetIndex polygons(ctx, polygon_wkb);
        for (std::size_t p = begin; p < end; ++p) {
            auto point = ctx.from_wkb(point_wkb[p]);
            for (std::size_t t : polygons.candidates(ctx, point.get())) {
                // covers (not contains): a point on a boundary belongs to the lowest-index polygon.
                if (GEOSPreparedCovers_r(ctx.handle(), polygons.prepared[t].get(), point.get()) == 1) {
                    owner[p] = static_cast<Eigen::Index>(t);
                    break;
                }
            }
        }
    });
    return owner;
}

}  // namespace furthest
