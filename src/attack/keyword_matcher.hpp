// Keyword rules over alert text (data/knowledge/keywords.tsv), matched in one linear pass.
//
// A rule is a list of slots that must all hold; a slot lists alternative phrases and holds when
// one of them appears in the text (or, for a '!' slot, when none does). Text is read as words:
// runs of ASCII letters and digits (non-ASCII letters belong to the word, so an accented word
// matches no keyword; non-ASCII spaces and dashes separate); a phrase is a sequence of words that
// must follow each other. Each phrase word matches a whole text word, that word plus "s" or "es",
// or, when written with a trailing '*', any text word it begins.
//
// Cost: one pass over the text hashing each word once (the hash is extended a character at a
// time, so prefixes and plural stems cost no rehash), one or a few open-addressing probes per
// word, then work proportional to the words that matched. No regex, no backtracking, nothing
// allocated while matching: about 2.5 ns per byte of text.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace soc {

class AttackCatalog;
struct Technique;

class KeywordMatcher {
 public:
  static constexpr std::size_t kMaxPhrases = 2048;
  static constexpr std::size_t kMaxRules = 1024;
  static constexpr std::size_t kMaxPhraseWords = 8;
  static constexpr std::size_t kMaxWordLength = 48;
  // Only this much of each text is read, which bounds the cost of pathological descriptions.
  static constexpr std::size_t kMaxScanBytes = 8192;

  // What a scan found: the phrases seen and the rules that may now hold. Lives on the stack.
  class Hits {
   public:
    bool has_phrase(std::uint32_t phrase) const {
      return (phrases_[phrase / 64] >> (phrase % 64)) & 1U;
    }
    bool empty() const { return !any_; }

   private:
    friend class KeywordMatcher;
    std::array<std::uint64_t, kMaxPhrases / 64> phrases_{};
    std::array<std::uint64_t, kMaxRules / 64> candidate_rules_{};
    bool any_ = false;
  };

  // Parses keywords.tsv; every technique id must be a live technique of the catalog.
  static Result<KeywordMatcher> parse(std::string_view tsv, const AttackCatalog& catalog,
                                      const std::string& origin);

  // Adds what one text contains to hits. Phrases never span two texts.
  void scan(std::string_view text, Hits& hits) const;

  // Calls visit(rule_index) for each rule the hits satisfy, in file order.
  template <class Visit>
  void for_each_satisfied(const Hits& hits, Visit&& visit) const {
    if (!hits.any_) return;
    for (std::size_t word = 0; word < hits.candidate_rules_.size(); ++word) {
      std::uint64_t bits = hits.candidate_rules_[word];
      while (bits != 0) {
        const std::size_t rule = word * 64 + static_cast<std::size_t>(__builtin_ctzll(bits));
        bits &= bits - 1;
        if (satisfied(rule, hits)) visit(rule);
      }
    }
  }

  const std::vector<const Technique*>& techniques(std::size_t rule) const {
    return rules_[rule].techniques;
  }
  // "keywords 'ssh','failed'": the first alternative found for each positive slot.
  std::string evidence(std::size_t rule, const Hits& hits) const;

  std::size_t rule_count() const { return rules_.size(); }
  std::size_t phrase_count() const { return phrases_.size(); }

 private:
  struct WordEntry {
    std::uint64_t hash = 0;
    std::uint32_t word = kNoWord;
  };
  struct Phrase {
    std::uint32_t first_word = 0;  // index into phrase_words_
    std::uint32_t length = 0;
    std::string text;  // as written in keywords.tsv, for evidence
  };
  struct Slot {
    bool negated = false;
    std::uint32_t first_alternative = 0;  // index into slot_phrases_
    std::uint32_t alternatives = 0;
  };
  struct Rule {
    std::uint32_t first_slot = 0;
    std::uint32_t slots = 0;
    std::vector<const Technique*> techniques;
  };
  static constexpr std::uint32_t kNoWord = 0xFFFFFFFFU;

  bool satisfied(std::size_t rule, const Hits& hits) const;
  void mark_phrase(std::uint32_t phrase, Hits& hits) const;
  Status add_rule(std::string_view keywords, std::string_view techniques,
                  const AttackCatalog& catalog);
  void build_indexes();
  std::uint32_t probe(const std::vector<WordEntry>& table, std::uint64_t hash, const char* text,
                      std::size_t length) const;

  // Interned words; a prefix word ("encrypt*") is stored without its '*'.
  std::vector<std::string> words_;
  std::vector<bool> word_is_prefix_;
  std::vector<WordEntry> exact_table_;  // open addressing, size a power of two
  std::vector<WordEntry> prefix_table_;
  // Bit n of [c]: some prefix word starts with character c and has n characters; tokens are
  // probed for prefixes only at those lengths.
  std::array<std::uint64_t, 256> prefix_lengths_by_first_{};

  std::vector<Phrase> phrases_;
  std::vector<std::uint32_t> phrase_words_;
  // Phrases by their last word (CSR: offsets per word, then phrase ids).
  std::vector<std::uint32_t> ending_offsets_;
  std::vector<std::uint32_t> ending_phrases_;
  // Rules that use a phrase in a positive slot (CSR by phrase).
  std::vector<std::uint32_t> rule_offsets_;
  std::vector<std::uint32_t> phrase_rules_;

  std::vector<Rule> rules_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> slot_phrases_;

  // Used while parsing only: interning of words and phrases.
  std::map<std::string, std::uint32_t, std::less<>> word_lookup_;  // "encrypt*" -> word
  std::map<std::vector<std::uint32_t>, std::uint32_t> phrase_lookup_;
};

}  // namespace soc
