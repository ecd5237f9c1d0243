// Dotted-path lookup over nested objects, flattened keys and mixes of both.
#include "parse/json_path.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

namespace soc {
namespace {

class JsonPathTest : public ::testing::Test {
 protected:
  simdjson::dom::element parse(const std::string& text) {
    documents_.push_back(std::make_unique<simdjson::dom::parser>());
    simdjson::dom::element doc;
    EXPECT_EQ(documents_.back()->parse(text).get(doc), simdjson::SUCCESS) << text;
    return doc;
  }
  std::string at(const std::string& text, std::string_view path) {
    return json::get_string(parse(text), {path});
  }

  std::vector<std::unique_ptr<simdjson::dom::parser>> documents_;
};

TEST_F(JsonPathTest, NestedFlattenedAndMixedKeys) {
  EXPECT_EQ(at(R"({"kibana":{"alert":{"rule":{"name":"nested"}}}})", "kibana.alert.rule.name"),
            "nested");
  EXPECT_EQ(at(R"({"kibana.alert.rule.name":"flat"})", "kibana.alert.rule.name"), "flat");
  EXPECT_EQ(at(R"({"kibana.alert":{"rule.name":"mix1"}})", "kibana.alert.rule.name"), "mix1");
  EXPECT_EQ(at(R"({"kibana":{"alert.rule":{"name":"mix2"}}})", "kibana.alert.rule.name"), "mix2");
  EXPECT_EQ(at(R"({"kibana":{"alert.rule.name":"mix3"}})", "kibana.alert.rule.name"), "mix3");
  EXPECT_EQ(at(R"({"kibana.alert.rule":{"name":"mix4"}})", "kibana.alert.rule.name"), "mix4");
}

TEST_F(JsonPathTest, DirectKeyWinsAndDeadEndPrefixesAreSkipped) {
  EXPECT_EQ(at(R"({"a.b":"direct","a":{"b":"nested"}})", "a.b"), "direct");
  // "a" exists but does not lead to "b.c"; the longer prefix "a.b" does.
  EXPECT_EQ(at(R"({"a":{"x":1},"a.b":{"c":"found"}})", "a.b.c"), "found");
  EXPECT_EQ(at(R"({"a":"scalar","a.b":"found"})", "a.b"), "found");
}

TEST_F(JsonPathTest, MissingPathsAndNonObjectRoots) {
  EXPECT_FALSE(json::find(parse(R"({"a":{"b":1}})"), "a.c"));
  EXPECT_FALSE(json::find(parse(R"({"a":{"b":1}})"), "a.b.c"));
  EXPECT_FALSE(json::find(parse(R"({"a":[{"b":1}]})"), "a.b"));  // arrays are not traversed
  EXPECT_FALSE(json::find(parse(R"([{"a":1}])"), "a"));
  EXPECT_FALSE(json::find(parse(R"("a")"), "a"));
  EXPECT_TRUE(json::find(parse(R"({"a":null})"), "a"));
}

TEST_F(JsonPathTest, DeepNestingWithinTheBudget) {
  EXPECT_EQ(at(R"({"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":"deep"}}}}}}}})", "a.b.c.d.e.f.g.h"),
            "deep");
}

TEST_F(JsonPathTest, GetStringRendersScalarsAndTakesTheFirstNonEmpty) {
  const auto doc =
      parse(R"({"n":57,"neg":-3,"big":18446744073709551615,"d":2.5,"t":true,"f":false,"e":"",
                             "s":"text","arr":["", "first", "second"],"obj":{"k":"v"},"nul":null})");
  EXPECT_EQ(json::get_string(doc, {"n"}), "57");
  EXPECT_EQ(json::get_string(doc, {"neg"}), "-3");
  EXPECT_EQ(json::get_string(doc, {"big"}), "18446744073709551615");
  EXPECT_EQ(json::get_string(doc, {"d"}), "2.5");
  EXPECT_EQ(json::get_string(doc, {"t"}), "true");
  EXPECT_EQ(json::get_string(doc, {"f"}), "false");
  EXPECT_EQ(json::get_string(doc, {"arr"}), "first");
  EXPECT_EQ(json::get_string(doc, {"obj"}), "");
  EXPECT_EQ(json::get_string(doc, {"nul"}), "");
  EXPECT_EQ(json::get_string(doc, {"e", "missing", "nul", "s"}), "text");
  EXPECT_EQ(json::get_string(doc, {"missing"}), "");
  EXPECT_EQ(json::get_string(doc, {}), "");
}

TEST_F(JsonPathTest, CollectStringsFromArraysAndScalars) {
  const auto doc = parse(
      R"({"to":["a@x.fr","","b@x.fr",3],"one":"solo","obj":{"k":"v"},"mixed":[["in"],{"k":1},"ok"]})");
  std::vector<std::string> out;
  json::collect_strings(doc, "to", out);
  EXPECT_EQ(out, (std::vector<std::string>{"a@x.fr", "b@x.fr", "3"}));
  json::collect_strings(doc, "one", out);
  EXPECT_EQ(out.back(), "solo");
  const size_t before = out.size();
  json::collect_strings(doc, "obj", out);
  json::collect_strings(doc, "missing", out);
  EXPECT_EQ(out.size(), before);
  std::vector<std::string> mixed;
  json::collect_strings(doc, "mixed", mixed);
  EXPECT_EQ(mixed, std::vector<std::string>{"ok"});
}

TEST_F(JsonPathTest, GetIntFromNumbersAndNumericStrings) {
  const auto doc =
      parse(R"({"i":57,"neg":-4,"d":47.9,"s":"73","lead0":"007","junk":"5x","empty":"","space":" 5",
                             "negs":"-5","huge":"123456789012345678","t":true,"nested":{"count":12}})");
  EXPECT_EQ(json::get_int(doc, {"i"}), 57);
  EXPECT_EQ(json::get_int(doc, {"neg"}), -4);
  EXPECT_EQ(json::get_int(doc, {"d"}), 47);
  EXPECT_EQ(json::get_int(doc, {"s"}), 73);
  EXPECT_EQ(json::get_int(doc, {"lead0"}), 7);
  EXPECT_EQ(json::get_int(doc, {"nested.count"}), 12);
  EXPECT_EQ(json::get_int(doc, {"junk"}), std::nullopt);
  EXPECT_EQ(json::get_int(doc, {"empty"}), std::nullopt);
  EXPECT_EQ(json::get_int(doc, {"space"}), std::nullopt);
  EXPECT_EQ(json::get_int(doc, {"negs"}), std::nullopt);
  EXPECT_EQ(json::get_int(doc, {"huge"}),
            std::nullopt);  // 18 digits: refused rather than overflowing
  EXPECT_EQ(json::get_int(doc, {"t"}), std::nullopt);
  EXPECT_EQ(json::get_int(doc, {"missing"}), std::nullopt);
  EXPECT_EQ(json::get_int(doc, {"junk", "missing", "s"}), 73);  // falls through to the next path
}

