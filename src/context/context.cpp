// Context directory loading and SIEM-style queries over the event history.
#include "context/context.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/strings.hpp"
#include "parse/json_path.hpp"

namespace soc {

bool Asset::has_tag(std::string_view tag) const {
  return std::any_of(tags.begin(), tags.end(),
                     [&](const std::string& t) { return iequals(t, tag); });
}

bool Event::has_category(std::string_view c) const {
  return icontains(categories, c);
}

Result<std::vector<std::vector<std::string>>> parse_csv(std::string_view text, char separator) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, field_started = false;
  size_t line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == separator) {
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
      if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
      row.clear();
      ++line;
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (quoted)
    return fail(ErrorCode::kParseError,
                "unterminated quoted field starting before line " + std::to_string(line));
  if (field_started || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

std::optional<std::string> slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool truthy(std::string_view v) {
  const auto t = to_lower(trim(v));
  return t == "true" || t == "yes" || t == "1" || t == "y";
}

// Maps header names to column positions; required names must all be present.
Result<std::unordered_map<std::string, size_t>> header_index(
    const std::vector<std::string>& header, std::initializer_list<std::string_view> required,
    const std::string& file) {
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < header.size(); ++i) index[to_lower(trim(header[i]))] = i;
  for (auto name : required)
    if (!index.count(std::string(name)))
      return fail(ErrorCode::kParseError,
                  file + ": header lacks column '" + std::string(name) + "'");
  return index;
}

std::string column(const std::vector<std::string>& row,
                   const std::unordered_map<std::string, size_t>& index, std::string_view name) {
  auto it = index.find(std::string(name));
  if (it == index.end() || it->second >= row.size()) return {};
  return std::string(trim(row[it->second]));
}

// "CORP\\alice", "alice@corp.fr" -> "alice"
std::string account_key(std::string_view user) {
  std::string u = to_lower(trim(user));
  if (auto slash = u.rfind('\\'); slash != std::string::npos) u = u.substr(slash + 1);
  if (auto at = u.find('@'); at != std::string::npos && at > 0) u = u.substr(0, at);
  return u;
}

std::string short_host(std::string_view host) {
  std::string h = to_lower(trim(host));
  const bool looks_like_ip =
      !h.empty() &&
      std::all_of(h.begin(), h.end(),
                  [](char c) {
                    return (c >= '0' && c <= '9') || c == '.' || c == ':' || (c >= 'a' && c <= 'f');
                  }) &&
      h.find_first_of(".:") != std::string::npos && std::isdigit(static_cast<unsigned char>(h[0]));
  if (auto dot = h.find('.'); dot != std::string::npos && !looks_like_ip) h = h.substr(0, dot);
  return h;
}

// Calls parse(line_no, document) for each non-empty line of a JSON-lines file; stops at the
// first error, which names the file and line.
template <class Fn>
Status for_each_json_line(const std::filesystem::path& path, std::string_view all, Fn&& parse) {
  simdjson::dom::parser parser;
  size_t line_no = 0, pos = 0;
  while (pos < all.size()) {
    size_t end = all.find('\n', pos);
    if (end == std::string_view::npos) end = all.size();
    ++line_no;
    const std::string_view line = trim(all.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty()) continue;
    const std::string where = path.string() + ":" + std::to_string(line_no);
    simdjson::dom::element doc;
    if (auto error = parser.parse(line.data(), line.size()).get(doc); error != simdjson::SUCCESS)
      return fail(ErrorCode::kParseError, where + ": " + simdjson::error_message(error));
    if (auto s = parse(where, doc); !s) return s;
  }
  return {};
}

}  // namespace

class ContextLoader {
 public:
  static Status load_assets(Context& c, const std::filesystem::path& path);
  static Status load_identities(Context& c, const std::filesystem::path& path);
  static Status load_host_facts(Context& c, const std::filesystem::path& path);
  static Status load_events(Context& c, const std::filesystem::path& path);
  static Status load_history(Context& c, const std::filesystem::path& path,
                             const NormalizerRegistry& normalizers);
};

