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
// Counts are >= 0, too, which a reader can use: moving a cell along a cycle moves the cycle's
// cells up and down in turn, and a suppressed zero cannot go down. By conformal decomposition of
// the relations' null space, a suppressed cell has a feasible range wider than zero exactly when
// some cycle through it can move it with every cell that goes down holding a positive count.
// `Pattern::pinned` finds the cells with no such cycle, exactly: (1) suppressed zeros that can never
// rise (their ends lie in different strongly connected components of the directed graph of allowed
// moves); they are 0 in every table that fits; (2) without those, every other zero can be lifted
// off 0 at once, all remaining counts are positive, and a cell is pinned exactly when it is a
// bridge. A relation with one suppressed cell is the simplest bridge.
//
// Secondary suppression protects each pinned cell along the cheapest cycle that can move it
// (Dijkstra over the complete bipartite graph: an already suppressed cell costs 0, a published
// count its value, a published zero far more, because zeros are often known to a reader; ties
// by position), and suppresses that cycle's published cells. Adding cells never pins a cell that
// could move (the feasible set only grows) and every cell of the new cycle can move along it, so
// the rounds (check, protect) end, usually after one. Bridges take a fast path (from the smaller
// side of the bridge), so a zone x month table of 33,755 rows takes a fraction of a second. This
// is the shortest-path heuristic of the network-flow family (Castro 2006), not an optimal pattern.
#include "furthest/errors.hpp"
#include "furthest/monitoring.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
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

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

// A step of the cheapest-path searches: reach vertex `to` from `from` at `distance`; `cursor` is
// the position in from's by_cost_ list to resume from (kNone for a start). Ties go to the lower
// vertex, so the cells chosen do not depend on the heap's order.
struct Entry {
    double distance;
    std::size_t to, from, cursor;
    bool operator>(const Entry& o) const {
        if (distance != o.distance) return distance > o.distance;
        if (to != o.to) return to > o.to;
        return from > o.from;
    }
};

/// The table with its margins as a bipartite graph (vertices: rows 0..R-1, then columns R..R+C-1;
/// edges: cells) and the suppression pattern being built on it.
class Pattern {
public:
    Pattern(const Eigen::MatrixXd& values, Status& status, Eigen::Index inner_rows, Eigen::Index inner_columns)
        : values_(values),
          status_(status),
          rows_(values.rows()),
          columns_(values.cols()),
          inner_rows_(inner_rows),
          inner_columns_(inner_columns),
          zero_cost_(2.0 * values.sum() + 1.0),
          vertices_(static_cast<std::size_t>(rows_ + columns_)),
          adjacent_(vertices_),
          part_(vertices_),
          by_cost_(vertices_) {
        std::iota(part_.begin(), part_.end(), std::size_t{0});
        for (Eigen::Index i = 0; i < rows_; ++i)
            for (Eigen::Index j = 0; j < columns_; ++j)
                if (suppressed(i, j)) link(i, j);
        // Each vertex's cells, cheapest first (ties by position): published cells are met in this
        // order by the search, so a column of 33,755 rows is not scanned whole at every step.
        for (std::size_t v = 0; v < vertices_; ++v) {
            auto& list = by_cost_[v];
            list.resize(static_cast<std::size_t>(is_row(v) ? columns_ : rows_));
            std::iota(list.begin(), list.end(), std::size_t{0});
            std::stable_sort(list.begin(), list.end(),
                             [&](std::size_t a, std::size_t b) { return cost(cell_of(v, a)) < cost(cell_of(v, b)); });
        }
    }

