/// @brief UK postcodes: one standard form, and a directory that says where each one is.
///
/// Partner lists arrive with postcodes typed every which way ("LS1 4AP", "ls14ap",
/// " LS1  4AP "); the ONS postcode directories (NSPL, ONSPD) write them in three widths
/// (pcd, pcd2, pcds). All of them meet in one standard form before they are compared.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace furthest {

/// The standard form of a UK postcode: upper case, no blanks inside the outward code, one space
/// before the inward code ("ls14ap", " LS1  4AP", "LS1\u00a04AP" -> "LS1 4AP"). Empty when the
/// text is not shaped like a postcode: an outward code A9, A99, AA9, AA99, A9A or AA9A, then an
/// inward code 9AA (and the special "GIR 0AA").
std::string normalise_postcode(std::string_view text);

/// Postcodes and their coordinates (in one CRS, which the caller keeps), looked up by any
/// spelling that normalise_postcode() accepts.
class PostcodeDirectory {
public:
    enum class Status {
        Found,          ///< known, with coordinates
        Blank,          ///< empty or only blanks
        NotAPostcode,   ///< not shaped like a postcode
        Unknown,        ///< shaped like one but not in the directory
        NoCoordinates,  ///< in the directory without coordinates (terminated, or non-geographic)
    };
    struct Match {
        Status status = Status::Blank;
        std::string postcode;  ///< the standard form (empty unless shaped like a postcode)
        double x = 0.0;
        double y = 0.0;
    };

    /// Add a postcode with its coordinates; NaN coordinates record a postcode known to have none.
    /// Returns false (and changes nothing) when `postcode` is not shaped like a postcode.
    /// A postcode added twice keeps its first coordinates; duplicates() counts the conflicts.
    bool add(std::string_view postcode, double x, double y);

    Match find(std::string_view text) const;

    /// A known postcode one or two keystrokes from `postcode` (a standard form), preferring one in
    /// the same outward code; empty when none is that close. For "did you mean" messages.
    std::string closest(const std::string& postcode) const;

    std::size_t size() const { return x_.size(); }
    /// Postcodes added again with different coordinates.
    std::size_t conflicting_duplicates() const { return conflicts_; }

private:
    std::unordered_map<std::string, std::size_t> index_;
    std::vector<std::string> postcodes_;
    std::vector<double> x_, y_;
    std::size_t conflicts_ = 0;
};

/// Words for a status, for messages: "not in the postcode directory", ...
std::string describe(PostcodeDirectory::Status status);

}  // namespace furthest
