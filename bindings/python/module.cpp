// furthest._core: the private native module. The public API is the pure-Python package on top.
#include "bind_access.hpp"
#include "bind_crosswalk.hpp"
#include "bind_location.hpp"
#include "bind_monitoring.hpp"
#include "bind_run.hpp"
#include "bind_scoring.hpp"
#include "bind_spatial.hpp"
#include "bind_zonal.hpp"
#include "furthest/errors.hpp"
#include "furthest/postcodes.hpp"
#include "furthest/version.hpp"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <optional>

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
    m.doc() = "furthest native core (private; use the furthest package)";
    m.attr("__version__") = FURTHEST_VERSION;

    // One Python exception per C++ type, so `except furthest.InputError` works.
    static py::exception<furthest::Error> error(m, "Error", PyExc_RuntimeError);
    // A bad value is also a ValueError (Python's convention: `except ValueError` catches it).
    static py::exception<furthest::InputError> input_error(m, "InputError", py::make_tuple(error, py::handle(PyExc_ValueError)));
    static py::exception<furthest::ConfigError> config_error(m, "ConfigError",
                                                             py::make_tuple(error, py::handle(PyExc_ValueError)));
    static py::exception<furthest::GeometryError> geometry_error(m, "GeometryError",
                                                                 py::make_tuple(error, py::handle(PyExc_ValueError)));
    static py::exception<furthest::OutputError> output_error(m, "OutputError", error.ptr());
    py::register_exception_translator([](std::exception_ptr p) {
        // A message may quote bytes of a file in any encoding: decoded with U+FFFD for what is
        // not UTF-8, never a UnicodeDecodeError in place of the error itself.
        auto raise = [](PyObject* type, const char* what) {
            PyObject* message = PyUnicode_DecodeUTF8(what, static_cast<Py_ssize_t>(std::strlen(what)), "replace");
            PyErr_SetObject(type, message);
            Py_XDECREF(message);
        };
        try {
            if (p) std::rethrow_exception(p);
        } catch (const furthest::InputError& e) {
            raise(input_error.ptr(), e.what());
        } catch (const furthest::ConfigError& e) {
            raise(config_error.ptr(), e.what());
        } catch (const furthest::GeometryError& e) {
            raise(geometry_error.ptr(), e.what());
        } catch (const furthest::OutputError& e) {
            raise(output_error.ptr(), e.what());
        } catch (const furthest::Stopped& e) {
            // A stop honoured (Ctrl-C or a C++ stop_source): Python's own word for it.
            raise(PyExc_KeyboardInterrupt, e.what());
        } catch (const furthest::Error& e) {
            raise(error.ptr(), e.what());
        }
    });

    furthest::python::bind_run(m);
    furthest::python::bind_scoring(m);
    furthest::python::bind_zonal(m);
    furthest::python::bind_crosswalk(m);
    furthest::python::bind_spatial(m);
    furthest::python::bind_access(m);
    furthest::python::bind_location(m);
    furthest::python::bind_monitoring(m);

    m.def(
        "normalise_postcode",
        [](const std::string& text) -> std::optional<std::string> {
            std::string postcode = furthest::normalise_postcode(text);
            if (postcode.empty()) return std::nullopt;
            return postcode;
        },
        py::arg("text"),
        "The standard form of a UK postcode ('ls14ap' -> 'LS1 4AP'), or None when the text is not shaped like one.");
}
