// Monitoring bindings: NumPy in (read in place when already float64 and contiguous), a dict of
// NumPy arrays and figures out. The bootstrap runs interruptibly (Ctrl-C stops it) without the GIL.
#include "bind_monitoring.hpp"

#include "furthest/errors.hpp"
#include "furthest/monitoring.hpp"
#include "interruptible.hpp"

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace py = pybind11;

namespace furthest::python {
namespace {

using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Integers = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

template <class T>
std::span<const T> span_of(const py::array_t<T, py::array::c_style | py::array::forcecast>& a, const char* what) {
    if (a.ndim() != 1) throw InputError(std::string(what) + ": expected a one-dimensional array");
    return {a.data(), static_cast<std::size_t>(a.size())};
}

template <class T>
py::array_t<T> array_of(const std::vector<T>& values) {
    return py::array_t<T>(static_cast<py::ssize_t>(values.size()), values.data());
}

DisclosureOptions disclosure_options(double threshold, const std::string& zeros, bool margins, const char* who) {
    DisclosureOptions o;
    o.threshold = threshold;
    if (zeros == "publish") o.zeros = ZeroCells::Publish;
    else if (zeros == "suppress") o.zeros = ZeroCells::Suppress;
    else throw InputError(std::string(who) + ": zeros is '" + zeros + "'; expected 'publish' or 'suppress'");
    o.margins = margins;
    return o;
}

py::dict dict_of(const SuppressedTable& t) {
    py::dict d;
    d["values"] = t.values;
    d["status"] = t.status;
    d["primary_cells"] = t.primary_cells;
    d["secondary_cells"] = t.secondary_cells;
    d["primary_margins"] = t.primary_margins;
    d["secondary_margins"] = t.secondary_margins;
    d["linked_cells"] = t.linked_cells;
    d["linked_margins"] = t.linked_margins;
    return d;
}

}  // namespace

void bind_monitoring(py::module_& m) {
    m.def(
        "concentration_index",
        [](const Doubles& reach, const Doubles& population, const Doubles& need_rank, int draws, std::uint64_t seed, double level,
           int threads, const std::vector<std::string>& zone_ids, const py::object& progress) {
            const ReachByNeed zones{span_of(reach, "reach"), span_of(population, "population"), span_of(need_rank, "need_rank"),
                                    zone_ids};
            ConcentrationOptions o;
            o.draws = draws;
            o.seed = seed;
            o.level = level;
            o.threads = threads;
            const ConcentrationResult r = call_interruptibly<ConcentrationResult>(
                [&](const Control& control) { return concentration_index(zones, o, control); }, progress);
            py::dict d;
            d["index"] = r.index;
            d["lower"] = r.lower;
            d["upper"] = r.upper;
            d["level"] = r.level;
            d["draws"] = r.draws;
            d["undefined_draws"] = r.undefined_draws;
            d["bootstrap"] = array_of(r.bootstrap);
            d["curve_population"] = array_of(r.curve_population);
            d["curve_reach"] = array_of(r.curve_reach);
            d["fractional_rank"] = array_of(r.fractional_rank);
            return d;
        },
        py::arg("reach"), py::arg("population"), py::arg("need_rank"), py::kw_only(), py::arg("draws") = 999, py::arg("seed") = 0,
        py::arg("level") = 0.9, py::arg("threads") = 0, py::arg("zone_ids") = std::vector<std::string>{},
        py::arg("progress") = py::none(),
        "Concentration index of reach over zones ranked by need (1 = most; negative = reach where need is higher), its "
        "curve and a seeded bootstrap interval (furthest::concentration_index). Runs without the GIL; Ctrl-C stops it.");

    m.def(
        "need_groups",
        [](const Doubles& population, const Doubles& need_rank, std::int64_t groups) {
            return array_of(furthest::need_groups(span_of(population, "population"), span_of(need_rank, "need_rank"), groups));
        },
        py::arg("population"), py::arg("need_rank"), py::arg("groups"),
        "Zones into need groups holding about equal people, 0 = most need (furthest::need_groups).");

    m.def(
        "share_by_group",
        [](const Doubles& reach, const Doubles& population, const Integers& group, std::int64_t groups) {
            const GroupShares s = furthest::share_by_group(span_of(reach, "reach"), span_of(population, "population"),
                                                           span_of(group, "group"), groups);
            py::dict d;
            d["population"] = array_of(s.population);
            d["reach"] = array_of(s.reach);
            d["population_share"] = array_of(s.population_share);
            d["reach_share"] = array_of(s.reach_share);
            d["ratio"] = array_of(s.ratio);
            d["ungrouped_population"] = s.ungrouped_population;
            d["ungrouped_reach"] = s.ungrouped_reach;
            return d;
        },
        py::arg("reach"), py::arg("population"), py::arg("group"), py::arg("groups"),
        "People and reach per group (-1 = none) and their shares of all zones' (furthest::share_by_group).");

    m.def(
        "suppress_counts",
        [](const Eigen::MatrixXd& counts, double threshold, const std::string& zeros, bool margins,
           const std::optional<CellMask>& forced) {
            const DisclosureOptions o = disclosure_options(threshold, zeros, margins, "suppress");
            SuppressedTable t;
            {
                py::gil_scoped_release release;
                t = suppress_counts(counts, o, forced ? &*forced : nullptr);
            }
            return dict_of(t);
        },
        py::arg("counts"), py::arg("threshold"), py::arg("zeros"), py::arg("margins"), py::arg("forced") = py::none(),
        "Primary and secondary suppression of a table of counts with its margins (furthest::suppress_counts); copies "
        "the table. forced: cells to suppress whatever their count (shaped like the published table). status: 0 "
        "published, 1 primary, 2 secondary, 3 linked (forced).");

    m.def(
        "suppress_nested",
        [](const Eigen::MatrixXd& counts, const Integers& area_of_zone, std::int64_t areas, double threshold,
           const std::string& zeros, const py::object& progress) {
            const DisclosureOptions o = disclosure_options(threshold, zeros, true, "suppress nested");
            const auto area = span_of(area_of_zone, "area_of_zone");
            const NestedTables t = call_interruptibly<NestedTables>(
                [&](const Control& control) { return suppress_nested(counts, area, areas, o, control); }, progress);
            py::dict d;
            d["zones"] = dict_of(t.zones);
            d["areas"] = dict_of(t.areas);
            d["rounds"] = t.rounds;
            return d;
        },
        py::arg("counts"), py::arg("area_of_zone"), py::arg("areas"), py::arg("threshold"), py::arg("zeros"),
        py::arg("progress") = py::none(),
        "Disclosure control of a zones x periods table and its areas x periods table published together "
        "(furthest::suppress_nested); copies the tables. Runs without the GIL; Ctrl-C stops it between rounds.");
}

}  // namespace furthest::python
