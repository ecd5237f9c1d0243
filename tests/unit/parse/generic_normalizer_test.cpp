// The generic normalizer: well-known field names, address lists, hash lengths and text leaves.
#include "parse/generic_normalizer.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "parse_test_support.hpp"

namespace soc {
namespace {

using parse_test::describe;
using parse_test::find_text;
using parse_test::has_observable;
using parse_test::roles_of;

Result<Alert> generic(const std::string& json) {
  return parse_test::normalize_with<GenericNormalizer>(json);
}

Alert webhook() {
  auto a =
      generic(parse_test::read_text(parse_test::data_file("parse/generic_webhook_phishing.json")));
  EXPECT_TRUE(a) << (a ? "" : a.error().message);
  return a ? *a : Alert{};
}

TEST(GenericWebhook, IdentityTimeSeverityAndCounts) {
  const Alert a = webhook();
  EXPECT_EQ(a.format, SourceFormat::kGeneric);
  EXPECT_EQ(a.id, "PP-2026-000481");
  EXPECT_EQ(a.rule_name, "Malicious attachment delivered to several mailboxes");
  EXPECT_EQ(a.rule_id, "pp-attach-sandbox-42");
  EXPECT_EQ(a.description.rfind("Sandbox detonation", 0), 0u);
  EXPECT_EQ(a.timestamp, parse_time("2026-03-10T09:42:05Z"));  // +01:00 offset applied
  EXPECT_EQ(a.source_severity, Severity::kHigh);
  EXPECT_EQ(a.categories, (std::vector<std::string>{"email", "malware"}));
  EXPECT_EQ(a.outcome, "success");
  EXPECT_EQ(a.event_count, 3);
}

TEST(GenericWebhook, AttackTags) {
  const Alert a = webhook();
  EXPECT_EQ(a.technique_ids, std::vector<std::string>{"T1566.001"});
  EXPECT_EQ(a.tactic_names, std::vector<std::string>{"initial-access"});
}

TEST(GenericWebhook, CommaSeparatedRecipientsBecomeOneObservableEach) {
  const Alert a = webhook();
  EXPECT_TRUE(
      has_observable(a, ObservableType::kEmail, "facture-urgent@doc-secure.xyz", Role::kSender))
      << describe(a);
  for (const char* r : {"direction.financiere@corp.fr", "a.martin@corp.fr", "j.leroy@corp.fr"})
    EXPECT_TRUE(has_observable(a, ObservableType::kEmail, r, Role::kRecipient)) << r << "\n"
                                                                                << describe(a);
  EXPECT_EQ(parse_test::count_of_type(a, ObservableType::kEmail), 4u) << describe(a);
}

TEST(GenericWebhook, AddressesHostsUsersHashesUrlAndDomain) {
  const Alert a = webhook();
  EXPECT_TRUE(has_observable(a, ObservableType::kIpv4, "198.51.100.23", Role::kSource))
      << describe(a);
  EXPECT_TRUE(has_observable(a, ObservableType::kHost, "srv-mail-gw", Role::kTarget))
      << describe(a);
  EXPECT_TRUE(has_observable(a, ObservableType::kUser, "svc-mailscan", Role::kActor))
      << describe(a);
  EXPECT_TRUE(
      has_observable(a, ObservableType::kMd5, "44d88612fea8a8f36de82e1278abb02f", Role::kRelated))
      << describe(a);
  EXPECT_TRUE(has_observable(a, ObservableType::kSha1, "3395856ce81f2b7382dee72602f798b642f14140",
                             Role::kRelated));
  EXPECT_TRUE(has_observable(a, ObservableType::kSha256,
                             "a3f2b7d41c09e8f5b6a7c2d3e4f50617283940a1b2c3d4e5f60718293a4bc9e1",
                             Role::kRelated));
  EXPECT_TRUE(has_observable(a, ObservableType::kUrl, "https://doc-secure.xyz/invoice/0347?id=9f1c",
                             Role::kRelated));
  EXPECT_TRUE(has_observable(a, ObservableType::kDomain, "doc-secure.xyz", Role::kRelated));
}

TEST(GenericWebhook, EveryStringLeafIsATextWithItsDottedPath) {
  const Alert a = webhook();
  const TextField* subject = find_text(a, "details.headers.subject");
  ASSERT_NE(subject, nullptr);
  EXPECT_EQ(subject->text, "Relance : facture impayee n.2026-0347");
  std::vector<std::string> signatures;
  for (const auto& t : a.texts)
    if (t.field == "details.sandbox.signatures") signatures.push_back(t.text);
  EXPECT_EQ(signatures, (std::vector<std::string>{"Office macro spawns PowerShell",
                                                  "Connects to 203.0.113.45 over HTTPS"}));
  ASSERT_NE(find_text(a, "details.headers.x-originating-ip"), nullptr);
  ASSERT_NE(find_text(a, "title"), nullptr);
  ASSERT_NE(find_text(a, "recipients"), nullptr);
  EXPECT_EQ(find_text(a, "count"), nullptr);  // numbers are not text
  EXPECT_EQ(find_text(a, "details.sandbox.score"), nullptr);
}

TEST(GenericNormalizer, TitleFieldVariants) {
  for (const char* field :
       {"title", "rule_name", "alert_name", "name", "rule", "signature", "alert", "summary"}) {
    auto a = generic(std::string(R"({")") + field + R"(":"Port scan from 192.0.2.4"})");
    ASSERT_TRUE(a) << field;
    EXPECT_EQ(a->rule_name, "Port scan from 192.0.2.4") << field;
  }
  auto nested = generic(R"({"rule":{"name":"Nested rule","id":"r-9"}})");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->rule_name, "Nested rule");
  EXPECT_EQ(nested->rule_id, "r-9");
  auto first_wins = generic(R"({"summary":"later","title":"first"})");
  ASSERT_TRUE(first_wins);
  EXPECT_EQ(first_wins->rule_name, "first");
}

TEST(GenericNormalizer, NoTitleIsNotAnAlert) {
  auto a = generic(R"({"src_ip":"192.0.2.4","severity":"high"})");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::kNotAnAlert);
  EXPECT_EQ(parse_test::detect_with<GenericNormalizer>(R"({"src_ip":"192.0.2.4"})"), 0);
  EXPECT_EQ(parse_test::detect_with<GenericNormalizer>(R"({"title":"x"})"), 10);
  EXPECT_EQ(parse_test::detect_with<GenericNormalizer>(R"(["title"])"), 0);
  EXPECT_EQ(parse_test::detect_with<GenericNormalizer>(R"("title")"), 0);
}

TEST(GenericNormalizer, TimeFieldsIncludingEpochNumbers) {
  auto iso = generic(R"({"title":"t","@timestamp":"2026-03-02T02:47:00Z"})");
  ASSERT_TRUE(iso);
  EXPECT_EQ(iso->timestamp, 1772419620000);
  auto epoch_ms = generic(R"({"title":"t","time":1772419620000})");
  ASSERT_TRUE(epoch_ms);
  EXPECT_EQ(epoch_ms->timestamp, 1772419620000);
  auto epoch_s = generic(R"({"title":"t","event_time":"1772419620"})");
  ASSERT_TRUE(epoch_s);
  EXPECT_EQ(epoch_s->timestamp, 1772419620000);
  auto priority =
      generic(R"({"title":"t","timestamp":"2026-03-02T02:47:00Z","date":"2020-01-01"})");
  ASSERT_TRUE(priority);
  EXPECT_EQ(priority->timestamp, 1772419620000);
}

TEST(GenericNormalizer, SeverityFromLevelPriorityOrUrgency) {
  auto level = generic(R"({"title":"t","level":"warning"})");
  ASSERT_TRUE(level);
  EXPECT_EQ(level->source_severity, Severity::kMedium);
  auto numeric = generic(R"({"title":"t","priority":4})");
  ASSERT_TRUE(numeric);
  EXPECT_EQ(numeric->source_severity, Severity::kCritical);
  auto unknown = generic(R"({"title":"t","urgency":"whenever"})");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->source_severity, std::nullopt);
}

