#include "core/text.hpp"
#include "fixtures.hpp"
#include "furthest/errors.hpp"
#include "io/confinement.hpp"
#include "io/number_parsing.hpp"
#include "io/readers.hpp"
#include "io/sha256.hpp"
#include "io/text_encoding.hpp"
#include "io/writers.hpp"

#include <cpl_vsi.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <unistd.h>

using namespace furthest;
using furthest::io::ParsedNumber;

TEST(NumberParsing, ReadsPublishedFormats) {
    double v = 0;
    EXPECT_EQ(io::parse_number("29,199", v), ParsedNumber::Value);
    EXPECT_DOUBLE_EQ(v, 29199.0);
    EXPECT_EQ(io::parse_number(" 1,234,567.25 ", v), ParsedNumber::Value);
    EXPECT_DOUBLE_EQ(v, 1234567.25);
    EXPECT_EQ(io::parse_number("-0.427", v), ParsedNumber::Value);
    EXPECT_DOUBLE_EQ(v, -0.427);
    EXPECT_EQ(io::parse_number("+3e2", v), ParsedNumber::Value);
    EXPECT_DOUBLE_EQ(v, 300.0);
    EXPECT_EQ(io::parse_number(".5", v), ParsedNumber::Value);
    EXPECT_DOUBLE_EQ(v, 0.5);
}

TEST(NumberParsing, BlankIsMissingAndJunkIsRefused) {
    double v = 0;
    EXPECT_EQ(io::parse_number("", v), ParsedNumber::Blank);
    EXPECT_EQ(io::parse_number("   ", v), ParsedNumber::Blank);
    for (const char* junk :
         {"abc", "n/a", "NaN", "inf", "-Infinity", "1,23", "12,3456", ",123", "1.2.3", "1e999", "--1", "1 2"}) {
        EXPECT_EQ(io::parse_number(junk, v), ParsedNumber::NotANumber) << junk;
    }
}

