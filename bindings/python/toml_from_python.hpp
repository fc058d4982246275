// Python dicts of the same shape as a TOML config (or one of its sections) to toml++ tables,
// so dicts and files go through one parser and one set of messages.
#pragma once

#include <pybind11/pybind11.h>
#include <toml++/toml.h>

#include <string>

namespace furthest::python {

/// str, int, float, bool, os.PathLike, NumPy scalars, dicts and lists; None means "not set".
/// `where` names the dict in messages (e.g. "<dict>" or "scoring spec").
toml::table toml_from_dict(const pybind11::dict& dict, const std::string& where);

}  // namespace furthest::python
