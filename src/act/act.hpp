// Act stage contract: set each proposed action's status by operating mode and approvals, and
// run the ones allowed through the connector registered for their type.
//
// Input: a Decision whose actions are "proposed", the Config, the registry of connectors.
// Output: the same actions with status proposed / pending_approval / executed / failed /
// skipped, and the reason in params when an action could not run. Threading: connectors are
// called on the triage thread; a connector must not block past its own timeout. Failure: a
// connector error marks that action failed; it never stops the others or the decision.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "core/result.hpp"
#include "decide/decision.hpp"

namespace soc {

// One kind of outside system (firewall, EDR, mail, directory, ITSM, chat...). Connectors arrive
// with their own issue; the registry is empty by default, and an allowed action without a
// connector is reported as skipped, never as executed.
class ActionConnector {
 public:
  virtual ~ActionConnector() = default;
  virtual std::string_view name() const = 0;
  virtual bool handles(ActionType type) const = 0;
  Status execute(const Action& action, const Decision& decision) const {
    return do_execute(action, decision);
  }

 private:
  virtual Status do_execute(const Action& action, const Decision& decision) const = 0;
};

// Actions the product itself carries out (closing or reopening an alert in its own store).
class InternalActions {
 public:
  virtual ~InternalActions() = default;
  virtual Status close_alert(const std::string& alert_id, const std::string& resolution) = 0;
  virtual Status reopen_alert(const std::string& alert_id, const std::string& reason) = 0;
};

class ActionRunner {
 public:
  explicit ActionRunner(const Config& config, InternalActions* internal = nullptr);
  void add_connector(std::unique_ptr<ActionConnector> connector);
  void apply(Decision& decision) const;

 private:
  const ActionConnector* connector_for(ActionType type) const;
  const Config& config_;
  InternalActions* internal_;
  std::vector<std::unique_ptr<ActionConnector>> connectors_;
};

}  // namespace soc
