// The zones x sites interaction matrix: straight-line pairs within a cutoff (uniform grid over
// the sites) or a user's travel-cost table. Both write the CSR arrays in place (row counts first,
// then each row's entries), so every pair within reach is a stored entry whatever its cost, zero
// included, and nothing is built only to be converted.
#include "core/parallel.hpp"
#include "furthest/access.hpp"
#include "furthest/errors.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace furthest {
namespace {

using Sparse = InteractionMatrix::Sparse;
using StorageIndex = Sparse::StorageIndex;

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

// A zones x sites matrix whose outer index holds each row's entry count (outer[i + 1]), turned
// into offsets here; the caller then fills inner and value row by row.
Sparse with_row_counts(Eigen::Index zones, Eigen::Index sites, const std::vector<std::size_t>& counts) {
    const std::size_t total = std::accumulate(counts.begin(), counts.end(), std::size_t{0});
    check_size(total, "pairs within reach");
    Sparse m(zones, sites);
    m.resizeNonZeros(static_cast<Eigen::Index>(total));
    StorageIndex* outer = m.outerIndexPtr();
    outer[0] = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) outer[i + 1] = outer[i] + static_cast<StorageIndex>(counts[i]);
    return m;
}

// The largest squared distance whose rounded square root is <= max_distance. A correctly rounded
// sqrt is monotone, so `d2 <= cutoff` keeps exactly the pairs `sqrt(d2) <= max_distance` keeps,
// and the root is taken only for the pairs stored.
double squared_cutoff(double max_distance) {
    double t = max_distance * max_distance;
    while (std::sqrt(t) > max_distance) t = std::nextafter(t, 0.0);
    for (double up = std::nextafter(t, HUGE_VAL); std::sqrt(up) <= max_distance; up = std::nextafter(t, HUGE_VAL)) t = up;
    return t;
}

// Sites bucketed by cell, cells in row-major order and each cell's sites ascending (counting
// sort). Coordinates are copied into that order, so the cells of one grid row that a search
// meets are one run of memory, read front to back.
struct SiteGrid {
    double x0 = 0.0, y0 = 0.0, cell = 1.0, per_cell = 1.0;
    Eigen::Index nx = 0, ny = 0;
    std::vector<StorageIndex> start;  // per cell, into the arrays below; size nx * ny + 1
    std::vector<double> x, y;
    std::vector<StorageIndex> site;

    // The same monotone map places sites and search bounds, so a site inside a bound is never
    // in a cell outside it, whatever the rounding.
    Eigen::Index clamp_x(double v) const { return clamp((v - x0) * per_cell, nx); }
    Eigen::Index clamp_y(double v) const { return clamp((v - y0) * per_cell, ny); }
    // floor(t) clamped to [0, cells - 1]. Below 0 both truncation and floor clamp to 0, so a
    // cast does it (std::floor is a libm call without SSE4.1, on every row of every search).
    static Eigen::Index clamp(double t, Eigen::Index cells) {
        if (!(t > 0.0)) return 0;
        if (t >= static_cast<double>(cells - 1)) return cells - 1;
        return static_cast<Eigen::Index>(t);
    }
};

SiteGrid make_grid(std::span<const double> sx, std::span<const double> sy, double max_distance) {
    SiteGrid g;
    const auto [xmin, xmax] = std::minmax_element(sx.begin(), sx.end());
    const auto [ymin, ymax] = std::minmax_element(sy.begin(), sy.end());
    g.x0 = *xmin;
    g.y0 = *ymin;
    const double w = *xmax - *xmin, h = *ymax - *ymin;
    // Cells as wide as the cutoff: a search reads 3 or 4 grid rows, each only over the chord of
    // its circle. Finer cells meet fewer sites that are out of reach but cost more rows, each a
    // hard-to-predict loop exit; on national data (33,755 origins, 10,000 sites, 5 km) cells of
    // the cutoff were the fastest of 1/4 to 5/3 of it. At most ~32 cells a site, so a tiny
    // cutoff on a wide extent cannot allocate without bound.
    g.cell = std::max(max_distance, 1e-9 * std::max({w, h, 1.0}));
    const double max_cells = 32.0 * static_cast<double>(sx.size()) + 4096.0;
    while ((std::floor(w / g.cell) + 1.0) * (std::floor(h / g.cell) + 1.0) > max_cells) g.cell *= 2.0;
    g.per_cell = 1.0 / g.cell;
    g.nx = static_cast<Eigen::Index>(w * g.per_cell) + 1;
    g.ny = static_cast<Eigen::Index>(h * g.per_cell) + 1;
    const auto cells = static_cast<std::size_t>(g.nx * g.ny);
    std::vector<std::size_t> cell_of(sx.size());
    g.start.assign(cells + 1, 0);
    for (std::size_t j = 0; j < sx.size(); ++j) {
        cell_of[j] = static_cast<std::size_t>(g.clamp_y(sy[j]) * g.nx + g.clamp_x(sx[j]));
        ++g.start[cell_of[j] + 1];
    }
    std::partial_sum(g.start.begin(), g.start.end(), g.start.begin());
    g.x.resize(sx.size());
    g.y.resize(sx.size());
    g.site.resize(sx.size());
    std::vector<StorageIndex> next(g.start.begin(), g.start.end() - 1);
    for (std::size_t j = 0; j < sx.size(); ++j) {
        const auto k = static_cast<std::size_t>(next[cell_of[j]]++);
        g.x[k] = sx[j];
        g.y[k] = sy[j];
        g.site[k] = static_cast<StorageIndex>(j);
    }
    return g;
}

