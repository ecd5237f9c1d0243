// Configured field mappings (formats.mappings): detection and priority over the built-in formats,
// every mapped field, forcing a mapping, and mappings that do not compile.
#include "parse/mapped_normalizer.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <memory>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "mapped_test_support.hpp"
#include "parse/generic_normalizer.hpp"
#include "parse_test_support.hpp"

namespace soc {
namespace {

using parse_test::acme_xdr_mapping;
using parse_test::has_observable;

class MappedNormalizerTest : public ::testing::Test {
 protected:
  simdjson::dom::element parse(const std::string& text) {
    parsers_.push_back(std::make_unique<simdjson::dom::parser>());
    simdjson::dom::element doc;
    EXPECT_EQ(parsers_.back()->parse(text).get(doc), simdjson::SUCCESS) << text;
    return doc;
  }
  std::unique_ptr<MappedNormalizer> compile(
      const FormatMapping& mapping,
      MappedNormalizer::Claim claim = MappedNormalizer::Claim::kWhenMatched) {
    auto compiled = MappedNormalizer::compile(mapping, claim);
    EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().message);
    return compiled ? std::move(*compiled) : nullptr;
  }
  Result<Alert> normalize(const FormatMapping& mapping, const std::string& json) {
    return compile(mapping)->normalize(parse(json));
  }
  std::string sample(const std::string& name) {
    return parse_test::read_text(parse_test::data_file("parse/mapped/" + name));
  }

  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers_;
};

// The smallest mapping: the two required fields and one condition.
FormatMapping minimal_mapping() {
  FormatMapping m;
  m.name = "tiny";
  m.match = {{"kind", "tiny-alert"}};
  m.time = "at";
  m.rule_name = "what";
  return m;
}

TEST_F(MappedNormalizerTest, DetectsOnlyWhenEveryConditionHolds) {
  auto n = compile(acme_xdr_mapping());
  EXPECT_EQ(n->detect(parse(R"({"product":"Acme XDR","event":{"uuid":"u1"}})")), 100);
  EXPECT_EQ(n->detect(parse(R"({"product":"Acme XDR","event.uuid":"u1"})")), 100);  // flattened
  EXPECT_EQ(n->detect(parse(R"({"product":"Acme XDR"})")), 0);  // event.uuid must be present
  EXPECT_EQ(n->detect(parse(R"({"product":"Acme XDR","event":{"uuid":null}})")), 0);
  EXPECT_EQ(n->detect(parse(R"({"product":"acme xdr","event":{"uuid":"u1"}})")), 0);     // exact
  EXPECT_EQ(n->detect(parse(R"({"product":["Acme XDR"],"event":{"uuid":"u"}})")), 100);  // item
  EXPECT_EQ(n->detect(parse(R"({"product":{"name":"Acme XDR"},"event":{"uuid":"u"}})")), 0);
  EXPECT_EQ(n->detect(parse(R"(["Acme XDR"])")), 0);
}

TEST_F(MappedNormalizerTest, ConditionsCompareNumbersAndBooleansAsText) {
  FormatMapping m = minimal_mapping();
  m.match = {{"v", "2"}, {"live", "true"}, {"ratio", "0.5"}};
  auto n = compile(m);
  EXPECT_EQ(n->detect(parse(R"({"v":2,"live":true,"ratio":0.5})")), 100);
  EXPECT_EQ(n->detect(parse(R"({"v":"2","live":"true","ratio":"0.5"})")), 100);
  EXPECT_EQ(n->detect(parse(R"({"v":3,"live":true,"ratio":0.5})")), 0);
  EXPECT_EQ(n->detect(parse(R"({"v":2,"live":false,"ratio":0.5})")), 0);
}

TEST_F(MappedNormalizerTest, ConditionsCanLookIntoArraysOfObjects) {
  FormatMapping m = minimal_mapping();
  m.match = {{"sensors[].vendor", "Acme"}};
  auto n = compile(m);
  EXPECT_EQ(n->detect(parse(R"({"sensors":[{"vendor":"Other"},{"vendor":"Acme"}]})")), 100);
  EXPECT_EQ(n->detect(parse(R"({"sensors":[{"vendor":"Other"}]})")), 0);
  EXPECT_EQ(n->detect(parse(R"({"sensors":{"vendor":"Acme"}})")), 100);  // a lone object
}

TEST_F(MappedNormalizerTest, WithoutConditionsOnlyAForcedMappingReadsAnything) {
  FormatMapping m = minimal_mapping();
  m.match.clear();
  EXPECT_EQ(compile(m)->detect(parse(R"({"kind":"tiny-alert"})")), 0);
  EXPECT_EQ(compile(m, MappedNormalizer::Claim::kEveryDocument)->detect(parse(R"({"x":1})")), 100);
  EXPECT_EQ(compile(m, MappedNormalizer::Claim::kEveryDocument)->detect(parse("[1]")), 0);
}

TEST_F(MappedNormalizerTest, MailSampleEveryField) {
  auto alert = normalize(acme_xdr_mapping(), sample("acme_xdr_mail_attachment.json"));
  ASSERT_TRUE(alert) << alert.error().message;
  EXPECT_EQ(alert->format, SourceFormat::kGeneric);
  EXPECT_EQ(alert->id, "c41e7a0d-93b2-4f6e-8d15-7a2b9e0f4c63");
  EXPECT_EQ(alert->rule_name, "Macro-enabled attachment from a newly registered domain");
  EXPECT_EQ(alert->rule_id, "AX-MAIL-0117");
  EXPECT_NE(alert->description.find("doc-secure.xyz"), std::string::npos);
  ASSERT_TRUE(alert->timestamp);
  EXPECT_EQ(format_time(*alert->timestamp), "2026-03-10T09:42:05Z");  // epoch milliseconds
  EXPECT_EQ(alert->source_severity, Severity::kHigh);                 // "3" through the map
  EXPECT_EQ(alert->technique_ids, std::vector<std::string>{"T1566.001"});
  EXPECT_EQ(alert->tactic_names, std::vector<std::string>{"initial-access"});  // from TA0001
  EXPECT_EQ(alert->categories, std::vector<std::string>{"email"});
  EXPECT_EQ(alert->outcome, "success");
  EXPECT_EQ(alert->event_count, 1);
  EXPECT_EQ(alert->source_country, "NL");
  EXPECT_TRUE(has_observable(*alert, ObservableType::kEmail, "facture-urgent@doc-secure.xyz",
                             Role::kSender));
  EXPECT_TRUE(has_observable(*alert, ObservableType::kEmail, "direction.financiere@corp.fr",
                             Role::kRecipient));
  EXPECT_TRUE(has_observable(*alert, ObservableType::kSha256,
                             "a3f2b7d41c09e8f5b6a7c2d3e4f50617283940a1b2c3d4e5f60718293a4bc9e1",
                             Role::kAttachment));
  EXPECT_TRUE(
      has_observable(*alert, ObservableType::kFile, "Facture_2026-0347.xlsm", Role::kAttachment));
  EXPECT_TRUE(has_observable(*alert, ObservableType::kIpv4, "198.51.100.23", Role::kSource));
  const Observable* sha = parse_test::find_observable(
      *alert, ObservableType::kSha256,
      "a3f2b7d41c09e8f5b6a7c2d3e4f50617283940a1b2c3d4e5f60718293a4bc9e1");
  ASSERT_NE(sha, nullptr);
  EXPECT_EQ(sha->field, "files[].sha256");
  // Texts: the rule name, the description, the declared paths and every string under details.
  ASSERT_NE(parse_test::find_text(*alert, "detection.name"), nullptr);
  ASSERT_NE(parse_test::find_text(*alert, "detection.summary"), nullptr);
  ASSERT_NE(parse_test::find_text(*alert, "message"), nullptr);
  ASSERT_NE(parse_test::find_text(*alert, "mail.subject"), nullptr);
  const TextField* return_path = parse_test::find_text(*alert, "details.headers.return_path");
  ASSERT_NE(return_path, nullptr);
  EXPECT_EQ(return_path->text, "bounce@mail.doc-secure.xyz");
  ASSERT_NE(parse_test::find_text(*alert, "details.sandbox.reason"), nullptr);
  // Unmapped fields are not read (they stay in the raw alert): mail.message_id is not a text.
  EXPECT_EQ(parse_test::find_text(*alert, "mail.message_id"), nullptr);
}

TEST_F(MappedNormalizerTest, EndpointSampleEveryField) {
  auto alert = normalize(acme_xdr_mapping(), sample("acme_xdr_encoded_powershell.json"));
  ASSERT_TRUE(alert) << alert.error().message;
  ASSERT_TRUE(alert->timestamp);
  EXPECT_EQ(format_time(*alert->timestamp), "2026-03-11T15:05:44.318Z");  // offset applied
  EXPECT_EQ(alert->source_severity, Severity::kCritical);                 // number 4 via the map
  EXPECT_EQ(alert->technique_ids, (std::vector<std::string>{"T1059.001", "T1027", "T1566.001"}));
  EXPECT_EQ(alert->tactic_names,
            (std::vector<std::string>{"execution", "defense-evasion", "initial-access"}));
  EXPECT_EQ(alert->categories, (std::vector<std::string>{"malware", "process"}));
  EXPECT_EQ(alert->outcome, "success");  // case-folded
  EXPECT_EQ(alert->event_count, 3);      // from a digit string
  EXPECT_TRUE(has_observable(*alert, ObservableType::kIpv4, "10.20.4.17", Role::kSource));
  EXPECT_TRUE(has_observable(*alert, ObservableType::kIpv4, "203.0.113.77", Role::kDestination));
  EXPECT_TRUE(has_observable(*alert, ObservableType::kUser, "corp\\a.martin", Role::kActor));
  EXPECT_TRUE(has_observable(*alert, ObservableType::kHost, "wks-marketing-07", Role::kTarget));
  EXPECT_TRUE(has_observable(*alert, ObservableType::kProcess, "powershell.exe", Role::kRelated));
  // "hash" types a digest by its length; upper-case hex is folded.
  EXPECT_TRUE(has_observable(*alert, ObservableType::kSha256,
                             "de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c",
                             Role::kRelated));
  EXPECT_TRUE(has_observable(*alert, ObservableType::kMd5, "9b2e4c1a7d3f5e6b8a0c2d4e6f8a1b3c",
                             Role::kAttachment));
  // Every item of files[]: a null sha256 in the second one is simply absent.
  EXPECT_TRUE(has_observable(*alert, ObservableType::kFile,
                             "C:\\Users\\a.martin\\AppData\\Local\\Temp\\a.ps1",
                             Role::kAttachment));
  EXPECT_EQ(parse_test::count_of_type(*alert, ObservableType::kSha256), 2u);
  // Command lines are text for the extractor, with no observable of their own.
  const TextField* cmd = parse_test::find_text(*alert, "proc.cmd");
  ASSERT_NE(cmd, nullptr);
  EXPECT_TRUE(cmd->text.starts_with("powershell.exe -nop"));
  EXPECT_NE(parse_test::find_text(*alert, "proc.parent.cmd"), nullptr);
  // An array of strings under details.* gives one text per item; short strings are skipped.
  EXPECT_NE(parse_test::find_text(*alert, "details.notes"), nullptr);
  for (const auto& t : alert->texts) EXPECT_NE(t.text, "ok");
  // mail is null in this sample: no sender, no recipient, no error.
  EXPECT_EQ(parse_test::count_of_type(*alert, ObservableType::kEmail), 0u);
}

TEST_F(MappedNormalizerTest, TimesInEveryAcceptedShape) {
  const FormatMapping m = minimal_mapping();
  const std::pair<const char*, const char*> cases[] = {
      {R"("2026-03-10T09:42:05Z")", "2026-03-10T09:42:05Z"},
      {R"("2026-03-10 10:42:05+01:00")", "2026-03-10T09:42:05Z"},
      {"1773135725", "2026-03-10T09:42:05Z"},          // epoch seconds
      {"1773135725000", "2026-03-10T09:42:05Z"},       // epoch milliseconds
      {R"("1773135725000")", "2026-03-10T09:42:05Z"},  // ... as text
      {"1773135725.250", "2026-03-10T09:42:05.250Z"},  // seconds with a fraction
      {R"("1773135725.250")", "2026-03-10T09:42:05.250Z"},
  };
  for (const auto& [json_time, expected] : cases) {
    auto alert =
        normalize(m, std::string(R"({"kind":"tiny-alert","what":"w","at":)") + json_time + "}");
    ASSERT_TRUE(alert) << json_time << ": " << alert.error().message;
    ASSERT_TRUE(alert->timestamp) << json_time;
    EXPECT_EQ(format_time(*alert->timestamp), expected) << json_time;
  }
}

TEST_F(MappedNormalizerTest, SeverityByMapThenByNameThenUnknown) {
  FormatMapping m = minimal_mapping();
  m.severity = "sev";
  m.severity_map = {{"P1", Severity::kCritical}, {"p4", Severity::kLow}};
  auto severity_of = [&](const std::string& value) {
    auto alert = normalize(m, R"({"what":"w","at":"2026-01-01T00:00:00Z","sev":)" + value + "}");
    EXPECT_TRUE(alert) << value;
    return alert ? alert->source_severity : std::nullopt;
  };
  EXPECT_EQ(severity_of(R"("P1")"), Severity::kCritical);
  EXPECT_EQ(severity_of(R"("p1")"), Severity::kCritical);    // case-insensitive
  EXPECT_EQ(severity_of(R"(" P4 ")"), Severity::kLow);       // trimmed
  EXPECT_EQ(severity_of(R"("Medium")"), Severity::kMedium);  // not in the map: by name
  EXPECT_EQ(severity_of(R"("whatever")"), std::nullopt);
  EXPECT_EQ(severity_of("null"), std::nullopt);
}

TEST_F(MappedNormalizerTest, WithoutAnIdTheRegistryFingerprintsTheBytes) {
  NormalizerRegistry registry;
  register_builtin_normalizers(registry);
  FormatsConfig formats;
  formats.mappings = {minimal_mapping()};
  ASSERT_TRUE(register_mapped_normalizers(registry, formats));
  const std::string raw = R"({"kind":"tiny-alert","what":"w","at":"2026-01-01T00:00:00Z"})";
  auto alert = registry.normalize(parse(raw), raw);
  ASSERT_TRUE(alert) << alert.error().message;
  EXPECT_TRUE(alert->id.starts_with("fp-"));
  EXPECT_EQ(alert->raw, raw);
}

TEST_F(MappedNormalizerTest, IpTypedValuesThatAreNotIpsAreSkipped) {
  FormatMapping m = minimal_mapping();
  m.observables = {
      parse_test::mapped("peer", MappedValueKind::kIp, ObservableType::kHost, Role::kSource),
      parse_test::mapped("peer6", MappedValueKind::kFixed, ObservableType::kIpv6, Role::kSource),
      parse_test::mapped("sha", MappedValueKind::kFixed, ObservableType::kSha256)};
  auto alert = normalize(
      m,
      R"({"what":"w","at":"2026-01-01T00:00:00Z","peer":"unknown","peer6":"2001:DB8::1","sha":"not-a-hash"})");
  ASSERT_TRUE(alert) << alert.error().message;
  ASSERT_EQ(alert->observables.size(), 1u) << parse_test::describe(*alert);
  EXPECT_TRUE(has_observable(*alert, ObservableType::kIpv6, "2001:db8::1", Role::kSource));
}

// --- Priority in the registry ---

TEST_F(MappedNormalizerTest, AMatchingMappingOutranksBuiltInsAndTheGuesser) {
  NormalizerRegistry registry;
  register_builtin_normalizers(registry);
  FormatsConfig formats;
  formats.mappings = {acme_xdr_mapping()};
  ASSERT_TRUE(register_mapped_normalizers(registry, formats));
  // The sample also has what the guesser looks for ("name"-like fields) and an ECS-style
  // @timestamp + event.kind: the mapping still reads it.
  const std::string raw =
      R"({"product":"Acme XDR","event":{"uuid":"u-1","kind":"signal"},"@timestamp":"2026-01-01T00:00:00Z",
          "title":"guesser title","ts":"2026-03-10T09:42:05Z","detection":{"name":"mapped name"},
          "src":{"ip":"192.0.2.10"},"src_ip":"192.0.2.99"})";
  auto alert = registry.normalize(parse(raw), raw);
  ASSERT_TRUE(alert) << alert.error().message;
  EXPECT_EQ(alert->rule_name, "mapped name");
  EXPECT_EQ(alert->id, "u-1");
  EXPECT_TRUE(has_observable(*alert, ObservableType::kIpv4, "192.0.2.10", Role::kSource));
  EXPECT_FALSE(has_observable(*alert, ObservableType::kIpv4, "192.0.2.99", Role::kSource));
  // A document the mapping does not recognise is guessed as before.
  const std::string other = R"({"title":"guesser title","src_ip":"192.0.2.99"})";
  auto guessed = registry.normalize(parse(other), other);
  ASSERT_TRUE(guessed);
  EXPECT_EQ(guessed->rule_name, "guesser title");
}

