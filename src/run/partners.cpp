// [[partners]]: each table read and placed (coordinates, postcode or geometry), its types,
// capacities and active dates read and checked, and all appended into one partners table.
#include "run/partners.hpp"

#include "core/dates.hpp"
#include "furthest/errors.hpp"
#include "geography/points.hpp"
#include "io/readers.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>

namespace furthest::run_detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Columns the run adds to the partners table; an input column of the same name must be renamed.
const std::set<std::string>& reserved_names() {
    static const std::set<std::string> names = {
        "partners_table", "partner_type",          "zone_id",           "zone_name", "area_id", "area_name", "people_within",
        "demand_2sfca",   "supply_per_1000_2sfca", "people_served_bfca"};
    return names;
}

std::string folded(const std::string& name) {
    std::string out = name;
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// Input columns carried into the partners layer under a name a GeoPackage cannot take as is:
// 'fid' and 'geometry' (its feature id and geometry columns; every QGIS export has a fid), and
// a name differing only in case from an earlier one (SQLite ignores case in column names). They
// are renamed, not refused: they are storage artefacts of the tool that wrote the file, not
// names anyone chose, and refusing would mean editing files one receives. The rule is stated
// and each rename is a warning: the first free '<name>_1', '<name>_2' ...
void rename_for_outputs(Layer& table, const std::string& at, Reports& reports) {
    std::set<std::string> taken;
    for (const Column& column : table.columns) taken.insert(folded(column.name));
    for (const auto& name : reserved_names()) taken.insert(name);
    std::set<std::string> seen;
    for (Column& column : table.columns) {
        const std::string key = folded(column.name);
        const bool storage = key == "fid" || key == "geometry";
        if (!storage && seen.insert(key).second) continue;
        std::string renamed;
        for (int n = 1; renamed.empty() || taken.count(folded(renamed)); ++n) renamed = column.name + "_" + std::to_string(n);
        taken.insert(folded(renamed));
        seen.insert(folded(renamed));
        reports.warn(
            "column_renamed",
            at + ": column '" + column.name + "' is written to the partners layer as '" + renamed + "' (" +
                (storage ? "'" + key + "' is the GeoPackage's own " + (key == "fid" ? "feature id" : "geometry") + " column"
                         : std::string("it differs only in case from another column, and GeoPackage column names "
                                       "ignore case")) +
                "; rule: the first free name <name>_1, <name>_2 ...)",
            {column.name});
        column.name = renamed;
    }
}

std::string role_of(const RunConfig& config, const PartnersSpec& spec) {
    return config.partners.size() == 1 ? std::string("partners") : "partners '" + spec.name + "'";
}

// The tables' columns appended by name (first-seen order). A column typed alike in every table
// keeps its type; whole numbers in one table and reals in another are reals; other mixes become
// text. Rows of a table without the column are blank.
Layer append_tables(std::vector<Layer> parts) {
    if (parts.size() == 1) return std::move(parts.front());
    Layer out;
    std::vector<std::string> names;
    std::map<std::string, std::size_t> type_of;  // variant index, or 3 for "mixed"
    for (const Layer& part : parts)
        for (const Column& column : part.columns) {
            auto [it, added] = type_of.emplace(column.name, column.values.index());
            if (added) names.push_back(column.name);
            else if (it->second + column.values.index() == 1) it->second = 0;  // reals and integers
            else if (it->second != column.values.index()) it->second = 3;
        }
    for (const std::string& name : names) {
        const std::size_t type = type_of[name];
        Column merged{name, {}, {}};
        if (type == 0) merged.values = Column::Reals{};
        else if (type == 1) merged.values = Column::Integers{};
        else merged.values = Column::Texts{};
        std::vector<bool> valid;
        for (const Layer& part : parts) {
            const Column* column = part.find(name);
            for (std::size_t row = 0; row < part.rows(); ++row) {
                const bool present = column != nullptr && column->is_valid(row);
                valid.push_back(present);
                std::visit(
                    [&](auto& values) {
                        using Values = std::decay_t<decltype(values)>;
                        if constexpr (std::is_same_v<Values, Column::Reals>) {
                            values.push_back(present ? io::numeric_value(*column, row, "partners", {}) : kNaN);
                        } else if constexpr (std::is_same_v<Values, Column::Integers>) {
                            values.push_back(present ? std::get<Column::Integers>(column->values)[row] : 0);
                        } else if (present && std::holds_alternative<Column::Texts>(column->values)) {
                            values.push_back(std::get<Column::Texts>(column->values)[row]);  // as written
                        } else {
                            values.push_back(present ? io::key_text(*column, row) : std::string());
                        }
                    },
                    merged.values);
            }
        }
        if (type != 0) merged.valid = std::move(valid);  // reals carry blanks as NaN
        out.columns.push_back(std::move(merged));
    }
    for (const Layer& part : parts) out.wkb.insert(out.wkb.end(), part.wkb.begin(), part.wkb.end());
    return out;
}

}  // namespace

