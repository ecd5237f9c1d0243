// Runs the data-driven extraction cases in tests/data/extract/cases.txt (format in its header).
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "extract/extractor.hpp"

namespace {

struct Case {
  int line = 0;
  std::string text;
  std::string field = "message";
  std::set<std::pair<std::string, std::string>> expected;
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// ">x" lines understand \n, \t, \\ and \xHH; "> " lines are taken byte for byte.
std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    char next = s[++i];
    if (next == 'n')
      out.push_back('\n');
    else if (next == 't')
      out.push_back('\t');
    else if (next == '\\')
      out.push_back('\\');
    else if (next == 'x' && i + 2 < s.size() + 1 && hex_digit(s[i + 1]) >= 0 &&
             hex_digit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
      i += 2;
    } else {
      out.push_back('\\');
      out.push_back(next);
    }
  }
  return out;
}

std::vector<Case> load_cases(const std::string& path) {
  std::ifstream in(path);
  std::vector<Case> cases;
  Case current;
  bool open = false;
  std::string line;
  int number = 0;
  auto finish = [&] {
    if (open) cases.push_back(current);
    current = Case{};
    open = false;
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) {
      finish();
      continue;
    }
    if (line[0] == '#') continue;
    if (!open) {
      current.line = number;
      open = true;
    }
    if (line.starts_with("> ") || line == ">") {
      if (!current.text.empty()) current.text.push_back('\n');
      current.text += line.size() > 2 ? line.substr(2) : "";
    } else if (line.starts_with(">x ")) {
      if (!current.text.empty()) current.text.push_back('\n');
      current.text += unescape(line.substr(3));
    } else if (line.starts_with("@ ")) {
      current.field = line.substr(2);
    } else if (line.starts_with("= ")) {
      std::size_t space = line.find(' ', 2);
      current.expected.emplace(line.substr(2, space - 2),
                               space == std::string::npos ? "" : line.substr(space + 1));
    } else {
      ADD_FAILURE() << path << ":" << number << ": unrecognised line: " << line;
    }
  }
  finish();
  return cases;
}

std::string describe(const std::set<std::pair<std::string, std::string>>& set) {
  std::ostringstream out;
  for (const auto& [type, value] : set) out << "\n    = " << type << " " << value;
  return set.empty() ? "\n    (nothing)" : out.str();
}

const std::string kCasesPath = std::string(SOC_TRIAGE_TEST_DATA_DIR) + "/extract/cases.txt";

TEST(ExtractCases, FileHoldsAtLeast400Cases) {
  EXPECT_GE(load_cases(kCasesPath).size(), 400u);
}

TEST(ExtractCases, EveryCaseFindsExactlyItsObservables) {
  auto extractor = soc::make_extractor();
  ASSERT_FALSE(extractor->suffix_list().builtin) << "tests expect the Debian public suffix list";
  auto cases = load_cases(kCasesPath);
  ASSERT_FALSE(cases.empty());
  int failures = 0;
  for (const Case& c : cases) {
    std::vector<soc::FoundObservable> found;
    soc::ExtractReport report;
    extractor->extract_found(c.text, c.field, found, report);
    std::set<std::pair<std::string, std::string>> actual;
    for (const auto& f : found) {
      actual.emplace(std::string(soc::to_string(f.observable.type)), f.observable.value);
      // The offset and length must point at text inside the input.
      EXPECT_LE(f.observable.offset + f.length, c.text.size()) << "case at line " << c.line;
    }
    if (actual != c.expected) {
      ++failures;
      ADD_FAILURE() << "cases.txt:" << c.line << "\n  text: " << c.text
                    << "\n  expected:" << describe(c.expected) << "\n  actual:" << describe(actual);
    }
  }
  EXPECT_EQ(failures, 0) << "of " << cases.size() << " cases";
}

}  // namespace
