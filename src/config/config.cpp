// YAML configuration loading with strict key checking.
#include "config/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace soc {

std::string_view to_string(OperatingMode mode) {
  switch (mode) {
    case OperatingMode::kShadow:
      return "shadow";
    case OperatingMode::kAssisted:
      return "assisted";
    case OperatingMode::kSemiAutonomous:
      return "semi_autonomous";
    case OperatingMode::kAutonomous:
      return "autonomous";
  }
  return "assisted";
}

std::map<std::string, std::map<std::string, double>> Config::default_provider_weights() {
  return {
      {"default",
       {{"virustotal", 1.0},
        {"abuseipdb", 0.8},
        {"greynoise", 0.8},
        {"misp", 0.9},
        {"opencti", 0.9},
        {"lists", 0.7},
        {"shodan", 0.3}}},
      // Brute force is about who is knocking: abuse reports and scanner telemetry say most.
      {"brute_force", {{"abuseipdb", 1.0}, {"greynoise", 0.9}, {"virustotal", 0.6}}},
      // Files and lures: engine detections dominate.
      {"phishing", {{"virustotal", 1.0}, {"abuseipdb", 0.5}, {"misp", 1.0}}},
      {"malware", {{"virustotal", 1.0}, {"abuseipdb", 0.4}}},
      // Exfiltration endpoints are rarely reported as abusive; curated intel matters more.
      {"exfiltration", {{"abuseipdb", 0.5}, {"virustotal", 0.9}, {"opencti", 1.0}, {"misp", 1.0}}},
  };
}

double Config::provider_weight(const std::string& category, const std::string& provider) const {
  if (auto it = provider_weights.find(category); it != provider_weights.end())
    if (auto p = it->second.find(provider); p != it->second.end()) return p->second;
  if (auto it = provider_weights.find("default"); it != provider_weights.end())
    if (auto p = it->second.find(provider); p != it->second.end()) return p->second;
  return 0.5;
}

namespace {

struct ConfigError {
  std::string message;
};

void check_keys(const YAML::Node& node, const std::string& where,
                std::initializer_list<const char*> allowed) {
  if (!node || node.IsNull()) return;  // a section whose keys are all commented out: defaults
  if (!node.IsMap()) throw ConfigError{where + " must be a mapping"};
  std::set<std::string> ok(allowed.begin(), allowed.end());
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    if (!ok.count(key)) throw ConfigError{"unknown key '" + key + "' in " + where};
  }
}

template <class T>
void read(const YAML::Node& node, const char* key, T& out, const std::string& where) {
  if (!node || !node[key]) return;
  try {
    out = node[key].as<T>();
  } catch (const YAML::Exception&) {
    throw ConfigError{where + "." + key + " has the wrong type"};
  }
}

// providers.<name>: the common client keys plus the few one vendor has.
void read_provider(const YAML::Node& node, const std::string& name, ProviderSettings& p) {
  const std::string where = "providers." + name;
  if (!node || node.IsNull()) return;
  if (!node.IsMap()) throw ConfigError{where + " must be a mapping"};
  std::set<std::string> allowed{"enabled",          "base_url",         "api_key_env",
                                "api_key_file",     "rate_per_minute",  "daily_quota",
                                "timeout_ms",       "reliability",      "max_retries",
                                "retry_backoff_ms", "breaker_failures", "breaker_cooldown_seconds"};
  if (name == "greynoise") allowed.insert("edition");
  if (name == "rdap") allowed.insert({"bootstrap_dir", "refresh_bootstrap", "bootstrap_url"});
  if (name == "misp") allowed.insert("feeds");
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    if (!allowed.count(key)) throw ConfigError{"unknown key '" + key + "' in " + where};
  }
  read(node, "enabled", p.enabled, where);
  read(node, "base_url", p.base_url, where);
  read(node, "api_key_env", p.api_key_env, where);
  read(node, "api_key_file", p.api_key_file, where);
  read(node, "rate_per_minute", p.rate_per_minute, where);
  read(node, "daily_quota", p.daily_quota, where);
  read(node, "timeout_ms", p.timeout_ms, where);
  read(node, "reliability", p.reliability, where);
  read(node, "max_retries", p.max_retries, where);
  read(node, "retry_backoff_ms", p.retry_backoff_ms, where);
  read(node, "breaker_failures", p.breaker_failures, where);
  read(node, "breaker_cooldown_seconds", p.breaker_cooldown_seconds, where);
  read(node, "edition", p.edition, where);
  read(node, "bootstrap_dir", p.bootstrap_dir, where);
  read(node, "refresh_bootstrap", p.refresh_bootstrap, where);
  read(node, "bootstrap_url", p.bootstrap_url, where);
  read(node, "feeds", p.feeds, where);
}

