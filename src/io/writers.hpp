// Writers: Layers out through GDAL, and outputs that appear whole or not at all.
#pragma once

#include "furthest/table.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace furthest::io {

/// Write `layers` as one GeoPackage at `path` (which must not exist yet). Polygonal layers are
/// written as MultiPolygon, point layers as Point, tables without geometry as attribute tables.
/// Timestamps inside the file are fixed so equal inputs give byte-identical files.
void write_geopackage(const std::filesystem::path& path, const std::vector<const Layer*>& layers);

/// Text made safe for a spreadsheet cell. A cell starting with '=', '+', '-' or '@' (or a tab or
/// carriage return before one) is read by Excel and LibreOffice as a formula, so a partner's name
/// in a shared list could run one on a planner's machine (CSV/formula injection, OWASP). Such
/// text gets a leading apostrophe, which spreadsheets show as plain text.
std::string spreadsheet_text(std::string_view text);

/// One attribute table (no geometry) as CSV at `path` (which must not exist yet): UTF-8 with a
/// byte-order mark, CRLF line ends, text cells and headers through spreadsheet_text().
void write_csv_table(const std::filesystem::path& path, const Layer& layer);

/// Attribute tables (no geometry) as the sheets of one XLSX workbook, text as for CSV.
void write_xlsx(const std::filesystem::path& path, const std::vector<const Layer*>& layers);

/// A set of output files written under temporary names in their final folders and renamed
/// into place together by commit(); anything not committed is removed, so a failed run leaves
/// earlier outputs untouched.
class StagedOutputs {
public:
    StagedOutputs() = default;
    ~StagedOutputs();
    StagedOutputs(const StagedOutputs&) = delete;
    StagedOutputs& operator=(const StagedOutputs&) = delete;

    /// Create the folder if needed and return the temporary path to write `final_path` through:
    /// `.<stem>.tmp-<host>-<pid><ext>` beside it. Temporaries of `final_path` left by killed runs
    /// on this host are removed first (see stale_removed()).
    std::filesystem::path stage(const std::filesystem::path& final_path);
    /// Temporary files of earlier, killed runs that stage() removed.
    const std::vector<std::filesystem::path>& stale_removed() const { return stale_removed_; }
    /// Rename every staged file onto its final path, in the order staged (atomic per file on
    /// POSIX; stage the file that vouches for the others, such as a manifest, last).
    void commit();

private:
    std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged_;  // temporary, final
    std::vector<std::filesystem::path> stale_removed_;
    bool committed_ = false;
};

/// Write text to a file in one go; OutputError when it fails.
void write_text_file(const std::filesystem::path& path, const std::string& text);

}  // namespace furthest::io
