// Text files in the encodings spreadsheets and GIS tools save them in, as UTF-8: Excel's "CSV"
// is Windows-1252, its "Unicode text" UTF-16 with a byte-order mark; QGIS and LibreOffice write
// UTF-8 with or without one. GDAL's CSV driver takes bytes as UTF-8, so what is not is recoded
// before GDAL sees it. Plain code, no GDAL: the fuzz harness drives it directly.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace furthest::io {

enum class TextEncoding { Utf8, Utf16LE, Utf16BE, Windows1252, Latin1 };

/// "UTF-8", "UTF-16LE", "UTF-16BE", "Windows-1252", "ISO-8859-1".
std::string_view encoding_name(TextEncoding encoding);

/// The encoding a config names ("utf-8", "utf8", "utf-16", "cp1252", "windows-1252", "latin-1",
/// "iso-8859-1" ..., any case); nullopt when unknown. "utf-16" means: by the byte-order mark,
/// little-endian without one.
std::optional<TextEncoding> parse_encoding(std::string_view name);

/// True when `bytes` are well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool is_utf8(std::string_view bytes);

/// What the bytes are most likely in: a UTF-16 or UTF-8 byte-order mark says; else UTF-16 when
/// every other byte is zero in the text's first part; else UTF-8 when well-formed; else
/// Windows-1252 (which agrees with Latin-1 on every printable character).
TextEncoding detect_encoding(std::string_view bytes);

struct Utf8Text {
    std::string text;         ///< UTF-8 without a byte-order mark
    std::size_t replaced = 0;  ///< malformed sequences replaced by U+FFFD
};

/// The bytes as UTF-8 (a leading byte-order mark dropped). Malformed input (a lone surrogate,
/// an odd trailing byte, invalid UTF-8 in a file declared UTF-8) becomes U+FFFD, counted.
Utf8Text to_utf8(std::string_view bytes, TextEncoding encoding);

/// `text` with every malformed UTF-8 sequence replaced by U+FFFD: what a message or an output
/// cell holds when it quotes bytes of unknown encoding.
std::string valid_utf8(std::string_view text);

}  // namespace furthest::io