TEST_F(JsonPathTest, ForEachItemAndScalarText) {
  const auto doc = parse(R"({"arr":[1,"two",{"x":3}],"one":"single"})");
  std::vector<std::string> seen;
  json::for_each_item(*json::find(doc, "arr"),
                      [&](simdjson::dom::element e) { seen.push_back(json::scalar_text(e)); });
  EXPECT_EQ(seen, (std::vector<std::string>{"1", "two", ""}));
  seen.clear();
  json::for_each_item(*json::find(doc, "one"),
                      [&](simdjson::dom::element e) { seen.push_back(json::scalar_text(e)); });
  EXPECT_EQ(seen, std::vector<std::string>{"single"});
}

TEST_F(JsonPathTest, GetIntRefusesNumbersOutsideTheInt64Range) {
  // Converting an out-of-range double to int64 is undefined behaviour; hostile alerts can hold
  // any number, so these must come back as "no integer" rather than garbage.
  const auto doc = parse(R"({"u64":18446744073709551615,"big":1e300,"neg":-1e300,"edge":9.3e18})");
  EXPECT_EQ(json::get_int(doc, {"u64"}), std::nullopt);
  EXPECT_EQ(json::get_int(doc, {"big"}), std::nullopt);
  EXPECT_EQ(json::get_int(doc, {"neg"}), std::nullopt);
  EXPECT_EQ(json::get_int(doc, {"edge"}), std::nullopt);
}

