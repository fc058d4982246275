// Access bindings: coordinates or a cost table in as NumPy arrays, an opaque InteractionMatrix,
// and measures out as NumPy arrays. The matrix build runs interruptibly (Ctrl-C stops it); the
// measures are one pass over the pairs and run with the GIL released.
#include "bind_access.hpp"

#include "furthest/access.hpp"
#include "interruptible.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace py = pybind11;

namespace furthest::python {
namespace {

using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Int64s = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

std::span<const double> span_of(const Doubles& a) {
    if (a.ndim() != 1) throw InputError("expected a one-dimensional array of numbers");
    return {a.data(), static_cast<std::size_t>(a.size())};
}

std::span<const std::int64_t> span_of(const Int64s& a) {
    if (a.ndim() != 1) throw InputError("expected a one-dimensional array of integers");
    return {a.data(), static_cast<std::size_t>(a.size())};
}

Eigen::Map<const Eigen::VectorXd> vector_of(const Doubles& a) {
    const auto s = span_of(a);
    return {s.data(), static_cast<Eigen::Index>(s.size())};
}

py::array_t<double> to_numpy(const Eigen::VectorXd& v) { return py::array_t<double>(v.size(), v.data()); }

py::array_t<std::int64_t> to_numpy(const Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>& v) {
    return py::array_t<std::int64_t>(v.size(), v.data());
}

py::dict catchment_dict(const FloatingCatchment& r) {
    py::dict d;
    d["access"] = to_numpy(r.access);
    d["site_demand"] = to_numpy(r.site_demand);
    d["site_ratio"] = to_numpy(r.site_ratio);
    if (r.zone_supply.size() > 0) d["zone_supply"] = to_numpy(r.zone_supply);
    return d;
}

// 2SFCA or BFCA from NumPy arrays, the GIL released while it runs.
template <class Method>
py::dict floating_catchment(Method method, const InteractionMatrix& im, const Doubles& demand, const Doubles& supply,
                            const Decay& decay) {
    const auto d = vector_of(demand);
    const auto s = vector_of(supply);
    FloatingCatchment r;
    {
        py::gil_scoped_release release;
        r = method(im, d, s, decay);
    }
    return catchment_dict(r);
}

}  // namespace

void bind_access(py::module_& m) {
    py::class_<InteractionMatrix>(m, "InteractionMatrix",
                                  "Zones x sites costs of the pairs within reach (zero costs kept as pairs).")
        .def_property_readonly("zones", &InteractionMatrix::zones)
        .def_property_readonly("sites", &InteractionMatrix::sites)
        .def_property_readonly("pairs", &InteractionMatrix::pairs)
        .def_property_readonly("max_cost", &InteractionMatrix::max_cost)
        .def(
            "pair_table",
            [](const InteractionMatrix& self) {
                const auto& c = self.costs();
                py::array_t<std::int64_t> origin(c.nonZeros()), site(c.nonZeros());
                py::array_t<double> cost(c.nonZeros());
                auto o = origin.mutable_unchecked<1>();
                auto s = site.mutable_unchecked<1>();
                auto v = cost.mutable_unchecked<1>();
                py::ssize_t k = 0;
                for (Eigen::Index i = 0; i < c.rows(); ++i) {
                    for (InteractionMatrix::Sparse::InnerIterator it(c, i); it; ++it, ++k) {
                        o(k) = i;
                        s(k) = it.col();
                        v(k) = it.value();
                    }
                }
                return py::make_tuple(origin, site, cost);
            },
            "(origin, site, cost) arrays of the pairs within reach, by origin then site (copies).");

    py::class_<Decay>(m, "Decay", "Distance decay f(cost) applied to each pair within reach.")
        .def_static("uniform", &Decay::uniform)
        .def_static("step", &Decay::step, py::arg("bands"))
        .def_static("linear", &Decay::linear, py::arg("width"))
        .def_static("gaussian", &Decay::gaussian, py::arg("sigma"))
        .def_static("power", &Decay::power, py::arg("exponent"), py::arg("min_cost"))
        .def_static("exponential", &Decay::exponential, py::arg("rate"))
        .def("__call__", &Decay::operator(), py::arg("cost"));

    m.def(
        "interaction_from_points",
        [](const Doubles& ox, const Doubles& oy, const Doubles& sx, const Doubles& sy, double max_distance, int threads,
           const py::object& progress) {
            const auto a = span_of(ox), b = span_of(oy), c = span_of(sx), d = span_of(sy);
            return call_interruptibly<InteractionMatrix>(
                [&](const Control& control) {
                    return InteractionMatrix::from_points(a, b, c, d, max_distance, threads, control);
                },
                progress);
        },
        py::arg("origin_x"), py::arg("origin_y"), py::arg("site_x"), py::arg("site_y"), py::arg("max_distance"), py::kw_only(),
        py::arg("threads") = 0, py::arg("progress") = py::none(),
        "Straight-line interaction matrix: pairs with distance <= max_distance (one projected CRS). "
        "Runs without the GIL; Ctrl-C stops it.");

    m.def(
        "interaction_from_costs",
        [](Eigen::Index zones, Eigen::Index sites, const Int64s& origin, const Int64s& site, const Doubles& cost, double max_cost,
           const py::object& progress) {
            const auto o = span_of(origin);
            const auto s = span_of(site);
            const auto c = span_of(cost);
            return call_interruptibly<InteractionMatrix>(
                [&](const Control& control) { return InteractionMatrix::from_costs(zones, sites, o, s, c, max_cost, control); },
                progress);
        },
        py::arg("zones"), py::arg("sites"), py::arg("origin"), py::arg("site"), py::arg("cost"), py::kw_only(),
        py::arg("max_cost") = std::numeric_limits<double>::infinity(), py::arg("progress") = py::none(),
        "Interaction matrix from a travel-cost table (0-based origin and site indices); duplicates are refused.");

    m.def(
        "nearest_site",
        [](const InteractionMatrix& im) {
            NearestSite n;
            {
                py::gil_scoped_release release;
                n = nearest_site(im);
            }
            return py::make_tuple(to_numpy(n.cost), to_numpy(n.site));
        },
        py::arg("matrix"), "(cost, site) per zone: NaN and -1 where no site is within reach; ties to the lower index.");

    m.def(
        "sites_within",
        [](const InteractionMatrix& im, double max_cost) {
            Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> r;
            {
                py::gil_scoped_release release;
                r = sites_within(im, max_cost);
            }
            return to_numpy(r);
        },
        py::arg("matrix"), py::arg("max_cost") = std::numeric_limits<double>::infinity());

    m.def(
        "supply_within",
        [](const InteractionMatrix& im, const Doubles& supply, double max_cost) {
            const auto s = vector_of(supply);
            Eigen::VectorXd r;
            {
                py::gil_scoped_release release;
                r = supply_within(im, s, max_cost);
            }
            return to_numpy(r);
        },
        py::arg("matrix"), py::arg("supply"), py::arg("max_cost") = std::numeric_limits<double>::infinity());

    m.def(
        "two_step_fca",
        [](const InteractionMatrix& im, const Doubles& demand, const Doubles& supply, const Decay& decay) {
            return floating_catchment(two_step_fca, im, demand, supply, decay);
        },
        py::arg("matrix"), py::arg("demand"), py::arg("supply"), py::arg("decay") = Decay::uniform(),
        "2SFCA (E2SFCA with a decay): {access, site_demand, site_ratio}.");

    m.def(
        "balanced_fca",
        [](const InteractionMatrix& im, const Doubles& demand, const Doubles& supply, const Decay& decay) {
            return floating_catchment(balanced_fca, im, demand, supply, decay);
        },
        py::arg("matrix"), py::arg("demand"), py::arg("supply"), py::arg("decay") = Decay::uniform(),
        "Balanced FCA (Paez et al. 2019): {access, site_demand, site_ratio, zone_supply}.");

    m.def(
        "gravity",
        [](const InteractionMatrix& im, const Doubles& supply, const Decay& decay) {
            const auto s = vector_of(supply);
            Eigen::VectorXd r;
            {
                py::gil_scoped_release release;
                r = gravity(im, s, decay);
            }
            return to_numpy(r);
        },
        py::arg("matrix"), py::arg("supply"), py::arg("decay"), "Gravity access: sum of supply x f(cost) per zone.");
}

}  // namespace furthest::python
