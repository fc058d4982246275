// Run bindings: configs in (path or dict), layers out as NumPy arrays and WKB, one call per run.
#include "bind_run.hpp"

#include "furthest/errors.hpp"
#include "furthest/run.hpp"
#include "run/config_toml.hpp"

#include <pybind11/numpy.h>
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace py = pybind11;

namespace furthest::python {
namespace {

// A Python dict (as TOML would give) to a toml++ table, so dict and file configs share one parser.
toml::table to_toml_table(const py::dict& dict, const std::string& where);

void insert_value(toml::table& table, const std::string& key, const py::handle& value, const std::string& where);

toml::array to_toml_array(const py::sequence& sequence, const std::string& where) {
    toml::array array;
    for (std::size_t i = 0; i < sequence.size(); ++i) {
        py::handle item = sequence[i];
        const std::string item_where = where + "[" + std::to_string(i) + "]";
        if (py::isinstance<py::dict>(item)) {
            array.push_back(to_toml_table(py::reinterpret_borrow<py::dict>(item), item_where));
        } else {
            toml::table holder;
            insert_value(holder, "v", item, item_where);
            array.push_back(*holder.get("v"));
        }
    }
    return array;
}

void insert_value(toml::table& table, const std::string& key, const py::handle& value, const std::string& where) {
    if (py::isinstance<py::bool_>(value)) table.insert(key, value.cast<bool>());
    else if (py::isinstance<py::int_>(value)) table.insert(key, value.cast<std::int64_t>());
    else if (py::isinstance<py::float_>(value)) table.insert(key, value.cast<double>());
    else if (py::isinstance<py::str>(value)) table.insert(key, value.cast<std::string>());
    else if (py::hasattr(value, "__fspath__")) table.insert(key, py::str(value.attr("__fspath__")()).cast<std::string>());
    else if (py::isinstance<py::dict>(value)) table.insert(key, to_toml_table(py::reinterpret_borrow<py::dict>(value), where + "." + key));
    else if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value))
        table.insert(key, to_toml_array(py::reinterpret_borrow<py::sequence>(value), where + "." + key));
    else
        throw ConfigError("config " + where + "." + key + ": unsupported value of type " +
                          std::string(py::str(py::type::of(value).attr("__name__"))) +
                          "; expected str, int, float, bool, path, dict or list");
}

toml::table to_toml_table(const py::dict& dict, const std::string& where) {
    toml::table table;
    for (const auto& [key, value] : dict) {
        if (!py::isinstance<py::str>(key)) throw ConfigError("config " + where + ": keys must be strings");
        insert_value(table, key.cast<std::string>(), value, where);
    }
    return table;
}

RunConfig config_from_python(const py::object& config, const std::filesystem::path& base_dir) {
    if (py::isinstance<py::dict>(config)) {
        const auto table = to_toml_table(config.cast<py::dict>(), "<dict>");
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
