// Loads the public suffix list (ICANN section) and answers suffix questions about a name.
#include "extract/public_suffix.hpp"

#include <cstdint>
#include <fstream>
#include <string>

#include "extract/idna.hpp"

namespace soc {
namespace {

// Used only when the Debian list is missing: the generic and country TLDs seen most in alerts.
constexpr std::string_view kBuiltinRules[] = {
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "mobi",
    "io", "co", "me", "tv", "cc", "ws", "pw", "to", "ai", "app", "dev", "xyz", "top", "online",
    "site", "club", "shop", "store", "tech", "icu", "buzz", "work", "link", "click", "live",
    "cloud", "space", "fun", "website", "page", "win", "bid", "loan", "download", "zip", "mov",
    "uk", "co.uk", "ac.uk", "gov.uk", "org.uk", "ltd.uk", "plc.uk", "me.uk", "de", "fr", "ru",
    "su", "cn", "com.cn", "jp", "co.jp", "ne.jp", "br", "com.br", "au", "com.au", "net.au",
    "in", "co.in", "it", "es", "nl", "eu", "us", "ca", "ch", "se", "no", "pl", "com.pl", "cz",
    "kr", "co.kr", "tk", "ml", "ga", "cf", "gq", "ly", "ua", "com.ua", "ir", "tr", "com.tr",
    "vn", "id", "co.id", "mx", "com.mx", "ar", "com.ar", "za", "co.za", "nz", "co.nz", "be",
    "at", "dk", "fi", "gr", "pt", "ro", "hu", "sk", "il", "co.il", "sg", "com.sg", "hk",
    "com.hk", "tw", "com.tw", "my", "com.my", "ph", "th", "pk", "bd", "ng", "ke", "eg", "sa",
    "ae", "ie", "is", "lt", "lv", "ee", "by", "kz", "ge", "am", "az", "md", "rs", "bg", "hr",
    "si", "ba", "al", "mk", "cl", "pe", "ve", "uy", "py", "bo", "ec", "sh", "so", "ps", "pm",
    "one", "cab", "arpa", "onion"};

}  // namespace

std::size_t PublicSuffixList::Hash::operator()(std::string_view s) const noexcept {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return static_cast<std::size_t>(h);
}

void PublicSuffixList::add_rule(std::string_view rule) {
  Set* target = &rules_;
  if (rule.starts_with("!")) {
    target = &exceptions_;
    rule.remove_prefix(1);
  } else if (rule.starts_with("*.")) {
    target = &wildcards_;
    rule.remove_prefix(2);
  }
  // Rules are stored as A-labels so that lookups work on the extractor's normalized names.
  std::string ascii;
  std::size_t begin = 0;
  while (begin <= rule.size()) {
    std::size_t dot = rule.find('.', begin);
    std::string_view label = rule.substr(begin, dot == std::string_view::npos ? rule.size() - begin
                                                                               : dot - begin);
    if (label.empty()) return;
    if (!ascii.empty()) ascii.push_back('.');
    if (label == "*") {
      ascii += "*";  // inner wildcards do not occur in the ICANN section; keep the rule inert
    } else if (!idna::label_to_ascii(label, ascii)) {
      return;
    }
    if (dot == std::string_view::npos) break;
    begin = dot + 1;
  }
  std::size_t last_dot = ascii.rfind('.');
  tlds_.insert(last_dot == std::string::npos ? ascii : ascii.substr(last_dot + 1));
  target->insert(std::move(ascii));
}

std::unique_ptr<PublicSuffixList> PublicSuffixList::builtin() {
  auto list = std::unique_ptr<PublicSuffixList>(new PublicSuffixList());
  for (std::string_view rule : kBuiltinRules) list->add_rule(rule);
  list->builtin_ = true;
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
  if (list->rules_.empty()) return builtin();
  list->source_ = path;
  return list;
}

std::size_t PublicSuffixList::suffix_labels(std::string_view domain,
                                            std::size_t label_count) const {
  // Longest match first: walk label starts from the left. An exception rule beats the wildcard
  // of the same length, and its suffix is the rule minus its first label.
  std::size_t start = 0;
  for (std::size_t labels = label_count; labels >= 1; --labels) {
    std::string_view suffix = domain.substr(start);
    if (exceptions_.find(suffix) != exceptions_.end()) return labels - 1;
    if (rules_.find(suffix) != rules_.end()) return labels;
    std::size_t dot = suffix.find('.');
    if (dot != std::string_view::npos && wildcards_.find(suffix.substr(dot + 1)) != wildcards_.end())
      return labels;
    if (dot == std::string_view::npos) break;
    start += dot + 1;
  }
  return is_tld(domain.substr(start)) ? 1 : 0;
}

}  // namespace soc
