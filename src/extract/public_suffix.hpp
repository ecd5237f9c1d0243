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
  void add_rule(std::string_view rule);

  std::vector<Entry> table_;  // open addressing, power-of-two size, at most half full
  std::size_t used_ = 0;
  // A one-probe filter in front of the table: most dotted words in alerts are not names at all.
  static constexpr std::size_t kFilterWords = 1024;
  std::array<std::uint64_t, kFilterWords> filter_{};
  std::size_t rule_count_ = 0;
  bool builtin_ = false;
  std::string source_;
};

}  // namespace soc