TEST(Sha256, MatchesFips180Vectors) {
    EXPECT_EQ(io::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(io::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(io::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(io::sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Spelling, SuggestsTheClosestKnownName) {
    EXPECT_EQ(core::did_you_mean("pathh", {"path", "layer", "id"}), "; did you mean 'path'?");
    EXPECT_EQ(core::did_you_mean("lsoa21cd", {"lsoa21_code", "ward"}), "; did you mean 'lsoa21_code'?");
    EXPECT_EQ(core::did_you_mean("zzzzzz", {"path", "layer"}), "");
}

TEST(Readers, CsvWithByteOrderMarkAndThousandsSeparators) {
    const auto dir = fixtures::scratch("bom");
    const auto csv = dir / "imd.csv";
    std::ofstream(csv) << "\xEF\xBB\xBF" << "code,\"Rank, national\",blank\nE01,\"29,199\",\nE02,7,3\n";
    const Layer table = io::read_table("indicator", csv, "", false);
    ASSERT_EQ(table.rows(), 2u);
    const Column& code = io::require_column(table, "indicator", csv, "code");  // BOM stripped from the first header
    EXPECT_EQ(io::key_text(code, 0), "E01");
    const auto rank = io::numeric_values(io::require_column(table, "indicator", csv, "Rank, national"), "indicator", csv);
    EXPECT_DOUBLE_EQ(rank[0], 29199.0);
    const auto blank = io::numeric_values(io::require_column(table, "indicator", csv, "blank"), "indicator", csv);
    EXPECT_TRUE(std::isnan(blank[0]));
    EXPECT_DOUBLE_EQ(blank[1], 3.0);
}

TEST(Readers, OnlyTheNamedColumnsInTheirOrder) {
    const auto dir = fixtures::scratch("columns");
    const auto csv = dir / "nspl.csv";
    std::ofstream(csv) << "pcd,pcd2,pcds,oseast1m,osnrth1m,lat,long\nLS1 1AA,LS1  1AA,LS1 1AA,429800,433500,53.79617,-1.55254\n";
    const Layer table = io::read_table("postcodes", csv, "", false, "", {"pcds", "long", "lat"});
    ASSERT_EQ(table.columns.size(), 3u);
    EXPECT_EQ(table.columns[0].name, "pcds");
    EXPECT_EQ(table.columns[1].name, "long");
    EXPECT_EQ(io::key_text(table.columns[2], 0), "53.79617");
    try {
        (void)io::read_table("postcodes", csv, "", false, "", {"pcds", "lng"});
        FAIL() << "a missing column was not refused";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("has no column 'lng'; did you mean 'long'?; columns: 'pcd', 'pcd2'"),
                  std::string::npos)
            << error.what();
    }
}

TEST(Readers, TextInNumericColumnNamesFileRowAndColumn) {
    const auto dir = fixtures::scratch("text");
    const auto csv = dir / "values.csv";
    std::ofstream(csv) << "code,value\nA,1\nB,abc\n";
    const Layer table = io::read_table("indicator", csv, "", false);
    try {
        io::numeric_values(table.at("value"), "indicator", csv);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("values.csv"), std::string::npos) << message;
        EXPECT_NE(message.find("row 2"), std::string::npos) << message;
        EXPECT_NE(message.find("column 'value'"), std::string::npos) << message;
        EXPECT_NE(message.find("'abc' is not a number"), std::string::npos) << message;
    }
}

TEST(Readers, MissingColumnSuggestsTheNearOne) {
    const auto dir = fixtures::scratch("column");
    const auto csv = dir / "values.csv";
    std::ofstream(csv) << "lsoa21_code,value\nA,1\n";
    const Layer table = io::read_table("indicator", csv, "", false);
    EXPECT_THROW(
        {
            try {
                io::require_column(table, "indicator", csv, "lsoa21_cod");
            } catch (const InputError& e) {
                EXPECT_NE(std::string(e.what()).find("did you mean 'lsoa21_code'"), std::string::npos) << e.what();
                throw;
            }
        },
        InputError);
}

TEST(Readers, NetworkPathsAreRefusedUnlessAllowed) {
    EXPECT_THROW(io::read_table("zones", "/vsicurl/https://example.com/zones.csv", "", false), InputError);
    EXPECT_THROW(io::read_table("zones", "/vsizip//vsicurl/https://example.com/z.zip", "", false), InputError);
}

TEST(Readers, MissingFileIsAnInputError) {
    EXPECT_THROW(io::read_table("indicator", "/nonexistent/furthest/table.csv", "", false), InputError);
}

TEST(Spreadsheets, FormulaTriggersBecomePlainText) {
    // OWASP's CSV-injection triggers: = + - @ and a leading tab or carriage return.
    EXPECT_EQ(io::spreadsheet_text("=HYPERLINK(\"http://x\",\"click\")"), "'=HYPERLINK(\"http://x\",\"click\")");
    EXPECT_EQ(io::spreadsheet_text("+44 113 000"), "'+44 113 000");
    EXPECT_EQ(io::spreadsheet_text("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");
    EXPECT_EQ(io::spreadsheet_text("@SUM(1)"), "'@SUM(1)");
    EXPECT_EQ(io::spreadsheet_text("\t=1+1"), "'\t=1+1");
    EXPECT_EQ(io::spreadsheet_text("\r=1+1"), "'\r=1+1");
    // Ordinary text, including text with those characters later on, is untouched.
    EXPECT_EQ(io::spreadsheet_text("Seacroft Hub"), "Seacroft Hub");
    EXPECT_EQ(io::spreadsheet_text("E01011661"), "E01011661");
    EXPECT_EQ(io::spreadsheet_text("A = B + C"), "A = B + C");
    EXPECT_EQ(io::spreadsheet_text(""), "");
}

TEST(Spreadsheets, PlainNumbersAreNotGuarded) {
    // A number is data: Excel reads "-1.55011" as that number, never as a formula.
    for (const char* number : {"-1.55011", "+44", "-0.5", "-.5", "2.5e-3", "-1E+6", "53.8"})
        EXPECT_EQ(io::spreadsheet_text(number), number) << number;
    // Anything more than one number still starts a formula.
    for (const char* formula : {"-1+2", "-1-1", "+1 2", "-", "-e5", "-1.2.3", "-1e", "-1,000", "-1 "})
        EXPECT_EQ(io::spreadsheet_text(formula), std::string("'") + formula) << formula;
    EXPECT_TRUE(io::is_plain_decimal("007"));
    EXPECT_FALSE(io::is_plain_decimal("1,5"));
    EXPECT_FALSE(io::is_plain_decimal("NaN"));
    EXPECT_FALSE(io::is_plain_decimal("."));
}

TEST(Readers, TextColumnsOfNumbersBecomeNumbers) {
    const auto reals = io::numbers_where_numeric(Column::texts("lon", {"-1.55011", "", " 53.8 "}, {true, true, true}));
    ASSERT_TRUE(std::holds_alternative<Column::Reals>(reals.values));
    EXPECT_DOUBLE_EQ(std::get<Column::Reals>(reals.values)[0], -1.55011);
    EXPECT_FALSE(reals.is_valid(1)) << "a blank is a missing value";
    EXPECT_DOUBLE_EQ(std::get<Column::Reals>(reals.values)[2], 53.8);

    const auto counts = io::numbers_where_numeric(Column::texts("champions", {"3", "1,200", ""}, {true, true, false}));
    ASSERT_TRUE(std::holds_alternative<Column::Integers>(counts.values));
    EXPECT_EQ(std::get<Column::Integers>(counts.values)[1], 1200);
    EXPECT_FALSE(counts.is_valid(2));

    // Codes keep their leading zeros; a column with one word in it stays text; so does one with none.
    for (const Column& text :
         {Column::texts("code", {"007", "12"}), Column::texts("hours", {"9", "closed"}), Column::texts("blank", {"", ""})}) {
        const auto kept = io::numbers_where_numeric(text);
        EXPECT_TRUE(std::holds_alternative<Column::Texts>(kept.values)) << text.name;
    }
    const auto integers = io::numbers_where_numeric(Column::integers("n", {1, 2}));
    EXPECT_TRUE(std::holds_alternative<Column::Integers>(integers.values));
}

// A table whose text holds formulas, written as CSV and XLSX and read back through GDAL: text
// arrives as text with the apostrophe, numbers (negative ones too) stay numbers.
TEST(Spreadsheets, CsvAndXlsxKeepNumbersAndDisarmFormulas) {
    Layer table;
    table.name = "partners";
    table.columns.push_back(Column::texts("name", {"=1+1", "Library, Central", "@cmd"}));
    table.columns.push_back(Column::reals("score", {-1.5, 2.25, std::nan("")}));
    table.columns.push_back(Column::integers("n", {-3, 0, 7}));
    table.columns.push_back(Column::texts("=header", {"a", "b", "c"}));
    const auto dir = fixtures::scratch("spreadsheets");
    io::write_csv_table(dir / "partners.csv", table);
    io::write_xlsx(dir / "tables.xlsx", {&table});

    std::ifstream csv(dir / "partners.csv", std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(csv)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.rfind("\xEF\xBB\xBF", 0), 0u) << "UTF-8 byte-order mark first";
    EXPECT_NE(text.find("\r\n"), std::string::npos);
    EXPECT_EQ(text.find("\n=1+1"), std::string::npos);
    EXPECT_EQ(text.find(",=header"), std::string::npos);

    for (const auto& path : {dir / "partners.csv", dir / "tables.xlsx"}) {
        SCOPED_TRACE(path.string());
        const Layer back = io::read_table("test", path, "", false);
        ASSERT_EQ(back.rows(), 3u);
        EXPECT_EQ(io::key_text(back.at("name"), 0), "'=1+1");
        EXPECT_EQ(io::key_text(back.at("name"), 1), "Library, Central");
        EXPECT_EQ(io::key_text(back.at("name"), 2), "'@cmd");
        EXPECT_NE(back.find("'=header"), nullptr);
        EXPECT_DOUBLE_EQ(io::numeric_value(back.at("score"), 0, "test", path), -1.5);
        EXPECT_TRUE(std::isnan(io::numeric_value(back.at("score"), 2, "test", path)));
        EXPECT_DOUBLE_EQ(io::numeric_value(back.at("n"), 0, "test", path), -3.0);
    }
}

namespace {

std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// One run's set: every final path written with `text` through its staged path, then committed.
void commit_set(const std::vector<std::filesystem::path>& finals, const std::string& text) {
    io::StagedOutputs staged;
    for (const auto& path : finals) std::ofstream(staged.stage(path)) << text << ' ' << path.filename().string();
    staged.commit();
}

}  // namespace

TEST(StagedOutputs, CommitsTheSetThroughOnePointer) {
    const auto dir = fixtures::scratch("set");
    const auto gpkg = dir / "run.gpkg", manifest = dir / "run.manifest.json", csv = dir / "run.zones.csv";
    commit_set({gpkg, csv, manifest}, "first");
    commit_set({gpkg, manifest}, "second");
    // Every final name is a link through the one pointer a commit switches.
    for (const auto& path : {gpkg, manifest}) {
        EXPECT_TRUE(std::filesystem::is_symlink(path)) << path;
        EXPECT_EQ(std::filesystem::read_symlink(path), std::filesystem::path(".run.furthest/current") / path.filename());
        EXPECT_EQ(read_all(path), "second " + path.filename().string());
    }
    // A name the new set does not have is gone, not left from the earlier run.
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(csv)));
    // The set it replaced is kept one run longer for readers still inside it, then removed.
    const auto runs = dir / ".run.furthest" / "runs";
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(runs), {}), 2);
    commit_set({gpkg, manifest}, "third");
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(runs), {}), 2);
    EXPECT_EQ(read_all(gpkg), "third run.gpkg");
}

