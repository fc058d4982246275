#include "io/number_parsing.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace furthest::io {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\xa0'; }

// Remove comma thousands separators, but only when every group after the first has exactly
// three digits and the first has one to three; "1,23" is refused rather than read as 123.
bool strip_thousands(std::string_view text, std::string& out) {
    out.clear();
    std::size_t start = 0;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) start = 1;
    std::size_t end = text.find_first_of(".eE", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view integer = text.substr(start, end - start);
    std::size_t group = 0, groups = 0;
    for (std::size_t i = 0; i < integer.size(); ++i) {
        const char c = integer[i];
        if (c == ',') {
            if (group == 0 || (groups == 0 && group > 3) || (groups > 0 && group != 3)) return false;
            ++groups;
            group = 0;
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            ++group;
        } else {
            return false;
        }
    }
    if (groups > 0 && group != 3) return false;
    out.append(text.substr(0, start));
    for (char c : integer)
        if (c != ',') out.push_back(c);
    out.append(text.substr(end));
    return out.find(',') == std::string::npos;
}

// Spaces a spreadsheet or a web page leaves around a number: ASCII blanks, a Latin-1 no-break
// space byte, and the UTF-8 no-break (U+00A0), figure (U+2007) and narrow no-break (U+202F) spaces.
std::string_view trimmed(std::string_view text) {
    static constexpr std::string_view kWideSpaces[] = {"\xC2\xA0", "\xE2\x80\x87", "\xE2\x80\xAF"};
    for (bool again = true; again && !text.empty();) {
        again = false;
        for (std::string_view space : kWideSpaces) {
            if (text.substr(0, space.size()) == space) text.remove_prefix(space.size()), again = true;
            if (text.size() >= space.size() && text.substr(text.size() - space.size()) == space)
                text.remove_suffix(space.size()), again = true;
        }
        if (!text.empty() && is_blank(text.front())) text.remove_prefix(1), again = true;
        if (!text.empty() && is_blank(text.back())) text.remove_suffix(1), again = true;
    }
    return text;
}

}  // namespace

ParsedNumber parse_number(std::string_view text, double& out) {
    text = trimmed(text);
    if (text.empty()) return ParsedNumber::Blank;
    std::string cleaned;
    if (text.find(',') != std::string_view::npos) {
        if (!strip_thousands(text, cleaned)) return ParsedNumber::NotANumber;
        text = cleaned;
    }
    std::string_view digits = text;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    // from_chars would accept "nan"/"inf": refuse anything that does not start like a number.
    const std::size_t first = (!digits.empty() && digits.front() == '-') ? 1 : 0;
    if (digits.size() <= first || !(std::isdigit(static_cast<unsigned char>(digits[first])) || digits[first] == '.'))
        return ParsedNumber::NotANumber;
    double value = 0.0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(value)) return ParsedNumber::NotANumber;
    out = value;
    return ParsedNumber::Value;
}

bool is_plain_decimal(std::string_view text) {
    std::size_t i = 0;
    const auto digits = [&] {
        const std::size_t start = i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
        return i - start;
    };
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    std::size_t mantissa = digits();
    if (i < text.size() && text[i] == '.') {
        ++i;
        mantissa += digits();
    }
    if (mantissa == 0) return false;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
        if (digits() == 0) return false;
    }
    return i == text.size();
}

}  // namespace furthest::io
