/// @brief The exception family furthest throws; each message names file, row/feature, column and what was expected.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>

namespace furthest {

namespace detail {

/// `message` with each value it quotes ('...') cut to about `limit` bytes, on a UTF-8 boundary,
/// and the whole to 8,000 bytes: a 10 MB cell is named, not echoed.
inline std::string clip_quoted_values(const std::string& message, std::size_t limit = 200) {
    auto cut_at = [](const std::string& text, std::size_t at) {
        while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
        return at;
    };
    // A quote opens after a space or bracket ("column 'x'"), never inside a word ("zone's"), and
    // closes before a space, punctuation or the end ("'O'Brien'" stays one value).
    auto opens = [&](std::size_t at) {
        return at == 0 || std::string_view(" ([{,:=\"").find(message[at - 1]) != std::string_view::npos;
    };
    auto closes = [&](std::size_t at) {
        return at + 1 == message.size() || std::string_view(" \t\n,;:.!?)]}\"").find(message[at + 1]) != std::string_view::npos;
    };
    std::string out;
    out.reserve(std::min<std::size_t>(message.size(), 8000));
    std::size_t i = 0;
    while (i < message.size()) {
        std::size_t open = message.find('\'', i);
        while (open != std::string::npos && !opens(open)) open = message.find('\'', open + 1);
        if (open == std::string::npos) {
            out.append(message, i, std::string::npos);
            break;
        }
        std::size_t close = message.find('\'', open + 1);
        while (close != std::string::npos && !closes(close)) close = message.find('\'', close + 1);
        if (close == std::string::npos) close = message.size();
        out.append(message, i, open + 1 - i);
        const std::size_t length = close - open - 1;
        if (length > limit + 40) {  // the margin keeps a value clipped at its source (core::clip) whole
            out.append(message, open + 1, cut_at(message, open + 1 + limit) - open - 1);
            out += "... (" + std::to_string(length) + " bytes in all)";
        } else {
            out.append(message, open + 1, length);
        }
        if (close < message.size()) out += '\'';
        i = close + 1;
    }
    if (out.size() > 8000) {
        out.resize(cut_at(out, 8000));
        out += "... (message cut)";
    }
    return out;
}

}  // namespace detail

/// Base of every error furthest raises on purpose.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(detail::clip_quoted_values(message)) {}
    explicit Error(const char* message) : Error(std::string(message)) {}
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
