// Writers: Layers out through GDAL, and outputs that appear whole or not at all.
#pragma once

#include "furthest/table.hpp"
#include "io/layer_styles.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace furthest::io {

/// Write `layers` as one GeoPackage at `path` (which must not exist yet). Polygonal layers are
/// written as MultiPolygon, point layers as Point, tables without geometry as attribute tables.
/// `styles`, when given, go into a `layer_styles` attribute table (QML and SLD per style), from
/// which QGIS opens each layer with its default style. Timestamps inside the file are fixed so
/// equal inputs give byte-identical files.
void write_geopackage(const std::filesystem::path& path, const std::vector<const Layer*>& layers,
                      const std::vector<MapStyle>& styles = {});

/// Text made safe for a spreadsheet cell. A cell starting with '=', '+', '-' or '@' (or a tab or
/// carriage return before one) is read by Excel and LibreOffice as a formula, so a partner's name
/// in a shared list could run one on a planner's machine (CSV/formula injection, OWASP). Such
/// text gets a leading apostrophe, which spreadsheets show as plain text. Text that is one plain
/// decimal number ("-1.55", "+44") is left as it is: a spreadsheet reads it as that number, never
/// as a formula ("-1+2" is a formula and is guarded).
std::string spreadsheet_text(std::string_view text);

/// One attribute table (no geometry) as CSV at `path` (which must not exist yet): UTF-8 with a
/// byte-order mark, CRLF line ends, text cells and headers through spreadsheet_text().
void write_csv_table(const std::filesystem::path& path, const Layer& layer);

/// Attribute tables (no geometry) as the sheets of one XLSX workbook, text as for CSV.
void write_xlsx(const std::filesystem::path& path, const std::vector<const Layer*>& layers);

/// The output files of one run, committed as a set. Every file of the run is written into a
/// fresh version folder, `.<stem>.furthest/runs/<run>/` beside the outputs, and each final name
/// (`<stem>.gpkg`, `<stem>.manifest.json`, tables) is a symbolic link through one pointer,
/// `.<stem>.furthest/current`, to the version folder. commit() switches that pointer with one
/// atomic rename, so a reader sees the whole earlier set or the whole new one, never a mix; a
/// failure before the switch leaves the earlier set as it was, and the new version folder is
/// removed. The previous version is kept for readers still inside it; older and killed runs'
/// folders are removed. An advisory lock (`.<stem>.furthest/lock`, flock) held from the first
/// stage() to destruction refuses a second run to the same output. Nothing outside the
/// `.<stem>.furthest` folder is ever removed, whatever its name.
class StagedOutputs {
public:
    StagedOutputs() = default;
    ~StagedOutputs();
    StagedOutputs(const StagedOutputs&) = delete;
    StagedOutputs& operator=(const StagedOutputs&) = delete;

    /// The path to write `final_path` through, inside this run's version folder. The first call
    /// fixes the set (every later final path must be in the same folder and share its stem),
    /// creates the folder if needed, takes the lock (OutputError naming the other run's process
    /// if it is held) and removes the version folders of killed runs (see stale_removed()).
    std::filesystem::path stage(const std::filesystem::path& final_path);
    /// Version folders of earlier, killed runs that stage() removed.
    const std::vector<std::filesystem::path>& stale_removed() const { return stale_removed_; }
    /// Point every final name at the new set in one step (see the class comment); OutputError,
    /// with the earlier set untouched, when that cannot be done.
    void commit();

    /// Where the set of `output` keeps its versions: `<folder>/.<stem>.furthest`.
    static std::filesystem::path versions_folder(const std::filesystem::path& output);
    /// OutputError when another live run holds the lock of `output`'s set; creates nothing.
    static void refuse_if_busy(const std::filesystem::path& output);

private:
    void open_set(const std::filesystem::path& final_path);
    void link_final_names();
    void restore_links();  ///< undo link_final_names() when the commit fails
    void collect_garbage(const std::filesystem::path& previous_target);

    std::filesystem::path folder_;    ///< the outputs' folder
    std::string stem_;                ///< the GeoPackage's stem, shared by every output
    std::filesystem::path versions_;  ///< folder_ / .<stem>.furthest
    std::filesystem::path run_dir_;   ///< versions_ / runs / <run>
    bool created_versions_ = false;   ///< versions_ did not exist before this run
    int lock_fd_ = -1;
    std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged_;  // temporary, final
    std::vector<std::filesystem::path> stale_removed_;
    /// Final names relinked by this commit, with their earlier targets (empty: there was none).
    std::vector<std::pair<std::filesystem::path, std::filesystem::path>> relinked_;
    bool committed_ = false;
};

/// Write text to a file in one go; OutputError when it fails.
void write_text_file(const std::filesystem::path& path, const std::string& text);

}  // namespace furthest::io