TEST(StagedOutputs, AdoptsPlainFilesOfAnEarlierVersion) {
    const auto dir = fixtures::scratch("adopt");
    std::ofstream(dir / "run.gpkg") << "old";
    std::ofstream(dir / "run.manifest.json") << "old manifest";
    commit_set({dir / "run.gpkg", dir / "run.manifest.json"}, "new");
    EXPECT_EQ(read_all(dir / "run.gpkg"), "new run.gpkg");
    // The plain files became the previous set, whole.
    EXPECT_EQ(read_all(dir / ".run.furthest" / "previous" / "run.manifest.json"), "old manifest");
}

TEST(StagedOutputs, RemovesOnlyVersionFoldersOfKilledRuns) {
    const auto dir = fixtures::scratch("stale");
    const auto final_path = dir / "run.gpkg";
    commit_set({final_path}, "kept");
    const auto killed = dir / ".run.furthest" / "runs" / "1-4194305";
    std::filesystem::create_directories(killed);
    std::ofstream(killed / "run.gpkg") << "half";
    // Files that merely look like temporaries (an input, say) are never furthest's to remove.
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    const std::string lookalike = ".run.tmp-" + std::string(host) + "-4194305.gpkg";
    std::ofstream(dir / lookalike) << "input";
    io::StagedOutputs staged;
    staged.stage(final_path);
    ASSERT_EQ(staged.stale_removed().size(), 1u);
    EXPECT_EQ(staged.stale_removed()[0], killed);
    EXPECT_FALSE(std::filesystem::exists(killed));
    EXPECT_EQ(read_all(dir / lookalike), "input");
    EXPECT_EQ(read_all(final_path), "kept run.gpkg");
}

