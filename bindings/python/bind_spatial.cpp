// Spatial statistics bindings: NumPy and WKB in, NumPy out. Weights live in C++ (SpatialWeights)
// and are passed back in by reference, so the national case never round-trips its rows.
#include "bind_spatial.hpp"

#include "furthest/errors.hpp"
#include "furthest/spatial_stats.hpp"
#include "interruptible.hpp"
#include "wkb_from_python.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <vector>

namespace py = pybind11;

namespace furthest::python {
namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using IndexArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

template <class T, class Out = T>
py::array_t<Out> array_of(const std::vector<T>& values) {
    py::array_t<Out> out(static_cast<py::ssize_t>(values.size()));
    auto* data = out.mutable_data();
    for (std::size_t i = 0; i < values.size(); ++i) data[i] = static_cast<Out>(values[i]);
    return out;
}

std::vector<double> doubles(const DoubleArray& a, const char* what) {
    if (a.ndim() != 1) throw InputError(std::string(what) + ": expected a one-dimensional array");
    return {a.data(), a.data() + a.size()};
}

std::vector<std::size_t> indices(const IndexArray& a, const char* what) {
    if (a.ndim() != 1) throw InputError(std::string(what) + ": expected a one-dimensional array");
    std::vector<std::size_t> out(static_cast<std::size_t>(a.size()));
    for (py::ssize_t i = 0; i < a.size(); ++i) {
        if (a.data()[i] < 0) throw InputError(std::string(what) + ": negative index");
        out[static_cast<std::size_t>(i)] = static_cast<std::size_t>(a.data()[i]);
    }
    return out;
}

py::dict local_to_python(const LocalStatistics& s) {
    py::dict d;
    d["statistic"] = array_of(s.statistic);
    d["z"] = array_of(s.z);
    d["p"] = array_of(s.p);
    d["cluster"] = array_of<int, std::int8_t>(s.cluster);
    d["permutations"] = s.permutations;
    d["min_p"] = s.min_p;
    return d;
}

using LocalFunction = LocalStatistics (*)(std::span<const double>, const SpatialWeights&, int, std::uint64_t, int,
                                          const Control&);

py::dict local_python(LocalFunction f, const DoubleArray& values, const SpatialWeights& weights, int permutations,
                      std::uint64_t seed, int threads, const py::object& progress) {
    const std::vector<double> v = doubles(values, "values");
    const LocalStatistics s = call_interruptibly<LocalStatistics>(
        [&](const Control& control) { return f(v, weights, permutations, seed, threads, control); }, progress);
    return local_to_python(s);
}

Correction parse_correction(const std::string& name) {
    if (name == "none") return Correction::None;
    if (name == "bonferroni") return Correction::Bonferroni;
    if (name == "fdr") return Correction::FalseDiscoveryRate;
    throw ConfigError("correction: '" + name + "' is not a correction; expected \"none\", \"bonferroni\" or \"fdr\"");
}

}  // namespace

