#include "spatial/point_grid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace furthest::spatial {

PointGrid::PointGrid(std::span<const double> x, std::span<const double> y, double cell, std::size_t per_cell) : x_(x), y_(y) {
    const std::size_t n = x.size();
    if (n == 0) {
        start_.assign(2, 0);
        return;
    }
    const auto [xmin, xmax] = std::minmax_element(x.begin(), x.end());
    const auto [ymin, ymax] = std::minmax_element(y.begin(), y.end());
    x0_ = *xmin;
    y0_ = *ymin;
    const double w = *xmax - *xmin, h = *ymax - *ymin;
    if (cell <= 0.0) cell = std::sqrt(std::max(w * h, 0.0) * static_cast<double>(per_cell) / static_cast<double>(n));
    if (!(cell > 0.0)) cell = std::max({w, h, 1.0});
    // At most ~4 cells a point, so a tiny band on a wide extent cannot allocate without bound.
    const double max_cells = 4.0 * static_cast<double>(n) + 16.0;
    while ((std::floor(w / cell) + 1.0) * (std::floor(h / cell) + 1.0) > max_cells) cell *= 2.0;
    cell_ = cell;
    nx_ = static_cast<std::size_t>(std::floor(w / cell)) + 1;
    ny_ = static_cast<std::size_t>(std::floor(h / cell)) + 1;
    std::vector<std::size_t> cell_index(n);
    start_.assign(nx_ * ny_ + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        cell_index[i] = cell_of(y[i], y0_, ny_) * nx_ + cell_of(x[i], x0_, nx_);
        ++start_[cell_index[i] + 1];
    }
    for (std::size_t c = 0; c < nx_ * ny_; ++c) start_[c + 1] += start_[c];
    ids_.resize(n);
    std::vector<std::size_t> fill(start_.begin(), start_.end() - 1);
    for (std::size_t i = 0; i < n; ++i) ids_[fill[cell_index[i]]++] = i;
}

std::size_t PointGrid::cell_of(double v, double origin, std::size_t cells) const {
    const double c = std::floor((v - origin) / cell_);
    if (!(c > 0.0)) return 0;
    return std::min(cells - 1, static_cast<std::size_t>(c));
}

void PointGrid::within(double px, double py, double r, std::vector<std::size_t>& out) const {
    if (ids_.empty()) return;
    const std::size_t cx0 = cell_of(px - r, x0_, nx_), cx1 = cell_of(px + r, x0_, nx_);
    const std::size_t cy0 = cell_of(py - r, y0_, ny_), cy1 = cell_of(py + r, y0_, ny_);
    for (std::size_t cy = cy0; cy <= cy1; ++cy)
        for (std::size_t cx = cx0; cx <= cx1; ++cx) {
            const std::size_t c = cy * nx_ + cx;
            out.insert(out.end(), ids_.begin() + static_cast<std::ptrdiff_t>(start_[c]),
                       ids_.begin() + static_cast<std::ptrdiff_t>(start_[c + 1]));
        }
}

void PointGrid::nearest(std::size_t i, std::size_t k, std::vector<std::pair<double, std::size_t>>& out) const {
    out.clear();
    const double px = x_[i], py = y_[i];
    const auto cx = static_cast<std::ptrdiff_t>(cell_of(px, x0_, nx_));
    const auto cy = static_cast<std::ptrdiff_t>(cell_of(py, y0_, ny_));
    const auto nx = static_cast<std::ptrdiff_t>(nx_), ny = static_cast<std::ptrdiff_t>(ny_);
    const std::ptrdiff_t max_ring = std::max(nx, ny);
    auto visit = [&](std::ptrdiff_t gx, std::ptrdiff_t gy) {
        if (gx < 0 || gy < 0 || gx >= nx || gy >= ny) return;
        const std::size_t c = static_cast<std::size_t>(gy * nx + gx);
        for (std::size_t e = start_[c]; e < start_[c + 1]; ++e) {
            const std::size_t j = ids_[e];
            if (j == i) continue;
            const double dx = x_[j] - px, dy = y_[j] - py;
            out.emplace_back(dx * dx + dy * dy, j);
        }
    };
    for (std::ptrdiff_t r = 0; r <= max_ring; ++r) {
        if (r == 0) {
            visit(cx, cy);
        } else {
            for (std::ptrdiff_t g = -r; g <= r; ++g) {
                visit(cx + g, cy - r);
                visit(cx + g, cy + r);
            }
            for (std::ptrdiff_t g = -r + 1; g <= r - 1; ++g) {
                visit(cx - r, cy + g);
                visit(cx + r, cy + g);
            }
        }
        if (out.size() >= k) {
            std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k), out.end());
            out.resize(k);
            // Any point beyond ring r is at least r cells away; strictly farther keeps index ties exact.
            const double reach = static_cast<double>(r) * cell_;
            if (out.back().first < reach * reach) return;
        }
    }
    std::sort(out.begin(), out.end());
    if (out.size() > k) out.resize(k);
}

}  // namespace furthest::spatial
