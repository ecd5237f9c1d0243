// Format detection across the SIEM normalizers: each claims its own samples and none of the
// others' (nor ECS or generic alerts); the registry picks the right one.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "parse/cef_normalizer.hpp"
#include "parse/ocsf_normalizer.hpp"
#include "parse/secops_normalizer.hpp"
#include "parse/sentinel_normalizer.hpp"
#include "parse/splunk_normalizer.hpp"
#include "parse/wazuh_normalizer.hpp"
#include "parse_test_support.hpp"

namespace soc {
namespace {

namespace fs = std::filesystem;

struct Doc {
  std::string name;
  std::string text;
  std::optional<SourceFormat> format;  // nullopt: ECS / generic, claimed by none of the new ones
};

std::vector<Doc> corpus() {
  std::vector<Doc> docs;
  const fs::path root = fs::path(SOC_TRIAGE_TEST_DATA_DIR) / "formats";
  for (const char* dir : {"splunk", "sentinel", "secops", "wazuh", "ocsf"}) {
    for (const auto& entry : fs::directory_iterator(root / dir)) {
      const std::string name = entry.path().filename().string();
      if (!name.ends_with(".json") || name.ends_with(".expected.json")) continue;
      docs.push_back({std::string(dir) + "/" + name, parse_test::read_text(entry.path().string()),
                      source_format_from_string(dir)});
    }
  }
  for (const auto& entry : fs::directory_iterator(fs::path(SOC_TRIAGE_TEST_DATA_DIR) / "parse"))
    if (entry.path().extension() == ".json")
      docs.push_back({"parse/" + entry.path().filename().string(),
                      parse_test::read_text(entry.path().string()), std::nullopt});
  for (const char* scenario : {"scenario-1-phishing-attachment", "scenario-2-ssh-brute-force",
                               "scenario-3-lateral-movement"})
    docs.push_back(
        {scenario,
         parse_test::read_text(parse_test::example_file(std::string(scenario) + "/alert.json")),
         std::nullopt});
  return docs;
}

std::vector<std::unique_ptr<Normalizer>> new_normalizers() {
  std::vector<std::unique_ptr<Normalizer>> out;
  out.push_back(std::make_unique<SplunkNormalizer>());
  out.push_back(std::make_unique<SentinelNormalizer>());
  out.push_back(std::make_unique<SecopsNormalizer>());
  out.push_back(std::make_unique<WazuhNormalizer>());
  out.push_back(std::make_unique<OcsfNormalizer>());
  out.push_back(std::make_unique<CefNormalizer>());
  return out;
}

TEST(FormatsDetection, EachNormalizerClaimsOnlyItsOwnDocuments) {
  const auto docs = corpus();
  ASSERT_GE(docs.size(), 20u);
  const auto normalizers = new_normalizers();
  simdjson::dom::parser parser;
  for (const auto& doc : docs) {
    simdjson::dom::element element;
    ASSERT_EQ(parser.parse(doc.text).get(element), simdjson::SUCCESS) << doc.name;
    for (const auto& n : normalizers) {
      const int confidence = n->detect(element);
      if (doc.format && n->format() == *doc.format) {
        EXPECT_GE(confidence, 80) << to_string(n->format()) << " does not recognise its own "
                                  << doc.name;
      } else {
        EXPECT_EQ(confidence, 0) << to_string(n->format()) << " claims " << doc.name;
      }
    }
  }
}

TEST(FormatsDetection, RegistryPicksTheRightFormatAndKeepsEcsAndGeneric) {
  NormalizerRegistry registry;
  register_builtin_normalizers(registry);
  simdjson::dom::parser parser;
  for (const auto& doc : corpus()) {
    simdjson::dom::element element;
    ASSERT_EQ(parser.parse(doc.text).get(element), simdjson::SUCCESS) << doc.name;
    auto alert = registry.normalize(element, doc.text);
    ASSERT_TRUE(alert) << doc.name << ": " << alert.error().message;
    if (doc.format) {
      EXPECT_EQ(alert->format, *doc.format) << doc.name;
    } else {
      EXPECT_TRUE(alert->format == SourceFormat::kEcs || alert->format == SourceFormat::kGeneric)
          << doc.name;
    }
  }
}

TEST(FormatsDetection, LookAlikesAreNotClaimed) {
  const auto normalizers = new_normalizers();
  simdjson::dom::parser parser;
  // Shapes that share a field name with a format but are not its alerts.
  for (const char* text :
       {R"({"rule":{"name":"ECS rule","id":"r-1"},"agent":{"name":"filebeat"}})",  // ECS rule/agent
        R"({"rule":{"level":"high","description":"x"}})",                // level not a number
        R"({"result":{"count":"8"},"owner":"admin"})",                   // webhook without sid
        R"({"search_name":"x"})",                                        // no Splunk row fields
        R"({"class_uid":"2004","finding_info":{"title":"t"}})",          // class_uid not a number
        R"({"detection":[{"name":"not a rule"}]})",                      // no ruleName
        R"({"metadata":{"product":"x"},"principal":{"ip":"1.2.3.4"}})",  // no eventType
        R"({"Type":"SigninLogs","AlertName":"x"})",                      // only AlertName
        R"({"message":"CEF:0|a|b|1|2|n|5|src=1.2.3.4"})",                // CEF only by force
        R"({"title":"generic webhook","severity":"high","src_ip":"192.0.2.1"})"}) {
    simdjson::dom::element element;
    ASSERT_EQ(parser.parse(std::string(text)).get(element), simdjson::SUCCESS) << text;
    for (const auto& n : normalizers)
      EXPECT_EQ(n->detect(element), 0) << to_string(n->format()) << " claims " << text;
  }
}

TEST(FormatsDetection, CefIsReadFromAJsonWrapperOnlyWhenForced) {
  NormalizerRegistry registry;
  register_builtin_normalizers(registry);
  const std::string text =
      R"({"message":"CEF:0|Contoso|NGFW|1.0|100|Port scan|5|src=192.0.2.9 dst=10.0.0.5"})";
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  ASSERT_EQ(parser.parse(text).get(element), simdjson::SUCCESS);
  auto forced = registry.normalize(element, text, SourceFormat::kCef);
  ASSERT_TRUE(forced) << forced.error().message;
  EXPECT_EQ(forced->format, SourceFormat::kCef);
  EXPECT_EQ(forced->rule_name, "Port scan");
  EXPECT_TRUE(
      parse_test::has_observable(*forced, ObservableType::kIpv4, "192.0.2.9", Role::kSource));
  auto detected = registry.normalize(element, text);
  EXPECT_FALSE(detected && detected->format == SourceFormat::kCef);
}

}  // namespace
}  // namespace soc
