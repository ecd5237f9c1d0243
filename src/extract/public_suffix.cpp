// Loads the public suffix list (ICANN section) and answers suffix questions about a name.
#include "extract/public_suffix.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

#include "extract/idna.hpp"

namespace soc {
namespace {

// Used only when the Debian list is missing: the generic and country TLDs seen most in alerts.
constexpr std::string_view kBuiltinRules[] = {
    "com",      "net",    "org",    "edu",    "gov",     "mil",    "int",    "info",   "biz",
    "name",     "pro",    "mobi",   "io",     "co",      "me",     "tv",     "cc",     "ws",
    "pw",       "to",     "ai",     "app",    "dev",     "xyz",    "top",    "online", "site",
    "club",     "shop",   "store",  "tech",   "icu",     "buzz",   "work",   "link",   "click",
    "live",     "cloud",  "space",  "fun",    "website", "page",   "win",    "bid",    "loan",
    "download", "zip",    "mov",    "uk",     "co.uk",   "ac.uk",  "gov.uk", "org.uk", "ltd.uk",
    "plc.uk",   "me.uk",  "de",     "fr",     "ru",      "su",     "cn",     "com.cn", "jp",
    "co.jp",    "ne.jp",  "br",     "com.br", "au",      "com.au", "net.au", "in",     "co.in",
    "it",       "es",     "nl",     "eu",     "us",      "ca",     "ch",     "se",     "no",
    "pl",       "com.pl", "cz",     "kr",     "co.kr",   "tk",     "ml",     "ga",     "cf",
    "gq",       "ly",     "ua",     "com.ua", "ir",      "tr",     "com.tr", "vn",     "id",
    "co.id",    "mx",     "com.mx", "ar",     "com.ar",  "za",     "co.za",  "nz",     "co.nz",
    "be",       "at",     "dk",     "fi",     "gr",      "pt",     "ro",     "hu",     "sk",
    "il",       "co.il",  "sg",     "com.sg", "hk",      "com.hk", "tw",     "com.tw", "my",
    "com.my",   "ph",     "th",     "pk",     "bd",      "ng",     "ke",     "eg",     "sa",
    "ae",       "ie",     "is",     "lt",     "lv",      "ee",     "by",     "kz",     "ge",
    "am",       "az",     "md",     "rs",     "bg",      "hr",     "si",     "ba",     "al",
    "mk",       "cl",     "pe",     "ve",     "uy",      "py",     "bo",     "ec",     "sh",
    "so",       "ps",     "pm",     "one",    "cab",     "arpa",   "onion"};

}  // namespace

std::uint64_t PublicSuffixList::hash(std::string_view s) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, s.data() + i, 8);
    h = (h ^ chunk) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  h = (h ^ tail) * 0xC4CEB9FE1A85EC53ull;
  return h ^ (h >> 29);
}

namespace {

std::uint64_t pack_short(std::string_view name) {
  std::uint64_t key = 0;
  for (std::size_t i = 0; i < name.size(); ++i)
    key |= static_cast<std::uint64_t>(static_cast<unsigned char>(name[i])) << (8 * i);
  return key;
}

}  // namespace

std::uint8_t PublicSuffixList::flags(std::string_view name) const {
  if (name.size() <= 8) {
    if (name.empty() || short_table_.empty()) return 0;
    std::uint64_t key = pack_short(name);
    std::size_t mask = short_table_.size() - 1;
    for (std::size_t i = short_slot(key, mask);; i = (i + 1) & mask) {
      const ShortEntry& e = short_table_[i];
      if (e.key == key) return e.flags;
      if (e.key == 0) return 0;
    }
  }
  std::uint64_t h = hash(name);
  if (!(filter_[(h >> 6) & (kFilterWords - 1)] & (1ull << (h & 63)))) return 0;
  std::size_t mask = table_.size() - 1;
  for (std::size_t i = (h >> 20) & mask;; i = (i + 1) & mask) {
    const Entry& e = table_[i];
    if (e.flags == 0) return 0;
    if (e.hash == h && e.name == name) return e.flags;
  }
}

void PublicSuffixList::mark_short(std::uint64_t key, std::uint8_t flag) {
  if ((short_used_ + 1) * 2 > short_table_.size()) {
    std::vector<ShortEntry> old = std::move(short_table_);
    short_table_.assign(old.empty() ? 1024 : old.size() * 2, ShortEntry{});
    short_used_ = 0;
    for (const ShortEntry& e : old)
      if (e.key) mark_short(e.key, e.flags);
  }
  std::size_t mask = short_table_.size() - 1;
  for (std::size_t i = short_slot(key, mask);; i = (i + 1) & mask) {
    ShortEntry& e = short_table_[i];
    if (e.key == 0) {
      e = ShortEntry{key, flag};
      ++short_used_;
      return;
    }
    if (e.key == key) {
      e.flags |= flag;
      return;
    }
  }
}