// --- Compiled paths (json::Path): "[]" fan-out, a final "*", bounds ---

class CompiledPathTest : public JsonPathTest {
 protected:
  // Every value the path reaches, as text ("{}" / "[]" for containers, "null").
  std::vector<std::string> reach(const std::string& json_text, std::string_view path_text) {
    auto path = json::Path::compile(path_text);
    EXPECT_TRUE(path) << path_text;
    std::vector<std::string> seen;
    auto status = path->visit(parse(json_text), [&](simdjson::dom::element e) -> Status {
      seen.push_back(e.is_object()  ? "{}"
                     : e.is_array() ? "[]"
                     : e.is_null()  ? "null"
                                    : json::scalar_text(e));
      return {};
    });
    EXPECT_TRUE(status) << path_text << ": " << (status ? "" : status.error().message);
    return seen;
  }
  Error visit_error(const std::string& json_text, std::string_view path_text) {
    auto path = json::Path::compile(path_text);
    EXPECT_TRUE(path) << path_text;
    auto status =
        path->visit(parse(json_text), [](simdjson::dom::element) -> Status { return {}; });
    EXPECT_FALSE(status) << path_text;
    return status ? Error{ErrorCode::kInvalidArgument, "no error"} : status.error();
  }
};

TEST_F(CompiledPathTest, PlainPathsResolveLikeFind) {
  EXPECT_EQ(reach(R"({"src":{"ip":"192.0.2.1"}})", "src.ip"),
            std::vector<std::string>{"192.0.2.1"});
  EXPECT_EQ(reach(R"({"src.ip":"192.0.2.2"})", "src.ip"), std::vector<std::string>{"192.0.2.2"});
  EXPECT_EQ(reach(R"({"a":{"b.c":{"d":1}}})", "a.b.c.d"), std::vector<std::string>{"1"});
  EXPECT_TRUE(reach(R"({"src":{}})", "src.ip").empty());  // missing: nothing reached, no error
  EXPECT_EQ(reach(R"({"x":null})", "x"), std::vector<std::string>{"null"});
  EXPECT_EQ(reach(R"({"tags":["a","b"]})", "tags"), std::vector<std::string>{"[]"});  // as is
}

