// SHA-256 (FIPS 180-4) of files, for the run manifest's input checksums.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace furthest::io {

/// Lower-case hex digest of `data`.
std::string sha256_hex(std::string_view data);

/// Lower-case hex digest of a file's bytes, streamed; InputError when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace furthest::io
