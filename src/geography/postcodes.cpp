#include "furthest/postcodes.hpp"

#include "core/text.hpp"

#include <cctype>
#include <cmath>

namespace furthest {
namespace {

bool is_letter(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Outward codes: A9, A99, AA9, AA99, A9A, AA9A (BS 7666). Position rules on which letters may
// appear where are left out on purpose: the directory decides what exists.
bool is_outward(std::string_view s) {
    switch (s.size()) {
        case 2: return is_letter(s[0]) && is_digit(s[1]);
        case 3:
            return is_letter(s[0]) && ((is_digit(s[1]) && (is_digit(s[2]) || is_letter(s[2]))) ||  // A99, A9A
                                       (is_letter(s[1]) && is_digit(s[2])));                      // AA9
        case 4: return is_letter(s[0]) && is_letter(s[1]) && is_digit(s[2]) && (is_digit(s[3]) || is_letter(s[3]));  // AA99, AA9A
        default: return false;
    }
}

}  // namespace

std::string normalise_postcode(std::string_view text) {
    std::string compact;
    compact.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (std::isspace(c)) continue;
        // U+00A0 (no-break space, C2 A0 in UTF-8): spreadsheets and web pages put it in postcodes.
        if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
            ++i;
            continue;
        }
        if (c >= 0x80) return {};
        compact += static_cast<char>(std::toupper(c));
        if (compact.size() > 7) return {};
    }
    if (compact == "GIR0AA") return "GIR 0AA";
    if (compact.size() < 5) return {};
    const std::string_view outward(compact.data(), compact.size() - 3);
    const std::string_view inward(compact.data() + compact.size() - 3, 3);
    if (!is_outward(outward) || !is_digit(inward[0]) || !is_letter(inward[1]) || !is_letter(inward[2])) return {};
    return std::string(outward) + " " + std::string(inward);
}

bool PostcodeDirectory::add(std::string_view postcode, double x, double y) {
    std::string key = normalise_postcode(postcode);
    if (key.empty()) return false;
    const auto [it, inserted] = index_.emplace(key, x_.size());
    if (!inserted) {
        const std::size_t i = it->second;
        const bool same =
            (x == x_[i] || (std::isnan(x) && std::isnan(x_[i]))) && (y == y_[i] || (std::isnan(y) && std::isnan(y_[i])));
        if (!same) ++conflicts_;
        return true;
    }
    postcodes_.push_back(std::move(key));
    x_.push_back(x);
    y_.push_back(y);
    return true;
}

PostcodeDirectory::Match PostcodeDirectory::find(std::string_view text) const {
    Match match;
    bool blank = true;
    for (char c : text) blank = blank && (std::isspace(static_cast<unsigned char>(c)) != 0);
    if (blank) return match;
    match.postcode = normalise_postcode(text);
    if (match.postcode.empty()) {
        match.status = Status::NotAPostcode;
        return match;
    }
    const auto it = index_.find(match.postcode);
    if (it == index_.end()) {
        match.status = Status::Unknown;
        return match;
    }
    match.x = x_[it->second];
    match.y = y_[it->second];
    match.status = std::isnan(match.x) || std::isnan(match.y) ? Status::NoCoordinates : Status::Found;
    return match;
}

std::string PostcodeDirectory::closest(const std::string& postcode) const {
    // A linear scan: only error messages ask, and a national directory (2.7 million) takes a
    // fraction of a second.
    const std::string_view outward = std::string_view(postcode).substr(0, postcode.find(' '));
    std::string best;
    std::size_t best_distance = 3;
    bool best_same_outward = false;
    for (const auto& known : postcodes_) {
        if (known.size() + 2 < postcode.size() || postcode.size() + 2 < known.size()) continue;
        const std::size_t distance = core::edit_distance(known, postcode);
        const bool same_outward = std::string_view(known).substr(0, known.find(' ')) == outward;
        if (distance < best_distance || (distance == best_distance && same_outward && !best_same_outward)) {
            best = known;
            best_distance = distance;
            best_same_outward = same_outward;
        }
    }
    return best_distance <= 2 ? best : std::string();
}

std::string describe(PostcodeDirectory::Status status) {
    switch (status) {
        case PostcodeDirectory::Status::Found: return "found";
        case PostcodeDirectory::Status::Blank: return "blank";
        case PostcodeDirectory::Status::NotAPostcode: return "not shaped like a UK postcode";
        case PostcodeDirectory::Status::Unknown: return "not in the postcode directory";
        case PostcodeDirectory::Status::NoCoordinates: return "in the postcode directory without coordinates";
    }
    return "unknown status";
}

}  // namespace furthest
