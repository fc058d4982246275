#include "io/writers.hpp"

#include "furthest/errors.hpp"
#include "io/gdal_session.hpp"
#include "io/number_parsing.hpp"

#include <fcntl.h>
#include <ogrsf_frmts.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <unistd.h>

namespace furthest::io {
namespace {

OGRwkbGeometryType layer_geometry_type(const Layer& layer) {
    if (!layer.has_geometry()) return wkbNone;
    // An empty WKB string is a feature without geometry (an area no zone belongs to).
    auto sample = std::find_if(layer.wkb.begin(), layer.wkb.end(), [](const std::string& w) { return !w.empty(); });
    if (sample == layer.wkb.end()) return wkbMultiPolygon;
    OGRGeometry* first = nullptr;
    OGRGeometryFactory::createFromWkb(sample->data(), nullptr, &first, sample->size());
    std::unique_ptr<OGRGeometry> owned(first);
    if (!owned) return wkbUnknown;
    const auto flat = wkbFlatten(owned->getGeometryType());
    if (flat == wkbPolygon || flat == wkbMultiPolygon) return wkbMultiPolygon;
    if (flat == wkbPoint) return wkbPoint;
    return wkbUnknown;
}

// The one timestamp a written file holds, so equal inputs give byte-identical files.
constexpr const char* kFixedTimestamp = "2000-01-01T00:00:00.000Z";

// GDAL reads this thread-local option for the GeoPackage's last_change timestamps.
class FixedTimestamp {
public:
    FixedTimestamp() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", kFixedTimestamp); }
    ~FixedTimestamp() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr); }
};

// How a layer is written: map layers keep geometry and text as is; spreadsheet tables drop
// geometry and make every text cell and header safe to open in Excel or LibreOffice.
struct LayerStyle {
    bool geometry = true;
    bool spreadsheet = false;
    std::vector<const char*> options;  ///< layer creation options, without the final nullptr
};

