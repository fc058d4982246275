// Numbers as published: thousands separators ("29,199"), blanks, stray spaces.
#pragma once

#include <string_view>

namespace furthest::io {

enum class ParsedNumber { Value, Blank, NotANumber };

/// Parse one decimal number. Accepts surrounding blanks, a leading '+', exponent notation and
/// comma thousands separators in groups of three ("1,234,567.5"). Blank text -> Blank.
/// "NaN", "Inf", "1,23" and anything else -> NotANumber.
ParsedNumber parse_number(std::string_view text, double& out);

/// True when the whole text is one plain decimal number as a spreadsheet reads it: an optional
/// sign, digits with at most one decimal point, an optional exponent ("-1.55", "+44", "2.5e-3");
/// no blanks, no thousands separators, nothing before or after.
bool is_plain_decimal(std::string_view text);

}  // namespace furthest::io
