// Operating modes (SPEC section 8) applied to proposed actions.
#include "act/act.hpp"

namespace soc {

ActionRunner::ActionRunner(const Config& config, InternalActions* internal)
    : config_(config), internal_(internal) {}

void ActionRunner::add_connector(std::unique_ptr<ActionConnector> connector) {
  connectors_.push_back(std::move(connector));
}

const ActionConnector* ActionRunner::connector_for(ActionType type) const {
  for (const auto& c : connectors_)
    if (c->handles(type)) return c.get();
  return nullptr;
}

namespace {

bool is_internal(ActionType t) {
  return t == ActionType::kCloseAlert || t == ActionType::kReopenAlert;
}

// May this action run without a human, in this mode, for this decision?
bool allowed_to_run(const Action& a, const Decision& d, const Config& cfg) {
  if (a.requires_approval) return false;
  switch (cfg.mode) {
    case OperatingMode::kShadow:
    case OperatingMode::kAssisted:
      return false;
    case OperatingMode::kSemiAutonomous:
      // Only high-confidence false positives are closed automatically.
      return a.type == ActionType::kCloseAlert &&
             d.classification == Classification::kFalsePositive &&
             d.risk_score < cfg.thresholds.auto_close;
    case OperatingMode::kAutonomous:
      // Irreversible containment on a P1 always waits for a human.
      if (d.priority == Priority::kP1 && is_containment(a.type) && !a.reversible) return false;
      if (d.priority == Priority::kP1 && a.type == ActionType::kIsolateHost) return false;
      return true;
  }
  return false;
}

}  // namespace

void ActionRunner::apply(Decision& d) const {
  for (auto& a : d.actions) {
    if (config_.mode == OperatingMode::kShadow) {
      a.status = ActionStatus::kProposed;
      continue;
    }
    if (!allowed_to_run(a, d, config_)) {
      a.status = ActionStatus::kPendingApproval;
      continue;
    }
    if (is_internal(a.type)) {
      if (!internal_) {
        a.status = ActionStatus::kSkipped;
        a.params.push_back({"skipped_reason", std::string("no store to record the alert's state")});
        continue;
      }
      std::string detail;
      for (const auto& p : a.params)
        if (const auto* s = std::get_if<std::string>(&p.value)) detail = *s;
      const Status s = a.type == ActionType::kCloseAlert
                           ? internal_->close_alert(a.target, detail)
                           : internal_->reopen_alert(a.target, detail);
      a.status = s ? ActionStatus::kExecuted : ActionStatus::kFailed;
      if (!s) a.params.push_back({"error", s.error().message});
      continue;
    }
    const ActionConnector* c = connector_for(a.type);
    if (!c) {
      a.status = ActionStatus::kSkipped;
      a.params.push_back(
          {"skipped_reason", std::string("no connector configured for this action")});
      continue;
    }
    const Status s = c->execute(a, d);
    a.status = s ? ActionStatus::kExecuted : ActionStatus::kFailed;
    if (!s) a.params.push_back({"error", s.error().message});
  }
}

}  // namespace soc
