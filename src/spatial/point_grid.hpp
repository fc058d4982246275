// A uniform grid over points for distance-band and nearest-neighbour queries.
#pragma once

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace furthest::spatial {

class PointGrid {
public:
    /// Cells of side `cell`; when `cell` is 0, sized so a cell holds about `per_cell` points.
    PointGrid(std::span<const double> x, std::span<const double> y, double cell, std::size_t per_cell = 8);
    /// Indices of points in the cells meeting the square of half-side `r` around (px, py)
    /// (a superset of the points within r; unordered).
    void within(double px, double py, double r, std::vector<std::size_t>& out) const;
    /// The k points nearest point i (excluding i) as (squared distance, index), ordered by
    /// distance then index: ties go to the lower index.
    void nearest(std::size_t i, std::size_t k, std::vector<std::pair<double, std::size_t>>& out) const;

private:
    std::size_t cell_of(double v, double origin, std::size_t cells) const;
    std::span<const double> x_, y_;
    double x0_ = 0, y0_ = 0, cell_ = 1;
    std::size_t nx_ = 1, ny_ = 1;
    std::vector<std::size_t> start_;  // CSR: cell c holds ids_[start_[c] .. start_[c + 1])
    std::vector<std::size_t> ids_;
};

}  // namespace furthest::spatial
