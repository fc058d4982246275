// Exact intersection areas without building intersection geometry.
//
// A polygon's indicator function is a signed sum of the trapezoids between each edge and a
// horizontal baseline below it: 1_A = sum_e s_e 1_T(e), with s_e = +1 for edges running right
// to left on a counter-clockwise shell (the top of the polygon) and -1 for the others (Green's
// theorem, the "trapezoid" form of the shoelace formula). Multiplying two such sums gives
//     area(A ∩ B) = sum_e sum_f s_e s_f area(T(e) ∩ T(f)),
// and two trapezoids over a common baseline intersect in the region under the lower of two
// lines: a closed-form integral. Only edge pairs whose x-ranges overlap contribute, and a sweep
// over edges sorted by x finds them in linear time. Shared and collinear boundaries need no
// special case (they have no area), which is what makes this robust on tessellations whose
// boundaries coincide, such as LSOAs and wards. Holes are rings with the opposite sign.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace furthest::geography {

/// A non-vertical edge stored left to right, with its sign in the trapezoid sum.
struct Edge {
    double xl, yl;  ///< left end
    double xr, yr;  ///< right end
    double sign;    ///< +1 or -1
};

struct Box {
    double xmin, ymin, xmax, ymax;
};

/// A polygon's edges sorted by left x, its bounding box and its area.
struct EdgeTable {
    std::vector<Edge> edges;
    Box box{};
    double area = 0.0;
};

/// From Polygon/MultiPolygon WKB. Shells count positive and holes negative whatever the
/// rings' stored orientation.
EdgeTable edge_table(const std::string& wkb);

/// Exact area of the intersection of two polygons (up to floating-point rounding).
double intersection_area(const EdgeTable& a, const EdgeTable& b);

/// A uniform grid over boxes, for finding the boxes that meet a query box. Deterministic:
/// results come back sorted.
class BoxGrid {
public:
    explicit BoxGrid(const std::vector<Box>& boxes);
    /// Indices of the boxes meeting `query` (closed boxes), ascending.
    void query(const Box& query, std::vector<std::size_t>& out) const;

private:
    std::vector<Box> boxes_;
    double x0_ = 0, y0_ = 0, cell_ = 1;
    std::size_t nx_ = 1, ny_ = 1;
    std::vector<std::size_t> start_;  // CSR: cell c holds ids_[start_[c] .. start_[c + 1])
    std::vector<std::size_t> ids_;
};

}  // namespace furthest::geography
