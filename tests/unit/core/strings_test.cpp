// String helpers: UTF-8 validation and repair, splitting, joining, trimming, ASCII case folding.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/strings.hpp"

namespace soc {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

TEST(Utf8, ValidTextOfEverySequenceLength) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii \x01\x7f"));
  EXPECT_TRUE(
      is_valid_utf8("impay\xC3\xA9"
                    "e"));                         // 2 bytes
  EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC 100"));  // 3 bytes
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x94\x92"));  // 4 bytes
  EXPECT_TRUE(
      is_valid_utf8("\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"));
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF\xEE\x80\x80"));  // around the surrogate gap
  EXPECT_TRUE(is_valid_utf8(std::string("nul\0inside", 10)));
}

TEST(Utf8, OverlongsAreInvalid) {
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));
}

TEST(Utf8, SurrogatesAndOutOfRangeAreInvalid) {
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));
  EXPECT_FALSE(is_valid_utf8("\xED\xAF\xBF\xED\xB0\x80"));  // CESU-8 style pair
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xFE"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
}

TEST(Utf8, TruncatedAndBrokenSequencesAreInvalid) {
  EXPECT_FALSE(is_valid_utf8("abc\xC3"));
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x94"));
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC3\x28"));
  EXPECT_FALSE(is_valid_utf8("\xE2\x28\xA1"));
  EXPECT_FALSE(is_valid_utf8("ok then \xBF at the end"));
}

TEST(Utf8, SanitizeKeepsValidTextUnchanged) {
  for (std::string s : {"", "ascii",
                        "impay\xC3\xA9"
                        "e \xE2\x82\xAC \xF0\x9F\x94\x92"})
    EXPECT_EQ(sanitize_utf8(s), s);
}

TEST(Utf8, SanitizeReplacesEachInvalidByte) {
  EXPECT_EQ(sanitize_utf8("a\xFF"
                          "b"),
            "a" + kReplacement + "b");
  EXPECT_EQ(sanitize_utf8("\xC0\xAF"), kReplacement + kReplacement);
  EXPECT_EQ(sanitize_utf8("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement);
  EXPECT_EQ(sanitize_utf8("x\xE2\x82"), "x" + kReplacement + kReplacement);
  EXPECT_EQ(sanitize_utf8("\xC3(\xC3\xA9"), kReplacement + "(\xC3\xA9");
}

TEST(Utf8, SanitizedOutputIsAlwaysValid) {
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte.push_back(static_cast<char>(c));
  for (std::string s :
       {every_byte, std::string("\xF4\x90\x80\x80\xED\xBF\xBF\xC1\x81"), every_byte + "\xE2"}) {
    const std::string clean = sanitize_utf8(s);
    EXPECT_TRUE(is_valid_utf8(clean));
    EXPECT_EQ(sanitize_utf8(clean), clean);  // idempotent
  }
}

TEST(Split, DropsEmptyPartsAndTrims) {
  EXPECT_EQ(split("a,b,c", ','), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split(" a , b ,, c ,", ','), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split("production;tier0", ';'), (std::vector<std::string>{"production", "tier0"}));
  EXPECT_EQ(split("Domain Admins; Executives", ';'),
            (std::vector<std::string>{"Domain Admins", "Executives"}));
  EXPECT_TRUE(split("", ',').empty());
  EXPECT_TRUE(split(" , ,", ',').empty());
  EXPECT_EQ(split("single", ','), (std::vector<std::string>{"single"}));
  EXPECT_EQ(split(",lead", ','), (std::vector<std::string>{"lead"}));
}

TEST(Join, WithSeparators) {
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(join({"only"}, ";"), "only");
  EXPECT_EQ(join({}, ";"), "");
  EXPECT_EQ(join({"", ""}, "-"), "-");
  EXPECT_EQ(split(join({"x", "y"}, ";"), ';'), (std::vector<std::string>{"x", "y"}));
}

TEST(Trim, WhitespaceOnBothSides) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim("\n\n"), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("x"), "x");
  EXPECT_EQ(trim("\tinner  space\t"), "inner  space");
}

TEST(CaseFolding, ToLowerIsAsciiOnly) {
  EXPECT_EQ(to_lower("SRV-DC-01.Corp.Local"), "srv-dc-01.corp.local");
  EXPECT_EQ(to_lower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // non-ASCII bytes untouched
  EXPECT_EQ(to_lower("123-_@"), "123-_@");
}

TEST(CaseFolding, Iequals) {
  EXPECT_TRUE(iequals("WKS-Marketing-07", "wks-marketing-07"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("abc", "abd"));
  EXPECT_FALSE(iequals("abc", "abcd"));
  EXPECT_FALSE(iequals("[", "{"));  // 0x5B vs 0x7B differ by 0x20 but are not letters
}

TEST(CaseFolding, IcontainsAndStartsWith) {
  EXPECT_TRUE(icontains("Failed SSH login attempts", "ssh LOGIN"));
  EXPECT_TRUE(icontains("anything", ""));
  EXPECT_TRUE(icontains("abc", "ABC"));
  EXPECT_FALSE(icontains("ab", "abc"));
  EXPECT_FALSE(icontains("authentication", "authorization"));
  EXPECT_TRUE(icontains("aaab", "aab"));  // a false start must not hide a later match
  EXPECT_TRUE(starts_with_icase("Attack.T1059", "attack."));
  EXPECT_FALSE(starts_with_icase("att", "attack."));
  EXPECT_TRUE(starts_with_icase("x", ""));
}

}  // namespace
}  // namespace soc
