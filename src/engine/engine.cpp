// The pipeline, stage by stage, for one alert at a time.
#include "engine/engine.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "core/json_writer.hpp"
#include "core/strings.hpp"
#include "investigate/entities.hpp"
#include "parse/cef_normalizer.hpp"
#include "parse/mapped_normalizer.hpp"
#include "score/score.hpp"

namespace soc {

std::string resolve_data_dir(const Config& config) {
  if (!config.data_dir.empty()) return config.data_dir;
  if (const char* env = std::getenv("SOC_TRIAGE_DATA_DIR"); env && *env) return env;
#ifdef SOC_TRIAGE_SOURCE_DIR
  return std::string(SOC_TRIAGE_SOURCE_DIR) + "/data";
#else
  return "data";
#endif
}

SqliteOptions sqlite_options(const StoreConfig& store) {
  SqliteOptions options;
  options.path = store.path.empty() ? ":memory:" : store.path;
  options.batch_size = store.batch_size;
  options.synchronous_full = store.synchronous_full;
  options.compression =
      store.compression == "zstd" ? StoreCompression::kZstd : StoreCompression::kLz4;
  return options;
}

Result<KnowledgeBase> load_knowledge(const Config& config) {
  KnowledgeBase kb;
  const std::string data = resolve_data_dir(config);
  auto catalog = AttackCatalog::load(data + "/attack/techniques.tsv");
  if (!catalog) return std::unexpected(catalog.error());
  kb.catalog = *catalog;
  auto mapper = AttackMapper::load(kb.catalog, data + "/knowledge");
  if (!mapper) return std::unexpected(mapper.error());
  kb.mapper = *mapper;
  // Built-in formats plus the configured mappings (formats.mappings).
  auto normalizers = build_normalizer_registries(config.formats);
  if (!normalizers) return std::unexpected(normalizers.error());
  kb.normalizers = normalizers->inputs;
  if (config.context_dir.empty()) {
    kb.context = Context::empty();
  } else {
    auto context = Context::load(config.context_dir, *normalizers->history,
                                 config.organization.utc_offset_minutes);
    if (!context) return std::unexpected(context.error());
    kb.context = *context;
  }
  return kb;
}

Result<std::shared_ptr<const live::IntelHub>> load_intel(const Config& config, const Clock& clock) {
  auto hub =
      live::make_intel_hub(config, clock, live::IntelOptions{.data_dir = resolve_data_dir(config)});
  if (!hub) return std::unexpected(hub.error());
  return std::shared_ptr<const live::IntelHub>(std::move(*hub));
}

namespace {
EnrichmentCache::Prefetch prefetch_for(const std::shared_ptr<const live::IntelHub>& intel) {
  if (!intel || !intel->live()) return {};
  std::shared_ptr<live::LiveEnricher> enricher = intel->live();
  return
      [enricher](std::span<const Observable> observables) { (void)enricher->enrich(observables); };
}
}  // namespace

Engine::Engine(Config config, KnowledgeBase knowledge, std::shared_ptr<const live::IntelHub> intel,
               std::unique_ptr<Store> store, const Clock& clock)
    : config_(std::move(config)),
      kb_(std::move(knowledge)),
      intel_(std::move(intel)),
      store_(std::move(store)),
      clock_(clock),
      extractor_(make_extractor()),
      enrichment_(intel_ ? intel_->providers() : std::vector<std::unique_ptr<IntelProvider>>{},
                  prefetch_for(intel_)),
      actions_(config_, store_ ? static_cast<InternalActions*>(this) : nullptr),
      parser_(static_cast<size_t>(config_.limits.max_alert_bytes) + 64) {
  parser_ready_ =
      parser_.allocate(static_cast<size_t>(config_.limits.max_alert_bytes) + 64,
                       static_cast<size_t>(config_.limits.max_json_depth)) == simdjson::SUCCESS;
}

Engine::~Engine() {
  if (store_) (void)store_->flush();
}

Status Engine::prime() {
  // Earlier alerts from the context's history file, mapped the way live alerts are.
  for (const auto& h : kb_.context->history()) {
    CorrelationEntry e;
    e.alert_id = h.alert.id;
    e.time = h.alert.timestamp.value_or(0);
    e.rule_name = h.alert.rule_name;
    Alert copy = h.alert;
    std::vector<Observable> all = copy.observables;
    for (const auto& text : copy.texts) {
      ExtractReport report;
      extractor_->extract(text.text, text.field, all, report);
    }
    e.entities = entity_keys(all, *kb_.context);
    for (const auto& m : kb_.mapper->map(copy)) {
      e.techniques.push_back(m.technique->id);
      for (const auto& t : m.technique->tactics)
        if (std::find(e.tactics.begin(), e.tactics.end(), t) == e.tactics.end())
          e.tactics.push_back(t);
    }
    e.classification = h.verdict;
    e.closed_by = h.closed_by;
    correlation_.add(std::move(e));
  }
  if (store_) {
    auto stored = store_->load_correlation(0);
    if (!stored) return std::unexpected(stored.error());
    for (auto& e : *stored) correlation_.add(std::move(e));
  }
  return {};
}

TriageOutcome Engine::reject(const InputRecord& record, Error error) {
  if (store_) {
    QuarantineRecord q{record.ref, error.code, error.message, record.bytes, record.inbox_id};
    if (auto s = store_->quarantine(q); !s) {
      error.message += " (and it could not be quarantined: " + s.error().message + ")";
      return TriageOutcome{record.ref, std::nullopt, std::move(error), false};
    }
  }
  return TriageOutcome{record.ref, std::nullopt, std::move(error)};
}

TriageOutcome Engine::triage(const InputRecord& record, std::optional<SourceFormat> forced) {
  if (record.error) return reject(record, *record.error);
  if (record.kind == RecordKind::kCef) {
    if (forced && *forced != SourceFormat::kCef)
      return reject(record,
                    Error{ErrorCode::kInvalidArgument, "a CEF line, but --format says otherwise"});
    auto alert = normalize_cef_line(record.bytes);
    if (!alert) return reject(record, alert.error());
    return triage_alert(std::move(*alert), record.ref, record.inbox_id);
  }
  if (record.kind == RecordKind::kUnknownText)
    return reject(record, Error{ErrorCode::kParseError, "not JSON and not a CEF line"});
  if (record.bytes.size() > static_cast<size_t>(config_.limits.max_alert_bytes))
    return reject(record, Error{ErrorCode::kTooLarge,
                                fmt::format("alert of {} bytes exceeds the limit of {}",
                                            record.bytes.size(), config_.limits.max_alert_bytes)});
  if (!parser_ready_)
    return reject(record, Error{ErrorCode::kTooLarge, "cannot allocate the JSON parser"});
  simdjson::dom::element doc;
  if (auto error = parser_.parse(record.bytes).get(doc); error != simdjson::SUCCESS) {
    const ErrorCode code = error == simdjson::DEPTH_ERROR  ? ErrorCode::kTooDeep
                           : error == simdjson::UTF8_ERROR ? ErrorCode::kInvalidUtf8
                           : error == simdjson::CAPACITY   ? ErrorCode::kTooLarge
                                                           : ErrorCode::kParseError;
    return reject(record,
                  Error{code, std::string("invalid JSON: ") + simdjson::error_message(error)});
  }
  auto alert = kb_.normalizers->normalize(doc, record.bytes, forced);
  if (!alert) return reject(record, alert.error());
  return triage_alert(std::move(*alert), record.ref, record.inbox_id);
}

TriageOutcome Engine::triage_alert(Alert alert, const std::string& ref,
                                   std::optional<std::int64_t> inbox_id) {
  // Extract: indicators in free text join those from structured fields (structured roles win).
  std::vector<Observable> extracted;
  for (const auto& text : alert.texts) {
    ExtractReport report;
    extractor_->extract(text.text, text.field, extracted, report);
  }
  for (auto& o : extracted) {
    if (o.type == ObservableType::kAttackId) continue;
    const bool known = std::any_of(alert.observables.begin(), alert.observables.end(),
                                   [&](const Observable& x) { return x.same_indicator(o); });
    if (!known) alert.observables.push_back(o);
  }

  ToolEnvironment env{config_, *kb_.context, *kb_.mapper, enrichment_, correlation_};
  Evidence evidence = planner_.investigate(alert, env);
  const RiskScore score = score_alert(alert, evidence, config_);
  if (store_) stage_states(alert, extracted, evidence, stage_states_json_);
  Decision decision = decide(alert, std::move(evidence), score, config_, *kb_.catalog, incidents_);
  actions_.apply(decision);

  CorrelationEntry entry = correlation_entry(alert, decision);
  if (store_) {
    TriageRecord rec;
    rec.alert_id = alert.id;
    rec.inbox_id = inbox_id;
    rec.format = std::string(to_string(alert.format));
    rec.alert_time = alert.timestamp;
    rec.raw = std::move(alert.raw);
    rec.stage_states_json = std::move(stage_states_json_);
    write_json(decision, false, decision_json_);
    rec.decision_json = std::move(decision_json_);
    rec.classification = std::string(to_string(decision.classification));
    rec.severity = std::string(to_string(decision.severity));
    rec.priority = std::string(to_string(decision.priority));
    rec.risk_score = decision.risk_score;
    rec.correlation = std::move(entry);
    // Views, not copies: a large incident's row lists a hundred alert ids.
    if (decision.incident)
      rec.incident = IncidentRecord{
          decision.incident->id,
          incidents_.recent_members(decision.incident->id, IncidentTracker::kListedInRecord),
          decision.incident->tactics};
    auto stamp = store_->record_triage(rec);
    decision_json_ = std::move(rec.decision_json);
    stage_states_json_ = std::move(rec.stage_states_json);
    if (!stamp) return TriageOutcome{ref, std::nullopt, stamp.error(), false};
    decision.audit = AuditStamp{stamp->record, stamp->hash};
    entry = std::move(rec.correlation);
  }
  correlation_.add(std::move(entry));
  return TriageOutcome{ref, std::move(decision), std::nullopt};
}

CorrelationEntry Engine::correlation_entry(const Alert& alert, const Decision& d) const {
  CorrelationEntry e;
  e.alert_id = alert.id;
  e.time = alert.timestamp.value_or(0);
  e.rule_name = alert.rule_name;
  e.entities = entity_keys(d.observables, *kb_.context);
  for (const auto& a : d.attack) {
    if (a.predicted || a.source == MappingSource::kCorrelation) continue;
    e.techniques.push_back(a.technique_id);
    for (const auto& t : a.tactics)
      if (std::find(e.tactics.begin(), e.tactics.end(), t) == e.tactics.end())
        e.tactics.push_back(t);
  }
  e.classification = std::string(to_string(d.classification));
  e.closed_by = "agent";
  e.risk_score = d.risk_score;
  return e;
}

void Engine::stage_states(const Alert& alert, const std::vector<Observable>& extracted,
                          const Evidence& ev, std::string& out) const {
  // Compact on purpose: the raw alert and the decision are stored beside it, so each stage keeps
  // only what it added.
  out.clear();
  JsonWriter w(out);
  w.begin_object();
  w.key("normalize")
      .begin_object()
      .field("format", to_string(alert.format))
      .field("rule_name", alert.rule_name);
  if (alert.timestamp) w.field("timestamp", format_time(*alert.timestamp));
  w.field("structured_observables", static_cast<std::int64_t>(alert.observables.size() - 0));
  w.string_array("techniques_tagged", alert.technique_ids).end_object();
  w.key("extract").begin_array();
  for (const auto& o : extracted)
    w.begin_object()
        .field("type", to_string(o.type))
        .field("value", o.value)
        .field("field", o.field)
        .end_object();
  w.end_array();
  w.key("investigate").begin_object().field("category", to_string(ev.category));
  w.field("tool_calls", static_cast<std::int64_t>(ev.steps.size()));
  w.field("outcome_queried", ev.outcome.queried)
      .field("payload_executed", ev.outcome.payload_executed);
  w.field("lateral_connections", ev.outcome.lateral_connections);
  w.field("baseline_available", ev.baseline.available)
      .string_array("new_destinations", ev.baseline.new_destinations);
  w.field("off_hours", ev.baseline.off_hours).field("kill_chain", ev.correlation.kill_chain);
  w.field("burst_count", ev.correlation.burst_count).string_array("unknowns", ev.unknowns);
  w.end_object();
  w.end_object();
}

Status Engine::flush() {
  return store_ ? store_->flush() : Status{};
}

Status Engine::close_alert(const std::string&, const std::string&) {
  // The decision recorded with close_alert is the closure; nothing else to write.
  return store_ ? Status{} : fail(ErrorCode::kUnsupported, "no store");
}

Status Engine::reopen_alert(const std::string&, const std::string&) {
  return store_ ? Status{} : fail(ErrorCode::kUnsupported, "no store");
}

}  // namespace soc
