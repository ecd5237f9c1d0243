// The ECS / Elastic Security normalizer on the reference alerts, nested and flattened documents.
#include "parse/ecs_normalizer.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/time.hpp"
#include "parse_test_support.hpp"

namespace soc {
namespace {

using parse_test::contains;
using parse_test::describe;
using parse_test::find_text;
using parse_test::has_observable;
using parse_test::roles_of;

Result<Alert> ecs(const std::string& json) {
  return parse_test::normalize_with<EcsNormalizer>(json);
}

Alert ecs_file(const std::string& path) {
  auto alert = ecs(parse_test::read_text(path));
  EXPECT_TRUE(alert) << path << ": " << (alert ? "" : alert.error().message);
  return alert ? *alert : Alert{};
}

// --- The three reference scenarios (examples/*/alert.json) ---

TEST(EcsScenario1Phishing, IdentityTimeAndSeverity) {
  const Alert a = ecs_file(parse_test::example_file("scenario-1-phishing-attachment/alert.json"));
  EXPECT_EQ(a.format, SourceFormat::kEcs);
  EXPECT_EQ(a.id, "5b0f2c1e-9a47-4d8e-b1a3-6c2f0e9d7a11");
  EXPECT_EQ(a.rule_name, "Email gateway - Suspicious attachment detected");
  EXPECT_EQ(a.rule_id,
            "d7a3c9e2-4b1f-4f0a-9e6d-2c8b5a1f3e70");  // rule_id preferred over the rule uuid
  EXPECT_EQ(
      a.description.rfind("Email gateway - Suspicious attachment detected - hash: a3f2b7d4", 0),
      0u);
  EXPECT_EQ(a.timestamp, parse_time("2026-03-10T09:42:05Z"));
  EXPECT_EQ(a.source_severity, Severity::kHigh);
  EXPECT_EQ(a.categories, std::vector<std::string>{"email"});
  EXPECT_EQ(a.outcome, "");
  EXPECT_EQ(a.event_count, std::nullopt);
}

TEST(EcsScenario1Phishing, AttackMappingFromTheRuleThreat) {
  const Alert a = ecs_file(parse_test::example_file("scenario-1-phishing-attachment/alert.json"));
  EXPECT_EQ(a.technique_ids, (std::vector<std::string>{"T1566", "T1566.001"}));
  EXPECT_EQ(a.tactic_names, std::vector<std::string>{"initial-access"});
}

TEST(EcsScenario1Phishing, MailObservablesWithRoles) {
  const Alert a = ecs_file(parse_test::example_file("scenario-1-phishing-attachment/alert.json"));
  EXPECT_TRUE(
      has_observable(a, ObservableType::kEmail, "facture-urgent@doc-secure.xyz", Role::kSender))
      << describe(a);
  EXPECT_TRUE(
      has_observable(a, ObservableType::kEmail, "direction.financiere@corp.fr", Role::kRecipient))
      << describe(a);
  EXPECT_TRUE(has_observable(a, ObservableType::kSha256,
                             "a3f2b7d41c09e8f5b6a7c2d3e4f50617283940a1b2c3d4e5f60718293a4bc9e1",
                             Role::kAttachment))
      << describe(a);
  EXPECT_TRUE(has_observable(a, ObservableType::kFile, "Facture_2026-0347.xlsm", Role::kAttachment))
      << describe(a);
  EXPECT_EQ(parse_test::count_of_type(a, ObservableType::kHost), 0u) << describe(a);
  EXPECT_EQ(parse_test::count_of_type(a, ObservableType::kUser), 0u) << describe(a);
}

TEST(EcsScenario1Phishing, TextsForTheExtractor) {
  const Alert a = ecs_file(parse_test::example_file("scenario-1-phishing-attachment/alert.json"));
  const TextField* subject = find_text(a, "email.subject");
  ASSERT_NE(subject, nullptr);
  EXPECT_EQ(subject->text, "Relance : facture impayee n.2026-0347 - action requise sous 24h");
  const TextField* rule = find_text(a, "rule.name");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->text, a.rule_name);
  const TextField* description = find_text(a, "description");
  ASSERT_NE(description, nullptr);
  EXPECT_NE(description->text.find("facture-urgent@doc-secure.xyz"), std::string::npos);
}

TEST(EcsScenario2SshBruteForce, ThresholdAlertFields) {
  const Alert a = ecs_file(parse_test::example_file("scenario-2-ssh-brute-force/alert.json"));
  EXPECT_EQ(a.id, "9e1d4c7b-3a2f-4b8e-a6d5-1f0c9b8a7e62");
  EXPECT_EQ(a.rule_name, "Failed SSH login attempts > 50 in 5 min");
  EXPECT_EQ(a.timestamp, parse_time("2026-03-11T14:23:40Z"));
  EXPECT_EQ(a.source_severity, Severity::kMedium);
  EXPECT_EQ(a.event_count,
            57);  // kibana.alert.threshold_result.count: flattened key, nested object
  EXPECT_EQ(a.categories, std::vector<std::string>{"authentication"});
  EXPECT_EQ(a.outcome, "failure");
  EXPECT_TRUE(a.technique_ids.empty());
}

TEST(EcsScenario2SshBruteForce, AttackerSourceTargetHostAndTargetedAccount) {
  const Alert a = ecs_file(parse_test::example_file("scenario-2-ssh-brute-force/alert.json"));
  EXPECT_TRUE(has_observable(a, ObservableType::kIpv4, "185.220.101.34", Role::kSource))
      << describe(a);
  EXPECT_EQ(roles_of(a, ObservableType::kHost, "srv-web-prod-01"), std::vector<Role>{Role::kTarget})
      << describe(a);
  // An authentication from a remote source: the named account is the one under attack.
  EXPECT_EQ(roles_of(a, ObservableType::kUser, "root"), std::vector<Role>{Role::kTarget})
      << describe(a);
  EXPECT_TRUE(has_observable(a, ObservableType::kProcess, "sshd", Role::kActor)) << describe(a);
}

TEST(EcsScenario3LateralMovement, SourceWorkstationAndTargets) {
  const Alert a = ecs_file(parse_test::example_file("scenario-3-lateral-movement/alert.json"));
  EXPECT_EQ(a.rule_name, "Unusual SMB/RPC activity");
  EXPECT_EQ(a.source_severity, Severity::kHigh);
  EXPECT_EQ(a.timestamp, parse_time("2026-03-12T02:47:13Z"));
  // host.name equals source.address: the observing host is the source, never a target.
  EXPECT_EQ(roles_of(a, ObservableType::kHost, "wks-marketing-07"),
            std::vector<Role>{Role::kSource})
      << describe(a);
  EXPECT_TRUE(has_observable(a, ObservableType::kIpv4, "10.30.7.57", Role::kSource)) << describe(a);
  for (const char* target : {"srv-dc-01", "srv-file-01", "srv-sql-prod"})
    EXPECT_EQ(roles_of(a, ObservableType::kHost, target), std::vector<Role>{Role::kTarget})
        << target << "\n"
        << describe(a);
  for (const char* ip : {"10.10.1.10", "10.10.2.20", "10.10.3.30"})
    EXPECT_TRUE(has_observable(a, ObservableType::kIpv4, ip, Role::kRelated)) << ip;
}

TEST(EcsScenario3LateralMovement, AccountActsOutsideAuthentication) {
  const Alert a = ecs_file(parse_test::example_file("scenario-3-lateral-movement/alert.json"));
  EXPECT_TRUE(has_observable(a, ObservableType::kUser, "svc-backup", Role::kActor)) << describe(a);
  EXPECT_FALSE(has_observable(a, ObservableType::kUser, "svc-backup", Role::kTarget))
      << describe(a);
  EXPECT_TRUE(has_observable(a, ObservableType::kUser, "svc-backup", Role::kRelated))
      << describe(a);
}

// --- Nested fixture: RDP brute force followed by success ---

TEST(EcsNested, RuleTimeSeverityAndCounts) {
  const Alert a = ecs_file(parse_test::data_file("parse/ecs_nested_rdp_bruteforce.json"));
  EXPECT_EQ(a.id, "7f3c1a9e-52b4-4c61-9d0e-8a2b6c4f1e37");
  EXPECT_EQ(a.rule_name, "Multiple RDP logon failures followed by a success");
  EXPECT_EQ(a.rule_id, "4e5f8a1b-0c2d-4e3f-9a6b-7c8d9e0f1a2b");
  // kibana.alert.original_time (when it happened) wins over @timestamp (when the rule ran).
  EXPECT_EQ(a.timestamp, parse_time("2026-03-14T03:11:58Z"));
  EXPECT_EQ(a.source_severity, Severity::kHigh);
  EXPECT_EQ(a.event_count, 38);
  EXPECT_EQ(a.categories, std::vector<std::string>{"authentication"});  // lower-cased
  EXPECT_EQ(a.outcome, "success");
  EXPECT_EQ(a.description.rfind("authentication event with source 203.0.113.77", 0), 0u);
}

TEST(EcsNested, TechniquesWithSubtechniquesAndTacticShortNames) {
  const Alert a = ecs_file(parse_test::data_file("parse/ecs_nested_rdp_bruteforce.json"));
  ASSERT_GE(a.technique_ids.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(a.technique_ids.begin(), a.technique_ids.begin() + 4),
            (std::vector<std::string>{"T1110", "T1110.001", "T1110.003", "T1021"}));
  EXPECT_TRUE(contains(a.technique_ids, "T1021.001"));  // from the rule tag attack.t1021.001
  EXPECT_TRUE(contains(a.tactic_names, "credential-access"));
  EXPECT_TRUE(contains(a.tactic_names, "lateral-movement"));
  for (const auto& t : a.tactic_names)
    EXPECT_TRUE(t == "credential-access" || t == "lateral-movement") << t;
}

TEST(EcsNested, ObservablesAndRoles) {
  const Alert a = ecs_file(parse_test::data_file("parse/ecs_nested_rdp_bruteforce.json"));
  EXPECT_TRUE(has_observable(a, ObservableType::kIpv4, "203.0.113.77", Role::kSource))
      << describe(a);
  EXPECT_TRUE(has_observable(a, ObservableType::kIpv4, "10.10.2.20", Role::kDestination))
      << describe(a);
  EXPECT_EQ(roles_of(a, ObservableType::kHost, "srv-file-01"), std::vector<Role>{Role::kTarget})
      << describe(a);
  EXPECT_EQ(roles_of(a, ObservableType::kUser, "administrator"), std::vector<Role>{Role::kTarget})
      << describe(a);
  const Observable* ip = parse_test::find_observable(a, ObservableType::kIpv4, "203.0.113.77");
  ASSERT_NE(ip, nullptr);
  EXPECT_EQ(ip->field, "source.ip");
}

TEST(EcsNested, MessageAndDescriptionAreTexts) {
  const Alert a = ecs_file(parse_test::data_file("parse/ecs_nested_rdp_bruteforce.json"));
  ASSERT_NE(find_text(a, "message"), nullptr);
  EXPECT_NE(find_text(a, "message")->text.find("RemoteInteractive"), std::string::npos);
  ASSERT_NE(find_text(a, "description"), nullptr);
  ASSERT_NE(find_text(a, "rule.name"), nullptr);
}

// --- Flattened fixture: endpoint process alert ---

TEST(EcsFlattened, RuleAndTimeFromDottedKeys) {
  const Alert a = ecs_file(parse_test::data_file("parse/ecs_flattened_powershell.json"));
  EXPECT_EQ(a.id, "4d7e9a2b-6c1f-4e3d-8b5a-9f0e2d4c6a87");
  EXPECT_EQ(a.rule_name, "Suspicious PowerShell Encoded Command");
  EXPECT_EQ(a.rule_id, "b1c3e5a7-9d2f-4b6e-8a0c-4e6f8a0b2c59");  // no rule_id: the rule uuid
  EXPECT_EQ(a.timestamp, parse_time("2026-03-10T14:47:13Z"));
  EXPECT_EQ(a.description.rfind("process event with process powershell.exe", 0),
            0u);                                    // reason first
  EXPECT_EQ(a.source_severity, Severity::kMedium);  // no severity text: risk score 47 -> medium
  EXPECT_EQ(a.categories, std::vector<std::string>{"process"});
}

TEST(EcsFlattened, ThreatAndTags) {
  const Alert a = ecs_file(parse_test::data_file("parse/ecs_flattened_powershell.json"));
  EXPECT_TRUE(contains(a.technique_ids, "T1059"));
  EXPECT_TRUE(contains(a.technique_ids, "T1059.001"));
  EXPECT_TRUE(contains(a.technique_ids, "T1027"));  // tag attack.t1027
  EXPECT_TRUE(contains(a.tactic_names, "execution"));
  EXPECT_TRUE(contains(a.tactic_names, "defense-evasion"));  // tag attack.defense-evasion
  EXPECT_FALSE(contains(a.tactic_names, "tactic: execution"));
}

TEST(EcsFlattened, ProcessFileWebAndRegistryObservables) {
  const Alert a = ecs_file(parse_test::data_file("parse/ecs_flattened_powershell.json"));
  EXPECT_TRUE(has_observable(a, ObservableType::kHost, "wks-marketing-07", Role::kTarget))
      << describe(a);
  EXPECT_TRUE(has_observable(a, ObservableType::kUser, "a.martin", Role::kActor)) << describe(a);
  EXPECT_TRUE(has_observable(a, ObservableType::kProcess,
                             "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                             Role::kActor))
      << describe(a);
  // Hashes are lower-cased; paths and URLs keep their case.
  EXPECT_TRUE(has_observable(a, ObservableType::kSha256,
                             "de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c",
                             Role::kActor))
      << describe(a);
  EXPECT_TRUE(
      has_observable(a, ObservableType::kMd5, "9e107d9d372bb6826bd81d3542a419d6", Role::kRelated))
      << describe(a);
  EXPECT_TRUE(has_observable(a, ObservableType::kFile,
                             "C:\\Users\\a.martin\\Downloads\\Invoice_0347.docm", Role::kRelated))
      << describe(a);
  EXPECT_TRUE(has_observable(a, ObservableType::kUrl,
                             "http://cdn-update.example-bad.net/stage2.ps1", Role::kRelated))
      << describe(a);
  EXPECT_TRUE(
      has_observable(a, ObservableType::kDomain, "cdn-update.example-bad.net", Role::kRelated))
      << describe(a);
  // url.domain and dns.question.name name the same domain once lower-cased: one observable.
  EXPECT_EQ(roles_of(a, ObservableType::kDomain, "cdn-update.example-bad.net").size(), 1u)
      << describe(a);
  EXPECT_TRUE(has_observable(
      a, ObservableType::kRegistry,
      "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater",
      Role::kRelated))
      << describe(a);
}

TEST(EcsFlattened, CommandLinesAreTexts) {
  const Alert a = ecs_file(parse_test::data_file("parse/ecs_flattened_powershell.json"));
  ASSERT_NE(find_text(a, "process.command_line"), nullptr);
  EXPECT_NE(find_text(a, "process.command_line")->text.find("-enc SQBFAFgA"), std::string::npos);
  ASSERT_NE(find_text(a, "process.parent.command_line"), nullptr);
  EXPECT_NE(find_text(a, "process.parent.command_line")->text.find("Invoice_0347.docm"),
            std::string::npos);
}

// --- Focused documents ---

TEST(EcsNormalizer, OriginalTimePreferredOverTimestampAndFallback) {
  auto both = ecs(
      R"({"@timestamp":"2026-03-12T02:50:00Z","kibana.alert.original_time":"2026-03-12T02:47:13Z",
                      "kibana.alert.rule.name":"r"})");
  ASSERT_TRUE(both);
  EXPECT_EQ(both->timestamp, parse_time("2026-03-12T02:47:13Z"));
  auto only_timestamp =
      ecs(R"({"@timestamp":"2026-03-12T02:50:00Z","kibana.alert.rule.name":"r"})");
  ASSERT_TRUE(only_timestamp);
  EXPECT_EQ(only_timestamp->timestamp, parse_time("2026-03-12T02:50:00Z"));
  auto legacy =
      ecs(R"({"@timestamp":"2026-03-12T02:50:00Z","signal":{"original_time":"2026-03-12T01:00:00Z",
                        "rule":{"name":"legacy"}}})");
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->timestamp, parse_time("2026-03-12T01:00:00Z"));
  auto none = ecs(R"({"kibana.alert.rule.name":"r"})");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->timestamp, std::nullopt);
  auto garbage = ecs(R"({"kibana.alert.rule.name":"r","@timestamp":"yesterday"})");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->timestamp, std::nullopt);
}

