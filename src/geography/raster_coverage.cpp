// Exact cell coverage of polygons on a raster grid, and the cells x polygons crosswalk built on it.
//
// The method is the one exactextract uses (Baston, "exactextract", ISciences 2018-): the share of
// a cell inside a polygon is found from the polygon's edges alone, then cells no edge crosses are
// filled in. We get there by Green's theorem rather than by exactextract's per-cell traversals:
// each ring edge is split at every row and column line it crosses; a piece inside cell (r, c)
// adds the signed area between itself and the cell's east side, and passes its full height on
// to every cell further east in the row. A prefix sum along each row then gives, per cell, the
// winding-weighted area of the polygon inside it: exact, with holes and multipolygons handled by
// the sign of each ring (the accumulation scheme of scanline anti-aliasing rasterisers, in
// double precision).
#include "geography/raster_coverage.hpp"

#include "core/parallel.hpp"
#include "furthest/errors.hpp"
#include "geography/geos_context.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace furthest {

bool Grid::same_cells(const Grid& other) const {
    const double tolerance = 1e-9 * std::min(cell_width, cell_height);
    return rows == other.rows && cols == other.cols && row0 == other.row0 && col0 == other.col0 &&
           std::abs(x_min - other.x_min) <= tolerance && std::abs(y_max - other.y_max) <= tolerance &&
           std::abs(cell_width - other.cell_width) <= tolerance && std::abs(cell_height - other.cell_height) <= tolerance;
}

bool RasterBand::is_valid(Eigen::Index cell) const {
    const double v = value(cell);
    return !std::isnan(v) && !(nodata && v == *nodata);
}

