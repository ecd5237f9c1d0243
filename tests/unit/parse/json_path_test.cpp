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

}  // namespace
}  // namespace soc
