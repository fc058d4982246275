// [[partners]]: every partners table read, placed, filtered to the partners active on
// [access] as_of, checked for quality, and appended into one table.
#pragma once

#include "run/run_state.hpp"

namespace furthest::run_detail {

/// Per partners table: what the data-quality report counts.
struct PartnerQuality {
    std::string table;
    long long rows_read = 0;
    long long placed = 0;               ///< rows kept: placed and active
    long long postcodes_blank_or_malformed = 0;
    long long postcodes_unknown = 0;    ///< not in the directory, or in it without coordinates
    long long inactive = 0;             ///< not active on [access] as_of (left out)
    long long duplicates = 0;           ///< rows repeating an earlier row's id (or, without ids, its point and type)
    long long outside_study_area = 0;   ///< in no zone (kept: they still reach zones near the edge)
    long long blank_capacity = 0;       ///< rows with a blank in any capacity column (counted as 0)
    long long blank_type = 0;
};

/// All partners tables as one table (working CRS) and the per-partner facts access needs.
struct PartnersRead {
    Layer table;  ///< partners_table, partner_type, then the tables' columns (union by name)
    std::vector<double> x, y;
    std::vector<std::string> table_name, type, id;
    std::vector<std::string> row;  ///< where each partner came from: "row 26", or "<table> row 26" with several tables
    std::vector<std::string> capacity_names;  ///< union, in config order
    Eigen::MatrixXd capacity;                 ///< partners x capacity_names; NaN blank or not listed
    std::vector<PartnerQuality> quality;
};

/// Read every [[partners]] table; warnings for each quality finding go to `state.reports`.
PartnersRead read_partners(RunState& state);

}  // namespace furthest::run_detail
