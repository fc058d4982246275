// Run bindings: configs in (path or dict), layers out as NumPy arrays and WKB, one call per run.
#include "bind_run.hpp"

#include "furthest/errors.hpp"
#include "furthest/run.hpp"
#include "interruptible.hpp"

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace py = pybind11;

namespace furthest::python {
namespace {

// A TOML file's path, or (is_json) the JSON text furthest.run() makes of a dict
// (furthest/_config_json.py): both reach the same section parsers.
RunConfig config_from_python(const py::object& config, bool is_json, const std::filesystem::path& base_dir) {
    if (is_json) return parse_config_json(config.cast<std::string>(), base_dir);
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
    // The output catalogue, in order: whatever tables the stages made.
    py::list tables;
    for (std::size_t i = 0; i < result.tables.size(); ++i) {
        py::object table = layer_to_python(result.tables[i]);
        if (table.is_none()) continue;
        table["about"] = result.catalogue[i].about;
        table["stage"] = result.catalogue[i].stage;
        tables.append(table);
    }
    out["tables"] = tables;
    out["manifest"] = result.manifest_json;
    py::list warnings;
    for (const auto& warning : result.warnings) {
        py::dict record;
        record["stage"] = warning.stage;
        record["code"] = warning.code;
        record["message"] = warning.message;
        record["ids"] = warning.ids;
        warnings.append(record);
    }
    out["warnings"] = warnings;
    out["output_path"] = result.output_path.empty() ? py::object(py::none()) : py::object(py::str(result.output_path.string()));
    out["manifest_path"] =
        result.manifest_path.empty() ? py::object(py::none()) : py::object(py::str(result.manifest_path.string()));
    py::list paths;
    for (const auto& path : result.table_paths) paths.append(py::str(path.string()));
    out["table_paths"] = paths;
    return out;
}

py::dict run_python(const py::object& config, bool is_json, const std::string& base_dir, const std::string& output, bool write,
                    const py::object& progress) {
    RunConfig parsed =
        config_from_python(config, is_json, base_dir.empty() ? std::filesystem::current_path() : std::filesystem::path(base_dir));
    if (!output.empty()) parsed.output.path = std::filesystem::absolute(output).lexically_normal();
    // The overridden config is checked at the door by run() itself, like any other.
    const RunResult result = call_interruptibly<RunResult>(
        [&](const Control& control) {
            RunOptions options;
            options.write = write;
            options.control = control;
            return run(parsed, options);
        },
        progress);
    return result_to_python(result);
}

}  // namespace

void bind_run(py::module_& m) {
    m.def("run", &run_python, py::arg("config"), py::kw_only(), py::arg("is_json") = false, py::arg("base_dir") = "",
          py::arg("output") = "", py::arg("write") = true, py::arg("progress") = py::none(),
          "Run a config (path to TOML, or with is_json JSON text of the same shape). Returns a dict of layers "
          "(columns as NumPy arrays, geometries as WKB bytes), the manifest JSON and warnings. "
          "The GIL is released during the run; results are copied once into NumPy.");
    m.def(
        "check_config",
        [](const py::object& config, bool is_json, const std::string& base_dir, const std::string& output) {
            RunConfig parsed = config_from_python(
                config, is_json, base_dir.empty() ? std::filesystem::current_path() : std::filesystem::path(base_dir));
            if (!output.empty()) parsed.output.path = std::filesystem::absolute(output).lexically_normal();
            check_config(parsed);
            return parsed.config_json;
        },
        py::arg("config"), py::kw_only(), py::arg("is_json") = false, py::arg("base_dir") = "", py::arg("output") = "",
        "Parse a config and check its invariants (outputs spare inputs, allowed folders, network) without reading "
        "inputs; returns it as JSON text.");
    m.def(
        "output_tables",
        [](const py::object& config, bool is_json, const std::string& base_dir) {
            RunConfig parsed = config_from_python(
                config, is_json, base_dir.empty() ? std::filesystem::current_path() : std::filesystem::path(base_dir));
            py::list out;
            for (const auto& table : output_tables(parsed)) out.append(py::make_tuple(table.name, table.stage, table.about));
            return out;
        },
        py::arg("config"), py::kw_only(), py::arg("is_json") = false, py::arg("base_dir") = "",
        "The output catalogue a run of this config makes: (name, stage, about) per table, in order, without reading inputs.");
}

}  // namespace furthest::python
