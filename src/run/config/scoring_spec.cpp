// Reading a scoring spec from TOML: a run config's [scoring] section, parse_scoring_spec's text, or
// parse_scoring_spec_json's JSON converted to a table. The scoring engine itself never sees TOML.
#include "run/config/scoring_spec.hpp"

#include "core/enum_names.hpp"
#include "core/text.hpp"
#include "furthest/errors.hpp"
#include "run/config/json_to_toml.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace furthest {
namespace run_detail {
namespace {

class SpecReader {
public:
    explicit SpecReader(std::string where) : where_(std::move(where)) {}

    [[noreturn]] void fail(const std::string& message) const { throw ConfigError("scoring spec " + where_ + ": " + message); }

    void check_keys(const toml::table& table, const std::string& section, const std::vector<std::string>& known) const {
        for (const auto& [key, node] : table) {
            const std::string name(key.str());
            if (std::find(known.begin(), known.end(), name) == known.end())
                fail("unknown key '" + name + "' in " + section + core::did_you_mean(name, known) +
                     "; known keys: " + core::join_names(known));
        }
    }

    std::string text(const toml::table& t, const std::string& section, const std::string& key,
                     const std::string& fallback = {}) const {
        const toml::node* node = t.get(key);
        if (!node) return fallback;
        if (!node->is_string()) fail("'" + key + "' in " + section + " must be a string");
        return node->as_string()->get();
    }

    double number(const toml::table& t, const std::string& section, const std::string& key, double fallback) const {
        const toml::node* node = t.get(key);
        if (!node) return fallback;
        if (auto v = node->value<double>()) return *v;
        fail("'" + key + "' in " + section + " must be a number");
    }

    std::int64_t integer(const toml::table& t, const std::string& section, const std::string& key, std::int64_t fallback) const {
        const toml::node* node = t.get(key);
        if (!node) return fallback;
        // value_exact: toml++'s converting value<int64_t>() casts a float before range-checking it
        // (undefined for 1e300); whole floats are taken only where every integer is exact.
        if (auto v = node->value_exact<std::int64_t>()) return *v;
        if (auto v = node->value_exact<double>(); v && std::floor(*v) == *v && std::abs(*v) <= 9007199254740992.0)
            return static_cast<std::int64_t>(*v);
        fail("'" + key + "' in " + section + " must be a whole number");
    }

    bool boolean(const toml::table& t, const std::string& section, const std::string& key, bool fallback) const {
        const toml::node* node = t.get(key);
        if (!node) return fallback;
        if (auto v = node->value<bool>()) return *v;
        fail("'" + key + "' in " + section + " must be true or false");
    }

    template <typename E>
    E choice(const std::string& value, const std::string& section, const std::string& key,
             const std::vector<std::pair<std::string, E>>& options) const {
        std::vector<std::string> names;
        for (const auto& [name, e] : options) {
            if (name == value) return e;
            names.push_back(name);
        }
        fail("'" + key + "' in " + section + " is '" + value + "'" + core::did_you_mean(value, names) + "; expected one of " +
             core::join_names(names));
    }

    template <typename E>
    std::optional<E> optional_choice(const toml::table& t, const std::string& section, const std::string& key,
                                     const std::vector<std::pair<std::string, E>>& options) const {
        if (!t.get(key)) return std::nullopt;
        return choice(text(t, section, key), section, key, options);
    }

    std::vector<double> numbers(const toml::table& t, const std::string& section, const std::string& key) const {
        const toml::node* node = t.get(key);
        if (!node) return {};
        const toml::array* array = node->as_array();
        if (!array) fail("'" + key + "' in " + section + " must be a list of numbers");
        std::vector<double> out;
        for (const auto& item : *array) {
            auto v = item.value<double>();
            if (!v) fail("'" + key + "' in " + section + " must be a list of numbers");
            out.push_back(*v);
        }
        return out;
    }

