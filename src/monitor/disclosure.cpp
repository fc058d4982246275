// Disclosure control of a two-way table of counts with its margins (Hundepool et al. 2012,
// Statistical Disclosure Control, sec. 5.3 and 6.2; ONS SDC guidance for tables).
//
// The published relations are: each row of cells sums to its row total, each column to its
// column total, the row totals and the column totals each to the grand total. Put the margins in
// the table as one more row and column: then every cell, margins included, lies in exactly one
// row relation and one column relation, and (negating the margin row and column relations, and
// the margin cells) the system is the incidence matrix of a bipartite graph whose vertices are
// the rows and columns and whose edges are the suppressed cells. The free directions of that
// system are its cycles, so a suppressed cell is determined by the published relations exactly
// when its edge is a bridge. A relation with one suppressed cell is the simplest bridge.
//
// Secondary suppression therefore closes every bridge into a cycle along the cheapest path
// between its row and its column that avoids it (Dijkstra over the complete bipartite graph: an
// already suppressed cell costs 0, a published count its value, a published zero far more,
// because zeros are often known to a reader). Adding cells never pins a cell that could move, and
// every cell of a new cycle can move along it, so one pass over the bridges of the primary pattern
// is enough. Counts are >= 0, too: moving a cell along a cycle moves every other cell of the cycle
// up or down in turn, and a suppressed zero cannot go down, so a cycle through zeros can be
// pinned. The cycles are therefore built so the cell can move (every cell that goes down holds a
// positive count), and in each connected part of the pattern that holds a suppressed zero, every
// cell is checked that way again. By conformal decomposition of the relations' null space, a cell
// has a feasible range of positive width exactly when such a cycle exists. This is the
// shortest-path heuristic of the network-flow family (Castro 2006), not an optimal pattern.
#include "furthest/errors.hpp"
#include "furthest/monitoring.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <string>
#include <utility>
#include <vector>

namespace furthest {
namespace {

using Status = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic>;

constexpr auto kPublished = static_cast<std::int8_t>(CellStatus::Published);
constexpr auto kPrimary = static_cast<std::int8_t>(CellStatus::Primary);
constexpr auto kSecondary = static_cast<std::int8_t>(CellStatus::Secondary);

std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

struct Cell {
    Eigen::Index row;
    Eigen::Index column;
};

/// Suppressed cells that lie on no cycle of the bipartite graph (rows 0..R-1, columns R..R+C-1),
/// in row-major order. Tarjan's bridge finding, iterative (a table can have 33,755 rows).
std::vector<Cell> bridges(const Status& status) {
    const Eigen::Index rows = status.rows(), columns = status.cols();
    const auto vertices = static_cast<std::size_t>(rows + columns);
    // Adjacency in CSR form; each edge carries its cell's row-major number.
    std::vector<std::size_t> degree(vertices + 1, 0);
    for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index j = 0; j < columns; ++j)
            if (status(i, j) != kPublished) {
                ++degree[static_cast<std::size_t>(i) + 1];
                ++degree[static_cast<std::size_t>(rows + j) + 1];
            }
    std::vector<std::size_t> offset(degree);
    for (std::size_t v = 1; v <= vertices; ++v) offset[v] += offset[v - 1];
    std::vector<std::size_t> to(offset[vertices]), edge(offset[vertices]);
    std::vector<std::size_t> fill(offset.begin(), offset.end() - 1);
    for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index j = 0; j < columns; ++j)
            if (status(i, j) != kPublished) {
                const auto r = static_cast<std::size_t>(i), c = static_cast<std::size_t>(rows + j);
                const auto e = static_cast<std::size_t>(i * columns + j);
                to[fill[r]] = c;
                edge[fill[r]++] = e;
                to[fill[c]] = r;
                edge[fill[c]++] = e;
            }

    constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> entered(vertices, kNone), low(vertices, 0);
    std::vector<std::size_t> found;
    struct Frame {
        std::size_t vertex, parent_edge, next;
    };
    std::vector<Frame> stack;
    std::size_t clock = 0;
    for (std::size_t root = 0; root < vertices; ++root) {
        if (entered[root] != kNone) continue;
        entered[root] = low[root] = clock++;
        stack.push_back({root, kNone, offset[root]});
        while (!stack.empty()) {
            Frame& f = stack.back();
            if (f.next < offset[f.vertex + 1]) {
                const std::size_t k = f.next++;
                if (edge[k] == f.parent_edge) continue;
                const std::size_t w = to[k];
                if (entered[w] == kNone) {
                    entered[w] = low[w] = clock++;
                    stack.push_back({w, edge[k], offset[w]});
                } else {
                    low[f.vertex] = std::min(low[f.vertex], entered[w]);
                }
            } else {
                const Frame done = f;
                stack.pop_back();
                if (!stack.empty()) {
                    const std::size_t parent = stack.back().vertex;
                    low[parent] = std::min(low[parent], low[done.vertex]);
                    if (low[done.vertex] > entered[parent]) found.push_back(done.parent_edge);
                }
            }
        }
    }
    std::sort(found.begin(), found.end());
    std::vector<Cell> out;
    out.reserve(found.size());
    for (const std::size_t e : found)
        out.push_back({static_cast<Eigen::Index>(e) / columns, static_cast<Eigen::Index>(e) % columns});
    return out;
}