void bind_spatial(py::module_& m) {
    py::class_<SpatialWeights>(m, "SpatialWeights", "Neighbours and weights of n zones in compressed rows (CSR).")
        .def(py::init(
                 [](const IndexArray& offsets, const IndexArray& neighbours, const DoubleArray& weights, bool row_standardised) {
                     SpatialWeights w;
                     w.offsets = indices(offsets, "offsets");
                     w.neighbours = indices(neighbours, "neighbours");
                     w.weights = doubles(weights, "weights");
                     w.row_standardised = row_standardised;
                     w.validate();
                     return w;
                 }),
             py::arg("offsets"), py::arg("neighbours"), py::arg("weights"), py::arg("row_standardised") = false,
             "From CSR arrays (copied); zone i's neighbours are neighbours[offsets[i]:offsets[i + 1]], ascending.")
        .def_property_readonly("n", &SpatialWeights::size)
        .def_property_readonly("offsets", [](const SpatialWeights& w) { return array_of<std::size_t, std::int64_t>(w.offsets); })
        .def_property_readonly("neighbours",
                               [](const SpatialWeights& w) { return array_of<std::size_t, std::int64_t>(w.neighbours); })
        .def_property_readonly("weights", [](const SpatialWeights& w) { return array_of(w.weights); })
        .def_readonly("row_standardised", &SpatialWeights::row_standardised)
        .def("islands", [](const SpatialWeights& w) { return array_of<std::size_t, std::int64_t>(w.islands()); })
        .def("row_standardise", &SpatialWeights::row_standardise, "Divide each row by its sum, in place.")
        .def("copy", [](const SpatialWeights& w) { return SpatialWeights(w); });

    m.def(
        "contiguity_weights",
        [](const py::object& wkb, const std::string& rule, int threads, const py::object& progress) {
            Contiguity c;
            if (rule == "queen") c = Contiguity::Queen;
            else if (rule == "rook") c = Contiguity::Rook;
            else throw ConfigError("contiguity: '" + rule + "' is not a rule; expected \"queen\" or \"rook\"");
            const auto polygons = wkb_from_python(wkb, "zones polygon", false);
            return call_interruptibly<SpatialWeights>(
                [&](const Control& control) { return contiguity_weights(polygons, c, threads, control); }, progress);
        },
        py::arg("wkb"), py::arg("rule"), py::kw_only(), py::arg("threads") = 0, py::arg("progress") = py::none(),
        "Binary queen or rook contiguity of polygon WKBs (GEOS DE-9IM); the GIL is released.");
    m.def(
        "distance_band_weights",
        [](const DoubleArray& x, const DoubleArray& y, double threshold, bool binary) {
            const auto xs = doubles(x, "x"), ys = doubles(y, "y");
            py::gil_scoped_release release;
            return distance_band_weights(xs, ys, threshold, binary);
        },
        py::arg("x"), py::arg("y"), py::arg("threshold"), py::kw_only(), py::arg("binary") = true,
        "Points within threshold (inclusive); weight 1 or 1/distance.");
    m.def(
        "knn_weights",
        [](const DoubleArray& x, const DoubleArray& y, std::size_t k) {
            const auto xs = doubles(x, "x"), ys = doubles(y, "y");
            py::gil_scoped_release release;
            return knn_weights(xs, ys, k);
        },
        py::arg("x"), py::arg("y"), py::arg("k"), "The k nearest other points (ties to the lower index), weight 1.");
    m.def(
        "local_gi_star",
        [](const DoubleArray& values, const SpatialWeights& weights, int permutations, std::uint64_t seed, int threads,
           const py::object& progress) {
            return local_python(&local_gi_star, values, weights, permutations, seed, threads, progress);
        },
        py::arg("values"), py::arg("weights"), py::kw_only(), py::arg("permutations") = 999, py::arg("seed") = 0,
        py::arg("threads") = 0, py::arg("progress") = py::none(),
        "Local Gi* with two-sided conditional-permutation p-values: {statistic, z, p, cluster, permutations, min_p}.");
    m.def(
        "local_moran",
        [](const DoubleArray& values, const SpatialWeights& weights, int permutations, std::uint64_t seed, int threads,
           const py::object& progress) {
            return local_python(&local_moran, values, weights, permutations, seed, threads, progress);
        },
        py::arg("values"), py::arg("weights"), py::kw_only(), py::arg("permutations") = 999, py::arg("seed") = 0,
        py::arg("threads") = 0, py::arg("progress") = py::none(),
        "Local Moran's I with two-sided conditional-permutation p-values; cluster is esda's q (1 HH, 2 LH, 3 LL, 4 HL).");
    m.def(
        "benjamini_hochberg",
        [](const DoubleArray& p, double alpha) {
            const auto ps = doubles(p, "p");
            return array_of<bool>(benjamini_hochberg(ps, alpha));
        },
        py::arg("p"), py::arg("alpha"), "Benjamini-Hochberg step-up rejections (NaN never rejected nor counted).");
    m.def("smallest_p_value", &smallest_p_value, py::arg("permutations"));
    m.def(
        "permutations_suffice",
        [](int permutations, double alpha, std::size_t tests, const std::string& correction) {
            return permutations_suffice(permutations, alpha, tests, parse_correction(correction));
        },
        py::arg("permutations"), py::arg("alpha"), py::arg("tests"), py::arg("correction"));
}

}  // namespace furthest::python
