// The streaming JSON writer: structure, escaping and UTF-8 repair, checked by parsing the output
// back with an independent parser.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/json_writer.hpp"

namespace soc {
namespace {

std::string json_quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// Parses text written by the writer; fails the test when it is not strict JSON.
nlohmann::json reparse(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << "not valid JSON: " << text;
  return parsed;
}

TEST(JsonString, PlainAsciiIsCopied) {
  EXPECT_EQ(json_quoted("hello world"), "\"hello world\"");
  EXPECT_EQ(json_quoted(""), "\"\"");
}

TEST(JsonString, QuotesBackslashesAndCommonControlsUseShortEscapes) {
  EXPECT_EQ(json_quoted("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(json_quoted("C:\\Windows\\System32"), R"("C:\\Windows\\System32")");
  EXPECT_EQ(json_quoted("a\nb\rc\td"), R"("a\nb\rc\td")");
}

TEST(JsonString, OtherControlCharactersUseUnicodeEscapes) {
  EXPECT_EQ(json_quoted(std::string("\x00", 1)), R"("\u0000")");
  EXPECT_EQ(json_quoted("\x01\x1f"), R"("\u0001\u001f")");
  EXPECT_EQ(json_quoted("\x08\x0c"), R"("\u0008\u000c")");
  std::string all_controls;
  for (int c = 0; c < 0x20; ++c) all_controls.push_back(static_cast<char>(c));
  const auto parsed = reparse(json_quoted(all_controls));
  EXPECT_EQ(parsed.get<std::string>(), all_controls);
}

TEST(JsonString, HtmlSignificantCharactersAreEscaped) {
  const std::string out = json_quoted("<script>alert('x')</script> & more");
  EXPECT_EQ(out.find('<'), std::string::npos);
  EXPECT_EQ(out.find('>'), std::string::npos);
  EXPECT_EQ(out.find('&'), std::string::npos);
  EXPECT_NE(out.find("\\u003c"), std::string::npos);
  EXPECT_NE(out.find("\\u003e"), std::string::npos);
  EXPECT_NE(out.find("\\u0026"), std::string::npos);
  EXPECT_EQ(reparse(out).get<std::string>(), "<script>alert('x')</script> & more");
}

TEST(JsonString, ValidMultibyteUtf8IsKeptVerbatim) {
  const std::string text =
      "Relance : facture impay\xC3\xA9"
      "e \xE2\x82\xAC \xF0\x9F\x94\x92 \xE4\xB8\xAD";
  const std::string out = json_quoted(text);
  EXPECT_EQ(out, "\"" + text + "\"");
  EXPECT_EQ(reparse(out).get<std::string>(), text);
  // Boundaries of each sequence length.
  for (std::string s : {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80",
                        "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF"})
    EXPECT_EQ(json_quoted(s), "\"" + s + "\"");
}

TEST(JsonString, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(json_quoted("a\xFF"
                        "b"),
            R"("a\ufffdb")");
  EXPECT_EQ(json_quoted("\x80"), R"("\ufffd")");      // lone continuation byte
  EXPECT_EQ(json_quoted("\xC3"), R"("\ufffd")");      // truncated at the end
  EXPECT_EQ(json_quoted("\xC3(x"), R"("\ufffd(x")");  // bad continuation
  EXPECT_EQ(json_quoted("\xE2\x82"), R"("\ufffd\ufffd")");
  EXPECT_EQ(json_quoted("\xF8\x88\x80\x80\x80"),
            R"("\ufffd\ufffd\ufffd\ufffd\ufffd")");  // 5-byte form
  const auto parsed = reparse(json_quoted("x\xFE\xFFy"));
  EXPECT_EQ(parsed.get<std::string>(), "x\xEF\xBF\xBD\xEF\xBF\xBDy");
}

TEST(JsonString, OverlongEncodingsAreRejected) {
  EXPECT_EQ(json_quoted("\xC0\xAF"), R"("\ufffd\ufffd")");  // overlong '/'
  EXPECT_EQ(json_quoted("\xC1\xBF"), R"("\ufffd\ufffd")");
  EXPECT_EQ(json_quoted("\xE0\x80\xAF"), R"("\ufffd\ufffd\ufffd")");  // 3-byte overlong
  EXPECT_EQ(json_quoted("\xF0\x80\x80\xAF").find('/'), std::string::npos);
  reparse(json_quoted("\xC0\x80"));
}

TEST(JsonString, SurrogatesAndCodePointsAboveTheRangeAreRejected) {
  EXPECT_EQ(json_quoted("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");            // U+D800
  EXPECT_EQ(json_quoted("\xED\xBF\xBF"), R"("\ufffd\ufffd\ufffd")");            // U+DFFF
  EXPECT_EQ(json_quoted("\xF4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // U+110000
  EXPECT_EQ(json_quoted("\xF5\x80\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");
}

TEST(JsonString, SpecialBytesAreFoundAtEveryOffsetOfLongText) {
  // The plain-run scan reads 16 bytes at a time: a special byte must be caught in any lane, in
  // a later block and in the tail.
  for (const char special : {'"', '\\', '<', '\x01', '\x7f'}) {
    for (std::size_t at = 0; at < 50; ++at) {
      std::string text(50, 'a');
      text[at] = special;
      const auto parsed = reparse(json_quoted(text));
      EXPECT_EQ(parsed.get<std::string>(), text) << "offset " << at;
      // '<' and controls have no short escape: the byte itself must not survive.
      if (special == '<' || special == '\x01') {
        EXPECT_EQ(json_quoted(text).find(special), std::string::npos) << "offset " << at;
      }
    }
  }
  // Short texts and tails are read as overlapping words: every length and position of them.
  for (std::size_t length = 1; length < 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      std::string text(length, 'a');
      text[at] = '<';
      ASSERT_EQ(json_quoted(text),
                "\"" + std::string(at, 'a') + "\\u003c" + std::string(length - at - 1, 'a') + "\"")
          << length << " " << at;
    }
    EXPECT_EQ(json_quoted(std::string(length, 'a')), "\"" + std::string(length, 'a') + "\"");
  }
  std::string accented(40, 'x');
  accented += "\xC3\xA9";
  EXPECT_EQ(json_quoted(accented), "\"" + accented + "\"");
  EXPECT_EQ(json_quoted(std::string(40, 'x') + "\xFF"), "\"" + std::string(40, 'x') + "\\ufffd\"");
}

TEST(JsonString, AppendsToExistingText) {
  std::string out = "prefix:";
  append_json_string(out, "v");
  EXPECT_EQ(out, "prefix:\"v\"");
}

TEST(JsonWriter, EmptyContainers) {
  std::string out;
  JsonWriter(out).begin_object().end_object();
  EXPECT_EQ(out, "{}");
  out.clear();
  JsonWriter(out).begin_array().end_array();
  EXPECT_EQ(out, "[]");
}

TEST(JsonWriter, ObjectWithScalarsIsCompactAndValid) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("alert_id", "5b0f2c1e");
  w.field("risk_score", 87);
  w.field("count", std::int64_t{15234});
  w.field("asn", std::uint32_t{4294967295u});
  w.field("confidence", 0.85);
  w.field("closed", false);
  w.field("escalate", true);
  w.key("ticket").null();
  w.end_object();
  EXPECT_EQ(
      out,
      R"({"alert_id":"5b0f2c1e","risk_score":87,"count":15234,"asn":4294967295,"confidence":0.85,)"
      R"("closed":false,"escalate":true,"ticket":null})");
  const auto j = reparse(out);
  EXPECT_EQ(j["risk_score"], 87);
  EXPECT_EQ(j["asn"].get<std::int64_t>(), 4294967295);
  EXPECT_DOUBLE_EQ(j["confidence"].get<double>(), 0.85);
  EXPECT_TRUE(j["ticket"].is_null());
}

TEST(JsonWriter, NestedObjectsAndArrays) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("observables").begin_array();
  for (int i = 0; i < 3; ++i) {
    w.begin_object();
    w.field("type", "ipv4");
    w.field("value", "10.0.0." + std::to_string(i));
    w.key("tags").begin_array().value("a").value("b").end_array();
    w.key("empty").begin_object().end_object();
    w.end_object();
  }
  w.end_array();
  w.key("matrix").begin_array();
  w.begin_array().value(1).value(2).end_array();
  w.begin_array().end_array();
  w.begin_array().begin_array().value("deep").end_array().end_array();
  w.end_array();
  w.field("after", 1);
  w.end_object();
  const auto j = reparse(out);
  ASSERT_EQ(j["observables"].size(), 3u);
  EXPECT_EQ(j["observables"][2]["value"], "10.0.0.2");
  EXPECT_EQ(j["observables"][1]["tags"], nlohmann::json::array({"a", "b"}));
  EXPECT_TRUE(j["observables"][0]["empty"].is_object());
  EXPECT_EQ(j["matrix"][0], nlohmann::json::array({1, 2}));
  EXPECT_TRUE(j["matrix"][1].empty());
  EXPECT_EQ(j["matrix"][2][0][0], "deep");
  EXPECT_EQ(j["after"], 1);
}

TEST(JsonWriter, CommasAfterClosedContainers) {
  std::string out;
  JsonWriter w(out);
  w.begin_array().begin_object().end_object().begin_array().end_array().value(1);
  w.begin_object().field("a", 1).key("b").begin_array().value(2).end_array().field("c", 3);
  w.end_object().end_array();
  EXPECT_EQ(out, R"([{},[],1,{"a":1,"b":[2],"c":3}])");
}

TEST(JsonWriter, TopLevelArrayOfMixedValues) {
  std::string out;
  JsonWriter w(out);
  w.begin_array().value("s").value(-7).value(2.5).value(true).null().end_array();
  EXPECT_EQ(out, R"(["s",-7,2.5,true,null])");
}

TEST(JsonWriter, TextFieldsMatchKeyThenValue) {
  for (const std::string& text : {std::string("plain"), std::string("say \"hi\""), std::string(""),
                                  std::string("<&>"), std::string(30, 'x')}) {
    std::string fused, apart;
    JsonWriter(fused).begin_object().field("a", 1).field("k", text).end_object();
    JsonWriter(apart).begin_object().field("a", 1).key("k").value(text).end_object();
    EXPECT_EQ(fused, apart);
    EXPECT_EQ(reparse(fused)["k"], text);
  }
}

// Keys known at run time are escaped like values; literal keys are checked at compile time
// (a literal such as "we\"ird" does not compile) and copied as they are.
TEST(JsonWriter, KeysAreEscapedToo) {
  const std::string weird = "we\"ird\n<key>";
  for (int how = 0; how < 3; ++how) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    if (how == 0) w.field(weird, "v");
    if (how == 1) w.key(std::string_view(weird)).value("v");
    if (how == 2) w.string_array(weird.c_str(), {"v"});
    w.end_object();
    const auto j = reparse(out);
    EXPECT_EQ(j.begin().key(), weird) << how;
  }
  std::string out;
  JsonWriter(out).begin_object().field("plain_key", "v").key("other").value(1).end_object();
  EXPECT_EQ(out, R"({"plain_key":"v","other":1})");
}

TEST(JsonWriter, DoublesAreValidJsonNumbers) {
  auto write = [](double v) {
    std::string out;
    JsonWriter(out).value(v);
    return out;
  };
  EXPECT_EQ(write(0.0), "0");
  EXPECT_EQ(write(-0.0), "0");
  EXPECT_EQ(write(42.0), "42");
  EXPECT_EQ(write(-3.0), "-3");
  EXPECT_EQ(write(0.5), "0.5");
  EXPECT_EQ(write(0.25), "0.25");
  EXPECT_EQ(write(0.85), "0.85");
  for (double v : {1e20, -1e20, 1e-7, 123.456, 1e15, 0.1 + 0.2, 9.9999e300}) {
    const std::string text = write(v);
    const auto j = reparse(text);
    ASSERT_TRUE(j.is_number()) << text;
    EXPECT_NEAR(j.get<double>() / v, 1.0, 1e-3) << text;
  }
}

TEST(JsonWriter, NonFiniteDoublesBecomeNull) {
  std::string out;
  JsonWriter w(out);
  w.begin_array()
      .value(std::numeric_limits<double>::infinity())
      .value(-std::numeric_limits<double>::infinity())
      .value(std::numeric_limits<double>::quiet_NaN())
      .end_array();
  EXPECT_EQ(out, "[null,null,null]");
}

TEST(JsonWriter, Int64Extremes) {
  std::string out;
  JsonWriter(out)
      .begin_array()
      .value(std::numeric_limits<std::int64_t>::min())
      .value(std::numeric_limits<std::int64_t>::max())
      .end_array();
  const auto j = reparse(out);
  EXPECT_EQ(j[0].get<std::int64_t>(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(j[1].get<std::int64_t>(), std::numeric_limits<std::int64_t>::max());
}

TEST(JsonWriter, StringArrayHelper) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.string_array("techniques", {"T1566", "T1566.001"});
  w.string_array("none", {});
  w.string_array("odd", {"<b>", "bad\xFF"});
  w.end_object();
  EXPECT_EQ(out.substr(0, 40), R"({"techniques":["T1566","T1566.001"],"non)");
  const auto j = reparse(out);
  EXPECT_EQ(j["techniques"], nlohmann::json::array({"T1566", "T1566.001"}));
  EXPECT_TRUE(j["none"].is_array());
  EXPECT_TRUE(j["none"].empty());
  EXPECT_EQ(j["odd"][0], "<b>");
  EXPECT_EQ(j["odd"][1], "bad\xEF\xBF\xBD");
}

TEST(JsonWriter, RawInsertsTrustedJsonWithSeparators) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("a", 1);
  w.key("pre").raw(R"({"x":[1,2]})");
  w.key("list").begin_array().raw("1").raw("{}").end_array();
  w.end_object();
  EXPECT_EQ(out, R"({"a":1,"pre":{"x":[1,2]},"list":[1,{}]})");
}

TEST(JsonWriter, HostileStringsStillProduceValidJson) {
  std::string hostile;
  for (int c = 0; c < 256; ++c) hostile.push_back(static_cast<char>(c));
  hostile += "\xED\xA0\x80\xC0\x80\xF4\x90\x80\x80";
  std::string out;
  JsonWriter w(out);
  w.begin_object().field(hostile, hostile).string_array("list", {hostile, hostile}).end_object();
  const auto j = reparse(out);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.size(), 2u);
}

}  // namespace
}  // namespace soc