void read_providers(const YAML::Node& node, ProvidersConfig& pc) {
  check_keys(node, "providers",
             {"offline", "deadline_ms", "cache_dir", "proxy", "cache_ttl_hours", "bulletproof_asns",
              "virustotal", "abuseipdb", "greynoise", "shodan", "rdap", "misp", "opencti"});
  if (!node || node.IsNull()) return;
  read(node, "offline", pc.offline, "providers");
  read(node, "deadline_ms", pc.deadline_ms, "providers");
  read(node, "cache_dir", pc.cache_dir, "providers");
  read(node, "proxy", pc.proxy, "providers");
  read(node, "bulletproof_asns", pc.bulletproof_asns, "providers");
  const auto ttl = node["cache_ttl_hours"];
  check_keys(ttl, "providers.cache_ttl_hours",
             {"ip", "domain", "url", "hash", "other", "not_found"});
  read(ttl, "ip", pc.cache_ttl_hours.ip, "providers.cache_ttl_hours");
  read(ttl, "domain", pc.cache_ttl_hours.domain, "providers.cache_ttl_hours");
  read(ttl, "url", pc.cache_ttl_hours.url, "providers.cache_ttl_hours");
  read(ttl, "hash", pc.cache_ttl_hours.hash, "providers.cache_ttl_hours");
  read(ttl, "other", pc.cache_ttl_hours.other, "providers.cache_ttl_hours");
  read(ttl, "not_found", pc.cache_ttl_hours.not_found, "providers.cache_ttl_hours");
  read_provider(node["virustotal"], "virustotal", pc.virustotal);
  read_provider(node["abuseipdb"], "abuseipdb", pc.abuseipdb);
  read_provider(node["greynoise"], "greynoise", pc.greynoise);
  read_provider(node["shodan"], "shodan", pc.shodan);
  read_provider(node["rdap"], "rdap", pc.rdap);
  read_provider(node["misp"], "misp", pc.misp);
  read_provider(node["opencti"], "opencti", pc.opencti);
}

void read_serve(const YAML::Node& node, ServeConfig& sc) {
  check_keys(node, "serve",
             {"listen", "tls_cert_file", "tls_key_file", "max_body_bytes", "max_alerts_per_request",
              "queue_alerts", "max_backlog", "retry_after_seconds", "http_threads",
              "intake_timeout_ms", "hmac_tolerance_seconds", "sources", "watch"});
  if (!node || node.IsNull()) return;
  read(node, "listen", sc.listen, "serve");
  read(node, "tls_cert_file", sc.tls_cert_file, "serve");
  read(node, "tls_key_file", sc.tls_key_file, "serve");
  read(node, "max_body_bytes", sc.max_body_bytes, "serve");
  read(node, "max_alerts_per_request", sc.max_alerts_per_request, "serve");
  read(node, "queue_alerts", sc.queue_alerts, "serve");
  read(node, "max_backlog", sc.max_backlog, "serve");
  read(node, "retry_after_seconds", sc.retry_after_seconds, "serve");
  read(node, "http_threads", sc.http_threads, "serve");
  read(node, "intake_timeout_ms", sc.intake_timeout_ms, "serve");
  read(node, "hmac_tolerance_seconds", sc.hmac_tolerance_seconds, "serve");
  if (const auto sources = node["sources"]; sources && !sources.IsNull()) {
    if (!sources.IsSequence()) throw ConfigError{"serve.sources must be a list"};
    for (std::size_t i = 0; i < sources.size(); ++i) {
      const std::string where = "serve.sources[" + std::to_string(i) + "]";
      check_keys(
          sources[i], where,
          {"name", "token_env", "token_file", "hmac_secret_env", "hmac_secret_file", "format"});
      WebhookSource source;
      read(sources[i], "name", source.name, where);
      read(sources[i], "token_env", source.token_env, where);
      read(sources[i], "token_file", source.token_file, where);
      read(sources[i], "hmac_secret_env", source.hmac_secret_env, where);
      read(sources[i], "hmac_secret_file", source.hmac_secret_file, where);
      read(sources[i], "format", source.format, where);
      sc.sources.push_back(std::move(source));
    }
  }
  if (const auto watch = node["watch"]; watch && !watch.IsNull()) {
    if (!watch.IsSequence()) throw ConfigError{"serve.watch must be a list"};
    for (std::size_t i = 0; i < watch.size(); ++i) {
      const std::string where = "serve.watch[" + std::to_string(i) + "]";
      check_keys(watch[i], where, {"path", "pattern", "format", "poll_ms", "settle_ms"});
      WatchedDirectory dir;
      read(watch[i], "path", dir.path, where);
      read(watch[i], "pattern", dir.pattern, where);
      read(watch[i], "format", dir.format, where);
      read(watch[i], "poll_ms", dir.poll_ms, where);
      read(watch[i], "settle_ms", dir.settle_ms, where);
      sc.watch.push_back(std::move(dir));
    }
  }
}

