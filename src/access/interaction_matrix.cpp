// The zones x sites interaction matrix: straight-line pairs within a cutoff (uniform grid over
// the sites) or a user's travel-cost table. Both build the CSR arrays directly, so every pair
// within reach is a stored entry whatever its cost, zero included.
#include "core/parallel.hpp"
#include "furthest/access.hpp"
#include "furthest/errors.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <string>
#include <vector>

namespace furthest {
namespace {

using Sparse = InteractionMatrix::Sparse;
using StorageIndex = Sparse::StorageIndex;

struct Pair {
    StorageIndex site;
    double cost;
};

void check_coordinates(std::span<const double> x, std::span<const double> y, const char* what) {
    if (x.size() != y.size()) {
        throw InputError(std::string(what) + ": " + std::to_string(x.size()) + " x but " + std::to_string(y.size()) +
                         " y coordinates; expected one of each per point");
    }
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
            throw InputError(std::string(what) + ": point " + std::to_string(i) +
                             " has a non-finite coordinate; expected finite x and y in a projected CRS");
        }
    }
}

void check_size(std::size_t n, const char* what) {
    if (n > static_cast<std::size_t>(std::numeric_limits<StorageIndex>::max())) {
        throw InputError(std::string(what) + ": too many for one interaction matrix");
    }
}

// Rows of pairs (each sorted by site) into a CSR matrix, keeping zero costs as entries.
Sparse assemble(Eigen::Index zones, Eigen::Index sites, const std::vector<std::vector<Pair>>& rows) {
    std::size_t total = 0;
    for (const auto& row : rows) total += row.size();
    check_size(total, "pairs within reach");
    Sparse m(zones, sites);
    m.resizeNonZeros(static_cast<Eigen::Index>(total));
    StorageIndex* outer = m.outerIndexPtr();
    StorageIndex* inner = m.innerIndexPtr();
    double* value = m.valuePtr();
    std::size_t k = 0;
    outer[0] = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (const Pair& p : rows[i]) {
            inner[k] = p.site;
            value[k] = p.cost;
            ++k;
        }
        outer[i + 1] = static_cast<StorageIndex>(k);
    }
    return m;
}

// Sites bucketed by cell (counting sort, so each cell lists its sites in ascending order).
struct SiteGrid {
    double x0 = 0.0, y0 = 0.0, cell = 1.0;
    Eigen::Index nx = 0, ny = 0;
    std::vector<std::size_t> start;  // per cell, into `order`; size nx * ny + 1
    std::vector<StorageIndex> order;

    Eigen::Index clamp_x(double x) const {
        return std::clamp<Eigen::Index>(static_cast<Eigen::Index>(std::floor((x - x0) / cell)), 0, nx - 1);
    }
    Eigen::Index clamp_y(double y) const {
        return std::clamp<Eigen::Index>(static_cast<Eigen::Index>(std::floor((y - y0) / cell)), 0, ny - 1);
    }
};

SiteGrid make_grid(std::span<const double> sx, std::span<const double> sy, double max_distance) {
    SiteGrid g;
    const auto [xmin, xmax] = std::minmax_element(sx.begin(), sx.end());
    const auto [ymin, ymax] = std::minmax_element(sy.begin(), sy.end());
    g.x0 = *xmin;
    g.y0 = *ymin;
    const double extent = std::max(*xmax - *xmin, *ymax - *ymin);
    // Cells of half the cutoff: a search scans about 5 x 5 cells, 1.6 times the circle's area
    // (3 x 3 cells of the cutoff would scan 2.9 times); at most ~1024 cells a side.
    g.cell = std::max({max_distance / 2.0, extent / 1024.0, 1e-9});
    g.nx = static_cast<Eigen::Index>(std::floor((*xmax - g.x0) / g.cell)) + 1;
    g.ny = static_cast<Eigen::Index>(std::floor((*ymax - g.y0) / g.cell)) + 1;
    const auto cells = static_cast<std::size_t>(g.nx * g.ny);
    std::vector<std::size_t> cell_of(sx.size());
    g.start.assign(cells + 1, 0);
    for (std::size_t j = 0; j < sx.size(); ++j) {
        cell_of[j] = static_cast<std::size_t>(g.clamp_y(sy[j]) * g.nx + g.clamp_x(sx[j]));
        ++g.start[cell_of[j] + 1];
    }
    std::partial_sum(g.start.begin(), g.start.end(), g.start.begin());
    g.order.resize(sx.size());
    std::vector<std::size_t> next(g.start.begin(), g.start.end() - 1);
    for (std::size_t j = 0; j < sx.size(); ++j) g.order[next[cell_of[j]]++] = static_cast<StorageIndex>(j);
    return g;
}

}  // namespace

