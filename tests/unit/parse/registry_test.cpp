// The normalizer registry: format detection, forcing a format, rejection of non-alerts, the
// fingerprint id, and the shared helpers add_observable / classify_address.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "core/sha256.hpp"
#include "parse/generic_normalizer.hpp"
#include "parse/normalizer.hpp"
#include "parse_test_support.hpp"

namespace soc {
namespace {

class RegistryTest : public ::testing::Test {
 protected:
  RegistryTest() { register_builtin_normalizers(registry_); }

  Result<Alert> run(const std::string& text, std::optional<SourceFormat> forced = std::nullopt) {
    simdjson::dom::element doc;
    const auto error = parser_.parse(text).get(doc);
    EXPECT_EQ(error, simdjson::SUCCESS) << text;
    if (error != simdjson::SUCCESS) return fail(ErrorCode::kParseError, "bad fixture");
    return registry_.normalize(doc, text, forced);
  }

  NormalizerRegistry registry_;
  simdjson::dom::parser parser_;
};

TEST_F(RegistryTest, BuiltinsAreRegistered) {
  ASSERT_NE(registry_.find(SourceFormat::kEcs), nullptr);
  ASSERT_NE(registry_.find(SourceFormat::kGeneric), nullptr);
  EXPECT_EQ(registry_.find(SourceFormat::kEcs)->format(), SourceFormat::kEcs);
  for (SourceFormat f : {SourceFormat::kSplunk, SourceFormat::kSentinel, SourceFormat::kSecops,
                         SourceFormat::kWazuh, SourceFormat::kOcsf, SourceFormat::kCef})
    EXPECT_NE(registry_.find(f), nullptr) << to_string(f);
}

TEST_F(RegistryTest, ElasticAlertsAreDetectedAsEcs) {
  for (const char* scenario : {"scenario-1-phishing-attachment", "scenario-2-ssh-brute-force",
                               "scenario-3-lateral-movement"}) {
    const std::string text =
        parse_test::read_text(parse_test::example_file(std::string(scenario) + "/alert.json"));
    auto alert = run(text);
    ASSERT_TRUE(alert) << scenario << ": " << alert.error().message;
    EXPECT_EQ(alert->format, SourceFormat::kEcs) << scenario;
    EXPECT_EQ(alert->raw, text) << scenario;
  }
}

TEST_F(RegistryTest, EcsWinsOverGenericWhenBothRecognise) {
  auto alert = run(
      R"({"title":"generic title","kibana.alert.rule.name":"Elastic rule","kibana.alert.uuid":"u-1"})");
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->format, SourceFormat::kEcs);
  EXPECT_EQ(alert->rule_name, "Elastic rule");
  EXPECT_EQ(alert->id, "u-1");
}

TEST_F(RegistryTest, WebhookIsGeneric) {
  auto alert =
      run(parse_test::read_text(parse_test::data_file("parse/generic_webhook_phishing.json")));
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->format, SourceFormat::kGeneric);
  EXPECT_EQ(alert->id, "PP-2026-000481");
}

TEST_F(RegistryTest, ForcedFormatOverridesDetection) {
  const std::string both = R"({"title":"generic title","kibana.alert.rule.name":"Elastic rule"})";
  auto forced = run(both, SourceFormat::kGeneric);
  ASSERT_TRUE(forced);
  EXPECT_EQ(forced->format, SourceFormat::kGeneric);
  EXPECT_EQ(forced->rule_name, "generic title");
  auto forced_ecs = run(R"({"message":"sshd: Accepted password"})", SourceFormat::kEcs);
  ASSERT_TRUE(forced_ecs);
  EXPECT_EQ(forced_ecs->format, SourceFormat::kEcs);
}

TEST_F(RegistryTest, ForcedFormatWithoutNormalizerIsUnsupported) {
  NormalizerRegistry only_generic;
  only_generic.add(std::make_unique<GenericNormalizer>());
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(std::string_view(R"({"title":"x"})")).get(doc), simdjson::SUCCESS);
  auto alert = only_generic.normalize(doc, R"({"title":"x"})", SourceFormat::kSplunk);
  ASSERT_FALSE(alert);
  EXPECT_EQ(alert.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(alert.error().message.find("splunk"), std::string::npos);
}