// The runs of grid memory holding every site within reach of one origin: per grid row, the
// cells over the chord of the (slightly padded) circle.
class Search {
public:
    Search(const SiteGrid& g, double max_distance)
        : g_(g),
          max_distance_(max_distance),
          span_(std::abs(g.x0) + std::abs(g.y0) + static_cast<double>(g.nx + g.ny) * g.cell) {}

    /// Calls scan(begin, end) for each run; false (no call) when the origin is far off the grid.
    template <class Scan>
    bool runs(double x, double y, Scan&& scan) const {
        // The pad is far more than rounding can move a coordinate, a cell edge (anywhere on the
        // grid) or a chord, so a site exactly at the cutoff is still a candidate; the squared
        // cutoff decides.
        const double pad = 1e-9 * (max_distance_ + std::abs(x) + std::abs(y) + span_ + 1.0);
        const double r = max_distance_ + pad;
        if (x + r < g_.x0 || y + r < g_.y0 || x - r > g_.x0 + static_cast<double>(g_.nx) * g_.cell ||
            y - r > g_.y0 + static_cast<double>(g_.ny) * g_.cell) {
            return false;
        }
        const Eigen::Index cy0 = g_.clamp_y(y - r), cy1 = g_.clamp_y(y + r);
        for (Eigen::Index cy = cy0; cy <= cy1; ++cy) {
            // The nearest the row's band comes to y (the outer rows also hold any clamped site).
            const double low = cy == 0 ? -HUGE_VAL : g_.y0 + static_cast<double>(cy) * g_.cell;
            const double high = cy == g_.ny - 1 ? HUGE_VAL : g_.y0 + static_cast<double>(cy + 1) * g_.cell;
            const double gap = std::max(0.0, std::max(low - y, y - high) - pad);
            if (gap > r) continue;
            const double half = std::sqrt(r * r - gap * gap) + pad;
            const auto row = cy * g_.nx;
            const auto begin = static_cast<std::size_t>(g_.start[static_cast<std::size_t>(row + g_.clamp_x(x - half))]);
            const auto end = static_cast<std::size_t>(g_.start[static_cast<std::size_t>(row + g_.clamp_x(x + half)) + 1]);
            scan(begin, end);
        }
        return true;
    }

private:
    const SiteGrid& g_;
    double max_distance_;
    double span_;  // the size of the grid's coordinates
};