void write_layer(GDALDataset& dataset, const Layer& layer, const std::filesystem::path& path, const LayerStyle& style) {
    const std::string at = "output '" + path.string() + "' layer '" + layer.name + "'";
    const bool with_geometry = style.geometry && layer.has_geometry();
    std::unique_ptr<OGRSpatialReference> srs;
    if (with_geometry && !layer.crs_wkt.empty()) {
        srs = std::make_unique<OGRSpatialReference>();
        srs->importFromWkt(layer.crs_wkt.c_str());
        srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    const OGRwkbGeometryType type = with_geometry ? layer_geometry_type(layer) : wkbNone;
    std::vector<const char*> options = style.options;
    options.push_back(nullptr);
    const auto text = [&](const std::string& value) { return style.spreadsheet ? spreadsheet_text(value) : value; };
    ScopedErrorCollector errors;
    OGRLayer* out = dataset.CreateLayer(layer.name.c_str(), srs.get(), type, const_cast<char**>(options.data()));
    if (out == nullptr) throw OutputError(at + ": cannot create layer: " + errors.last_error());
    for (const auto& column : layer.columns) {
        OGRFieldType field_type = OFTString;
        if (std::holds_alternative<Column::Reals>(column.values)) field_type = OFTReal;
        if (std::holds_alternative<Column::Integers>(column.values)) field_type = OFTInteger64;
        OGRFieldDefn field(text(column.name).c_str(), field_type);
        if (out->CreateField(&field) != OGRERR_NONE)
            throw OutputError(at + ": cannot create column '" + column.name + "': " + errors.last_error());
    }
    if (out->StartTransaction() != OGRERR_NONE) throw OutputError(at + ": " + errors.last_error());
    const std::size_t rows = layer.rows();
    for (std::size_t row = 0; row < rows; ++row) {
        OGRFeature feature(out->GetLayerDefn());
        for (int i = 0; i < static_cast<int>(layer.columns.size()); ++i) {
            const Column& column = layer.columns[static_cast<std::size_t>(i)];
            if (!column.is_valid(row)) {
                feature.SetFieldNull(i);
                continue;
            }
            std::visit(
                [&](const auto& values) {
                    using T = std::decay_t<decltype(values)>;
                    if constexpr (std::is_same_v<T, Column::Texts>) feature.SetField(i, text(values[row]).c_str());
                    else if constexpr (std::is_same_v<T, Column::Integers>)
                        feature.SetField(i, static_cast<GIntBig>(values[row]));
                    else feature.SetField(i, values[row]);
                },
                column.values);
        }
        if (with_geometry && !layer.wkb[row].empty()) {
            OGRGeometry* geometry = nullptr;
            const auto& wkb = layer.wkb[row];
            if (OGRGeometryFactory::createFromWkb(wkb.data(), srs.get(), &geometry, wkb.size()) != OGRERR_NONE)
                throw OutputError(at + " row " + std::to_string(row + 1) + ": geometry could not be encoded");
            std::unique_ptr<OGRGeometry> owned(geometry);
            if (type == wkbMultiPolygon) owned.reset(OGRGeometryFactory::forceToMultiPolygon(owned.release()));
            feature.SetGeometryDirectly(owned.release());
        }
        if (out->CreateFeature(&feature) != OGRERR_NONE)
            throw OutputError(at + " row " + std::to_string(row + 1) + ": cannot write feature: " + errors.last_error());
    }
    if (out->CommitTransaction() != OGRERR_NONE) throw OutputError(at + ": " + errors.last_error());
}

// The layer_styles table as QGIS creates it (QgsOgrProviderMetadata::saveStyle: FID "id", these
// columns and widths), one row per style. QGIS finds a layer's styles by f_table_schema = '',
// f_table_name and f_geometry_column, and applies the one with useAsDefault on opening the layer.
void write_layer_styles(GDALDataset& dataset, const std::vector<MapStyle>& styles, const std::filesystem::path& path) {
    const std::string at = "output '" + path.string() + "' layer 'layer_styles'";
    ScopedErrorCollector errors;
    const char* options[] = {"FID=id", nullptr};
    OGRLayer* out = dataset.CreateLayer("layer_styles", nullptr, wkbNone, const_cast<char**>(options));
    if (out == nullptr) throw OutputError(at + ": cannot create layer: " + errors.last_error());
    struct Field {
        const char* name;
        OGRFieldType type;
        int width;
    };
    static constexpr Field fields[] = {{"f_table_catalog", OFTString, 256},
                                       {"f_table_schema", OFTString, 256},
                                       {"f_table_name", OFTString, 256},
                                       {"f_geometry_column", OFTString, 256},
                                       {"styleName", OFTString, 30},
                                       {"styleQML", OFTString, 0},
                                       {"styleSLD", OFTString, 0},
                                       {"useAsDefault", OFTInteger, 0},
                                       {"description", OFTString, 0},
                                       {"owner", OFTString, 30},
                                       {"ui", OFTString, 30},
                                       {"update_time", OFTDateTime, 0}};
    for (const Field& field : fields) {
        OGRFieldDefn definition(field.name, field.type);
        definition.SetWidth(field.width);
        if (field.type == OFTInteger) definition.SetSubType(OFSTBoolean);
        if (field.type == OFTDateTime) definition.SetDefault("CURRENT_TIMESTAMP");
        if (out->CreateField(&definition) != OGRERR_NONE)
            throw OutputError(at + ": cannot create column '" + field.name + "': " + errors.last_error());
    }
    if (out->StartTransaction() != OGRERR_NONE) throw OutputError(at + ": " + errors.last_error());
    for (const MapStyle& style : styles) {
        OGRFeature feature(out->GetLayerDefn());
        feature.SetField("f_table_catalog", "");
        feature.SetField("f_table_schema", "");
        feature.SetField("f_table_name", style.table.c_str());
        feature.SetField("f_geometry_column", style.geometry_column.c_str());
        feature.SetField("styleName", style.name.c_str());
        feature.SetField("styleQML", style_qml(style).c_str());
        feature.SetField("styleSLD", style_sld(style).c_str());
        feature.SetField("useAsDefault", style.is_default ? 1 : 0);
        feature.SetField("description", style.description.c_str());
        feature.SetField("owner", "");
        feature.SetField("ui", "");
        feature.SetField("update_time", kFixedTimestamp);
        if (out->CreateFeature(&feature) != OGRERR_NONE)
            throw OutputError(at + ": cannot write the style '" + style.name + "': " + errors.last_error());
    }
    if (out->CommitTransaction() != OGRERR_NONE) throw OutputError(at + ": " + errors.last_error());
}

GDALDriver& output_driver(const char* name, const std::filesystem::path& path) {
    ensure_gdal_registered();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(name);
    if (driver == nullptr)
        throw OutputError(std::string("GDAL was built without the ") + name + " driver; cannot write '" + path.string() + "'");
    return *driver;
}

// Create, fill and close one dataset; errors on closing (a full disk) are errors of the write.
void write_dataset(const char* driver_name, const std::filesystem::path& path, const std::vector<const Layer*>& layers,
                   const LayerStyle& style, const std::vector<MapStyle>& map_styles = {}) {
    GDALDriver& driver = output_driver(driver_name, path);
    FixedTimestamp fixed_timestamp;
    ScopedErrorCollector errors;
    GDALDatasetUniquePtr dataset(driver.Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!dataset) throw OutputError("cannot create '" + path.string() + "': " + errors.last_error());
    for (const Layer* layer : layers) write_layer(*dataset, *layer, path, style);
    if (!map_styles.empty()) write_layer_styles(*dataset, map_styles, path);
    // Closing flushes the last pages (XLSX: the whole zip); a full disk shows up here.
    // (GDALDataset::Close() is 3.7+.)
    dataset.reset();
    if (!errors.last_error().empty()) {
        throw OutputError("cannot finish writing '" + path.string() + "': " + errors.last_error());
    }
}

}  // namespace

