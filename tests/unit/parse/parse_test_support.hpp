// Helpers for the parse tests: parse JSON text, run one normalizer, look up observables and texts.
#pragma once
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert.hpp"
#include "core/result.hpp"
#include "parse/normalizer.hpp"

namespace soc::parse_test {

// <repo>/tests/data/<relative>
inline std::string data_file(const std::string& relative) {
  return (std::filesystem::path(SOC_TRIAGE_TEST_DATA_DIR) / relative).string();
}
// <repo>/examples/<relative>
inline std::string example_file(const std::string& relative) {
  return std::string(SOC_TRIAGE_TEST_DATA_DIR "/../../examples/") + relative;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Runs `normalizer` over the JSON text. The parser dies here; Alert owns all its strings.
template <class N>
Result<Alert> normalize_with(const std::string& json_text) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const auto error = parser.parse(json_text).get(doc);
  EXPECT_EQ(error, simdjson::SUCCESS) << "fixture is not JSON: " << json_text.substr(0, 200);
  if (error != simdjson::SUCCESS) return fail(ErrorCode::kParseError, "fixture is not JSON");
  return N().normalize(doc);
}

template <class N>
int detect_with(const std::string& json_text) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json_text).get(doc) != simdjson::SUCCESS) return -1;
  return N().detect(doc);
}

inline bool has_observable(const Alert& alert, ObservableType type, std::string_view value,
                           Role role) {
  return std::any_of(alert.observables.begin(), alert.observables.end(), [&](const Observable& o) {
    return o.type == type && o.value == value && o.role == role;
  });
}

inline const Observable* find_observable(const Alert& alert, ObservableType type,
                                         std::string_view value) {
  for (const auto& o : alert.observables)
    if (o.type == type && o.value == value) return &o;
  return nullptr;
}

inline std::vector<Role> roles_of(const Alert& alert, ObservableType type, std::string_view value) {
  std::vector<Role> roles;
  for (const auto& o : alert.observables)
    if (o.type == type && o.value == value) roles.push_back(o.role);
  return roles;
}

inline std::size_t count_of_type(const Alert& alert, ObservableType type) {
  return static_cast<std::size_t>(
      std::count_if(alert.observables.begin(), alert.observables.end(),
                    [&](const Observable& o) { return o.type == type; }));
}

inline const TextField* find_text(const Alert& alert, std::string_view field) {
  for (const auto& t : alert.texts)
    if (t.field == field) return &t;
  return nullptr;
}

inline bool contains(const std::vector<std::string>& items, std::string_view value) {
  return std::find(items.begin(), items.end(), value) != items.end();
}

// Printable dump for failure messages.
inline std::string describe(const Alert& alert) {
  std::string out;
  for (const auto& o : alert.observables)
    out += std::string(to_string(o.type)) + ":" + o.value + " (" + std::string(to_string(o.role)) +
           ", " + o.field + ")\n";
  return out;
}

}  // namespace soc::parse_test
