// ATT&CK tag parsing: technique ids and tactic short names as sources spell them.
#include "parse/tags.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace soc {
namespace {

TEST(NormalizeTechniqueId, AcceptedSpellings) {
  EXPECT_EQ(normalize_technique_id("T1059"), "T1059");
  EXPECT_EQ(normalize_technique_id("t1059"), "T1059");
  EXPECT_EQ(normalize_technique_id("T1059.001"), "T1059.001");
  EXPECT_EQ(normalize_technique_id("t1059.001"), "T1059.001");
  EXPECT_EQ(normalize_technique_id("attack.t1059.001"), "T1059.001");
  EXPECT_EQ(normalize_technique_id("ATTACK.T1566"), "T1566");
  EXPECT_EQ(normalize_technique_id("T1059/001"), "T1059.001");
  EXPECT_EQ(normalize_technique_id("  T1021.002 "), "T1021.002");
}

TEST(NormalizeTechniqueId, RejectedSpellings) {
  for (const char* tag : {"", "T", "T105", "T10590", "T1059.1", "T1059.0001", "T1059-001",
                          "T1059.00a", "TA0001", "attack.execution", "attack.g0016", "attack.s0154",
                          "X1059", "1059", "T1O59", "T1059.001x", "Tactic: Execution", "attack."})
    EXPECT_EQ(normalize_technique_id(tag), "") << tag;
}

TEST(TacticShortName, Variants) {
  EXPECT_EQ(tactic_short_name("Lateral Movement"), "lateral-movement");
  EXPECT_EQ(tactic_short_name("lateral_movement"), "lateral-movement");
  EXPECT_EQ(tactic_short_name("LateralMovement"), "lateral-movement");
  EXPECT_EQ(tactic_short_name("lateral-movement"), "lateral-movement");
  EXPECT_EQ(tactic_short_name("LATERAL MOVEMENT"), "lateral-movement");
  EXPECT_EQ(tactic_short_name("  Lateral   Movement  "), "lateral-movement");
  EXPECT_EQ(tactic_short_name("Execution"), "execution");
  EXPECT_EQ(tactic_short_name("Privilege Escalation"), "privilege-escalation");
  EXPECT_EQ(tactic_short_name("DefenseEvasion"), "defense-evasion");
  EXPECT_EQ(tactic_short_name("resource_development"), "resource-development");
}

TEST(TacticShortName, CommandAndControlSpellings) {
  EXPECT_EQ(tactic_short_name("command-and-control"), "command-and-control");
  EXPECT_EQ(tactic_short_name("Command and Control"), "command-and-control");
  EXPECT_EQ(tactic_short_name("CommandAndControl"), "command-and-control");
  EXPECT_EQ(tactic_short_name("command_and_control"), "command-and-control");
  EXPECT_EQ(tactic_short_name("Command Control"), "command-and-control");
  EXPECT_EQ(tactic_short_name("command-control"), "command-and-control");
}

TEST(AddAttackTags, TechniquesAndKnownTacticsOnly) {
  Alert alert;
  add_attack_tags(
      alert, {"attack.t1566.001", "T1204.002", "attack.initial_access", "attack.Execution",
              "attack.command-and-control", "attack.g0016", "attack.s0154", "attack.not-a-tactic",
              "initial_access", "Phishing", "cve.2021-44228"});
  EXPECT_EQ(alert.technique_ids, (std::vector<std::string>{"T1566.001", "T1204.002"}));
  EXPECT_EQ(alert.tactic_names,
            (std::vector<std::string>{"initial-access", "execution", "command-and-control"}));
}

TEST(AddAttackTags, EveryAttackTacticIsRecognised) {
  Alert alert;
  const std::vector<std::string> tactics{"reconnaissance",  "resource_development",
                                         "initial_access",  "execution",
                                         "persistence",     "privilege_escalation",
                                         "defense_evasion", "credential_access",
                                         "discovery",       "lateral_movement",
                                         "collection",      "command_and_control",
                                         "exfiltration",    "impact"};
  std::vector<std::string> tags;
  for (const auto& t : tactics) tags.push_back("attack." + t);
  add_attack_tags(alert, tags);
  EXPECT_EQ(alert.tactic_names.size(), tactics.size());
  EXPECT_TRUE(alert.technique_ids.empty());
}

TEST(AddAttackTags, AppendsToWhatTheAlertHas) {
  Alert alert;
  alert.technique_ids = {"T1110"};
  alert.tactic_names = {"credential-access"};
  add_attack_tags(alert, {"attack.t1110.003", "attack.discovery"});
  EXPECT_EQ(alert.technique_ids, (std::vector<std::string>{"T1110", "T1110.003"}));
  EXPECT_EQ(alert.tactic_names, (std::vector<std::string>{"credential-access", "discovery"}));
}

}  // namespace
}  // namespace soc
