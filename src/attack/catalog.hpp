// ATT&CK stage contract: the technique catalog and the mapping from an alert to techniques.
//
// Input: a normalized Alert (its technique tags, rule name, rule id, description). Output:
// techniques that exist in the catalog, each with its tactics and where the mapping came from.
// Threading: the catalog and mapper are immutable after loading and safe to share (the mapper's
// only mutable state is an atomic counter). Failure: load() returns an error for a missing or
// malformed data file; mapping never fails (unknown ids are dropped and counted).
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/alert.hpp"
#include "core/result.hpp"

namespace soc {

struct Technique {
  std::string id;                    // "T1059.001"
  std::string name;                  // "Command and Scripting Interpreter: PowerShell"
  std::vector<std::string> tactics;  // short names in kill-chain order: "execution"
  int group_count =
      0;  // intrusion sets known to use it (a parent counts its sub-techniques' users)
};

enum class MappingSource { kRule, kKnowledge, kLlm, kCorrelation };
std::string_view to_string(MappingSource source);  // "rule", "knowledge", "llm", "correlation"

struct MappedTechnique {
  const Technique* technique = nullptr;
  MappingSource source = MappingSource::kRule;
  // Why: "tagged by the source", "Sigma rule 'mimikatz use' by Florian Roth (Nextron Systems)",
  // "keywords 'ssh','failed'".
  std::string evidence;
};

class AttackCatalog {
 public:
  // Reads data/attack/techniques.tsv (format in data/attack/README.md). A revoked.tsv beside it,
  // when present, maps revoked ids to the technique that replaced them.
  static Result<std::shared_ptr<const AttackCatalog>> load(const std::string& path);

  const Technique* find(std::string_view id) const;  // "T1059.001"; case-insensitive
  // The live technique MITRE says replaced a revoked id ("T1086" -> T1059.001), or nullptr.
  const Technique* find_replacement(std::string_view revoked_id) const;
  std::span<const Technique> techniques() const { return techniques_; }  // sorted by id
  std::size_t size() const { return techniques_.size(); }

  // Kill-chain order of a tactic short name (reconnaissance = 0 ... impact = 13); -1 if unknown.
  static int tactic_order(std::string_view tactic);
  // The 14 Enterprise tactic short names in kill-chain order.
  static std::span<const std::string_view> tactics();
  // The short name for a tactic as sources write it ("Lateral Movement", "lateral_movement",
  // "attack.lateral-movement", "TA0008"); empty if it is not an Enterprise tactic.
  static std::string_view canonical_tactic(std::string_view tactic);

  // Lookups by packed id (see technique_id.hpp): what the mapper uses on its hot path.
  const Technique* find_key(std::uint32_t key) const;
  const Technique* find_replacement_key(std::uint32_t key) const;

 private:
  std::vector<Technique> techniques_;
  std::unordered_map<std::uint32_t, std::size_t> by_key_;
  std::unordered_map<std::uint32_t, std::size_t> replacement_by_key_;
};

class KeywordMatcher;

// Maps alerts to techniques, in this order, the first source of a technique winning:
//  1. the alert's own tags (source kRule);
//  2. an exact Sigma rule title (case and whitespace aside) or Sigma rule id (kKnowledge);
//  3. hand-written keyword rules over the rule name and description (kKnowledge).
// A bare parent technique found only by keywords is dropped when one of its sub-techniques is
// also mapped. The knowledge base is data/knowledge/ (see its README).
class AttackMapper {
 public:
  // A Sigma rule from the knowledge base; techniques the catalog does not know are left out.
  struct SigmaRule {
    std::string title;  // lower-cased
    std::string id;     // lower-cased UUID
    std::string level;  // informational, low, medium, high, critical
    std::string author;
    std::vector<const Technique*> techniques;
  };
  struct KnowledgeStats {
    std::size_t sigma_rules = 0;        // rows of sigma_titles.tsv
    std::size_t sigma_unknown_ids = 0;  // technique ids in it that the catalog does not know
    std::size_t keyword_rules = 0;
    std::size_t keyword_phrases = 0;  // distinct keyword alternatives
  };
  // What one map() call left out.
  struct Dropped {
    std::size_t unknown_ids = 0;     // well-formed tags naming no live or replaced technique
    std::size_t malformed_tags = 0;  // tags that are not technique ids at all
  };

  // Reads sigma_titles.tsv and keywords.tsv from the knowledge directory (data/knowledge).
  static Result<std::shared_ptr<const AttackMapper>> load(
      std::shared_ptr<const AttackCatalog> catalog, const std::string& knowledge_dir);

  std::vector<MappedTechnique> map(const Alert& alert, Dropped* dropped = nullptr) const;
  // The Sigma rule the alert's rule name or rule id names exactly, or nullptr.
  const SigmaRule* sigma_rule_for(const Alert& alert) const;

  const AttackCatalog& catalog() const { return *catalog_; }
  const KnowledgeStats& knowledge_stats() const { return stats_; }
  // Unknown technique ids dropped by every map() call so far.
  std::uint64_t unknown_ids_dropped() const {
    return unknown_ids_dropped_.load(std::memory_order_relaxed);
  }

  ~AttackMapper();
  AttackMapper(const AttackMapper&) = delete;
  AttackMapper& operator=(const AttackMapper&) = delete;

 private:
  AttackMapper();
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using StringIndex = std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>>;

  std::shared_ptr<const AttackCatalog> catalog_;
  std::vector<SigmaRule> sigma_rules_;
  StringIndex sigma_by_title_;  // normalized title -> index in sigma_rules_
  StringIndex sigma_by_id_;
  std::unique_ptr<const KeywordMatcher> keywords_;
  KnowledgeStats stats_;
  mutable std::atomic<std::uint64_t> unknown_ids_dropped_{0};
};

}  // namespace soc
