// Numbers as published: thousands separators ("29,199"), blanks, stray spaces.
#pragma once

#include <string_view>

namespace furthest::io {

enum class ParsedNumber { Value, Blank, NotANumber };

/// Parse one decimal number. Accepts surrounding blanks, a leading '+', exponent notation and
/// comma thousands separators in groups of three ("1,234,567.5"). Blank text -> Blank.
/// "NaN", "Inf", "1,23" and anything else -> NotANumber.
ParsedNumber parse_number(std::string_view text, double& out);

}  // namespace furthest::io