// The sites within reach of one origin, marked in a two-level bitmap and read back in ascending
// order: O(sites in reach) a row where a sort would be O(k log k), and no per-row buffer.
class SiteMarks {
public:
    explicit SiteMarks(std::size_t sites) : words_((sites + 63) / 64, 0), summary_((words_.size() + 63) / 64, 0) {}
    void mark(std::size_t j, bool in_reach) {
        const std::size_t w = j >> 6;
        words_[w] |= std::uint64_t{in_reach} << (j & 63);
        summary_[w >> 6] |= std::uint64_t{in_reach} << (w & 63);
    }
    /// Calls visit(site) for every marked site, ascending, and clears the marks.
    template <class Visit>
    void drain(Visit&& visit) {
        for (std::size_t s = 0; s < summary_.size(); ++s) {
            for (std::uint64_t live = summary_[s]; live != 0; live &= live - 1) {
                const std::size_t w = (s << 6) + static_cast<std::size_t>(std::countr_zero(live));
                for (std::uint64_t bits = words_[w]; bits != 0; bits &= bits - 1)
                    visit((w << 6) + static_cast<std::size_t>(std::countr_zero(bits)));
                words_[w] = 0;
            }
            summary_[s] = 0;
        }
    }

private:
    std::vector<std::uint64_t> words_, summary_;
};

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
    const std::string step = "access: sites within reach";
    std::vector<std::size_t> counts(origin_x.size(), 0);
    if (sites == 0 || zones == 0) {
        control.check(step);
        return InteractionMatrix(with_row_counts(zones, sites, counts), max_distance);
    }
    const SiteGrid g = make_grid(site_x, site_y, max_distance);
    const Search search(g, max_distance);
    const double cutoff = squared_cutoff(max_distance);
    // Two passes over the same candidates: count each row, then write it in place. The count is
    // cheap (no root, no store) and spares a copy of every pair from per-row buffers.
    core::parallel_chunks(
        origin_x.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                const double x = origin_x[i], y = origin_y[i];
                // Counted in a double (exact far beyond any row) so the loop runs two candidates at a time.
                double n = 0.0;
                search.runs(x, y, [&](std::size_t b, std::size_t e) {
                    const double* gx = g.x.data();
                    const double* gy = g.y.data();
                    for (std::size_t k = b; k < e; ++k) {
                        const double dx = gx[k] - x, dy = gy[k] - y;
                        n += dx * dx + dy * dy <= cutoff ? 1.0 : 0.0;
                    }
                });
                counts[i] = static_cast<std::size_t>(n);
            }
        },
        control, step + " (counting)");
    Sparse m = with_row_counts(zones, sites, counts);
    const StorageIndex* outer = m.outerIndexPtr();
    StorageIndex* inner = m.innerIndexPtr();
    double* value = m.valuePtr();
    core::parallel_chunks(
        origin_x.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            SiteMarks marks(site_x.size());
            for (std::size_t i = begin; i < end; ++i) {
                const double x = origin_x[i], y = origin_y[i];
                search.runs(x, y, [&](std::size_t b, std::size_t e) {
                    for (std::size_t k = b; k < e; ++k) {
                        const double dx = g.x[k] - x, dy = g.y[k] - y;
                        marks.mark(static_cast<std::size_t>(g.site[k]), dx * dx + dy * dy <= cutoff);
                    }
                });
                const auto first = static_cast<std::size_t>(outer[i]), count = static_cast<std::size_t>(outer[i + 1]) - first;
                StorageIndex* row_sites = inner + first;
                double* row_costs = value + first;
                std::size_t n = 0;
                marks.drain([&](std::size_t j) {
                    if (n < count) row_sites[n] = static_cast<StorageIndex>(j);  // never past the row
                    ++n;
                });
                if (n != count) throw std::logic_error("access: the two passes over the sites disagree");
                // The very expression the cutoff stands for: sqrt(dx^2 + dy^2).
                for (std::size_t e = 0; e < count; ++e) {
                    const double dx = site_x[row_sites[e]] - x, dy = site_y[row_sites[e]] - y;
                    row_costs[e] = std::sqrt(dx * dx + dy * dy);
                }
            }
        },
        control, step);
    return InteractionMatrix(std::move(m), max_distance);
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
        if (origin[r] >= 0 && origin[r] < zones && site[r] >= 0 && site[r] < sites && std::isfinite(cost[r]) && cost[r] >= 0.0) {
            continue;
        }
        const std::string row = "cost table row " + std::to_string(r);
        if (origin[r] < 0 || origin[r] >= zones) {
            throw InputError(row + ": origin " + std::to_string(origin[r]) + " is out of range; expected 0.." +
                             std::to_string(zones - 1));
        }
        if (site[r] < 0 || site[r] >= sites) {
            throw InputError(row + ": site " + std::to_string(site[r]) + " is out of range; expected 0.." +
                             std::to_string(sites - 1));
        }
        throw InputError(row + ": cost " + std::to_string(cost[r]) + " is not a cost; expected a finite number >= 0");
    }
    std::vector<std::size_t> order(origin.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Stable, so a duplicate is reported by its first two rows in table order.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return origin[a] != origin[b] ? origin[a] < origin[b] : site[a] < site[b];
    });
    control.check("access: cost table");
    // In (origin, site) order the kept rows are the CSR entries in storage order: count, then copy.
    std::vector<std::size_t> counts(static_cast<std::size_t>(zones), 0);
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
        if (cost[r] <= max_cost) ++counts[static_cast<std::size_t>(origin[r])];
    }
    Sparse m = with_row_counts(zones, sites, counts);
    std::size_t e = 0;
    for (const std::size_t r : order) {
        if (!(cost[r] <= max_cost)) continue;
        m.innerIndexPtr()[e] = static_cast<StorageIndex>(site[r]);
        m.valuePtr()[e] = cost[r];
        ++e;
    }
    control.report("access: cost table", 1.0);
    return InteractionMatrix(std::move(m), max_cost);
}

}  // namespace furthest
