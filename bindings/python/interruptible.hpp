// Long calls from Python that Ctrl-C can stop: the work runs on its own thread with the GIL
// released while the calling thread polls Python's signal handlers; a KeyboardInterrupt (or any
// exception a signal handler raises) requests a stop through the work's Control, waits for the
// worker to notice (the engine checks about every 0.1 s of work) and re-raises in Python.
// Header-only so bind_scoring.cpp and bind_run.cpp share it.
#pragma once

#include "furthest/control.hpp"
#include "furthest/errors.hpp"

#include <pybind11/pybind11.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>

namespace furthest::python {

namespace interruptible_detail {

/// Calls a Python progress callback (step: str, fraction: float) from the worker thread, with the
/// GIL held, at most ~10 times a second per step (a new step and a step's end, fraction 1, are
/// always reported). A Python error
/// in the callback stops the work and is re-raised by call_interruptibly.
class ProgressRelay {
public:
    explicit ProgressRelay(pybind11::object callback) : callback_(std::move(callback)) {}
    ~ProgressRelay() {
        pybind11::gil_scoped_acquire gil;
        callback_ = pybind11::object();
    }
    ProgressRelay(const ProgressRelay&) = delete;
    ProgressRelay& operator=(const ProgressRelay&) = delete;

    bool active() const { return callback_ && !callback_.is_none(); }

    /// Called from the worker; `stop` is requested when the callback raises.
    void report(const Progress& progress, std::stop_source& stop) {
        const auto now = std::chrono::steady_clock::now();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            const bool new_step = progress.step != last_step_;
            const bool done = progress.fraction >= 1.0;
            if (!new_step && !done && now - last_call_ < std::chrono::milliseconds(100)) return;
            last_step_ = progress.step;
            last_call_ = now;
        }
        pybind11::gil_scoped_acquire gil;
        try {
            callback_(progress.step, progress.fraction);
        } catch (pybind11::error_already_set& e) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (!error_) error_.emplace(std::move(e));
            }
            stop.request_stop();
        }
    }

    /// Re-raise a callback's Python error, if any (GIL held).
    void rethrow_error() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (error_) {
            pybind11::error_already_set e = std::move(*error_);
            error_.reset();
            throw e;
        }
    }

private:
    pybind11::object callback_;
    std::mutex mutex_;
    std::string last_step_;
    std::chrono::steady_clock::time_point last_call_{};
    std::optional<pybind11::error_already_set> error_;
};

}  // namespace interruptible_detail

/// Run `work` on a std::thread with the GIL released, polling for Python signals every ~50 ms.
/// Call with the GIL held. On a pending KeyboardInterrupt (or another exception from a signal
/// handler) the stop is requested, the worker joined, and that Python exception raised. A
/// furthest::Stopped from the worker without a Python signal is rethrown as it is; any other
/// exception of the worker is rethrown here. `progress` is None or a callable (step, fraction).
template <class Result>
Result call_interruptibly(const std::function<Result(const Control&)>& work, const pybind11::object& progress) {
    std::stop_source stop;
    interruptible_detail::ProgressRelay relay(progress);
    Control control;
    control.stop = stop.get_token();
    if (relay.active()) control.progress = [&relay, &stop](const Progress& p) { relay.report(p, stop); };

    std::mutex mutex;
    std::condition_variable finished_cv;
    bool finished = false;
    std::optional<Result> result;
    std::exception_ptr failure;
    std::optional<pybind11::error_already_set> signal_error;

    {
        pybind11::gil_scoped_release release;
        std::thread worker([&] {
            try {
                Result r = work(control);
                std::lock_guard<std::mutex> lock(mutex);
                result.emplace(std::move(r));
            } catch (...) {
                std::lock_guard<std::mutex> lock(mutex);
                failure = std::current_exception();
            }
            std::lock_guard<std::mutex> lock(mutex);
            finished = true;
            finished_cv.notify_all();
        });
        for (;;) {
            {
                std::unique_lock<std::mutex> lock(mutex);
                if (finished_cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return finished; })) break;
            }
            if (signal_error) continue;  // stop already requested; wait for the worker
            pybind11::gil_scoped_acquire gil;
            if (PyErr_CheckSignals() != 0) {
                signal_error.emplace();  // takes the pending Python exception (KeyboardInterrupt)
                stop.request_stop();
            }
        }
        worker.join();
    }
    if (signal_error) throw std::move(*signal_error);
    relay.rethrow_error();
    if (failure) std::rethrow_exception(failure);
    return std::move(*result);
}

}  // namespace furthest::python