TEST_F(CompiledPathTest, BracketsWalkEveryItem) {
  const std::string doc =
      R"({"files":[{"sha256":"aa"},{"name":"no hash"},{"sha256":"bb"}],"mitre":{"technique_id":"T1"}})";
  EXPECT_EQ(reach(doc, "files[].sha256"), (std::vector<std::string>{"aa", "bb"}));
  EXPECT_EQ(reach(doc, "files[]"), (std::vector<std::string>{"{}", "{}", "{}"}));
  EXPECT_EQ(reach(doc, "mitre[].technique_id"), std::vector<std::string>{"T1"});  // lone object
  EXPECT_EQ(reach(R"({"to":["x@example.org","y@example.org"]})", "to[]"),
            (std::vector<std::string>{"x@example.org", "y@example.org"}));
  // Nested fan-out, and flattened keys inside items.
  EXPECT_EQ(reach(R"({"a":[{"b":[{"c":1},{"c":2}]},{"b":[{"c":3}]},{"b.c":4}]})", "a[].b[].c"),
            (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(reach(R"({"a":[{"b.c":4},{"b":{"c":5}}]})", "a[].b.c"),
            (std::vector<std::string>{"4", "5"}));
  EXPECT_EQ(reach(R"({"a":[[{"b":1}]]})", "a[].b"), std::vector<std::string>{});  // not objects
}

TEST_F(CompiledPathTest, AnArrayWhereAnObjectIsExpectedSaysToWriteBrackets) {
  const Error e = visit_error(R"({"files":[{"sha256":"aa"}]})", "files.sha256");
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(e.message.find("'files[]'"), std::string::npos) << e.message;
  const Error nested = visit_error(R"({"x":{"files":[{"sha256":"aa"}]}})", "x.files.sha256");
  EXPECT_NE(nested.message.find("'x.files[]'"), std::string::npos) << nested.message;
}

TEST_F(CompiledPathTest, HugeArraysAndFanOutAreBounded) {
  std::string big = R"({"a":[)";
  for (std::size_t i = 0; i <= json::kMaxPathArrayItems; ++i)
    big += (i ? ",{\"b\":1}" : "{\"b\":1}");
  big += "]}";
  EXPECT_EQ(visit_error(big, "a[].b").code, ErrorCode::kTooLarge);
  // 64 x 64 items: each array is within bounds, the values reached are not.
  std::string row = "[";
  for (int i = 0; i < 64; ++i) row += (i ? ",{\"c\":1}" : "{\"c\":1}");
  row += "]";
  std::string grid = R"({"a":[)";
  for (int i = 0; i < 64; ++i) grid += (i ? "," : "") + std::string(R"({"b":)") + row + "}";
  grid += "]}";
  const Error e = visit_error(grid, "a[].b[].c");
  EXPECT_EQ(e.code, ErrorCode::kTooLarge);
  EXPECT_NE(e.message.find("a[].b[].c"), std::string::npos);
}

TEST_F(CompiledPathTest, TheFirstErrorFromTheCallbackStopsTheWalk) {
  auto path = json::Path::compile("a[]");
  ASSERT_TRUE(path);
  int calls = 0;
  auto status = path->visit(parse(R"({"a":[1,2,3]})"), [&](simdjson::dom::element) -> Status {
    if (++calls == 2) return fail(ErrorCode::kInvalidArgument, "stop");
    return {};
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, "stop");
  EXPECT_EQ(calls, 2);
}

TEST_F(CompiledPathTest, Grammar) {
  for (const char* good : {"a", "a.b", "a[]", "a[].b", "a[].b[].c", "details.*", "*", "a[].*",
                           "key with spaces.x", "kibana.alert.rule.name"})
    EXPECT_TRUE(json::Path::compile(good)) << good;
  for (const char* bad : {"", ".a", "a.", "a..b", "[]", "a.[]", "a[0]", "a[].[]", "*.a", "a*",
                          "a.*.b", "a]b", "a[b]"})
    EXPECT_FALSE(json::Path::compile(bad)) << bad;
  EXPECT_FALSE(json::Path::compile(std::string(600, 'a')));
  auto wildcard = json::Path::compile("details.*");
  ASSERT_TRUE(wildcard);
  EXPECT_TRUE(wildcard->ends_with_wildcard());
  EXPECT_FALSE(wildcard->has_fan_out());
  EXPECT_EQ(reach(R"({"details":{"a":"x"}})", "details.*"), std::vector<std::string>{"{}"});
  EXPECT_EQ(reach(R"({"details":{"a":"x"}})", "*"), std::vector<std::string>{"{}"});
  auto fan = json::Path::compile("files[].sha256");
  ASSERT_TRUE(fan);
  EXPECT_TRUE(fan->has_fan_out());
  EXPECT_EQ(fan->text(), "files[].sha256");
}

}  // namespace
}  // namespace soc