    /// Suppressed cells that the published relations pin (row-major): suppressed zeros that can
    /// never rise, then, without those, cells that lie on no cycle (bridges).
    std::vector<Cell> pinned();
    /// Makes cell e movable: the cheaper of the cycles that move it up and (for a positive count)
    /// down with every count staying >= 0; when neither exists (a table of zeros), any cycle.
    void protect(Cell e);

private:
    bool is_row(std::size_t v) const { return v < static_cast<std::size_t>(rows_); }
    std::size_t column_vertex(Eigen::Index j) const { return static_cast<std::size_t>(rows_ + j); }
    /// The cell joining vertex v to its k-th neighbour.
    Cell cell_of(std::size_t v, std::size_t k) const {
        return is_row(v) ? Cell{static_cast<Eigen::Index>(v), static_cast<Eigen::Index>(k)}
                         : Cell{static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(v) - rows_};
    }
    std::size_t other_end(std::size_t v, Cell c) const {
        return is_row(v) ? column_vertex(c.column) : static_cast<std::size_t>(c.row);
    }
    bool suppressed(Eigen::Index i, Eigen::Index j) const { return status_(i, j) != kPublished; }
    double cost(Cell c) const {
        const double v = values_(c.row, c.column);
        return v > 0.0 ? v : zero_cost_;  // a zero is often known to a reader: used last
    }
    /// -1 for a row or column total: with the relations written as cells minus total = 0 and the
    /// margin relations negated, a total enters both its relations with the opposite sign.
    double flip(Cell c) const { return (c.row >= inner_rows_) != (c.column >= inner_columns_) ? -1.0 : 1.0; }
    /// Whether a cycle may take cell c down when it leaves vertex v with the cycle's sign on rows
    /// `sign` (a cycle alternates: what leaves a row with sign s leaves a column with -s).
    bool may_use(Cell c, std::size_t v, double sign) const {
        const double moves = (is_row(v) ? sign : -sign) * flip(c);
        return moves > 0.0 || values_(c.row, c.column) > 0.0;
    }
    void link(Eigen::Index i, Eigen::Index j) {
        adjacent_[static_cast<std::size_t>(i)].push_back({i, j});
        adjacent_[column_vertex(j)].push_back({i, j});
        part_[part(static_cast<std::size_t>(i))] = part(column_vertex(j));
    }
    /// The connected part of the pattern (union-find; the pattern only grows).
    std::size_t part(std::size_t v) const {
        while (part_[v] != v) v = part_[v] = part_[part_[v]];
        return v;
    }
    bool close_bridge(Cell e);
    std::pair<std::vector<Cell>, double> cheapest_cycle(Cell e, double direction, bool signs) const;

    const Eigen::MatrixXd& values_;
    Status& status_;
    Eigen::Index rows_, columns_, inner_rows_, inner_columns_;
    double zero_cost_;
    std::size_t vertices_;
    std::vector<std::vector<Cell>> adjacent_;       ///< suppressed cells per vertex
    mutable std::vector<std::size_t> part_;         ///< union-find over the suppressed cells
    std::vector<bool> stuck_;  ///< row-major: suppressed zeros that cannot rise (as of the last check)
    bool is_stuck(Cell c) const { return !stuck_.empty() && stuck_[static_cast<std::size_t>(c.row * columns_ + c.column)]; }
    std::vector<std::vector<std::size_t>> by_cost_; ///< neighbours per vertex, cheapest cell first
};

