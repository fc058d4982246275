// What GDAL may reach while it reads an input on a run's behalf. A path check at the door sees
// only the name a config gives; a VRT, a WFS service description, a GeoJSON with a linked CRS or
// an XML include makes GDAL open something else. So the check sits where GDAL opens files: a
// wrapper around each of GDAL's virtual file systems (the local one, /vsicurl/ and the other
// network ones), plus GDAL's own per-thread HTTP fetch hook for the drivers that fetch URLs
// directly. Both act only on a thread that is reading an input (an InputGuard is alive), so
// writers, other callers and other threads see GDAL unchanged.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace furthest::io {

/// Limits on what one input may make GDAL read (README "Limits"); 0 = none.
struct ReadLimits {
    /// Bytes read out of archives (/vsizip/, /vsitar/, /vsi7z/; a gzip stream is not counted).
    std::uint64_t decompressed_bytes = std::uint64_t{4} << 30;
    /// Rows (features) of one layer or table.
    std::uint64_t rows = 20'000'000;
    /// Vertices of one layer, summed over its features.
    std::uint64_t vertices = 200'000'000;
};

/// The run's rules for every input read on this thread while it lives: whether the network may
/// be reached and, when `allowed_folders` is not empty, the folders every file must lie in.
/// Nests; the innermost rules apply.
class RunConfinement {
public:
    RunConfinement(bool allow_network, const std::vector<std::filesystem::path>& allowed_folders);
    ~RunConfinement();
    RunConfinement(const RunConfinement&) = delete;
    RunConfinement& operator=(const RunConfinement&) = delete;

    bool allow_network;
    std::vector<std::filesystem::path> folders;  ///< resolved (symbolic links and '..')
    ReadLimits limits;

    /// What reading chose on its own (an encoding it detected ...): the input's path and a
    /// sentence naming it, for the run's warnings. take_notes() empties the list.
    struct Note {
        std::string path;
        std::string message;
    };
    std::vector<Note> take_notes() const;

private:
    friend class InputGuard;
    const RunConfinement* previous_;
    mutable std::vector<Note> notes_;
};

/// Alive while GDAL reads one input: whatever that file makes GDAL open is checked against the
/// run's rules (or, outside a run, against `allow_network` alone), refused ones are recorded and
/// check() turns them into an InputError naming the input that asked.
class InputGuard {
public:
    InputGuard(std::string role, std::filesystem::path path, bool allow_network);
    ~InputGuard();
    InputGuard(const InputGuard&) = delete;
    InputGuard& operator=(const InputGuard&) = delete;

    /// InputError when GDAL was refused anything, or a limit was passed, since the guard began.
    void check() const;
    /// Whether a refusal or a passed limit is on record (check() would throw).
    bool refused() const { return !refusal_.empty(); }

    /// The limits of the run (defaults outside a run).
    const ReadLimits& limits() const;
    /// Count rows and vertices read; InputError past a limit.
    void count_row(std::uint64_t vertices);
    /// A choice reading made on its own, for the run's warnings ("read as Windows-1252 ...").
    void note(const std::string& message);
    /// A temporary (/vsimem/) file to delete once the input is read.
    void remove_when_done(std::string path);

    // For the file-system wrappers and the HTTP hook (confinement.cpp).
    bool network_allowed() const;
    /// True when `path` (local, as GDAL names it) may be opened.
    bool local_allowed(const std::string& path) const;
    void refuse(std::string message);
    void count_decompressed(std::uint64_t bytes, const std::string& archive);
    static InputGuard* current();

private:
    std::string role_;
    std::filesystem::path path_;
    bool allow_network_;
    const RunConfinement* run_;
    std::vector<std::filesystem::path> support_folders_;
    std::string refusal_;
    std::uint64_t decompressed_ = 0;
    std::uint64_t rows_ = 0;
    std::uint64_t vertices_ = 0;
    InputGuard* previous_;
    std::vector<std::pair<std::string, std::string>> saved_options_;
    bool pushed_fetch_hook_ = false;
    std::vector<std::string> temporary_;
};

/// Install the file-system wrappers (once per process; ensure_gdal_registered calls it).
void install_confinement();

}  // namespace furthest::io