TEST_F(MappedNormalizerTest, AMatchingMappingsErrorIsFinalNotGuessedAround) {
  NormalizerRegistry registry;
  register_builtin_normalizers(registry);
  FormatsConfig formats;
  formats.mappings = {acme_xdr_mapping()};
  ASSERT_TRUE(register_mapped_normalizers(registry, formats));
  // Recognised by the mapping (and readable by the guesser, which sees a title), but without
  // the mapping's required time: rejected with the mapping's reason.
  const std::string raw =
      R"({"product":"Acme XDR","event":{"uuid":"u-2"},"title":"guesser title",
          "detection":{"name":"mapped name"}})";
  auto alert = registry.normalize(parse(raw), raw);
  ASSERT_FALSE(alert) << "guessed as " << alert->rule_name;
  EXPECT_NE(alert.error().message.find("acme-xdr: time 'ts' is missing"), std::string::npos)
      << alert.error().message;
}

TEST_F(MappedNormalizerTest, FormatGenericStillMeansTheGuesser) {
  NormalizerRegistry registry;
  register_builtin_normalizers(registry);
  FormatsConfig formats;
  formats.mappings = {acme_xdr_mapping()};
  ASSERT_TRUE(register_mapped_normalizers(registry, formats));
  EXPECT_NE(dynamic_cast<const GenericNormalizer*>(registry.find(SourceFormat::kGeneric)), nullptr);
  const std::string raw =
      R"({"product":"Acme XDR","event":{"uuid":"u-1"},"title":"guesser title","ts":"2026-03-10T09:42:05Z","detection":{"name":"mapped name"}})";
  auto alert = registry.normalize(parse(raw), raw, SourceFormat::kGeneric);
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->rule_name, "guesser title");
}

