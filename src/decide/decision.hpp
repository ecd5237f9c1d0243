// The decision: everything decision.schema.json describes, as typed values.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/config.hpp"
#include "core/alert.hpp"
#include "core/enrichment.hpp"
#include "investigate/evidence.hpp"
#include "score/score.hpp"

namespace soc {

enum class Classification { kTruePositive, kFalsePositive, kNeedsReview };
enum class Priority { kP1, kP2, kP3, kP4 };
enum class EscalationLevel { kNone, kL2, kL3 };
enum class ActionStatus { kProposed, kPendingApproval, kExecuted, kFailed, kSkipped };
enum class ActionType {
  kBlockDomain,
  kBlockUrl,
  kBlockIp,
  kPurgeEmail,
  kIsolateHost,
  kDisableAccount,
  kBlockSessions,
  kResetPassword,
  kCheckUserClicks,
  kAuditConnections,
  kCreateTicket,
  kNotify,
  kOpenWarRoom,
  kCloseAlert,
  kReopenAlert,
};

std::string_view to_string(Classification c);
std::string_view to_string(Priority p);
std::string_view to_string(EscalationLevel l);
std::string_view to_string(ActionStatus s);
std::string_view to_string(ActionType t);
bool is_containment(ActionType t);

using ParamValue = std::variant<std::string, std::int64_t, bool, std::vector<std::string>>;
struct ActionParam {
  std::string key;
  ParamValue value;
};

struct Action {
  ActionType type{};
  std::string target;
  std::vector<ActionParam> params;
  bool reversible = true;
  ActionStatus status = ActionStatus::kProposed;
  bool requires_approval = false;  // business rule: a human validates it whatever the mode
};

struct Escalation {
  EscalationLevel level = EscalationLevel::kNone;
  std::vector<std::string> notify;
  std::string reason;
};

struct Incident {
  std::string id;
  std::vector<std::string> alert_ids;  // the most recent ones when the incident is large
  std::size_t alert_count = 0;         // every alert aggregated so far
  std::vector<std::string> tactics;
};

struct AttackEntry {
  std::string technique_id;
  std::string name;
  std::vector<std::string> tactics;
  MappingSource source = MappingSource::kRule;
  std::string evidence;
  bool predicted = false;  // the probable next step, not yet observed
};

struct AuditStamp {
  std::int64_t record = 0;
  std::string hash;
};

struct Decision {
  std::string alert_id;
  SourceFormat format = SourceFormat::kGeneric;
  std::string rule_name;
  std::string rule_id;
  std::optional<TimestampMs> timestamp;
  std::string category;
  Classification classification = Classification::kNeedsReview;
  Severity severity = Severity::kMedium;
  Priority priority = Priority::kP3;
  int risk_score = 0;
  double confidence = 0.5;
  std::vector<ScoreFactor> factors;
  std::vector<Observable> observables;
  std::vector<EnrichmentPtr> enrichments;
  std::vector<Relation> relations;
  std::vector<AttackEntry> attack;
  Escalation escalation;
  std::vector<Action> actions;
  std::optional<Incident> incident;
  std::string summary;
  std::vector<ReasoningStep> steps;
  std::string briefing;
  std::string engine = "rules";
  std::vector<std::string> recommendations;
  OperatingMode mode = OperatingMode::kAssisted;
  std::optional<AuditStamp> audit;
};

// Serialization as decision.schema.json (compact, one line, no trailing newline).
std::string to_json(const Decision& decision, bool include_audit = true);
// The same text into `out`, replacing its content but keeping its capacity: a caller writing a
// decision per alert reuses one buffer instead of allocating ~10 KB each time.
void write_json(const Decision& decision, bool include_audit, std::string& out);
// A summary an L1 analyst reads in ten seconds.
std::string to_text(const Decision& decision);

}  // namespace soc
