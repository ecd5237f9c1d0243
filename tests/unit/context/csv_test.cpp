// RFC 4180 CSV reading: quoting, doubled quotes, line endings and malformed input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "context/context.hpp"

namespace soc {
namespace {

using Rows = std::vector<std::vector<std::string>>;

Rows csv(std::string_view text, char separator = ',') {
  auto rows = parse_csv(text, separator);
  EXPECT_TRUE(rows) << (rows ? "" : rows.error().message);
  return rows ? *rows : Rows{};
}

TEST(ParseCsv, PlainRowsWithHeader) {
  EXPECT_EQ(csv("host,key,value\nsrv-web-prod-01,sshd.PermitRootLogin,no\n"),
            (Rows{{"host", "key", "value"}, {"srv-web-prod-01", "sshd.PermitRootLogin", "no"}}));
}

TEST(ParseCsv, LastLineWithoutNewline) {
  EXPECT_EQ(csv("a,b\nc,d"), (Rows{{"a", "b"}, {"c", "d"}}));
}

TEST(ParseCsv, QuotedFieldsWithSeparators) {
  EXPECT_EQ(csv(R"(user,display_name,title
a.martin,"Martin, Alice","Specialist, Marketing")"),
            (Rows{{"user", "display_name", "title"},
                  {"a.martin", "Martin, Alice", "Specialist, Marketing"}}));
}

TEST(ParseCsv, DoubledQuotesInsideQuotedFields) {
  EXPECT_EQ(csv(R"(a,"say ""hi""",c)"), (Rows{{"a", "say \"hi\"", "c"}}));
  EXPECT_EQ(csv(R"("""",x)"), (Rows{{"\"", "x"}}));
  EXPECT_EQ(csv(R"("",x)"), (Rows{{"", "x"}}));
}

TEST(ParseCsv, CrlfAndLoneCrLineEndings) {
  EXPECT_EQ(csv("h1,h2\r\nv1,v2\r\n"), (Rows{{"h1", "h2"}, {"v1", "v2"}}));
  EXPECT_EQ(csv("a,b\rc,d\r"), (Rows{{"a", "b"}, {"c", "d"}}));
}

TEST(ParseCsv, EmbeddedNewlinesInQuotedFields) {
  EXPECT_EQ(csv("id,note,n\n1,\"first line\nsecond line\",2\n3,x,4\n"),
            (Rows{{"id", "note", "n"}, {"1", "first line\nsecond line", "2"}, {"3", "x", "4"}}));
  EXPECT_EQ(csv("1,\"a\r\nb\"\r\n"), (Rows{{"1", "a\r\nb"}}));
}

TEST(ParseCsv, EmptyFieldsAndBlankLines) {
  EXPECT_EQ(csv("a,,c\n\n\n,b,\n"), (Rows{{"a", "", "c"}, {"", "b", ""}}));
  EXPECT_EQ(csv("a,b,"), (Rows{{"a", "b", ""}}));
  EXPECT_TRUE(csv("").empty());
  EXPECT_TRUE(csv("\n\r\n\n").empty());
}

TEST(ParseCsv, QuoteInsideAnUnquotedFieldIsLiteral) {
  EXPECT_EQ(csv("5\" disk,ok"), (Rows{{"5\" disk", "ok"}}));
}

TEST(ParseCsv, OtherSeparators) {
  EXPECT_EQ(csv("a;\"b;c\";d", ';'), (Rows{{"a", "b;c", "d"}}));
  EXPECT_EQ(csv("a\tb", '\t'), (Rows{{"a", "b"}}));
}

TEST(ParseCsv, UnterminatedQuoteIsAnError) {
  for (std::string_view text :
       {std::string_view("a,\"open\nb,c\n"), std::string_view("\"never closed"),
        std::string_view("x,y\n1,\"2")}) {
    auto rows = parse_csv(text);
    ASSERT_FALSE(rows) << text;
    EXPECT_EQ(rows.error().code, ErrorCode::kParseError);
    EXPECT_NE(rows.error().message.find("unterminated"), std::string::npos) << rows.error().message;
  }
}

}  // namespace
}  // namespace soc
