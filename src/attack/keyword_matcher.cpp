// Keyword rules over alert text: parsing keywords.tsv into word tables and one-pass matching.
#include "attack/keyword_matcher.hpp"

#include <algorithm>

#include "attack/catalog.hpp"
#include "attack/technique_id.hpp"
#include "attack/tsv.hpp"

namespace soc {
namespace {

constexpr std::size_t kMaxWordsPerToken = 8;

constexpr char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Per byte: the lower-cased character for an ASCII letter or digit, kSeparator for other ASCII,
// kNonAscii for a byte of a multi-byte UTF-8 character. One load per byte on the hot path.
constexpr unsigned char kSeparator = 0;
constexpr unsigned char kNonAscii = 0xFF;
constexpr std::array<unsigned char, 256> kFolded = [] {
  std::array<unsigned char, 256> table{};
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    table[b] = b >= 0x80 ? kNonAscii
                         : (is_word_char(c) ? static_cast<unsigned char>(lower(c)) : kSeparator);
  }
  return table;
}();

// Text words are runs of ASCII letters and digits and of non-ASCII bytes: an accented word is
// one word that no keyword matches, not fragments that might. Non-ASCII spaces and punctuation
// that alert titles pick up from copy and paste (U+00A0, U+2000-U+206F: dashes, quotes) separate
// words like ASCII punctuation; returns their length in bytes, 0 for a byte of a word.
inline std::size_t unicode_separator_length(const char* p, const char* end) {
  const auto byte = static_cast<unsigned char>(p[0]);
  if (byte == 0xC2 && end - p >= 2 && static_cast<unsigned char>(p[1]) == 0xA0) return 2;
  if (byte == 0xE2 && end - p >= 3 &&
      (static_cast<unsigned char>(p[1]) == 0x80 || static_cast<unsigned char>(p[1]) == 0x81))
    return 3;
  return 0;
}

// Word hashing, extended one character at a time so every prefix's hash comes for free. The
// per-character step is a rotate and xor (short dependency chain); the multiply that spreads the
// bits happens once, when a hash is looked up.
inline std::uint64_t hash_step(std::uint64_t hash, unsigned char c) {
  return ((hash << 7) | (hash >> 57)) ^ c;
}
inline std::uint64_t hash_finish(std::uint64_t hash) {
  hash *= 0x9E3779B97F4A7C15ULL;
  return hash ^ (hash >> 29);
}
std::uint64_t word_hash(std::string_view word) {
  std::uint64_t hash = 0;
  for (char c : word) hash = hash_step(hash, static_cast<unsigned char>(c));
  return hash_finish(hash);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The words a text token matched, kept for the last kMaxPhraseWords tokens.
struct TokenWords {
  std::uint32_t count = 0;
  std::array<std::uint32_t, kMaxWordsPerToken> words{};

  void add(std::uint32_t word) {
    if (count < words.size()) words[count++] = word;
  }
  bool contains(std::uint32_t word) const {
    for (std::uint32_t i = 0; i < count; ++i)
      if (words[i] == word) return true;
    return false;
  }
};

Error rule_error(ErrorCode code, const std::string& origin, std::size_t line, std::string what) {
  return Error{code, origin + ":" + std::to_string(line) + ": " + std::move(what)};
}

}  // namespace

Result<KeywordMatcher> KeywordMatcher::parse(std::string_view tsv, const AttackCatalog& catalog,
                                             const std::string& origin) {
  KeywordMatcher matcher;
  Status parsed =
      tsv::for_each_line(tsv, [&](std::size_t line_number, std::string_view line) -> Status {
        if (line_number == 1) {
          if (line != "keywords\ttechniques\tnote")
            return std::unexpected(
                rule_error(ErrorCode::kParseError, origin, 1, "not a keywords.tsv header"));
          return {};
        }
        if (trim(line).empty() || line.front() == '#') return {};
        const auto cells = tsv::split(line, '\t');
        if (cells.size() != 3)
          return std::unexpected(rule_error(ErrorCode::kParseError, origin, line_number,
                                            "expected 3 tab-separated columns"));
        if (trim(cells[2]).empty())
          return std::unexpected(
              rule_error(ErrorCode::kParseError, origin, line_number, "a rule needs a note"));
        if (Status added = matcher.add_rule(cells[0], cells[1], catalog); !added)
          return std::unexpected(
              rule_error(added.error().code, origin, line_number, added.error().message));
        return {};
      });
  if (!parsed) return std::unexpected(parsed.error());
  if (matcher.rules_.empty()) return fail(ErrorCode::kParseError, origin + ": no keyword rules");
  matcher.build_indexes();
  return matcher;
}

Status KeywordMatcher::add_rule(std::string_view keywords, std::string_view techniques,
                                const AttackCatalog& catalog) {
  if (rules_.size() == kMaxRules)
    return fail(ErrorCode::kTooLarge, "more than " + std::to_string(kMaxRules) + " rules");
  Rule rule{.first_slot = static_cast<std::uint32_t>(slots_.size())};
  bool has_positive_slot = false;
  for (std::string_view slot_text : tsv::split(keywords, ';')) {
    slot_text = trim(slot_text);
    Slot slot{.first_alternative = static_cast<std::uint32_t>(slot_phrases_.size())};
    if (slot_text.starts_with('!')) {
      slot.negated = true;
      slot_text = trim(slot_text.substr(1));
    }
    has_positive_slot = has_positive_slot || !slot.negated;
    for (std::string_view alternative : tsv::split(slot_text, '|')) {
      std::vector<std::uint32_t> phrase_words;
      std::string display;
      std::string_view rest = trim(alternative);
      while (!rest.empty()) {
        const std::size_t space = std::min(rest.find(' '), rest.size());
        std::string word(rest.substr(0, space));
        rest = trim(rest.substr(space));
        for (char& c : word) c = lower(c);
        const bool prefix = word.ends_with('*');
        const std::string_view stem = std::string_view(word).substr(0, word.size() - prefix);
        if (stem.empty() || stem.size() > kMaxWordLength ||
            !std::all_of(stem.begin(), stem.end(), is_word_char))
          return fail(ErrorCode::kParseError, "keyword word '" + word +
                                                  "' must be letters and digits, optionally "
                                                  "ending in *");
        auto [it, inserted] =
            word_lookup_.try_emplace(word, static_cast<std::uint32_t>(words_.size()));
        if (inserted) {
          words_.emplace_back(stem);
          word_is_prefix_.push_back(prefix);
        }
        phrase_words.push_back(it->second);
        display += display.empty() ? word : " " + word;
      }
      if (phrase_words.empty() || phrase_words.size() > kMaxPhraseWords)
        return fail(ErrorCode::kParseError, "a keyword alternative needs 1 to " +
                                                std::to_string(kMaxPhraseWords) + " words");
      auto [it, inserted] =
          phrase_lookup_.try_emplace(phrase_words, static_cast<std::uint32_t>(phrases_.size()));
      if (inserted) {
        if (phrases_.size() == kMaxPhrases)
          return fail(ErrorCode::kTooLarge,
                      "more than " + std::to_string(kMaxPhrases) + " keyword phrases");
        phrases_.push_back(Phrase{.first_word = static_cast<std::uint32_t>(phrase_words_.size()),
                                  .length = static_cast<std::uint32_t>(phrase_words.size()),
                                  .text = std::move(display)});
        phrase_words_.insert(phrase_words_.end(), phrase_words.begin(), phrase_words.end());
      }
      slot_phrases_.push_back(it->second);
      ++slot.alternatives;
    }
    slots_.push_back(slot);
    ++rule.slots;
  }
  if (!has_positive_slot)
    return fail(ErrorCode::kParseError, "a rule needs at least one keyword that must appear");
  for (std::string_view id : tsv::split(techniques, ';')) {
    id = trim(id);
    const auto key = technique_id::parse(id);
    if (!key)
      return fail(ErrorCode::kParseError, "malformed technique id '" + std::string(id) + "'");
    const Technique* technique = catalog.find_key(*key);
    if (technique == nullptr)
      return fail(ErrorCode::kConfigError,
                  std::string(id) + " is not a live technique of the ATT&CK catalog");
    if (std::find(rule.techniques.begin(), rule.techniques.end(), technique) ==
        rule.techniques.end())
      rule.techniques.push_back(technique);
  }
  rules_.push_back(std::move(rule));
  return {};
}

void KeywordMatcher::build_indexes() {
  auto build_table = [this](bool prefix, std::vector<WordEntry>& table) {
    std::size_t count = 0;
    for (bool is_prefix : word_is_prefix_) count += is_prefix == prefix;
    std::size_t capacity = 8;
    while (capacity < count * 2) capacity *= 2;
    table.assign(capacity, WordEntry{});
    for (std::uint32_t word = 0; word < words_.size(); ++word) {
      if (word_is_prefix_[word] != prefix) continue;
      const std::uint64_t hash = word_hash(words_[word]);
      std::size_t slot = hash & (capacity - 1);
      while (table[slot].word != kNoWord) slot = (slot + 1) & (capacity - 1);
      table[slot] = WordEntry{hash, word};
      if (prefix)
        prefix_lengths_by_first_[static_cast<unsigned char>(words_[word][0])] |=
            std::uint64_t{1} << words_[word].size();
    }
  };
  build_table(false, exact_table_);
  build_table(true, prefix_table_);

  // CSR index of phrases by their last word.
  ending_offsets_.assign(words_.size() + 1, 0);
  for (const Phrase& phrase : phrases_)
    ++ending_offsets_[phrase_words_[phrase.first_word + phrase.length - 1] + 1];
  for (std::size_t i = 1; i < ending_offsets_.size(); ++i)
    ending_offsets_[i] += ending_offsets_[i - 1];
  ending_phrases_.assign(phrases_.size(), 0);
  std::vector<std::uint32_t> fill(ending_offsets_.begin(), ending_offsets_.end() - 1);
  for (std::uint32_t p = 0; p < phrases_.size(); ++p)
    ending_phrases_[fill[phrase_words_[phrases_[p].first_word + phrases_[p].length - 1]]++] = p;

  // CSR index of the rules that use a phrase in a slot that must hold.
  std::vector<std::vector<std::uint32_t>> rules_of(phrases_.size());
  for (std::uint32_t r = 0; r < rules_.size(); ++r) {
    for (std::uint32_t s = rules_[r].first_slot; s < rules_[r].first_slot + rules_[r].slots; ++s) {
      if (slots_[s].negated) continue;
      for (std::uint32_t a = 0; a < slots_[s].alternatives; ++a) {
        auto& list = rules_of[slot_phrases_[slots_[s].first_alternative + a]];
        if (list.empty() || list.back() != r) list.push_back(r);
      }
    }
  }
  rule_offsets_.assign(1, 0);
  phrase_rules_.clear();
  for (const auto& list : rules_of) {
    phrase_rules_.insert(phrase_rules_.end(), list.begin(), list.end());
    rule_offsets_.push_back(static_cast<std::uint32_t>(phrase_rules_.size()));
  }
  word_lookup_.clear();
  phrase_lookup_.clear();
}

std::uint32_t KeywordMatcher::probe(const std::vector<WordEntry>& table, std::uint64_t hash,
                                    const char* text, std::size_t length) const {
  const std::size_t mask = table.size() - 1;
  for (std::size_t slot = hash & mask; table[slot].word != kNoWord; slot = (slot + 1) & mask) {
    if (table[slot].hash != hash) continue;
    const std::string& word = words_[table[slot].word];
    if (word.size() != length) continue;
    bool equal = true;
    for (std::size_t i = 0; i < length && equal; ++i) equal = lower(text[i]) == word[i];
    if (equal) return table[slot].word;
  }
  return kNoWord;
}

void KeywordMatcher::mark_phrase(std::uint32_t phrase, Hits& hits) const {
  std::uint64_t& bits = hits.phrases_[phrase / 64];
  const std::uint64_t bit = std::uint64_t{1} << (phrase % 64);
  if (bits & bit) return;
  bits |= bit;
  hits.any_ = true;
  for (std::uint32_t i = rule_offsets_[phrase]; i < rule_offsets_[phrase + 1]; ++i)
    hits.candidate_rules_[phrase_rules_[i] / 64] |= std::uint64_t{1} << (phrase_rules_[i] % 64);
}

void KeywordMatcher::scan(std::string_view text, Hits& hits) const {
  if (text.size() > kMaxScanBytes) text = text.substr(0, kMaxScanBytes);
  std::array<TokenWords, kMaxPhraseWords> recent;  // ring of the last tokens' matched words
  std::size_t token_index = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  auto folded = [](const char* at) { return kFolded[static_cast<unsigned char>(*at)]; };
  while (p < end) {
    while (p < end) {
      const unsigned char c = folded(p);
      if (c == kSeparator) {
        ++p;
      } else if (c == kNonAscii) {
        const std::size_t length = unicode_separator_length(p, end);
        if (length == 0) break;
        p += length;
      } else {
        break;
      }
    }
    if (p == end) break;

    // One word; hashes of it whole and less its last one and two characters (plural stems).
    const char* const start = p;
    TokenWords& token = recent[token_index % kMaxPhraseWords];
    token.count = 0;
    std::uint64_t hash = 0, hash_less1 = 0, hash_less2 = 0;
    std::size_t hashed = 0;
    const std::uint64_t prefix_lengths = prefix_lengths_by_first_[folded(p)];
    for (; p < end; ++p) {
      const unsigned char c = folded(p);
      if (c == kSeparator || (c == kNonAscii && unicode_separator_length(p, end) != 0)) break;
      if (hashed == kMaxWordLength) continue;  // too long for a whole-word match; prefixes seen
      hash_less2 = hash_less1;
      hash_less1 = hash;
      hash = hash_step(hash, c);
      ++hashed;
      if ((prefix_lengths >> hashed) & 1U) {
        const std::uint32_t word = probe(prefix_table_, hash_finish(hash), start, hashed);
        if (word != kNoWord) token.add(word);
      }
    }
    const std::size_t length = static_cast<std::size_t>(p - start);
    if (length <= kMaxWordLength) {
      std::uint32_t word = probe(exact_table_, hash_finish(hash), start, length);
      if (word != kNoWord) token.add(word);
      if (length >= 2 && folded(p - 1) == 's') {  // "logins" -> "login"
        word = probe(exact_table_, hash_finish(hash_less1), start, length - 1);
        if (word != kNoWord) token.add(word);
        if (length >= 3 && folded(p - 2) == 'e') {  // "processes" -> "process"
          word = probe(exact_table_, hash_finish(hash_less2), start, length - 2);
          if (word != kNoWord) token.add(word);
        }
      }
    }
    for (std::uint32_t w = 0; w < token.count; ++w) {
      const std::uint32_t word = token.words[w];
      for (std::uint32_t i = ending_offsets_[word]; i < ending_offsets_[word + 1]; ++i) {
        const Phrase& phrase = phrases_[ending_phrases_[i]];
        if (phrase.length > token_index + 1) continue;
        bool matched = true;
        const std::size_t first_token = token_index + 1 - phrase.length;
        for (std::uint32_t j = 0; j + 1 < phrase.length && matched; ++j)
          matched = recent[(first_token + j) % kMaxPhraseWords].contains(
              phrase_words_[phrase.first_word + j]);
        if (matched) mark_phrase(ending_phrases_[i], hits);
      }
    }
    ++token_index;
  }
}

bool KeywordMatcher::satisfied(std::size_t rule, const Hits& hits) const {
  const Rule& r = rules_[rule];
  for (std::uint32_t s = r.first_slot; s < r.first_slot + r.slots; ++s) {
    bool found = false;
    for (std::uint32_t a = 0; a < slots_[s].alternatives && !found; ++a)
      found = hits.has_phrase(slot_phrases_[slots_[s].first_alternative + a]);
    if (found == slots_[s].negated) return false;
  }
  return true;
}

std::string KeywordMatcher::evidence(std::size_t rule, const Hits& hits) const {
  std::string out = "keywords ";
  bool first = true;
  const Rule& r = rules_[rule];
  for (std::uint32_t s = r.first_slot; s < r.first_slot + r.slots; ++s) {
    if (slots_[s].negated) continue;
    for (std::uint32_t a = 0; a < slots_[s].alternatives; ++a) {
      const std::uint32_t phrase = slot_phrases_[slots_[s].first_alternative + a];
      if (!hits.has_phrase(phrase)) continue;
      out += first ? "'" : ",'";
      out += phrases_[phrase].text;
      out += '\'';
      first = false;
      break;
    }
  }
  return out;
}

}  // namespace soc
