// Hostile and malformed input for the SIEM format normalizers: wrong types, missing fields, huge
// arrays, deep nesting and invalid UTF-8 inside embedded JSON give a clear error, never a crash.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <string>

#include "core/strings.hpp"
#include "mapped_test_support.hpp"
#include "parse/cef_normalizer.hpp"
#include "parse/format_support.hpp"
#include "parse/mapped_normalizer.hpp"
#include "parse/normalizer.hpp"
#include "parse/ocsf_normalizer.hpp"
#include "parse/secops_normalizer.hpp"
#include "parse/sentinel_normalizer.hpp"
#include "parse/splunk_normalizer.hpp"
#include "parse/wazuh_normalizer.hpp"
#include "parse_test_support.hpp"

namespace soc {
namespace {

template <class N>
Error error_of(const std::string& json) {
  auto alert = parse_test::normalize_with<N>(json);
  EXPECT_FALSE(alert) << json.substr(0, 200);
  return alert ? Error{ErrorCode::kInvalidArgument, "unexpectedly accepted"} : alert.error();
}

std::string big_array(std::size_t n, const std::string& item) {
  std::string out = "[";
  for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + item;
  return out + "]";
}

// A JSON value as a JSON string literal (for the Sentinel columns that hold JSON text).
std::string as_json_string(const std::string& json) {
  std::string out = "\"";
  for (char c : json) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// --- Splunk ---

TEST(FormatsBadInputSplunk, WrongTypesAndMissingRule) {
  const Error e = error_of<SplunkNormalizer>(
      R"({"index":"notable","search_name":{"a":1},"rule_name":[[1]],"urgency":5})");
  EXPECT_EQ(e.code, ErrorCode::kNotAnAlert);
  EXPECT_NE(e.message.find("rule_name"), std::string::npos);
  // Wrong types in optional fields are skipped, not fatal.
  auto alert = parse_test::normalize_with<SplunkNormalizer>(
      R"({"index":"notable","rule_name":"r","urgency":{"x":1},"src":{"ip":1},"_time":[],"user":null,"dest":true})");
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->source_severity, std::nullopt);
  EXPECT_EQ(alert->timestamp, std::nullopt);
}

TEST(FormatsBadInputSplunk, HugeMultiValueFieldIsTooLarge) {
  const Error e =
      error_of<SplunkNormalizer>(R"({"index":"notable","rule_name":"r","dest":)" +
                                 big_array(formats::kMaxArrayItems + 1, "\"10.0.0.1\"") + "}");
  EXPECT_EQ(e.code, ErrorCode::kTooLarge);
}

// --- Sentinel ---

std::string sentinel_row_with_entities(const std::string& entities_json_text) {
  return R"({"Type":"SecurityAlert","SystemAlertId":"x-1","AlertName":"a","AlertSeverity":"High","Entities":)" +
         as_json_string(entities_json_text) + "}";
}

TEST(FormatsBadInputSentinel, EntitiesThatAreNotJson) {
  const Error e =
      error_of<SentinelNormalizer>(sentinel_row_with_entities("[{\"Type\":\"ip\",\"Address\":"));
  EXPECT_EQ(e.code, ErrorCode::kParseError);
  EXPECT_NE(e.message.find("Entities"), std::string::npos);
}

TEST(FormatsBadInputSentinel, DeeplyNestedEntitiesAreTooDeep) {
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "{\"Type\":\"process\",\"ParentProcess\":";
  deep += "{}";
  for (int i = 0; i < 200; ++i) deep += "}";
  const Error e = error_of<SentinelNormalizer>(sentinel_row_with_entities("[" + deep + "]"));
  EXPECT_EQ(e.code, ErrorCode::kTooDeep);
}

TEST(FormatsBadInputSentinel, HugeEntitiesArrayIsTooLarge) {
  const Error e = error_of<SentinelNormalizer>(
      sentinel_row_with_entities(big_array(5000, R"({"Type":"ip","Address":"10.0.0.1"})")));
  EXPECT_EQ(e.code, ErrorCode::kTooLarge);
}

TEST(FormatsBadInputSentinel, OversizedEntitiesTextIsTooLarge) {
  const std::string padding(formats::kMaxEmbeddedBytes + 10, ' ');
  const Error e = error_of<SentinelNormalizer>(sentinel_row_with_entities("[" + padding + "]"));
  EXPECT_EQ(e.code, ErrorCode::kTooLarge);
}

TEST(FormatsBadInputSentinel, InvalidUtf8InsideEmbeddedJson) {
  // The outer JSON is valid; the embedded text is checked on its own.
  auto direct = formats::parse_embedded_json("[\"\xC3\x28\"]", "Sentinel Entities");
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().code, ErrorCode::kInvalidUtf8);
  // A lone surrogate escaped in the outer string decodes to bytes that are not UTF-8, if the
  // outer parser lets it through at all: either way no alert comes out of it.
  const std::string row =
      R"({"Type":"SecurityAlert","SystemAlertId":"x","AlertName":"a","Entities":"[{\"Type\":\"ip\",\"Address\":\"\ud800\"}]"})";
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(row).get(doc) == simdjson::SUCCESS) {
    auto alert = SentinelNormalizer().normalize(doc);
    if (alert) {
      for (const auto& o : alert->observables) EXPECT_TRUE(is_valid_utf8(o.value));
    }
  }
}