std::vector<Cell> Pattern::pinned() {
    // 1. Suppressed zeros that can rise: a zero can move only up, so it can move at all exactly when
    //    its up-arc lies on a directed cycle (both ends in one strongly connected component) of the
    //    graph whose arcs are the moves cells may make (rows to columns with sign +1, columns to
    //    rows with -1; a zero may only rise). Tarjan's algorithm, iterative.
    std::vector<std::size_t> component(vertices_, kNone), entered(vertices_, kNone), low(vertices_, 0), stack;
    std::vector<bool> on_stack(vertices_, false);
    struct Frame {
        std::size_t vertex, next;
    };
    std::vector<Frame> calls;
    std::size_t clock = 0, components = 0;
    for (std::size_t root = 0; root < vertices_; ++root) {
        if (entered[root] != kNone) continue;
        calls.push_back({root, 0});
        entered[root] = low[root] = clock++;
        stack.push_back(root);
        on_stack[root] = true;
        while (!calls.empty()) {
            Frame& f = calls.back();
            const auto& cells = adjacent_[f.vertex];
            if (f.next < cells.size()) {
                const Cell c = cells[f.next++];
                if (!may_use(c, f.vertex, 1.0)) continue;
                const std::size_t w = other_end(f.vertex, c);
                if (entered[w] == kNone) {
                    entered[w] = low[w] = clock++;
                    stack.push_back(w);
                    on_stack[w] = true;
                    calls.push_back({w, 0});
                } else if (on_stack[w]) {
                    low[f.vertex] = std::min(low[f.vertex], entered[w]);
                }
                continue;
            }
            const std::size_t v = f.vertex;
            calls.pop_back();
            if (!calls.empty()) low[calls.back().vertex] = std::min(low[calls.back().vertex], low[v]);
            if (low[v] == entered[v]) {
                std::size_t w;
                do {
                    w = stack.back();
                    stack.pop_back();
                    on_stack[w] = false;
                    component[w] = components;
                } while (w != v);
                ++components;
            }
        }
    }
    auto stuck = [&](Eigen::Index i, Eigen::Index j) {
        return values_(i, j) == 0.0 && component[static_cast<std::size_t>(i)] != component[column_vertex(j)];
    };

    // 2. Without the stuck zeros (they are known to be 0), a cell is pinned exactly when it is a
    //    bridge: every other cell can then be lifted off 0 at once, and a cycle of positive
    //    counts moves freely. Tarjan's bridge finding, iterative.
    std::vector<std::size_t> order(vertices_, kNone);
    std::fill(low.begin(), low.end(), 0);
    std::vector<bool> bridge_row_major(static_cast<std::size_t>(rows_ * columns_), false);
    struct Walk {
        std::size_t vertex;
        Cell parent;
        std::size_t next;
    };
    std::vector<Walk> walk;
    clock = 0;
    for (std::size_t root = 0; root < vertices_; ++root) {
        if (order[root] != kNone) continue;
        order[root] = low[root] = clock++;
        walk.push_back({root, Cell{-1, -1}, 0});
        while (!walk.empty()) {
            Walk& f = walk.back();
            const auto& cells = adjacent_[f.vertex];
            if (f.next < cells.size()) {
                const Cell c = cells[f.next++];
                if ((c.row == f.parent.row && c.column == f.parent.column) || stuck(c.row, c.column)) continue;
                const std::size_t w = other_end(f.vertex, c);
                if (order[w] == kNone) {
                    order[w] = low[w] = clock++;
                    walk.push_back({w, c, 0});
                } else {
                    low[f.vertex] = std::min(low[f.vertex], order[w]);
                }
                continue;
            }
            const Walk done = f;
            walk.pop_back();
            if (walk.empty()) continue;
            const std::size_t parent = walk.back().vertex;
            low[parent] = std::min(low[parent], low[done.vertex]);
            if (low[done.vertex] > order[parent])
                bridge_row_major[static_cast<std::size_t>(done.parent.row * columns_ + done.parent.column)] = true;
        }
    }
    // The parts of the pattern without the stuck zeros, for the fast bridge closing.
    stuck_.assign(static_cast<std::size_t>(rows_ * columns_), false);
    std::iota(part_.begin(), part_.end(), std::size_t{0});
    for (Eigen::Index i = 0; i < rows_; ++i)
        for (Eigen::Index j = 0; j < columns_; ++j) {
            if (!suppressed(i, j)) continue;
            if (stuck(i, j)) stuck_[static_cast<std::size_t>(i * columns_ + j)] = true;
            else part_[part(static_cast<std::size_t>(i))] = part(column_vertex(j));
        }
    std::vector<Cell> out;
    for (Eigen::Index i = 0; i < rows_; ++i)
        for (Eigen::Index j = 0; j < columns_; ++j)
            if (suppressed(i, j) && (stuck(i, j) || bridge_row_major[static_cast<std::size_t>(i * columns_ + j)]))
                out.push_back({i, j});
    return out;
}