void write_geopackage(const std::filesystem::path& path, const std::vector<const Layer*>& layers,
                      const std::vector<MapStyle>& styles) {
    write_dataset("GPKG", path, layers, LayerStyle{true, false, {"GEOMETRY_NAME=geometry", "FID=fid"}}, styles);
}

std::string spreadsheet_text(std::string_view text) {
    // A plain number is data, not a formula: "-1.55" stays as written (a quote in front would
    // make every negative number in a CSV copy look like text).
    if (text.empty() || is_plain_decimal(text)) return std::string(text);
    switch (text.front()) {
        case '=':
        case '+':
        case '-':
        case '@':
        case '\t':
        case '\r': {
            std::string safe;
            safe.reserve(text.size() + 1);
            safe += '\'';
            safe += text;
            return safe;
        }
        default: return std::string(text);
    }
}

void write_csv_table(const std::filesystem::path& path, const Layer& layer) {
    // RFC 4180 line ends, and a byte-order mark so Excel reads the names as UTF-8.
    write_dataset("CSV", path, {&layer}, LayerStyle{false, true, {"LINEFORMAT=CRLF", "WRITE_BOM=YES"}});
}

void write_xlsx(const std::filesystem::path& path, const std::vector<const Layer*>& layers) {
    write_dataset("XLSX", path, layers, LayerStyle{false, true, {}});
}

namespace {

namespace fs = std::filesystem;

constexpr const char* kCurrent = "current";    // the pointer readers go through
constexpr const char* kPrevious = "previous";  // the set the last commit replaced, kept one run longer

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "host";
    return name;
}

fs::path folder_of(const fs::path& path) { return path.parent_path().empty() ? fs::path(".") : path.parent_path(); }

std::string versions_name(const std::string& stem) { return "." + stem + ".furthest"; }

// The target of a symbolic link, or empty when `path` is not one.
fs::path link_target(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(path, ec))) return {};
    auto target = fs::read_symlink(path, ec);
    return ec ? fs::path() : target;
}

