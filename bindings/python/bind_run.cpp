// Run bindings: configs in (path or dict), layers out as NumPy arrays and WKB, one call per run.
#include "bind_run.hpp"

#include "furthest/errors.hpp"
#include "furthest/run.hpp"
#include "run/config_toml.hpp"
#include "toml_from_python.hpp"

#include <pybind11/numpy.h>
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace py = pybind11;

namespace furthest::python {
namespace {

RunConfig config_from_python(const py::object& config, const std::filesystem::path& base_dir) {
    if (py::isinstance<py::dict>(config)) {
        const auto table = toml_from_dict(config.cast<py::dict>(), "config <dict>");
        return run_detail::config_from_table(table, base_dir, "<dict>");
    }
    return load_config(std::filesystem::path(py::str(py::module_::import("os").attr("fspath")(config)).cast<std::string>()));
}

py::dict column_arrays(const Layer& layer) {
    py::dict columns;
    for (const auto& column : layer.columns) {
        py::object values = std::visit(
            [&](const auto& v) -> py::object {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, Column::Texts>) {
                    py::list out(v.size());
                    for (std::size_t i = 0; i < v.size(); ++i)
                        out[i] = column.is_valid(i) ? py::object(py::str(v[i])) : py::object(py::none());
                    return std::move(out);
                } else if constexpr (std::is_same_v<T, Column::Integers>) {
                    if (column.valid.empty() || std::all_of(column.valid.begin(), column.valid.end(), [](bool b) { return b; }))
                        return py::array_t<std::int64_t>(static_cast<py::ssize_t>(v.size()), v.data());
                    // Integers with gaps become floats with NaN, as pandas would read them.
                    py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
                    auto m = out.mutable_unchecked<1>();
                    for (std::size_t i = 0; i < v.size(); ++i)
                        m(static_cast<py::ssize_t>(i)) = column.is_valid(i) ? static_cast<double>(v[i]) : std::nan("");
                    return std::move(out);
                } else {
                    return py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data());
                }
            },
            column.values);
        columns[py::str(column.name)] = values;
    }
    return columns;
}

py::object layer_to_python(const Layer& layer) {
    if (layer.rows() == 0 && layer.columns.empty()) return py::none();
    py::dict out;
    out["name"] = layer.name;
    out["columns"] = column_arrays(layer);
    if (layer.has_geometry()) {
        py::list wkb(layer.wkb.size());
        for (std::size_t i = 0; i < layer.wkb.size(); ++i)
            wkb[i] = layer.wkb[i].empty() ? py::object(py::none()) : py::object(py::bytes(layer.wkb[i]));
        out["wkb"] = std::move(wkb);
        out["crs_wkt"] = layer.crs_wkt;
    } else {
        out["wkb"] = py::none();
        out["crs_wkt"] = py::none();
    }
    return std::move(out);
}

py::dict result_to_python(const RunResult& result) {
    py::dict out;
    out["zones"] = layer_to_python(result.zones);
    out["areas"] = layer_to_python(result.areas);
    out["partners"] = layer_to_python(result.partners);
    out["zone_areas"] = layer_to_python(result.zone_areas);
    out["manifest"] = result.manifest_json;
    out["warnings"] = result.warnings;
    out["output_path"] = result.output_path.empty() ? py::object(py::none()) : py::object(py::str(result.output_path.string()));
    out["manifest_path"] = result.manifest_path.empty() ? py::object(py::none()) : py::object(py::str(result.manifest_path.string()));
    py::list tables;
    for (const auto& path : result.table_paths) tables.append(py::str(path.string()));
    out["table_paths"] = tables;
    return out;
}

py::dict run_python(const py::object& config, const std::string& base_dir, const std::string& output, bool write,
                    const py::object& progress) {
    RunConfig parsed = config_from_python(config, base_dir.empty() ? std::filesystem::current_path() : std::filesystem::path(base_dir));
    if (!output.empty()) {
        parsed.output.path = std::filesystem::absolute(output).lexically_normal();
        if (parsed.output.path.extension() != ".gpkg")
            throw ConfigError("output '" + output + "' must be a GeoPackage path ending in .gpkg");
    }
    RunOptions options;
    options.write = write;
    if (!progress.is_none()) {
        // Called once per stage, never from a hot loop: take the GIL just for the call.
        options.progress = [progress](const std::string& stage) {
            py::gil_scoped_acquire gil;
            progress(stage);
        };
    }
    RunResult result;
    {
        py::gil_scoped_release release;
        result = run(parsed, options);
    }
    return result_to_python(result);
}

}  // namespace

void bind_run(py::module_& m) {
    m.def("run", &run_python, py::arg("config"), py::kw_only(), py::arg("base_dir") = "", py::arg("output") = "",
          py::arg("write") = true, py::arg("progress") = py::none(),
          "Run a config (path to TOML, or dict of the same shape). Returns a dict of layers "
          "(columns as NumPy arrays, geometries as WKB bytes), the manifest JSON and warnings. "
          "The GIL is released during the run; results are copied once into NumPy.");
    m.def("check_config", [](const py::object& config, const std::string& base_dir) {
              RunConfig parsed = config_from_python(config, base_dir.empty() ? std::filesystem::current_path() : std::filesystem::path(base_dir));
              return parsed.config_json;
          },
          py::arg("config"), py::kw_only(), py::arg("base_dir") = "",
          "Parse and check a config without reading inputs; returns it as JSON text.");
}

}  // namespace furthest::python