TEST(EcsNormalizer, SeverityTextWinsOverRiskScore) {
  auto a = ecs(
      R"({"kibana.alert.rule.name":"r","kibana.alert.severity":"low","kibana.alert.risk_score":99})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->source_severity, Severity::kLow);
  auto rule_severity = ecs(R"({"kibana":{"alert":{"rule":{"name":"r","severity":"critical"}}}})");
  ASSERT_TRUE(rule_severity);
  EXPECT_EQ(rule_severity->source_severity, Severity::kCritical);
}

TEST(EcsNormalizer, SeverityFromRiskScoreBands) {
  struct Case {
    int score;
    Severity expected;
  };
  for (const Case& c :
       {Case{0, Severity::kLow}, Case{21, Severity::kLow}, Case{22, Severity::kMedium},
        Case{47, Severity::kMedium}, Case{48, Severity::kHigh}, Case{73, Severity::kHigh},
        Case{74, Severity::kCritical}, Case{100, Severity::kCritical}}) {
    EXPECT_EQ(severity_from_risk_score(c.score), c.expected) << c.score;
    auto a = ecs(R"({"kibana.alert.rule.name":"r","kibana.alert.risk_score":)" +
                 std::to_string(c.score) + "}");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->source_severity, c.expected) << c.score;
  }
}