TEST_F(MappedNormalizerTest, TheFirstMatchingMappingWinsAndAForcedOneGoesFirst) {
  FormatMapping first = minimal_mapping();
  first.name = "first";
  first.rule_name = "a";
  FormatMapping second = minimal_mapping();
  second.name = "second";
  second.rule_name = "b";
  const std::string raw = R"({"kind":"tiny-alert","at":"2026-01-01T00:00:00Z","a":"A","b":"B"})";
  for (const char* forced : {"", "second"}) {
    NormalizerRegistry registry;
    register_builtin_normalizers(registry);
    FormatsConfig formats;
    formats.mappings = {first, second};
    formats.forced_mapping = forced;
    ASSERT_TRUE(register_mapped_normalizers(registry, formats));
    auto alert = registry.normalize(parse(raw), raw);
    ASSERT_TRUE(alert) << alert.error().message;
    EXPECT_EQ(alert->rule_name, *forced ? "B" : "A") << forced;
  }
}

TEST_F(MappedNormalizerTest, AForcedMappingReadsDocumentsItsConditionsDoNotRecognise) {
  NormalizerRegistry registry;
  register_builtin_normalizers(registry);
  FormatsConfig formats;
  formats.mappings = {minimal_mapping()};
  formats.forced_mapping = "tiny";
  ASSERT_TRUE(register_mapped_normalizers(registry, formats));
  const std::string raw = R"({"kind":"other","title":"t","what":"forced","at":"2026-01-01"})";
  auto alert = registry.normalize(parse(raw), raw);
  ASSERT_TRUE(alert) << alert.error().message;
  EXPECT_EQ(alert->rule_name, "forced");
}

