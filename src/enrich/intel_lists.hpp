// Plain indicator lists (intel/lists/*.txt, *.csv): loaded once, matched by hash probes.
//
// The file's base name is the list's name and says what it means:
//   allow*            (allowlist_corporate)  known good: facts.allow_listed, verdict benign.
//   tor / asn / bulletproof as a name token (tor_exit_nodes, bulletproof_asn, asns-hosting):
//                     informational: the name lands in facts.lists for the scorer's weak-signal
//                     correlation, verdict unknown. A Tor exit or a bulletproof AS is context,
//                     not proof of malice.
//   anything else     a blocklist: verdict suspicious (the list's provenance is unknown, so a
//                     hit alone is never "malicious").
// An indicator on both an allow-list and a blocklist reads suspicious with allow_listed=true:
// the conflict goes to a human instead of silently closing the alert.
// Tokens are split on non-alphanumerics, so "vendor_feed" is not a Tor list.
//
// Entries: IPs (any spelling, matched canonically), CIDR ranges (an IP inside matches), AS
// numbers ("AS64500" or bare "64500"), anything else compared case-insensitively. Domains on a
// blocklist also cover their subdomains (evil.example lists www.evil.example); allow-lists
// match exactly, so an allow-listed parent never vouches for a subdomain someone else runs.
// .txt: one entry per line, '#' starts a comment (whole line, or after whitespace).
// .csv: a header naming at least "type" and "value" (any order, other columns ignored).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/observable.hpp"
#include "enrich/ip_address.hpp"

namespace soc::enrich_detail {

enum class ListKind : std::uint8_t { kBlock, kAllow, kInformational };
ListKind list_kind_from_name(std::string_view name);

class IntelLists {
 public:
  // Reads every *.txt and *.csv directly under `dir`; unreadable or headerless files are
  // skipped with a warning.
  static IntelLists load(const std::filesystem::path& dir, std::vector<std::string>& warnings);

  // Adds one list from its text (what load() does per file).
  void add_text_list(std::string name, std::string_view body);
  void add_csv_list(std::string name, std::string_view body, std::vector<std::string>& warnings);

  struct ListInfo {
    std::string name;
    ListKind kind = ListKind::kBlock;
  };
  // Indexes of the lists holding the observable, ascending, without duplicates.
  std::vector<std::uint16_t> match(const Observable& observable) const;
  const ListInfo& list(std::uint16_t index) const { return lists_[index]; }
  std::size_t list_count() const { return lists_.size(); }

 private:
  std::uint16_t new_list(std::string name);
  void add_entry(std::uint16_t list, std::string_view value, std::string_view declared_type);

  std::vector<ListInfo> lists_;
  std::unordered_map<std::string, std::vector<std::uint16_t>> exact_;
  CidrTable<std::vector<std::uint16_t>> ranges_;
};

}  // namespace soc::enrich_detail
