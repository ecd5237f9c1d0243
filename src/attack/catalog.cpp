// The ATT&CK technique catalog: loading techniques.tsv (and revoked.tsv) and lookups by id.
#include "attack/catalog.hpp"

#include <array>
#include <charconv>
#include <filesystem>

#include "attack/technique_id.hpp"
#include "attack/tsv.hpp"

namespace soc {
namespace {

constexpr std::array<std::string_view, 14> kTactics = {"reconnaissance",  "resource-development",
                                                       "initial-access",  "execution",
                                                       "persistence",     "privilege-escalation",
                                                       "defense-evasion", "credential-access",
                                                       "discovery",       "lateral-movement",
                                                       "collection",      "command-and-control",
                                                       "exfiltration",    "impact"};

// The TA ids in the same order as kTactics.
constexpr std::array<std::string_view, 14> kTacticIds = {
    "TA0043", "TA0042", "TA0001", "TA0002", "TA0003", "TA0004", "TA0005",
    "TA0006", "TA0007", "TA0008", "TA0009", "TA0011", "TA0010", "TA0040"};

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

Error parse_error(const std::string& path, std::size_t line, std::string what) {
  return Error{ErrorCode::kParseError, path + ":" + std::to_string(line) + ": " + std::move(what)};
}

}  // namespace

std::string_view to_string(MappingSource source) {
  switch (source) {
    case MappingSource::kRule:
      return "rule";
    case MappingSource::kKnowledge:
      return "knowledge";
    case MappingSource::kLlm:
      return "llm";
    case MappingSource::kCorrelation:
      return "correlation";
  }
  return "unknown";
}

int AttackCatalog::tactic_order(std::string_view tactic) {
  for (std::size_t i = 0; i < kTactics.size(); ++i)
    if (kTactics[i] == tactic) return static_cast<int>(i);
  return -1;
}

std::span<const std::string_view> AttackCatalog::tactics() {
  return kTactics;
}

std::string_view AttackCatalog::canonical_tactic(std::string_view tactic) {
  while (!tactic.empty() && (tactic.front() == ' ' || tactic.front() == '\t'))
    tactic.remove_prefix(1);
  while (!tactic.empty() && (tactic.back() == ' ' || tactic.back() == '\t'))
    tactic.remove_suffix(1);
  constexpr std::string_view kPrefix = "attack.";
  std::array<char, 32> folded{};
  if (tactic.size() > kPrefix.size() + folded.size()) return {};
  std::size_t size = 0;
  for (char c : tactic) {
    if (size == folded.size()) return {};
    folded[size++] = (c == ' ' || c == '_') ? '-' : lower(c);
  }
  std::string_view name(folded.data(), size);
  if (name.starts_with(kPrefix)) name.remove_prefix(kPrefix.size());
  for (std::size_t i = 0; i < kTactics.size(); ++i) {
    if (kTactics[i] == name) return kTactics[i];
    if (name.size() == 6 && name[0] == 't' && name[1] == 'a' &&
        name.substr(2) == kTacticIds[i].substr(2))
      return kTactics[i];
  }
  return {};
}

const Technique* AttackCatalog::find_key(std::uint32_t key) const {
  const auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &techniques_[it->second];
}

const Technique* AttackCatalog::find_replacement_key(std::uint32_t key) const {
  const auto it = replacement_by_key_.find(key);
  return it == replacement_by_key_.end() ? nullptr : &techniques_[it->second];
}

const Technique* AttackCatalog::find(std::string_view id) const {
  const auto key = technique_id::parse(id);
  return key ? find_key(*key) : nullptr;
}

const Technique* AttackCatalog::find_replacement(std::string_view revoked_id) const {
  const auto key = technique_id::parse(revoked_id);
  return key ? find_replacement_key(*key) : nullptr;
}

Result<std::shared_ptr<const AttackCatalog>> AttackCatalog::load(const std::string& path) {
  auto text = tsv::read_file(path);
  if (!text) return std::unexpected(text.error());

  auto catalog = std::make_shared<AttackCatalog>();
  std::vector<std::uint32_t> keys;
  Status parsed =
      tsv::for_each_line(*text, [&](std::size_t line_number, std::string_view line) -> Status {
        if (line_number == 1) {
          if (line != "id\tname\ttactics\tgroup_count")
            return std::unexpected(parse_error(path, 1, "not a techniques.tsv header"));
          return {};
        }
        if (line.empty()) return {};
        const auto cells = tsv::split(line, '\t');
        if (cells.size() != 4)
          return std::unexpected(
              parse_error(path, line_number, "expected 4 tab-separated columns"));
        const auto key = technique_id::parse(cells[0]);
        if (!key || cells[0][0] != 'T')
          return std::unexpected(parse_error(path, line_number, "malformed technique id"));
        if (cells[1].empty())
          return std::unexpected(parse_error(path, line_number, "empty technique name"));
        Technique technique{.id = std::string(cells[0]), .name = std::string(cells[1])};
        int last_order = -1;
        for (std::string_view tactic : tsv::split(cells[2], ';')) {
          const int order = tactic_order(tactic);
          if (order < 0)
            return std::unexpected(
                parse_error(path, line_number, "unknown tactic '" + std::string(tactic) + "'"));
          if (order <= last_order)
            return std::unexpected(
                parse_error(path, line_number, "tactics not in kill-chain order or repeated"));
          last_order = order;
          technique.tactics.emplace_back(tactic);
        }
        const std::string_view count = cells[3];
        const auto [end, ec] =
            std::from_chars(count.data(), count.data() + count.size(), technique.group_count);
        if (ec != std::errc{} || end != count.data() + count.size() || technique.group_count < 0)
          return std::unexpected(parse_error(path, line_number, "group_count is not a count"));
        if (!catalog->by_key_.emplace(*key, catalog->techniques_.size()).second)
          return std::unexpected(parse_error(path, line_number, "duplicate id " + technique.id));
        catalog->techniques_.push_back(std::move(technique));
        keys.push_back(*key);
        return {};
      });
  if (!parsed) return std::unexpected(parsed.error());
  if (catalog->techniques_.empty()) return fail(ErrorCode::kParseError, path + ": no techniques");
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (technique_id::is_subtechnique(keys[i]) &&
        !catalog->by_key_.contains(technique_id::parent_key(keys[i])))
      return fail(ErrorCode::kParseError,
                  path + ": sub-technique " + catalog->techniques_[i].id + " has no parent");
  }

