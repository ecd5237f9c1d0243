// Targeted behaviour of the SIEM format normalizers that the golden files show only in passing:
// severity scales, role rules, alternative field spellings, and the shared helpers.
#include <gtest/gtest.h>

#include <string>

#include "core/time.hpp"
#include "parse/format_support.hpp"
#include "parse/ocsf_normalizer.hpp"
#include "parse/secops_normalizer.hpp"
#include "parse/sentinel_normalizer.hpp"
#include "parse/splunk_normalizer.hpp"
#include "parse/wazuh_normalizer.hpp"
#include "parse_test_support.hpp"

namespace soc {
namespace {

using parse_test::describe;
using parse_test::has_observable;

TEST(FormatsWazuh, LevelBands) {
  EXPECT_EQ(severity_from_wazuh_level(0), Severity::kLow);
  EXPECT_EQ(severity_from_wazuh_level(6), Severity::kLow);
  EXPECT_EQ(severity_from_wazuh_level(7), Severity::kMedium);
  EXPECT_EQ(severity_from_wazuh_level(11), Severity::kMedium);
  EXPECT_EQ(severity_from_wazuh_level(12), Severity::kHigh);
  EXPECT_EQ(severity_from_wazuh_level(14), Severity::kHigh);
  EXPECT_EQ(severity_from_wazuh_level(15), Severity::kCritical);
}

TEST(FormatsWazuh, WindowsLogonFailure) {
  auto a =
      parse_test::normalize_with<WazuhNormalizer>(R"({"timestamp":"2026-03-02T02:47:00.000+0000",
    "rule":{"level":"5","description":"Logon Failure - Unknown user or bad password","id":"60122",
            "groups":["windows","windows_security","authentication_failed"],"mitre":{"id":["T1110"]}},
    "agent":{"id":"004","name":"DC01"},
    "data":{"win":{"system":{"computer":"DC01.corp.example","eventID":"4625"},
                   "eventdata":{"targetUserName":"administrator","ipAddress":"198.51.100.9","workstationName":"KALI"}}}})");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->source_severity, Severity::kLow);
  EXPECT_EQ(a->outcome, "failure");
  EXPECT_TRUE(has_observable(*a, ObservableType::kUser, "administrator", Role::kTarget))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "198.51.100.9", Role::kSource));
  EXPECT_TRUE(has_observable(*a, ObservableType::kHost, "kali", Role::kSource));
  EXPECT_TRUE(has_observable(*a, ObservableType::kHost, "dc01", Role::kTarget));
  EXPECT_EQ(parse_test::count_of_type(*a, ObservableType::kHost), 2u);  // DC01.corp.example is DC01
}

TEST(FormatsOcsf, SeverityIds) {
  EXPECT_EQ(severity_from_ocsf_id(0), std::nullopt);
  EXPECT_EQ(severity_from_ocsf_id(1), Severity::kLow);
  EXPECT_EQ(severity_from_ocsf_id(2), Severity::kLow);
  EXPECT_EQ(severity_from_ocsf_id(3), Severity::kMedium);
  EXPECT_EQ(severity_from_ocsf_id(4), Severity::kHigh);
  EXPECT_EQ(severity_from_ocsf_id(5), Severity::kCritical);
  EXPECT_EQ(severity_from_ocsf_id(6), Severity::kCritical);
  EXPECT_EQ(severity_from_ocsf_id(99), std::nullopt);
}

TEST(FormatsOcsf, ObservableTypesAndRolesFromTheirPath) {
  auto a = parse_test::normalize_with<OcsfNormalizer>(
      R"({"class_uid":2004,"severity_id":3,"time":1772419620000,
    "finding_info":{"title":"Suspicious mail","uid":"f-1"},
    "observables":[
      {"name":"email.from","type_id":5,"value":"x@evil.example"},
      {"name":"email.to","type_id":5,"value":"y@corp.example"},
      {"name":"src_endpoint.hostname","type_id":1,"value":"MX1"},
      {"name":"file.name","type_id":7,"value":"a.html"},
      {"name":"file.hashes[0].value","type_id":8,"value":"0cc175b9c0f1b6a831c399e269772661"},
      {"name":"actor.process.name","type_id":9,"value":"outlook.exe"},
      {"name":"url","type_id":6,"value":"https://evil.example/a"},
      {"name":"mac","type_id":3,"value":"00:11:22:33:44:55"},
      {"name":"actor.user.name","type_id":4,"value":"ykim"}]})");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->timestamp, 1772419620000);
  EXPECT_TRUE(has_observable(*a, ObservableType::kEmail, "x@evil.example", Role::kSender))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kEmail, "y@corp.example", Role::kRecipient));
  EXPECT_TRUE(has_observable(*a, ObservableType::kHost, "mx1", Role::kSource));
  EXPECT_TRUE(has_observable(*a, ObservableType::kFile, "a.html", Role::kRelated));
  EXPECT_TRUE(
      has_observable(*a, ObservableType::kMd5, "0cc175b9c0f1b6a831c399e269772661", Role::kRelated));
  EXPECT_TRUE(has_observable(*a, ObservableType::kProcess, "outlook.exe", Role::kActor));
  EXPECT_TRUE(has_observable(*a, ObservableType::kUser, "ykim", Role::kActor));
  EXPECT_EQ(a->observables.size(), 8u);  // the MAC address stays in the raw alert
}

