/// @brief The exception family furthest throws; each message names file, row/feature, column and what was expected.
#pragma once

#include <stdexcept>
#include <string>

namespace furthest {

/// Base of every error furthest raises on purpose.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An input file is missing, unreadable or holds data of the wrong shape or type.
class InputError : public Error {
public:
    using Error::Error;
};

/// The run configuration is malformed, names unknown keys or contradicts itself.
class ConfigError : public Error {
public:
    using Error::Error;
};

/// Geometry that cannot be used even after repair, or a failed geometry operation.
class GeometryError : public Error {
public:
    using Error::Error;
};

/// An output could not be written (read-only folder, full disk, driver failure).
class OutputError : public Error {
public:
    using Error::Error;
};

/// A stop was requested (Ctrl-C, SIGTERM, a C++ caller's std::stop_source) and honoured:
/// nothing was written after the request; earlier outputs are untouched.
class Stopped : public Error {
public:
    using Error::Error;
};

}  // namespace furthest