TEST(FormatsBadInputSentinel, WrongTypesAndMissingFields) {
  EXPECT_EQ(error_of<SentinelNormalizer>(R"({"Type":"SecurityAlert","SystemAlertId":"x"})").code,
            ErrorCode::kNotAnAlert);
  EXPECT_EQ(error_of<SentinelNormalizer>(R"({"Type":"SecurityIncident","IncidentNumber":1})").code,
            ErrorCode::kNotAnAlert);
  // Entities of the wrong JSON type, references to nowhere, a reference cycle: no crash.
  for (const char* entities :
       {R"(5)", R"({"Type":"ip"})", R"([{"$ref":"99"},{"$id":"1","Type":"process",
        "ParentProcess":{"$ref":"1"},"ImageFile":{"$ref":"7"}},{"Type":"account","Name":["x"]}])"}) {
    auto alert =
        parse_test::normalize_with<SentinelNormalizer>(sentinel_row_with_entities(entities));
    EXPECT_TRUE(alert) << entities;
  }
  auto typed = parse_test::normalize_with<SentinelNormalizer>(
      R"({"Type":"SecurityAlert","SystemAlertId":"x","AlertName":"a","Entities":[{"Type":"ip","Address":"192.0.2.1"}],
          "Tactics":7,"Techniques":["T1059"],"AlertSeverity":{"v":1},"StartTime":12})");
  ASSERT_TRUE(typed);  // Entities as real JSON (not text) and odd column types are tolerated
  EXPECT_TRUE(
      parse_test::has_observable(*typed, ObservableType::kIpv4, "192.0.2.1", Role::kRelated));
  EXPECT_EQ(typed->technique_ids, std::vector<std::string>{"T1059"});
  EXPECT_EQ(typed->source_severity, std::nullopt);
}

// --- SecOps ---

TEST(FormatsBadInputSecops, MissingRuleNameAndHugeCollections) {
  EXPECT_EQ(error_of<SecopsNormalizer>(
                R"({"detection":[{"ruleId":"ru_1"}],"detectionTime":"2026-01-01T00:00:00Z"})")
                .code,
            ErrorCode::kNotAnAlert);
  const std::string references =
      big_array(formats::kMaxArrayItems + 1, R"({"event":{"metadata":{"eventType":"X"}}})");
  EXPECT_EQ(error_of<SecopsNormalizer>(
                R"({"detection":[{"ruleName":"r"}],"collectionElements":[{"references":)" +
                references + "}]}")
                .code,
            ErrorCode::kTooLarge);
  auto odd = parse_test::normalize_with<SecopsNormalizer>(
      R"({"detection":[{"ruleName":"r","ruleLabels":"not a list","riskScore":"x"}],
          "collectionElements":[{"references":[{"event":"not an event"},{"event":{"principal":[1,2]}}]}]})");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->observables.empty());
}

// --- Wazuh ---

