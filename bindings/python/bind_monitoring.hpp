#pragma once

#include <pybind11/pybind11.h>

namespace furthest::python {

/// Programme monitoring: the concentration index of reach over need, shares by group, and
/// disclosure control of count tables.
void bind_monitoring(pybind11::module_& m);

}  // namespace furthest::python