TEST(EcsNormalizer, RiskScoreAsStringOrDoubleOrEventSeverity) {
  auto text = ecs(R"({"kibana.alert.rule.name":"r","kibana.alert.risk_score":"80"})");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->source_severity, Severity::kCritical);
  auto real = ecs(R"({"kibana.alert.rule.name":"r","kibana.alert.risk_score":47.9})");
  ASSERT_TRUE(real);
  EXPECT_EQ(real->source_severity, Severity::kMedium);
  auto event = ecs(R"({"kibana.alert.rule.name":"r","event":{"severity":50}})");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->source_severity, Severity::kHigh);
  auto none = ecs(R"({"kibana.alert.rule.name":"r"})");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->source_severity, std::nullopt);
}

TEST(EcsNormalizer, RuleNameFallbacksAndMissingName) {
  auto action = ecs(R"({"@timestamp":"2026-03-12T02:50:00Z","event":{"action":"user-login"}})");
  ASSERT_TRUE(action);
  EXPECT_EQ(action->rule_name, "user-login");
  auto message = ecs(R"({"message":"Accepted password for root"})");
  ASSERT_TRUE(message);
  EXPECT_EQ(message->rule_name, "Accepted password for root");
  auto nested_rule = ecs(R"({"rule":{"name":"Sysmon rule","id":"42"}})");
  ASSERT_TRUE(nested_rule);
  EXPECT_EQ(nested_rule->rule_name, "Sysmon rule");
  EXPECT_EQ(nested_rule->rule_id, "42");
  auto missing = ecs(
      R"({"@timestamp":"2026-03-12T02:50:00Z","ecs":{"version":"8.11.0"},"host":{"name":"h"}})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotAnAlert);
  auto empty_name = ecs(R"({"kibana.alert.rule.name":""})");
  ASSERT_FALSE(empty_name);
  EXPECT_EQ(empty_name.error().code, ErrorCode::kNotAnAlert);
}

TEST(EcsNormalizer, LegacySignalFormat) {
  auto a = ecs(
      R"({"@timestamp":"2021-06-01T10:00:00Z","signal":{"rule":{"name":"Legacy rule","rule_id":"legacy-1",
      "severity":"medium","threat":[{"tactic":{"name":"Privilege Escalation"},
      "technique":[{"id":"T1068","name":"Exploitation for Privilege Escalation"}]}]},
      "reason":"legacy reason"}})");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->rule_name, "Legacy rule");
  EXPECT_EQ(a->rule_id, "legacy-1");
  EXPECT_EQ(a->description, "legacy reason");
  EXPECT_EQ(a->source_severity, Severity::kMedium);
  EXPECT_EQ(a->technique_ids, std::vector<std::string>{"T1068"});
  EXPECT_EQ(a->tactic_names, std::vector<std::string>{"privilege-escalation"});
}

