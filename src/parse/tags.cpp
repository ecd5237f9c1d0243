// Parsing of ATT&CK tags.
#include "parse/tags.hpp"

#include "core/strings.hpp"

namespace soc {

std::string tactic_short_name(std::string_view name) {
  std::string out;
  name = trim(name);
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == ' ' || c == '_' || c == '-') {
      if (!out.empty() && out.back() != '-') out.push_back('-');
    } else if (c >= 'A' && c <= 'Z') {
      // CamelCase boundary ("LateralMovement")
      if (!out.empty() && out.back() != '-' && i > 0 && name[i - 1] >= 'a' && name[i - 1] <= 'z')
        out.push_back('-');
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      out.push_back(c);
    }
  }
  if (out == "command-and-control" || out == "command-control") return "command-and-control";
  return out;
}

std::string normalize_technique_id(std::string_view tag) {
  tag = trim(tag);
  if (starts_with_icase(tag, "attack.")) tag.remove_prefix(7);
  if (tag.size() < 5 || (tag[0] != 't' && tag[0] != 'T')) return {};
  for (size_t i = 1; i < 5; ++i)
    if (tag[i] < '0' || tag[i] > '9') return {};
  std::string id = "T" + std::string(tag.substr(1, 4));
  if (tag.size() == 5) return id;
  if (tag.size() == 9 && (tag[5] == '.' || tag[5] == '/')) {
    for (size_t i = 6; i < 9; ++i)
      if (tag[i] < '0' || tag[i] > '9') return {};
    return id + "." + std::string(tag.substr(6, 3));
  }
  return {};
}

void add_attack_tags(Alert& alert, const std::vector<std::string>& tags) {
  static constexpr std::string_view kTactics[] = {"reconnaissance",  "resource-development",
                                                  "initial-access",  "execution",
                                                  "persistence",     "privilege-escalation",
                                                  "defense-evasion", "credential-access",
                                                  "discovery",       "lateral-movement",
                                                  "collection",      "command-and-control",
                                                  "exfiltration",    "impact"};
  for (const auto& tag : tags) {
    if (auto id = normalize_technique_id(tag); !id.empty()) {
      alert.technique_ids.push_back(std::move(id));
      continue;
    }
    std::string_view t = trim(tag);
    if (!starts_with_icase(t, "attack.")) continue;
    const std::string tactic = tactic_short_name(t.substr(7));
    for (auto known : kTactics)
      if (tactic == known) alert.tactic_names.push_back(tactic);
  }
}

}  // namespace soc