void PublicSuffixList::build_short_tlds() {
  std::size_t tlds = 0;
  for (const ShortEntry& e : short_table_) tlds += (e.flags & kTld) != 0;
  std::size_t size = 64;
  while (size < tlds * 4) size *= 2;
  short_tlds_.assign(size, 0);
  for (const ShortEntry& e : short_table_) {
    if (!(e.flags & kTld)) continue;
    std::size_t i = short_slot(e.key, size - 1);
    while (short_tlds_[i] != 0) i = (i + 1) & (size - 1);
    short_tlds_[i] = e.key;
  }
}

void PublicSuffixList::mark(std::string_view name, std::uint8_t flag) {
  if (name.size() <= 8) {
    if (!name.empty()) mark_short(pack_short(name), flag);
    return;
  }
  if ((used_ + 1) * 2 > table_.size()) {
    std::vector<Entry> old = std::move(table_);
    table_.assign(old.empty() ? 1024 : old.size() * 2, Entry{});
    used_ = 0;
    for (Entry& e : old)
      if (e.flags) mark(e.name, e.flags);
  }
  std::uint64_t h = hash(name);
  filter_[(h >> 6) & (kFilterWords - 1)] |= 1ull << (h & 63);
  std::size_t mask = table_.size() - 1;
  for (std::size_t i = (h >> 20) & mask;; i = (i + 1) & mask) {
    Entry& e = table_[i];
    if (e.flags == 0) {
      e.name = std::string(name);
      e.hash = h;
      e.flags = flag;
      ++used_;
      return;
    }
    if (e.hash == h && e.name == name) {
      e.flags |= flag;
      return;
    }
  }
}

void PublicSuffixList::add_rule(std::string_view rule) {
  std::uint8_t flag = kRule;
  if (rule.starts_with("!")) {
    flag = kException;
    rule.remove_prefix(1);
  } else if (rule.starts_with("*.")) {
    flag = kWildcard;
    rule.remove_prefix(2);
  }
  // Rules are stored as A-labels so that lookups work on the extractor's normalized names.
  std::string ascii;
  std::size_t begin = 0;
  while (begin <= rule.size()) {
    std::size_t dot = rule.find('.', begin);
    std::string_view label =
        rule.substr(begin, dot == std::string_view::npos ? rule.size() - begin : dot - begin);
    if (label.empty() || label == "*") return;  // inner wildcards are not used by the list
    if (!ascii.empty()) ascii.push_back('.');
    if (!idna::label_to_ascii(label, ascii)) return;
    if (dot == std::string_view::npos) break;
    begin = dot + 1;
  }
  ++rule_count_;
  mark(ascii, flag);
  // Every proper suffix is a branch (a wildcard's base is one too: "*.ck" extends "ck").
  std::string_view rest = ascii;
  if (flag == kWildcard) mark(rest, kBranch);
  for (std::size_t dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
    rest.remove_prefix(dot + 1);
    mark(rest, kBranch);
  }
  mark(rest, kTld);
}

std::unique_ptr<PublicSuffixList> PublicSuffixList::builtin() {
  auto list = std::unique_ptr<PublicSuffixList>(new PublicSuffixList());
  for (std::string_view rule : kBuiltinRules) list->add_rule(rule);
  list->builtin_ = true;
  list->build_short_tlds();
  list->source_ = "built-in list of common suffixes";
  return list;
}

std::unique_ptr<PublicSuffixList> PublicSuffixList::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return builtin();
  auto list = std::unique_ptr<PublicSuffixList>(new PublicSuffixList());
  std::string line;
  bool in_icann = false;
  while (std::getline(in, line)) {
    std::string_view view = line;
    if (view.find("===BEGIN ICANN DOMAINS===") != std::string_view::npos) in_icann = true;
    if (view.find("===END ICANN DOMAINS===") != std::string_view::npos) in_icann = false;
    if (!in_icann || view.starts_with("//")) continue;
    // A rule is the first whitespace-delimited word of its line.
    std::size_t end = view.find_first_of(" \t\r");
    view = view.substr(0, end);
    if (view.empty()) continue;
    list->add_rule(view);
  }
  if (list->rule_count_ == 0) return builtin();
  list->source_ = path;
  list->build_short_tlds();
  return list;
}

std::size_t PublicSuffixList::suffix_labels(std::string_view domain,
                                            std::size_t label_count) const {
  // Walk from the top-level domain leftwards while some rule is longer than the suffix so far.
  // An exception rule's suffix is the rule minus its first label; otherwise the longest rule
  // (or wildcard) wins.
  std::size_t best = 0;
  std::size_t start = domain.size();
  std::uint8_t parent_flags = 0;
  for (std::size_t labels = 1; labels <= label_count; ++labels) {
    std::size_t dot = start == 0 ? std::string_view::npos : domain.rfind('.', start - 2);
    start = dot == std::string_view::npos ? 0 : dot + 1;
    std::uint8_t f = flags(domain.substr(start));
    if (f & kException) return labels - 1;
    if ((f & kRule) || (parent_flags & kWildcard)) best = labels;
    if (!(f & (kBranch | kWildcard))) break;
    parent_flags = f;
    if (start == 0) break;
  }
  return best;
}

}  // namespace soc
