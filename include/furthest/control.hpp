/// @brief Stopping and progress for long computations: one stop token, one progress callback.
#pragma once

#include "furthest/errors.hpp"

#include <cmath>
#include <functional>
#include <stop_token>
#include <string>
#include <utility>

namespace furthest {

/// Where a long computation is: the step's name and how far through it (0..1; NaN when a step
/// cannot tell, e.g. reading a file).
struct Progress {
    std::string step;
    double fraction = std::nan("");
};

/// What every loop that can run for more than a second polls. A default Control never stops
/// and reports nowhere; callers (the CLI, Python, another team's program) request a stop
/// through the std::stop_source that made `stop`.
struct Control {
    std::stop_token stop;
    /// Called at each step's start and, inside long steps, with a fraction; never from more
    /// than one thread at a time. Should return quickly.
    std::function<void(const Progress&)> progress;

    bool stop_requested() const { return stop.stop_requested(); }
    /// Throws Stopped, naming `where`, when a stop was requested.
    void check(const std::string& where) const {
        if (stop.stop_requested()) throw Stopped("stopped on request during " + where);
    }
    void report(const std::string& step, double fraction = std::nan("")) const {
        if (progress) progress(Progress{step, fraction});
    }
};

}  // namespace furthest
