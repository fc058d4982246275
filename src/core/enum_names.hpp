// The names of the scoring's enums, written once: the spec reader parses them, the method summary
// and manifest print them, in the same words as the TOML keys.
#pragma once

#include "furthest/scoring.hpp"

#include <string>
#include <utility>
#include <vector>

namespace furthest::core {

template <typename E>
using EnumNames = std::vector<std::pair<std::string, E>>;

/// Every name of an enum with its value, in the order messages list them.
template <typename E>
const EnumNames<E>& enum_names();

template <>
inline const EnumNames<Normalisation>& enum_names<Normalisation>() {
    static const EnumNames<Normalisation> names = {{"z_score", Normalisation::ZScore},
                                                   {"min_max", Normalisation::MinMax},
                                                   {"min_max_10", Normalisation::MinMax10},
                                                   {"percentile_rank", Normalisation::PercentileRank},
                                                   {"distance_to_reference", Normalisation::DistanceToReference},
                                                   {"goalposts", Normalisation::Goalposts},
                                                   {"none", Normalisation::None}};
    return names;
}

template <>
inline const EnumNames<Transform>& enum_names<Transform>() {
    static const EnumNames<Transform> names = {{"none", Transform::None},
                                               {"log", Transform::Log},
                                               {"rank", Transform::Rank},
                                               {"imd_exponential", Transform::ImdExponential}};
    return names;
}

template <>
inline const EnumNames<MissingValues>& enum_names<MissingValues>() {
    static const EnumNames<MissingValues> names = {{"error", MissingValues::Error},        {"drop", MissingValues::Drop},
                                                   {"mean", MissingValues::Mean},          {"median", MissingValues::Median},
                                                   {"area_mean", MissingValues::AreaMean}, {"flag", MissingValues::Flag}};
    return names;
}

template <>
inline const EnumNames<Aggregation>& enum_names<Aggregation>() {
    static const EnumNames<Aggregation> names = {{"arithmetic", Aggregation::Arithmetic}, {"geometric", Aggregation::Geometric}};
    return names;
}

template <>
inline const EnumNames<Weighting>& enum_names<Weighting>() {
    static const EnumNames<Weighting> names = {
        {"explicit", Weighting::Explicit}, {"equal", Weighting::Equal}, {"pca", Weighting::Pca}};
    return names;
}

template <>
inline const EnumNames<Direction>& enum_names<Direction>() {
    static const EnumNames<Direction> names = {{"higher_is_more_need", Direction::HigherIsMoreNeed},
                                               {"lower_is_more_need", Direction::LowerIsMoreNeed}};
    return names;
}

template <>
inline const EnumNames<ClassMethod>& enum_names<ClassMethod>() {
    static const EnumNames<ClassMethod> names = {{"quantiles", ClassMethod::Quantiles},
                                                 {"equal_interval", ClassMethod::EqualInterval},
                                                 {"fisher_jenks", ClassMethod::FisherJenks},
                                                 {"user", ClassMethod::UserBreaks}};
    return names;
}

template <>
inline const EnumNames<WeightUncertainty>& enum_names<WeightUncertainty>() {
    static const EnumNames<WeightUncertainty> names = {
        {"dirichlet", WeightUncertainty::Dirichlet}, {"percent", WeightUncertainty::Percent}, {"none", WeightUncertainty::None}};
    return names;
}

template <>
inline const EnumNames<ReferenceSet>& enum_names<ReferenceSet>() {
    static const EnumNames<ReferenceSet> names = {{"all", ReferenceSet::All}, {"area", ReferenceSet::Area}};
    return names;
}

template <>
inline const EnumNames<Winsorising>& enum_names<Winsorising>() {
    static const EnumNames<Winsorising> names = {
        {"none", Winsorising::None}, {"jrc", Winsorising::Jrc}, {"quantiles", Winsorising::Quantiles}};
    return names;
}

/// The name of `value` ("?" for a value outside the enum).
template <typename E>
std::string enum_name(E value) {
    for (const auto& [name, e] : enum_names<E>())
        if (e == value) return name;
    return "?";
}

}  // namespace furthest::core