// pull: a list of connector entries, each a mapping with a name.
void read_pull(const YAML::Node& node, std::vector<PullSourceConfig>& out) {
  if (!node || node.IsNull()) return;
  if (!node.IsSequence()) throw ConfigError{"pull must be a list of sources"};
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node entry = node[i];
    const std::string where = "pull[" + std::to_string(i) + "]";
    if (!entry.IsMap()) throw ConfigError{where + " must be a mapping"};
    check_keys(entry, where,
               {"name",
                "product",
                "enabled",
                "url",
                "index",
                "time_field",
                "tiebreaker_field",
                "search",
                "query",
                "workspace",
                "tenant",
                "client_id",
                "authority_url",
                "auth",
                "username",
                "secret_env",
                "secret_file",
                "page_size",
                "interval_seconds",
                "lookback_seconds",
                "backfill_seconds",
                "max_pages_per_run",
                "timeout_ms",
                "max_retries",
                "retry_backoff_ms",
                "max_retry_wait_ms"});
    PullSourceConfig p;
    read(entry, "name", p.name, where);
    read(entry, "product", p.product, where);
    read(entry, "enabled", p.enabled, where);
    read(entry, "url", p.url, where);
    read(entry, "index", p.index, where);
    read(entry, "time_field", p.time_field, where);
    read(entry, "tiebreaker_field", p.tiebreaker_field, where);
    read(entry, "search", p.search, where);
    read(entry, "query", p.query, where);
    read(entry, "workspace", p.workspace, where);
    read(entry, "tenant", p.tenant, where);
    read(entry, "client_id", p.client_id, where);
    read(entry, "authority_url", p.authority_url, where);
    read(entry, "auth", p.auth, where);
    read(entry, "username", p.username, where);
    read(entry, "secret_env", p.secret_env, where);
    read(entry, "secret_file", p.secret_file, where);
    read(entry, "page_size", p.page_size, where);
    read(entry, "interval_seconds", p.interval_seconds, where);
    read(entry, "lookback_seconds", p.lookback_seconds, where);
    read(entry, "backfill_seconds", p.backfill_seconds, where);
    read(entry, "max_pages_per_run", p.max_pages_per_run, where);
    read(entry, "timeout_ms", p.timeout_ms, where);
    read(entry, "max_retries", p.max_retries, where);
    read(entry, "retry_backoff_ms", p.retry_backoff_ms, where);
    read(entry, "max_retry_wait_ms", p.max_retry_wait_ms, where);
    out.push_back(std::move(p));
  }
}

// formats: hand-written mappings can be long, so every error here names its line.
std::string line_of(const YAML::Node& node) {
  const int line = node.Mark().line;
  return line >= 0 ? " (line " + std::to_string(line + 1) + ")" : "";
}

void check_mapping_keys(const YAML::Node& node, const std::string& where,
                        std::initializer_list<std::string_view> allowed) {
  if (!node.IsMap()) throw ConfigError{where + " must be a mapping" + line_of(node)};
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      throw ConfigError{"unknown key '" + key + "' in " + where + line_of(kv.first)};
  }
}

std::string scalar_at(const YAML::Node& node, const std::string& where) {
  if (!node.IsScalar()) throw ConfigError{where + " must be text" + line_of(node)};
  return node.Scalar();
}

enum class PathUse { kOneValue, kValues, kTexts };

// The grammar json::Path::compile accepts (parse stage), checked here so that `config check`
// reports a bad path with its line; "" when the path is fine.
std::string path_problem(std::string_view path, PathUse use) {
  if (path.empty()) return "is empty";
  if (path.size() > 512) return "is longer than 512 characters";
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('.', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment.empty()) return "has an empty key (a leading, trailing or doubled '.')";
    if (segment == "*") {
      if (end != path.size()) return "has '*' before its end";
      if (use != PathUse::kTexts) return "ends in '*', which only texts may use";
    } else {
      if (segment.ends_with("[]")) {
        if (use == PathUse::kOneValue)
          return "walks an array with '[]' where one value is expected";
        segment.remove_suffix(2);
        if (segment.empty()) return "has '[]' with no key before it";
      }
      if (segment.find_first_of("[]*") != std::string_view::npos)
        return "uses '[', ']' or '*' other than as a key's \"[]\" suffix or a final \"*\"";
    }
    start = end + 1;
  }
  return {};
}

std::string read_path(const YAML::Node& node, const std::string& where, PathUse use) {
  std::string path = scalar_at(node, where);
  if (auto problem = path_problem(path, use); !problem.empty())
    throw ConfigError{where + ": '" + path + "' " + problem + line_of(node)};
  return path;
}

// One path or a list of paths.
std::vector<std::string> read_paths(const YAML::Node& node, const std::string& where, PathUse use) {
  std::vector<std::string> paths;
  if (node.IsScalar()) {
    paths.push_back(read_path(node, where, use));
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      paths.push_back(read_path(node[i], where + "[" + std::to_string(i) + "]", use));
  } else {
    throw ConfigError{where + " must be a path or a list of paths" + line_of(node)};
  }
  return paths;
}

Severity read_severity_name(const YAML::Node& node, const std::string& where) {
  const std::string name = scalar_at(node, where);
  for (Severity s : {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical})
    if (name == to_string(s)) return s;
  throw ConfigError{where + " must be low, medium, high or critical, not '" + name + "'" +
                    line_of(node)};
}

void read_mapped_severity(const YAML::Node& node, const std::string& where, FormatMapping& m) {
  if (node.IsScalar()) {
    m.severity = read_path(node, where, PathUse::kOneValue);
    return;
  }
  check_mapping_keys(node, where, {"field", "map"});
  if (!node["field"]) throw ConfigError{where + " needs a field" + line_of(node)};
  m.severity = read_path(node["field"], where + ".field", PathUse::kOneValue);
  if (const auto map = node["map"]) {
    if (!map.IsMap())
      throw ConfigError{where + ".map must map source values to severities" + line_of(map)};
    for (const auto& kv : map) {
      const std::string value = scalar_at(kv.first, where + ".map key");
      m.severity_map.emplace_back(value, read_severity_name(kv.second, where + ".map." + value));
    }
  }
}