TEST_F(RegistryTest, ForcedFormatThatDoesNotFitIsNotAnAlert) {
  auto alert = run(R"({"kibana.alert.rule.name":"only elastic"})", SourceFormat::kGeneric);
  ASSERT_FALSE(alert);
  EXPECT_EQ(alert.error().code, ErrorCode::kNotAnAlert);
}

TEST_F(RegistryTest, NonObjectDocumentsAreNotAlerts) {
  for (const char* text :
       {R"([{"title":"inside an array"}])", R"("title")", "42", "null", "true", "[]"}) {
    auto alert = run(text);
    ASSERT_FALSE(alert) << text;
    EXPECT_EQ(alert.error().code, ErrorCode::kNotAnAlert) << text;
  }
  auto forced = run(R"([1])", SourceFormat::kEcs);
  ASSERT_FALSE(forced);
  EXPECT_EQ(forced.error().code, ErrorCode::kNotAnAlert);
}

TEST_F(RegistryTest, UnrecognisedObjectIsNotAnAlert) {
  for (const char* text :
       {"{}", R"({"foo":"bar","n":1})", R"({"@timestamp":"2026-03-02T02:47:00Z"})"}) {
    auto alert = run(text);
    ASSERT_FALSE(alert) << text;
    EXPECT_EQ(alert.error().code, ErrorCode::kNotAnAlert) << text;
  }
}

TEST_F(RegistryTest, FallsBackWhenTheMostConfidentNormalizerCannotReadTheDocument) {
  // ECS-looking (timestamp + ecs.version: confidence 70) but no rule name, event action or
  // message: the ECS normalizer refuses it, while the generic one can read the title.
  auto alert = run(R"({"@timestamp":"2026-03-02T02:47:00Z","ecs":{"version":"8.11.0"},
                       "title":"Port scan detected","src_ip":"192.0.2.4"})");
  ASSERT_TRUE(alert) << "registry gave up after the most confident normalizer failed: "
                     << (alert ? "" : alert.error().message);
  EXPECT_EQ(alert->rule_name, "Port scan detected");
}

TEST_F(RegistryTest, FingerprintIdWhenTheSourceHasNone) {
  const std::string text = R"({"title":"no id here","src_ip":"192.0.2.4"})";
  auto alert = run(text);
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->id, "fp-" + sha256_hex(text).substr(0, 32));
  EXPECT_EQ(alert->id.size(), 35u);
  EXPECT_EQ(alert->raw, text);
}

TEST_F(RegistryTest, FingerprintIsStableForTheSameBytesAndDiffersOtherwise) {
  const std::string text = R"({"title":"no id here"})";
  auto first = run(text);
  auto second = run(text);
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->id, second->id);
  auto spaced = run(R"({"title": "no id here"})");  // same JSON value, different bytes
  ASSERT_TRUE(spaced);
  EXPECT_NE(spaced->id, first->id);
  EXPECT_EQ(spaced->id.rfind("fp-", 0), 0u);
}

TEST_F(RegistryTest, SourceIdIsKept) {
  auto alert = run(R"({"title":"t","alert_id":"A-1"})");
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->id, "A-1");
}

// --- add_observable / classify_address ---

TEST(ClassifyAddress, Kinds) {
  EXPECT_EQ(classify_address("185.220.101.34"), ObservableType::kIpv4);
  EXPECT_EQ(classify_address("2001:db8::1"), ObservableType::kIpv6);
  EXPECT_EQ(classify_address("::1"), ObservableType::kIpv6);
  EXPECT_EQ(classify_address("user@corp.fr"), ObservableType::kEmail);
  EXPECT_EQ(classify_address("doc-secure.xyz"), ObservableType::kDomain);
  EXPECT_EQ(classify_address("SRV-DC-01.corp.local"), ObservableType::kDomain);
  EXPECT_EQ(classify_address("SRV-DC-01"), ObservableType::kHost);
  EXPECT_EQ(classify_address("host.a1"), ObservableType::kHost);  // last label not alphabetic
  EXPECT_EQ(classify_address("10.1.2"), ObservableType::kHost);
  EXPECT_EQ(classify_address("x.y"), ObservableType::kHost);  // one-letter last label
}