/// The table with its margins and the pattern being built.
struct Pattern {
    const Eigen::MatrixXd& values;
    Status& status;
    Eigen::Index inner_rows;     ///< rows before the margin row
    Eigen::Index inner_columns;  ///< columns before the margin column
    double zero_cost;            ///< what suppressing a published zero costs

    bool suppressed(Eigen::Index i, Eigen::Index j) const { return status(i, j) != kPublished; }
    /// -1 for a row or column total: with the relations written as cells minus total = 0 and the
    /// margin relations negated, a total enters its relations with the opposite sign.
    double flip(Eigen::Index i, Eigen::Index j) const {
        const bool margin_row = i >= inner_rows, margin_column = j >= inner_columns;
        return margin_row != margin_column ? -1.0 : 1.0;
    }
};

/// The cheapest cycle through cell e = (i, j) along which e can move in `direction` (+1 up, -1
/// down) while every cell stays >= 0: a path from e's column to e's row avoiding e, whose
/// cells alternate in the cycle's sign; a cell that would go down must hold a positive count. A
/// suppressed cell costs 0, a published count its value, a published zero `zero_cost` (and only
/// where it would go up). With `signs` false any path will do (the bridge rule alone). Returns
/// the path's published cells and its cost (infinity when there is none).
std::pair<std::vector<Cell>, double> cheapest_cycle(const Pattern& t, Cell e, double direction, bool signs) {
    const Eigen::Index rows = t.values.rows(), columns = t.values.cols();
    const auto vertices = static_cast<std::size_t>(rows + columns);
    const auto source = static_cast<std::size_t>(rows + e.column), target = static_cast<std::size_t>(e.row);
    constexpr double kInf = std::numeric_limits<double>::infinity();
    // The cycle's sign on e; leaving a column the next cell takes the opposite sign, leaving a row
    // the same (the cycle alternates, and it leaves e's column first).
    const double sign_e = direction * t.flip(e.row, e.column);
    std::vector<double> distance(vertices, kInf);
    std::vector<std::size_t> previous(vertices, vertices);
    std::vector<bool> settled(vertices, false);
    using Entry = std::pair<double, std::size_t>;  // (distance, vertex): ties go to the lower vertex
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
    distance[source] = 0.0;
    queue.push({0.0, source});
    while (!queue.empty()) {
        const auto [d, v] = queue.top();
        queue.pop();
        if (settled[v]) continue;
        settled[v] = true;
        if (v == target) break;
        const bool is_row = v < static_cast<std::size_t>(rows);
        const double cycle_sign = is_row ? sign_e : -sign_e;
        const Eigen::Index others = is_row ? columns : rows;
        for (Eigen::Index k = 0; k < others; ++k) {
            const Eigen::Index i = is_row ? static_cast<Eigen::Index>(v) : k;
            const Eigen::Index j = is_row ? k : static_cast<Eigen::Index>(v) - rows;
            if (i == e.row && j == e.column) continue;
            const std::size_t w = is_row ? static_cast<std::size_t>(rows + j) : static_cast<std::size_t>(i);
            if (settled[w]) continue;
            const double value = t.values(i, j);
            const bool goes_down = signs && cycle_sign * t.flip(i, j) < 0.0;
            if (goes_down && value <= 0.0) continue;
            const double step = t.suppressed(i, j) ? 0.0 : value > 0.0 ? value : t.zero_cost;
            if (d + step < distance[w]) {
                distance[w] = d + step;
                previous[w] = v;
                queue.push({distance[w], w});
            }
        }
    }
    std::pair<std::vector<Cell>, double> out{{}, distance[target]};
    if (!std::isfinite(out.second)) return out;
    for (std::size_t v = target; v != source; v = previous[v]) {
        const std::size_t u = previous[v];
        const bool v_is_row = v < static_cast<std::size_t>(rows);
        const auto i = static_cast<Eigen::Index>(v_is_row ? v : u);
        const auto j = static_cast<Eigen::Index>(v_is_row ? u : v) - rows;
        if (!t.suppressed(i, j)) out.first.push_back({i, j});
    }
    return out;
}