void read_mapped_fields(const YAML::Node& node, const std::string& where, FormatMapping& m) {
  check_mapping_keys(node, where,
                     {"id", "time", "rule_name", "rule_id", "description", "severity", "outcome",
                      "event_count", "source_country", "techniques", "tactics", "categories"});
  const std::pair<const char*, std::string*> single[] = {{"id", &m.id},
                                                         {"time", &m.time},
                                                         {"rule_name", &m.rule_name},
                                                         {"rule_id", &m.rule_id},
                                                         {"description", &m.description},
                                                         {"outcome", &m.outcome},
                                                         {"event_count", &m.event_count},
                                                         {"source_country", &m.source_country}};
  for (const auto& [key, out] : single)
    if (node[key]) *out = read_path(node[key], where + "." + key, PathUse::kOneValue);
  if (node["severity"]) read_mapped_severity(node["severity"], where + ".severity", m);
  const std::pair<const char*, std::vector<std::string>*> lists[] = {
      {"techniques", &m.techniques}, {"tactics", &m.tactics}, {"categories", &m.categories}};
  for (const auto& [key, out] : lists)
    if (node[key]) *out = read_paths(node[key], where + "." + key, PathUse::kValues);
}

ObservableMapping read_mapped_observable(const YAML::Node& node, const std::string& where) {
  check_mapping_keys(node, where, {"path", "type", "role"});
  if (!node["path"] || !node["type"])
    throw ConfigError{where + " needs a path and a type" + line_of(node)};
  ObservableMapping o;
  o.path = read_path(node["path"], where + ".path", PathUse::kValues);
  const std::string type = scalar_at(node["type"], where + ".type");
  static constexpr std::pair<std::string_view, MappedValueKind> kShapes[] = {
      {"ip", MappedValueKind::kIp},
      {"hash", MappedValueKind::kHash},
      {"address", MappedValueKind::kAddress},
      {"command_line", MappedValueKind::kText},
      {"text", MappedValueKind::kText}};
  bool known = false;
  for (const auto& [name, kind] : kShapes) {
    if (type != name) continue;
    o.kind = kind;
    known = true;
  }
  if (!known) {
    auto fixed = observable_type_from_string(type);
    if (!fixed)
      throw ConfigError{where + ".type: unknown type '" + type +
                        "' (ip, hash, address, command_line, text, or an observable type: ipv4, "
                        "ipv6, domain, url, email, md5, sha1, sha256, sha512, user, host, file, "
                        "process, registry, cve, ...)" +
                        line_of(node["type"])};
    o.type = *fixed;
  }
  if (const auto role_node = node["role"]) {
    if (o.kind == MappedValueKind::kText)
      throw ConfigError{where + ".role: a " + type + " is text for the extractor and has no role" +
                        line_of(role_node)};
    const std::string role = scalar_at(role_node, where + ".role");
    known = false;
    for (Role r : {Role::kSource, Role::kDestination, Role::kSender, Role::kRecipient,
                   Role::kAttachment, Role::kTarget, Role::kActor, Role::kRelated})
      if (role == to_string(r)) {
        o.role = r;
        known = true;
      }
    if (!known)
      throw ConfigError{where + ".role: unknown role '" + role +
                        "' (source, destination, sender, recipient, attachment, target, actor, "
                        "related)" +
                        line_of(role_node)};
  }
  return o;
}

FieldCondition read_condition(const YAML::Node& node, const std::string& where) {
  check_mapping_keys(node, where, {"field", "equals"});
  if (!node["field"]) throw ConfigError{where + " needs a field" + line_of(node)};
  FieldCondition c;
  c.field = read_path(node["field"], where + ".field", PathUse::kValues);
  if (const auto equals = node["equals"]) {
    if (!equals.IsScalar())
      throw ConfigError{where + ".equals must be text or a number" + line_of(equals)};
    c.equals = equals.Scalar();
  }
  return c;
}

FormatMapping read_mapping(const YAML::Node& node, const std::string& where) {
  check_mapping_keys(node, where, {"name", "match", "fields", "observables", "texts"});
  FormatMapping m;
  m.line = node.Mark().line + 1;
  if (node["name"]) m.name = scalar_at(node["name"], where + ".name");
  const std::string named = where + " (" + m.name + ")";
  if (const auto match = node["match"]; match && !match.IsNull()) {
    if (match.IsSequence()) {
      for (std::size_t i = 0; i < match.size(); ++i)
        m.match.push_back(read_condition(match[i], named + ".match[" + std::to_string(i) + "]"));
    } else {
      m.match.push_back(read_condition(match, named + ".match"));
    }
  }
  if (!node["fields"] || !node["fields"].IsMap())
    throw ConfigError{named + " needs fields (at least time and rule_name)" + line_of(node)};
  read_mapped_fields(node["fields"], named + ".fields", m);
  if (const auto observables = node["observables"]; observables && !observables.IsNull()) {
    if (!observables.IsSequence())
      throw ConfigError{named + ".observables must be a list" + line_of(observables)};
    for (std::size_t i = 0; i < observables.size(); ++i)
      m.observables.push_back(read_mapped_observable(
          observables[i], named + ".observables[" + std::to_string(i) + "]"));
  }
  if (const auto texts = node["texts"]; texts && !texts.IsNull())
    m.texts = read_paths(texts, named + ".texts", PathUse::kTexts);
  return m;
}

