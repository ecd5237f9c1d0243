// The public suffix list: real top-level domains and the public-suffix length of a name.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace soc {

class PublicSuffixList {
 public:
  // Reads the list at `path` (the format of publicsuffix.org, as Debian's `publicsuffix` package
  // installs it). Only the ICANN section decides suffixes; the private section (github.io, ...)
  // is ignored so that names under it stay domains. If the file is absent or holds no rules, a
  // small built-in list of common suffixes is used instead and `is_builtin()` says so.
  static std::unique_ptr<PublicSuffixList> load(const std::string& path);
  static std::unique_ptr<PublicSuffixList> builtin();

  // `label` is lower-case ASCII (A-labels for IDN top-level domains).
  bool is_tld(std::string_view label) const { return (flags(label) & kTld) != 0; }
  // The same for a label of at most 8 bytes given packed little-endian and zero-padded (the
  // extractor's hot path: no hashing, usually one probe).
  bool is_short_tld(std::uint64_t packed) const;
  // `domain` is lower-case ASCII with `label_count` labels. Returns how many trailing labels form
  // its public suffix (0 when its top-level domain is unknown).
  std::size_t suffix_labels(std::string_view domain, std::size_t label_count) const;

  bool is_builtin() const { return builtin_; }
  const std::string& source() const { return source_; }
  std::size_t rule_count() const { return rule_count_; }

 private:
  // What a name is in the list; one name can be several of these.
  enum Flag : std::uint8_t {
    kRule = 1,       // "co.uk"
    kException = 2,  // "!www.ck"
    kWildcard = 4,   // "*.ck" is stored on "ck"
    kBranch = 8,     // a proper suffix of a longer rule: keep walking left
    kTld = 16,       // the last label of some rule
  };
  struct Entry {
    std::string name;
    std::uint64_t hash = 0;
    std::uint8_t flags = 0;
  };

  static std::uint64_t hash(std::string_view s);
  std::uint8_t flags(std::string_view name) const;
  void mark(std::string_view name, std::uint8_t flag);
  void mark_short(std::uint64_t key, std::uint8_t flag);
  void add_rule(std::string_view rule);

  std::vector<Entry> table_;  // open addressing, power-of-two size, at most half full
  std::size_t used_ = 0;
  // A one-probe filter in front of the table: most dotted words in alerts are not names at all.
  static constexpr std::size_t kFilterWords = 1024;
  std::array<std::uint64_t, kFilterWords> filter_{};
  // Names of at most 8 bytes (every top-level domain the extractor meets, most two-label rules)
  // also live here, packed little-endian into their key: one multiply and usually one probe.
  struct ShortEntry {
    std::uint64_t key = 0;  // 0: empty slot (no name is empty)
    std::uint8_t flags = 0;
  };
  std::vector<ShortEntry> short_table_;  // power-of-two size, at most half full
  std::size_t short_used_ = 0;
  static std::size_t short_slot(std::uint64_t key, std::size_t mask) {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 40) & mask;
  }
  // The top-level domains of at most 8 bytes alone, packed, at most a quarter full: most names
  // the extractor asks about are not domains ("setup.exe"), and a miss should cost one probe.
  std::vector<std::uint64_t> short_tlds_;
  void build_short_tlds();
  std::size_t rule_count_ = 0;
  bool builtin_ = false;
  std::string source_;
};

inline bool PublicSuffixList::is_short_tld(std::uint64_t packed) const {
  if (packed == 0 || short_tlds_.empty()) return false;
  std::size_t mask = short_tlds_.size() - 1;
  for (std::size_t i = short_slot(packed, mask);; i = (i + 1) & mask) {
    if (short_tlds_[i] == packed) return true;
    if (short_tlds_[i] == 0) return false;
  }
}

}  // namespace soc