TEST_F(MappedNormalizerTest, AForcedMappingMustExist) {
  NormalizerRegistry registry;
  FormatsConfig formats;
  formats.mappings = {minimal_mapping()};
  formats.forced_mapping = "nope";
  auto added = register_mapped_normalizers(registry, formats);
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code, ErrorCode::kConfigError);
  EXPECT_NE(added.error().message.find("mapping:nope"), std::string::npos);
  EXPECT_FALSE(build_normalizer_registries(formats));
}

TEST_F(MappedNormalizerTest, TheForcedMappingAppliesToInputsNotToHistory) {
  FormatsConfig formats;
  formats.mappings = {minimal_mapping()};
  auto plain = build_normalizer_registries(formats);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->inputs, plain->history);
  formats.forced_mapping = "tiny";
  auto forced = build_normalizer_registries(formats);
  ASSERT_TRUE(forced);
  const std::string raw = R"({"title":"guessed","what":"forced","at":"2026-01-01"})";
  auto input = forced->inputs->normalize(parse(raw), raw);
  auto history = forced->history->normalize(parse(raw), raw);
  ASSERT_TRUE(input);
  ASSERT_TRUE(history);
  EXPECT_EQ(input->rule_name, "forced");
  EXPECT_EQ(history->rule_name, "guessed");
}