Status ContextLoader::load_assets(Context& c, const std::filesystem::path& path) {
  auto text = slurp(path);
  if (!text) return {};
  auto rows = parse_csv(*text);
  if (!rows) return fail(rows.error().code, path.string() + ": " + rows.error().message);
  if (rows->empty()) return {};
  auto index = header_index((*rows)[0], {"host", "ip", "role", "criticality"}, path.string());
  if (!index) return std::unexpected(index.error());
  for (size_t r = 1; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    Asset a;
    a.host = column(row, *index, "host");
    a.ip = column(row, *index, "ip");
    a.role = to_lower(column(row, *index, "role"));
    a.criticality = to_lower(column(row, *index, "criticality"));
    a.owner = column(row, *index, "owner");
    a.os = column(row, *index, "os");
    a.tags = split(column(row, *index, "tags"), ';');
    if (a.host.empty() && a.ip.empty()) continue;
    const size_t pos = c.assets_.size();
    if (!a.host.empty()) {
      c.asset_by_host_[to_lower(a.host)] = pos;
      c.asset_by_host_.try_emplace(short_host(a.host), pos);
    }
    if (!a.ip.empty()) c.asset_by_ip_[to_lower(a.ip)] = pos;
    c.assets_.push_back(std::move(a));
  }
  return {};
}

Status ContextLoader::load_identities(Context& c, const std::filesystem::path& path) {
  auto text = slurp(path);
  if (!text) return {};
  auto rows = parse_csv(*text);
  if (!rows) return fail(rows.error().code, path.string() + ": " + rows.error().message);
  if (rows->empty()) return {};
  auto index = header_index((*rows)[0], {"user"}, path.string());
  if (!index) return std::unexpected(index.error());
  for (size_t r = 1; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    Identity id;
    id.user = column(row, *index, "user");
    id.email = to_lower(column(row, *index, "email"));
    id.display_name = column(row, *index, "display_name");
    id.title = column(row, *index, "title");
    id.department = column(row, *index, "department");
    id.groups = split(column(row, *index, "groups"), ';');
    id.vip = truthy(column(row, *index, "vip"));
    id.privileged = truthy(column(row, *index, "privileged"));
    id.service_account = truthy(column(row, *index, "service_account"));
    id.workstation = column(row, *index, "workstation");
    if (id.user.empty()) continue;
    const size_t pos = c.identities_.size();
    c.identity_by_key_[account_key(id.user)] = pos;
    if (!id.email.empty()) {
      const std::string domain = id.email.substr(id.email.find('@') + 1);
      if (!domain.empty() && id.email.find('@') != std::string::npos &&
          std::find(c.own_domains_.begin(), c.own_domains_.end(), domain) == c.own_domains_.end())
        c.own_domains_.push_back(domain);
      c.identity_by_key_[id.email] = pos;
      c.identity_by_key_.try_emplace(id.email.substr(0, id.email.find('@')), pos);
    }
    c.identities_.push_back(std::move(id));
  }
  return {};
}

Status ContextLoader::load_host_facts(Context& c, const std::filesystem::path& path) {
  auto text = slurp(path);
  if (!text) return {};
  auto rows = parse_csv(*text);
  if (!rows) return fail(rows.error().code, path.string() + ": " + rows.error().message);
  if (rows->empty()) return {};
  auto index = header_index((*rows)[0], {"host", "key", "value"}, path.string());
  if (!index) return std::unexpected(index.error());
  for (size_t r = 1; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    const std::string host = c.host_key(column(row, *index, "host"));
    if (host.empty()) continue;
    c.host_facts_[host].emplace_back(column(row, *index, "key"), column(row, *index, "value"));
  }
  return {};
}