TEST(FormatsSecops, SnakeCaseUdmAlert) {
  auto a = parse_test::normalize_with<SecopsNormalizer>(R"({"udm":{
    "metadata":{"event_type":"NETWORK_HTTP","event_timestamp":"2026-03-02T02:47:00Z","id":"u-1"},
    "principal":{"ip":["10.1.1.5"],"hostname":"wks-1"},
    "target":{"hostname":"bad.example.net","url":"http://bad.example.net/x","ip":["203.0.113.9"]},
    "security_result":[{"rule_name":"Known C2 domain","severity":"CRITICAL",
      "attack_details":{"techniques":[{"id":"T1071","subtechnique_id":"T1071.001"}],"tactics":[{"name":"Command and Control"}]}}]}})");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->format, SourceFormat::kSecops);
  EXPECT_EQ(a->rule_name, "Known C2 domain");
  EXPECT_EQ(a->source_severity, Severity::kCritical);
  EXPECT_EQ(a->technique_ids, (std::vector<std::string>{"T1071", "T1071.001"}));
  EXPECT_EQ(a->tactic_names, std::vector<std::string>{"command-and-control"});
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "10.1.1.5", Role::kSource)) << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kHost, "wks-1", Role::kSource));
  EXPECT_TRUE(has_observable(*a, ObservableType::kDomain, "bad.example.net", Role::kTarget));
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "203.0.113.9", Role::kDestination));
  EXPECT_TRUE(has_observable(*a, ObservableType::kUrl, "http://bad.example.net/x", Role::kRelated));
}

TEST(FormatsSplunk, NestedAnnotationsAndWebhookWithNullSearchName) {
  auto a =
      parse_test::normalize_with<SplunkNormalizer>(R"({"result":{"rule_name":"Suspicious Rundll32",
      "annotations":{"mitre_attack":{"mitre_technique_id":["T1218.011"],"mitre_tactic":["defense-evasion"],
                                     "mitre_technique":["Rundll32"]}},"dest":"wks-9"},
    "sid":"rt_md_1","search_name":null,"app":"SplunkEnterpriseSecuritySuite","owner":"nobody"})");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->rule_name, "Suspicious Rundll32");
  EXPECT_EQ(a->id, "rt_md_1");
  EXPECT_EQ(a->technique_ids, std::vector<std::string>{"T1218.011"});
  EXPECT_EQ(a->tactic_names, std::vector<std::string>{"defense-evasion"});
  EXPECT_TRUE(has_observable(*a, ObservableType::kHost, "wks-9", Role::kTarget));
}

TEST(FormatsSplunk, EmailModelSenderAndRecipients) {
  auto a =
      parse_test::normalize_with<SplunkNormalizer>(R"({"index":"notable","rule_name":"Phishing",
      "src_user":"ceo@evil.example","recipient":["a@corp.example","b@corp.example"],"file_name":"inv.xlsm",
      "file_hash":"0cc175b9c0f1b6a831c399e269772661","subject":"Invoice","urgency":"medium"})");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(has_observable(*a, ObservableType::kEmail, "ceo@evil.example", Role::kSender))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kEmail, "b@corp.example", Role::kRecipient));
  EXPECT_TRUE(has_observable(*a, ObservableType::kFile, "inv.xlsm", Role::kAttachment));
  EXPECT_TRUE(has_observable(*a, ObservableType::kMd5, "0cc175b9c0f1b6a831c399e269772661",
                             Role::kAttachment));
  EXPECT_NE(parse_test::find_text(*a, "subject"), nullptr);
}