TEST(EcsNormalizer, ThreatAsASingleObjectAndTechniqueWithoutId) {
  auto a = ecs(R"({"kibana.alert.rule.name":"r","threat":{"tactic":{"name":"Command and Control"},
      "technique":{"id":"T1071","subtechnique":{"id":"T1071.001"}}},
      "kibana.alert.rule.threat":[{"tactic":{"name":"Impact"},"technique":[{"name":"no id here"}]}]})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->technique_ids, (std::vector<std::string>{"T1071", "T1071.001"}));
  EXPECT_TRUE(contains(a->tactic_names, "command-and-control"));
  EXPECT_TRUE(contains(a->tactic_names, "impact"));
}

TEST(EcsNormalizer, AttackTagsFromRuleTagsAndTopLevelTags) {
  auto a = ecs(R"({"kibana.alert.rule.name":"r",
      "kibana.alert.rule.tags":["Domain: Endpoint","attack.t1059.001","attack.execution","attack.g0016"],
      "tags":["T1027","attack.lateral_movement","beta"]})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->technique_ids, (std::vector<std::string>{"T1059.001", "T1027"}));
  EXPECT_EQ(a->tactic_names, (std::vector<std::string>{"execution", "lateral-movement"}));
}

TEST(EcsNormalizer, HostEqualToSourceAddressIsTheSourceCaseInsensitively) {
  auto a = ecs(
      R"({"kibana.alert.rule.name":"r","source":{"address":"wks-07"},"host":{"name":"WKS-07"}})");
  ASSERT_TRUE(a);
  EXPECT_EQ(roles_of(*a, ObservableType::kHost, "wks-07"), std::vector<Role>{Role::kSource})
      << describe(*a);
  auto other = ecs(
      R"({"kibana.alert.rule.name":"r","source":{"address":"wks-08"},"host":{"name":"WKS-07"}})");
  ASSERT_TRUE(other);
  EXPECT_EQ(roles_of(*other, ObservableType::kHost, "wks-07"), std::vector<Role>{Role::kTarget})
      << describe(*other);
  EXPECT_EQ(roles_of(*other, ObservableType::kHost, "wks-08"), std::vector<Role>{Role::kSource})
      << describe(*other);
}

