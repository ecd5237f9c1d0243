// The Sentinel CSV export: '❖'-delimited splitting with RFC 4180 quoting, the JSON rows it makes,
// and the acceptance run over the 189 real SecurityAlert rows of ExCyTIn-Bench.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>
#include <string>
#include <vector>

#include "parse/normalizer.hpp"
#include "parse/sentinel_csv.hpp"
#include "parse/sentinel_normalizer.hpp"
#include "parse_test_support.hpp"

namespace soc {
namespace {

const std::string kD(kSentinelCsvDelimiter);

TEST(FormatsSentinelCsvSplit, QuotedFieldsWithDoubledQuotesDelimitersAndNewlines) {
  const std::string text = "a" + kD + "b" + kD + "c\n" + "1" + kD + "\"say \"\"hi\"\"\"" + kD +
                           "\"x" + kD + "y\nz\"\n" + "\"\"" + kD + kD + "last\r\n";
  const auto rows = split_delimited(text, kD);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"1", "say \"hi\"", "x" + kD + "y\nz"}));
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"", "", "last"}));
  EXPECT_EQ(rows[2].line, 4u);  // the quoted newline moved it down a line
  for (const auto& row : rows) EXPECT_FALSE(row.unterminated_quote);
}

TEST(FormatsSentinelCsvSplit, CommaDelimiterByteOrderMarkAndBlankLines) {
  const auto rows = split_delimited("\xEF\xBB\xBFh1,h2\n\nv1,\"v,2\"\n\n", ",");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"h1", "h2"}));
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"v1", "v,2"}));
}

TEST(FormatsSentinelCsvSplit, UnterminatedQuoteIsReported) {
  const auto rows = split_delimited("a,b\n1,\"never closed\n2,3\n", ",");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[1].unterminated_quote);
}

TEST(FormatsSentinelCsv, RowsBecomeJsonObjectsOfStrings) {
  const std::string text =
      "AlertName" + kD + "Entities" + kD + "Tactics\n" + "Bad \"thing\"" + kD +
      "\"[{\"\"$id\"\":\"\"2\"\",\"\"Address\"\":\"\"192.0.2.1\"\",\"\"Type\"\":\"\"ip\"\"}]\"" +
      kD + "Execution\n";
  auto rows = sentinel_csv_to_json(text);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  const auto& row = rows->front();
  ASSERT_FALSE(row.error);
  EXPECT_EQ(row.line, 2u);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(row.json).get(doc), simdjson::SUCCESS) << row.json;
  EXPECT_EQ(std::string(doc["AlertName"].get_string().value()), "Bad \"thing\"");
  EXPECT_EQ(std::string(doc["Entities"].get_string().value()),
            R"([{"$id":"2","Address":"192.0.2.1","Type":"ip"}])");
  EXPECT_EQ(std::string(doc["Tactics"].get_string().value()), "Execution");
}

TEST(FormatsSentinelCsv, BadRowsAreErrorsThatDoNotStopTheOthers) {
  const std::string text =
      "A" + kD + "B\n" + "only one\n" + "1" + kD + "2\n" + "3" + kD + "\"open\n";
  auto rows = sentinel_csv_to_json(text);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  ASSERT_TRUE((*rows)[0].error);
  EXPECT_EQ((*rows)[0].error->code, ErrorCode::kParseError);
  EXPECT_NE((*rows)[0].error->message.find("line 2"), std::string::npos);
  EXPECT_FALSE((*rows)[1].error);
  EXPECT_EQ((*rows)[1].json, R"({"A":"1","B":"2"})");
  ASSERT_TRUE((*rows)[2].error);
  EXPECT_NE((*rows)[2].error->message.find("unterminated"), std::string::npos);
}

TEST(FormatsSentinelCsv, NoHeaderIsAnError) {
  EXPECT_FALSE(sentinel_csv_to_json(""));
  EXPECT_FALSE(sentinel_csv_to_json("\"never closed"));
  EXPECT_FALSE(sentinel_csv_to_json("a,,b\n1,2,3\n"));  // empty column name
}

TEST(FormatsSentinelCsv, InvalidUtf8BecomesValidJson) {
  auto rows = sentinel_csv_to_json("AlertName,Description\nx,bad \xC3\x28 byte\n");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse((*rows)[0].json).get(doc), simdjson::SUCCESS);
}

TEST(FormatsSentinelCsv, RecognisesTheExportHeader) {
  const std::string csv =
      parse_test::read_text(parse_test::data_file("formats/sentinel/excytin_extracted_alerts.csv"));
  EXPECT_TRUE(looks_like_sentinel_csv(csv.substr(0, 4096)));
  EXPECT_FALSE(looks_like_sentinel_csv(R"({"SystemAlertId":"x","AlertName":"y"})"));
  EXPECT_FALSE(looks_like_sentinel_csv("a,b,c\n1,2,3\n"));
}

// --- Acceptance: the 189 real rows ---

// Independent of the normalizer: "CredentialAccess, LateralMovement" -> {"credential-access", ...}.
std::set<std::string> expected_tactics(std::string_view column) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start <= column.size()) {
    std::size_t end = column.find(',', start);
    if (end == std::string_view::npos) end = column.size();
    std::string token(column.substr(start, end - start));
    while (!token.empty() && token.front() == ' ') token.erase(0, 1);
    while (!token.empty() && token.back() == ' ') token.pop_back();
    if (!token.empty() && token != "Unknown") {
      std::string kebab;
      for (char c : token) {
        if (c >= 'A' && c <= 'Z') {
          if (!kebab.empty()) kebab.push_back('-');
          kebab.push_back(static_cast<char>(c - 'A' + 'a'));
        } else {
          kebab.push_back(c);
        }
      }
      if (kebab == "command-and-control" || kebab == "command-control")
        kebab = "command-and-control";
      out.insert(kebab);
    }
    start = end + 1;
  }
  return out;
}