/// Makes sure cell e can move in some direction: the cheaper of the cycles that move it up and
/// (for a positive count) down; when neither exists (a table of zeros), any cycle through it.
void protect(Pattern& t, Cell e) {
    auto best = cheapest_cycle(t, e, 1.0, true);
    if (best.second > 0.0 && t.values(e.row, e.column) > 0.0) {
        auto down = cheapest_cycle(t, e, -1.0, true);
        if (down.second < best.second) best = std::move(down);
    }
    if (!std::isfinite(best.second)) best = cheapest_cycle(t, e, 1.0, false);
    for (const Cell& c : best.first) t.status(c.row, c.column) = kSecondary;
}

/// Suppressed cells in a connected part of the pattern that holds a suppressed zero, row-major:
/// only there can a cycle be pinned by the cells' >= 0 (a cycle of positive counts moves freely).
std::vector<Cell> near_suppressed_zeros(const Pattern& t) {
    const Eigen::Index rows = t.values.rows(), columns = t.values.cols();
    std::vector<std::size_t> part(static_cast<std::size_t>(rows + columns));
    std::iota(part.begin(), part.end(), std::size_t{0});
    const std::function<std::size_t(std::size_t)> find = [&](std::size_t v) {
        while (part[v] != v) v = part[v] = part[part[v]];
        return v;
    };
    for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index j = 0; j < columns; ++j)
            if (t.suppressed(i, j)) part[find(static_cast<std::size_t>(i))] = find(static_cast<std::size_t>(rows + j));
    std::vector<bool> has_zero(part.size(), false);
    for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index j = 0; j < columns; ++j)
            if (t.suppressed(i, j) && t.values(i, j) == 0.0) has_zero[find(static_cast<std::size_t>(i))] = true;
    std::vector<Cell> out;
    for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index j = 0; j < columns; ++j)
            if (t.suppressed(i, j) && has_zero[find(static_cast<std::size_t>(i))]) out.push_back({i, j});
    return out;
}

}  // namespace

SuppressedTable suppress_counts(const Eigen::MatrixXd& counts, const DisclosureOptions& options) {
    if (!(options.threshold > 0.0) || !std::isfinite(options.threshold))
        throw InputError("suppress counts: threshold is " + number(options.threshold) + "; expected a positive number");
    const Eigen::Index rows = counts.rows(), columns = counts.cols();
    for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index j = 0; j < columns; ++j)
            if (!std::isfinite(counts(i, j)) || counts(i, j) < 0.0)
                throw InputError("suppress counts: the count in row " + std::to_string(i) + ", column " + std::to_string(j) +
                                 " is " + number(counts(i, j)) + "; expected a number >= 0");

    SuppressedTable out;
    out.margins = options.margins;
    const Eigen::Index extra = options.margins ? 1 : 0;
    Eigen::MatrixXd values(rows + extra, columns + extra);
    values.topLeftCorner(rows, columns) = counts;
    if (options.margins) {
        values.col(columns).head(rows) = counts.rowwise().sum();
        values.row(rows).head(columns) = counts.colwise().sum();
        values(rows, columns) = counts.sum();
    }
    Status status = Status::Constant(values.rows(), values.cols(), kPublished);
    const bool suppress_zeros = options.zeros == ZeroCells::Suppress;
    for (Eigen::Index i = 0; i < values.rows(); ++i)
        for (Eigen::Index j = 0; j < values.cols(); ++j) {
            const double v = values(i, j);
            if ((v > 0.0 && v < options.threshold) || (v == 0.0 && suppress_zeros)) status(i, j) = kPrimary;
        }

    if (options.margins && rows > 0 && columns > 0) {
        // A published zero costs more than every published count together: used only when no
        // cycle of counts exists.
        Pattern pattern{values, status, rows, columns, 2.0 * values.sum() + 1.0};
        for (const Cell& b : bridges(status)) protect(pattern, b);
        for (const Cell& c : near_suppressed_zeros(pattern)) protect(pattern, c);
    }

    for (Eigen::Index i = 0; i < values.rows(); ++i)
        for (Eigen::Index j = 0; j < values.cols(); ++j) {
            const bool margin = i >= rows || j >= columns;
            if (status(i, j) == kPrimary) ++(margin ? out.primary_margins : out.primary_cells);
            if (status(i, j) == kSecondary) ++(margin ? out.secondary_margins : out.secondary_cells);
            if (status(i, j) != kPublished) values(i, j) = std::numeric_limits<double>::quiet_NaN();
        }
    out.values = std::move(values);
    out.status = std::move(status);
    return out;
}

}  // namespace furthest
