// WKB arrays from Python (shapely.to_wkb output, lists of bytes): copied once into C++ strings.
#pragma once

#include "furthest/errors.hpp"

#include <pybind11/pybind11.h>

#include <string>
#include <vector>

namespace furthest::python {

/// One std::string per item. None is an empty string (no geometry) when `allow_missing`, else an
/// InputError naming `role` and the 1-based item.
inline std::vector<std::string> wkb_from_python(const pybind11::handle& sequence, const std::string& role, bool allow_missing) {
    std::vector<std::string> out;
    std::size_t i = 0;
    for (const pybind11::handle item : pybind11::iter(sequence)) {
        ++i;
        if (item.is_none()) {
            if (!allow_missing) throw InputError(role + " " + std::to_string(i) + ": geometry is missing");
            out.emplace_back();
            continue;
        }
        out.push_back(item.cast<std::string>());
    }
    return out;
}

}  // namespace furthest::python
