// Crosswalk bindings: WKB arrays and CRS strings in, a native Crosswalk out; values move as
// NumPy arrays. Geometry is reprojected to one projected working CRS in C++ before any area
// or distance is computed.
#include "bind_crosswalk.hpp"

#include "furthest/crosswalk.hpp"
#include "furthest/errors.hpp"
#include "furthest/io.hpp"
#include "furthest/zonal.hpp"
#include "interruptible.hpp"
#include "wkb_from_python.hpp"

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <limits>

namespace py = pybind11;

namespace furthest::python {
namespace {

std::vector<std::string> in_working_crs(const py::handle& wkb, const std::string& crs, const std::string& working_crs,
                                        const std::string& role) {
    auto geometries = wkb_from_python(wkb, role, true);
    if (crs.empty()) throw InputError(role + ": no CRS; expected a GeoDataFrame with a CRS (set one with .set_crs)");
    py::gil_scoped_release release;
    return io::reproject_geometries(geometries, crs, working_crs, role);
}

// Invalid polygons repaired (GEOS MakeValid) before any area is measured, each repair a
// (role, index, reason) record for the caller to report: a bow-tie's lobes would otherwise cancel
// in the overlay's signed areas and its people vanish without a word.
void repair_into(std::vector<std::string>& wkb, const std::string& role, int threads, py::list& repairs) {
    std::vector<GeometryRepair> done;
    {
        py::gil_scoped_release release;
        done = repair_polygons(wkb, role, {}, threads);
    }
    for (const auto& repair : done) repairs.append(py::make_tuple(role, repair.index, repair.reason));
}

// What check_placement found, for the Python side to raise or warn with the frame's names.
py::dict placement(const PlacementCheck& check) {
    py::dict out;
    out["points"] = check.points;
    out["outside"] = check.outside;
    out["mostly_outside"] = check.mostly_outside();
    out["likely_cause"] = check.likely_cause;
    return out;
}

py::tuple coo(const Crosswalk& w) {
    const auto& m = w.weights();
    py::array_t<std::int64_t> rows(m.nonZeros()), cols(m.nonZeros());
    py::array_t<double> values(m.nonZeros());
    auto r = rows.mutable_unchecked<1>();
    auto c = cols.mutable_unchecked<1>();
    auto v = values.mutable_unchecked<1>();
    py::ssize_t k = 0;
    for (Eigen::Index s = 0; s < m.outerSize(); ++s)
        for (Crosswalk::Matrix::InnerIterator it(m, s); it; ++it, ++k) {
            r(k) = s;
            c(k) = it.col();
            v(k) = it.value();
        }
    return py::make_tuple(rows, cols, values);
}

}  // namespace

void bind_crosswalk(py::module_& m) {
    py::class_<Crosswalk>(m, "Crosswalk", "Sparse sources x targets weights (native; use furthest.Crosswalk)")
        .def_property_readonly("method", &Crosswalk::method)
        .def_property_readonly("shape", [](const Crosswalk& w) { return py::make_tuple(w.sources(), w.targets()); })
        .def_property_readonly("source_weight", [](const Crosswalk& w) { return Eigen::VectorXd(w.source_weight()); })
        .def("coo", &coo, "(rows, cols, values) of the non-zero weights, row-major order (copies)")
        .def("uncovered", &Crosswalk::uncovered)
        .def("main_target", &Crosswalk::main_target)
        .def("apply_extensive",
             [](const Crosswalk& w, const Eigen::VectorXd& x) {
                 Eigen::VectorXd missing;
                 Eigen::VectorXd y;
                 {
                     py::gil_scoped_release release;
                     y = w.apply_extensive(x, &missing);
                 }
                 return py::make_tuple(y, missing);
             })
        .def(
            "apply_intensive",
            [](const Crosswalk& w, const Eigen::VectorXd& x, std::optional<Eigen::VectorXd> weight) {
                Eigen::VectorXd missing;
                Eigen::VectorXd y;
                {
                    py::gil_scoped_release release;
                    y = weight ? w.apply_intensive(x, *weight, &missing) : w.apply_intensive(x, &missing);
                }
                return py::make_tuple(y, missing);
            },
            py::arg("x"), py::arg("weight") = py::none())
        .def("class_shares", &Crosswalk::class_shares)
        .def("then", &Crosswalk::then);

    m.def(
        "overlay_crosswalk",
        [](const py::object& src, const std::string& src_crs, const py::object& tgt, const std::string& tgt_crs,
           const std::string& working_crs, int threads) {
            auto sources = in_working_crs(src, src_crs, working_crs, "sources");
            auto targets = in_working_crs(tgt, tgt_crs, working_crs, "targets");
            py::list repairs;
            repair_into(sources, "sources", threads, repairs);
            repair_into(targets, "targets", threads, repairs);
              // Ctrl-C stops a national overlay within a chunk of sources (GIL released meanwhile).
            Crosswalk w = call_interruptibly<Crosswalk>(
                [&](const Control& control) { return overlay_crosswalk(sources, targets, threads, control); }, py::none());
            return py::make_tuple(std::move(w), repairs);
        },
        py::arg("sources"), py::arg("source_crs"), py::arg("targets"), py::arg("target_crs"), py::arg("working_crs"),
        py::arg("threads") = 0);
    m.def(
        "weighted_points_overlay",
        [](const py::object& src, const std::string& src_crs, const py::object& tgt, const std::string& tgt_crs,
           const py::object& points, const std::string& points_crs, const Eigen::VectorXd& weight, const std::string& working_crs,
           int threads) {
            auto sources = in_working_crs(src, src_crs, working_crs, "sources");
            auto targets = in_working_crs(tgt, tgt_crs, working_crs, "targets");
            auto pts = in_working_crs(points, points_crs, working_crs, "weight points");
            py::list repairs;
            repair_into(sources, "sources", threads, repairs);
            repair_into(targets, "targets", threads, repairs);
            std::vector<Eigen::Index> fallback;
            Crosswalk w;
            {
                py::gil_scoped_release release;
                w = weighted_points_overlay(sources, targets, pts, weight, &fallback, threads);
            }
            return py::make_tuple(std::move(w), fallback, repairs);
        },
        py::arg("sources"), py::arg("source_crs"), py::arg("targets"), py::arg("target_crs"), py::arg("points"),
        py::arg("points_crs"), py::arg("weight"), py::arg("working_crs"), py::arg("threads") = 0);
    m.def(
        "raster_weighted_overlay",
        [](const py::object& src, const std::string& src_crs, const py::object& tgt, const std::string& tgt_crs,
           const std::string& raster_path, int band, const std::string& working_crs, int threads) {
            auto sources = in_working_crs(src, src_crs, working_crs, "sources");
            auto targets = in_working_crs(tgt, tgt_crs, working_crs, "targets");
            py::list repairs;
            repair_into(sources, "sources", threads, repairs);
            repair_into(targets, "targets", threads, repairs);
            std::vector<Eigen::Index> fallback;
            py::gil_scoped_release release;
            const Crosswalk by_area = overlay_crosswalk(sources, targets, threads);
            const io::RasterRequest request{"weight raster", raster_path, band, false};
            const Grid grid = io::read_raster_grid(request);
              // Polygons go to the raster's CRS, so its cells are measured as published.
            auto source_cells = io::reproject_geometries(sources, working_crs, grid.crs_wkt, "sources");
            auto target_cells = io::reproject_geometries(targets, working_crs, grid.crs_wkt, "targets");
            std::vector<std::string> all(source_cells);
            all.insert(all.end(), target_cells.begin(), target_cells.end());
            const RasterBand weight = io::read_raster_band(request, polygon_bounds(all));
            Crosswalk w = raster_weighted_overlay(source_cells, target_cells, weight, by_area, &fallback, threads);
            py::gil_scoped_acquire acquire;
            return py::make_tuple(std::move(w), fallback, repairs);
        },
        py::arg("sources"), py::arg("source_crs"), py::arg("targets"), py::arg("target_crs"), py::arg("raster_path"),
        py::arg("band"), py::arg("working_crs"), py::arg("threads") = 0);
    m.def(
        "points_crosswalk",
        [](const py::object& points, const std::string& points_crs, const py::object& polygons, const std::string& polygons_crs,
           const Eigen::VectorXd& weight, const std::string& working_crs, int threads) {
            auto pts = in_working_crs(points, points_crs, working_crs, "points");
            auto polys = in_working_crs(polygons, polygons_crs, working_crs, "polygons");
            Crosswalk w;
            {
                py::gil_scoped_release release;
                w = points_crosswalk(pts, polys, weight, threads);
            }
            // Geometries other than plain points (the xy path checks those): no placement check.
            return py::make_tuple(std::move(w), placement(PlacementCheck{}));
        },
        py::arg("points"), py::arg("points_crs"), py::arg("polygons"), py::arg("polygons_crs"), py::arg("weight"),
        py::arg("working_crs"), py::arg("threads") = 0);
    m.def(
        "points_crosswalk_xy",
        [](std::vector<double> x, std::vector<double> y, const std::string& points_crs, const py::object& polygons,
           const std::string& polygons_crs, const Eigen::VectorXd& weight, const std::string& working_crs, int threads) {
            auto polys = in_working_crs(polygons, polygons_crs, working_crs, "polygons");
            Crosswalk w;
            PlacementCheck check;
            {
                py::gil_scoped_release release;
                io::reproject_coordinates(x, y, points_crs, working_crs, "points");
                w = points_crosswalk(x, y, polys, weight, threads);
                check = check_placement(x, y, w.main_target(), polys, points_crs, working_crs, threads);
            }
            return py::make_tuple(std::move(w), placement(check));
        },
        py::arg("x"), py::arg("y"), py::arg("points_crs"), py::arg("polygons"), py::arg("polygons_crs"), py::arg("weight"),
        py::arg("working_crs"), py::arg("threads") = 0,
        "Points as coordinate arrays (copied once; NaN = no point) into polygons.");
    m.def(
        "lookup_crosswalk",
        [](Eigen::Index sources, Eigen::Index targets, const std::vector<Eigen::Index>& source_index,
           const std::vector<Eigen::Index>& target_index, const std::string& change, const Eigen::VectorXd& target_weight) {
            if (source_index.size() != target_index.size() || (!change.empty() && change.size() != source_index.size()))
                throw InputError("lookup: source, target and change columns must have the same length");
            std::vector<LookupPair> pairs(source_index.size());
            for (std::size_t i = 0; i < pairs.size(); ++i)
                pairs[i] = {source_index[i], target_index[i], change.empty() ? char(0) : change[i]};
            LookupCrosswalk out = lookup_crosswalk(sources, targets, pairs, target_weight);
            return py::make_tuple(std::move(out.crosswalk), out.derivation, out.source_count);
        },
        py::arg("sources"), py::arg("targets"), py::arg("source_index"), py::arg("target_index"), py::arg("change"),
        py::arg("target_weight"));
    m.def(
        "member_site_crosswalk",
        [](const py::object& zones, const std::string& zones_crs, const py::object& sites, const std::string& sites_crs,
           const std::vector<Eigen::Index>& site_area, Eigen::Index areas, const std::string& assign, int k,
           const std::string& working_crs, int threads) {
            auto zone_geometries = in_working_crs(zones, zones_crs, working_crs, "zones");
            auto site_points = in_working_crs(sites, sites_crs, working_crs, "member sites");
            if (assign != "nearest" && assign != "shared")
                throw ConfigError("assign is '" + assign + "'; expected 'nearest' or 'shared'");
            if (k < 1 || k > 100)
                throw ConfigError("k is " + std::to_string(k) + "; expected a whole number from 1 to 100, as [areas] k");
            py::list repairs;
            repair_into(zone_geometries, "zones", threads, repairs);  // a bow-tie's centroid is meaningless
            Crosswalk w;
            std::vector<std::string> polygons;
            {
                py::gil_scoped_release release;
                const auto points = centroids(zone_geometries, threads);
                w = member_site_crosswalk(points, site_points, site_area, areas,
                                          assign == "shared" ? MemberAssignment::Shared : MemberAssignment::Nearest, k, threads);
                polygons = dissolve(zone_geometries, w.main_target(), areas, threads);
            }
            py::list wkb(polygons.size());
            for (std::size_t i = 0; i < polygons.size(); ++i)
                wkb[i] = polygons[i].empty() ? py::object(py::none()) : py::object(py::bytes(polygons[i]));
            return py::make_tuple(std::move(w), wkb, repairs);
        },
        py::arg("zones"), py::arg("zones_crs"), py::arg("sites"), py::arg("sites_crs"), py::arg("site_area"), py::arg("areas"),
        py::arg("assign"), py::arg("k"), py::arg("working_crs"), py::arg("threads") = 0);
    m.def("is_geographic", &io::is_geographic);
    m.def("crs_wkt", &io::crs_wkt);
}

}  // namespace furthest::python