TEST(FormatsSentinel, DeclaredRolesSignInAndNetworkConnections) {
  const std::string entities =
      R"([{\"$id\":\"1\",\"Address\":\"198.51.100.4\",\"Type\":\"ip\",\"Roles\":[\"Attacker\"]},)"
      R"({\"$id\":\"2\",\"Name\":\"ops\",\"UPNSuffix\":\"corp.example\",\"Type\":\"account\",\"Roles\":[\"Compromised\"]},)"
      R"({\"$id\":\"3\",\"Address\":\"10.0.0.8\",\"Type\":\"ip\"},)"
      R"({\"$id\":\"4\",\"SourceAddress\":{\"$ref\":\"3\"},\"DestinationAddress\":{\"$id\":\"5\",\"Address\":\"203.0.113.50\",\"Type\":\"ip\"},\"Type\":\"network-connection\"},)"
      R"({\"$id\":\"6\",\"Hive\":\"HKEY_CURRENT_USER\",\"Key\":\"Software\\\\Run\",\"Type\":\"registry-key\"}])";
  auto a = parse_test::normalize_with<SentinelNormalizer>(
      R"({"SystemAlertId":"s-1","AlertName":"Beacon","AlertSeverity":"Informational","ProviderName":"MDATP","Entities":")" +
      entities + R"("})");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->source_severity, Severity::kLow);
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "198.51.100.4", Role::kSource))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kUser, "ops@corp.example", Role::kTarget));
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "10.0.0.8", Role::kSource));
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "203.0.113.50", Role::kDestination));
  EXPECT_TRUE(has_observable(*a, ObservableType::kRegistry, "HKEY_CURRENT_USER\\Software\\Run",
                             Role::kRelated));
  EXPECT_EQ(a->source_country, "");

  // Identity Protection: the account is the victim, the IP where the sign-in came from.
  auto ipc = parse_test::normalize_with<SentinelNormalizer>(
      R"({"SystemAlertId":"s-2","AlertName":"Unfamiliar sign-in properties","ProviderName":"IPC","Entities":"[{\"Name\":\"lee\",\"UPNSuffix\":\"corp.example\",\"Type\":\"account\"},{\"Address\":\"203.0.113.60\",\"Location\":{\"CountryCode\":\"KP\"},\"Type\":\"ip\"}]"})");
  ASSERT_TRUE(ipc) << ipc.error().message;
  EXPECT_TRUE(has_observable(*ipc, ObservableType::kUser, "lee@corp.example", Role::kTarget))
      << describe(*ipc);
  EXPECT_TRUE(has_observable(*ipc, ObservableType::kIpv4, "203.0.113.60", Role::kSource));
  EXPECT_EQ(ipc->source_country, "KP");
}

TEST(FormatsSupport, TimesTechniquesAndTactics) {
  EXPECT_EQ(formats::parse_any_time("1717493410.250"), 1717493410250);
  EXPECT_EQ(formats::parse_any_time("1717493410"), 1717493410000);
  EXPECT_EQ(formats::parse_any_time("1659523775038"), 1659523775038);
  EXPECT_EQ(formats::parse_any_time("2024-07-04 22:35:00.746663+00:00"),
            parse_time("2024-07-04T22:35:00.746Z"));
  EXPECT_EQ(formats::parse_any_time("2020-03-26T11:02:39.142+0000"),
            parse_time("2020-03-26T11:02:39.142Z"));
  EXPECT_EQ(formats::parse_any_time("12.x"), std::nullopt);
  EXPECT_EQ(formats::parse_any_time("none"), std::nullopt);

  Alert a;
  formats::add_techniques_in_text(
      a, "Brute Force (T1110), T1059.001 - PowerShell, XT1234, T12345, T1003/001");
  EXPECT_EQ(a.technique_ids, (std::vector<std::string>{"T1110", "T1059.001", "T1003.001"}));
  formats::add_tactic(a, "TA0008");
  formats::add_tactic(a, "LateralMovement");
  formats::add_tactic(a, "Unknown");
  formats::add_tactic(a, "PreAttack");
  formats::add_tactics_from_list(a, "Execution, CommandAndControl");
  EXPECT_EQ(a.tactic_names,
            (std::vector<std::string>{"lateral-movement", "execution", "command-and-control"}));
  formats::add_hash_list(
      a, "SHA1=6CBCE4A295C163791B60FC23D285E6D84F28EE4C,IMPHASH=741776AACCFC5B71FF59832DCDCACE0F",
      Role::kActor, "hashes");
  ASSERT_EQ(a.observables.size(), 1u);
  EXPECT_EQ(a.observables[0].type, ObservableType::kSha1);
}

}  // namespace
}  // namespace soc