// Techniques, SubTechniques (JSON array text) and ExtendedProperties.MitreTechniques ("a;b").
std::set<std::string> expected_techniques(simdjson::dom::element row) {
  std::set<std::string> out;
  simdjson::dom::parser inner;
  for (const char* column : {"Techniques", "SubTechniques"}) {
    std::string_view text;
    if (row[column].get_string().get(text) != simdjson::SUCCESS || text.empty()) continue;
    simdjson::dom::element list;
    EXPECT_EQ(inner.parse(std::string(text)).get(list), simdjson::SUCCESS) << text;
    for (simdjson::dom::element t : list.get_array())
      out.insert(std::string(t.get_string().value()));
  }
  std::string_view props_text;
  if (row["ExtendedProperties"].get_string().get(props_text) == simdjson::SUCCESS &&
      !props_text.empty()) {
    simdjson::dom::element props;
    EXPECT_EQ(inner.parse(std::string(props_text)).get(props), simdjson::SUCCESS);
    std::string_view mitre;
    if (props["MitreTechniques"].get_string().get(mitre) == simdjson::SUCCESS) {
      std::size_t start = 0;
      while (start < mitre.size()) {
        std::size_t end = mitre.find(';', start);
        if (end == std::string_view::npos) end = mitre.size();
        if (end > start) out.insert(std::string(mitre.substr(start, end - start)));
        start = end + 1;
      }
    }
  }
  return out;
}

TEST(FormatsSentinelCsvAcceptance, All189RealRowsNormalizeWithEntitiesTacticsAndTechniques) {
  const std::string csv =
      parse_test::read_text(parse_test::data_file("formats/sentinel/excytin_extracted_alerts.csv"));
  auto rows = sentinel_csv_to_json(csv);
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 189u);

  NormalizerRegistry registry;
  register_builtin_normalizers(registry);
  simdjson::dom::parser parser;
  std::size_t normalized = 0, with_entities = 0, with_observables = 0, tactics = 0, techniques = 0;
  std::size_t expected_tactic_total = 0, expected_technique_total = 0, timed = 0, severe = 0,
              host_or_user = 0;
  for (const auto& row : *rows) {
    ASSERT_FALSE(row.error) << "line " << row.line << ": " << row.error->message;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(row.json).get(doc), simdjson::SUCCESS) << "line " << row.line;
    std::string_view alert_name, entities_text, tactics_text;
    ASSERT_EQ(doc["AlertName"].get_string().get(alert_name), simdjson::SUCCESS);
    ASSERT_EQ(doc["Entities"].get_string().get(entities_text), simdjson::SUCCESS);
    ASSERT_EQ(doc["Tactics"].get_string().get(tactics_text), simdjson::SUCCESS);
    const std::set<std::string> want_tactics = expected_tactics(tactics_text);
    const std::set<std::string> want_techniques = expected_techniques(doc);

    auto alert = registry.normalize(doc, row.json);  // auto-detected, as the engine does
    ASSERT_TRUE(alert) << "line " << row.line << ": " << alert.error().message;
    ++normalized;
    EXPECT_EQ(alert->format, SourceFormat::kSentinel) << "line " << row.line;
    EXPECT_EQ(alert->rule_name, alert_name);
    EXPECT_FALSE(alert->id.starts_with("fp-")) << "SystemAlertId is the id, line " << row.line;
    timed += alert->timestamp.has_value();
    severe += alert->source_severity.has_value();
    if (!entities_text.empty() && entities_text != "[]") {
      ++with_entities;
      EXPECT_GE(alert->observables.size(), 1u)
          << "line " << row.line << " has entities but no observable";
      with_observables += !alert->observables.empty();
    }
    host_or_user +=
        std::any_of(alert->observables.begin(), alert->observables.end(), [](const Observable& o) {
          return o.type == ObservableType::kHost || o.type == ObservableType::kUser ||
                 o.type == ObservableType::kEmail;
        });
    const std::set<std::string> got_tactics(alert->tactic_names.begin(), alert->tactic_names.end());
    const std::set<std::string> got_techniques(alert->technique_ids.begin(),
                                               alert->technique_ids.end());
    EXPECT_EQ(got_tactics, want_tactics) << "line " << row.line;
    EXPECT_EQ(got_techniques, want_techniques) << "line " << row.line;
    EXPECT_EQ(alert->tactic_names.size(), got_tactics.size())
        << "duplicate tactics, line " << row.line;
    EXPECT_EQ(alert->technique_ids.size(), got_techniques.size())
        << "duplicate techniques, line " << row.line;
    tactics += alert->tactic_names.size();
    techniques += alert->technique_ids.size();
    expected_tactic_total += want_tactics.size();
    expected_technique_total += want_techniques.size();
  }
  EXPECT_EQ(normalized, 189u);
  EXPECT_EQ(with_entities, 189u);  // every row of this export carries Entities
  EXPECT_EQ(with_observables, with_entities);
  EXPECT_EQ(tactics, expected_tactic_total);
  EXPECT_EQ(techniques, expected_technique_total);
  // Totals computed once with Python's csv module over the same file, as a second opinion.
  EXPECT_EQ(expected_tactic_total, 243u);
  EXPECT_EQ(expected_technique_total, 468u);
  EXPECT_EQ(timed, 189u);
  EXPECT_EQ(severe, 189u);  // High / Medium / Low / Informational all map
  EXPECT_GE(host_or_user, 180u);
}

}  // namespace
}  // namespace soc
