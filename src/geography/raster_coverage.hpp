// Private to geography/: the coverage walk with reusable buffers, and the polygon scheduler that
// raster_crosswalk and zonal_statistics share.
#pragma once

#include "furthest/zonal.hpp"
#include "geography/polygon_rings.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace furthest::geography {

/// One thread's scratch space: computing coverage for polygon after polygon reuses its buffers.
class CoverageWorkspace {
public:
    /// Coverage of `wkb` on `grid`; the reference stays valid until the next call.
    const CellCoverage& cover(const std::string& wkb, const Grid& grid);
    /// The same for rings already parsed.
    const CellCoverage& cover(const PolygonRings& rings, const Grid& grid);

private:
    void walk_edge(double u0, double v0, double u1, double v1, double sign);
    void add_piece(double* row, double ua, double va, double ub, double vb, double sign) const;

    CellCoverage coverage_;
    std::vector<double> uv_;  // one ring in window cell units
};

/// Run `work(polygon, workspace)` for every polygon in [0, n) on `threads` workers (0 = all
/// cores), handing polygons out in small chunks so large and small ones balance. `work` writes
/// only to the polygon's own slot, so results never depend on scheduling. When polygons fail, the
/// error of the lowest-numbered one is rethrown, prefixed with "polygon N (1-based)". Polls
/// `control` and reports `step` as core::parallel_chunks does.
void for_each_polygon(std::size_t n, int threads, const std::function<void(std::size_t, CoverageWorkspace&)>& work,
                      const Control& control, const std::string& step);

}  // namespace furthest::geography
