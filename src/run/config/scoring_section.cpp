// [scoring]: the method. Without its own [[scoring.indicators]], the index is the run's
// [[indicators]] with their directions and weights.
#include "core/enum_names.hpp"
#include "core/text.hpp"
#include "run/config/scoring_spec.hpp"
#include "run/config/sections.hpp"

#include <algorithm>

namespace furthest::run_detail {

void parse_scoring_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    toml::table scoring = reader.section(root, "scoring", false);
    std::vector<std::string> indicator_names;
    for (const auto& spec : config.indicators) indicator_names.push_back(spec.name);
    if (!scoring.contains("indicators")) {
        toml::array list;
        for (const auto& spec : config.indicators) {
            toml::table entry;
            entry.insert("name", spec.name);
            entry.insert("direction", core::enum_name(spec.direction));
            entry.insert("weight", spec.weight);
            list.push_back(std::move(entry));
        }
        scoring.insert("indicators", std::move(list));
    }
    config.scoring = scoring_spec_from_table(scoring, "config " + reader.source());
    // One place handles blanks: the scoring. An [[indicators]] entry's `missing` becomes the
    // policy of the scoring indicators that read it, unless they name their own.
    for (auto& indicator : config.scoring.indicators) {
        if (indicator.missing) continue;
        const std::string& source = indicator.column.empty() ? indicator.name : indicator.column;
        for (const auto& spec : config.indicators)
            if (spec.name == source && spec.missing) indicator.missing = spec.missing;
    }
    for (const auto& indicator : config.scoring.indicators) {
        for (const std::string* column : {&indicator.column, &indicator.standard_error_column}) {
            if (column->empty() || std::find(indicator_names.begin(), indicator_names.end(), *column) != indicator_names.end())
                continue;
            reader.fail("[scoring] indicator '" + indicator.name + "' uses '" + *column + "', which is not the name of any " +
                        "[[indicators]] entry" + core::did_you_mean(*column, indicator_names) +
                        "; names: " + core::join_names(indicator_names));
        }
    }
}

}  // namespace furthest::run_detail