void read_formats(const YAML::Node& node, FormatsConfig& formats) {
  if (!node || node.IsNull()) return;
  check_mapping_keys(node, "formats", {"mappings"});
  const auto mappings = node["mappings"];
  if (!mappings || mappings.IsNull()) return;
  if (!mappings.IsSequence())
    throw ConfigError{"formats.mappings must be a list" + line_of(mappings)};
  for (std::size_t i = 0; i < mappings.size(); ++i)
    formats.mappings.push_back(
        read_mapping(mappings[i], "formats.mappings[" + std::to_string(i) + "]"));
}

Config from_yaml(const YAML::Node& root) {
  Config c;
  if (!root || root.IsNull()) return c;
  check_keys(
      root, "the configuration",
      {"mode", "organization", "thresholds", "correlation", "rules", "actions", "limits", "store",
       "context_dir", "data_dir", "scoring", "providers", "serve", "pull", "formats"});
  if (root["mode"]) {
    const auto mode = root["mode"].as<std::string>();
    if (mode == "shadow")
      c.mode = OperatingMode::kShadow;
    else if (mode == "assisted")
      c.mode = OperatingMode::kAssisted;
    else if (mode == "semi_autonomous")
      c.mode = OperatingMode::kSemiAutonomous;
    else if (mode == "autonomous")
      c.mode = OperatingMode::kAutonomous;
    else
      throw ConfigError{"mode must be shadow, assisted, semi_autonomous or autonomous, not '" +
                        mode + "'"};
  }
  const auto org = root["organization"];
  check_keys(org, "organization",
             {"name", "utc_offset_minutes", "business_hours_start", "business_hours_end",
              "internal_domains"});
  read(org, "name", c.organization.name, "organization");
  read(org, "utc_offset_minutes", c.organization.utc_offset_minutes, "organization");
  read(org, "business_hours_start", c.organization.business_hours_start, "organization");
  read(org, "business_hours_end", c.organization.business_hours_end, "organization");
  read(org, "internal_domains", c.organization.internal_domains, "organization");
  const auto th = root["thresholds"];
  check_keys(th, "thresholds", {"critical", "true_positive", "review", "auto_close"});
  read(th, "critical", c.thresholds.critical, "thresholds");
  read(th, "true_positive", c.thresholds.true_positive, "thresholds");
  read(th, "review", c.thresholds.review, "thresholds");
  read(th, "auto_close", c.thresholds.auto_close, "thresholds");
  const auto co = root["correlation"];
  check_keys(co, "correlation",
             {"burst_alerts", "burst_window_minutes", "kill_chain_window_hours", "history_days",
              "related_alert_window_hours"});
  read(co, "burst_alerts", c.correlation.burst_alerts, "correlation");
  read(co, "burst_window_minutes", c.correlation.burst_window_minutes, "correlation");
  read(co, "kill_chain_window_hours", c.correlation.kill_chain_window_hours, "correlation");
  read(co, "history_days", c.correlation.history_days, "correlation");
  read(co, "related_alert_window_hours", c.correlation.related_alert_window_hours, "correlation");
  const auto ru = root["rules"];
  check_keys(ru, "rules",
             {"critical_asset_roles", "critical_database_tags", "critical_criticality_is_p1",
              "vip_notify", "vip_groups"});
  read(ru, "critical_asset_roles", c.rules.critical_asset_roles, "rules");
  read(ru, "critical_database_tags", c.rules.critical_database_tags, "rules");
  read(ru, "critical_criticality_is_p1", c.rules.critical_criticality_is_p1, "rules");
  read(ru, "vip_notify", c.rules.vip_notify, "rules");
  read(ru, "vip_groups", c.rules.vip_groups, "rules");
  const auto ac = root["actions"];
  check_keys(ac, "actions", {"block_ip_days"});
  read(ac, "block_ip_days", c.actions.block_ip_days, "actions");
  const auto li = root["limits"];
  check_keys(li, "limits", {"max_alert_bytes", "max_json_depth"});
  read(li, "max_alert_bytes", c.limits.max_alert_bytes, "limits");
  read(li, "max_json_depth", c.limits.max_json_depth, "limits");
  const auto st = root["store"];
  check_keys(st, "store", {"path", "batch_size", "synchronous_full", "compression"});
  read(st, "path", c.store.path, "store");
  read(st, "batch_size", c.store.batch_size, "store");
  read(st, "synchronous_full", c.store.synchronous_full, "store");
  read(st, "compression", c.store.compression, "store");
  read(root, "context_dir", c.context_dir, "");
  read(root, "data_dir", c.data_dir, "");
  const auto sc = root["scoring"];
  check_keys(sc, "scoring", {"provider_weights"});
  if (sc && sc.IsMap() && sc["provider_weights"] && !sc["provider_weights"].IsNull()) {
    const auto pw = sc["provider_weights"];
    if (!pw.IsMap()) throw ConfigError{"scoring.provider_weights must be a mapping"};
    for (const auto& category : pw) {
      const auto name = category.first.as<std::string>();
      if (!category.second.IsMap())
        throw ConfigError{"scoring.provider_weights." + name + " must be a mapping"};
      for (const auto& provider : category.second) {
        try {
          c.provider_weights[name][provider.first.as<std::string>()] = provider.second.as<double>();
        } catch (const YAML::Exception&) {
          throw ConfigError{"scoring.provider_weights." + name + "." +
                            provider.first.as<std::string>() + " must be a number"};
        }
      }
    }
  }
  read_providers(root["providers"], c.providers);
  read_serve(root["serve"], c.serve);
  read_pull(root["pull"], c.pull);
  read_formats(root["formats"], c.formats);
  return c;
}