TEST(GenericNormalizer, OutcomeOnlySuccessOrFailure) {
  auto open = generic(R"({"title":"t","status":"open"})");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->outcome, "");
  auto failure = generic(R"({"title":"t","result":"FAILURE"})");
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->outcome, "failure");
}

TEST(GenericNormalizer, AddressListsAndTypes) {
  auto a =
      generic(R"({"title":"t","src":"attacker.example.com, 192.0.2.66","source_ip":"2001:DB8::5",
      "dst_ip":["10.0.0.1","10.0.0.2"],"targets":"SRV-DC-01,SRV-FILE-01","to":["x@corp.fr","Y@corp.fr"],
      "from":"spoof@corp.fr"})");
  ASSERT_TRUE(a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kDomain, "attacker.example.com", Role::kSource))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "192.0.2.66", Role::kSource))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv6, "2001:db8::5", Role::kSource))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "10.0.0.1", Role::kDestination));
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "10.0.0.2", Role::kDestination));
  EXPECT_TRUE(has_observable(*a, ObservableType::kHost, "srv-dc-01", Role::kTarget))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kHost, "srv-file-01", Role::kTarget))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kEmail, "x@corp.fr", Role::kRecipient));
  EXPECT_TRUE(has_observable(*a, ObservableType::kEmail, "y@corp.fr", Role::kRecipient));
  EXPECT_TRUE(has_observable(*a, ObservableType::kEmail, "spoof@corp.fr", Role::kSender));
}

TEST(GenericNormalizer, NestedSourceObjectIsReadThroughItsIp) {
  auto a = generic(R"({"title":"t","source":{"ip":"192.0.2.7","port":22},"user":{"name":"Root"},
      "host":{"name":"Web-01"}})");
  ASSERT_TRUE(a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "192.0.2.7", Role::kSource))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kUser, "root", Role::kActor)) << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kHost, "web-01", Role::kTarget)) << describe(*a);
  EXPECT_EQ(a->observables.size(), 3u) << describe(*a);
}

