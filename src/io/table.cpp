#include "furthest/table.hpp"

#include <cmath>
#include <stdexcept>

namespace furthest {

std::size_t Column::size() const {
    return std::visit([](const auto& v) { return v.size(); }, values);
}

bool Column::is_valid(std::size_t row) const {
    if (const auto* reals = std::get_if<Reals>(&values)) {
        if (std::isnan((*reals)[row])) return false;
    }
    return valid.empty() || valid[row];
}

Column Column::reals(std::string name, Reals v) { return Column{std::move(name), std::move(v), {}}; }

Column Column::integers(std::string name, Integers v, std::vector<bool> valid) {
    return Column{std::move(name), std::move(v), std::move(valid)};
}

Column Column::texts(std::string name, Texts v, std::vector<bool> valid) {
    return Column{std::move(name), std::move(v), std::move(valid)};
}

std::size_t Layer::rows() const {
    if (!wkb.empty()) return wkb.size();
    return columns.empty() ? 0 : columns.front().size();
}

const Column* Layer::find(std::string_view column_name) const {
    for (const auto& column : columns)
        if (column.name == column_name) return &column;
    return nullptr;
}

const Column& Layer::at(std::string_view column_name) const {
    if (const Column* column = find(column_name)) return *column;
    throw std::out_of_range("layer '" + name + "' has no column '" + std::string(column_name) + "'");
}

}  // namespace furthest