TEST(StagedOutputs, ASecondWriterIsRefusedNamingTheFirst) {
    const auto dir = fixtures::scratch("lock");
    io::StagedOutputs first;
    std::ofstream(first.stage(dir / "run.gpkg")) << "first";
    io::StagedOutputs second;
    try {
        second.stage(dir / "run.gpkg");
        FAIL() << "a second writer was let in";
    } catch (const OutputError& e) {
        EXPECT_NE(std::string(e.what()).find("is being written by another run (process " + std::to_string(::getpid())),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(io::StagedOutputs::refuse_if_busy(dir / "run.gpkg"), OutputError);
    first.commit();
    EXPECT_EQ(read_all(dir / "run.gpkg"), "first");
}

TEST(StagedOutputs, AFailedCommitLeavesTheEarlierSetWhole) {
    const auto dir = fixtures::scratch("failed-commit");
    const auto gpkg = dir / "run.gpkg", manifest = dir / "run.manifest.json";
    commit_set({gpkg, manifest}, "earlier");
    // Fault injection: the hidden name a link is made under is taken by a non-empty folder, once
    // for a final name after another was already linked, once for the pointer itself.
    const std::string pid = std::to_string(::getpid());
    for (const auto& blocker : {dir / (".run.xlsx.link-" + pid) / "x", dir / ".run.furthest" / (".current.link-" + pid) / "x"}) {
        SCOPED_TRACE(blocker.string());
        std::filesystem::create_directories(blocker);
        {
            io::StagedOutputs staged;
            for (const auto& path : {gpkg, dir / "run.zones.csv", dir / "run.xlsx", manifest})
                std::ofstream(staged.stage(path)) << "later";
            EXPECT_THROW(staged.commit(), OutputError);
        }
        std::filesystem::remove_all(blocker.parent_path());
        EXPECT_EQ(read_all(gpkg), "earlier run.gpkg");
        EXPECT_EQ(read_all(manifest), "earlier run.manifest.json");
        EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir / "run.zones.csv")));
        EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir / "run.xlsx")));
        EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir / ".run.furthest" / "runs"), {}), 1);
    }
}

