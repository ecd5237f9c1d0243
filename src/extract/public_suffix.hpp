// The public suffix list: which final labels are real top-level domains, and how many labels of a
// name are a public suffix (so "co.uk" alone is not a registrable domain).
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

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
  bool is_tld(std::string_view label) const {
    return tlds_.find(label) != tlds_.end();
  }
  // `domain` is lower-case ASCII with `label_count` labels. Returns how many trailing labels form
  // its public suffix (0 when its top-level domain is unknown).
  std::size_t suffix_labels(std::string_view domain, std::size_t label_count) const;

  bool is_builtin() const { return builtin_; }
  const std::string& source() const { return source_; }
  std::size_t rule_count() const { return rules_.size() + wildcards_.size() + exceptions_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept;
  };
  using Set = std::unordered_set<std::string, Hash, std::equal_to<>>;

  void add_rule(std::string_view rule);

  Set tlds_;
  Set rules_;       // "co.uk"
  Set wildcards_;   // "*.ck" stored as "ck"
  Set exceptions_;  // "!www.ck" stored as "www.ck"
  bool builtin_ = false;
  std::string source_;
};

}  // namespace soc
