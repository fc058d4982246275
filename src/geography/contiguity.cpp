// Queen and rook contiguity from polygons (the spatial weights' geometry step; GEOS lives in
// geography). Candidate pairs come from a grid over the envelopes;
// each pair is decided by GEOS (DE-9IM), so vertices of one polygon lying on another's edge count
// as shared points, as the polygons' geometry says, not only coordinates that match exactly.
#include "core/parallel.hpp"
#include "furthest/errors.hpp"
#include "furthest/spatial_stats.hpp"
#include "geography/edge_table.hpp"
#include "geography/geos_context.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace furthest {
namespace {

using geography::Box;
using geography::GeosContext;

GeosContext::Geometry read_zone(const GeosContext& geos, const std::string& wkb, std::size_t i) {
    if (wkb.empty()) throw GeometryError("zone " + std::to_string(i + 1) + ": geometry is missing");
    try {
        return geos.from_wkb(wkb);
    } catch (const GeometryError& e) {
        throw GeometryError("zone " + std::to_string(i + 1) + ": " + e.what());
    }
}

/// Rook: the boundaries share a line (DE-9IM boundary/boundary dimension 1) or the interiors overlap.
bool shares_edge(const GeosContext& geos, const GEOSGeometry* a, const GEOSGeometry* b, std::size_t i) {
    char* matrix = GEOSRelate_r(geos.handle(), a, b);
    if (matrix == nullptr) throw GeometryError("zone " + std::to_string(i + 1) + ": GEOS relate failed: " + geos.last_error());
    const bool edge = matrix[4] == '1' || matrix[0] == '2';
    GEOSFree_r(geos.handle(), matrix);
    return edge;
}

}  // namespace

SpatialWeights contiguity_weights(const std::vector<std::string>& polygon_wkb, Contiguity rule, int threads,
                                  const Control& control) {
    const std::size_t n = polygon_wkb.size();
    std::vector<Box> boxes(n);
    core::parallel_chunks(
        n, threads,
        [&](std::size_t begin, std::size_t end) {
            GeosContext geos;
            for (std::size_t i = begin; i < end; ++i) {
                const auto g = read_zone(geos, polygon_wkb[i], i);
                Box& b = boxes[i];
                if (GEOSisEmpty_r(geos.handle(), g.get()) == 1) {
                    b = Box{1.0, 1.0, 0.0, 0.0};  // empty: meets nothing
                    continue;
                }
                GEOSGeom_getXMin_r(geos.handle(), g.get(), &b.xmin);
                GEOSGeom_getYMin_r(geos.handle(), g.get(), &b.ymin);
                GEOSGeom_getXMax_r(geos.handle(), g.get(), &b.xmax);
                GEOSGeom_getYMax_r(geos.handle(), g.get(), &b.ymax);
            }
        },
        control, "contiguity envelopes");

    std::vector<Box> grid_boxes = boxes;
    for (auto& b : grid_boxes)
        if (b.xmin > b.xmax) b = Box{0.0, 0.0, 0.0, 0.0};
    const geography::BoxGrid grid(grid_boxes);
    std::vector<std::vector<std::size_t>> later(n);  // neighbours j > i
    core::parallel_chunks(
        n, threads,
        [&](std::size_t begin, std::size_t end) {
            GeosContext geos;
            std::unordered_map<std::size_t, GeosContext::Geometry> parsed;
            auto geometry = [&](std::size_t j) -> const GEOSGeometry* {
                auto it = parsed.find(j);
                if (it == parsed.end()) it = parsed.emplace(j, read_zone(geos, polygon_wkb[j], j)).first;
                return it->second.get();
            };
            std::vector<std::size_t> candidates;
            for (std::size_t i = begin; i < end; ++i) {
                if (boxes[i].xmin > boxes[i].xmax) continue;
                candidates.clear();
                grid.query(boxes[i], candidates);
                const GEOSGeometry* gi = nullptr;
                GeosContext::Prepared prepared;
                for (const std::size_t j : candidates) {
                    if (j <= i || boxes[j].xmin > boxes[j].xmax) continue;
                    if (!gi) {
                        gi = geometry(i);
                        prepared = geos.prepare(gi);
                    }
                    const GEOSGeometry* gj = geometry(j);
                    const char hit = GEOSPreparedIntersects_r(geos.handle(), prepared.get(), gj);
                    if (hit == 2)
                        throw GeometryError("zone " + std::to_string(i + 1) + ": GEOS intersects failed: " + geos.last_error());
                    if (hit == 0) continue;
                    if (rule == Contiguity::Rook && !shares_edge(geos, gi, gj, i)) continue;
                    later[i].push_back(j);
                }
            }
        },
        control, rule == Contiguity::Queen ? "queen contiguity" : "rook contiguity");

    std::vector<std::vector<std::size_t>> rows(n);
    for (std::size_t i = 0; i < n; ++i)
        for (const std::size_t j : later[i]) {
            rows[i].push_back(j);
            rows[j].push_back(i);
        }
    SpatialWeights w;
    w.offsets.assign(1, 0);
    for (auto& row : rows) {
        std::sort(row.begin(), row.end());
        for (const std::size_t j : row) {
            w.neighbours.push_back(j);
            w.weights.push_back(1.0);
        }
        w.offsets.push_back(w.neighbours.size());
    }
    return w;
}

}  // namespace furthest
