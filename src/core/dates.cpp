#include "core/dates.hpp"

#include <charconv>

namespace furthest::core {
namespace {

bool leap(long year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(long year, int month) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap(year) ? 29 : days[month - 1];
}

// Howard Hinnant's days_from_civil: the proleptic Gregorian calendar, exact for any year.
long days_from_civil(long y, int m, int d) {
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const long yoe = y - era * 400;
    const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// A run of exactly `width` digits at `at`, or -1.
long digits(std::string_view text, std::size_t at, std::size_t width) {
    if (at + width > text.size()) return -1;
    long value = 0;
    const auto [end, error] = std::from_chars(text.data() + at, text.data() + at + width, value);
    return error == std::errc() && end == text.data() + at + width ? value : -1;
}

}  // namespace

std::optional<long> day_number(std::string_view text, DateEnd end) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    // A time of day after the date ("2023-07-01 00:00:00", "2023-07-01T09:00") is not part of it.
    if (const auto cut = text.find_first_of(" T"); cut != std::string_view::npos && cut >= 4) text = text.substr(0, cut);
    long year = -1;
    int month = 0, day = 0;
    if (text.size() == 10 && text[2] == '/' && text[5] == '/') {  // DD/MM/YYYY, as UK spreadsheets write it
        day = static_cast<int>(digits(text, 0, 2));
        month = static_cast<int>(digits(text, 3, 2));
        year = digits(text, 6, 4);
        if (day == 0 || month == 0) return std::nullopt;
    } else {
        // YYYY-MM-DD; or YYYY/MM/DD, which is how GDAL writes a spreadsheet's (or GeoPackage's)
        // date cell as text. One separator throughout.
        year = digits(text, 0, 4);
        const char separator = text.size() >= 7 ? text[4] : '-';
        if (text.size() >= 7) {
            if (separator != '-' && separator != '/') return std::nullopt;
            month = static_cast<int>(digits(text, 5, 2));
            if (month == 0) return std::nullopt;
        }
        if (text.size() == 10) {
            if (text[7] != separator) return std::nullopt;
            day = static_cast<int>(digits(text, 8, 2));
            if (day == 0) return std::nullopt;
        } else if (text.size() != 4 && text.size() != 7) {
            return std::nullopt;
        }
    }
    if (year < 0) return std::nullopt;
    const bool has_month = month != 0, has_day = day != 0;
    if (has_month && (month < 1 || month > 12)) return std::nullopt;
    if (!has_month) month = end == DateEnd::First ? 1 : 12;
    if (has_day && (day < 1 || day > days_in_month(year, month))) return std::nullopt;
    if (!has_day) day = end == DateEnd::First ? 1 : days_in_month(year, month);
    return days_from_civil(year, month, day);
}

}  // namespace furthest::core