Bounds polygon_bounds(std::span<const std::string> polygon_wkb) {
    Bounds b{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
             -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
    for (const auto& wkb : polygon_wkb) {
        const auto rings = geography::read_polygon_rings(wkb);
        for (std::size_t p = 0; p < rings.point_count(); ++p) {
            b.x_min = std::min(b.x_min, rings.xy[2 * p]);
            b.x_max = std::max(b.x_max, rings.xy[2 * p]);
            b.y_min = std::min(b.y_min, rings.xy[2 * p + 1]);
            b.y_max = std::max(b.y_max, rings.xy[2 * p + 1]);
        }
    }
    return b;
}

namespace geography {
namespace {

// Accumulated rounding in a row's prefix sum is ~1e-16 per edge piece; anything this close to 0
// or 1 is a cell no edge really enters, so it is made exact (keeps min/max from seeing ghosts).
constexpr double kSnap = 1e-12;

void check_grid(const Grid& grid) {
    if (!(grid.cell_width > 0.0) || !(grid.cell_height > 0.0) || !std::isfinite(grid.cell_width) ||
        !std::isfinite(grid.cell_height) || grid.rows < 0 || grid.cols < 0 || grid.row0 < 0 || grid.col0 < 0) {
        throw InputError("raster grid has cell size " + std::to_string(grid.cell_width) + " x " +
                         std::to_string(grid.cell_height) + " and " + std::to_string(grid.rows) + " x " +
                         std::to_string(grid.cols) + " cells; expected positive, finite cell sizes");
    }
}

// floor/ceil of a cell coordinate, clamped to [0, limit] before converting (no overflow).
Eigen::Index clamped_floor(double v, Eigen::Index limit) {
    return static_cast<Eigen::Index>(std::clamp(std::floor(v), 0.0, static_cast<double>(limit)));
}
Eigen::Index clamped_ceil(double v, Eigen::Index limit) {
    return static_cast<Eigen::Index>(std::clamp(std::ceil(v), 0.0, static_cast<double>(limit)));
}

}  // namespace

const CellCoverage& CoverageWorkspace::cover(const std::string& wkb, const Grid& grid) {
    return cover(read_polygon_rings(wkb), grid);
}

const CellCoverage& CoverageWorkspace::cover(const PolygonRings& rings, const Grid& grid) {
    check_grid(grid);
    CellCoverage& out = coverage_;
    out.rows = out.cols = 0;
    out.fraction.clear();
    if (rings.point_count() == 0) return out;

    double x_lo = rings.xy[0], x_hi = rings.xy[0], y_lo = rings.xy[1], y_hi = rings.xy[1];
    for (std::size_t p = 1; p < rings.point_count(); ++p) {
        x_lo = std::min(x_lo, rings.xy[2 * p]);
        x_hi = std::max(x_hi, rings.xy[2 * p]);
        y_lo = std::min(y_lo, rings.xy[2 * p + 1]);
        y_hi = std::max(y_hi, rings.xy[2 * p + 1]);
    }
    if (!std::isfinite(x_lo) || !std::isfinite(x_hi) || !std::isfinite(y_lo) || !std::isfinite(y_hi))
        throw GeometryError("polygon has non-finite coordinates");

    // Cell units of the whole raster, so that a window of it gives the same bits as the whole.
    const double col_base = static_cast<double>(grid.col0), row_base = static_cast<double>(grid.row0);
    auto u_of = [&](double x) { return (x - grid.x_min) / grid.cell_width; };
    auto v_of = [&](double y) { return (grid.y_max - y) / grid.cell_height; };
    // The window: cells of this grid under the polygon's envelope.
    out.col0 = clamped_floor(u_of(x_lo) - col_base, grid.cols);
    out.row0 = clamped_floor(v_of(y_hi) - row_base, grid.rows);
    const Eigen::Index col1 = clamped_ceil(u_of(x_hi) - col_base, grid.cols);
    const Eigen::Index row1 = clamped_ceil(v_of(y_lo) - row_base, grid.rows);
    if (col1 <= out.col0 || row1 <= out.row0) return out;
    out.rows = row1 - out.row0;
    out.cols = col1 - out.col0;
    out.fraction.assign(static_cast<std::size_t>(out.rows * out.cols), 0.0);

    for (std::size_t k = 0; k < rings.ring_count(); ++k) {
        const std::size_t first = rings.offsets[k], last = rings.offsets[k + 1];
        if (last - first < 4) continue;  // fewer than three distinct corners: no area
        // Window cell units: u grows east, v grows south, one unit per cell.
        uv_.resize(2 * (last - first));
        const double u_shift = static_cast<double>(grid.col0 + out.col0);
        const double v_shift = static_cast<double>(grid.row0 + out.row0);
        for (std::size_t p = first; p < last; ++p) {
            uv_[2 * (p - first)] = u_of(rings.xy[2 * p]) - u_shift;
            uv_[2 * (p - first) + 1] = v_of(rings.xy[2 * p + 1]) - v_shift;
        }
        // The ring's own total under the same accumulation tells its orientation; shells add,
        // holes subtract, whichever way the WKB happens to wind them.
        const std::size_t n = last - first;
        double total = 0.0;
        for (std::size_t p = 0; p + 1 < n; ++p)
            total -= (uv_[2 * p + 3] - uv_[2 * p + 1]) * (uv_[2 * p] + uv_[2 * p + 2] - 2.0 * uv_[0]);
        if (total == 0.0) continue;
        const double sign = (rings.is_hole[k] ? -1.0 : 1.0) * (total > 0.0 ? 1.0 : -1.0);
        for (std::size_t p = 0; p + 1 < n; ++p) walk_edge(uv_[2 * p], uv_[2 * p + 1], uv_[2 * p + 2], uv_[2 * p + 3], sign);
    }

    // Prefix sums along rows turn the per-cell increments into covered shares.
    for (Eigen::Index i = 0; i < out.rows; ++i) {
        double* row = out.fraction.data() + i * out.cols;
        double running = 0.0;
        for (Eigen::Index j = 0; j < out.cols; ++j) {
            running += row[j];
            double share = running;
            if (share < kSnap) share = 0.0;
            else if (share > 1.0 - kSnap) share = 1.0;  // also clamps overlapping parts of invalid input
            row[j] = share;
        }
    }
    return out;
}

void CoverageWorkspace::walk_edge(double u0, double v0, double u1, double v1, double sign) {
    // A horizontal edge bounds no area between row lines: the cells it crosses get their share
    // from the sloped or vertical edges to their west.
    if (v0 == v1) return;
    const Eigen::Index rows = coverage_.rows;
    const double v_lo = std::min(v0, v1), v_hi = std::max(v0, v1);
    const Eigen::Index r_begin = clamped_floor(v_lo, rows), r_end = clamped_ceil(v_hi, rows);
    const double du_dv = (u1 - u0) / (v1 - v0);
    // The same v always maps to the same u, so pieces meet exactly at row lines.
    auto u_at = [&](double v) { return v == v0 ? u0 : v == v1 ? u1 : u0 + (v - v0) * du_dv; };
    for (Eigen::Index r = r_begin; r < r_end; ++r) {
        const double top = static_cast<double>(r), bottom = top + 1.0;
        const double va = std::clamp(v0, top, bottom), vb = std::clamp(v1, top, bottom);
        if (va == vb) continue;
        double* row = coverage_.fraction.data() + r * coverage_.cols;
        const double ua = u_at(va), ub = u_at(vb);
        if (ua == ub) {
            add_piece(row, ua, va, ub, vb, sign);
            continue;
        }
        // Split at every column line strictly between ua and ub that bounds a window column
        // (0 ..= cols): what lies west of the window still counts, in full, for every cell.
        const double cols = static_cast<double>(coverage_.cols);
        const double u_min = std::min(ua, ub), u_max = std::max(ua, ub);
        const double k_first = std::max(0.0, std::floor(u_min) + 1.0);
        const double k_last = std::min(cols, std::ceil(u_max) - 1.0);
        const double dv_du = (v1 - v0) / (u1 - u0);
        const double v_min = std::min(va, vb), v_max = std::max(va, vb);
        auto v_at = [&](double u) { return std::clamp(v0 + (u - u0) * dv_du, v_min, v_max); };
        double pu = ua, pv = va;
        if (k_first <= k_last) {
            if (ub > ua) {
                for (double k = k_first; k <= k_last; k += 1.0) {
                    const double kv = v_at(k);
                    add_piece(row, pu, pv, k, kv, sign);
                    pu = k;
                    pv = kv;
                }
            } else {
                for (double k = k_last; k >= k_first; k -= 1.0) {
                    const double kv = v_at(k);
                    add_piece(row, pu, pv, k, kv, sign);
                    pu = k;
                    pv = kv;
                }
            }
        }
        add_piece(row, pu, pv, ub, vb, sign);
    }
}

void CoverageWorkspace::add_piece(double* row, double ua, double va, double ub, double vb, double sign) const {
    const double dv = vb - va;
    if (dv == 0.0) return;
    const double cols = static_cast<double>(coverage_.cols);
    // West of the window a piece is a vertical one on its west edge: its whole height counts.
    const double mid = 0.5 * (std::clamp(ua, 0.0, cols) + std::clamp(ub, 0.0, cols));
    if (mid >= cols) return;  // east of the window: no cell of ours lies east of it
    const double c = std::floor(mid);
    const auto j = static_cast<Eigen::Index>(c);
    // Area between the piece and the cell's east side; the rest of its height goes to cell j + 1
    // so that the row's prefix sum passes the full height on to every cell further east.
    const double here = dv * (c + 1.0 - mid);
    row[j] += sign * here;
    if (j + 1 < coverage_.cols) row[j + 1] += sign * (dv - here);
}

void for_each_polygon(std::size_t n, int threads, const std::function<void(std::size_t, CoverageWorkspace&)>& work,
                      const Control& control, const std::string& step) {
    // Polygons go in small chunks, each with its workspace, so large and small ones balance and a
    // stop is seen within a chunk. A chunk ends at its first failure; the lowest failing chunk
    // (the one parallel_chunks reports) holds the lowest failing polygon.
    core::parallel_chunks(
        n, threads,
        [&](std::size_t begin, std::size_t end) {
            CoverageWorkspace workspace;
            for (std::size_t i = begin; i < end; ++i) {
                try {
                    work(i, workspace);
                } catch (const GeometryError& e) {
                    throw GeometryError("polygon " + std::to_string(i + 1) + ": " + e.what());
                } catch (const InputError& e) {
                    throw InputError("polygon " + std::to_string(i + 1) + ": " + e.what());
                }
            }
        },
        control, step);
}

}  // namespace geography

CellCoverage coverage_fractions(const std::string& polygon_wkb, const Grid& grid) {
    geography::CoverageWorkspace workspace;
    return workspace.cover(polygon_wkb, grid);
}

Crosswalk raster_crosswalk(std::span<const std::string> polygon_wkb, const Grid& grid, const RasterBand* weight, int threads,
                           const Control& control) {
    if (weight != nullptr) {
        if (!weight->grid.same_cells(grid))
            throw InputError(
                "the weight raster is not on the same cells as the grid (origin, cell size and size "
                "must match); resample it onto the value raster's grid first");
        if (static_cast<Eigen::Index>(weight->values.size()) != grid.cells())
            throw InputError("the weight raster holds " + std::to_string(weight->values.size()) + " values for " +
                             std::to_string(grid.cells()) + " cells");
    }
    using Entry = std::pair<Eigen::Index, double>;  // (cell, weight)
    std::vector<std::vector<Entry>> columns(polygon_wkb.size());
    geography::for_each_polygon(
        polygon_wkb.size(), threads,
        [&](std::size_t p, geography::CoverageWorkspace& ws) {
            const CellCoverage& cov = ws.cover(polygon_wkb[p], grid);
            auto& entries = columns[p];
            for (Eigen::Index i = 0; i < cov.rows; ++i) {
                for (Eigen::Index j = 0; j < cov.cols; ++j) {
                    double w = cov.at(i, j);
                    if (w <= 0.0) continue;
                    const Eigen::Index cell = grid.cell_index(cov.row0 + i, cov.col0 + j);
                    if (weight != nullptr) {
                        if (!weight->is_valid(cell)) continue;
                        w *= weight->value(cell);
                        if (w == 0.0) continue;
                    }
                    entries.emplace_back(cell, w);
                }
            }
        },
        control, "measuring cell coverage");
    std::size_t total = 0;
    for (const auto& c : columns) total += c.size();
    std::vector<Eigen::Triplet<double>> triplets;
    triplets.reserve(total);
    for (std::size_t p = 0; p < columns.size(); ++p)
        for (const auto& [cell, w] : columns[p]) triplets.emplace_back(cell, static_cast<Eigen::Index>(p), w);
    Crosswalk::Matrix weights(grid.cells(), static_cast<Eigen::Index>(polygon_wkb.size()));
    weights.setFromTriplets(triplets.begin(), triplets.end());
    return Crosswalk(std::move(weights), weight != nullptr ? "raster cell coverage x weight" : "raster cell coverage");
}

Crosswalk raster_weighted_overlay(std::span<const std::string> source_wkb, std::span<const std::string> target_wkb,
                                  const RasterBand& weight, const Crosswalk& area_shares,
                                  std::vector<Eigen::Index>* area_fallback, int threads, const Control& control) {
    const auto n_sources = static_cast<Eigen::Index>(source_wkb.size());
    const auto n_targets = static_cast<Eigen::Index>(target_wkb.size());
    if (area_shares.sources() != n_sources || area_shares.targets() != n_targets)
        throw InputError("raster-weighted overlay: the area crosswalk is " + std::to_string(area_shares.sources()) + " x " +
                         std::to_string(area_shares.targets()) + ", expected " + std::to_string(n_sources) + " x " +
                         std::to_string(n_targets));
    // The weight a polygon covers: sum over cells of weight x exact covered share.
    auto covered_weight = [&](const std::string& wkb) {
        const CellCoverage cov = coverage_fractions(wkb, weight.grid);
        double sum = 0.0;
        for (Eigen::Index i = 0; i < cov.rows; ++i)
            for (Eigen::Index j = 0; j < cov.cols; ++j) {
                const double f = cov.at(i, j);
                if (f <= 0.0) continue;
                const Eigen::Index cell = weight.grid.cell_index(cov.row0 + i, cov.col0 + j);
                if (weight.is_valid(cell)) sum += f * weight.value(cell);
            }
        return sum;
    };
    using Entry = std::pair<Eigen::Index, double>;
    std::vector<std::vector<Entry>> rows(source_wkb.size());
    std::vector<char> fell_back(source_wkb.size(), 0);
    const auto& shares = area_shares.weights();
    core::parallel_chunks(
        source_wkb.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            geography::GeosContext ctx;
            for (std::size_t s = begin; s < end; ++s) {
                const auto si = static_cast<Eigen::Index>(s);
                const double total = covered_weight(source_wkb[s]);
                if (!(total > 0.0)) {
                    fell_back[s] = 1;
                    for (Crosswalk::Matrix::InnerIterator it(shares, si); it; ++it) rows[s].emplace_back(it.col(), it.value());
                    continue;
                }
                auto source = ctx.from_wkb(source_wkb[s]);
                for (Crosswalk::Matrix::InnerIterator it(shares, si); it; ++it) {
                    if (it.value() >= 1.0) {  // wholly inside this target: all of its people are too
                        rows[s].emplace_back(it.col(), 1.0);
                        continue;
                    }
                    auto target = ctx.from_wkb(target_wkb[static_cast<std::size_t>(it.col())]);
                    auto piece = ctx.own(GEOSIntersection_r(ctx.handle(), source.get(), target.get()), "intersection");
                    const double people = covered_weight(ctx.to_wkb(piece.get()));
                    if (people > 0.0) rows[s].emplace_back(it.col(), std::min(1.0, people / total));
                }
            }
        },
        control, "weighting the overlay by the raster");
    std::vector<Eigen::Triplet<double>> triplets;
    std::vector<Eigen::Index> fallback;
    for (std::size_t s = 0; s < rows.size(); ++s) {
        if (fell_back[s]) fallback.push_back(static_cast<Eigen::Index>(s));
        for (const auto& [t, w] : rows[s]) triplets.emplace_back(static_cast<Eigen::Index>(s), t, w);
    }
    Crosswalk::Matrix weights(n_sources, n_targets);
    weights.setFromTriplets(triplets.begin(), triplets.end());
    if (area_fallback) *area_fallback = fallback;
    return Crosswalk(std::move(weights), "population-weighted overlay (weight raster; area weights where a source holds none)");
}

}  // namespace furthest
