#pragma once

#include <pybind11/pybind11.h>

namespace furthest::python {

/// The Crosswalk class and its builders.
void bind_crosswalk(pybind11::module_& m);

}  // namespace furthest::python
