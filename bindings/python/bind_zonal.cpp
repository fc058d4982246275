// Zonal bindings: polygon WKBs + a GeoTIFF path in, NumPy columns out. The raster is read here,
// by our GDAL, from its path: no dataset handle ever crosses from rasterio's GDAL or back.
#include "bind_zonal.hpp"

#include "furthest/crosswalk.hpp"
#include "furthest/errors.hpp"
#include "furthest/io.hpp"
#include "furthest/zonal.hpp"
#include "wkb_from_python.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

namespace py = pybind11;

namespace furthest::python {
namespace {

py::dict grid_dict(const Grid& g, Eigen::Index row_offset, Eigen::Index col_offset) {
    py::dict d;
    d["x_min"] = g.west();  // of this window
    d["y_max"] = g.north();
    d["cell_width"] = g.cell_width;
    d["cell_height"] = g.cell_height;
    d["rows"] = g.rows;
    d["cols"] = g.cols;
    d["row_offset"] = row_offset;  // first row/column of this window in the whole raster
    d["col_offset"] = col_offset;
    d["crs_wkt"] = g.crs_wkt;
    return d;
}

// Polygons in the raster's CRS and the band (and weights) on the cells under them.
struct Prepared {
    std::vector<std::string> wkb;
    RasterBand band;
    std::optional<RasterBand> weights;
    Eigen::Index row_offset = 0;
    Eigen::Index col_offset = 0;
};

Prepared prepare(std::vector<std::string> wkb, const std::string& crs_wkt, const std::string& raster_path, int band,
                 const std::optional<std::string>& weights_path) {
    Prepared out;
    const io::RasterRequest request{"raster", raster_path, band, false};
    const Grid full = io::read_raster_grid(request);
    out.wkb = io::reproject_geometries(wkb, crs_wkt, full.crs_wkt, "zones");
    const Bounds bounds = polygon_bounds(out.wkb);
    out.band = io::read_raster_band(request, bounds);
    out.row_offset = out.band.grid.row0;
    out.col_offset = out.band.grid.col0;
    if (weights_path) {
        const io::RasterRequest weight_request{"weights", *weights_path, 1, false};
        const Grid weight_grid = io::read_raster_grid(weight_request);
        if (!weight_grid.same_cells(full)) {
            throw InputError("weights: '" + *weights_path + "' is not on the same cells as '" + raster_path +
                             "' (origin, cell size and size must match); resample it onto the value raster first");
        }
        out.weights = io::read_raster_band(weight_request, bounds);
    }
    return out;
}

}  // namespace

void bind_zonal(py::module_& m) {
    m.def(
        "zonal_statistics",
        [](const py::object& wkb, const std::string& crs_wkt, const std::string& raster_path,
           const std::vector<std::string>& statistics, const std::optional<std::string>& weights_path,
           std::optional<double> threshold, int band, int threads, const std::string& coverage) {
            ZonalOptions options;
            for (const auto& name : statistics) options.statistics.push_back(parse_zonal_statistic(name, "stats"));
            if (coverage == "float32") options.precision = CoveragePrecision::Single;
            else if (coverage != "float64")
                throw ConfigError("coverage: '" + coverage + "' is not a precision; expected \"float64\" or \"float32\"");
            options.threshold = threshold;
            options.threads = threads;
            auto polygons = wkb_from_python(wkb, "zones polygon", false);
            ZonalTable table;
            {
                py::gil_scoped_release release;
                Prepared p = prepare(std::move(polygons), crs_wkt, raster_path, band, weights_path);
                options.weights = p.weights ? &*p.weights : nullptr;
                table = zonal_statistics(p.wkb, p.band, options);
            }
            py::dict out;
            for (std::size_t k = 0; k < statistics.size(); ++k) {
                const Eigen::VectorXd column = table.values.col(static_cast<Eigen::Index>(k));
                out[py::str(statistics[k])] = py::array_t<double>(column.size(), column.data());
            }
            return out;
        },
        py::arg("wkb"), py::arg("crs_wkt"), py::arg("raster_path"), py::arg("statistics"), py::kw_only(),
        py::arg("weights_path") = py::none(), py::arg("threshold") = py::none(), py::arg("band") = 1, py::arg("threads") = 0,
        py::arg("coverage") = "float64",
        "Zonal statistics of a GeoTIFF band in each polygon (WKB in crs_wkt; reprojected to the raster's CRS "
        "when it differs). Returns {statistic: float64 array}. The GIL is released while reading and computing.");

    m.def(
        "raster_crosswalk",
        [](const py::object& wkb, const std::string& crs_wkt, const std::string& raster_path,
           const std::optional<std::string>& weights_path, int band, int threads) {
            auto polygons = wkb_from_python(wkb, "zones polygon", false);
            Crosswalk w;
            Prepared p;
            {
                py::gil_scoped_release release;
                p = prepare(std::move(polygons), crs_wkt, raster_path, band, weights_path);
                w = raster_crosswalk(p.wkb, p.band.grid, p.weights ? &*p.weights : nullptr, threads);
            }
            return py::make_tuple(std::move(w), grid_dict(p.band.grid, p.row_offset, p.col_offset));
        },
        py::arg("wkb"), py::arg("crs_wkt"), py::arg("raster_path"), py::kw_only(), py::arg("weights_path") = py::none(),
        py::arg("band") = 1, py::arg("threads") = 0,
        "Cells x polygons crosswalk on the window of the raster under the polygons: (Crosswalk, grid), where "
        "source s is window cell (s // cols, s % cols), i.e. raster cell (row_offset + s // cols, col_offset + s % cols).");

    m.def(
        "cell_coverage",
        [](const py::bytes& wkb, double x_min, double y_max, double cell_width, double cell_height, Eigen::Index rows,
           Eigen::Index cols) {
            Grid g;
            g.x_min = x_min;
            g.y_max = y_max;
            g.cell_width = cell_width;
            g.cell_height = cell_height;
            g.rows = rows;
            g.cols = cols;
            const std::string polygon = wkb;
            CellCoverage c;
            {
                py::gil_scoped_release release;
                c = coverage_fractions(polygon, g);
            }
            py::array_t<double> fractions({static_cast<py::ssize_t>(c.rows), static_cast<py::ssize_t>(c.cols)});
            std::copy(c.fraction.begin(), c.fraction.end(), fractions.mutable_data());
            return py::make_tuple(c.row0, c.col0, fractions);
        },
        py::arg("wkb"), py::arg("x_min"), py::arg("y_max"), py::arg("cell_width"), py::arg("cell_height"), py::arg("rows"),
        py::arg("cols"), "Exact coverage of each grid cell by one polygon: (row0, col0, fractions[rows, cols]) of its window.");

    m.def(
        "reproject_polygons",
        [](const py::object& wkb, const std::string& from_wkt, const std::string& to_wkt) {
            auto polygons = wkb_from_python(wkb, "polygon", false);
            std::vector<std::string> out;
            {
                py::gil_scoped_release release;
                out = io::reproject_geometries(polygons, from_wkt, to_wkt, "polygons");
            }
            py::list result(out.size());
            for (std::size_t i = 0; i < out.size(); ++i) result[i] = py::bytes(out[i]);
            return result;
        },
        py::arg("wkb"), py::arg("from_wkt"), py::arg("to_wkt"),
        "Polygon WKBs reprojected as zonal_statistics reprojects them (GDAL/PROJ, x = easting/longitude).");
}

}  // namespace furthest::python
