// Loading and matching of the plain indicator lists under intel/lists/.
#include "enrich/intel_lists.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "enrich/json_fields.hpp"

namespace soc::enrich_detail {
namespace {

constexpr std::size_t kMaxListBytes = 256u << 20;

std::string ip_key(const IpAddress& ip) {
  return "ip:" + canonical_ip(ip);
}
std::string asn_key(std::uint32_t asn) {
  return fmt::format("as:{}", asn);
}
std::string value_key(std::string_view value) {
  return "v:" + to_lower(trim(value));
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// One CSV record (RFC 4180 quoting on a single line; embedded line breaks are not supported).
std::vector<std::string> split_csv_record(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  for (auto& field : fields) field = std::string(trim(field));
  return fields;
}

template <class Visit>
void for_each_line(std::string_view body, Visit visit) {
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    visit(body.substr(start, end - start));
    start = end + 1;
  }
}

void add_unique(std::vector<std::uint16_t>& ids, std::uint16_t id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

std::optional<std::string> read_small_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxListBytes) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

ListKind list_kind_from_name(std::string_view name) {
  if (starts_with_icase(name, "allow")) return ListKind::kAllow;
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t end = start;
    while (end < name.size() && is_alnum(name[end])) ++end;
    const std::string token = to_lower(name.substr(start, end - start));
    if (token == "tor" || token == "asn" || token == "asns" || token.starts_with("bulletproof"))
      return ListKind::kInformational;
    start = end + 1;
  }
  return ListKind::kBlock;
}

std::uint16_t IntelLists::new_list(std::string name) {
  ListInfo info;
  info.kind = list_kind_from_name(name);
  info.name = std::move(name);
  lists_.push_back(std::move(info));
  return static_cast<std::uint16_t>(lists_.size() - 1);
}

void IntelLists::add_entry(std::uint16_t list, std::string_view value,
                           std::string_view declared_type) {
  value = trim(value);
  if (value.empty()) return;
  const std::string type = to_lower(declared_type);
  if (auto range = parse_cidr(value)) {
    add_unique(ranges_.at(*range), list);
    return;
  }
  if (auto ip = parse_ip(value)) {
    add_unique(exact_[ip_key(*ip)], list);
    return;
  }
  const bool says_asn = type == "asn" || type == "as" || type == "autnum";
  const bool looks_asn = starts_with_icase(value, "AS") || type.empty() || says_asn;
  if (looks_asn) {
    if (auto asn = parse_asn_text(value)) {
      add_unique(exact_[asn_key(*asn)], list);
      return;
    }
  }
  add_unique(exact_[value_key(value)], list);
}

void IntelLists::add_text_list(std::string name, std::string_view body) {
  const std::uint16_t list = new_list(std::move(name));
  for_each_line(body, [&](std::string_view line) {
    line = trim(line);
    if (line.empty() || line.front() == '#') return;
    // "192.0.2.1  # seen 2026-01" : the comment starts at a '#' after whitespace; a '#' glued
    // to the value (a URL fragment) stays part of it.
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '#' && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
        line = trim(line.substr(0, i));
        break;
      }
    }
    const auto space = line.find_first_of(" \t");
    add_entry(list, line.substr(0, space), "");
  });
}

void IntelLists::add_csv_list(std::string name, std::string_view body,
                              std::vector<std::string>& warnings) {
  std::optional<std::size_t> type_column;
  std::optional<std::size_t> value_column;
  bool header_seen = false;
  std::uint16_t list = 0;
  for_each_line(body, [&](std::string_view line) {
    line = trim(line);
    if (line.empty() || line.front() == '#') return;
    const auto fields = split_csv_record(line);
    if (!header_seen) {
      header_seen = true;
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (iequals(fields[i], "type")) type_column = i;
        if (iequals(fields[i], "value")) value_column = i;
      }
      if (type_column && value_column) list = new_list(name);
      return;
    }
    if (!type_column || !value_column) return;
    if (*value_column >= fields.size()) return;
    std::string_view type;  // not a ?: with "", which would bind the view to a temporary
    if (*type_column < fields.size()) type = fields[*type_column];
    add_entry(list, fields[*value_column], type);
  });
  if (!type_column || !value_column)
    warnings.push_back(fmt::format("lists: {}.csv has no header naming type,value; skipped", name));
}

IntelLists IntelLists::load(const std::filesystem::path& dir, std::vector<std::string>& warnings) {
  IntelLists lists;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return lists;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto extension = entry.path().extension().string();
    if ((extension == ".txt" || extension == ".csv") && entry.is_regular_file(ec))
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // list order is report order: keep it stable
  for (const auto& path : files) {
    if (lists.lists_.size() >= UINT16_MAX) {
      warnings.push_back("lists: too many list files; the rest were skipped");
      break;
    }
    auto body = read_small_file(path);
    if (!body) {
      warnings.push_back(fmt::format("lists: cannot read {}", path.filename().string()));
      continue;
    }
    std::string name = path.stem().string();
    if (path.extension() == ".csv") {
      lists.add_csv_list(std::move(name), *body, warnings);
    } else {
      lists.add_text_list(std::move(name), *body);
    }
  }
  return lists;
}

std::vector<std::uint16_t> IntelLists::match(const Observable& observable) const {
  std::vector<std::uint16_t> found;
  auto add_all = [&](const std::vector<std::uint16_t>& ids, bool allow_lists_too) {
    for (std::uint16_t id : ids)
      if (allow_lists_too || lists_[id].kind != ListKind::kAllow) add_unique(found, id);
  };
  auto probe = [&](const std::string& key, bool allow_lists_too) {
    auto it = exact_.find(key);
    if (it != exact_.end()) add_all(it->second, allow_lists_too);
  };

  if (is_ip(observable.type)) {
    if (auto ip = parse_ip(observable.value)) {
      probe(ip_key(*ip), true);
      ranges_.for_each_containing(*ip, [&](const auto& ids) { add_all(ids, true); });
    }
  } else if (observable.type == ObservableType::kAsn) {
    if (auto asn = parse_asn_text(observable.value)) probe(asn_key(*asn), true);
  } else {
    probe(value_key(observable.value), true);
    if (observable.type == ObservableType::kDomain || observable.type == ObservableType::kHost) {
      std::string_view parent = trim(observable.value);
      for (auto dot = parent.find('.'); dot != std::string_view::npos; dot = parent.find('.')) {
        parent.remove_prefix(dot + 1);
        if (parent.find('.') == std::string_view::npos) break;  // never a bare TLD
        probe(value_key(parent), false);
      }
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace soc::enrich_detail