TEST(EcsNormalizer, HostNameFallsBackToAgentName) {
  auto a = ecs(R"({"kibana.alert.rule.name":"r","agent":{"name":"Sensor-9"}})");
  ASSERT_TRUE(a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kHost, "sensor-9", Role::kTarget)) << describe(*a);
}

TEST(EcsNormalizer, UserRoleDependsOnAuthenticationAndRemoteSource) {
  auto remote_auth = ecs(R"({"kibana.alert.rule.name":"r","event":{"category":["authentication"]},
      "source":{"ip":"198.51.100.7"},"user":{"name":"Alice"}})");
  ASSERT_TRUE(remote_auth);
  EXPECT_EQ(roles_of(*remote_auth, ObservableType::kUser, "alice"),
            std::vector<Role>{Role::kTarget});
  auto local_auth = ecs(
      R"({"kibana.alert.rule.name":"r","event":{"category":"authentication"},"user":{"name":"alice"}})");
  ASSERT_TRUE(local_auth);
  EXPECT_EQ(roles_of(*local_auth, ObservableType::kUser, "alice"), std::vector<Role>{Role::kActor});
  auto process = ecs(R"({"kibana.alert.rule.name":"r","event":{"category":["process"]},
      "source":{"ip":"198.51.100.7"},"user":{"name":"alice","target":{"name":"Bob"}}})");
  ASSERT_TRUE(process);
  EXPECT_EQ(roles_of(*process, ObservableType::kUser, "alice"), std::vector<Role>{Role::kActor});
  EXPECT_EQ(roles_of(*process, ObservableType::kUser, "bob"), std::vector<Role>{Role::kTarget});
}