TEST(StagedOutputs, AFirstRunThatFailsLeavesNoTrace) {
    const auto dir = fixtures::scratch("first-failure");
    {
        io::StagedOutputs staged;
        std::ofstream(staged.stage(dir / "run.gpkg")) << "never committed";
    }
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 0);
}

// What another team's program (and the Python binding) can do with furthest/io.hpp alone.
TEST(Io, PublicApiReadsAndReprojectsWithoutGdalTypes) {
    io::VectorRequest request;
    request.role = "zones";
    request.path = fixtures::demo_dir() / "zones.gpkg";
    const Layer bng = io::read_vector(request, "EPSG:27700");
    const Layer lonlat = io::read_vector(request, "EPSG:4326");
    ASSERT_EQ(bng.rows(), 300u);
    ASSERT_EQ(lonlat.rows(), 300u);
    EXPECT_FALSE(io::is_geographic(bng.crs_wkt));
    EXPECT_TRUE(io::is_geographic(lonlat.crs_wkt));
    // Back from degrees to metres lands within a millimetre of the layer read in metres.
    const auto back = io::reproject_geometries(lonlat.wkb, lonlat.crs_wkt, "EPSG:27700", "zones");
    ASSERT_EQ(back.size(), bng.wkb.size());
    // Little-endian ISO WKB: the first vertex follows the polygon's byte order, type, ring and
    // point counts (13 bytes), after a multipolygon's own 9-byte header.
    const auto first_vertex = [](const std::string& wkb) {
        std::uint32_t type = 0;
        std::memcpy(&type, wkb.data() + 1, 4);
        const std::size_t at = (type % 1000 == 6 ? 9 : 0) + 13;
        double xy[2] = {};
        std::memcpy(xy, wkb.data() + at, 16);
        return std::pair{xy[0], xy[1]};
    };
    const auto [x0, y0] = first_vertex(bng.wkb[0]);
    const auto [x1, y1] = first_vertex(back[0]);
    EXPECT_GT(x0, 100000.0);  // metres east, not degrees
    EXPECT_NEAR(x0, x1, 1e-3);
    EXPECT_NEAR(y0, y1, 1e-3);
    EXPECT_THROW(io::read_vector(request, "EPSG:not-a-crs"), ConfigError);
    const Layer table = io::read_table("indicators", fixtures::demo_dir() / "indicators.csv", "", false, "", {"zone_code"});
    EXPECT_EQ(table.columns.size(), 1u);
    EXPECT_FALSE(table.has_geometry());
}