TEST(AddObservable, NormalizesCaseOnlyWhereCaseDoesNotMatter) {
  Alert alert;
  add_observable(alert, ObservableType::kDomain, "Doc-Secure.XYZ", Role::kRelated, "d");
  add_observable(alert, ObservableType::kEmail, "CEO@Corp.fr", Role::kRecipient, "e");
  add_observable(alert, ObservableType::kSha256, "ABCDEF", Role::kRelated, "h");
  add_observable(alert, ObservableType::kHost, "WKS-01", Role::kTarget, "host.name");
  add_observable(alert, ObservableType::kUser, "Alice", Role::kActor, "u");
  add_observable(alert, ObservableType::kIpv6, "2001:DB8::A", Role::kSource, "ip");
  add_observable(alert, ObservableType::kUrl, "https://Example.com/Path?Q=1", Role::kRelated,
                 "url");
  add_observable(alert, ObservableType::kFile, "C:\\Users\\Bob\\Invoice.XLSM", Role::kRelated,
                 "file");
  add_observable(alert, ObservableType::kProcess, "PowerShell.exe", Role::kActor, "p");
  ASSERT_EQ(alert.observables.size(), 9u);
  EXPECT_EQ(alert.observables[0].value, "doc-secure.xyz");
  EXPECT_EQ(alert.observables[1].value, "ceo@corp.fr");
  EXPECT_EQ(alert.observables[2].value, "abcdef");
  EXPECT_EQ(alert.observables[3].value, "wks-01");
  EXPECT_EQ(alert.observables[3].field, "host.name");
  EXPECT_EQ(alert.observables[3].role, Role::kTarget);
  EXPECT_EQ(alert.observables[4].value, "alice");
  EXPECT_EQ(alert.observables[5].value, "2001:db8::a");
  EXPECT_EQ(alert.observables[6].value, "https://Example.com/Path?Q=1");
  EXPECT_EQ(alert.observables[7].value, "C:\\Users\\Bob\\Invoice.XLSM");
  EXPECT_EQ(alert.observables[8].value, "PowerShell.exe");
}

TEST(AddObservable, TrimsAndSkipsEmptyDashAndOversizedValues) {
  Alert alert;
  add_observable(alert, ObservableType::kHost, "  wks-02 \t", Role::kTarget, "h");
  add_observable(alert, ObservableType::kHost, "", Role::kTarget, "h");
  add_observable(alert, ObservableType::kHost, "   ", Role::kTarget, "h");
  add_observable(alert, ObservableType::kHost, "-", Role::kTarget, "h");
  add_observable(alert, ObservableType::kUrl, "http://x/" + std::string(2100, 'a'), Role::kRelated,
                 "u");
  add_observable(alert, ObservableType::kUrl, "http://x/" + std::string(2000, 'a'), Role::kRelated,
                 "u");
  ASSERT_EQ(alert.observables.size(), 2u);
  EXPECT_EQ(alert.observables[0].value, "wks-02");
  EXPECT_EQ(alert.observables[1].value.size(), 2009u);
}

TEST(AddObservable, DeduplicatesSameTypeValueAndRoleOnly) {
  Alert alert;
  add_observable(alert, ObservableType::kIpv4, "10.0.0.1", Role::kSource, "source.ip");
  add_observable(alert, ObservableType::kIpv4, "10.0.0.1", Role::kSource, "client.ip");
  add_observable(alert, ObservableType::kIpv4, "10.0.0.1", Role::kRelated, "related.ip");
  add_observable(alert, ObservableType::kHost, "10.0.0.1", Role::kSource, "host");
  ASSERT_EQ(alert.observables.size(), 3u);
  EXPECT_EQ(alert.observables[0].field, "source.ip");  // the first one is kept
}

}  // namespace
}  // namespace soc