Status ContextLoader::load_events(Context& c, const std::filesystem::path& path) {
  auto text = slurp(path);
  if (!text) return {};
  auto loaded = for_each_json_line(
      path, *text, [&](const std::string& where, simdjson::dom::element doc) -> Status {
        Event e;
        const auto time = parse_time(json::get_string(doc, {"@timestamp", "event.created"}));
        if (!time) return fail(ErrorCode::kParseError, where + ": event has no @timestamp");
        e.time = *time;
        std::vector<std::string> categories;
        json::collect_strings(doc, "event.category", categories);
        e.categories = to_lower(join(categories, ";"));
        e.action = to_lower(json::get_string(doc, {"event.action"}));
        e.outcome = to_lower(json::get_string(doc, {"event.outcome"}));
        e.host = c.host_key(json::get_string(doc, {"host.name", "host.hostname"}));
        e.user = account_key(json::get_string(doc, {"user.name"}));
        e.source_ip = to_lower(json::get_string(doc, {"source.ip"}));
        e.source_host = c.host_key(json::get_string(doc, {"source.address", "source.domain"}));
        if (e.source_host.empty() && !e.source_ip.empty()) e.source_host = c.host_key(e.source_ip);
        e.source_country = json::get_string(doc, {"source.geo.country_iso_code"});
        e.destination_ip = to_lower(json::get_string(doc, {"destination.ip"}));
        e.destination_host =
            c.host_key(json::get_string(doc, {"destination.address", "destination.domain"}));
        if (e.destination_host.empty() && !e.destination_ip.empty())
          e.destination_host = c.host_key(e.destination_ip);
        e.destination_port = static_cast<int>(json::get_int(doc, {"destination.port"}).value_or(0));
        e.process_name = to_lower(json::get_string(doc, {"process.name", "process.executable"}));
        e.process_hash = to_lower(json::get_string(
            doc, {"process.hash.sha256", "process.hash.sha1", "process.hash.md5"}));
        e.file_hash = to_lower(
            json::get_string(doc, {"file.hash.sha256", "file.hash.sha1", "file.hash.md5"}));
        e.file_name = json::get_string(doc, {"file.name"});
        e.email_from =
            to_lower(json::get_string(doc, {"email.from.address", "email.sender.address"}));
        json::collect_strings(doc, "email.to.address", e.email_to);
        for (auto& t : e.email_to) t = to_lower(t);
        c.events_.push_back(std::move(e));
        return {};
      });
  if (!loaded) return loaded;
  std::stable_sort(c.events_.begin(), c.events_.end(),
                   [](const Event& a, const Event& b) { return a.time < b.time; });
  for (std::uint32_t i = 0; i < c.events_.size(); ++i) {
    const Event& e = c.events_[i];
    auto add = [&](auto& index, const std::string& key) {
      if (key.empty()) return;
      auto& list = index[key];
      if (list.empty() || list.back() != i) list.push_back(i);
    };
    add(c.events_by_user_, e.user);
    add(c.events_by_host_, e.host);
    add(c.events_by_host_, e.source_host);
    add(c.events_by_host_, e.destination_host);
    add(c.events_by_hash_, e.file_hash);
    add(c.events_by_hash_, e.process_hash);
    add(c.events_by_email_, e.email_from);
    for (const auto& to : e.email_to) add(c.events_by_email_, to);
  }
  return {};
}

Status ContextLoader::load_history(Context& c, const std::filesystem::path& path,
                                   const NormalizerRegistry& normalizers) {
  auto text = slurp(path);
  if (!text) return {};
  return for_each_json_line(
      path, *text, [&](const std::string& where, simdjson::dom::element doc) -> Status {
        simdjson::dom::element alert_doc;
        if (doc["alert"].get(alert_doc) != simdjson::SUCCESS)
          return fail(ErrorCode::kParseError, where + ": history record has no \"alert\"");
        auto alert = normalizers.normalize(alert_doc, simdjson::minify(alert_doc));
        if (!alert) return fail(alert.error().code, where + ": " + alert.error().message);
        HistoryRecord h;
        h.alert = std::move(*alert);
        h.verdict = json::get_string(doc, {"verdict"});
        if (h.verdict != "TRUE_POSITIVE" && h.verdict != "FALSE_POSITIVE" &&
            h.verdict != "NEEDS_REVIEW")
          return fail(ErrorCode::kParseError,
                      where + ": verdict must be TRUE_POSITIVE, FALSE_POSITIVE or NEEDS_REVIEW");
        h.closed_by = json::get_string(doc, {"closed_by"});
        h.closed_at = parse_time(json::get_string(doc, {"closed_at"}));
        c.history_.push_back(std::move(h));
        return {};
      });
}

Result<std::shared_ptr<const Context>> Context::load(const std::string& dir,
                                                     const NormalizerRegistry& normalizers,
                                                     int utc_offset_minutes) {
  auto c = std::make_shared<Context>();
  c->dir_ = dir;
  c->utc_offset_minutes_ = utc_offset_minutes;
  if (!std::filesystem::is_directory(dir))
    return fail(ErrorCode::kNotFound, "context directory " + dir + " does not exist");
  const std::filesystem::path base(dir);
  // Assets first: the other files resolve host names and IPs through them.
  if (auto s = ContextLoader::load_assets(*c, base / "assets.csv"); !s)
    return std::unexpected(s.error());
  if (auto s = ContextLoader::load_identities(*c, base / "identities.csv"); !s)
    return std::unexpected(s.error());
  if (auto s = ContextLoader::load_host_facts(*c, base / "host_facts.csv"); !s)
    return std::unexpected(s.error());
  if (auto s = ContextLoader::load_events(*c, base / "events.jsonl"); !s)
    return std::unexpected(s.error());
  if (auto s = ContextLoader::load_history(*c, base / "history.jsonl", normalizers); !s)
    return std::unexpected(s.error());
  return std::shared_ptr<const Context>(std::move(c));
}

