// Tests of the ATT&CK catalog: the shipped techniques.tsv, tactic order, and load errors.
#include "attack/catalog.hpp"

#include <gtest/gtest.h>

#include "test_paths.hpp"

namespace soc {
namespace {

using attack_test::catalog_path;
using attack_test::ScratchDir;

std::shared_ptr<const AttackCatalog> shipped_catalog() {
  static const auto catalog = [] {
    auto loaded = AttackCatalog::load(catalog_path());
    EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().message);
    return loaded ? *loaded : nullptr;
  }();
  return catalog;
}

TEST(AttackCatalog, LoadsTheShippedCatalog) {
  const auto catalog = shipped_catalog();
  ASSERT_NE(catalog, nullptr);
  // ATT&CK v18 Enterprise has about 200 techniques and 490 sub-techniques that are live.
  EXPECT_GT(catalog->size(), 600U);
  EXPECT_LT(catalog->size(), 900U);

  const Technique* attachment = catalog->find("T1566.001");
  ASSERT_NE(attachment, nullptr);
  EXPECT_EQ(attachment->id, "T1566.001");
  EXPECT_EQ(attachment->name, "Phishing: Spearphishing Attachment");
  EXPECT_EQ(attachment->tactics, std::vector<std::string>{"initial-access"});
  EXPECT_GT(attachment->group_count, 0);

  const Technique* powershell = catalog->find("T1059.001");
  ASSERT_NE(powershell, nullptr);
  EXPECT_EQ(powershell->name, "Command and Scripting Interpreter: PowerShell");
  EXPECT_EQ(powershell->tactics, std::vector<std::string>{"execution"});
}

TEST(AttackCatalog, FindIsCaseInsensitiveButStrict) {
  const auto catalog = shipped_catalog();
  ASSERT_NE(catalog, nullptr);
  EXPECT_EQ(catalog->find("t1059.001"), catalog->find("T1059.001"));
  EXPECT_NE(catalog->find("T1059"), nullptr);
  EXPECT_EQ(catalog->find("T9999"), nullptr);
  EXPECT_EQ(catalog->find("T1059.999"), nullptr);
  EXPECT_EQ(catalog->find("attack.t1059.001"), nullptr);  // tags are the mapper's business
  EXPECT_EQ(catalog->find("T1059.1"), nullptr);
  EXPECT_EQ(catalog->find(""), nullptr);
}

TEST(AttackCatalog, RowsKeepTheGeneratorInvariants) {
  const auto catalog = shipped_catalog();
  ASSERT_NE(catalog, nullptr);
  for (const Technique& technique : catalog->techniques()) {
    ASSERT_FALSE(technique.tactics.empty()) << technique.id;
    for (std::size_t i = 1; i < technique.tactics.size(); ++i)
      EXPECT_LT(AttackCatalog::tactic_order(technique.tactics[i - 1]),
                AttackCatalog::tactic_order(technique.tactics[i]))
          << technique.id;
    const auto dot = technique.id.find('.');
    if (dot == std::string::npos) continue;
    const Technique* parent = catalog->find(technique.id.substr(0, dot));
    ASSERT_NE(parent, nullptr) << technique.id;
    EXPECT_TRUE(technique.name.starts_with(parent->name + ": ")) << technique.name;
    // A parent counts the groups of its sub-techniques, so it never has fewer.
    EXPECT_GE(parent->group_count, technique.group_count) << technique.id;
  }
  const Technique* valid_accounts = catalog->find("T1078");
  ASSERT_NE(valid_accounts, nullptr);
  EXPECT_EQ(valid_accounts->tactics,
            (std::vector<std::string>{"initial-access", "persistence", "privilege-escalation",
                                      "defense-evasion"}));
}

TEST(AttackCatalog, RevokedIdsLeadToTheirReplacement) {
  const auto catalog = shipped_catalog();
  ASSERT_NE(catalog, nullptr);
  EXPECT_EQ(catalog->find("T1086"), nullptr);
  const Technique* replacement = catalog->find_replacement("T1086");
  ASSERT_NE(replacement, nullptr);
  EXPECT_EQ(replacement->id, "T1059.001");
  ASSERT_NE(catalog->find_replacement("t1193"), nullptr);
  EXPECT_EQ(catalog->find_replacement("t1193")->id, "T1566.001");
  EXPECT_EQ(catalog->find_replacement("T1059.001"), nullptr);  // live ids are not revoked
}

TEST(AttackCatalog, TacticOrderIsTheKillChain) {
  const std::vector<std::string_view> expected = {"reconnaissance",  "resource-development",
                                                  "initial-access",  "execution",
                                                  "persistence",     "privilege-escalation",
                                                  "defense-evasion", "credential-access",
                                                  "discovery",       "lateral-movement",
                                                  "collection",      "command-and-control",
                                                  "exfiltration",    "impact"};
  ASSERT_EQ(AttackCatalog::tactics().size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(AttackCatalog::tactics()[i], expected[i]);
    EXPECT_EQ(AttackCatalog::tactic_order(expected[i]), static_cast<int>(i));
  }
  EXPECT_EQ(AttackCatalog::tactic_order("Execution"), -1);  // short names only
  EXPECT_EQ(AttackCatalog::tactic_order("stealth"), -1);
  EXPECT_EQ(AttackCatalog::tactic_order(""), -1);
}

TEST(AttackCatalog, CanonicalTacticAcceptsTheSpellingsSourcesUse) {
  EXPECT_EQ(AttackCatalog::canonical_tactic("Lateral Movement"), "lateral-movement");
  EXPECT_EQ(AttackCatalog::canonical_tactic("lateral_movement"), "lateral-movement");
  EXPECT_EQ(AttackCatalog::canonical_tactic("attack.credential-access"), "credential-access");
  EXPECT_EQ(AttackCatalog::canonical_tactic(" TA0008 "), "lateral-movement");
  EXPECT_EQ(AttackCatalog::canonical_tactic("ta0043"), "reconnaissance");
  EXPECT_EQ(AttackCatalog::canonical_tactic("TA0011"), "command-and-control");
  EXPECT_EQ(AttackCatalog::canonical_tactic("Command and Control"), "command-and-control");
  EXPECT_EQ(AttackCatalog::canonical_tactic("TA9999"), "");
  EXPECT_EQ(AttackCatalog::canonical_tactic("bogus"), "");
  EXPECT_EQ(AttackCatalog::canonical_tactic(std::string(200, 'x')), "");
}

TEST(AttackCatalog, ToStringOfMappingSourceMatchesTheDecisionSchema) {
  EXPECT_EQ(to_string(MappingSource::kRule), "rule");
  EXPECT_EQ(to_string(MappingSource::kKnowledge), "knowledge");
  EXPECT_EQ(to_string(MappingSource::kLlm), "llm");
  EXPECT_EQ(to_string(MappingSource::kCorrelation), "correlation");
}

constexpr const char* kHeader = "id\tname\ttactics\tgroup_count\n";

TEST(AttackCatalog, LoadsAMinimalCatalogWithoutRevokedFile) {
  ScratchDir dir("minimal");
  const auto path =
      dir.write("techniques.tsv", std::string(kHeader) +
                                      "T1059\tCommand\texecution\t3\r\n"
                                      "T1059.001\tCommand: PowerShell\texecution\t2\n");
  auto catalog = AttackCatalog::load(path);
  ASSERT_TRUE(catalog.has_value()) << catalog.error().message;
  EXPECT_EQ((*catalog)->size(), 2U);
  EXPECT_EQ((*catalog)->find("T1059")->group_count, 3);
  EXPECT_EQ((*catalog)->find_replacement("T1086"), nullptr);
}

TEST(AttackCatalog, RejectsMalformedFiles) {
  struct Case {
    const char* name;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"no header", "T1059\tCommand\texecution\t3\n"},
      {"empty", std::string(kHeader)},
      {"three columns", std::string(kHeader) + "T1059\tCommand\texecution\n"},
      {"bad id", std::string(kHeader) + "X1059\tCommand\texecution\t3\n"},
      {"lower-case id", std::string(kHeader) + "t1059\tCommand\texecution\t3\n"},
      {"unknown tactic", std::string(kHeader) + "T1059\tCommand\tstealth\t3\n"},
      {"tactics out of order",
       std::string(kHeader) + "T1078\tValid\tpersistence;initial-access\t3\n"},
      {"bad count", std::string(kHeader) + "T1059\tCommand\texecution\tmany\n"},
      {"negative count", std::string(kHeader) + "T1059\tCommand\texecution\t-1\n"},
      {"duplicate", std::string(kHeader) + "T1059\tA\texecution\t1\nT1059\tB\texecution\t1\n"},
      {"orphan sub-technique", std::string(kHeader) + "T1059.001\tA: B\texecution\t1\n"},
  };
  for (const Case& c : cases) {
    ScratchDir dir("malformed");
    auto catalog = AttackCatalog::load(dir.write("techniques.tsv", c.text));
    ASSERT_FALSE(catalog.has_value()) << c.name;
    EXPECT_EQ(catalog.error().code, ErrorCode::kParseError) << c.name;
  }
}

TEST(AttackCatalog, RejectsARevokedFileThatPointsNowhere) {
  ScratchDir dir("revoked");
  const auto path = dir.write("techniques.tsv", std::string(kHeader) + "T1059\tA\texecution\t1\n");
  dir.write("revoked.tsv", "old_id\tnew_id\nT1086\tT1059.001\n");
  auto catalog = AttackCatalog::load(path);
  ASSERT_FALSE(catalog.has_value());
  EXPECT_NE(catalog.error().message.find("revoked.tsv:2"), std::string::npos);
}

TEST(AttackCatalog, MissingFileIsNotFound) {
  auto catalog = AttackCatalog::load("/nonexistent/techniques.tsv");
  ASSERT_FALSE(catalog.has_value());
  EXPECT_EQ(catalog.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace soc