TEST(EcsNormalizer, RelatedHostsAreTargetsAndIpsAmongThemStayIps) {
  auto a =
      ecs(R"({"kibana.alert.rule.name":"r","host":{"name":"WKS-1"},"source":{"address":"WKS-1"},
      "related":{"hosts":["WKS-1","SRV-DC-01","10.10.1.10","srv-dc-01"],"ip":["10.30.7.57"],"user":["x"]}})");
  ASSERT_TRUE(a);
  EXPECT_EQ(roles_of(*a, ObservableType::kHost, "srv-dc-01"), std::vector<Role>{Role::kTarget})
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "10.10.1.10", Role::kTarget))
      << describe(*a);
  EXPECT_FALSE(has_observable(*a, ObservableType::kHost, "wks-1", Role::kTarget)) << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "10.30.7.57", Role::kRelated));
  EXPECT_TRUE(has_observable(*a, ObservableType::kUser, "x", Role::kRelated));
}

TEST(EcsNormalizer, DestinationsByIpAddressAndDomain) {
  auto a =
      ecs(R"({"kibana.alert.rule.name":"r","destination":{"ip":"2001:DB8::1","address":"10.0.0.9",
      "domain":"Exfil.Example.org"},"server":{"ip":"192.0.2.10"},"client":{"ip":"192.0.2.11"}})");
  ASSERT_TRUE(a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv6, "2001:db8::1", Role::kDestination))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "10.0.0.9", Role::kDestination))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kDomain, "exfil.example.org", Role::kDestination))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "192.0.2.10", Role::kDestination))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kIpv4, "192.0.2.11", Role::kSource))
      << describe(*a);
}

