// Investigate stage contract: tool calls that gather evidence about an alert, chosen by a planner.
//
// Input: a normalized Alert plus the injected environment (context, intel providers, ATT&CK
// mapper, correlation history, configuration). Output: Evidence, including one reasoning step
// (thought, action, observation) per tool call. Threading: tools are const; one investigation
// runs on one thread; the environment is shared read-only. Failure: a tool that cannot answer
// records an unknown in the evidence; an investigation always completes. Every time window is
// measured from the alert's own timestamp.
#pragma once
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "attack/catalog.hpp"
#include "config/config.hpp"
#include "context/context.hpp"
#include "enrich/provider.hpp"
#include "investigate/correlation_index.hpp"
#include "investigate/evidence.hpp"

namespace soc {

// The enrichment cache shared by all alerts of a run: the same observable is looked up once.
class EnrichmentCache {
 public:
  // Asks every provider about a batch of observables at once (live providers in parallel);
  // answers are then found by lookup().
  using Prefetch = std::function<void(std::span<const Observable>)>;

  explicit EnrichmentCache(std::vector<std::unique_ptr<IntelProvider>> providers,
                           Prefetch prefetch = {});
  void prefetch(std::span<const Observable> observables) const {
    if (prefetch_) prefetch_(observables);
  }
  std::vector<EnrichmentPtr> lookup(const Observable& observable);
  const std::vector<std::unique_ptr<IntelProvider>>& providers() const { return providers_; }
  std::size_t lookups_made() const { return lookups_made_; }

 private:
  std::vector<std::unique_ptr<IntelProvider>> providers_;
  Prefetch prefetch_;
  std::unordered_map<std::string, std::vector<EnrichmentPtr>> cache_;
  std::size_t lookups_made_ = 0;
};

struct ToolEnvironment {
  const Config& config;
  const Context& context;
  const AttackMapper& mapper;
  EnrichmentCache& enrichment;
  const CorrelationIndex& correlation;
};

// What a planner asks a tool to do. Subjects are observables of the alert; `query` selects a
// variant where a tool has several (siem_query: auth_from_source, mail_activity, ...).
struct ToolCall {
  std::string tool;
  std::vector<Observable> subjects;
  std::string query;
};

class InvestigationTool {
 public:
  virtual ~InvestigationTool() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;  // what an LLM planner will be told
  // Runs the call, records what it found in `evidence` and appends its reasoning step(s).
  virtual void run(const ToolCall& call, const Alert& alert, ToolEnvironment& env,
                   Evidence& evidence) const = 0;
};

// Every built-in tool, in one list: enrich, siem_query, asset_lookup, identity_lookup, history,
// host_facts, attack_lookup.
std::vector<std::unique_ptr<InvestigationTool>> make_builtin_tools();

AlertCategory categorize(const Alert& alert, const std::vector<MappedTechnique>& techniques);

// Chooses tool calls by alert category, runs them, and returns the evidence.
class DeterministicPlanner {
 public:
  DeterministicPlanner();
  Evidence investigate(const Alert& alert, ToolEnvironment& env) const;

 private:
  const InvestigationTool& tool(std::string_view name) const;
  void call(const ToolCall& c, const Alert& alert, ToolEnvironment& env, Evidence& evidence) const;
  std::vector<std::unique_ptr<InvestigationTool>> tools_;
};

}  // namespace soc
