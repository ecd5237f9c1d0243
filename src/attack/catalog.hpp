// ATT&CK stage contract: the technique catalog and the mapping from an alert to techniques.
//
// Input: a normalized Alert (its technique tags, rule name, description). Output: techniques that
// exist in the catalog, each with its tactics and where the mapping came from. Threading: the
// catalog and mapper are immutable after loading and safe to share. Failure: load() returns an
// error for a missing or malformed data file; mapping never fails (unknown ids are dropped and
// counted).
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/alert.hpp"
#include "core/result.hpp"

namespace soc {

struct Technique {
  std::string id;                   // "T1059.001"
  std::string name;                 // "Command and Scripting Interpreter: PowerShell"
  std::vector<std::string> tactics; // short names in kill-chain order: "execution"
  int group_count = 0;              // intrusion sets known to use it (incl. its sub-techniques' parent link)
};

enum class MappingSource { kRule, kKnowledge, kLlm, kCorrelation };
std::string_view to_string(MappingSource source);

struct MappedTechnique {
  const Technique* technique = nullptr;
  MappingSource source = MappingSource::kRule;
  std::string evidence;  // why: "tag attack.t1110.001", "Sigma rule title", "keyword 'smb'"
};

class AttackCatalog {
 public:
  // Reads the compact catalog shipped in data/attack/ (see its README).
  static Result<std::shared_ptr<const AttackCatalog>> load(const std::string& path);
  const Technique* find(std::string_view id) const;  // case-insensitive "t1059.001" accepted
  // Kill-chain order of a tactic (reconnaissance = 0 ... impact = 13); -1 if unknown.
  static int tactic_order(std::string_view tactic);
  std::size_t size() const { return techniques_.size(); }

 private:
  std::vector<Technique> techniques_;
  std::unordered_map<std::string, std::size_t> by_id_;
};

// Maps alerts to techniques: the alert's own tags first, then the knowledge base of rule titles
// and keywords (data/attack/knowledge.tsv, built from SigmaHQ titles and hand-written keywords).
class AttackMapper {
 public:
  static Result<std::shared_ptr<const AttackMapper>> load(std::shared_ptr<const AttackCatalog> catalog,
                                                          const std::string& knowledge_path);
  std::vector<MappedTechnique> map(const Alert& alert) const;
  const AttackCatalog& catalog() const { return *catalog_; }

 private:
  struct KeywordRule;
  std::shared_ptr<const AttackCatalog> catalog_;
  std::unordered_map<std::string, std::vector<const Technique*>> by_title_;  // lower-cased titles
  std::vector<std::shared_ptr<KeywordRule>> keywords_;
};

}  // namespace soc
