#include "furthest/postcodes.hpp"

#include <gtest/gtest.h>

#include <cmath>

using furthest::normalise_postcode;
using furthest::PostcodeDirectory;

TEST(Postcodes, EverySpellingMeetsInTheStandardForm) {
    for (const char* text : {"LS1 4AP", "LS14AP", "ls1 4ap", "  LS1   4AP ", "LS1\t4AP",
                             "LS1\xC2\xA0"
                             "4AP"})
        EXPECT_EQ(normalise_postcode(text), "LS1 4AP") << text;
    // Each outward shape: A9, A99, AA9, AA99, A9A, AA9A; and the one special case.
    EXPECT_EQ(normalise_postcode("m11ae"), "M1 1AE");
    EXPECT_EQ(normalise_postcode("B338TH"), "B33 8TH");
    EXPECT_EQ(normalise_postcode("CR26XH"), "CR2 6XH");
    EXPECT_EQ(normalise_postcode("DN551PT"), "DN55 1PT");
    EXPECT_EQ(normalise_postcode("W1A0AX"), "W1A 0AX");
    EXPECT_EQ(normalise_postcode("EC1A 1BB"), "EC1A 1BB");
    EXPECT_EQ(normalise_postcode("gir0aa"), "GIR 0AA");
    // The ONS directories' fixed widths: pcd (7) and pcd2 (8).
    EXPECT_EQ(normalise_postcode("LS101AA"), "LS10 1AA");
    EXPECT_EQ(normalise_postcode("LS1  1AA"), "LS1 1AA");
}

TEST(Postcodes, ShapesThatAreNotPostcodesAreRefused) {
    for (const char* text : {"", "   ", "LS1 4A", "LS1 44P", "1S1 4AP", "LS1-4AP", "LS1 4AP X", "LSS1 4AP", "LS123 4AP", "L 4AP",
                             "n/a", "LS1 4ÅP", "LS1 O4P"})
        EXPECT_EQ(normalise_postcode(text), "") << text;
}

TEST(Postcodes, DirectoryFindsAnySpellingAndSaysWhyNot) {
    PostcodeDirectory directory;
    EXPECT_TRUE(directory.add("LS1 4AP", 1.0, 2.0));
    EXPECT_TRUE(directory.add("LS14AQ", 3.0, 4.0));
    EXPECT_TRUE(directory.add("LS2  9JT", 5.0, 6.0));
    EXPECT_TRUE(directory.add("LS9 9ZZ", std::nan(""), std::nan("")));  // terminated
    EXPECT_FALSE(directory.add("not one", 0.0, 0.0));
    EXPECT_TRUE(directory.add("ls1 4ap", 1.0, 2.0));  // again, same place: not a conflict
    EXPECT_EQ(directory.size(), 4u);
    EXPECT_EQ(directory.conflicting_duplicates(), 0u);
    EXPECT_TRUE(directory.add("LS1 4AP", 9.0, 9.0));
    EXPECT_EQ(directory.conflicting_duplicates(), 1u);

    const auto found = directory.find(" ls29jt");
    EXPECT_EQ(found.status, PostcodeDirectory::Status::Found);
    EXPECT_EQ(found.postcode, "LS2 9JT");
    EXPECT_EQ(found.x, 5.0);
    EXPECT_EQ(found.y, 6.0);
    EXPECT_EQ(directory.find("LS1 4AP").x, 1.0) << "the first coordinates stay";
    EXPECT_EQ(directory.find(" ").status, PostcodeDirectory::Status::Blank);
    EXPECT_EQ(directory.find("LS1").status, PostcodeDirectory::Status::NotAPostcode);
    EXPECT_EQ(directory.find("LS9 9ZZ").status, PostcodeDirectory::Status::NoCoordinates);
    const auto unknown = directory.find("LS1 4AZ");
    EXPECT_EQ(unknown.status, PostcodeDirectory::Status::Unknown);
    EXPECT_EQ(unknown.postcode, "LS1 4AZ");
}

TEST(Postcodes, ClosestPrefersTheSameOutwardCode) {
    PostcodeDirectory directory;
    directory.add("LS1 4AP", 0, 0);
    directory.add("LS7 4AQ", 0, 0);
    directory.add("BD1 1AA", 0, 0);
    EXPECT_EQ(directory.closest("LS1 4AQ"), "LS1 4AP");  // one edit from both; same district wins
    EXPECT_EQ(directory.closest("LS7 4AP"), "LS7 4AQ");  // and the other way round
    EXPECT_EQ(directory.closest("LS3 4AP"), "LS1 4AP");  // no shared district: the fewest edits
    EXPECT_EQ(directory.closest("WF9 9ZZ"), "");
}
