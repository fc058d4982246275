#include "io/confinement.hpp"

#include "core/text.hpp"
#include "furthest/errors.hpp"
#include "io/gdal_compat.hpp"

#include <cpl_conv.h>
#include <cpl_http.h>
#include <cpl_string.h>
#include <gdal_priv.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string_view>
#include <utility>

namespace furthest::io {
namespace {

thread_local const RunConfinement* t_run = nullptr;
thread_local InputGuard* t_guard = nullptr;

// The path with symbolic links and '..' resolved as far as it exists (as the door resolves).
std::filesystem::path resolved(const std::filesystem::path& path) {
    std::error_code ec;
    auto out = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
    return ec ? path.lexically_normal() : out;
}

bool inside(const std::filesystem::path& real, const std::vector<std::filesystem::path>& roots) {
    return std::any_of(roots.begin(), roots.end(), [&](const std::filesystem::path& root) {
        const auto relative = real.lexically_relative(root);
        return !relative.empty() && *relative.begin() != "..";
    });
}

std::string names_of(const std::vector<std::filesystem::path>& folders) {
    std::vector<std::string> names;
    for (const auto& folder : folders) names.push_back(folder.string());
    return core::join_names(names);
}

// GDAL's own support files (GDAL_DATA: gdalvrt.xsd, GML registries ...) are read on a run's
// behalf but are not the run's inputs: they stay readable inside allowed_folders.
const std::vector<std::filesystem::path>& gdal_support_folders() {
    static const std::vector<std::filesystem::path> folders = [] {
        std::vector<std::filesystem::path> out;
        if (const char* data = CPLGetConfigOption("GDAL_DATA", nullptr)) out.push_back(resolved(data));
        for (const char* probe : {"gdalvrt.xsd", "header.dxf", "gml_registry.xml"})
            if (const char* found = CPLFindFile("gdal", probe)) {
                out.push_back(resolved(std::filesystem::path(found).parent_path()));
                break;
            }
        return out;
    }();
    return folders;
}

enum class FilesystemKind {
    Local,    // the default handler: plain paths
    Network,  // /vsicurl/, /vsis3/ ... : a request leaves the process
    Stdin,    // /vsistdin/: never a file an input can name
    Archive,  // /vsizip/, /vsigzip/ ...: decompress what another handler reads (counted)
    Other,    // /vsimem/, /vsisubfile/ ...: read through another handler (vetted there)
};

// Reads out of an archive, counted against the guard's decompressed-bytes limit.
class CountedHandle final : public ForwardingHandle {
public:
    CountedHandle(VSIVirtualHandle* inner, std::string path) : ForwardingHandle(inner), path_(std::move(path)) {}
    size_t Read(void* buffer, size_t size, size_t count) override {
        const size_t got = inner_->Read(buffer, size, count);
        counted(static_cast<std::uint64_t>(got) * size);
        return got;
    }
    size_t PRead(void* buffer, size_t size, vsi_l_offset offset) const override {
        const size_t got = inner_->PRead(buffer, size, offset);
        counted(got);
        return got;
    }
    int ReadMultiRange(int ranges, void** data, const vsi_l_offset* offsets, const size_t* sizes) override {
        const int status = inner_->ReadMultiRange(ranges, data, offsets, sizes);
        std::uint64_t total = 0;
        for (int i = 0; i < ranges; ++i) total += sizes[i];
        if (status == 0) counted(total);
        return status;
    }

private:
    void counted(std::uint64_t bytes) const {
        if (InputGuard* guard = InputGuard::current()) guard->count_decompressed(bytes, path_);
    }
    std::string path_;
};

class GuardedFilesystem final : public ForwardingFilesystem {
public:
    GuardedFilesystem(VSIFilesystemHandler* inner, FilesystemKind kind) : ForwardingFilesystem(inner), kind_(kind) {}

