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
#include "core/text.hpp"
#include "furthest/errors.hpp"
#include "furthest/monitoring.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace furthest {
namespace {

using Status = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic>;

constexpr auto kPublished = static_cast<std::int8_t>(CellStatus::Published);
constexpr auto kPrimary = static_cast<std::int8_t>(CellStatus::Primary);
constexpr auto kSecondary = static_cast<std::int8_t>(CellStatus::Secondary);
constexpr auto kLinked = static_cast<std::int8_t>(CellStatus::Linked);


struct Cell {
    Eigen::Index row;
    Eigen::Index column;
    bool operator==(const Cell&) const = default;
};

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

// Tarjan's bridge finding, iterative, on an undirected multigraph of `vertices`: `incident(v)`
// lists the edges at v (any edge type, compared with ==; `none` is no edge), `usable(e)` says
// whether e belongs to the graph, `other(v, e)` is e's other end. Calls `on_bridge(e)` for each
// edge on no cycle. One table's cells and the linked tables' figures both use it.
template <class E, class Incident, class Usable, class Other, class OnBridge>
void for_each_bridge(std::size_t vertices, E none, Incident incident, Usable usable, Other other, OnBridge on_bridge) {
    std::vector<std::size_t> order(vertices, kNone), low(vertices, 0);
    struct Walk {
        std::size_t vertex;
        E parent;
        std::size_t next;
    };
    std::vector<Walk> walk;
    std::size_t clock = 0;
    for (std::size_t root = 0; root < vertices; ++root) {
        if (order[root] != kNone) continue;
        order[root] = low[root] = clock++;
        walk.push_back({root, none, 0});
        while (!walk.empty()) {
            Walk& f = walk.back();
            const auto& edges = incident(f.vertex);
            if (f.next < edges.size()) {
                const E e = edges[f.next++];
                if (e == f.parent || !usable(e)) continue;  // only the edge walked in: a parallel one is a cycle
                const std::size_t w = other(f.vertex, e);
                if (order[w] == kNone) {
                    order[w] = low[w] = clock++;
                    walk.push_back({w, e, 0});
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
            if (low[done.vertex] > order[parent]) on_bridge(done.parent);
        }
    }
}

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
    std::vector<bool> bridge_row_major(static_cast<std::size_t>(rows_ * columns_), false);
    for_each_bridge(
        vertices_, Cell{-1, -1}, [&](std::size_t v) -> const auto& { return adjacent_[v]; },
        [&](Cell c) { return !stuck(c.row, c.column); }, [&](std::size_t v, Cell c) { return other_end(v, c); },
        [&](Cell c) { bridge_row_major[static_cast<std::size_t>(c.row * columns_ + c.column)] = true; });
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

/// Linked tables (see suppress_nested) as one graph: its vertices are the published relations
/// (each zone's row; each area's columns, a period's or its total; the columns over all areas; the
/// row of all zones), its edges the published values, each in exactly two relations: a zone's
/// value joins its row to its area's column, an area's value its area's column to the column over
/// all areas, a period total (or the grand total) that column to the row of all zones. With the
/// total columns' relations negated this is the incidence matrix of a directed graph, so, as in a
/// single table, a suppressed value is determined by all the relations together exactly when its
/// edge is a bridge of the suppressed edges (the linear part; see the file comment).
class LinkedGraph {
public:
    struct Edge {
        std::size_t a, b;
        double value;
        bool suppressed;
    };
    LinkedGraph(std::size_t vertices, std::vector<Edge> edges) : edges_(std::move(edges)), incident_(vertices) {
        for (std::size_t e = 0; e < edges_.size(); ++e) {
            incident_[edges_[e].a].push_back(e);
            incident_[edges_[e].b].push_back(e);
        }
    }
    /// Suppressed edges on no cycle of suppressed edges, by id (Tarjan, iterative).
    std::vector<std::size_t> bridges() const {
        std::vector<std::size_t> out;
        for_each_bridge(
            incident_.size(), kNone, [&](std::size_t v) -> const auto& { return incident_[v]; },
            [&](std::size_t e) { return edges_[e].suppressed; },
            [&](std::size_t v, std::size_t e) { return edges_[e].a == v ? edges_[e].b : edges_[e].a; },
            [&](std::size_t e) { out.push_back(e); });
        std::sort(out.begin(), out.end());
        return out;
    }
    /// Puts edge e on a cycle of suppressed edges: the cheapest path between its ends without it
    /// (a suppressed edge costs 0, a published one its value, a published zero `zero_cost`; ties
    /// by vertex), whose published edges it suppresses and returns. Empty when e is already on a
    /// cycle or no path exists (an area without zones: its zeros are known by construction).
    std::vector<std::size_t> close(std::size_t e, double zero_cost) {
        const std::size_t vertices = incident_.size(), source = edges_[e].a, target = edges_[e].b;
        std::vector<double> distance(vertices, std::numeric_limits<double>::infinity());
        std::vector<std::size_t> via(vertices, kNone);
        using Item = std::pair<double, std::size_t>;
        std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
        distance[source] = 0.0;
        queue.push({0.0, source});
        while (!queue.empty()) {
            const auto [d, v] = queue.top();
            queue.pop();
            if (d > distance[v]) continue;
            if (v == target) break;
            for (const std::size_t f : incident_[v]) {
                if (f == e) continue;
                const Edge& edge = edges_[f];
                const double cost = edge.suppressed ? 0.0 : edge.value > 0.0 ? edge.value : zero_cost;
                const std::size_t w = edge.a == v ? edge.b : edge.a;
                if (d + cost < distance[w]) {
                    distance[w] = d + cost;
                    via[w] = f;
                    queue.push({distance[w], w});
                }
            }
        }
        std::vector<std::size_t> added;
        if (via[target] == kNone) return added;
        for (std::size_t v = target; v != source;) {
            const std::size_t f = via[v];
            if (!edges_[f].suppressed) {
                edges_[f].suppressed = true;
                added.push_back(f);
            }
            v = edges_[f].a == v ? edges_[f].b : edges_[f].a;
        }
        return added;
    }

private:
    std::vector<Edge> edges_;
    std::vector<std::vector<std::size_t>> incident_;  ///< edge ids per vertex
};

/// The counts of suppressed cells by reason, and NaN in `values` where suppressed.
void tally(SuppressedTable& t, Eigen::Index inner_rows, Eigen::Index inner_columns) {
    t.primary_cells = t.secondary_cells = t.primary_margins = t.secondary_margins = t.linked_cells = t.linked_margins = 0;
    for (Eigen::Index i = 0; i < t.values.rows(); ++i)
        for (Eigen::Index j = 0; j < t.values.cols(); ++j) {
            const bool margin = i >= inner_rows || j >= inner_columns;
            const std::int8_t s = t.status(i, j);
            if (s == kPrimary) ++(margin ? t.primary_margins : t.primary_cells);
            if (s == kSecondary) ++(margin ? t.secondary_margins : t.secondary_cells);
            if (s == kLinked) ++(margin ? t.linked_margins : t.linked_cells);
            if (s != kPublished) t.values(i, j) = std::numeric_limits<double>::quiet_NaN();
        }
}

}  // namespace

SuppressedTable suppress_counts(const Eigen::MatrixXd& counts, const DisclosureOptions& options, const CellMask* forced) {
    if (!(options.threshold > 0.0) || !std::isfinite(options.threshold))
        throw InputError("suppress counts: threshold is " + core::plain_number(options.threshold) +
                         "; expected a positive number");
    const Eigen::Index rows = counts.rows(), columns = counts.cols();
    for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index j = 0; j < columns; ++j)
            if (!std::isfinite(counts(i, j)) || counts(i, j) < 0.0)
                throw InputError("suppress counts: the count in row " + std::to_string(i) + ", column " + std::to_string(j) +
                                 " is " + core::plain_number(counts(i, j)) + "; expected a number >= 0");

    SuppressedTable out;
    out.margins = options.margins;
    const Eigen::Index extra = options.margins ? 1 : 0;
    if (forced != nullptr && (forced->rows() != rows + extra || forced->cols() != columns + extra))
        throw InputError("suppress counts: the forced mask is " + std::to_string(forced->rows()) + " x " +
                         std::to_string(forced->cols()) + "; expected the published table's " + std::to_string(rows + extra) +
                         " x " + std::to_string(columns + extra) + (options.margins ? " (margins included)" : ""));
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
            else if (forced != nullptr && (*forced)(i, j)) status(i, j) = kLinked;
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

    out.values = std::move(values);
    out.status = std::move(status);
    tally(out, rows, columns);
    return out;
}

// Linked tables (Hundepool et al. 2012, sec. 5.5, "linked tables"; de Wolf's modular approach
// to hierarchical tables in tau-ARGUS): the area row g of the areas table is the total row of the
// sub-table of g's zones, and its last cell (the area's total) that sub-table's grand total. Each
// table is protected by suppress_counts with the shared cells suppressed in the other forced, until
// the two agree; then all published values are checked together (LinkedGraph) and any still pinned
// closed, its cycle's cells forced, and round again. The forced sets only grow, and a round that
// does not end adds to them a cell the tables had published, so the rounds end.
NestedTables suppress_nested(const Eigen::MatrixXd& zone_counts, std::span<const std::int64_t> area_of_zone, std::int64_t areas,
                             const DisclosureOptions& options, const Control& control) {
    const Eigen::Index zones = zone_counts.rows(), periods = zone_counts.cols();
    if (!options.margins)
        throw InputError(
            "suppress nested: linked tables are published with their margins (margins is off); use "
            "suppress_counts for a table without totals");
    if (areas < 0) throw InputError("suppress nested: areas is " + std::to_string(areas) + "; expected a number >= 0");
    if (static_cast<Eigen::Index>(area_of_zone.size()) != zones)
        throw InputError("suppress nested: " + std::to_string(area_of_zone.size()) + " areas given for " + std::to_string(zones) +
                         " zones (rows of counts); expected one area per zone");
    for (Eigen::Index z = 0; z < zones; ++z) {
        const std::int64_t g = area_of_zone[static_cast<std::size_t>(z)];
        if (g < 0 || g >= areas)
            throw InputError("suppress nested: zone " + std::to_string(z) + " has area " + std::to_string(g) + "; expected 0.." +
                             std::to_string(areas - 1) + " (" + std::to_string(areas) + " areas)");
        for (Eigen::Index p = 0; p < periods; ++p)
            if (!std::isfinite(zone_counts(z, p)) || zone_counts(z, p) < 0.0)
                throw InputError("suppress nested: the count of zone " + std::to_string(z) + ", period " + std::to_string(p) +
                                 " is " + core::plain_number(zone_counts(z, p)) + "; expected a number >= 0");
    }

    // Each area's zones, in input order, and its counts.
    const auto area_count = static_cast<std::size_t>(areas);
    std::vector<std::vector<Eigen::Index>> members(area_count);
    std::vector<Eigen::Index> position(static_cast<std::size_t>(zones));  // each zone's row in its area's sub-table
    for (Eigen::Index z = 0; z < zones; ++z) {
        auto& list = members[static_cast<std::size_t>(area_of_zone[static_cast<std::size_t>(z)])];
        position[static_cast<std::size_t>(z)] = static_cast<Eigen::Index>(list.size());
        list.push_back(z);
    }
    Eigen::MatrixXd area_counts = Eigen::MatrixXd::Zero(areas, periods);
    std::vector<Eigen::MatrixXd> sub_counts(area_count);
    for (std::size_t g = 0; g < area_count; ++g) {
        sub_counts[g].resize(static_cast<Eigen::Index>(members[g].size()), periods);
        for (std::size_t k = 0; k < members[g].size(); ++k)
            sub_counts[g].row(static_cast<Eigen::Index>(k)) = zone_counts.row(members[g][k]);
        area_counts.row(static_cast<Eigen::Index>(g)) = sub_counts[g].colwise().sum();
    }

    CellMask area_forced = CellMask::Constant(areas + 1, periods + 1, false);
    std::vector<CellMask> sub_forced(area_count);
    for (std::size_t g = 0; g < area_count; ++g)
        sub_forced[g] = CellMask::Constant(static_cast<Eigen::Index>(members[g].size()) + 1, periods + 1, false);
    // Why each shared cell (area row g, its total included) was first suppressed, in whichever
    // table: the status both tables report (a forced cell's Linked only says "see the other table").
    Status origin = Status::Constant(areas, periods + 1, kPublished);
    auto note = [&](Eigen::Index g, Eigen::Index c, std::int8_t s) {
        if (origin(g, c) == kPublished && s != kPublished) origin(g, c) = s == kLinked ? kSecondary : s;
    };

    NestedTables out;
    std::vector<SuppressedTable> sub(area_count);
    // Every round but the last forces a cell the tables had published.
    const std::int64_t cap = (zones + areas + 1) * (periods + 1) + 2;
    for (out.rounds = 1;; ++out.rounds) {
        const std::string step = "disclosure control of linked tables, round " + std::to_string(out.rounds);
        control.check(step);
        control.report(step);
        if (out.rounds > cap) throw std::logic_error("suppress nested: no fixed point after " + std::to_string(cap) + " rounds");
        out.areas = suppress_counts(area_counts, options, &area_forced);
        for (Eigen::Index g = 0; g < areas; ++g)
            for (Eigen::Index c = 0; c <= periods; ++c) note(g, c, out.areas.status(g, c));
        bool agreed = true;
        for (std::size_t g = 0; g < area_count; ++g) {
            if (members[g].empty()) continue;  // no sub-table: the row is zeros by construction
            const auto gi = static_cast<Eigen::Index>(g), bottom = static_cast<Eigen::Index>(members[g].size());
            for (Eigen::Index c = 0; c <= periods; ++c)
                if (out.areas.status(gi, c) != kPublished) sub_forced[g](bottom, c) = true;
            sub[g] = suppress_counts(sub_counts[g], options, &sub_forced[g]);
            for (Eigen::Index c = 0; c <= periods; ++c) {
                const std::int8_t s = sub[g].status(bottom, c);
                note(gi, c, s);
                if (s == kPublished) continue;
                area_forced(gi, c) = true;
                if (out.areas.status(gi, c) == kPublished) agreed = false;
            }
        }
        if (!agreed) continue;

        // Each table protects its cells given the other's pattern, but two tables can still split
        // an area's shared row in ways that do not fit together (rare: one random table in about
        // 100,000 in the tests). Check all published values together; close any that the relations
        // pin (a bridge of the linked graph) along its cheapest cycle, force those cells into their
        // tables and go round again.
        const std::size_t width = static_cast<std::size_t>(periods) + 1;
        const std::size_t top = static_cast<std::size_t>(zones) + area_count * width, everyone = top + width;
        std::vector<LinkedGraph::Edge> edges;  // ids: zone values, then area values, then the total row
        edges.reserve((static_cast<std::size_t>(zones) + area_count + 1) * width);
        for (Eigen::Index z = 0; z < zones; ++z) {
            const auto g = static_cast<std::size_t>(area_of_zone[static_cast<std::size_t>(z)]);
            for (std::size_t c = 0; c < width; ++c) {
                const auto ci = static_cast<Eigen::Index>(c);
                const double v = ci < periods ? zone_counts(z, ci) : zone_counts.row(z).sum();
                const bool hidden = sub[g].status(position[static_cast<std::size_t>(z)], ci) != kPublished;
                edges.push_back({static_cast<std::size_t>(z), static_cast<std::size_t>(zones) + g * width + c, v, hidden});
            }
        }
        for (std::size_t g = 0; g <= area_count; ++g)
            for (std::size_t c = 0; c < width; ++c) {
                const auto gi = static_cast<Eigen::Index>(g), ci = static_cast<Eigen::Index>(c);
                const double v = ci < periods ? (g < area_count ? area_counts(gi, ci) : area_counts.col(ci).sum())
                                              : (g < area_count ? area_counts.row(gi).sum() : area_counts.sum());
                const bool hidden = out.areas.status(gi, ci) != kPublished;
                edges.push_back(g < area_count
                                    ? LinkedGraph::Edge{static_cast<std::size_t>(zones) + g * width + c, top + c, v, hidden}
                                    : LinkedGraph::Edge{top + c, everyone, v, hidden});
            }
        LinkedGraph graph(everyone + 1, std::move(edges));
        const double zero_cost = 8.0 * zone_counts.sum() + 1.0;  // more than all published values together
        bool added = false;
        for (const std::size_t e : graph.bridges())
            for (const std::size_t f : graph.close(e, zero_cost)) {
                added = true;
                const std::size_t c = f % width, row = f / width;
                const auto ci = static_cast<Eigen::Index>(c);
                if (row < static_cast<std::size_t>(zones)) {
                    const auto g = static_cast<std::size_t>(area_of_zone[row]);
                    sub_forced[g](position[row], ci) = true;
                } else {
                    area_forced(static_cast<Eigen::Index>(row) - zones, ci) = true;  // an area's value or the total row
                }
            }
        if (!added) break;
    }

    // The shared cells report their first reason in both tables; a cell forced to close the
    // linked graph is, like any, hidden to protect another (Secondary).
    for (Eigen::Index g = 0; g < areas; ++g)
        for (Eigen::Index c = 0; c <= periods; ++c) out.areas.status(g, c) = origin(g, c);
    for (Eigen::Index c = 0; c <= periods; ++c)
        if (out.areas.status(areas, c) == kLinked) out.areas.status(areas, c) = kSecondary;
    for (std::size_t g = 0; g < area_count; ++g)
        for (Eigen::Index k = 0; k < sub[g].status.rows(); ++k)
            for (Eigen::Index c = 0; c <= periods; ++c)
                if (sub[g].status(k, c) == kLinked) sub[g].status(k, c) = kSecondary;
    out.areas.values.topLeftCorner(areas, periods) = area_counts;
    out.areas.values.col(periods).head(areas) = area_counts.rowwise().sum();
    out.areas.values.row(areas).head(periods) = area_counts.colwise().sum();
    out.areas.values(areas, periods) = area_counts.sum();
    tally(out.areas, areas, periods);

    out.zones.margins = true;
    out.zones.values.resize(zones + 1, periods + 1);
    out.zones.status.resize(zones + 1, periods + 1);
    out.zones.values.topLeftCorner(zones, periods) = zone_counts;
    out.zones.values.col(periods).head(zones) = zone_counts.rowwise().sum();
    for (std::size_t g = 0; g < area_count; ++g)
        for (std::size_t k = 0; k < members[g].size(); ++k)
            out.zones.status.row(members[g][k]) = sub[g].status.row(static_cast<Eigen::Index>(k));
    // The period totals over all zones and the grand total: the areas table's bottom row, with
    // its status (tally then hides them as it does there).
    out.zones.values.row(zones).head(periods) = zone_counts.colwise().sum();
    out.zones.values(zones, periods) = zone_counts.sum();
    out.zones.status.row(zones) = out.areas.status.row(areas);
    tally(out.zones, zones, periods);
    return out;
}

}  // namespace furthest
