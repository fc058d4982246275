// Writers: Layers out through GDAL, and outputs that appear whole or not at all.
#pragma once

#include "furthest/table.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace furthest::io {

/// Write `layers` as one GeoPackage at `path` (which must not exist yet). Polygonal layers are
/// written as MultiPolygon, point layers as Point, tables without geometry as attribute tables.
/// Timestamps inside the file are fixed so equal inputs give byte-identical files.
void write_geopackage(const std::filesystem::path& path, const std::vector<const Layer*>& layers);

/// A set of output files written under temporary names in their final folders and renamed
/// into place together by commit(); anything not committed is removed, so a failed run leaves
/// earlier outputs untouched.
class StagedOutputs {
public:
    StagedOutputs() = default;
    ~StagedOutputs();
    StagedOutputs(const StagedOutputs&) = delete;
    StagedOutputs& operator=(const StagedOutputs&) = delete;

    /// Create the folder if needed and return the temporary path to write `final_path` through.
    std::filesystem::path stage(const std::filesystem::path& final_path);
    /// Rename every staged file onto its final path (atomic per file on POSIX).
    void commit();

private:
    std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged_;  // temporary, final
    bool committed_ = false;
};

/// Write text to a file in one go; OutputError when it fails.
void write_text_file(const std::filesystem::path& path, const std::string& text);

}  // namespace furthest::io