TEST(Io, ReadingIsStoppableAndReportsTheShareRead) {
    const auto zones = fixtures::demo_dir() / "zones.gpkg";
    std::vector<Progress> seen;
    Control control{{}, [&](const Progress& p) { seen.push_back(p); }};
    io::VectorRequest request;
    request.role = "zones";
    request.path = zones;
    request.control = &control;
    const Layer layer = io::read_vector(request, "EPSG:27700");
    ASSERT_EQ(layer.rows(), 300u);
    // A GeoPackage counts its features without a scan: fractions from 0 to 1, never back.
    ASSERT_GE(seen.size(), 2u);
    EXPECT_EQ(seen.front().step, "reading zones");
    EXPECT_EQ(seen.front().fraction, 0.0);
    EXPECT_EQ(seen.back().fraction, 1.0);
    for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].fraction, seen[i - 1].fraction);

    // A CSV cannot count its rows cheaply: the fraction is NaN until the end.
    seen.clear();
    const auto indicators = fixtures::demo_dir() / "indicators.csv";
    (void)io::read_table("indicators", indicators, "", false, "", {}, control);
    ASSERT_GE(seen.size(), 2u);
    EXPECT_EQ(seen.front().step, "reading indicators");
    EXPECT_TRUE(std::isnan(seen.front().fraction));
    EXPECT_EQ(seen.back().fraction, 1.0);

    std::stop_source source;
    source.request_stop();
    const Control stopped{source.get_token(), {}};
    request.control = &stopped;
    EXPECT_THROW(io::read_vector(request, "EPSG:27700"), Stopped);
    EXPECT_THROW(io::read_table("indicators", indicators, "", false, "", {}, stopped), Stopped);
}

// ---- hostile inputs: encodings, quoted values, what GDAL may open ------------------------------

TEST(NumberParsing, NoBreakSpacesAroundANumberAreBlanks) {
    double v = 0;
    EXPECT_EQ(io::parse_number("1,234\xC2\xA0", v), ParsedNumber::Value);  // UTF-8 U+00A0 after
    EXPECT_DOUBLE_EQ(v, 1234.0);
    EXPECT_EQ(io::parse_number("\xE2\x80\xAF"
                               "5.5\xE2\x80\x87",
                               v),
              ParsedNumber::Value);  // U+202F, U+2007
    EXPECT_DOUBLE_EQ(v, 5.5);
    EXPECT_EQ(io::parse_number("\xC2\xA0\xC2\xA0", v), ParsedNumber::Blank);
    EXPECT_EQ(io::parse_number("5\xC2", v), ParsedNumber::NotANumber);  // half a no-break space
}

TEST(TextEncoding, DetectsWhatSpreadsheetsSave) {
    using io::TextEncoding;
    EXPECT_EQ(io::detect_encoding("a,b\r\nCaf\xC3\xA9,1\r\n"), TextEncoding::Utf8);
    EXPECT_EQ(io::detect_encoding("\xEF\xBB\xBF"
                                  "a,b\n"),
              TextEncoding::Utf8);
    EXPECT_EQ(io::detect_encoding("a,b\r\nCaf\xE9,\xA3"
                                  "5\r\n"),
              TextEncoding::Windows1252);
    EXPECT_EQ(io::detect_encoding(std::string("\xFF\xFE"
                                              "a\0,\0b\0",
                                              8)),
              TextEncoding::Utf16LE);
    EXPECT_EQ(io::detect_encoding(std::string("\xFE\xFF\0a\0,\0b", 8)), TextEncoding::Utf16BE);
    EXPECT_EQ(io::detect_encoding(std::string("a\0,\0b\0\n\0", 8)), TextEncoding::Utf16LE);  // no mark
}