TEST(MappedFormatOption, MappingPrefix) {
  EXPECT_EQ(forced_mapping_name("mapping:acme-xdr"), "acme-xdr");
  EXPECT_EQ(forced_mapping_name("mapping:"), "");
  EXPECT_EQ(forced_mapping_name("generic"), std::nullopt);
  EXPECT_EQ(forced_mapping_name("auto"), std::nullopt);
}

// --- Mappings that do not compile (a configuration built in code; YAML is checked earlier) ---

TEST(MappedNormalizerCompile, BadMappingsNameTheMappingAndTheField) {
  const auto error_of = [](const FormatMapping& m) {
    auto compiled = MappedNormalizer::compile(m);
    EXPECT_FALSE(compiled) << m.name;
    return compiled ? std::string() : compiled.error().message;
  };
  FormatMapping m = minimal_mapping();
  m.time.clear();
  EXPECT_NE(error_of(m).find("fields.time is required"), std::string::npos);
  m = minimal_mapping();
  m.rule_name.clear();
  EXPECT_NE(error_of(m).find("rule_name"), std::string::npos);
  m = minimal_mapping();
  m.rule_id = "a..b";
  EXPECT_NE(error_of(m).find("'a..b' is not a field path"), std::string::npos);
  m = minimal_mapping();
  m.id = "ids[]";
  EXPECT_NE(error_of(m).find("takes one value"), std::string::npos);
  m = minimal_mapping();
  m.observables = {parse_test::mapped("details.*", MappedValueKind::kText)};
  EXPECT_NE(error_of(m).find("only texts may end in '*'"), std::string::npos);
  m = minimal_mapping();
  m.texts = {"x[y]"};
  const std::string message = error_of(m);
  EXPECT_NE(message.find("'tiny'"), std::string::npos) << message;
  EXPECT_NE(message.find("texts"), std::string::npos) << message;
}

}  // namespace
}  // namespace soc