std::shared_ptr<const Context> Context::empty() {
  return std::make_shared<Context>();
}

const Asset* Context::asset_by_host(std::string_view host) const {
  if (host.empty()) return nullptr;
  auto it = asset_by_host_.find(to_lower(host));
  if (it == asset_by_host_.end()) it = asset_by_host_.find(short_host(host));
  return it == asset_by_host_.end() ? nullptr : &assets_[it->second];
}

const Asset* Context::asset_by_ip(std::string_view ip) const {
  auto it = asset_by_ip_.find(to_lower(ip));
  return it == asset_by_ip_.end() ? nullptr : &assets_[it->second];
}

const Identity* Context::identity(std::string_view user_or_email) const {
  if (user_or_email.empty()) return nullptr;
  std::string key = to_lower(trim(user_or_email));
  auto it = identity_by_key_.find(key);
  if (it == identity_by_key_.end()) it = identity_by_key_.find(account_key(key));
  if (it == identity_by_key_.end() && key.find('@') != std::string::npos)
    it = identity_by_key_.find(key.substr(0, key.find('@')));
  return it == identity_by_key_.end() ? nullptr : &identities_[it->second];
}

std::string Context::host_key(std::string_view host_or_ip) const {
  if (trim(host_or_ip).empty()) return {};
  if (const Asset* a = asset_by_host(host_or_ip))
    return to_lower(a->host.empty() ? a->ip : a->host);
  if (const Asset* a = asset_by_ip(host_or_ip)) return to_lower(a->host.empty() ? a->ip : a->host);
  return to_lower(trim(host_or_ip));
}

