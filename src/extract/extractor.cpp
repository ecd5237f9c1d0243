// The Extractor: field-name rules (users, hosts, processes) plus the free-text scanner.
#include "extract/extractor.hpp"

#include <initializer_list>

#include "extract/ip.hpp"
#include "extract/public_suffix.hpp"
#include "extract/scanner.hpp"

namespace soc {
namespace {

using extract_detail::Found;
using extract_detail::FoundSink;

enum class FieldKind : std::uint8_t { kText, kUser, kHost, kProcess };

bool one_of(std::string_view word, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words)
    if (w == word) return true;
  return false;
}

// Decides from the field's name alone ("user.name", "TargetUserName", "Computer") whether its
// whole value names a user, a host or a process. Array indices and dotted parents are allowed.
FieldKind field_kind(std::string_view field) {
  std::string name;
  name.reserve(field.size());
  bool in_index = false;
  for (char c : field) {
    if (c == '[') in_index = true;
    if (!in_index) name.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    if (c == ']') in_index = false;
  }
  std::string_view view = name;
  std::size_t last_dot = view.rfind('.');
  std::string_view leaf = last_dot == std::string_view::npos ? view : view.substr(last_dot + 1);
  std::string_view rest = last_dot == std::string_view::npos ? "" : view.substr(0, last_dot);
  std::size_t parent_dot = rest.rfind('.');
  std::string_view parent =
      parent_dot == std::string_view::npos ? rest : rest.substr(parent_dot + 1);
  if (one_of(leaf, {"user", "username", "user_name", "account", "accountname", "account_name",
                    "targetusername", "subjectusername", "target_user_name", "subject_user_name",
                    "src_user", "dst_user", "suser", "duser", "userprincipalname", "upn",
                    "samaccountname", "logonuser"}) ||
      (leaf == "name" &&
       (parent == "user" || (parent == "target" && rest.find("user") != std::string_view::npos))))
    return FieldKind::kUser;
  if (one_of(leaf, {"host", "hostname", "host_name", "computer", "computername", "computer_name",
                    "devicename", "device_name", "dvchost", "shost", "dhost", "src_host",
                    "dest_host", "dst_host", "workstation", "workstationname", "netbiosname"}) ||
      (leaf == "name" && parent == "host"))
    return FieldKind::kHost;
  if (one_of(leaf, {"processname", "process_name", "image", "parentimage", "newprocessname",
                    "parentprocessname", "parent_process_name"}) ||
      ((leaf == "name" || leaf == "executable") && (parent == "process" || parent == "parent")))
    return FieldKind::kProcess;
  return FieldKind::kText;
}

bool placeholder(std::string_view value) {
  std::string lowered;
  for (char c : value) lowered.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  return one_of(lowered, {"-", "n/a", "na", "null", "(null)", "none", "unknown", "?"});
}

void field_observable(std::string_view text, FieldKind kind, FoundSink& sink) {
  std::size_t begin = 0, end = text.size();
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (begin < end && space(text[begin])) ++begin;
  while (end > begin && space(text[end - 1])) --end;
  std::string_view value = text.substr(begin, end - begin);
  if (value.empty() || value.size() > 256 || placeholder(value)) return;
  for (char c : value)
    if (static_cast<unsigned char>(c) < 0x20) return;
  std::string normalized(value);
  ObservableType type = ObservableType::kProcess;
  if (kind != FieldKind::kProcess) {
    // Users and hosts are case-insensitive in the directories they come from.
    for (char& c : normalized)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    type = kind == FieldKind::kUser ? ObservableType::kUser : ObservableType::kHost;
    if (kind == FieldKind::kHost && (parse_ipv4(normalized) || parse_ipv6(normalized))) return;
  }
  sink.add(type, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), normalized);
}

class ScanningExtractor final : public Extractor {
 public:
  ScanningExtractor(const ExtractLimits& limits, std::unique_ptr<PublicSuffixList> suffixes)
      : limits_(limits), suffixes_(std::move(suffixes)) {
    config_.suffixes = suffixes_.get();
    config_.max_url_bytes = limits.max_url_bytes;
    info_.source = suffixes_->source();
    info_.builtin = suffixes_->is_builtin();
    info_.rules = suffixes_->rule_count();
  }

  void extract(std::string_view text, std::string_view field, std::vector<Observable>& out,
               ExtractReport& report) const override {
    thread_local std::vector<Found> found;
    run(text, field, found, report);
    out.reserve(out.size() + found.size());
    for (Found& f : found) {
      Observable& o = out.emplace_back();
      o.type = f.type;
      o.value = std::move(f.value);
      o.field = field;
      o.offset = f.start;
      o.original = text.substr(f.start, f.end - f.start);
    }
  }

  void extract_found(std::string_view text, std::string_view field,
                     std::vector<FoundObservable>& out, ExtractReport& report) const override {
    thread_local std::vector<Found> found;
    run(text, field, found, report);
    out.reserve(out.size() + found.size());
    for (Found& f : found) {
      FoundObservable& o = out.emplace_back();
      o.observable.type = f.type;
      o.observable.value = std::move(f.value);
      o.observable.field = field;
      o.observable.offset = f.start;
      o.observable.original = text.substr(f.start, f.end - f.start);
      o.length = f.end - f.start;
    }
  }

  const SuffixListInfo& suffix_list() const override { return info_; }

 private:
  void run(std::string_view text, std::string_view field, std::vector<Found>& found,
           ExtractReport& report) const {
    found.clear();
    std::size_t limit = std::min<std::size_t>(limits_.max_text_bytes, 0xFFFFFFFFu);
    if (text.size() > limit) {
      report.bytes_skipped += text.size() - limit;
      text = text.substr(0, limit);
    }
    report.bytes_scanned += text.size();
    FoundSink sink(found, limits_.max_observables, report);
    // Alerts repeat the same few field names: remember the last answer per thread.
    thread_local std::string last_field;
    thread_local FieldKind last_kind = FieldKind::kText;
    if (field != last_field) {
      last_field.assign(field);
      last_kind = field_kind(field);
    }
    FieldKind kind = last_kind;
    if (kind != FieldKind::kText) field_observable(text, kind, sink);
    extract_detail::scan_text(config_, text, sink);
  }

  ExtractLimits limits_;
  std::unique_ptr<PublicSuffixList> suffixes_;
  extract_detail::ScanConfig config_;
  SuffixListInfo info_;
};

}  // namespace

std::unique_ptr<Extractor> make_extractor(const ExtractLimits& limits,
                                          const std::string& public_suffix_path) {
  return std::make_unique<ScanningExtractor>(limits, PublicSuffixList::load(public_suffix_path));
}

}  // namespace soc
