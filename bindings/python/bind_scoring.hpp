#pragma once

#include <pybind11/pybind11.h>

namespace furthest::python {

/// score(), class_breaks(): the scoring engine on NumPy arrays.
void bind_scoring(pybind11::module_& m);

}  // namespace furthest::python