TEST(TextEncoding, RecodesToUtf8AsWritten) {
    using io::TextEncoding;
    // Excel's "CSV": Windows-1252, with the euro (0x80) and a curly quote (0x93) in 0x80..0x9F.
    EXPECT_EQ(io::to_utf8("Caf\xE9 \xA3"
                          "5 \x80 \x93",
                          TextEncoding::Windows1252)
                  .text,
              "Caf\xC3\xA9 \xC2\xA3"
              "5 \xE2\x82\xAC \xE2\x80\x9C");
    EXPECT_EQ(io::to_utf8("\x80", TextEncoding::Latin1).text, "\xC2\x80");
    // UTF-16LE with a mark, a character outside the BMP (U+1F600) as a surrogate pair.
    const std::string utf16(
        "\xFF\xFE"
        "C\0"
        "a\0"
        "f\0"
        "\xE9\0"
        "\x3D\xD8\x00\xDE",
        14);
    EXPECT_EQ(io::to_utf8(utf16, TextEncoding::Utf16LE).text, "Caf\xC3\xA9\xF0\x9F\x98\x80");
    const auto lone = io::to_utf8(std::string("\x00\xD8"
                                              "a",
                                              3),
                                  TextEncoding::Utf16LE);  // lone surrogate, odd byte
    EXPECT_EQ(lone.replaced, 2u);
    EXPECT_TRUE(io::is_utf8(lone.text));
    EXPECT_EQ(io::to_utf8("\xEF\xBB\xBF"
                          "ok",
                          TextEncoding::Utf8)
                  .text,
              "ok");
    EXPECT_EQ(io::valid_utf8("a\xFF"
                             "b\xC0\xAF"),
              "a\xEF\xBF\xBD"
              "b\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_FALSE(io::is_utf8("\xED\xA0\x80"));  // an encoded surrogate
    EXPECT_EQ(io::parse_encoding("CP-1252"), TextEncoding::Windows1252);
    EXPECT_EQ(io::parse_encoding("utf-8-sig"), TextEncoding::Utf8);
    EXPECT_FALSE(io::parse_encoding("ebcdic").has_value());
}

TEST(TextEncoding, AWindows1252CsvIsReadAsWritten) {
    const auto dir = fixtures::scratch("cp1252");
    const auto path = dir / "partners.csv";
    std::ofstream(path, std::ios::binary) << "name,fee\r\nCaf\xE9 \x93Le Bon\x94,\xA3"
                                             "5\r\n";
    const Layer table = io::read_table("partners", path, "", false);
    const auto& names = std::get<Column::Texts>(table.at("name").values);
    EXPECT_EQ(names[0], "Caf\xC3\xA9 \xE2\x80\x9CLe Bon\xE2\x80\x9D");
    EXPECT_EQ(std::get<Column::Texts>(table.at("fee").values)[0],
              "\xC2\xA3"
              "5");
}

TEST(TextEncoding, AUtf16CsvIsReadAsWritten) {
    const auto dir = fixtures::scratch("utf16");
    const auto path = dir / "indicators.csv";
    const std::string text = "code,score\r\nE01\xC3\xA9,1.5\r\n";  // as UTF-8; write as UTF-16LE with a mark
    std::string utf16 = "\xFF\xFE";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        char16_t u = c;
        if (c == 0xC3) u = static_cast<char16_t>(((c & 0x1F) << 6) | (static_cast<unsigned char>(text[++i]) & 0x3F));
        utf16.push_back(static_cast<char>(u & 0xFF));
        utf16.push_back(static_cast<char>(u >> 8));
    }
    std::ofstream(path, std::ios::binary) << utf16;
    const Layer table = io::read_table("indicators", path, "", false);
    EXPECT_EQ(std::get<Column::Texts>(table.at("code").values)[0], "E01\xC3\xA9");
    EXPECT_DOUBLE_EQ(io::numeric_value(table.at("score"), 0, "indicators", path), 1.5);
}

TEST(Messages, QuoteAtMostAboutTwoHundredCharactersOfAValue) {
    const std::string huge(10'000'000, '7');
    double v = 0;
    ASSERT_EQ(io::parse_number(huge + "x", v), ParsedNumber::NotANumber);
    const InputError error("indicator 'imd' row 2, column 'score': '" + huge + "x' is not a number");
    const std::string message = error.what();
    EXPECT_LT(message.size(), 400u);
    EXPECT_NE(message.find("... (10000001 bytes in all)"), std::string::npos);
    EXPECT_NE(message.find("is not a number"), std::string::npos);
    // A cut never splits a UTF-8 character.
    const std::string accents(300, 'a');
    const InputError accented("'" + accents.substr(0, 199) + "\xC3\xA9" + accents + "'");
    EXPECT_NE(std::string(accented.what()).find(accents.substr(0, 199) + "..."), std::string::npos);
    EXPECT_EQ(core::clip("short"), "short");
}

TEST(Confinement, AVrtCannotReadOutsideTheAllowedFolders) {
    const auto inside = fixtures::scratch("confined");
    const auto outside = fixtures::scratch("outside");
    std::ofstream(outside / "secret.csv") << "a,b\n1,2\n";
    std::ofstream(inside / "table.vrt") << "<OGRVRTDataSource><OGRVRTLayer name=\"secret\"><SrcDataSource>"
                                        << (outside / "secret.csv").string()
                                        << "</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>";
    EXPECT_EQ(io::read_table("table", inside / "table.vrt", "", false).rows(), 1u);  // outside a run: anywhere
    io::RunConfinement run(false, {inside});
    try {
        io::read_table("table", inside / "table.vrt", "", false);
        FAIL() << "read a file outside the allowed folders";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("table.vrt' makes GDAL open '" + (outside / "secret.csv").string() +
                                             "', which lies outside the allowed folders"),
                  std::string::npos)
            << e.what();
    }
}