/// The cheapest cycle through cell e along which e moves in `direction` (+1 up, -1 down) while
/// every count stays >= 0: a path from e's column to e's row avoiding e, on which a cell that
/// would go down holds a positive count. Suppressed cells cost 0, published ones their cost;
/// `signs` false ignores the >= 0 rule (the bridge rule alone). Dijkstra, meeting each vertex's
/// published cells cheapest first (one cursor per settled vertex), ties by vertex. Returns the
/// path's published cells and its cost (infinity when there is none).
std::pair<std::vector<Cell>, double> Pattern::cheapest_cycle(Cell e, double direction, bool signs) const {
    const std::size_t source = column_vertex(e.column), target = static_cast<std::size_t>(e.row);
    const double sign = direction * flip(e);  // the cycle's sign on cells leaving a row (e does)
    auto usable = [&](Cell c, std::size_t v) {
        return !(c.row == e.row && c.column == e.column) && (!signs || may_use(c, v, sign));
    };
    std::vector<double> distance(vertices_, std::numeric_limits<double>::infinity());
    std::vector<std::size_t> previous(vertices_, kNone);
    std::vector<bool> settled(vertices_, false);
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
    // Push v's next usable published cell at or after position k.
    auto advance = [&](std::size_t v, std::size_t k) {
        const auto& list = by_cost_[v];
        for (; k < list.size(); ++k) {
            const Cell c = cell_of(v, list[k]);
            const std::size_t w = other_end(v, c);
            if (settled[w] || suppressed(c.row, c.column) || !usable(c, v)) continue;
            queue.push({distance[v] + cost(c), w, v, k});
            return;
        }
    };
    auto settle = [&](std::size_t v) {
        settled[v] = true;
        for (const Cell& c : adjacent_[v]) {
            const std::size_t w = other_end(v, c);
            if (!settled[w] && usable(c, v) && distance[v] < distance[w]) {
                distance[w] = distance[v];
                queue.push({distance[v], w, v, kNone});
            }
        }
        advance(v, 0);
    };
    distance[source] = 0.0;
    settle(source);
    while (!queue.empty() && !settled[target]) {
        const Entry top = queue.top();
        queue.pop();
        if (top.cursor != kNone) advance(top.from, top.cursor + 1);
        if (settled[top.to]) continue;
        distance[top.to] = top.distance;
        previous[top.to] = top.from;
        settle(top.to);
    }
    std::pair<std::vector<Cell>, double> out{{}, distance[target]};
    if (!settled[target]) {
        out.second = std::numeric_limits<double>::infinity();
        return out;
    }
    for (std::size_t v = target; v != source; v = previous[v]) {
        const std::size_t u = previous[v];
        const Cell c = is_row(v) ? Cell{static_cast<Eigen::Index>(v), static_cast<Eigen::Index>(u) - rows_}
                                 : Cell{static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(v) - rows_};
        if (!suppressed(c.row, c.column)) out.first.push_back(c);
    }
    return out;
}