InteractionMatrix InteractionMatrix::from_points(std::span<const double> origin_x, std::span<const double> origin_y,
                                                 std::span<const double> site_x, std::span<const double> site_y,
                                                 double max_distance, int threads, const Control& control) {
    check_coordinates(origin_x, origin_y, "origins");
    check_coordinates(site_x, site_y, "sites");
    check_size(origin_x.size(), "origins");
    check_size(site_x.size(), "sites");
    if (!(max_distance >= 0.0) || !std::isfinite(max_distance)) {
        throw InputError("max_distance: " + std::to_string(max_distance) + " is not a distance; expected a finite number >= 0");
    }
    const auto zones = static_cast<Eigen::Index>(origin_x.size());
    const auto sites = static_cast<Eigen::Index>(site_x.size());
    std::vector<std::vector<Pair>> rows(origin_x.size());
    if (sites > 0 && zones > 0) {
        const SiteGrid g = make_grid(site_x, site_y, max_distance);
        core::parallel_chunks(
            origin_x.size(), threads,
            [&](std::size_t begin, std::size_t end) {
                std::vector<Pair> row;  // reused across the chunk: one exact allocation per origin
                for (std::size_t i = begin; i < end; ++i) {
                    const double x = origin_x[i], y = origin_y[i];
                    // The search box is padded by far more than rounding can move a coordinate, so a
                    // site exactly at the cutoff on a cell edge is still a candidate; `d` decides.
                    const double r = max_distance + 1e-9 * (max_distance + std::abs(x) + std::abs(y) + 1.0);
                    if (x + r < g.x0 || y + r < g.y0 || x - r > g.x0 + static_cast<double>(g.nx) * g.cell ||
                        y - r > g.y0 + static_cast<double>(g.ny) * g.cell) {
                        continue;  // far off the grid: no site within reach
                    }
                    const Eigen::Index cx0 = g.clamp_x(x - r), cx1 = g.clamp_x(x + r);
                    const Eigen::Index cy0 = g.clamp_y(y - r), cy1 = g.clamp_y(y + r);
                    row.clear();
                    for (Eigen::Index cy = cy0; cy <= cy1; ++cy) {
                        for (Eigen::Index cx = cx0; cx <= cx1; ++cx) {
                            const auto c = static_cast<std::size_t>(cy * g.nx + cx);
                            for (std::size_t k = g.start[c]; k < g.start[c + 1]; ++k) {
                                const StorageIndex j = g.order[k];
                                const double dx = site_x[j] - x, dy = site_y[j] - y;
                                // The stored value is the very number compared with the cutoff.
                                const double d = std::sqrt(dx * dx + dy * dy);
                                if (d <= max_distance) row.push_back({j, d});
                            }
                        }
                    }
                    std::sort(row.begin(), row.end(), [](const Pair& a, const Pair& b) { return a.site < b.site; });
                    rows[i].assign(row.begin(), row.end());
                }
            },
            control, "access: sites within reach");
    }
    control.check("access: sites within reach");
    return InteractionMatrix(assemble(zones, sites, rows), max_distance);
}

InteractionMatrix InteractionMatrix::from_costs(Eigen::Index zones, Eigen::Index sites, std::span<const std::int64_t> origin,
                                                std::span<const std::int64_t> site, std::span<const double> cost, double max_cost,
                                                const Control& control) {
    if (origin.size() != site.size() || origin.size() != cost.size()) {
        throw InputError("cost table: " + std::to_string(origin.size()) + " origins, " + std::to_string(site.size()) +
                         " sites and " + std::to_string(cost.size()) + " costs; expected one of each per row");
    }
    if (zones < 0 || sites < 0) throw InputError("cost table: negative number of zones or sites");
    check_size(static_cast<std::size_t>(zones), "zones");
    check_size(static_cast<std::size_t>(sites), "sites");
    if (std::isnan(max_cost) || max_cost < 0.0) {
        throw InputError("max_cost: " + std::to_string(max_cost) + " is not a cost; expected a number >= 0");
    }
    control.report("access: cost table", 0.0);
    for (std::size_t r = 0; r < origin.size(); ++r) {
        const std::string row = "cost table row " + std::to_string(r);
        if (origin[r] < 0 || origin[r] >= zones) {
            throw InputError(row + ": origin " + std::to_string(origin[r]) + " is out of range; expected 0.." +
                             std::to_string(zones - 1));
        }
        if (site[r] < 0 || site[r] >= sites) {
            throw InputError(row + ": site " + std::to_string(site[r]) + " is out of range; expected 0.." +
                             std::to_string(sites - 1));
        }
        if (!std::isfinite(cost[r]) || cost[r] < 0.0) {
            throw InputError(row + ": cost " + std::to_string(cost[r]) + " is not a cost; expected a finite number >= 0");
        }
    }
    std::vector<std::size_t> order(origin.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Stable, so a duplicate is reported by its first two rows in table order.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return origin[a] != origin[b] ? origin[a] < origin[b] : site[a] < site[b];
    });
    control.check("access: cost table");
    std::vector<std::vector<Pair>> rows(static_cast<std::size_t>(zones));
    for (std::size_t k = 0; k < order.size(); ++k) {
        const std::size_t r = order[k];
        if (k > 0) {
            const std::size_t p = order[k - 1];
            if (origin[p] == origin[r] && site[p] == site[r]) {
                throw InputError("cost table: the pair (origin " + std::to_string(origin[r]) + ", site " +
                                 std::to_string(site[r]) + ") appears more than once (rows " + std::to_string(p) + " and " +
                                 std::to_string(r) + "); expected one cost per pair");
            }
        }
        if (cost[r] <= max_cost) {
            rows[static_cast<std::size_t>(origin[r])].push_back({static_cast<StorageIndex>(site[r]), cost[r]});
        }
    }
    control.report("access: cost table", 1.0);
    return InteractionMatrix(assemble(zones, sites, rows), max_cost);
}

}  // namespace furthest