TEST(Confinement, AVrtCannotReachTheNetworkWhenItIsOff) {
    const auto dir = fixtures::scratch("network");
    // Port 9 (discard) on this machine: nothing is sent even if something listened.
    std::ofstream(dir / "remote.vrt") << "<OGRVRTDataSource><OGRVRTLayer name=\"t\"><SrcDataSource>"
                                         "/vsicurl/http://127.0.0.1:9/t.csv</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>";
    std::ofstream(dir / "pg.vrt") << "<OGRVRTDataSource><OGRVRTLayer name=\"t\"><SrcDataSource>"
                                     "PG:host=127.0.0.1 port=9 dbname=x</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>";
    for (const char* name : {"remote.vrt", "pg.vrt"}) {
        try {
            io::read_table("table", dir / name, "", false);
            FAIL() << name << " was read";
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find(std::string(name) + "' makes GDAL reach the network"), std::string::npos)
                << e.what();
        }
    }
}

TEST(Limits, AnArchiveThatInflatesPastTheLimitIsRefused) {
    const auto dir = fixtures::scratch(std::string("limits"));
    // 2 MiB of CSV, deflated to a few kB in a zip, read through /vsizip/ under a 1 MiB limit.
    const std::string path = "/vsizip/" + (dir / "big.zip").string() + "/big.csv";
    VSILFILE* zipped = VSIFOpenL(path.c_str(), "wb");
    ASSERT_NE(zipped, nullptr);
    const std::string row = "E0100000,1.5\n";
    VSIFWriteL("code,value\n", 1, 11, zipped);
    for (int i = 0; i < (2 << 20) / static_cast<int>(row.size()); ++i) VSIFWriteL(row.data(), 1, row.size(), zipped);
    VSIFCloseL(zipped);
    EXPECT_GT(io::read_table("big", path, "", false).rows(), 100'000u);  // within the default limit
    io::RunConfinement run(false, {});
    run.limits.decompressed_bytes = 1 << 20;
    try {
        io::read_table("big", path, "", false);
        FAIL() << "read past the decompressed-size limit";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("reads more than 1 MiB out of the archive or compressed file"), std::string::npos)
            << e.what();
    }
    run.limits = {};
    run.limits.rows = 1000;
    EXPECT_THROW(io::read_table("big", path, "", false), InputError);
}

TEST(Limits, ALayerPastTheVertexLimitIsRefused) {
    const auto dir = fixtures::scratch(std::string("vertex-limit"));
    // One square of 400 vertices: within a 1,000-vertex limit, and past a 100-vertex one.
    std::string ring;
    for (int i = 0; i < 400; ++i) {
        const double t = i / 100.0;
        const double x = i < 100 ? t : i < 200 ? 1.0 : i < 300 ? 3.0 - t : 0.0;
        const double y = i < 100 ? 0.0 : i < 200 ? t - 1.0 : i < 300 ? 1.0 : 4.0 - t;
        ring += "[" + std::to_string(430000 + x * 1000) + "," + std::to_string(433000 + y * 1000) + "],";
    }
    ring += "[430000,433000]";
    std::ofstream(dir / "square.geojson")
        << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},)"
        << R"("features":[{"type":"Feature","properties":{"code":"Z1"},"geometry":{"type":"Polygon","coordinates":[[)" << ring
        << "]]}}]}";
    const io::VectorRequest request{"zones", dir / "square.geojson"};
    io::RunConfinement run(false, {});
    run.limits.vertices = 1000;
    EXPECT_EQ(io::read_vector(request, "EPSG:27700").rows(), 1u);
    run.limits.vertices = 100;
    try {
        io::read_vector(request, "EPSG:27700");
        FAIL() << "read past the vertex limit";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("square.geojson"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("vertices"), std::string::npos) << e.what();
    }
}