TEST(FormatsBadInputWazuh, LevelOutOfRangeAndMissingDescription) {
  EXPECT_EQ(error_of<WazuhNormalizer>(
                R"({"rule":{"level":99,"id":"1","description":"d"},"agent":{"name":"a"}})")
                .code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of<WazuhNormalizer>(R"({"rule":{"level":3,"id":"1"},"agent":{"name":"a"}})").code,
            ErrorCode::kNotAnAlert);
  EXPECT_EQ(error_of<WazuhNormalizer>(R"({"rule":"5712"})").code, ErrorCode::kNotAnAlert);
  auto odd = parse_test::normalize_with<WazuhNormalizer>(
      R"({"rule":{"level":5,"description":"d","mitre":{"id":{"a":1},"tactic":7},"groups":"one"},
          "agent":"a","data":{"srcip":["x"],"win":{"eventdata":[]}},"syscheck":5})");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->technique_ids.empty());
  EXPECT_EQ(odd->categories, std::vector<std::string>{"one"});
}

// --- OCSF ---

TEST(FormatsBadInputOcsf, WrongTypesAndMissingTitle) {
  EXPECT_EQ(error_of<OcsfNormalizer>(R"({"class_uid":2004,"finding_info":"x"})").code,
            ErrorCode::kNotAnAlert);
  EXPECT_EQ(error_of<OcsfNormalizer>(R"({"class_uid":"2004","finding_info":{"title":"t"}})").code,
            ErrorCode::kNotAnAlert);
  EXPECT_EQ(error_of<OcsfNormalizer>(
                R"({"class_uid":2004,"finding_info":{"title":"t"},"observables":)" +
                big_array(formats::kMaxArrayItems + 1, R"({"type_id":2,"value":"10.0.0.1"})") + "}")
                .code,
            ErrorCode::kTooLarge);
  auto odd = parse_test::normalize_with<OcsfNormalizer>(
      R"({"class_uid":2004,"finding_info":{"title":"t","attacks":"x"},"severity_id":42,"time":"soon",
          "observables":[{"type_id":"2","value":"10.0.0.1"},{"type_id":2},{"value":"x"}],"evidences":[1,"x",null]})");
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->source_severity, std::nullopt);
  EXPECT_EQ(odd->timestamp, std::nullopt);
}

// --- CEF ---

TEST(FormatsBadInputCef, ClearErrors) {
  EXPECT_EQ(normalize_cef_line("Mar  2 02:47:03 host sshd[1]: not CEF").error().code,
            ErrorCode::kNotAnAlert);
  EXPECT_EQ(normalize_cef_line("CEF:0|Vendor|Product|1.0|100").error().code,
            ErrorCode::kParseError);
  EXPECT_EQ(normalize_cef_line("CEF:0|V|P|1|100||5|src=10.0.0.1").error().code,
            ErrorCode::kNotAnAlert);  // no name
  EXPECT_EQ(normalize_cef_line("CEF:0|V|P|1|100|N|5|msg=\xC3\x28").error().code,
            ErrorCode::kInvalidUtf8);
  EXPECT_EQ(normalize_cef_line("CEF:0|V|P|1|100|N|5|msg=" + std::string(kMaxCefLineBytes, 'a'))
                .error()
                .code,
            ErrorCode::kTooLarge);
  std::string many = "CEF:0|V|P|1|100|N|5|";
  for (std::size_t i = 0; i <= kMaxCefExtensionPairs; ++i) many += "k" + std::to_string(i) + "=v ";
  EXPECT_EQ(normalize_cef_line(many).error().code, ErrorCode::kTooLarge);
}

