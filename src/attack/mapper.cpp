// Alert -> ATT&CK techniques: source tags, then exact Sigma titles or ids, then keyword rules.
#include <array>
#include <cstdio>
#include <filesystem>

#include "attack/catalog.hpp"
#include "attack/keyword_matcher.hpp"
#include "attack/technique_id.hpp"
#include "attack/tsv.hpp"

namespace soc {
namespace {

// Longer than any Sigma title (the longest is about 110 characters): a longer rule name cannot
// match one, so it is not copied.
constexpr std::size_t kMaxTitleLength = 256;
constexpr std::size_t kMaxRuleIdLength = 64;
// Techniques one alert can map to; more distinct tags than this are ignored.
constexpr std::size_t kMaxCandidates = 64;

inline char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
inline bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Lower-cases and collapses blank runs to one space, trimmed, into out; false if it overflows.
bool normalize_title(std::string_view text, char* out, std::size_t capacity, std::size_t& size) {
  size = 0;
  bool pending_space = false;
  for (char c : text) {
    if (is_blank(c)) {
      pending_space = size > 0;
      continue;
    }
    if (size + (pending_space ? 2 : 1) > capacity) return false;
    if (pending_space) out[size++] = ' ';
    pending_space = false;
    out[size++] = lower(c);
  }
  return true;
}

std::string normalize_title(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (is_blank(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += lower(c);
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string format_id(std::uint32_t key) {
  char buffer[16];
  const int n = technique_id::is_subtechnique(key)
                    ? std::snprintf(buffer, sizeof buffer, "T%04u.%03u", key / 1000, key % 1000)
                    : std::snprintf(buffer, sizeof buffer, "T%04u", key / 1000);
  return std::string(buffer, static_cast<std::size_t>(n));
}

enum class Origin : std::uint8_t { kTag, kRevokedTag, kSigma, kKeyword };

struct Candidate {
  const Technique* technique;
  std::uint32_t key;
  Origin origin;
  std::uint32_t detail;  // the revoked tag's key, the Sigma rule or the keyword rule
  bool dropped;
};

// The candidates of one map() call, on the stack.
struct Candidates {
  std::array<Candidate, kMaxCandidates> items;
  std::size_t size = 0;

  void add(const Technique* technique, std::uint32_t key, Origin origin, std::uint32_t detail) {
    for (std::size_t i = 0; i < size; ++i)
      if (items[i].technique == technique) return;  // the first source wins
    if (size < items.size()) items[size++] = Candidate{technique, key, origin, detail, false};
  }
};

}  // namespace

AttackMapper::AttackMapper() = default;
AttackMapper::~AttackMapper() = default;

Result<std::shared_ptr<const AttackMapper>> AttackMapper::load(
    std::shared_ptr<const AttackCatalog> catalog, const std::string& knowledge_dir) {
  if (!catalog) return fail(ErrorCode::kInvalidArgument, "AttackMapper needs a catalog");
  std::shared_ptr<AttackMapper> mapper(new AttackMapper());
  mapper->catalog_ = std::move(catalog);
  const std::filesystem::path dir(knowledge_dir);

  const std::string sigma_path = (dir / "sigma_titles.tsv").string();
  auto sigma_text = tsv::read_file(sigma_path);
  if (!sigma_text) return std::unexpected(sigma_text.error());
  Status parsed = tsv::for_each_line(
      *sigma_text, [&](std::size_t line_number, std::string_view line) -> Status {
        auto error = [&](std::string what) {
          return std::unexpected(
              Error{ErrorCode::kParseError,
                    sigma_path + ":" + std::to_string(line_number) + ": " + std::move(what)});
        };
        if (line_number == 1) {
          if (line != "title\tsigma_id\tlevel\ttechniques\ttactics\tauthor")
            return error("not a sigma_titles.tsv header");
          return {};
        }
        if (line.empty()) return {};
        const auto cells = tsv::split(line, '\t');
        if (cells.size() != 6) return error("expected 6 tab-separated columns");
        SigmaRule rule{.title = normalize_title(cells[0]),
                       .id = normalize_title(cells[1]),
                       .level = std::string(cells[2]),
                       .author = std::string(cells[5])};
        if (rule.title.empty() || rule.id.empty()) return error("a rule needs a title and an id");
        for (std::string_view id : tsv::split(cells[3], ';')) {
          const auto key = technique_id::parse(id);
          if (!key) return error("malformed technique id '" + std::string(id) + "'");
          const Technique* technique = mapper->catalog_->find_key(*key);
          if (technique == nullptr) technique = mapper->catalog_->find_replacement_key(*key);
          if (technique == nullptr) {
            ++mapper->stats_.sigma_unknown_ids;  // newer than the catalog; dropped
            continue;
          }
          rule.techniques.push_back(technique);
        }
        const auto index = static_cast<std::uint32_t>(mapper->sigma_rules_.size());
        // Titles and ids are unique in SigmaHQ; should two rows collide, the first one is kept.
        mapper->sigma_by_title_.try_emplace(rule.title, index);
        mapper->sigma_by_id_.try_emplace(rule.id, index);
        mapper->sigma_rules_.push_back(std::move(rule));
        return {};
      });
  if (!parsed) return std::unexpected(parsed.error());
  mapper->stats_.sigma_rules = mapper->sigma_rules_.size();

  const std::string keywords_path = (dir / "keywords.tsv").string();
  auto keywords_text = tsv::read_file(keywords_path);
  if (!keywords_text) return std::unexpected(keywords_text.error());
  auto keywords = KeywordMatcher::parse(*keywords_text, *mapper->catalog_, keywords_path);
  if (!keywords) return std::unexpected(keywords.error());
  mapper->stats_.keyword_rules = keywords->rule_count();
  mapper->stats_.keyword_phrases = keywords->phrase_count();
  mapper->keywords_ = std::make_unique<const KeywordMatcher>(std::move(*keywords));
  return mapper;
}

const AttackMapper::SigmaRule* AttackMapper::sigma_rule_for(const Alert& alert) const {
  char buffer[kMaxTitleLength];
  std::size_t size = 0;
  if (!alert.rule_name.empty() && normalize_title(alert.rule_name, buffer, sizeof buffer, size) &&
      size > 0) {
    const auto it = sigma_by_title_.find(std::string_view(buffer, size));
    if (it != sigma_by_title_.end()) return &sigma_rules_[it->second];
  }
  if (!alert.rule_id.empty() && normalize_title(alert.rule_id, buffer, kMaxRuleIdLength, size) &&
      size > 0) {
    const auto it = sigma_by_id_.find(std::string_view(buffer, size));
    if (it != sigma_by_id_.end()) return &sigma_rules_[it->second];
  }
  return nullptr;
}

std::vector<MappedTechnique> AttackMapper::map(const Alert& alert, Dropped* dropped) const {
  Candidates candidates;
  Dropped counts;

  for (const std::string& tag : alert.technique_ids) {
    const auto key = technique_id::parse_tag(tag);
    if (!key) {
      ++counts.malformed_tags;
      continue;
    }
    if (const Technique* technique = catalog_->find_key(*key)) {
      candidates.add(technique, *key, Origin::kTag, 0);
    } else if (const Technique* replacement = catalog_->find_replacement_key(*key)) {
      candidates.add(replacement, *technique_id::parse(replacement->id), Origin::kRevokedTag, *key);
    } else {
      ++counts.unknown_ids;
    }
  }

  if (const SigmaRule* rule = sigma_rule_for(alert)) {
    const auto index = static_cast<std::uint32_t>(rule - sigma_rules_.data());
    for (const Technique* technique : rule->techniques)
      candidates.add(technique, *technique_id::parse(technique->id), Origin::kSigma, index);
  }

  KeywordMatcher::Hits hits;
  keywords_->scan(alert.rule_name, hits);
  keywords_->scan(alert.description, hits);
  keywords_->for_each_satisfied(hits, [&](std::size_t rule) {
    for (const Technique* technique : keywords_->techniques(rule))
      candidates.add(technique, *technique_id::parse(technique->id), Origin::kKeyword,
                     static_cast<std::uint32_t>(rule));
  });

  // Keywords name the family when the text is vague ("brute force"); a sub-technique found by
  // any source is the sharper claim, so the keyword-only parent goes.
  for (std::size_t i = 0; i < candidates.size; ++i) {
    Candidate& parent = candidates.items[i];
    if (parent.origin != Origin::kKeyword || technique_id::is_subtechnique(parent.key)) continue;
    for (std::size_t j = 0; j < candidates.size && !parent.dropped; ++j) {
      const std::uint32_t key = candidates.items[j].key;
      parent.dropped =
          technique_id::is_subtechnique(key) && technique_id::parent_key(key) == parent.key;
    }
  }

  std::vector<MappedTechnique> mapped;
  mapped.reserve(candidates.size);
  for (std::size_t i = 0; i < candidates.size; ++i) {
    const Candidate& c = candidates.items[i];
    if (c.dropped) continue;
    MappedTechnique& out = mapped.emplace_back();
    out.technique = c.technique;
    switch (c.origin) {
      case Origin::kTag:
        out.source = MappingSource::kRule;
        out.evidence = "tagged by the source";
        break;
      case Origin::kRevokedTag:
        out.source = MappingSource::kRule;
        out.evidence = "tagged by the source as " + format_id(c.detail) +
                       ", revoked and replaced by " + c.technique->id;
        break;
      case Origin::kSigma: {
        const SigmaRule& rule = sigma_rules_[c.detail];
        out.source = MappingSource::kKnowledge;
        out.evidence = "Sigma rule '" + rule.title + "'";
        if (!rule.author.empty()) out.evidence += " by " + rule.author;
        break;
      }
      case Origin::kKeyword:
        out.source = MappingSource::kKnowledge;
        out.evidence = keywords_->evidence(c.detail, hits);
        break;
    }
  }

  if (counts.unknown_ids > 0)
    unknown_ids_dropped_.fetch_add(counts.unknown_ids, std::memory_order_relaxed);
  if (dropped != nullptr) *dropped = counts;
  return mapped;
}

}  // namespace soc
