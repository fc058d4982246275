#include "toml_from_python.hpp"

#include "furthest/errors.hpp"

namespace py = pybind11;

namespace furthest::python {
namespace {

toml::array toml_from_sequence(const py::sequence& sequence, const std::string& where);

void insert_value(toml::table& table, const std::string& key, const py::handle& value, const std::string& where) {
    if (value.is_none()) return;  // as a missing TOML key
    if (py::isinstance<py::bool_>(value)) table.insert(key, value.cast<bool>());
    else if (py::isinstance<py::int_>(value)) table.insert(key, value.cast<std::int64_t>());
    else if (py::isinstance<py::float_>(value)) table.insert(key, value.cast<double>());
    else if (py::isinstance<py::str>(value)) table.insert(key, value.cast<std::string>());
    else if (py::hasattr(value, "__fspath__")) table.insert(key, py::str(value.attr("__fspath__")()).cast<std::string>());
    else if (py::isinstance<py::dict>(value))
        table.insert(key, toml_from_dict(py::reinterpret_borrow<py::dict>(value), where + "." + key));
    else if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value))
        table.insert(key, toml_from_sequence(py::reinterpret_borrow<py::sequence>(value), where + "." + key));
    else if (py::hasattr(value, "item") && py::hasattr(value, "dtype"))  // NumPy scalars
        insert_value(table, key, value.attr("item")(), where);
    else
        throw ConfigError(where + "." + key + ": unsupported value of type " +
                          std::string(py::str(py::type::of(value).attr("__name__"))) +
                          "; expected str, int, float, bool, path, dict or list");
}

toml::array toml_from_sequence(const py::sequence& sequence, const std::string& where) {
    toml::array array;
    for (std::size_t i = 0; i < sequence.size(); ++i) {
        py::handle item = sequence[i];
        const std::string item_where = where + "[" + std::to_string(i) + "]";
        if (py::isinstance<py::dict>(item)) {
            array.push_back(toml_from_dict(py::reinterpret_borrow<py::dict>(item), item_where));
        } else {
            toml::table holder;
            insert_value(holder, "v", item, item_where);
            if (const toml::node* node = holder.get("v")) array.push_back(*node);
        }
    }
    return array;
}

}  // namespace

toml::table toml_from_dict(const py::dict& dict, const std::string& where) {
    toml::table table;
    for (const auto& [key, value] : dict) {
        if (!py::isinstance<py::str>(key)) throw ConfigError(where + ": keys must be strings");
        insert_value(table, key.cast<std::string>(), value, where);
    }
    return table;
}

}  // namespace furthest::python
