#include "geography/edge_table.hpp"

#include "furthest/errors.hpp"
#include "geography/polygon_rings.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace furthest::geography {
namespace {

// A polygon without edges (empty, or only degenerate rings) keeps the inverted initial box.
bool is_empty(const Box& b) { return !(b.xmin <= b.xmax && b.ymin <= b.ymax); }

// Height of an edge's line above `base` at x, exact at the ends.
inline double height(const Edge& e, double x, double base) {
    if (x == e.xl) return e.yl - base;
    if (x == e.xr) return e.yr - base;
    return e.yl + (e.yr - e.yl) * ((x - e.xl) / (e.xr - e.xl)) - base;
}

// Area of T(e) ∩ T(f): the integral over the common x-range of the lower of the two lines.
inline double trapezoid_overlap(const Edge& e, const Edge& f, double base) {
    const double a = std::max(e.xl, f.xl);
    const double b = std::min(e.xr, f.xr);
    if (!(b > a)) return 0.0;
    const double ea = height(e, a, base), eb = height(e, b, base);
    const double fa = height(f, a, base), fb = height(f, b, base);
    const double da = ea - fa, db = eb - fb;
    const double width = b - a;
    if ((da <= 0.0 && db <= 0.0) || (da >= 0.0 && db >= 0.0)) {
        // One line stays below the other over the whole range.
        const bool e_lower = (da + db) <= 0.0;
        return e_lower ? 0.5 * width * (ea + eb) : 0.5 * width * (fa + fb);
    }
    // The lines cross at fraction t of the range.
    const double t = da / (da - db);
    const double yc = ea + t * (eb - ea);
    return 0.5 * width * (t * (std::min(ea, fa) + yc) + (1.0 - t) * (yc + std::min(eb, fb)));
}

}  // namespace