bool is_url_root(const std::string& url) {
  return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

bool is_env_name(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char ch : name)
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
          ch == '_'))
      return false;
  return true;
}

bool is_asn_text(std::string text) {
  if (text.size() > 2 && (text[0] == 'A' || text[0] == 'a') && (text[1] == 'S' || text[1] == 's'))
    text = text.substr(2);
  if (text.empty() || text.size() > 10) return false;
  for (char ch : text)
    if (ch < '0' || ch > '9') return false;
  return std::stoull(text) <= 0xFFFFFFFFull;
}

Status validate_provider(const std::string& name, const ProviderSettings& p) {
  const std::string where = "providers." + name;
  auto bad = [&](const std::string& what) {
    return fail(ErrorCode::kConfigError, where + "." + what);
  };
  if (!p.base_url.empty() && !is_url_root(p.base_url))
    return bad("base_url must start with https:// or http://");
  if (p.enabled && p.base_url.empty() && name != "rdap")
    return bad("base_url is required when enabled");
  if (!p.api_key_env.empty() && !is_env_name(p.api_key_env))
    return bad("api_key_env must name an environment variable (letters, digits, '_')");
  const bool key_optional = name == "rdap" || (name == "greynoise" && p.edition == "community");
  if (p.enabled && !key_optional && p.api_key_env.empty() && p.api_key_file.empty())
    return bad("api_key_env or api_key_file is required when enabled");
  if (p.rate_per_minute < 1 || p.rate_per_minute > 1000000)
    return bad("rate_per_minute must be within 1..1000000");
  if (p.daily_quota < 0) return bad("daily_quota must be >= 0 (0: no daily limit)");
  if (p.timeout_ms < 100 || p.timeout_ms > 120000)
    return bad("timeout_ms must be within 100..120000");
  if (p.reliability < 0 || p.reliability > 1) return bad("reliability must be within 0..1");
  if (p.max_retries < 0 || p.max_retries > 5) return bad("max_retries must be within 0..5");
  if (p.retry_backoff_ms < 0 || p.retry_backoff_ms > 10000)
    return bad("retry_backoff_ms must be within 0..10000");
  if (p.breaker_failures < 1 || p.breaker_failures > 1000)
    return bad("breaker_failures must be within 1..1000");
  if (p.breaker_cooldown_seconds < 1 || p.breaker_cooldown_seconds > 86400)
    return bad("breaker_cooldown_seconds must be within 1..86400");
  if (name == "greynoise" && p.edition != "community" && p.edition != "enterprise")
    return bad("edition must be community or enterprise");
  if (name == "rdap" && !p.bootstrap_url.empty() && !is_url_root(p.bootstrap_url))
    return bad("bootstrap_url must start with https:// or http://");
  for (const auto& feed : p.feeds)
    if (!is_url_root(feed)) return bad("feeds entries must start with https:// or http://");
  return {};
}

Status validate_serve(const ServeConfig& sc) {
  auto bad = [](const std::string& what) { return fail(ErrorCode::kConfigError, "serve." + what); };
  const auto colon = sc.listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == sc.listen.size())
    return bad("listen must be host:port, got '" + sc.listen + "'");
  if (sc.tls_cert_file.empty() != sc.tls_key_file.empty())
    return bad("tls_cert_file and tls_key_file go together");
  if (sc.max_body_bytes < 1024) return bad("max_body_bytes must be >= 1024");
  if (sc.max_alerts_per_request < 1) return bad("max_alerts_per_request must be >= 1");
  if (sc.queue_alerts < 1) return bad("queue_alerts must be >= 1");
  if (sc.max_backlog < 1) return bad("max_backlog must be >= 1");
  if (sc.retry_after_seconds < 1 || sc.retry_after_seconds > 3600)
    return bad("retry_after_seconds must be within 1..3600");
  if (sc.http_threads < 1 || sc.http_threads > 256)
    return bad("http_threads must be within 1..256");
  if (sc.intake_timeout_ms < 100) return bad("intake_timeout_ms must be >= 100");
  if (sc.hmac_tolerance_seconds < 1) return bad("hmac_tolerance_seconds must be >= 1");
  std::set<std::string> names;
  for (const auto& source : sc.sources) {
    if (source.name.empty()) return bad("sources: every source needs a name");
    for (char ch : source.name)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.')
        return bad("sources: name '" + source.name + "' may hold letters, digits, - _ . only");
    if (!names.insert(source.name).second)
      return bad("sources: name '" + source.name + "' is used twice");
    if (source.token_env.empty() == source.token_file.empty())
      return bad("sources." + source.name + ": set exactly one of token_env and token_file");
    if (!source.hmac_secret_env.empty() && !source.hmac_secret_file.empty())
      return bad("sources." + source.name +
                 ": set at most one of hmac_secret_env and "
                 "hmac_secret_file");
  }
  for (const auto& dir : sc.watch) {
    if (dir.path.empty()) return bad("watch: every entry needs a path");
    if (dir.poll_ms < 10 || dir.settle_ms < 0)
      return bad("watch." + dir.path + ": poll_ms >= 10, settle_ms >= 0");
  }
  return {};
}

