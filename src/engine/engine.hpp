// Engine: the whole pipeline for one alert, wired from injected parts.
//
// intake record -> normalize -> extract -> investigate (enrich, context, history) -> score ->
// decide -> act -> record. Input: InputRecords (bytes with a reference) or Alerts. Output: a
// Decision per accepted alert, an error per rejected input (quarantined in the store when there
// is one). Threading: one Engine per thread (it owns a simdjson parser, the correlation state
// and a store connection). Failure: per record, as values; the run always goes on.
#pragma once
#include <simdjson.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "act/act.hpp"
#include "attack/catalog.hpp"
#include "config/config.hpp"
#include "context/context.hpp"
#include "core/time.hpp"
#include "decide/decide.hpp"
#include "extract/extractor.hpp"
#include "intake/reader.hpp"
#include "intel_live/intel_hub.hpp"
#include "investigate/tools.hpp"
#include "parse/normalizer.hpp"
#include "store/store.hpp"

namespace soc {

// Everything shared by engines: loaded once, read-only afterwards.
struct KnowledgeBase {
  std::shared_ptr<const AttackCatalog> catalog;
  std::shared_ptr<const AttackMapper> mapper;
  std::shared_ptr<const Context> context;
  std::shared_ptr<const NormalizerRegistry> normalizers;
};

// Where the shipped data (ATT&CK catalog, knowledge base) lives: the configuration's data_dir,
// else $SOC_TRIAGE_DATA_DIR, else the data/ folder of the source tree the binary was built from.
std::string resolve_data_dir(const Config& config);
Result<KnowledgeBase> load_knowledge(const Config& config);
// The SQLite store settings the configuration asks for (":memory:" when it names no file).
SqliteOptions sqlite_options(const StoreConfig& store);
// The threat-intelligence providers for the configuration, built once per process.
Result<std::shared_ptr<const live::IntelHub>> load_intel(const Config& config, const Clock& clock);

struct TriageOutcome {
  std::string ref;
  std::optional<Decision> decision;
  std::optional<Error> error;
  // False when the store refused the triage or quarantine record: the input is not recorded
  // and must be submitted again (a durable-intake row stays pending).
  bool recorded = true;
};

class Engine : private InternalActions {
 public:
  // `intel` supplies the providers (live clients where enabled, the offline intel/ files
  // otherwise); several engines may share one hub.
  Engine(Config config, KnowledgeBase knowledge, std::shared_ptr<const live::IntelHub> intel,
         std::unique_ptr<Store> store, const Clock& clock);
  ~Engine() override;

  // Loads earlier alerts (context history, stored correlation state) as history for the next ones.
  Status prime();
  TriageOutcome triage(const InputRecord& record,
                       std::optional<SourceFormat> forced = std::nullopt);
  // `inbox_id`: the durable-intake row this alert came from; its triage marks it done.
  TriageOutcome triage_alert(Alert alert, const std::string& ref,
                             std::optional<std::int64_t> inbox_id = std::nullopt);
  Status flush();
  Store* store() { return store_.get(); }
  // The JSON of the last decision recorded in the store, without its "audit" member (the text
  // the store holds), so a caller printing it need not serialize the decision again. Empty
  // without a store; valid until the next triage.
  std::string_view recorded_decision_json() const { return decision_json_; }
  const Config& config() const { return config_; }
  std::size_t enrichment_lookups() const { return enrichment_.lookups_made(); }

 private:
  Status close_alert(const std::string& alert_id, const std::string& resolution) override;
  Status reopen_alert(const std::string& alert_id, const std::string& reason) override;
  TriageOutcome reject(const InputRecord& record, Error error);
  // Writes into `out` (replacing its content) what each stage added, for the store.
  void stage_states(const Alert& alert, const std::vector<Observable>& extracted,
                    const Evidence& evidence, std::string& out) const;
  CorrelationEntry correlation_entry(const Alert& alert, const Decision& decision) const;

  Config config_;
  KnowledgeBase kb_;
  std::shared_ptr<const live::IntelHub> intel_;
  std::unique_ptr<Store> store_;
  const Clock& clock_;
  std::unique_ptr<Extractor> extractor_;
  EnrichmentCache enrichment_;
  CorrelationIndex correlation_;
  IncidentTracker incidents_;
  DeterministicPlanner planner_;
  ActionRunner actions_;
  simdjson::dom::parser parser_;
  bool parser_ready_ = false;
  // Lent to each TriageRecord and taken back: a fresh ~10 KB string per alert cost a large
  // allocation, and with glibc a sweep of the small freed blocks, every time; the stage states
  // grew through half a dozen reallocations.
  std::string decision_json_;
  std::string stage_states_json_;
};

}  // namespace soc