EdgeTable edge_table(const std::string& wkb) {
    const PolygonRings rings = read_polygon_rings(wkb);
    // NaN, infinite or astronomically large coordinates would make the area, the box and the
    // grid cells meaningless (and the float-to-index casts in BoxGrid undefined).
    for (double v : rings.xy)
        if (!(std::abs(v) <= kMaxCoordinate))
            throw GeometryError("polygon has a coordinate (" + std::to_string(v) +
                                ") that is not finite or beyond 1e15; "
                                "expected coordinates of a projected CRS");
    EdgeTable table;
    table.box = {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
                 -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
    for (std::size_t r = 0; r < rings.ring_count(); ++r) {
        const std::size_t first = rings.offsets[r], last = rings.offsets[r + 1];
        if (last - first < 4) continue;  // fewer than three distinct points: no area
        // Shoelace area of the ring as stored, about its first point for precision.
        const double ox = rings.xy[2 * first], oy = rings.xy[2 * first + 1];
        double twice_area = 0.0;
        for (std::size_t p = first; p + 1 < last; ++p)
            twice_area +=
                (rings.xy[2 * p] - ox) * (rings.xy[2 * p + 3] - oy) - (rings.xy[2 * p + 2] - ox) * (rings.xy[2 * p + 1] - oy);
        // Shells must count positive (counter-clockwise) and holes negative, as stored or not.
        const bool counter_clockwise = twice_area > 0.0;
        const double orientation = (counter_clockwise != rings.is_hole[r]) ? 1.0 : -1.0;
        table.area += orientation * 0.5 * twice_area;
        for (std::size_t p = first; p + 1 < last; ++p) {
            const double x0 = rings.xy[2 * p], y0 = rings.xy[2 * p + 1];
            const double x1 = rings.xy[2 * p + 2], y1 = rings.xy[2 * p + 3];
            table.box.xmin = std::min(table.box.xmin, x0);
            table.box.xmax = std::max(table.box.xmax, x0);
            table.box.ymin = std::min(table.box.ymin, y0);
            table.box.ymax = std::max(table.box.ymax, y0);
            if (x0 == x1) continue;  // vertical edges bound no trapezoid
            // Right-to-left edges on a counter-clockwise shell are its top: they add.
            if (x0 < x1) table.edges.push_back({x0, y0, x1, y1, -orientation});
            else table.edges.push_back({x1, y1, x0, y0, orientation});
        }
    }
    std::sort(table.edges.begin(), table.edges.end(),
              [](const Edge& a, const Edge& b) { return a.xl != b.xl ? a.xl < b.xl : a.xr < b.xr; });
    return table;
}

double intersection_area(const EdgeTable& a, const EdgeTable& b) {
    const double x0 = std::max(a.box.xmin, b.box.xmin), x1 = std::min(a.box.xmax, b.box.xmax);
    if (!(x1 > x0) || !(std::min(a.box.ymax, b.box.ymax) > std::max(a.box.ymin, b.box.ymin))) return 0.0;
    const double base = std::min(a.box.ymin, b.box.ymin);
    // Sweep both edge lists in order of left x; each list keeps the edges still open. An edge
    // meets every open edge of the other polygon when it starts.
    std::vector<const Edge*> open_a, open_b;
    std::size_t i = 0, j = 0;
    double sum = 0.0;
    auto expire = [](std::vector<const Edge*>& open, double x) {
        open.erase(std::remove_if(open.begin(), open.end(), [x](const Edge* e) { return e->xr <= x; }), open.end());
    };
    while (i < a.edges.size() || j < b.edges.size()) {
        const bool take_a = j == b.edges.size() || (i < a.edges.size() && a.edges[i].xl <= b.edges[j].xl);
        const Edge& e = take_a ? a.edges[i++] : b.edges[j++];
        if (e.xr <= x0) continue;  // wholly left of the other polygon: meets nothing of it
        if (e.xl >= x1) {
            if (take_a) i = a.edges.size();
            else j = b.edges.size();
            continue;
        }
        auto& others = take_a ? open_b : open_a;
        expire(others, e.xl);
        for (const Edge* f : others) sum += e.sign * f->sign * trapezoid_overlap(e, *f, base);
        (take_a ? open_a : open_b).push_back(&e);
    }
    return sum;
}

BoxGrid::BoxGrid(const std::vector<Box>& boxes) : boxes_(boxes) {
    if (boxes_.empty()) {
        start_.assign(2, 0);
        return;
    }
    // Empty boxes take no cell and are never found.
    const auto first = std::find_if(boxes_.begin(), boxes_.end(), [](const Box& b) { return !is_empty(b); });
    if (first == boxes_.end()) {
        start_.assign(2, 0);
        return;
    }
    Box all = *first;
    double mean_size = 0.0;
    std::size_t non_empty = 0;
    for (const Box& b : boxes_) {
        if (is_empty(b)) continue;
        all = {std::min(all.xmin, b.xmin), std::min(all.ymin, b.ymin), std::max(all.xmax, b.xmax), std::max(all.ymax, b.ymax)};
        mean_size += std::max(b.xmax - b.xmin, b.ymax - b.ymin);
        ++non_empty;
    }
    mean_size /= static_cast<double>(non_empty);
    // Cells about the size of an average box keep both lists and duplicates short.
    const double extent = std::max(all.xmax - all.xmin, all.ymax - all.ymin);
    cell_ = std::max({mean_size, extent / 2048.0, 1e-9});
    x0_ = all.xmin;
    y0_ = all.ymin;
    nx_ = static_cast<std::size_t>((all.xmax - all.xmin) / cell_) + 1;
    ny_ = static_cast<std::size_t>((all.ymax - all.ymin) / cell_) + 1;
    std::vector<std::size_t> count(nx_ * ny_ + 1, 0);
    auto span = [&](const Box& b, auto&& visit) {
        if (is_empty(b)) return;
        const auto cx0 = static_cast<std::size_t>((b.xmin - x0_) / cell_), cx1 = static_cast<std::size_t>((b.xmax - x0_) / cell_);
        const auto cy0 = static_cast<std::size_t>((b.ymin - y0_) / cell_), cy1 = static_cast<std::size_t>((b.ymax - y0_) / cell_);
        for (std::size_t cy = cy0; cy <= std::min(cy1, ny_ - 1); ++cy)
            for (std::size_t cx = cx0; cx <= std::min(cx1, nx_ - 1); ++cx) visit(cy * nx_ + cx);
    };
    for (const Box& b : boxes_) span(b, [&](std::size_t c) { ++count[c + 1]; });
    for (std::size_t c = 1; c < count.size(); ++c) count[c] += count[c - 1];
    start_ = count;
    ids_.resize(start_.back());
    std::vector<std::size_t> fill(start_.begin(), start_.end() - 1);
    for (std::size_t i = 0; i < boxes_.size(); ++i) span(boxes_[i], [&](std::size_t c) { ids_[fill[c]++] = i; });
}

void BoxGrid::query(const Box& q, std::vector<std::size_t>& out) const {
    out.clear();
    if (boxes_.empty() || is_empty(q) || ids_.empty()) return;
    const auto clamp_x = [&](double x) {
        return static_cast<std::size_t>(std::clamp((x - x0_) / cell_, 0.0, static_cast<double>(nx_ - 1)));
    };
    const auto clamp_y = [&](double y) {
        return static_cast<std::size_t>(std::clamp((y - y0_) / cell_, 0.0, static_cast<double>(ny_ - 1)));
    };
    for (std::size_t cy = clamp_y(q.ymin); cy <= clamp_y(q.ymax); ++cy)
        for (std::size_t cx = clamp_x(q.xmin); cx <= clamp_x(q.xmax); ++cx)
            for (std::size_t k = start_[cy * nx_ + cx]; k < start_[cy * nx_ + cx + 1]; ++k) {
                const Box& b = boxes_[ids_[k]];
                if (b.xmin <= q.xmax && b.xmax >= q.xmin && b.ymin <= q.ymax && b.ymax >= q.ymin) out.push_back(ids_[k]);
            }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace furthest::geography