Status validate_pull_source(const PullSourceConfig& p) {
  const std::string where = "pull." + (p.name.empty() ? std::string("<unnamed>") : p.name);
  auto bad = [&](const std::string& what) {
    return fail(ErrorCode::kConfigError, where + ": " + what);
  };
  if (p.name.empty()) return bad("every source needs a name");
  for (char ch : p.name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.')
      return bad("name may hold letters, digits, - _ . only");
  const bool search_after = p.product == "elastic" || p.product == "wazuh";
  const bool sentinel = p.product == "sentinel";
  if (!search_after && !sentinel && p.product != "splunk")
    return bad("product must be elastic, splunk, sentinel or wazuh, not '" + p.product + "'");
  // A key another product reads is a mistake here, not something to ignore.
  const std::pair<const char*, bool> misplaced[] = {
      {"index", !search_after && !p.index.empty()},
      {"time_field", !search_after && !p.time_field.empty()},
      {"tiebreaker_field", !search_after && !p.tiebreaker_field.empty()},
      {"search", p.product != "splunk" && !p.search.empty()},
      {"query", !sentinel && !p.query.empty()},
      {"workspace", !sentinel && !p.workspace.empty()},
      {"tenant", !sentinel && !p.tenant.empty()},
      {"client_id", !sentinel && !p.client_id.empty()},
      {"authority_url", !sentinel && !p.authority_url.empty()},
  };
  for (const auto& [key, wrong] : misplaced)
    if (wrong) return bad(std::string(key) + " does not apply to product " + p.product);
  if (p.url.empty() && !sentinel) return bad("url is required");
  if (!p.url.empty() && !is_url_root(p.url)) return bad("url must start with https:// or http://");
  if (!p.authority_url.empty() && !is_url_root(p.authority_url))
    return bad("authority_url must start with https:// or http://");
  std::set<std::string> auths;
  if (p.product == "elastic") auths = {"api_key", "basic", "none"};
  if (p.product == "wazuh") auths = {"basic", "none"};
  if (p.product == "splunk") auths = {"bearer", "splunk", "basic"};
  if (sentinel) auths = {"client_credentials"};
  if (!p.auth.empty() && !auths.count(p.auth)) {
    std::string list;
    for (const auto& a : auths) list += (list.empty() ? "" : ", ") + a;
    return bad("auth must be one of " + list + " for " + p.product);
  }
  if (p.auth == "basic" && p.username.empty()) return bad("basic auth needs a username");
  if (!p.secret_env.empty() && !is_env_name(p.secret_env))
    return bad("secret_env must name an environment variable (letters, digits, '_')");
  if (p.auth != "none" && p.secret_env.empty() && p.secret_file.empty())
    return bad("secret_env or secret_file is required");
  if (sentinel && (p.workspace.empty() || p.tenant.empty() || p.client_id.empty()))
    return bad("sentinel needs workspace, tenant and client_id");
  if (p.page_size < 1 || p.page_size > 10000) return bad("page_size must be within 1..10000");
  if (p.interval_seconds < 1 || p.interval_seconds > 86400)
    return bad("interval_seconds must be within 1..86400");
  if (p.lookback_seconds < 0 || p.lookback_seconds > 86400)
    return bad("lookback_seconds must be within 0..86400");
  if (p.backfill_seconds < 0 || p.backfill_seconds > 366 * 86400)
    return bad("backfill_seconds must be within 0..31622400");
  if (p.max_pages_per_run < 1 || p.max_pages_per_run > 100000)
    return bad("max_pages_per_run must be within 1..100000");
  if (p.timeout_ms < 100 || p.timeout_ms > 600000)
    return bad("timeout_ms must be within 100..600000");
  if (p.max_retries < 0 || p.max_retries > 10) return bad("max_retries must be within 0..10");
  if (p.retry_backoff_ms < 0 || p.retry_backoff_ms > 60000)
    return bad("retry_backoff_ms must be within 0..60000");
  if (p.max_retry_wait_ms < 0 || p.max_retry_wait_ms > 3600000)
    return bad("max_retry_wait_ms must be within 0..3600000");
  return {};
}

Status validate_pull(const std::vector<PullSourceConfig>& sources) {
  std::set<std::string> names;
  for (const auto& source : sources) {
    if (auto ok = validate_pull_source(source); !ok) return ok;
    if (!names.insert(source.name).second)
      return fail(ErrorCode::kConfigError, "pull: name '" + source.name + "' is used twice");
  }
  return {};
}

Status validate_providers(const ProvidersConfig& pc) {
  if (pc.deadline_ms < 100 || pc.deadline_ms > 600000)
    return fail(ErrorCode::kConfigError, "providers.deadline_ms must be within 100..600000");
  const auto& t = pc.cache_ttl_hours;
  for (int hours : {t.ip, t.domain, t.url, t.hash, t.other, t.not_found})
    if (hours < 0 || hours > 24 * 365)
      return fail(ErrorCode::kConfigError,
                  "providers.cache_ttl_hours values must be within 0..8760");
  if (!pc.proxy.empty() && !is_url_root(pc.proxy))
    return fail(ErrorCode::kConfigError, "providers.proxy must start with https:// or http://");
  for (const auto& asn : pc.bulletproof_asns)
    if (!is_asn_text(asn))
      return fail(ErrorCode::kConfigError,
                  "providers.bulletproof_asns: '" + asn + "' is not an AS number");
  const std::pair<const char*, const ProviderSettings*> all[] = {
      {"virustotal", &pc.virustotal}, {"abuseipdb", &pc.abuseipdb}, {"greynoise", &pc.greynoise},
      {"shodan", &pc.shodan},         {"rdap", &pc.rdap},           {"misp", &pc.misp},
      {"opencti", &pc.opencti}};
  for (const auto& [name, settings] : all)
    if (auto ok = validate_provider(name, *settings); !ok) return ok;
  return {};
}

Status validate_formats(const FormatsConfig& formats) {
  std::set<std::string> names;
  for (const auto& m : formats.mappings) {
    const std::string where =
        "formats.mappings '" + m.name + "'" +
        (m.line > 0 ? " (line " + std::to_string(m.line) + ")" : std::string());
    auto bad = [&](const std::string& what) {
      return fail(ErrorCode::kConfigError, where + ": " + what);
    };
    if (m.name.empty() || m.name.size() > 64) return bad("name must be 1 to 64 characters");
    for (char ch : m.name)
      if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
        return bad("name may hold lower-case letters, digits, '-' and '_' only");
    if (!names.insert(m.name).second) return bad("name is used twice");
    if (m.time.empty()) return bad("fields.time is required (the alert's own time)");
    if (m.rule_name.empty()) return bad("fields.rule_name is required");
  }
  if (!formats.forced_mapping.empty() && !names.count(formats.forced_mapping))
    return fail(ErrorCode::kConfigError, "--format mapping:" + formats.forced_mapping +
                                             ": no formats.mappings entry has that name");
  return {};
}

}  // namespace

