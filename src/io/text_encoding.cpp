#include "io/text_encoding.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

namespace furthest::io {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

// Length of the well-formed UTF-8 sequence at `i` (Unicode 15, table 3-7), or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80) return 1;
    const auto in = [&](std::size_t k, unsigned char lo, unsigned char hi) { return k < s.size() && b(k) >= lo && b(k) <= hi; };
    if (c >= 0xC2 && c <= 0xDF) return in(i + 1, 0x80, 0xBF) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        const unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
    }
    return 0;
}

// Windows-1252 0x80..0x9F; the five bytes it leaves undefined map to the C1 controls, as
// Latin-1 and the WHATWG decoder do.
constexpr std::array<char16_t, 32> kWindows1252High = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                       0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                                       0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                       0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

Utf8Text from_utf16(std::string_view bytes, bool little_endian) {
    Utf8Text out;
    out.text.reserve(bytes.size());
    const auto unit = [&](std::size_t i) -> char16_t {
        const auto a = static_cast<unsigned char>(bytes[i]), b = static_cast<unsigned char>(bytes[i + 1]);
        return static_cast<char16_t>(little_endian ? (b << 8 | a) : (a << 8 | b));
    };
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2) {
        const char16_t u = unit(i);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < bytes.size()) {
            const char16_t v = unit(i + 2);
            if (v >= 0xDC00 && v <= 0xDFFF) {
                append_utf8(out.text, 0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) + (v - 0xDC00));
                i += 2;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
            append_utf8(out.text, kReplacement);
            ++out.replaced;
        } else {
            append_utf8(out.text, u);
        }
    }
    if (i < bytes.size()) {  // an odd trailing byte
        append_utf8(out.text, kReplacement);
        ++out.replaced;
    }
    return out;
}

}  // namespace

std::string_view encoding_name(TextEncoding encoding) {
    switch (encoding) {
        case TextEncoding::Utf8: return "UTF-8";
        case TextEncoding::Utf16LE: return "UTF-16LE";
        case TextEncoding::Utf16BE: return "UTF-16BE";
        case TextEncoding::Windows1252: return "Windows-1252";
        case TextEncoding::Latin1: return "ISO-8859-1";
    }
    return "UTF-8";
}

std::optional<TextEncoding> parse_encoding(std::string_view name) {
    std::string key;
    for (char c : name)
        if (std::isalnum(static_cast<unsigned char>(c)))
            key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (key == "utf8" || key == "utf8sig") return TextEncoding::Utf8;
    if (key == "utf16" || key == "utf16le" || key == "ucs2") return TextEncoding::Utf16LE;
    if (key == "utf16be") return TextEncoding::Utf16BE;
    if (key == "cp1252" || key == "windows1252" || key == "ansi") return TextEncoding::Windows1252;
    if (key == "latin1" || key == "iso88591" || key == "l1") return TextEncoding::Latin1;
    return std::nullopt;
}

bool is_utf8(std::string_view bytes) {
    for (std::size_t i = 0; i < bytes.size();) {
        const std::size_t n = utf8_sequence(bytes, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

TextEncoding detect_encoding(std::string_view bytes) {
    if (bytes.size() >= 2 && bytes[0] == '\xFF' && bytes[1] == '\xFE') return TextEncoding::Utf16LE;
    if (bytes.size() >= 2 && bytes[0] == '\xFE' && bytes[1] == '\xFF') return TextEncoding::Utf16BE;
    if (bytes.rfind("\xEF\xBB\xBF", 0) == 0) return TextEncoding::Utf8;
    // UTF-16 without a mark: ASCII text leaves every other byte zero.
    const std::size_t probe = std::min<std::size_t>(bytes.size() & ~std::size_t{1}, 4096);
    if (probe >= 4) {
        std::size_t zero_even = 0, zero_odd = 0;
        for (std::size_t i = 0; i < probe; ++i)
            if (bytes[i] == '\0') ++(i % 2 ? zero_odd : zero_even);
        if (zero_odd * 10 >= probe * 4 && zero_even == 0) return TextEncoding::Utf16LE;
        if (zero_even * 10 >= probe * 4 && zero_odd == 0) return TextEncoding::Utf16BE;
    }
    return is_utf8(bytes) ? TextEncoding::Utf8 : TextEncoding::Windows1252;
}

Utf8Text to_utf8(std::string_view bytes, TextEncoding encoding) {
    switch (encoding) {
        case TextEncoding::Utf16LE:
        case TextEncoding::Utf16BE: {
            const bool le = encoding == TextEncoding::Utf16LE;
            const std::string_view mark = le ? std::string_view("\xFF\xFE", 2) : std::string_view("\xFE\xFF", 2);
            if (bytes.rfind(mark, 0) == 0) bytes.remove_prefix(2);
            // "utf-16" named in a config follows the file's own mark when it has the other one.
            else if (bytes.rfind(le ? std::string_view("\xFE\xFF", 2) : std::string_view("\xFF\xFE", 2), 0) == 0) {
                bytes.remove_prefix(2);
                return from_utf16(bytes, !le);
            }
            return from_utf16(bytes, le);
        }
        case TextEncoding::Windows1252:
        case TextEncoding::Latin1: {
            Utf8Text out;
            out.text.reserve(bytes.size() + bytes.size() / 8);
            for (char ch : bytes) {
                const auto c = static_cast<unsigned char>(ch);
                if (encoding == TextEncoding::Windows1252 && c >= 0x80 && c <= 0x9F)
                    append_utf8(out.text, kWindows1252High[c - 0x80]);
                else append_utf8(out.text, c);
            }
            return out;
        }
        case TextEncoding::Utf8: break;
    }
    if (bytes.rfind("\xEF\xBB\xBF", 0) == 0) bytes.remove_prefix(3);
    Utf8Text out;
    out.text.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size();) {
        const std::size_t n = utf8_sequence(bytes, i);
        if (n == 0) {
            append_utf8(out.text, kReplacement);
            ++out.replaced;
            ++i;
        } else {
            out.text.append(bytes.substr(i, n));
            i += n;
        }
    }
    return out;
}

std::string valid_utf8(std::string_view text) {
    if (is_utf8(text)) return std::string(text);
    std::string out;
    out.reserve(text.size() + 8);
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8_sequence(text, i);
        if (n == 0) {
            append_utf8(out, kReplacement);
            ++i;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

}  // namespace furthest::io
