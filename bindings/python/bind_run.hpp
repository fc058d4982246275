#pragma once

#include <pybind11/pybind11.h>

namespace furthest::python {

/// run(), validate() and the config conversion.
void bind_run(pybind11::module_& m);

}  // namespace furthest::python