TEST(FormatsBadInputCef, OddButReadableLines) {
  for (const char* line :
       {"CEF:0|V|P|1|100|N|5|", "CEF:0|V|P|1|100|N|99|rt=yesterday src=",
        "CEF:0|V|P|1|100|N|5|= =x", "CEF:0|V|P|1|100|N|5|\\", "CEF:0|V|P|1|100|N|5|novalue",
        "CEF:0|V|P|1|100|N|5|a==b c=\\=", "CEF:0|V|P|1|100|N|Unknown|cs1Label=x"}) {
    auto alert = normalize_cef_line(line);
    ASSERT_TRUE(alert) << line << ": " << alert.error().message;
    EXPECT_EQ(alert->rule_name, "N");
  }
  EXPECT_EQ(normalize_cef_line("CEF:0|V|P|1|100|N|99|x=1")->source_severity, std::nullopt);
  EXPECT_EQ(normalize_cef_line("CEF:0|V|P|1|100|N|Unknown|x=1")->source_severity, std::nullopt);
  EXPECT_EQ(normalize_cef_line("CEF:0|V|P|1|100|N|99|rt=yesterday")->timestamp, std::nullopt);
}

// --- Every format: mutated real and written samples ---

// Byte substitutions at spread-out positions of every sample, run through the registry (JSON)
// or normalize_cef_line (CEF): whatever comes out, it is a value, not a crash (the sanitizer
// build checks the memory side).
TEST(FormatsBadInputAll, MutatedSamplesNeverCrash) {
  NormalizerRegistry registry;
  register_builtin_normalizers(registry);
  simdjson::dom::parser parser;
  const std::filesystem::path root = std::filesystem::path(SOC_TRIAGE_TEST_DATA_DIR) / "formats";
  const std::string replacements = "{}[]\"\\:,0a \x80\xff";
  std::size_t parsed = 0, normalized = 0, failed = 0;
  for (const auto& dir : std::filesystem::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      const std::string name = entry.path().filename().string();
      const bool cef = name.ends_with(".log");
      if (!cef && (!name.ends_with(".json") || name.ends_with(".expected.json"))) continue;
      const std::string original = parse_test::read_text(entry.path().string());
      for (std::size_t k = 0; k < 300; ++k) {
        std::string text = original;
        const std::size_t at = (k * 7919 + 13) % text.size();
        text[at] = replacements[k % replacements.size()];
        if (cef) {
          auto alert = normalize_cef_line(text.substr(0, text.find('\n')));
          (alert ? normalized : failed) += 1;
          continue;
        }
        simdjson::dom::element doc;
        if (parser.parse(text).get(doc) != simdjson::SUCCESS) continue;
        ++parsed;
        auto alert = registry.normalize(doc, text);
        (alert ? normalized : failed) += 1;
      }
    }
  }
  EXPECT_GT(parsed, 100u);  // many mutations keep the JSON valid and reach the normalizers
  EXPECT_GT(normalized, 100u);
  EXPECT_GT(failed, 0u);  // and some of them break an embedded document or a header
}

// --- Configured mappings (formats.mappings) ---

// The acme-xdr mapping over one document; a fresh parser per call (alerts own their strings).
Result<Alert> normalize_mapped(const std::string& json) {
  auto normalizer = MappedNormalizer::compile(parse_test::acme_xdr_mapping());
  EXPECT_TRUE(normalizer);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json.substr(0, 200);
  return (*normalizer)->normalize(doc);
}

Error mapped_error_of(const std::string& json) {
  auto alert = normalize_mapped(json);
  EXPECT_FALSE(alert) << json.substr(0, 200);
  return alert ? Error{ErrorCode::kInvalidArgument, "unexpectedly accepted"} : alert.error();
}

// An acme-xdr alert with `extra` members added (later keys of the same name are not used:
// simdjson finds the first, so the fixtures below never repeat a key).
std::string acme(const std::string& extra, bool with_time = true) {
  return std::string(R"({"product":"Acme XDR","event":{"uuid":"u-1"},"detection":{"name":"r"})") +
         (with_time ? R"(,"ts":"2026-03-10T09:42:05Z")" : "") + (extra.empty() ? "" : ",") + extra +
         "}";
}