    const std::string& where() const { return where_; }

private:
    std::string where_;
};

const auto& kNormalisations = core::enum_names<Normalisation>();
const auto& kTransforms = core::enum_names<Transform>();
const std::vector<std::pair<std::string, Transform>> kDomainTransforms = {
    {"none", Transform::None}, {"rank", Transform::Rank}, {"imd_exponential", Transform::ImdExponential}};
const auto& kMissing = core::enum_names<MissingValues>();
const auto& kAggregations = core::enum_names<Aggregation>();
const auto& kWeightings = core::enum_names<Weighting>();
const auto& kDirections = core::enum_names<Direction>();
const auto& kClasses = core::enum_names<ClassMethod>();
const auto& kWeightUncertainty = core::enum_names<WeightUncertainty>();

// winsorise = "none" | "jrc" | [low, high] (quantiles).
void read_winsorise(const SpecReader& reader, const toml::table& t, const std::string& section, std::optional<Winsorising>& kind,
                    double& low, double& high) {
    const toml::node* node = t.get("winsorise");
    if (!node) return;
    if (node->is_string()) {
        kind = reader.choice(
            node->as_string()->get(), section, "winsorise",
            std::vector<std::pair<std::string, Winsorising>>{{"none", Winsorising::None}, {"jrc", Winsorising::Jrc}});
        return;
    }
    const auto bounds = reader.numbers(t, section, "winsorise");
    if (bounds.size() != 2) reader.fail("'winsorise' in " + section + " must be 'none', 'jrc' or [low, high] quantiles");
    kind = Winsorising::Quantiles;
    low = bounds[0];
    high = bounds[1];
}

}  // namespace

ScoringSpec scoring_spec_from_table(const toml::table& table, const std::string& where) {
    const SpecReader r(where);
    ScoringSpec spec;
    const std::string top = "[scoring]";
    r.check_keys(table, top,
                 {"indicators", "domains", "normalise", "aggregate", "domain_aggregate", "weighting", "domain_weighting",
                  "pca_components", "reference", "missing", "winsorise", "classes", "top_n_in_area", "uncertainty"});
    if (auto v = r.optional_choice(table, top, "normalise", kNormalisations)) spec.normalisation = *v;
    if (auto v = r.optional_choice(table, top, "aggregate", kAggregations)) spec.aggregation = *v;
    if (auto v = r.optional_choice(table, top, "domain_aggregate", kAggregations)) spec.domain_aggregation = *v;
    if (auto v = r.optional_choice(table, top, "weighting", kWeightings)) spec.weighting = *v;
    if (auto v = r.optional_choice(table, top, "domain_weighting", kWeightings)) spec.domain_weighting = *v;
    spec.pca_components = static_cast<int>(r.integer(table, top, "pca_components", 1));
    if (spec.pca_components < 0) r.fail("'pca_components' in [scoring] must be >= 0 (0: Kaiser rule)");
    if (auto v = r.optional_choice(table, top, "reference", core::enum_names<ReferenceSet>())) spec.reference = *v;
    if (auto v = r.optional_choice(table, top, "missing", kMissing)) spec.missing = *v;
    {
        std::optional<Winsorising> kind;
        double lo = 0.0, hi = 1.0;
        read_winsorise(r, table, top, kind, lo, hi);
        if (kind) spec.winsorise = *kind;
        if (kind == Winsorising::Quantiles)
            r.fail("'winsorise' in [scoring] may be 'none' or 'jrc'; give quantiles per indicator");
    }
    spec.top_n_in_area = r.integer(table, top, "top_n_in_area", 5);
    if (spec.top_n_in_area < 1) r.fail("'top_n_in_area' in [scoring] must be >= 1");

    const toml::node* indicators = table.get("indicators");
    if (!indicators || !indicators->is_array_of_tables())
        r.fail("[scoring] needs 'indicators', a list of tables ([[scoring.indicators]])");
    std::size_t i = 0;
    for (const auto& node : *indicators->as_array()) {
        const toml::table& t = *node.as_table();
        const std::string section = "[[scoring.indicators]] " + std::to_string(++i);
        r.check_keys(t, section,
                     {"name", "column", "direction", "transform", "log_offset", "normalise", "reference_value", "goalposts",
                      "winsorise", "missing", "domain", "weight", "standard_error"});
        ScoringIndicator ind;
        ind.column = r.text(t, section, "column");
        ind.name = r.text(t, section, "name", ind.column);
        if (ind.name.empty()) r.fail(section + " needs 'name' (or 'column')");
        if (ind.column.empty()) ind.column = ind.name;
        const std::string here = section + " ('" + ind.name + "')";
        if (auto v = r.optional_choice(t, here, "direction", kDirections)) ind.direction = *v;
        if (auto v = r.optional_choice(t, here, "transform", kTransforms)) ind.transform = *v;
        ind.log_offset = r.number(t, here, "log_offset", 0.0);
        ind.normalisation = r.optional_choice(t, here, "normalise", kNormalisations);
        ind.reference_value = r.number(t, here, "reference_value", kUnset);
        if (const auto goalposts = r.numbers(t, here, "goalposts"); !goalposts.empty()) {
            if (goalposts.size() != 2) r.fail("'goalposts' in " + here + " must be [low, high]");
            ind.goalpost_low = goalposts[0];
            ind.goalpost_high = goalposts[1];
        }
        read_winsorise(r, t, here, ind.winsorise, ind.winsorise_low, ind.winsorise_high);
        ind.missing = r.optional_choice(t, here, "missing", kMissing);
        ind.domain = r.text(t, here, "domain");
        ind.weight = r.number(t, here, "weight", 1.0);
        if (const toml::node* se = t.get("standard_error")) {
            if (se->is_string()) ind.standard_error_column = se->as_string()->get();
            else ind.standard_error = r.number(t, here, "standard_error", kUnset);
        }
        spec.indicators.push_back(std::move(ind));
    }
    if (spec.indicators.empty()) r.fail("[scoring] 'indicators' is empty; expected at least one");

    if (const toml::node* domains = table.get("domains")) {
        if (!domains->is_array_of_tables()) r.fail("[scoring] 'domains' must be a list of tables ([[scoring.domains]])");
        std::size_t di = 0;
        for (const auto& node : *domains->as_array()) {
            const toml::table& t = *node.as_table();
            const std::string section = "[[scoring.domains]] " + std::to_string(++di);
            r.check_keys(t, section, {"name", "weight", "transform", "aggregate"});
            ScoringDomain dom;
            dom.name = r.text(t, section, "name");
            if (dom.name.empty()) r.fail(section + " needs 'name'");
            dom.weight = r.number(t, section, "weight", 1.0);
            if (auto v = r.optional_choice(t, section, "transform", kDomainTransforms)) dom.transform = *v;
            dom.aggregation = r.optional_choice(t, section, "aggregate", kAggregations);
            spec.domains.push_back(std::move(dom));
        }
    }

    if (const toml::node* classes = table.get("classes")) {
        if (!classes->is_table()) r.fail("[scoring] 'classes' must be a table");
        const toml::table& t = *classes->as_table();
        const std::string section = "[scoring.classes]";
        r.check_keys(t, section, {"method", "k", "breaks"});
        if (auto v = r.optional_choice(t, section, "method", kClasses)) spec.classes.method = *v;
        const std::int64_t k = r.integer(t, section, "k", 5);
        // A map legend of more than 100 classes says nothing, and Fisher-Jenks grows with k x zones.
        if (k < 1 || k > kMaxClasses)
            r.fail("'k' in [scoring.classes] is " + std::to_string(k) + "; expected a whole number from 1 to " +
                   std::to_string(kMaxClasses));
        spec.classes.k = static_cast<int>(k);
        spec.classes.breaks = r.numbers(t, section, "breaks");
        if (!spec.classes.breaks.empty() && !t.get("method")) spec.classes.method = ClassMethod::UserBreaks;
    }

    if (const toml::node* unc = table.get("uncertainty")) {
        if (!unc->is_table()) r.fail("[scoring] 'uncertainty' must be a table");
        const toml::table& t = *unc->as_table();
        const std::string section = "[scoring.uncertainty]";
        r.check_keys(t, section,
                     {"draws", "seed", "threads", "batch", "weights", "concentration", "percent", "normalisations", "drop_one",
                      "input_noise", "keep_draws"});
        auto& u = spec.uncertainty;
        u.draws = r.integer(t, section, "draws", 0);
        // Draws stream through fixed memory, but time grows with them: 10,000 draws of 34,000
        // zones take seconds, a million take about a quarter of an hour. Beyond that a typo
        // (1e9) would hold a shared batch service for days.
        if (u.draws < 0 || u.draws > kMaxDraws)
            r.fail("'draws' in [scoring.uncertainty] is " + std::to_string(u.draws) +
                   "; expected a whole number from 0 to 1,000,000");
        const std::int64_t seed = r.integer(t, section, "seed", 0);
        if (seed < 0) r.fail("'seed' in [scoring.uncertainty] must be >= 0");
        u.seed = static_cast<std::uint64_t>(seed);
        u.threads = static_cast<int>(r.integer(t, section, "threads", 0));
        u.batch = static_cast<int>(r.integer(t, section, "batch", 128));
        if (u.batch < 1) r.fail("'batch' in [scoring.uncertainty] must be >= 1");
        if (auto v = r.optional_choice(t, section, "weights", kWeightUncertainty)) u.weights = *v;
        u.concentration = r.number(t, section, "concentration", 100.0);
        u.percent = r.number(t, section, "percent", 20.0);
        if (const toml::node* list = t.get("normalisations")) {
            const toml::array* array = list->as_array();
            if (!array) r.fail("'normalisations' in [scoring.uncertainty] must be a list of names");
            for (const auto& item : *array) {
                if (!item.is_string()) r.fail("'normalisations' in [scoring.uncertainty] must be a list of names");
                u.normalisations.push_back(r.choice(item.as_string()->get(), section, "normalisations", kNormalisations));
            }
        }
        u.drop_one = r.boolean(t, section, "drop_one", false);
        u.input_noise = r.boolean(t, section, "input_noise", true);
        u.keep_draws = r.boolean(t, section, "keep_draws", false);
    }
    return spec;
}

}  // namespace run_detail

ScoringSpec parse_scoring_spec(const std::string& toml_text, const std::string& source_name) {
    toml::table table;
    try {
        table = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& e) {
        throw ConfigError("scoring spec " + source_name + ": " + std::string(e.description()) + " (line " +
                          std::to_string(e.source().begin.line) + ")");
    }
    return run_detail::scoring_spec_from_table(table, source_name);
}

ScoringSpec parse_scoring_spec_json(const std::string& json_text, const std::string& source_name) {
    return run_detail::scoring_spec_from_table(run_detail::toml_from_json(json_text, source_name), source_name);
}

}  // namespace furthest
