// Subcommand implementations.
#include "cli/commands.hpp"
#include "parse/mapped_normalizer.hpp"

#include <fmt/format.h>
#include <simdjson.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "core/json_writer.hpp"
#include "core/strings.hpp"
#include "engine/engine.hpp"

namespace soc::cli {

void print_error(const std::string& ref, const Error& e) {
  std::string line;
  JsonWriter w(line);
  w.begin_object()
      .field("error", e.message)
      .field("code", error_code_id(e.code))
      .field("input", ref)
      .end_object();
  std::fprintf(stderr, "%s\n", line.c_str());
}

void print_usage_error(const std::string& message) {
  std::string line;
  JsonWriter w(line);
  w.begin_object().field("error", message).field("code", "usage").end_object();
  std::fprintf(stderr, "%s\n", line.c_str());
}

Result<Config> effective_config(const TriageOptions& o) {
  Config config;
  if (!o.config.empty()) {
    auto loaded = load_config(o.config);
    if (!loaded) return loaded;
    config = std::move(*loaded);
  }
  if (!o.context.empty()) config.context_dir = o.context;
  if (!o.db.empty()) config.store.path = o.db;
  if (auto mapping = forced_mapping_name(o.format))
    config.formats.forced_mapping = std::string(*mapping);
  if (!o.mode.empty()) {
    auto parsed = parse_config("mode: " + o.mode);
    if (!parsed) return std::unexpected(parsed.error());
    config.mode = parsed->mode;
  }
  if (auto ok = validate(config); !ok) return std::unexpected(ok.error());
  return config;
}

namespace {

// The printed decision: the text the engine stored, with the audit stamp it got appended
// (what to_json() would write, without serializing the decision a second time).
std::string decision_line(const Decision& decision, const Engine& engine) {
  const std::string_view stored = engine.recorded_decision_json();
  if (!decision.audit || stored.size() < 2 || stored.back() != '}') return to_json(decision);
  std::string line;
  line.reserve(stored.size() + 120);
  line.append(stored.substr(0, stored.size() - 1));
  JsonWriter audit(line);
  line += ",\"audit\":";
  audit.begin_object()
      .field("record", decision.audit->record)
      .field("hash", decision.audit->hash)
      .end_object();
  line += '}';
  return line;
}

Result<std::optional<SourceFormat>> forced_format(const std::string& name) {
  // "mapping:<name>" forces a configured mapping: the registry does that, not a built-in format.
  if (name.empty() || name == "auto" || forced_mapping_name(name))
    return std::optional<SourceFormat>{};
  auto f = source_format_from_string(name);
  if (!f) return fail(ErrorCode::kInvalidArgument, "unknown --format " + name);
  return std::optional<SourceFormat>{*f};
}

Result<std::unique_ptr<Store>> open_store(const Config& config, const Clock& clock) {
  return open_sqlite_store(sqlite_options(config.store), clock);
}

}  // namespace

void add_common_options(CLI::App& cmd, TriageOptions& o) {
  cmd.add_option("--config", o.config, "YAML configuration (default: built-in SPEC defaults)");
  cmd.add_option("--context", o.context,
                 "Context directory (contract/CONTEXT.md); overrides the configuration");
  cmd.add_option("--db", o.db, "SQLite store (default: in memory, nothing persisted)");
  cmd.add_option("--format", o.format,
                 "auto, ecs, splunk, sentinel, secops, wazuh, ocsf, cef, generic, or "
                 "mapping:<name> (formats.mappings)");
  cmd.add_option("--output", o.output, "json or text (default: json unless stdout is a terminal)")
      ->check(CLI::IsMember({"json", "text"}));
  cmd.add_option("--mode", o.mode, "Operating mode: shadow, assisted, semi_autonomous, autonomous")
      ->check(CLI::IsMember({"shadow", "assisted", "semi_autonomous", "autonomous"}));
}

int run_triage(const TriageOptions& o) {
  auto config = effective_config(o);
  if (!config) {
    print_usage_error(config.error().message);
    return kExitUsage;
  }
  auto format = forced_format(o.format);
  if (!format) {
    print_usage_error(format.error().message);
    return kExitUsage;
  }
  auto kb = load_knowledge(*config);
  if (!kb) {
    print_error(config->context_dir, kb.error());
    return kExitFailure;
  }
  SystemClock clock;
  std::unique_ptr<Store> store;
  if (!config->store.path.empty()) {
    auto opened = open_store(*config, clock);
    if (!opened) {
      print_error(config->store.path, opened.error());
      return kExitFailure;
    }
    store = std::move(*opened);
  }
  auto intel = load_intel(*config, clock);
  if (!intel) {
    print_error("providers", intel.error());
    return kExitUsage;
  }
  for (const auto& warning : (*intel)->warnings())
    print_error("providers", Error{ErrorCode::kConfigError, warning});
  Engine engine(*config, std::move(*kb), *intel, std::move(store), clock);
  if (auto primed = engine.prime(); !primed) {
    print_error("history", primed.error());
    return kExitFailure;
  }
  const bool text = o.output == "text" || (o.output.empty() && isatty(STDOUT_FILENO));
  const std::vector<std::string> files = o.files.empty() ? std::vector<std::string>{"-"} : o.files;
  ReadLimits limits;
  limits.max_alert_bytes = static_cast<size_t>(config->limits.max_alert_bytes);
  limits.max_depth = static_cast<size_t>(config->limits.max_json_depth);
  bool rejected = false, failed = false;
  for (const auto& file : files) {
    auto content = file == "-" ? read_stream_stdin() : read_file(file);
    if (!content) {
      print_error(file, content.error());
      failed = true;
      continue;
    }
    const std::string name = file == "-" ? "stdin" : file;
    for (const auto& record : split_records(*content, name, limits)) {
      auto outcome = engine.triage(record, *format);
      if (outcome.error) {
        print_error(outcome.ref, *outcome.error);
        rejected = true;
        if (outcome.error->code == ErrorCode::kStoreError) failed = true;
        continue;
      }
      const std::string line =
          text ? to_text(*outcome.decision) : decision_line(*outcome.decision, engine);
      std::fwrite(line.data(), 1, line.size(), stdout);
      if (!text) std::fputc('\n', stdout);
    }
  }
  if (auto flushed = engine.flush(); !flushed) {
    print_error(config->store.path, flushed.error());
    return kExitFailure;
  }
  std::fflush(stdout);
  if (failed) return kExitFailure;
  return rejected ? kExitRejected : kExitOk;
}

int run_extract(const std::vector<std::string>& input_files) {
  const std::vector<std::string> files =
      input_files.empty() ? std::vector<std::string>{"-"} : input_files;
  auto extractor = make_extractor();
  NormalizerRegistry normalizers;
  register_builtin_normalizers(normalizers);
  simdjson::dom::parser parser;
  int status = kExitOk;
  auto print = [](const Observable& o) {
    std::string line;
    JsonWriter w(line);
    w.begin_object()
        .field("type", to_string(o.type))
        .field("value", o.value)
        .field("field", o.field);
    if (o.role != Role::kNone) w.field("role", to_string(o.role));
    w.field("offset", static_cast<std::int64_t>(o.offset)).end_object();
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
  };
  for (const auto& file : files) {
    auto content = file == "-" ? read_stream_stdin() : read_file(file);
    if (!content) {
      print_error(file, content.error());
      status = kExitFailure;
      continue;
    }
    // JSON alerts: structured fields with their roles, then free text. Anything else: plain text.
    auto records = split_records(*content, file == "-" ? "stdin" : file, ReadLimits{});
    bool all_json = !records.empty();
    for (const auto& r : records) all_json = all_json && !r.error && r.kind == RecordKind::kJson;
    if (!all_json) {
      std::vector<Observable> found;
      ExtractReport report;
      extractor->extract(*content, "text", found, report);
      for (const auto& o : found) print(o);
      if (report.bytes_skipped || report.observables_dropped)
        print_error(file, Error{ErrorCode::kTooLarge,
                                fmt::format("{} bytes not scanned, {} observables over the cap",
                                            report.bytes_skipped, report.observables_dropped)});
      continue;
    }
    for (const auto& r : records) {
      simdjson::dom::element doc;
      if (parser.parse(r.bytes).get(doc) != simdjson::SUCCESS) continue;
      auto alert = normalizers.normalize(doc, r.bytes);
      std::vector<Observable> found;
      if (alert) {
        found = alert->observables;
        for (const auto& t : alert->texts) {
          ExtractReport report;
          extractor->extract(t.text, t.field, found, report);
        }
      } else {
        ExtractReport report;
        extractor->extract(r.bytes, "json", found, report);
      }
      std::vector<Observable> unique;
      for (auto& o : found)
        if (std::none_of(unique.begin(), unique.end(),
                         [&](const Observable& u) { return u.same_indicator(o); }))
          unique.push_back(std::move(o));
      for (const auto& o : unique) print(o);
    }
  }
  return status;
}

int run_audit_verify(const std::string& db) {
  SystemClock clock;
  SqliteOptions options;
  options.path = db;
  auto store = open_sqlite_store(options, clock);
  if (!store) {
    print_error(db, store.error());
    return kExitFailure;
  }
  auto report = (*store)->verify_audit();
  if (!report) {
    print_error(db, report.error());
    return kExitFailure;
  }
  std::string line;
  JsonWriter w(line);
  w.begin_object().field("ok", report->ok).field("records_checked", report->records_checked);
  if (report->first_bad_record) w.field("first_bad_record", *report->first_bad_record);
  if (!report->problem.empty()) w.field("problem", report->problem);
  w.end_object();
  std::printf("%s\n", line.c_str());
  return report->ok ? kExitOk : kExitFailure;
}

namespace {

struct Comparable {
  std::string classification, severity, priority, escalation;
  std::int64_t risk_score = 0;
  std::vector<std::string> actions;
};

Comparable comparable_from_json(simdjson::dom::element doc) {
  Comparable c;
  std::string_view s;
  if (doc["classification"].get(s) == simdjson::SUCCESS) c.classification = s;
  if (doc["severity"].get(s) == simdjson::SUCCESS) c.severity = s;
  if (doc["priority"].get(s) == simdjson::SUCCESS) c.priority = s;
  if (doc["escalation"]["level"].get(s) == simdjson::SUCCESS) c.escalation = s;
  if (doc["risk_score"].get(c.risk_score) != simdjson::SUCCESS) c.risk_score = -1;
  simdjson::dom::array actions;
  if (doc["actions"].get(actions) == simdjson::SUCCESS)
    for (simdjson::dom::element a : actions) {
      std::string_view type, target, status;
      if (a["type"].get(type) != simdjson::SUCCESS) type = "";
      if (a["target"].get(target) != simdjson::SUCCESS) target = "";
      if (a["status"].get(status) != simdjson::SUCCESS) status = "";
      c.actions.push_back(fmt::format("{} {} [{}]", type, target, status));
    }
  return c;
}

}  // namespace

int run_replay(const TriageOptions& o) {
  if (o.db.empty()) {
    print_usage_error("replay needs --db");
    return kExitUsage;
  }
  auto config = effective_config(o);
  if (!config) {
    print_usage_error(config.error().message);
    return kExitUsage;
  }
  SystemClock clock;
  SqliteOptions options;
  options.path = o.db;
  auto stored_store = open_sqlite_store(options, clock);
  if (!stored_store) {
    print_error(o.db, stored_store.error());
    return kExitFailure;
  }
  auto triages = (*stored_store)->load_triages();
  if (!triages) {
    print_error(o.db, triages.error());
    return kExitFailure;
  }
  Config replay_config = *config;
  replay_config.store.path.clear();  // a replay never writes to the store it reads
  replay_config.providers.offline =
      true;  // and reads intelligence from the cache, never the network
  auto kb = load_knowledge(replay_config);
  if (!kb) {
    print_error(replay_config.context_dir, kb.error());
    return kExitFailure;
  }
  auto intel = load_intel(replay_config, clock);
  if (!intel) {
    print_error("providers", intel.error());
    return kExitUsage;
  }
  Engine engine(replay_config, std::move(*kb), *intel, nullptr, clock);
  if (auto primed = engine.prime(); !primed) {
    print_error("history", primed.error());
    return kExitFailure;
  }
  simdjson::dom::parser parser;
  std::size_t changed = 0;
  for (const auto& t : *triages) {
    InputRecord record{t.alert_id, RecordKind::kJson, t.raw, std::nullopt};
    auto outcome = engine.triage(record, source_format_from_string(t.format));
    simdjson::dom::element before_doc;
    if (parser.parse(t.decision_json).get(before_doc) != simdjson::SUCCESS) {
      print_error(t.alert_id,
                  Error{ErrorCode::kIntegrityError, "stored decision is not valid JSON"});
      continue;
    }
    const Comparable before = comparable_from_json(before_doc);
    if (!outcome.decision) {
      print_error(t.alert_id, *outcome.error);
      continue;
    }
    const std::string after_json = to_json(*outcome.decision, false);
    simdjson::dom::parser after_parser;
    simdjson::dom::element after_doc;
    if (after_parser.parse(after_json).get(after_doc) != simdjson::SUCCESS) continue;
    const Comparable after = comparable_from_json(after_doc);
    std::string line;
    JsonWriter w(line);
    w.begin_object().field("alert_id", t.alert_id).key("changes").begin_object();
    bool any = false;
    auto diff = [&](std::string_view field, const auto& a, const auto& b) {
      if (a == b) return;
      any = true;
      w.key(field).begin_object().field("before", a).field("after", b).end_object();
    };
    diff("classification", before.classification, after.classification);
    diff("severity", before.severity, after.severity);
    diff("priority", before.priority, after.priority);
    diff("risk_score", before.risk_score, after.risk_score);
    diff("escalation", before.escalation, after.escalation);
    if (before.actions != after.actions) {
      any = true;
      w.key("actions")
          .begin_object()
          .string_array("before", before.actions)
          .string_array("after", after.actions);
      w.end_object();
    }
    w.end_object().end_object();
    if (any) {
      ++changed;
      std::printf("%s\n", line.c_str());
    }
  }
  std::fprintf(stderr, "{\"replayed\":%zu,\"changed\":%zu}\n", triages->size(), changed);
  return kExitOk;
}

int run_config_check(const std::string& file) {
  auto config = load_config(file);
  if (!config) {
    print_error(file, config.error());
    return kExitUsage;
  }
  std::printf(
      "%s: ok (mode %s; thresholds critical>%d, true_positive>=%d, review>=%d, auto_close<%d)\n",
      file.c_str(), std::string(to_string(config->mode)).c_str(), config->thresholds.critical,
      config->thresholds.true_positive, config->thresholds.review, config->thresholds.auto_close);
  return kExitOk;
}

}  // namespace soc::cli
