// Hub site selection bindings: an InteractionMatrix and NumPy arrays in, a dict of NumPy arrays
// and figures out. The search runs interruptibly (Ctrl-C stops it) without the GIL.
#include "bind_location.hpp"

#include "furthest/location.hpp"
#include "furthest/rollout.hpp"
#include "interruptible.hpp"

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace py = pybind11;

namespace furthest::python {
namespace {

using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;

Eigen::VectorXd vector_of(const Doubles& a, const char* what) {
    if (a.ndim() != 1) throw InputError(std::string(what) + ": expected a one-dimensional array of numbers");
    return Eigen::Map<const Eigen::VectorXd>(a.data(), a.size());
}

py::array_t<double> to_numpy(const Eigen::VectorXd& v) { return py::array_t<double>(v.size(), v.data()); }

py::array_t<std::int64_t> to_numpy(const Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>& v) {
    return py::array_t<std::int64_t>(v.size(), v.data());
}

py::dict result_dict(const LocationResult& r) {
    py::dict d;
    d["site_wave"] = to_numpy(r.site_wave);
    d["site_reach"] = to_numpy(r.site_reach);
    d["site_served"] = to_numpy(r.site_served);
    d["zone_site"] = to_numpy(r.zone_site);
    d["zone_cost"] = to_numpy(r.zone_cost);
    d["zone_served"] = to_numpy(r.zone_served);
    d["objective"] = r.objective;
    d["greedy_objective"] = r.greedy_objective;
    d["wave_objective"] = r.wave_objective;
    d["bound"] = r.bound;
    d["gap"] = r.gap;
    d["iterations"] = r.iterations;
    return d;
}

LocationOptions options_of(const std::vector<std::int64_t>& waves, const std::vector<std::int64_t>& fixed) {
    LocationOptions o;
    o.waves = waves;
    o.fixed = fixed;
    return o;
}

}  // namespace

void bind_location(py::module_& m) {
    m.def(
        "maximal_covering",
        [](const InteractionMatrix& im, const Doubles& demand, const std::vector<std::int64_t>& waves,
           const std::vector<std::int64_t>& fixed, double coverage_cost, const std::optional<Doubles>& capacity,
           const py::object& progress) {
            LocationOptions o = options_of(waves, fixed);
            o.coverage_cost = coverage_cost;
            if (capacity) o.capacity = vector_of(*capacity, "capacity");
            const Eigen::VectorXd d = vector_of(demand, "demand");
            const LocationResult r = call_interruptibly<LocationResult>(
                [&](const Control& control) { return maximal_covering(im, d, o, control); }, progress);
            return result_dict(r);
        },
        py::arg("matrix"), py::arg("demand"), py::arg("waves"), py::kw_only(), py::arg("fixed") = std::vector<std::int64_t>{},
        py::arg("coverage_cost") = std::numeric_limits<double>::infinity(), py::arg("capacity") = py::none(),
        py::arg("progress") = py::none(),
        "Maximal covering (capacitated with `capacity`), greedy + fast interchange, wave by wave. Runs without the GIL; "
        "Ctrl-C stops it.");

    m.def(
        "p_median",
        [](const InteractionMatrix& im, const Doubles& demand, const std::vector<std::int64_t>& waves,
           const std::vector<std::int64_t>& fixed, double unreached_cost, const py::object& progress) {
            LocationOptions o = options_of(waves, fixed);
            o.unreached_cost = unreached_cost;
            const Eigen::VectorXd d = vector_of(demand, "demand");
            const LocationResult r =
                call_interruptibly<LocationResult>([&](const Control& control) { return p_median(im, d, o, control); }, progress);
            return result_dict(r);
        },
        py::arg("matrix"), py::arg("demand"), py::arg("waves"), py::kw_only(), py::arg("fixed") = std::vector<std::int64_t>{},
        py::arg("unreached_cost") = std::numeric_limits<double>::quiet_NaN(), py::arg("progress") = py::none(),
        "p-median, greedy + fast interchange, wave by wave; NaN unreached_cost takes the matrix's cutoff. Runs without the "
        "GIL; Ctrl-C stops it.");

    m.def(
        "plan_waves",
        [](std::vector<std::string> zone_ids, std::vector<std::int64_t> zone_area, const Doubles& priority,
           const std::optional<Doubles>& people, std::vector<std::string> area_ids, std::vector<double> area_value,
           std::vector<bool> area_done, std::int64_t areas_per_wave, double zone_capacity, bool capacity_in_people) {
            WaveProblem p;
            p.zone_ids = std::move(zone_ids);
            p.zone_area = std::move(zone_area);
            p.priority = vector_of(priority, "priority");
            if (people) p.people = vector_of(*people, "people");
            p.area_ids = std::move(area_ids);
            p.area_value = std::move(area_value);
            p.area_done = std::move(area_done);
            WaveOptions o;
            o.areas_per_wave = areas_per_wave;
            o.zone_capacity = zone_capacity;
            o.capacity_in_people = capacity_in_people;
            WavePlan plan;
            {
                py::gil_scoped_release release;
                plan = plan_waves(p, o);
            }
            py::dict d;
            d["area_wave"] = py::array_t<int>(static_cast<py::ssize_t>(plan.area_wave.size()), plan.area_wave.data());
            d["zone_wave"] = py::array_t<int>(static_cast<py::ssize_t>(plan.zone_wave.size()), plan.zone_wave.data());
            d["order"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(plan.order.size()), plan.order.data());
            d["place_in_area"] =
                py::array_t<std::int64_t>(static_cast<py::ssize_t>(plan.place_in_area.size()), plan.place_in_area.data());
            return d;
        },
        py::arg("zone_ids"), py::arg("zone_area"), py::arg("priority"), py::arg("people"), py::arg("area_ids"),
        py::arg("area_value"), py::arg("area_done"), py::arg("areas_per_wave"), py::arg("zone_capacity"),
        py::arg("capacity_in_people"), "Areas and zones into waves (furthest::plan_waves); copies the inputs.");

    m.def(
        "share_budget",
        [](const Doubles& weight, std::int64_t budget, std::int64_t minimum, std::int64_t cap, std::string unit) {
            BudgetOptions o;
            o.budget = budget;
            o.minimum = minimum;
            o.cap = cap;
            o.unit = std::move(unit);
            const Eigen::VectorXd w = vector_of(weight, "weight");
            const BudgetShare share = share_budget(std::span<const double>(w.data(), static_cast<std::size_t>(w.size())), o);
            py::dict d;
            d["units"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(share.units.size()), share.units.data());
            d["unplaced"] = share.unplaced;
            return d;
        },
        py::arg("weight"), py::arg("budget"), py::arg("minimum"), py::arg("cap"), py::arg("unit"),
        "Whole units of a budget in proportion to weight, with minimums and caps (furthest::share_budget).");
}

}  // namespace furthest::python