  const std::string revoked_path =
      (std::filesystem::path(path).parent_path() / "revoked.tsv").string();
  std::error_code ec;
  if (!std::filesystem::exists(revoked_path, ec)) return catalog;
  auto revoked = tsv::read_file(revoked_path);
  if (!revoked) return std::unexpected(revoked.error());
  parsed =
      tsv::for_each_line(*revoked, [&](std::size_t line_number, std::string_view line) -> Status {
        if (line_number == 1) {
          if (line != "old_id\tnew_id")
            return std::unexpected(parse_error(revoked_path, 1, "not a revoked.tsv header"));
          return {};
        }
        if (line.empty()) return {};
        const auto cells = tsv::split(line, '\t');
        const auto old_key = cells.size() == 2 ? technique_id::parse(cells[0]) : std::nullopt;
        const auto new_key = cells.size() == 2 ? technique_id::parse(cells[1]) : std::nullopt;
        if (!old_key || !new_key)
          return std::unexpected(parse_error(revoked_path, line_number, "expected old_id, new_id"));
        const auto target = catalog->by_key_.find(*new_key);
        if (target == catalog->by_key_.end() || catalog->by_key_.contains(*old_key))
          return std::unexpected(parse_error(
              revoked_path, line_number, "replacement must be live and the old id must not be"));
        catalog->replacement_by_key_.emplace(*old_key, target->second);
        return {};
      });
  if (!parsed) return std::unexpected(parsed.error());
  return catalog;
}

}  // namespace soc
