// Text for messages: "did you mean" suggestions for misspelt keys, columns and layers, and name lists.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace furthest::core {

/// Damerau-free Levenshtein distance, case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// "; did you mean 'x'?" for the closest candidate within about two edits in five characters, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// "'a', 'b', 'c'" (at most `limit` names, then "... (N in all)").
std::string join_names(const std::vector<std::string>& names, std::size_t limit = 12);

/// A column-name fragment from free text: lower case, runs of other characters as one '_'
/// ("GP practice" -> "gp_practice"); "unspecified" when nothing is left.
std::string slug(std::string_view text);

/// A value as a message may quote it: at most `limit` bytes, cut before a UTF-8 sequence rather
/// than inside one, with "... (N bytes in all)" after a cut (a 10 MB cell is not echoed whole).
std::string clip(std::string_view value, std::size_t limit = 200);

/// A number with `decimals` places, as a reason or a message quotes it ("12.5", "0.33").
std::string fixed(double value, int decimals);

/// A number as a message names a bad value: no trailing zeros ("-4", "0.25", "NaN", "inf").
std::string plain_number(double value);

}  // namespace furthest::core