/// The fast way to put a bridge on a cycle. Treat the stuck zeros as known (they are 0 in every
/// table that fits the published figures) and lift every other zero a little off 0 along its own
/// cycle: every count left is then positive, so any cycle of them moves freely. Removing e splits
/// its part in two; find the smaller side by two interleaved searches, then the cheapest path of
/// positive published counts from that side to any vertex of the other (Dijkstra from every vertex
/// of the small side at once), which is cheap where the plain search would sweep a large part at
/// cost 0 first. Returns false when it does not apply (e is a stuck zero, or no such path).
bool Pattern::close_bridge(Cell e) {
    if (is_stuck(e)) return false;
    const std::size_t ends[2] = {static_cast<std::size_t>(e.row), column_vertex(e.column)};
    std::vector<std::uint8_t> side(vertices_, 0);  // 1: e's row's side, 2: e's column's side
    std::vector<std::size_t> queues[2] = {{ends[0]}, {ends[1]}};
    std::size_t heads[2] = {0, 0};
    side[ends[0]] = 1;
    side[ends[1]] = 2;
    int small = -1;
    while (small < 0) {
        for (int s = 0; s < 2 && small < 0; ++s) {
            if (heads[s] == queues[s].size()) {
                small = s;
                break;
            }
            const std::size_t v = queues[s][heads[s]++];
            for (const Cell& c : adjacent_[v]) {
                if ((c.row == e.row && c.column == e.column) || is_stuck(c)) continue;
                const std::size_t w = other_end(v, c);
                if (side[w] == s + 1) continue;
                if (side[w] != 0) return true;  // the two sides meet: e is already on a cycle
                side[w] = static_cast<std::uint8_t>(s + 1);
                queues[s].push_back(w);
            }
        }
    }
    const auto mine = static_cast<std::uint8_t>(small + 1);
    const std::size_t whole = part(ends[0]);
    std::vector<std::size_t> previous(vertices_, kNone);
    std::vector<double> distance(vertices_, std::numeric_limits<double>::infinity());
    std::vector<bool> settled(vertices_, false);
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
    auto advance = [&](std::size_t v, std::size_t k) {
        const auto& list = by_cost_[v];
        for (; k < list.size(); ++k) {
            const Cell c = cell_of(v, list[k]);
            const std::size_t w = other_end(v, c);
            if (settled[w] || suppressed(c.row, c.column)) continue;
            if (values_(c.row, c.column) == 0.0) continue;  // a zero could pin the cycle: left to the exact search
            queue.push({distance[v] + cost(c), w, v, k});
            return;
        }
    };
    auto settle = [&](std::size_t v) {
        settled[v] = true;
        for (const Cell& c : adjacent_[v]) {
            const std::size_t w = other_end(v, c);
            if (!settled[w] && !is_stuck(c) && distance[v] < distance[w]) {
                distance[w] = distance[v];
                queue.push({distance[v], w, v, kNone});
            }
        }
        advance(v, 0);
    };
    for (const std::size_t v : queues[small]) distance[v] = 0.0;
    for (const std::size_t v : queues[small]) settled[v] = true;
    for (const std::size_t v : queues[small]) advance(v, 0);
    std::size_t reached = kNone;
    while (!queue.empty()) {
        const Entry top = queue.top();
        queue.pop();
        if (top.cursor != kNone) advance(top.from, top.cursor + 1);
        if (settled[top.to]) continue;
        distance[top.to] = top.distance;
        previous[top.to] = top.from;
        if (part(top.to) == whole && side[top.to] != mine) {
            reached = top.to;
            break;
        }
        settle(top.to);
    }
    if (reached == kNone) return false;
    for (std::size_t v = reached;;) {  // back to the small side, suppressing the published cells
        const std::size_t u = previous[v];
        const Cell c = is_row(v) ? Cell{static_cast<Eigen::Index>(v), static_cast<Eigen::Index>(u) - rows_}
                                 : Cell{static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(v) - rows_};
        if (!suppressed(c.row, c.column)) {
            status_(c.row, c.column) = kSecondary;
            link(c.row, c.column);
        }
        if (side[u] == mine) break;
        v = u;
    }
    return true;
}

void Pattern::protect(Cell e) {
    if (close_bridge(e)) return;
    auto best = cheapest_cycle(e, 1.0, true);
    if (best.second > 0.0 && values_(e.row, e.column) > 0.0) {
        auto down = cheapest_cycle(e, -1.0, true);
        if (down.second < best.second) best = std::move(down);
    }
    if (!std::isfinite(best.second)) best = cheapest_cycle(e, 1.0, false);
    for (const Cell& c : best.first) {
        status_(c.row, c.column) = kSecondary;
        link(c.row, c.column);
    }
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
        // Rounds until nothing is pinned: protecting a cell never pins another (the feasible set
        // only grows), so each round fixes at least the cells it protects.
        Pattern pattern(values, status, rows, columns);
        for (auto pinned = pattern.pinned(); !pinned.empty(); pinned = pattern.pinned())
            for (const Cell& c : pinned) pattern.protect(c);
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