void expect_names(const Error& e, std::string_view field) {
  EXPECT_NE(e.message.find("acme-xdr"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find(field), std::string::npos) << e.message;
}

TEST(FormatsBadInputMapped, TheFixtureItselfIsAccepted) {
  auto alert = normalize_mapped(acme(""));
  ASSERT_TRUE(alert) << alert.error().message;
  EXPECT_EQ(alert->rule_name, "r");
}

TEST(FormatsBadInputMapped, MissingRequiredFields) {
  Error e = mapped_error_of(acme("", false));
  EXPECT_EQ(e.code, ErrorCode::kNotAnAlert);
  expect_names(e, "time 'ts' is missing");
  e = mapped_error_of(acme(R"("ts":null)", false));
  EXPECT_EQ(e.code, ErrorCode::kNotAnAlert);
  expect_names(e, "time 'ts' is missing");
  e = mapped_error_of(
      R"({"product":"Acme XDR","event":{"kind":"x"},"detection":{"name":"r"},"ts":1})");
  EXPECT_EQ(e.code, ErrorCode::kNotAnAlert);
  expect_names(e, "id 'event.uuid' is missing");  // declared, so required
  e = mapped_error_of(
      R"({"product":"Acme XDR","event":{"uuid":"u"},"detection":{"name":" "},"ts":1})");
  EXPECT_EQ(e.code, ErrorCode::kNotAnAlert);
  expect_names(e, "rule_name 'detection.name' is empty");
  e = mapped_error_of(R"({"product":"Acme XDR","event":{"uuid":"u"},"detection":"r","ts":1})");
  expect_names(e, "rule_name 'detection.name' is missing");
}

TEST(FormatsBadInputMapped, WrongTypesAreErrorsNamingTheField) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"product":"Acme XDR","event":{"uuid":{"v":1}},"detection":{"name":"r"},"ts":1})",
       "id 'event.uuid' is an object"},
      {R"({"product":"Acme XDR","event":{"uuid":"u"},"detection":{"name":["r"]},"ts":1})",
       "rule_name 'detection.name' is an array"},
      {R"({"product":"Acme XDR","event":{"uuid":"u"},"detection":{"name":"r"},"ts":[1]})",
       "time 'ts' is an array"},
      {R"({"product":"Acme XDR","event":{"uuid":"u"},"detection":{"name":"r"},"ts":true})",
       "time 'ts' is true/false"},
      {acme(R"("sev":{"level":3})"), "severity 'sev' is an object"},
      {acme(R"("hits":"many")"), "event_count 'hits' is not a count"},
      {acme(R"("hits":-2)"), "event_count 'hits' is not a count"},
      {acme(R"("src":{"ip":{"v4":"192.0.2.1"}})"), "observables 'src.ip' holds an object"},
      {acme(R"("files":[{"sha256":["aa",["nested"]]}])"),
       "observables 'files[].sha256' holds an array"},
      {acme(R"("mitre":[{"technique_id":{"id":"T1059"}}])"),
       "techniques 'mitre[].technique_id' holds an object"},
      {acme(R"("message":{"text":"hello"})"), "'message' is an object (write 'message.*'"},
      {acme(R"("files":{"0":{"sha256":"aa"}},"mail":{"to":{"a":"x@example.org"}})"),
       "observables 'mail.to[]' holds an object"},
  };
  for (const auto& [json, expected] : cases) {
    const Error e = mapped_error_of(json);
    EXPECT_EQ(e.code, ErrorCode::kInvalidArgument) << json;
    expect_names(e, expected);
  }
}

TEST(FormatsBadInputMapped, UnreadableTimeQuotesAShortExcerpt) {
  const Error e =
      mapped_error_of(acme(R"("ts":"yesterday at noon)" + std::string(500, 'x') + "\"", false));
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  expect_names(e, "time 'ts' is not a timestamp");
  EXPECT_LT(e.message.size(), 250u);
}

TEST(FormatsBadInputMapped, AnArrayWhereTheMappingExpectsAnObject) {
  // files.sha256 written without "[]" against an array: the error says how to fix the mapping.
  FormatMapping m = parse_test::acme_xdr_mapping();
  m.observables = {parse_test::mapped("files.sha256", MappedValueKind::kHash)};
  auto normalizer = MappedNormalizer::compile(m);
  ASSERT_TRUE(normalizer);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(acme(R"("files":[{"sha256":"aa"}])")).get(doc), simdjson::SUCCESS);
  auto alert = (*normalizer)->normalize(doc);
  ASSERT_FALSE(alert);
  expect_names(alert.error(), "'files[]'");
}

