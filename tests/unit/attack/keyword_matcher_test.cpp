// Tests of the keyword rule engine: word boundaries, phrases, plurals, prefixes, '!' slots.
#include "attack/keyword_matcher.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "attack/catalog.hpp"
#include "test_paths.hpp"

namespace soc {
namespace {

const AttackCatalog& catalog() {
  static const auto loaded = AttackCatalog::load(attack_test::catalog_path());
  EXPECT_TRUE(loaded.has_value());
  return **loaded;
}

KeywordMatcher parse(const std::string& rows) {
  auto matcher =
      KeywordMatcher::parse("keywords\ttechniques\tnote\n" + rows, catalog(), "inline.tsv");
  EXPECT_TRUE(matcher.has_value()) << (matcher ? "" : matcher.error().message);
  return matcher ? std::move(*matcher) : KeywordMatcher{};
}

std::vector<std::size_t> satisfied(const KeywordMatcher& matcher, std::string_view text,
                                   std::string_view second_text = "") {
  KeywordMatcher::Hits hits;
  matcher.scan(text, hits);
  matcher.scan(second_text, hits);
  std::vector<std::size_t> rules;
  matcher.for_each_satisfied(hits, [&](std::size_t rule) { rules.push_back(rule); });
  return rules;
}

using Rules = std::vector<std::size_t>;

TEST(KeywordMatcher, WholeWordsCaseInsensitive) {
  const auto matcher = parse("powershell\tT1059.001\tn\n");
  EXPECT_EQ(satisfied(matcher, "Suspicious POWERSHELL run"), Rules{0});
  EXPECT_EQ(satisfied(matcher, "powershell.exe -nop"), Rules{0});
  EXPECT_EQ(satisfied(matcher, "PowerShellGet updated"), Rules{});
  EXPECT_EQ(satisfied(matcher, "winpowershell"), Rules{});
  EXPECT_EQ(satisfied(matcher, ""), Rules{});
}

TEST(KeywordMatcher, PhrasesNeedAdjacentWordsAcrossAnySeparator) {
  const auto matcher = parse("brute force\tT1110\tn\n");
  EXPECT_EQ(satisfied(matcher, "SSH brute force"), Rules{0});
  EXPECT_EQ(satisfied(matcher, "ssh_brute-force"), Rules{0});
  EXPECT_EQ(satisfied(matcher, "brute   //  force"), Rules{0});
  EXPECT_EQ(satisfied(matcher, "brute attack force"), Rules{});
  EXPECT_EQ(satisfied(matcher, "force brute"), Rules{});
  EXPECT_EQ(satisfied(matcher, "brute", "force"), Rules{});  // not across two texts
}

TEST(KeywordMatcher, PluralsAndPrefixes) {
  const auto matcher = parse(
      "failed login\tT1110\tn\n"
      "shadow cop*;delet*\tT1490\tn\n"
      "process\tT1055\tn\n");
  EXPECT_EQ(satisfied(matcher, "Failed logins"), Rules{0});
  EXPECT_EQ(satisfied(matcher, "failed LOGIN"), Rules{0});
  EXPECT_EQ(satisfied(matcher, "failed loginx"), Rules{});
  EXPECT_EQ(satisfied(matcher, "Shadow copies deleted"), Rules{1});
  EXPECT_EQ(satisfied(matcher, "shadow copy deletion"), Rules{1});
  EXPECT_EQ(satisfied(matcher, "shadow cop deleting"), Rules{1});
  EXPECT_EQ(satisfied(matcher, "shadow co deleted"), Rules{});
  EXPECT_EQ(satisfied(matcher, "processes"), Rules{2});
  EXPECT_EQ(satisfied(matcher, "processing"), Rules{});
}

TEST(KeywordMatcher, AllSlotsMustHoldAndNegatedSlotsMustNot) {
  const auto matcher = parse(
      "ssh;failed|brute force\tT1110.001\tn\n"
      "rpc;!smb|psexec\tT1021.003\tn\n");
  EXPECT_EQ(satisfied(matcher, "Failed SSH login"), Rules{0});
  EXPECT_EQ(satisfied(matcher, "SSH brute force"), Rules{0});
  EXPECT_EQ(satisfied(matcher, "SSH session opened"), Rules{});
  EXPECT_EQ(satisfied(matcher, "failed", "ssh"), Rules{0});  // slots may span texts
  EXPECT_EQ(satisfied(matcher, "Unusual RPC activity"), Rules{1});
  EXPECT_EQ(satisfied(matcher, "Unusual SMB/RPC activity"), Rules{});
  EXPECT_EQ(satisfied(matcher, "rpc", "via psexec"), Rules{});
}

TEST(KeywordMatcher, EvidenceNamesTheFirstAlternativeFoundPerSlot) {
  const auto matcher = parse("ssh;brute force|failed|failure\tT1110.001\tn\n");
  KeywordMatcher::Hits hits;
  matcher.scan("SSH authentication failure, failed again", hits);
  EXPECT_EQ(matcher.evidence(0, hits), "keywords 'ssh','failed'");
  ASSERT_EQ(matcher.techniques(0).size(), 1U);
  EXPECT_EQ(matcher.techniques(0)[0]->id, "T1110.001");
}

TEST(KeywordMatcher, RulesComeOutInFileOrderAndShareWords) {
  const auto matcher = parse(
      "ssh;failed\tT1110.001\tn\n"
      "# a comment\n"
      "\n"
      "failed;login|logon\tT1110\tn\n"
      "ssh;lateral*\tT1021.004\tn\n");
  EXPECT_EQ(matcher.rule_count(), 3U);
  EXPECT_EQ(satisfied(matcher, "Failed SSH login"), (Rules{0, 1}));
  EXPECT_EQ(satisfied(matcher, "SSH lateral movement"), Rules{2});
}

TEST(KeywordMatcher, LongAndHostileTextStaysBounded) {
  const auto matcher = parse("brute force\tT1110\tn\npassword spray*\tT1110.003\tn\n");
  const std::string long_token(100000, 'a');
  EXPECT_EQ(satisfied(matcher, long_token + " brute force"), Rules{});  // past the scan limit
  EXPECT_EQ(satisfied(matcher, std::string(60, 'b') + " brute force"), Rules{0});
  EXPECT_EQ(satisfied(matcher, "password spray" + std::string(60, 'y')), Rules{1});
  std::string repeated;
  for (int i = 0; i < 2000; ++i) repeated += "brute ";
  repeated += "force";
  EXPECT_EQ(satisfied(matcher, repeated), Rules{});  // the phrase lies past the scan limit
  EXPECT_EQ(satisfied(matcher, repeated.substr(repeated.size() - 100)), Rules{0});
}

TEST(KeywordMatcher, NonAsciiLettersBelongToWordsAndUnicodeSpacesSeparate) {
  const auto matcher = parse("brute force\tT1110\tn\nssh;failed\tT1110.001\tn\n");
  EXPECT_EQ(satisfied(matcher, "\xff\xfe brute\xc3\xa9 force", "caf\xc3\xa9"), Rules{});
  EXPECT_EQ(satisfied(matcher, "\xc3\xa9ssh failed"), Rules{});
  EXPECT_EQ(satisfied(matcher,
                      "brute\xc2\xa0"
                      "force"),
            Rules{0});  // no-break space
  EXPECT_EQ(satisfied(matcher,
                      "SSH\xe2\x80\x94"
                      "failed"),
            Rules{1});                                            // em dash
  EXPECT_EQ(satisfied(matcher, "brute force\xe2\x80"), Rules{});  // truncated: part of the word
  EXPECT_EQ(satisfied(matcher, std::string("brute\0force", 11)), Rules{0});
}

TEST(KeywordMatcher, RejectsBadRules) {
  const std::vector<std::string> bad = {
      "ssh\tT1021.004\n",               // two columns
      "ssh\tT1021.004\t\n",             // no note
      "!ssh\tT1021.004\tn\n",           // nothing must appear
      "ss-h\tT1021.004\tn\n",           // not letters and digits
      "ssh;\tT1021.004\tn\n",           // empty slot
      "ssh|\tT1021.004\tn\n",           // empty alternative
      "*\tT1021.004\tn\n",              // a bare star
      "ssh\tT1021.4\tn\n",              // malformed id
      "ssh\tT9999\tn\n",                // unknown id
      "a b c d e f g h i\tT1046\tn\n",  // too many words in a phrase
  };
  for (const std::string& rows : bad) {
    auto matcher =
        KeywordMatcher::parse("keywords\ttechniques\tnote\n" + rows, catalog(), "inline.tsv");
    EXPECT_FALSE(matcher.has_value()) << rows;
  }
}

}  // namespace
}  // namespace soc
