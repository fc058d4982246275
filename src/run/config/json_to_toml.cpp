#include "run/config/json_to_toml.hpp"

#include "furthest/errors.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>

namespace furthest::run_detail {
namespace {

// A config is four levels deep ([[indicators]] -> via -> split_weight -> key); anything far
// deeper is a mistake, and the conversion below recurses.
constexpr int kMaxDepth = 64;

toml::table table_from_json(const nlohmann::json& object, const std::string& where, int depth);
toml::array array_from_json(const nlohmann::json& list, const std::string& where, int depth);

// Hands the TOML value of `value` to `insert`; a null is not set, so nothing is inserted.
template <typename Insert>
void convert(const nlohmann::json& value, const std::string& where, int depth, Insert&& insert) {
    if (depth > kMaxDepth) throw ConfigError(where + ": nested more than " + std::to_string(kMaxDepth) + " levels deep");
    switch (value.type()) {
        case nlohmann::json::value_t::null:
        case nlohmann::json::value_t::discarded: return;
        case nlohmann::json::value_t::boolean: insert(value.get<bool>()); return;
        case nlohmann::json::value_t::number_integer: insert(value.get<std::int64_t>()); return;
        case nlohmann::json::value_t::number_unsigned: {
            const auto number = value.get<std::uint64_t>();
            if (number > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                throw ConfigError(where + ": " + std::to_string(number) + " is too large; expected a whole number below 2^63");
            insert(static_cast<std::int64_t>(number));
            return;
        }
        case nlohmann::json::value_t::number_float: insert(value.get<double>()); return;
        case nlohmann::json::value_t::string: insert(value.get<std::string>()); return;
        case nlohmann::json::value_t::object: insert(table_from_json(value, where, depth + 1)); return;
        case nlohmann::json::value_t::array: insert(array_from_json(value, where, depth + 1)); return;
        case nlohmann::json::value_t::binary: break;
    }
    throw ConfigError(where + ": unsupported value; expected text, a number, true/false, a table or a list");
}

toml::table table_from_json(const nlohmann::json& object, const std::string& where, int depth) {
    toml::table table;
    for (const auto& item : object.items()) {
        // A named copy, not a structured binding: clang before 16 cannot capture those in a lambda.
        const std::string key = item.key();
        convert(item.value(), where + "." + key, depth,
                [&](auto&& v) { table.insert_or_assign(key, std::forward<decltype(v)>(v)); });
    }
    return table;
}

toml::array array_from_json(const nlohmann::json& list, const std::string& where, int depth) {
    toml::array array;
    for (std::size_t i = 0; i < list.size(); ++i)
        convert(list[i], where + "[" + std::to_string(i) + "]", depth,
                [&](auto&& v) { array.push_back(std::forward<decltype(v)>(v)); });
    return array;
}

}  // namespace

toml::table toml_from_json(const std::string& json_text, const std::string& where) {
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(json_text);
    } catch (const nlohmann::json::parse_error& error) {
        throw ConfigError(where + ": not valid JSON (" + std::string(error.what()) + ")");
    }
    if (!root.is_object()) throw ConfigError(where + ": expected a JSON object of sections and keys");
    return table_from_json(root, where, 0);
}

}  // namespace furthest::run_detail