TEST(GenericNormalizer, HashTypeFollowsTheLengthNotTheFieldName) {
  const std::string md5 = "44d88612fea8a8f36de82e1278abb02f";
  const std::string sha1 = "3395856ce81f2b7382dee72602f798b642f14140";
  const std::string sha256 = "0e5f261cb5e0536508987868a22780338db2b77e7dbab487a82c5164ac056973";
  auto a = generic(R"({"title":"t","hash":")" + md5 + R"(","file_hash":")" + sha1 + R"(","md5":")" +
                   sha256 + R"("})");
  ASSERT_TRUE(a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kMd5, md5, Role::kRelated)) << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kSha1, sha1, Role::kRelated)) << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kSha256, sha256, Role::kRelated)) << describe(*a);
  const Observable* o = parse_test::find_observable(*a, ObservableType::kSha1, sha1);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->field, "file_hash");
}

TEST(GenericNormalizer, ValuesOfNoHashLengthAreLeftToTheExtractor) {
  auto a = generic(R"({"title":"t","hash":"n/a","sha256":"deadbeef","md5":""})");
  ASSERT_TRUE(a);
  for (auto type : {ObservableType::kMd5, ObservableType::kSha1, ObservableType::kSha256})
    EXPECT_EQ(parse_test::count_of_type(*a, type), 0u) << describe(*a);
  ASSERT_NE(find_text(*a, "sha256"), nullptr);  // still offered as text
}

TEST(GenericNormalizer, ShortStringsAreNotTexts) {
  auto a = generic(R"({"title":"t-1","a":"ab","b":"abc","c":["x","xyz"]})");
  ASSERT_TRUE(a);
  EXPECT_EQ(find_text(*a, "a"), nullptr);
  ASSERT_NE(find_text(*a, "b"), nullptr);
  ASSERT_NE(find_text(*a, "c"), nullptr);
  EXPECT_EQ(find_text(*a, "c")->text, "xyz");
}

TEST(GenericNormalizer, TextBudgetOf256KiBTruncatesAndStops) {
  const std::string big(300 * 1024, 'A');
  auto a = generic(R"({"title":"big","blob":")" + big + R"(","after":"never seen"})");
  ASSERT_TRUE(a);
  std::size_t total = 0;
  for (const auto& t : a->texts) total += t.text.size();
  EXPECT_EQ(total, 256u * 1024u);
  EXPECT_EQ(find_text(*a, "after"), nullptr);
  const TextField* blob = find_text(*a, "blob");
  ASSERT_NE(blob, nullptr);
  EXPECT_EQ(blob->text.size(), 256u * 1024u - 3u);  // "big" came first
}

TEST(GenericNormalizer, TextBudgetIsSharedAcrossLeaves) {
  const std::string part(100 * 1024, 'b');
  auto a = generic(R"({"title":"t-t","p1":")" + part + R"(","p2":")" + part + R"(","p3":")" + part +
                   R"("})");
  ASSERT_TRUE(a);
  ASSERT_NE(find_text(*a, "p3"), nullptr);
  EXPECT_EQ(find_text(*a, "p1")->text.size(), part.size());
  EXPECT_EQ(find_text(*a, "p2")->text.size(), part.size());
  EXPECT_EQ(find_text(*a, "p3")->text.size(), 256u * 1024u - 3u - 2u * part.size());
}

TEST(GenericNormalizer, TruncatedTextStaysValidUtf8) {
  // Two-byte characters placed so the 256 KiB cut falls inside one of them.
  std::string accents;
  while (accents.size() < 300 * 1024) accents += "\xC3\xA9";
  auto a = generic(R"({"title":"odd","blob":")" + accents + R"("})");
  ASSERT_TRUE(a);
  const TextField* blob = find_text(*a, "blob");
  ASSERT_NE(blob, nullptr);
  EXPECT_LE(blob->text.size(), 256u * 1024u - 3u);
  EXPECT_TRUE(is_valid_utf8(blob->text))
      << "the budget cut splits a UTF-8 sequence (size " << blob->text.size() << ")";
}

TEST(GenericNormalizer, HashFieldsMustHoldHexDigits) {
  // 32, 40 and 64 characters long but not hexadecimal: not hashes to enrich.
  auto a = generic(
      R"({"title":"t","hash":"not-a-hash-but-thirty-two-chars!",)"
      R"("sha1":"see the attached sandbox report, pls","md5":"ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"})");
  ASSERT_TRUE(a);
  for (auto type : {ObservableType::kMd5, ObservableType::kSha1, ObservableType::kSha256})
    EXPECT_EQ(parse_test::count_of_type(*a, type), 0u) << describe(*a);
}

}  // namespace
}  // namespace soc