// Point `link` at `target` in one step: a new link under a hidden name renamed over the old one
// (rename(2) replaces a name atomically, so a reader sees the old target or the new one).
void replace_link(const fs::path& target, const fs::path& link) {
    const auto temporary = link.parent_path() / ("." + link.filename().string() + ".link-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove(temporary, ec);
    fs::create_symlink(target, temporary, ec);
    if (ec) throw OutputError("cannot create a link beside '" + link.string() + "': " + ec.message());
    if (::rename(temporary.c_str(), link.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        fs::remove(temporary, ec);
        throw OutputError("cannot put '" + link.string() + "' in place: " + reason);
    }
}

// Data on disk before the pointer is switched to it, so a power cut cannot leave the pointer on
// files whose pages were never written.
void sync_to_disk(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

[[noreturn]] void refuse_busy(const fs::path& output, const fs::path& lock, int fd) {
    char holder[128] = {};
    const auto n = ::pread(fd, holder, sizeof holder - 1, 0);
    std::string who(holder, n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
    ::close(fd);
    throw OutputError("output '" + output.string() + "' is being written by another run" +
                      (who.empty() ? std::string() : " (" + who + ")") +
                      "; wait for it to finish or choose another [output] path (lock: '" + lock.string() + "')");
}

}  // namespace

fs::path StagedOutputs::versions_folder(const fs::path& output) {
    return folder_of(output) / versions_name(output.stem().string());
}

void StagedOutputs::refuse_if_busy(const fs::path& output) {
    const auto lock = versions_folder(output) / "lock";
    const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) refuse_busy(output, lock, fd);
    ::close(fd);
}

StagedOutputs::~StagedOutputs() {
    std::error_code ignored;
    if (!committed_ && !run_dir_.empty()) {
        fs::remove_all(run_dir_, ignored);
        // A set that never got a commit (a first run that failed) leaves no trace.
        if (lock_fd_ >= 0 && link_target(versions_ / kCurrent).empty()) fs::remove_all(versions_, ignored);
    }
    if (lock_fd_ >= 0) ::close(lock_fd_);
}

void StagedOutputs::open_set(const fs::path& final_path) {
    folder_ = folder_of(final_path);
    stem_ = final_path.stem().string();
    std::error_code ec;
    fs::create_directories(folder_, ec);
    if (ec) throw OutputError("cannot create output folder '" + folder_.string() + "': " + ec.message());
    if (::access(folder_.c_str(), W_OK) != 0) throw OutputError("output folder '" + folder_.string() + "' is not writable");
    versions_ = folder_ / versions_name(stem_);
    fs::create_directories(versions_ / "runs", ec);
    if (ec) throw OutputError("cannot create '" + (versions_ / "runs").string() + "': " + ec.message());

    // The lock: flock is released by the kernel when a process dies, so a killed run never
    // leaves it held. The inode check covers a lock file removed between open and flock.
    const auto lock = versions_ / "lock";
    for (int attempt = 0; lock_fd_ < 0; ++attempt) {
        const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) throw OutputError("cannot create the lock '" + lock.string() + "': " + std::strerror(errno));
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno == EWOULDBLOCK) refuse_busy(final_path, lock, fd);
            const std::string reason = std::strerror(errno);
            ::close(fd);
            throw OutputError("cannot lock '" + lock.string() + "': " + reason);
        }
        struct stat held {
        }, named{};
        if (::fstat(fd, &held) == 0 && ::stat(lock.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
            held.st_dev == named.st_dev) {
            lock_fd_ = fd;
        } else {
            ::close(fd);
            if (attempt == 3) throw OutputError("cannot lock '" + lock.string() + "': it keeps being replaced");
        }
    }
    const std::string holder = "process " + std::to_string(::getpid()) + " on " + host_name() + "\n";
    if (::ftruncate(lock_fd_, 0) != 0 || ::pwrite(lock_fd_, holder.data(), holder.size(), 0) < 0) {
        // The lock holds without the note; the note only names the holder in a refusal.
    }

    // Version folders that are neither the current set nor the one it replaced were left by runs
    // that were killed (the lock says no other run is writing).
    const auto current = link_target(versions_ / kCurrent).filename();
    const auto previous = link_target(versions_ / kPrevious).filename();
    for (fs::directory_iterator it(versions_ / "runs", ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename();
        if (name == current || name == previous) continue;
        std::error_code remove_error;
        if (fs::remove_all(it->path(), remove_error) > 0 && !remove_error) stale_removed_.push_back(it->path());
    }
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    const std::string id = std::to_string(seconds.count()) + "-" + std::to_string(::getpid());
    run_dir_ = versions_ / "runs" / id;
    for (int n = 1; fs::exists(run_dir_, ec); ++n) run_dir_ = versions_ / "runs" / (id + "-" + std::to_string(n));
    fs::create_directory(run_dir_, ec);
    if (ec) throw OutputError("cannot create '" + run_dir_.string() + "': " + ec.message());
}

fs::path StagedOutputs::stage(const fs::path& final_path) {
    if (run_dir_.empty()) open_set(final_path);
    else if (folder_of(final_path) != folder_)
        throw OutputError("output '" + final_path.string() + "' is not in the folder of the set, '" + folder_.string() + "'");
    const auto temporary = run_dir_ / final_path.filename();
    staged_.emplace_back(temporary, final_path);
    return temporary;
}

void StagedOutputs::link_final_names() {
    // Something other than a file or a link at a final name is not ours to replace: refuse
    // before anything changes.
    std::error_code ec;
    for (const auto& [temporary, final_path] : staged_) {
        const auto status = fs::symlink_status(final_path, ec);
        if (fs::exists(status) && !fs::is_symlink(status) && !fs::is_regular_file(status))
            throw OutputError("cannot put '" + final_path.string() + "' in place: a folder or other non-file is there");
    }
    const fs::path through = fs::path(versions_name(stem_)) / kCurrent;
    auto& changed = relinked_;
    try {
        for (const auto& [temporary, final_path] : staged_) {
            const auto want = through / final_path.filename();
            const auto status = fs::symlink_status(final_path, ec);
            if (fs::is_symlink(status)) {
                auto target = fs::read_symlink(final_path, ec);
                if (target == want) continue;
                replace_link(want, final_path);
                changed.emplace_back(final_path, std::move(target));
            } else if (!fs::exists(status)) {
                // Dangles until the switch: the name is not part of the current set.
                replace_link(want, final_path);
                changed.emplace_back(final_path, fs::path());
            } else {
                // A plain file: written by a furthest from before version folders, or copied in.
                // It joins the current set under its name first (a hard link: same bytes), so
                // what a reader sees does not change until the switch.
                if (link_target(versions_ / kCurrent).empty()) {
                    const auto before = run_dir_.filename().string() + "-before";
                    fs::create_directory(versions_ / "runs" / before, ec);
                    if (ec) throw OutputError("cannot create '" + (versions_ / "runs" / before).string() + "': " + ec.message());
                    replace_link(fs::path("runs") / before, versions_ / kCurrent);
                }
                const auto current_dir = versions_ / link_target(versions_ / kCurrent);
                const auto adopted = current_dir / ("." + final_path.filename().string() + ".adopt");
                fs::remove(adopted, ec);
                fs::create_hard_link(final_path, adopted, ec);
                if (ec) fs::copy_file(final_path, adopted, fs::copy_options::overwrite_existing, ec);
                if (ec) throw OutputError("cannot keep '" + final_path.string() + "' while replacing it: " + ec.message());
                fs::rename(adopted, current_dir / final_path.filename(), ec);
                if (ec) throw OutputError("cannot keep '" + final_path.string() + "' while replacing it: " + ec.message());
                replace_link(want, final_path);
            }
        }
    } catch (...) {
        restore_links();
        throw;
    }
}

void StagedOutputs::restore_links() {
    for (auto it = relinked_.rbegin(); it != relinked_.rend(); ++it) {
        std::error_code ignored;
        if (it->second.empty()) fs::remove(it->first, ignored);
        else {
            try {
                replace_link(it->second, it->first);
            } catch (const OutputError&) {}
        }
    }
    relinked_.clear();
}

void StagedOutputs::commit() {
    if (staged_.empty()) {
        committed_ = true;
        return;
    }
    for (const auto& [temporary, final_path] : staged_) sync_to_disk(temporary);
    sync_to_disk(run_dir_);
    link_final_names();
    const auto previous = link_target(versions_ / kCurrent);
    // The one step that replaces the set.
    try {
        replace_link(fs::path("runs") / run_dir_.filename(), versions_ / kCurrent);
    } catch (const OutputError&) {
        restore_links();
        throw;
    }
    committed_ = true;
    sync_to_disk(versions_);
    collect_garbage(previous);
}

void StagedOutputs::collect_garbage(const fs::path& previous_target) {
    // Best effort: the new set is in place whatever fails here.
    std::error_code ec;
    if (!previous_target.empty()) {
        try {
            replace_link(previous_target, versions_ / kPrevious);
        } catch (const OutputError&) {}
    }
    const auto keep_previous = link_target(versions_ / kPrevious).filename();
    for (fs::directory_iterator it(versions_ / "runs", ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename();
        if (name == run_dir_.filename() || name == keep_previous) continue;
        std::error_code ignored;
        fs::remove_all(it->path(), ignored);
    }
    // Final names the earlier set had and this one has not: their links now lead nowhere.
    const std::string prefix = (fs::path(versions_name(stem_)) / kCurrent).string() + "/";
    for (fs::directory_iterator it(folder_, ec), end; !ec && it != end; it.increment(ec)) {
        const auto target = link_target(it->path()).string();
        std::error_code ignored;
        if (target.rfind(prefix, 0) == 0 && !fs::exists(it->path(), ignored)) fs::remove(it->path(), ignored);
    }
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw OutputError("cannot write '" + path.string() + "' (disk full or not writable?)");
}

}  // namespace furthest::io