std::optional<std::string> Context::host_fact(std::string_view host, std::string_view key) const {
  auto it = host_facts_.find(host_key(host));
  if (it == host_facts_.end()) return std::nullopt;
  for (const auto& [k, v] : it->second)
    if (iequals(k, key)) return v;
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> Context::host_facts(std::string_view host) const {
  auto it = host_facts_.find(host_key(host));
  return it == host_facts_.end() ? std::vector<std::pair<std::string, std::string>>{} : it->second;
}

bool Context::is_own_domain(std::string_view domain) const {
  for (const auto& own : own_domains_)
    if (domain == own || (domain.size() > own.size() && domain.ends_with(own) &&
                          domain[domain.size() - own.size() - 1] == '.'))
      return true;
  return false;
}

int Context::local_hour(TimestampMs t) const {
  return hour_of_day_utc(t + utc_offset_minutes_ * kMinute);
}

namespace {
const std::vector<std::uint32_t>* lookup(
    const std::unordered_map<std::string, std::vector<std::uint32_t>>& index,
    const std::string& key) {
  auto it = index.find(key);
  return it == index.end() ? nullptr : &it->second;
}
}  // namespace

AuthSummary Context::authentications_from(std::string_view source, TimeWindow window,
                                          std::string_view target_host) const {
  AuthSummary s;
  const std::string key = host_key(source);
  const std::string target = host_key(target_host);
  const auto* list = lookup(events_by_host_, key);
  if (!list) return s;
  for (auto i : *list) {
    const Event& e = events_[i];
    if (!window.contains(e.time) || !e.has_category("authentication")) continue;
    if (e.source_host != key && e.source_ip != key) continue;
    if (!target.empty() && e.host != target && e.destination_host != target) continue;
    if (e.outcome == "success") {
      ++s.successes;
      if (!s.first_success || e.time < *s.first_success) s.first_success = e.time;
    } else if (e.outcome == "failure") {
      ++s.failures;
    }
    if (!e.user.empty()) s.users.insert(e.user);
  }
  return s;
}

AuthSummary Context::authentications_of(std::string_view user, TimeWindow window) const {
  AuthSummary s;
  const auto* list = lookup(events_by_user_, account_key(user));
  if (!list) return s;
  for (auto i : *list) {
    const Event& e = events_[i];
    if (!window.contains(e.time) || !e.has_category("authentication")) continue;
    if (e.outcome == "success") {
      ++s.successes;
      if (!s.first_success || e.time < *s.first_success) s.first_success = e.time;
    } else if (e.outcome == "failure") {
      ++s.failures;
    }
  }
  return s;
}

MailActivity Context::mail_activity(std::string_view sender,
                                    const std::vector<std::string>& recipients,
                                    const std::vector<std::string>& hashes,
                                    TimeWindow window) const {
  MailActivity m;
  const std::string from = to_lower(sender);
  std::set<std::string> recipient_hosts;
  for (const auto& r : recipients) {
    const auto* list = lookup(events_by_email_, to_lower(r));
    if (!list) continue;
    for (auto i : *list) {
      const Event& e = events_[i];
      if (!window.contains(e.time)) continue;
      if (!from.empty() && e.email_from != from) continue;
      const auto& a = e.action;
      if (a.find("deliver") != std::string::npos || a.find("receiv") != std::string::npos)
        m.delivered = true;
      if (a.find("open") != std::string::npos || a.find("read") != std::string::npos)
        m.opened = true;
      if (a.find("click") != std::string::npos) m.clicked = true;
      if (a.find("quarantin") != std::string::npos || a.find("block") != std::string::npos ||
          a.find("reject") != std::string::npos)
        m.blocked = true;
      if (!e.host.empty()) recipient_hosts.insert(e.host);
    }
  }
  if (!from.empty())
    if (const auto* list = lookup(events_by_email_, from))
      for (auto i : *list)
        if (window.contains(events_[i].time) && events_[i].email_from == from)
          for (const auto& to : events_[i].email_to) m.recipients.insert(to);
  for (const auto& h : hashes) {
    const auto* list = lookup(events_by_hash_, to_lower(h));
    if (!list) continue;
    for (auto i : *list) {
      const Event& e = events_[i];
      if (!window.contains(e.time)) continue;
      if (e.process_hash == to_lower(h) &&
          (e.has_category("process") || e.action.find("exec") != std::string::npos ||
           e.action.find("start") != std::string::npos)) {
        m.attachment_executed = true;
        if (!e.host.empty()) m.hosts_with_file.insert(e.host);
      } else if (e.file_hash == to_lower(h) && e.has_category("file")) {
        m.attachment_downloaded = true;
        if (!e.host.empty()) m.hosts_with_file.insert(e.host);
      }
    }
  }
  return m;
}

ConnectionSummary Context::connections(std::string_view from_host, std::string_view to_host,
                                       TimeWindow window) const {
  ConnectionSummary s;
  const std::string from = host_key(from_host), to = host_key(to_host);
  const auto* list = lookup(events_by_host_, from);
  if (!list) return s;
  for (auto i : *list) {
    const Event& e = events_[i];
    if (!window.contains(e.time) || e.source_host != from) continue;
    const std::string& dest = e.destination_host.empty() ? e.host : e.destination_host;
    if (dest != to) continue;
    ++s.attempts;
    if (e.outcome != "failure") ++s.successes;
    if (e.destination_port) s.ports.insert(e.destination_port);
  }
  return s;
}

bool Context::process_executed(std::string_view hash, TimeWindow window) const {
  const auto* list = lookup(events_by_hash_, to_lower(hash));
  if (!list) return false;
  for (auto i : *list)
    if (window.contains(events_[i].time) && events_[i].process_hash == to_lower(hash)) return true;
  return false;
}

Baseline Context::user_baseline(std::string_view user, TimeWindow window) const {
  Baseline b;
  const auto* list = lookup(events_by_user_, account_key(user));
  if (!list) return b;
  for (auto i : *list) {
    const Event& e = events_[i];
    if (!window.contains(e.time)) continue;
    ++b.events;
    // For a logon recorded on the target host, host.name is where the account went (a local
    // logon counts too: that host is still one the account normally reaches).
    const std::string& dest = !e.destination_host.empty() ? e.destination_host : e.host;
    if (!dest.empty()) b.destinations.insert(dest);
    if (!e.source_host.empty()) b.source_hosts.insert(e.source_host);
    if (!e.source_country.empty()) b.countries.insert(e.source_country);
    b.hours.insert(local_hour(e.time));
  }
  return b;
}

Baseline Context::host_baseline(std::string_view host, TimeWindow window) const {
  Baseline b;
  const std::string key = host_key(host);
  const auto* list = lookup(events_by_host_, key);
  if (!list) return b;
  for (auto i : *list) {
    const Event& e = events_[i];
    if (!window.contains(e.time) || e.source_host != key) continue;
    ++b.events;
    const std::string& dest = !e.destination_host.empty() ? e.destination_host : e.host;
    if (!dest.empty() && dest != key) b.destinations.insert(dest);
    b.hours.insert(local_hour(e.time));
  }
  return b;
}

}  // namespace soc