TEST(FormatsBadInputMapped, HugeArraysAreTooLarge) {
  const std::string hashes = big_array(formats::kMaxArrayItems + 1, R"({"sha256":"aa"})");
  Error e = mapped_error_of(acme(R"("files":)" + hashes));
  EXPECT_EQ(e.code, ErrorCode::kTooLarge);
  expect_names(e, "files");
  e = mapped_error_of(
      acme(R"("mail":{"to":)" + big_array(formats::kMaxArrayItems + 1, "\"a@b.c\"") + "}"));
  EXPECT_EQ(e.code, ErrorCode::kTooLarge);
  expect_names(e, "mail.to[]");
  e = mapped_error_of(acme(R"("category":)" + big_array(formats::kMaxArrayItems + 1, "\"x\"")));
  EXPECT_EQ(e.code, ErrorCode::kTooLarge);
  expect_names(e, "categories 'category'");
  e = mapped_error_of(
      acme(R"("details":{"list":)" + big_array(formats::kMaxArrayItems + 1, "\"abc\"") + "}"));
  EXPECT_EQ(e.code, ErrorCode::kTooLarge);
  expect_names(e, "details.list");
}

TEST(FormatsBadInputMapped, DeepNestingUnderATextWildcardIsTooDeep) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += R"({"n":)";
  deep += "\"bottom\"";
  for (int i = 0; i < 100; ++i) deep += "}";
  const Error e = mapped_error_of(acme(R"("details":)" + deep));
  EXPECT_EQ(e.code, ErrorCode::kTooDeep);
  expect_names(e, "texts");
  // Nesting along a mapped path is bounded by the path itself: nothing deeper is walked.
  auto alert = normalize_mapped(acme(R"("src":{"ip":"192.0.2.1","deep":)" + deep + "}"));
  ASSERT_TRUE(alert) << alert.error().message;
}

TEST(FormatsBadInputMapped, InvalidUtf8NeverReachesTheMapping) {
  // The JSON parser refuses invalid UTF-8 and escaped lone surrogates before any normalizer runs
  // (the engine reports invalid_utf8 and quarantines the input).
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(acme("\"message\":\"caf\xC3\x28\"")).get(doc), simdjson::UTF8_ERROR);
  EXPECT_NE(parser.parse(acme(R"("message":"\ud800")")).get(doc), simdjson::SUCCESS);
  // Texts cut at the size budget never split a character.
  std::string long_text;
  while (long_text.size() < 300 * 1024) long_text += "\xC3\xA9t\xC3\xA9 ";
  auto alert = normalize_mapped(acme("\"message\":\"" + long_text + "\""));
  ASSERT_TRUE(alert) << alert.error().message;
  for (const auto& t : alert->texts) EXPECT_TRUE(is_valid_utf8(t.text)) << t.field;
}

TEST(FormatsBadInputMapped, MutatedSamplesNeverCrash) {
  NormalizerRegistry registry;
  register_builtin_normalizers(registry);
  FormatsConfig formats;
  formats.mappings = {parse_test::acme_xdr_mapping()};
  ASSERT_TRUE(register_mapped_normalizers(registry, formats));
  simdjson::dom::parser parser;
  const std::string replacements = "{}[]\"\\:,0a \x80\xff";
  std::size_t parsed = 0, normalized = 0, failed = 0;
  for (const char* name : {"acme_xdr_mail_attachment.json", "acme_xdr_encoded_powershell.json"}) {
    const std::string original =
        parse_test::read_text(parse_test::data_file(std::string("parse/mapped/") + name));
    for (std::size_t k = 0; k < 600; ++k) {
      std::string text = original;
      const std::size_t at = (k * 7919 + 13) % text.size();
      text[at] = replacements[k % replacements.size()];
      simdjson::dom::element doc;
      if (parser.parse(text).get(doc) != simdjson::SUCCESS) continue;
      ++parsed;
      auto alert = registry.normalize(doc, text);
      (alert ? normalized : failed) += 1;
    }
  }
  EXPECT_GT(parsed, 100u);
  EXPECT_GT(normalized, 100u);
  EXPECT_GT(failed, 0u);
}

}  // namespace
}  // namespace soc