TEST(EcsNormalizer, EmailSendersRecipientsCcAndAttachments) {
  auto a = ecs(R"({"kibana.alert.rule.name":"r","email":{
      "from":{"address":"Billing@Vendor.example"},"sender":{"address":"bounce@mailer.example"},
      "to":{"address":["ceo@corp.fr","cfo@corp.fr"]},"cc":{"address":"assistant@corp.fr"},
      "attachments":[{"file":{"name":"a.zip","hash":{"md5":"44D88612FEA8A8F36DE82E1278ABB02F"}}},
                     {"file":{"name":"b.pdf","hash":{"sha1":"3395856CE81F2B7382DEE72602F798B642F14140"}}}]},
      "file":{"name":"top.docm","hash":{"sha256":"0E5F261CB5E0536508987868A22780338DB2B77E7DBAB487A82C5164AC056973"}}})");
  ASSERT_TRUE(a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kEmail, "billing@vendor.example", Role::kSender))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kEmail, "bounce@mailer.example", Role::kSender));
  for (const char* r : {"ceo@corp.fr", "cfo@corp.fr", "assistant@corp.fr"})
    EXPECT_TRUE(has_observable(*a, ObservableType::kEmail, r, Role::kRecipient)) << r;
  EXPECT_TRUE(has_observable(*a, ObservableType::kMd5, "44d88612fea8a8f36de82e1278abb02f",
                             Role::kAttachment));
  EXPECT_TRUE(has_observable(*a, ObservableType::kSha1, "3395856ce81f2b7382dee72602f798b642f14140",
                             Role::kAttachment));
  EXPECT_TRUE(has_observable(*a, ObservableType::kFile, "a.zip", Role::kAttachment));
  EXPECT_TRUE(has_observable(*a, ObservableType::kFile, "b.pdf", Role::kAttachment));
  // In a mail alert the top-level file is the attachment too.
  EXPECT_TRUE(has_observable(*a, ObservableType::kSha256,
                             "0e5f261cb5e0536508987868a22780338db2b77e7dbab487a82c5164ac056973",
                             Role::kAttachment))
      << describe(*a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kFile, "top.docm", Role::kAttachment));
}