Status validate(const Config& c) {
  const auto& t = c.thresholds;
  if (!(0 <= t.auto_close && t.auto_close <= t.review && t.review <= t.true_positive &&
        t.true_positive <= t.critical && t.critical <= 100))
    return fail(
        ErrorCode::kConfigError,
        "thresholds must satisfy 0 <= auto_close <= review <= true_positive <= critical <= 100");
  if (c.correlation.burst_alerts < 2 || c.correlation.burst_window_minutes < 1)
    return fail(ErrorCode::kConfigError,
                "correlation.burst_alerts must be >= 2 and burst_window_minutes >= 1");
  if (c.correlation.history_days < 1 || c.correlation.kill_chain_window_hours < 1 ||
      c.correlation.related_alert_window_hours < 1)
    return fail(ErrorCode::kConfigError, "correlation windows must be positive");
  if (c.organization.utc_offset_minutes < -14 * 60 || c.organization.utc_offset_minutes > 14 * 60)
    return fail(ErrorCode::kConfigError, "organization.utc_offset_minutes must be within +-840");
  if (c.organization.business_hours_start < 0 || c.organization.business_hours_end > 24 ||
      c.organization.business_hours_start >= c.organization.business_hours_end)
    return fail(ErrorCode::kConfigError,
                "organization business hours must satisfy 0 <= start < end <= 24");
  if (c.limits.max_alert_bytes < 1024 || c.limits.max_json_depth < 8)
    return fail(ErrorCode::kConfigError,
                "limits.max_alert_bytes must be >= 1024 and max_json_depth >= 8");
  if (c.store.batch_size < 1) return fail(ErrorCode::kConfigError, "store.batch_size must be >= 1");
  if (c.store.compression != "lz4" && c.store.compression != "zstd")
    return fail(ErrorCode::kConfigError,
                "store.compression must be lz4 or zstd, got '" + c.store.compression + "'");
  if (c.actions.block_ip_days < 1)
    return fail(ErrorCode::kConfigError, "actions.block_ip_days must be >= 1");
  for (const auto& [category, providers] : c.provider_weights)
    for (const auto& [provider, weight] : providers)
      if (weight < 0 || weight > 2)
        return fail(ErrorCode::kConfigError, "scoring.provider_weights." + category + "." +
                                                 provider + " must be within 0..2");
  if (auto ok = validate_providers(c.providers); !ok) return ok;
  if (auto ok = validate_serve(c.serve); !ok) return ok;
  if (auto ok = validate_pull(c.pull); !ok) return ok;
  if (auto ok = validate_formats(c.formats); !ok) return ok;
  return {};
}

Result<Config> parse_config(const std::string& yaml_text) {
  try {
    Config c = from_yaml(YAML::Load(yaml_text));
    if (auto ok = validate(c); !ok) return std::unexpected(ok.error());
    return c;
  } catch (const ConfigError& e) {
    return fail(ErrorCode::kConfigError, e.message);
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::kConfigError, std::string("YAML: ") + e.what());
  }
}

Result<Config> load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(ErrorCode::kIoError, "cannot open configuration " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_config(buffer.str());
}

}  // namespace soc
