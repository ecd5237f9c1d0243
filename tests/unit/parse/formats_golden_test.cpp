// Golden tests of the SIEM format normalizers: every sample in tests/data/formats/<format>/ is
// detected as its format by the registry and normalizes to <name>.expected.json.
// SOC_UPDATE_GOLDEN=1 rewrites the expected files (review the diff by hand).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "mapped_test_support.hpp"
#include "parse/cef_normalizer.hpp"
#include "parse/mapped_normalizer.hpp"
#include "parse/normalizer.hpp"
#include "parse_test_support.hpp"

namespace soc {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

// The normalized fields of an alert, in a fixed order: what the golden files pin down.
ordered_json canonical(const Alert& a) {
  ordered_json j;
  j["format"] = std::string(to_string(a.format));
  j["id"] = a.id;
  j["rule_name"] = a.rule_name;
  j["rule_id"] = a.rule_id;
  j["time"] = a.timestamp ? ordered_json(format_time(*a.timestamp)) : ordered_json(nullptr);
  j["severity"] = a.source_severity ? ordered_json(std::string(to_string(*a.source_severity)))
                                    : ordered_json(nullptr);
  j["techniques"] = a.technique_ids;
  j["tactics"] = a.tactic_names;
  j["categories"] = a.categories;
  j["outcome"] = a.outcome;
  j["event_count"] = a.event_count ? ordered_json(*a.event_count) : ordered_json(nullptr);
  j["source_country"] = a.source_country;
  ordered_json observables = ordered_json::array();
  for (const auto& o : a.observables)
    observables.push_back({{"type", std::string(to_string(o.type))},
                           {"value", o.value},
                           {"role", std::string(to_string(o.role))},
                           {"field", o.field}});
  j["observables"] = std::move(observables);
  return j;
}

struct Sample {
  std::string format_dir;
  fs::path path;
};

std::vector<Sample> samples() {
  std::vector<Sample> out;
  const fs::path root = fs::path(SOC_TRIAGE_TEST_DATA_DIR) / "formats";
  for (const char* dir : {"splunk", "sentinel", "secops", "wazuh", "ocsf", "cef"}) {
    if (!fs::exists(root / dir)) continue;
    for (const auto& entry : fs::directory_iterator(root / dir)) {
      const std::string name = entry.path().filename().string();
      const bool json = name.ends_with(".json") && !name.ends_with(".expected.json");
      if (json || name.ends_with(".log")) out.push_back({dir, entry.path()});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Sample& a, const Sample& b) { return a.path < b.path; });
  return out;
}

fs::path expected_path(const fs::path& sample) {
  fs::path p = sample;
  p.replace_extension(".expected.json");
  return p;
}

// Normalizes a sample as the engine would: JSON through the registry (auto-detected), CEF
// lines through normalize_cef_line. A .log sample gives an array, one alert per line.
ordered_json normalize_sample(const Sample& sample, const NormalizerRegistry& registry) {
  const std::string text = parse_test::read_text(sample.path.string());
  if (sample.path.extension() == ".log") {
    ordered_json alerts = ordered_json::array();
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const std::string line = text.substr(start, end - start);
      start = end + 1;
      if (line.empty()) continue;
      auto alert = normalize_cef_line(line);
      EXPECT_TRUE(alert) << sample.path << ": " << (alert ? "" : alert.error().message);
      if (alert) {
        EXPECT_EQ(alert->raw, line);
        alerts.push_back(canonical(*alert));
      }
    }
    return alerts;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << sample.path;
  auto alert = registry.normalize(doc, text);
  EXPECT_TRUE(alert) << sample.path << ": " << (alert ? "" : alert.error().message);
  if (!alert) return nullptr;
  EXPECT_EQ(to_string(alert->format), sample.format_dir)
      << sample.path << " was detected as another format";
  return canonical(*alert);
}

TEST(FormatsGolden, EverySampleMatchesItsExpectedNormalization) {
  NormalizerRegistry registry;
  register_builtin_normalizers(registry);
  const bool update = std::getenv("SOC_UPDATE_GOLDEN") != nullptr;
  const auto all = samples();
  // At least two samples per format, as the formats issue asks.
  for (const char* dir : {"splunk", "sentinel", "secops", "wazuh", "ocsf", "cef"})
    EXPECT_GE(
        std::count_if(all.begin(), all.end(), [&](const Sample& s) { return s.format_dir == dir; }),
        2)
        << dir;
  for (const auto& sample : all) {
    const ordered_json actual = normalize_sample(sample, registry);
    const fs::path expected_file = expected_path(sample.path);
    if (update) {
      std::ofstream(expected_file) << actual.dump(2) << "\n";
      continue;
    }
    ASSERT_TRUE(fs::exists(expected_file))
        << "no golden file " << expected_file << " (run with SOC_UPDATE_GOLDEN=1 and review it)";
    const ordered_json expected =
        ordered_json::parse(parse_test::read_text(expected_file.string()));
    EXPECT_EQ(actual.dump(2), expected.dump(2)) << sample.path;
  }
}

// Configured mappings: the acme-xdr samples in tests/data/parse/mapped/, auto-detected by a
// registry holding the built-ins and the mapping, match their expected normalization, and it is
// the mapping (not a built-in format or the guesser) that read them.
TEST(FormatsGolden, MappedSamplesMatchTheirExpectedNormalization) {
  NormalizerRegistry registry;
  register_builtin_normalizers(registry);
  FormatsConfig formats;
  formats.mappings = {parse_test::acme_xdr_mapping()};
  ASSERT_TRUE(register_mapped_normalizers(registry, formats));
  auto mapping = MappedNormalizer::compile(parse_test::acme_xdr_mapping());
  ASSERT_TRUE(mapping);
  const bool update = std::getenv("SOC_UPDATE_GOLDEN") != nullptr;
  const fs::path root = fs::path(SOC_TRIAGE_TEST_DATA_DIR) / "parse" / "mapped";
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".json") && !name.ends_with(".expected.json")) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  EXPECT_GE(paths.size(), 2u);
  for (const auto& path : paths) {
    const std::string text = parse_test::read_text(path.string());
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << path;
    EXPECT_EQ((*mapping)->detect(doc), 100) << path;
    auto alert = registry.normalize(doc, text);
    ASSERT_TRUE(alert) << path << ": " << alert.error().message;
    EXPECT_EQ(alert->raw, text);
    auto direct = (*mapping)->normalize(doc);
    ASSERT_TRUE(direct);
    EXPECT_EQ(canonical(*alert).dump(2), canonical(*direct).dump(2)) << path;
    const ordered_json actual = canonical(*alert);
    const fs::path expected_file = expected_path(path);
    if (update) {
      std::ofstream(expected_file) << actual.dump(2) << "\n";
      continue;
    }
    ASSERT_TRUE(fs::exists(expected_file))
        << "no golden file " << expected_file << " (run with SOC_UPDATE_GOLDEN=1 and review it)";
    const ordered_json expected =
        ordered_json::parse(parse_test::read_text(expected_file.string()));
    EXPECT_EQ(actual.dump(2), expected.dump(2)) << path;
  }
}

}  // namespace
}  // namespace soc
