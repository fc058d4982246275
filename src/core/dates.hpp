// Calendar dates as written in partner tables (active from / to) and the config (as_of).
#pragma once

#include <optional>
#include <string_view>

namespace furthest::core {

/// Which day a partial date stands for: "2019" as a start is 1 January, as an end 31 December.
enum class DateEnd { First, Last };

/// Days since 1970-01-01 of a date written YYYY, YYYY-MM, YYYY-MM-DD, YYYY/MM/DD (GDAL's text of
/// a date cell) or DD/MM/YYYY (a time of day after the date, as spreadsheets export it, is ignored); nullopt when the text is not such
/// a date (including impossible days such as 2023-02-30).
std::optional<long> day_number(std::string_view text, DateEnd end);

}  // namespace furthest::core
