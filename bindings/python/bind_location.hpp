#pragma once

#include <pybind11/pybind11.h>

namespace furthest::python {

/// Hub site selection: maximal covering (optionally capacitated) and p-median, wave by wave.
void bind_location(pybind11::module_& m);

}  // namespace furthest::python