    VSIVirtualHandle* Open(const char* path, const char* access, bool set_error, CSLConstList options) override {
        if (!permitted(path)) return refused_open(path, set_error);
        VSIVirtualHandle* handle = inner_->Open(path, access, set_error, options);
        if (handle != nullptr && kind_ == FilesystemKind::Archive && InputGuard::current() != nullptr)
            return new CountedHandle(handle, path);
        return handle;
    }
    int Stat(const char* path, VSIStatBufL* buffer, int flags) override {
        if (!permitted(path)) return refused(-1);
        return inner_->Stat(path, buffer, flags);
    }
    int Unlink(const char* path) override { return permitted(path) ? inner_->Unlink(path) : refused(-1); }
    int Mkdir(const char* path, long mode) override { return permitted(path) ? inner_->Mkdir(path, mode) : refused(-1); }
    int Rmdir(const char* path) override { return permitted(path) ? inner_->Rmdir(path) : refused(-1); }
    int RmdirRecursive(const char* path) override { return permitted(path) ? inner_->RmdirRecursive(path) : refused(-1); }
    int Rename(const char* from, const char* to) override {
        return permitted(from) && permitted(to) ? inner_->Rename(from, to) : refused(-1);
    }
    char** ReadDirEx(const char* path, int max_files) override {
        return permitted(path) ? inner_->ReadDirEx(path, max_files) : nullptr;
    }
    char** SiblingFiles(const char* path) override { return permitted(path) ? inner_->SiblingFiles(path) : nullptr; }
    VSIDIR* OpenDir(const char* path, int depth, const char* const* options) override {
        return permitted(path) ? inner_->OpenDir(path, depth, options) : nullptr;
    }
    char** GetFileMetadata(const char* path, const char* domain, CSLConstList options) override {
        return permitted(path) ? inner_->GetFileMetadata(path, domain, options) : nullptr;
    }

private:
    // Whether the guard on this thread (if any) lets GDAL touch `path`; records a refusal.
    bool permitted(const char* path) const {
        InputGuard* guard = InputGuard::current();
        if (guard == nullptr || path == nullptr) return true;
        switch (kind_) {
            case FilesystemKind::Local:
                if (guard->local_allowed(path)) return true;
                guard->refuse(std::string("'") + core::clip(path) + "'");
                return false;
            case FilesystemKind::Network:
                if (guard->network_allowed()) return true;
                guard->refuse(std::string("the network ('") + core::clip(path) + "')");
                return false;
            case FilesystemKind::Stdin: guard->refuse("the standard input (/vsistdin/)"); return false;
            case FilesystemKind::Archive:
            case FilesystemKind::Other: return true;
        }
        return true;
    }
    static VSIVirtualHandle* refused_open(const char* path, bool set_error) {
        errno = EACCES;
        if (set_error) VSIError(VSIE_FileError, "%s: refused by the run's confinement", path);
        return nullptr;
    }
    static int refused(int value) {
        errno = EACCES;
        return value;
    }
    FilesystemKind kind_;
};

FilesystemKind kind_of(const std::string& prefix, VSIFilesystemHandler* handler) {
    if (prefix.empty()) return FilesystemKind::Local;
    if (prefix.rfind("/vsistdin", 0) == 0) return FilesystemKind::Stdin;
    static constexpr std::array<std::string_view, 10> network = {"/vsicurl", "/vsis3",    "/vsigs",      "/vsiaz",   "/vsiadls",
                                                                 "/vsioss",  "/vsiswift", "/vsiwebhdfs", "/vsihdfs", "/vsiazure"};
    if (std::any_of(network.begin(), network.end(), [&](std::string_view p) { return prefix.rfind(p, 0) == 0; }) ||
        !handler->IsLocal(prefix.c_str()))
        return FilesystemKind::Network;
    static constexpr std::array<std::string_view, 4> archives = {"/vsizip", "/vsitar", "/vsi7z", "/vsirar"};
    if (std::any_of(archives.begin(), archives.end(), [&](std::string_view p) { return prefix.rfind(p, 0) == 0; }))
        return FilesystemKind::Archive;
    return FilesystemKind::Other;
}

// GDAL drivers that fetch a URL themselves (WFS, a linked CRS, WMS, XML schemas) go through
// CPLHTTPFetch; this per-thread hook answers in place of the network when it is off.
CPLHTTPResult* refuse_fetch(const char* url, CSLConstList, GDALProgressFunc, void*, CPLHTTPFetchWriteFunc, void*, void*) {
    InputGuard* guard = InputGuard::current();
    if (guard != nullptr) guard->refuse(std::string("the network ('") + core::clip(url ? url : "") + "')");
    auto* result = static_cast<CPLHTTPResult*>(CPLCalloc(1, sizeof(CPLHTTPResult)));
    result->nStatus = 1;
    result->pszErrBuf = CPLStrdup("network access is off");
    return result;
}

// Options set on this thread only while an input is read: no Python in VRT pixel functions, no
// SQLite virtual tables reaching other files, GDAL's work kept on this thread (where the guard is).
constexpr std::array<std::pair<const char*, const char*>, 5> kReadingOptions = {{
    {"GDAL_VRT_ENABLE_PYTHON", "NO"},
    {"OGR_SQLITE_ALLOW_EXTERNAL_ACCESS", "NO"},
    {"GDAL_NUM_THREADS", "1"},
    {"VRT_NUM_THREADS", "1"},
    {"GDAL_HTTP_MAX_RETRY", "0"},
}};
constexpr std::array<std::pair<const char*, const char*>, 3> kNoNetworkOptions = {{
    {"GDAL_HTTP_PROXY", "127.0.0.1:9"},
    {"GDAL_HTTP_CONNECTTIMEOUT", "1"},
    {"GDAL_HTTP_TIMEOUT", "2"},
}};

}  // namespace

namespace {

// Drivers whose datasets are servers, not files. GDAL gives most a connection prefix ("PG:",
// "WFS:" ...); these few it does not, or they reach a server without libcurl (libpq ...).
// GMLAS has a prefix but reads files.
constexpr std::array<std::string_view, 9> kServerDrivers = {"WMS", "WCS",          "PostGISRaster", "HANA", "MongoDBv3",
                                                            "OCI", "MSSQLSpatial", "GNMDatabase",   "HTTP"};

bool is_server_driver(GDALDriver& driver) {
    const std::string_view name = driver.GetDescription();
    if (name == "GMLAS") return false;
    return driver.GetMetadataItem(GDAL_DMD_CONNECTION_PREFIX) != nullptr ||
           std::find(kServerDrivers.begin(), kServerDrivers.end(), name) != kServerDrivers.end();
}

// A server driver's open, refused on a thread reading an input with the network off: a VRT
// source "PG:host=..." would otherwise connect through libpq, which no GDAL hook sees. GDAL's
// open callbacks carry no user data, so each wrapped driver gets its own slot.
constexpr std::size_t kOpenSlots = 48;
std::array<GDALDataset* (*)(GDALOpenInfo*), kOpenSlots> g_original_open{};
std::array<GDALDriver*, kOpenSlots> g_driver{};
GDALDataset* (*g_original_open_with_driver)(GDALDriver*, GDALOpenInfo*) = nullptr;

// True (and the refusal recorded) when `driver` would take `info` as its dataset. Drivers are
// tried in turn on every open, so one that would not take it is let through to say no itself.
bool refuse_server_open(GDALOpenInfo* info, GDALDriver* driver) {
    InputGuard* guard = InputGuard::current();
    if (guard == nullptr || guard->network_allowed() || info == nullptr || driver == nullptr) return false;
    // Identify says yes (1), no (0) or cannot tell (-1, GDAL_IDENTIFY_UNKNOWN) without opening.
    const int identified = driver->pfnIdentify != nullptr ? driver->pfnIdentify(info) : -1;
    bool takes_it = identified > 0;
    if (identified < 0) {
        if (const char* prefix = driver->GetMetadataItem(GDAL_DMD_CONNECTION_PREFIX)) {
            takes_it = EQUALN(info->pszFilename, prefix, std::strlen(prefix));
        } else {
            // Anything shaped like "SCHEME:..." (a connection string or a URL) is for a server
            // driver that cannot say; a file path is not.
            const std::string_view name = info->pszFilename;
            const std::size_t colon = name.find(':');
            takes_it = colon != std::string_view::npos && colon > 1 &&
                       std::all_of(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(colon),
                                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
        }
    }
    if (!takes_it) return false;
    guard->refuse("the network ('" + core::clip(info->pszFilename) + "', GDAL driver " + driver->GetDescription() + ")");
    CPLError(CE_Failure, CPLE_AppDefined, "network access is off");
    return true;
}

template <std::size_t N>
GDALDataset* guarded_open(GDALOpenInfo* info) {
    return refuse_server_open(info, g_driver[N]) ? nullptr : g_original_open[N](info);
}

template <std::size_t... N>
constexpr std::array<GDALDataset* (*)(GDALOpenInfo*), kOpenSlots> guarded_opens(std::index_sequence<N...>) {
    return {&guarded_open<N>...};
}

void guard_server_drivers() {
    static constexpr auto slots = guarded_opens(std::make_index_sequence<kOpenSlots>{});
    GDALDriverManager* manager = GetGDALDriverManager();
    std::size_t used = 0;
    for (int i = 0; i < manager->GetDriverCount(); ++i) {
        GDALDriver* driver = manager->GetDriver(i);
        if (driver == nullptr || !is_server_driver(*driver)) continue;
        if (driver->pfnOpen != nullptr && used < kOpenSlots) {
            g_original_open[used] = driver->pfnOpen;
            g_driver[used] = driver;
            driver->pfnOpen = slots[used++];
        }
        if (driver->pfnOpenWithDriverArg != nullptr) {
            // One original for all: in GDAL 3.6-3.10 only MSSQLSpatial opens this way.
            if (g_original_open_with_driver == nullptr) g_original_open_with_driver = driver->pfnOpenWithDriverArg;
            if (driver->pfnOpenWithDriverArg == g_original_open_with_driver)
                driver->pfnOpenWithDriverArg = [](GDALDriver* d, GDALOpenInfo* info) -> GDALDataset* {
                    return refuse_server_open(info, d) ? nullptr : g_original_open_with_driver(d, info);
                };
        }
    }
}

}  // namespace

void install_confinement() {
    static std::once_flag once;
    std::call_once(once, [] {
        char** prefixes = VSIFileManager::GetPrefixes();
        std::vector<std::string> names;
        for (char** p = prefixes; p != nullptr && *p != nullptr; ++p) names.emplace_back(*p);
        CSLDestroy(prefixes);
        for (const auto& prefix : names) {
            VSIFilesystemHandler* handler = VSIFileManager::GetHandler(prefix.c_str());
            if (handler == nullptr) continue;
            // Left as they are: file systems that read only through others (vetted there), and
            // those GDAL itself casts back to their own type (VSIFileFromMemBuffer does /vsimem/,
            // a gzip stream's destructor /vsigzip/).
            const FilesystemKind kind = kind_of(prefix, handler);
            if (kind == FilesystemKind::Other || prefix.rfind("/vsigzip", 0) == 0) continue;
            VSIFileManager::InstallHandler(prefix, new GuardedFilesystem(handler, kind));
        }
        // The default handler (plain paths) is whatever GetHandler gives a path no prefix matches.
        VSIFilesystemHandler* local = VSIFileManager::GetHandler("/");
        VSIFileManager::InstallHandler("", new GuardedFilesystem(local, FilesystemKind::Local));
        guard_server_drivers();
    });
}

RunConfinement::RunConfinement(bool allow_network_, const std::vector<std::filesystem::path>& allowed_folders)
    : allow_network(allow_network_), previous_(t_run) {
    for (const auto& folder : allowed_folders) folders.push_back(resolved(folder));
    t_run = this;
}

RunConfinement::~RunConfinement() { t_run = previous_; }

InputGuard::InputGuard(std::string role, std::filesystem::path path, bool allow_network)
    : role_(std::move(role)), path_(std::move(path)), allow_network_(allow_network), run_(t_run), previous_(t_guard) {
    if (run_ != nullptr && !run_->folders.empty()) {
        support_folders_ = gdal_support_folders();
        // The input itself is inside (the door checked its name); what it names may not be.
        support_folders_.insert(support_folders_.end(), run_->folders.begin(), run_->folders.end());
    }
    for (const auto& [key, value] : kReadingOptions) {
        const char* old = CPLGetThreadLocalConfigOption(key, nullptr);
        saved_options_.emplace_back(key, old ? old : std::string("\x01"));
        CPLSetThreadLocalConfigOption(key, value);
    }
    if (!network_allowed()) {
        pushed_fetch_hook_ = CPLHTTPPushFetchCallback(&refuse_fetch, nullptr) != 0;
        // Drivers that drive libcurl themselves (WMS tiles through CPLHTTPMultiFetch) pass neither
        // hook: send them to a proxy that is never there (the discard port on this machine).
        for (const auto& [key, value] : kNoNetworkOptions) {
            const char* old = CPLGetThreadLocalConfigOption(key, nullptr);
            saved_options_.emplace_back(key, old ? old : std::string("\x01"));
            CPLSetThreadLocalConfigOption(key, value);
        }
    }
    t_guard = this;
}

InputGuard::~InputGuard() {
    t_guard = previous_;
    for (const auto& path : temporary_) VSIUnlink(path.c_str());
    if (pushed_fetch_hook_) CPLHTTPPopFetchCallback();
    for (const auto& [key, old] : saved_options_)
        CPLSetThreadLocalConfigOption(key.c_str(), old == "\x01" ? nullptr : old.c_str());
}

InputGuard* InputGuard::current() { return t_guard; }

void InputGuard::note(const std::string& message) {
    if (run_ != nullptr) run_->notes_.push_back({path_.string(), role_ + ": '" + core::clip(path_.string()) + "' " + message});
}

void InputGuard::remove_when_done(std::string path) { temporary_.push_back(std::move(path)); }

std::vector<RunConfinement::Note> RunConfinement::take_notes() const { return std::exchange(notes_, {}); }

bool InputGuard::network_allowed() const {
    if (run_ != nullptr) return allow_network_ && run_->allow_network && run_->folders.empty();
    return allow_network_;
}

bool InputGuard::local_allowed(const std::string& path) const {
    if (support_folders_.empty()) return true;
    return inside(resolved(path), support_folders_);
}

void InputGuard::refuse(std::string what) {
    if (!refusal_.empty()) return;  // the first says what the file asked for
    const std::string at = role_ + ": '" + core::clip(path_.string()) + "'";
    if (what.rfind("the network", 0) == 0) {
        refusal_ = at + " makes GDAL reach " + what + "; network access is off (set allow_network = true under [run] " +
                   "to allow it" + (run_ != nullptr && !run_->folders.empty() ? ", and leave allowed_folders unset)" : ")");
    } else if (what.rfind("the standard input", 0) == 0) {
        refusal_ = at + " makes GDAL read " + what + "; expected a file that refers only to files";
    } else if (what.rfind("limit:", 0) == 0) {
        refusal_ = at + what.substr(6);
    } else {
        refusal_ = at + " makes GDAL open " + what + ", which lies outside the allowed folders " +
                   names_of(run_ != nullptr ? run_->folders : std::vector<std::filesystem::path>{}) +
                   "; expected every file it refers to inside them";
    }
}

void InputGuard::check() const {
    if (!refusal_.empty()) throw InputError(refusal_);
}

const ReadLimits& InputGuard::limits() const {
    static const ReadLimits defaults;
    return run_ != nullptr ? run_->limits : defaults;
}

void InputGuard::count_decompressed(std::uint64_t bytes, const std::string& archive) {
    decompressed_ += bytes;
    const auto limit = limits().decompressed_bytes;
    if (limit != 0 && decompressed_ > limit)
        refuse("limit: reads more than " + std::to_string(limit >> 20) + " MiB out of the archive or compressed file '" +
               core::clip(archive) + "'; expected at most that (README, Limits)");
}

void InputGuard::count_row(std::uint64_t vertices) {
    ++rows_;
    vertices_ += vertices;
    const auto& limit = limits();
    const std::string at = role_ + ": '" + core::clip(path_.string()) + "'";
    if (limit.rows != 0 && rows_ > limit.rows)
        throw InputError(at + " has more than " + std::to_string(limit.rows) + " rows; expected at most that (README, Limits)");
    if (limit.vertices != 0 && vertices_ > limit.vertices)
        throw InputError(at + " has more than " + std::to_string(limit.vertices) +
                         " vertices in its features; expected at most that (README, Limits)");
    check();
}

}  // namespace furthest::io