PartnersRead read_partners(RunState& state) {
    const RunConfig& config = state.config;
    const std::string as_of_text = config.access ? config.access->as_of : std::string();
    const long as_of = as_of_text.empty() ? 0 : *core::day_number(as_of_text, core::DateEnd::First);

    PartnersRead read;
    for (const auto& spec : config.partners)
        for (const auto& name : spec.capacity)
            if (std::find(read.capacity_names.begin(), read.capacity_names.end(), name) == read.capacity_names.end())
                read.capacity_names.push_back(name);

    std::vector<Layer> parts;
    std::vector<std::vector<double>> capacity_rows;  // per kept partner, per capacity name
    for (const PartnersSpec& spec : config.partners) {
        state.control.check("reading partners");
        const std::string role = role_of(config, spec);
        PartnerQuality quality;
        quality.table = spec.name;
        UnplacedRows unplaced;
        Layer located;
        if (spec.site.given()) {
            Layer table =
                io::read_table(role, spec.path, spec.layer, config.allow_network, spec.where, {}, state.control, spec.encoding);
            quality.rows_read = static_cast<long long>(table.rows());
            located = locate_rows(std::move(table), role, spec.path, spec.site, state.tables, config, state.working_crs,
                                  state.reports, &unplaced);
        } else {
            located = io::read_vector({role, spec.path, spec.layer, io::GeometryFamily::Point, config.allow_network, spec.where,
                                       &state.control, spec.encoding},
                                      state.working_crs);
            quality.rows_read = static_cast<long long>(located.rows());
        }
        quality.postcodes_blank_or_malformed = unplaced.blank_or_malformed;
        quality.postcodes_unknown = unplaced.unknown;
        state.facts.inputs.push_back({role, spec.path});
        const std::string at = role + ": '" + spec.path.string() + "'";
        for (const Column& column : located.columns)
            if (reserved_names().count(folded(column.name)))
                throw InputError(at + " already has a column '" + column.name +
                                 "', a name the partners output uses; rename it in the file");

        const std::size_t rows = located.rows();
        std::vector<double> x, y;
        try {
            geography::point_coordinates(located.wkb, x, y);
        } catch (const GeometryError& error) {
            throw InputError(at + ": " + error.what());
        }

        // Type: one for the table, or each row's (blank ones reported).
        std::vector<std::string> types(rows, spec.type);
        if (!spec.type_column.empty()) {
            const Column& column = io::require_column(located, role, spec.path, spec.type_column);
            for (std::size_t row = 0; row < rows; ++row) types[row] = io::key_text(column, row);
        }

        // Capacities as numbers (a blank counts as none and is reported); negatives are errors.
        std::vector<std::vector<double>> capacity(rows, std::vector<double>(read.capacity_names.size(), kNaN));
        for (const std::string& name : spec.capacity) {
            const Column& column = io::require_column(located, role, spec.path, name);
            const std::vector<double> values = io::numeric_values(column, role, spec.path);
            const auto slot = static_cast<std::size_t>(std::find(read.capacity_names.begin(), read.capacity_names.end(), name) -
                                                       read.capacity_names.begin());
            for (std::size_t row = 0; row < rows; ++row) {
                if (values[row] < 0.0)
                    throw InputError(at + " row " + std::to_string(row + 1) + ", column '" + name +
                                     "': " + std::to_string(values[row]) + " is negative; expected a capacity >= 0 (or a blank)");
                capacity[row][slot] = values[row];
            }
            for (Column& stored : located.columns)
                if (stored.name == name) stored = Column::reals(name, values);  // numbers in the output too
        }

        // Active on [access] as_of: from <= as_of <= to; blank from = always was, blank to = still is.
        auto dates = [&](const std::string& name, core::DateEnd end) {
            std::vector<std::optional<long>> out(rows);
            if (name.empty()) return out;
            const Column& column = io::require_column(located, role, spec.path, name);
            for (std::size_t row = 0; row < rows; ++row) {
                const std::string text = io::key_text(column, row);
                if (text.empty()) continue;
                out[row] = core::day_number(text, end);
                if (!out[row])
                    throw InputError(
                        at + " row " + std::to_string(row + 1) + ", column '" + name + "': '" + text +
                        "' is not a date; expected YYYY, YYYY-MM, YYYY-MM-DD, YYYY/MM/DD or DD/MM/YYYY (or a blank)");
            }
            return out;
        };
        const auto from = dates(spec.active_from, core::DateEnd::First);
        const auto to = dates(spec.active_to, core::DateEnd::Last);

        std::vector<std::size_t> keep;
        std::vector<std::string> inactive_rows, blank_type_rows, blank_capacity_rows, duplicate_rows;
        std::set<std::string> seen_ids;
        std::set<std::tuple<double, double, std::string>> seen_points;
        const Column* id_column = spec.id.empty() ? nullptr : &io::require_column(located, role, spec.path, spec.id);
        for (std::size_t row = 0; row < rows; ++row) {
            const std::string label = "row " + std::to_string(row + 1);
            if ((from[row] && *from[row] > as_of) || (to[row] && *to[row] < as_of)) {
                inactive_rows.push_back(label);
                continue;
            }
            keep.push_back(row);
            const std::string id = id_column ? io::key_text(*id_column, row) : std::string();
            if (id_column && id.empty())
                throw InputError(at + " row " + std::to_string(row + 1) + ", column '" + spec.id +
                                 "': the id is blank; expected an id for every partner");
            const bool duplicate =
                id_column ? !seen_ids.insert(id).second : !seen_points.insert({x[row], y[row], types[row]}).second;
            if (duplicate) duplicate_rows.push_back(id_column ? label + " ('" + id + "')" : label);
            if (types[row].empty() && !spec.type_column.empty()) blank_type_rows.push_back(label);
            // Only the columns this table lists count: the others are NaN because it has none.
            for (const std::string& name : spec.capacity) {
                const auto slot = static_cast<std::size_t>(
                    std::find(read.capacity_names.begin(), read.capacity_names.end(), name) - read.capacity_names.begin());
                if (std::isnan(capacity[row][slot])) {
                    blank_capacity_rows.push_back(label);
                    break;
                }
            }
            read.x.push_back(x[row]);
            read.y.push_back(y[row]);
            read.table_name.push_back(spec.name);
            read.row.push_back(config.partners.size() == 1 ? label : spec.name + " " + label);
            read.type.push_back(types[row]);
            read.id.push_back(id);
            capacity_rows.push_back(capacity[row]);
        }
        quality.placed = static_cast<long long>(keep.size());
        quality.inactive = static_cast<long long>(inactive_rows.size());
        quality.duplicates = static_cast<long long>(duplicate_rows.size());
        quality.blank_type = static_cast<long long>(blank_type_rows.size());
        quality.blank_capacity = static_cast<long long>(blank_capacity_rows.size());
        auto report = [&](const char* code, const std::vector<std::string>& labels, const std::string& what) {
            if (labels.empty()) return;
            state.reports.warn(code, at + ": " + count_of(labels.size(), "row") + " " + what + ": " + list_some(labels), labels);
        };
        report("partners_inactive", inactive_rows, "not active on " + as_of_text + " (left out)");
        report("partners_duplicates", duplicate_rows,
               id_column ? "repeat an earlier row's id '" + spec.id + "' (kept; check the table)"
                         : "repeat an earlier row's point and type (kept; check the table)");
        report("partners_blank_type", blank_type_rows, "have a blank '" + spec.type_column + "' (type left blank)");
        report("partners_blank_capacity", blank_capacity_rows, "have a blank capacity (counted as none)");
        if (keep.empty())  // a scenario before a table's partners opened: said, and fine while others remain
            state.reports.warn("partners_table_empty", at + ": no partner is left (" + std::to_string(quality.rows_read) +
                                                           " rows read, " + std::to_string(quality.inactive) + " not active on " +
                                                           as_of_text + ")");

        // After every lookup by the names the config gives (id, type, capacities, dates).
        rename_for_outputs(located, at, state.reports);
        Layer kept = rows_at(located, keep);
        // Numbers as numbers: a CSV is all text to GDAL, so coordinates and counts would reach the
        // outputs (and spreadsheets) as text. The columns the run reads as text stay text.
        const std::set<std::string> as_text = {spec.id, spec.type_column, spec.site.postcode, spec.active_from, spec.active_to};
        for (Column& column : kept.columns)
            if (!as_text.count(column.name)) column = io::numbers_where_numeric(std::move(column));
        Column::Texts table_column(keep.size(), spec.name), type_column;
        for (std::size_t row : keep) type_column.push_back(types[row]);
        kept.columns.insert(kept.columns.begin(), {Column::texts("partners_table", std::move(table_column)),
                                                   Column::texts("partner_type", std::move(type_column))});
        if (read.table.crs_wkt.empty()) read.table.crs_wkt = located.crs_wkt;
        parts.push_back(std::move(kept));
        read.quality.push_back(std::move(quality));
    }

    // Travel-cost tables name partners by id: ids must then be unique across the tables.
    if (config.access && config.access->travel_costs) {
        std::map<std::string, std::string> first_table;
        for (std::size_t p = 0; p < read.id.size(); ++p) {
            auto [it, added] = first_table.emplace(read.id[p], read.table_name[p]);
            if (!added)
                throw InputError("partners: id '" + read.id[p] + "' is used by partners tables '" + it->second + "' and '" +
                                 read.table_name[p] +
                                 "' (or twice in one); [access.travel_costs] names partners by id, "
                                 "so every id must be unique");
        }
    }

    if (read.x.empty())
        throw InputError("partners: no partner is left in any partners table (" + count_of(config.partners.size(), "table") +
                         "); expected at least one partner" + (as_of_text.empty() ? "" : " active on " + as_of_text));
    const std::string crs = read.table.crs_wkt;
    read.table = append_tables(std::move(parts));
    read.table.crs_wkt = crs;
    if (config.partners.size() > 1) rename_for_outputs(read.table, "partners (columns of several tables)", state.reports);
    read.capacity.resize(static_cast<Eigen::Index>(capacity_rows.size()), static_cast<Eigen::Index>(read.capacity_names.size()));
    for (std::size_t p = 0; p < capacity_rows.size(); ++p)
        for (std::size_t c = 0; c < read.capacity_names.size(); ++c)
            read.capacity(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(c)) = capacity_rows[p][c];
    return read;
}

}  // namespace furthest::run_detail