TEST(EcsNormalizer, FileOutsideMailIsRelated) {
  auto a = ecs(R"({"kibana.alert.rule.name":"r","file":{"path":"/tmp/x.sh","name":"x.sh",
      "hash":{"sha512":"AB"}}, "dll":{"hash":{"sha1":"3395856ce81f2b7382dee72602f798b642f14140"}}})");
  ASSERT_TRUE(a);
  EXPECT_TRUE(has_observable(*a, ObservableType::kFile, "/tmp/x.sh", Role::kRelated))
      << describe(*a);
  EXPECT_FALSE(
      has_observable(*a, ObservableType::kFile, "x.sh", Role::kRelated));  // path preferred
  EXPECT_TRUE(has_observable(*a, ObservableType::kSha512, "ab", Role::kRelated));
  EXPECT_TRUE(has_observable(*a, ObservableType::kSha1, "3395856ce81f2b7382dee72602f798b642f14140",
                             Role::kRelated));
}

TEST(EcsNormalizer, EmptyAndDashValuesAreNotObservables) {
  auto a = ecs(
      R"({"kibana.alert.rule.name":"r","source":{"ip":"-"},"user":{"name":"  "},"host":{"name":""},
      "destination":{"ip":null}})");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->observables.empty()) << describe(*a);
}

TEST(EcsNormalizer, DescriptionEqualToRuleNameIsNotRepeated) {
  auto a = ecs(R"({"kibana.alert.rule.name":"Same text","kibana.alert.reason":"Same text"})");
  ASSERT_TRUE(a);
  EXPECT_EQ(find_text(*a, "description"), nullptr);
  ASSERT_NE(find_text(*a, "rule.name"), nullptr);
}

TEST(EcsNormalizer, DetectConfidence) {
  using parse_test::detect_with;
  EXPECT_EQ(detect_with<EcsNormalizer>(R"({"kibana.alert.rule.name":"r"})"), 95);
  EXPECT_EQ(detect_with<EcsNormalizer>(R"({"kibana":{"alert":{"uuid":"x"}}})"), 95);
  EXPECT_EQ(detect_with<EcsNormalizer>(R"({"signal":{"rule":{"name":"r"}}})"), 95);
  EXPECT_EQ(detect_with<EcsNormalizer>(R"({"@timestamp":"t","ecs":{"version":"8"}})"), 70);
  EXPECT_EQ(detect_with<EcsNormalizer>(
                R"({"@timestamp":"t","ecs.version":"8","event":{"kind":"event"}})"),
            100);
  EXPECT_EQ(detect_with<EcsNormalizer>(R"({"@timestamp":"t","event.category":"network"})"), 60);
  EXPECT_EQ(detect_with<EcsNormalizer>(R"({"@timestamp":"t"})"), 0);
  EXPECT_EQ(detect_with<EcsNormalizer>(R"({"title":"x"})"), 0);
  EXPECT_EQ(detect_with<EcsNormalizer>(R"([1,2])"), 0);
}

}  // namespace
}  // namespace soc
