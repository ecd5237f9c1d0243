// Operating modes decide which actions run, wait for a human, or are only proposed.
#include "act/act.hpp"

#include <gtest/gtest.h>

namespace soc {
namespace {

Decision decision_with(std::vector<Action> actions,
                       Classification c = Classification::kTruePositive, Priority p = Priority::kP2,
                       int score = 60) {
  Decision d;
  d.classification = c;
  d.priority = p;
  d.risk_score = score;
  d.actions = std::move(actions);
  return d;
}

Action action(ActionType type, bool reversible = true) {
  Action a;
  a.type = type;
  a.target = "t";
  a.reversible = reversible;
  return a;
}

class RecordingConnector final : public ActionConnector {
 public:
  explicit RecordingConnector(bool fail) : fail_(fail) {}
  std::string_view name() const override { return "test"; }
  bool handles(ActionType type) const override { return type == ActionType::kBlockIp; }
  mutable int calls = 0;

 private:
  Status do_execute(const Action&, const Decision&) const override {
    ++calls;
    if (fail_) return fail(ErrorCode::kUpstreamError, "firewall said no");
    return {};
  }
  bool fail_;
};

class FakeInternal final : public InternalActions {
 public:
  int closed = 0;
  Status close_alert(const std::string&, const std::string&) override {
    ++closed;
    return {};
  }
  Status reopen_alert(const std::string&, const std::string&) override { return {}; }
};

TEST(Act, ShadowOnlyProposes) {
  Config cfg;
  cfg.mode = OperatingMode::kShadow;
  Decision d = decision_with({action(ActionType::kBlockIp), action(ActionType::kCloseAlert)});
  ActionRunner(cfg).apply(d);
  for (const auto& a : d.actions) EXPECT_EQ(a.status, ActionStatus::kProposed);
}

TEST(Act, AssistedWaitsForApproval) {
  Config cfg;
  Decision d = decision_with({action(ActionType::kBlockIp), action(ActionType::kCloseAlert)});
  ActionRunner(cfg).apply(d);
  for (const auto& a : d.actions) EXPECT_EQ(a.status, ActionStatus::kPendingApproval);
}

TEST(Act, SemiAutonomousClosesOnlyHighConfidenceFalsePositives) {
  Config cfg;
  cfg.mode = OperatingMode::kSemiAutonomous;
  FakeInternal internal;
  ActionRunner runner(cfg, &internal);
  Decision low = decision_with({action(ActionType::kCloseAlert)}, Classification::kFalsePositive,
                               Priority::kP4, 10);
  Decision grey = decision_with({action(ActionType::kCloseAlert)}, Classification::kFalsePositive,
                                Priority::kP4, 20);
  runner.apply(low);
  runner.apply(grey);
  EXPECT_EQ(low.actions[0].status, ActionStatus::kExecuted);
  EXPECT_EQ(grey.actions[0].status, ActionStatus::kPendingApproval);
  EXPECT_EQ(internal.closed, 1);
}

TEST(Act, AutonomousRunsThroughConnectorsAndNeverFakesExecution) {
  Config cfg;
  cfg.mode = OperatingMode::kAutonomous;
  ActionRunner runner(cfg);
  auto connector = std::make_unique<RecordingConnector>(false);
  const RecordingConnector* seen = connector.get();
  runner.add_connector(std::move(connector));
  Decision d = decision_with({action(ActionType::kBlockIp), action(ActionType::kBlockDomain)});
  runner.apply(d);
  EXPECT_EQ(d.actions[0].status, ActionStatus::kExecuted);
  EXPECT_EQ(seen->calls, 1);
  EXPECT_EQ(d.actions[1].status, ActionStatus::kSkipped);  // no connector for it
}

TEST(Act, ConnectorFailureMarksOnlyThatActionFailed) {
  Config cfg;
  cfg.mode = OperatingMode::kAutonomous;
  ActionRunner runner(cfg);
  runner.add_connector(std::make_unique<RecordingConnector>(true));
  Decision d = decision_with({action(ActionType::kBlockIp), action(ActionType::kOpenWarRoom)});
  runner.apply(d);
  EXPECT_EQ(d.actions[0].status, ActionStatus::kFailed);
  EXPECT_EQ(d.actions[1].status, ActionStatus::kSkipped);
}

TEST(Act, IrreversibleContainmentOnP1AlwaysWaits) {
  Config cfg;
  cfg.mode = OperatingMode::kAutonomous;
  ActionRunner runner(cfg);
  runner.add_connector(std::make_unique<RecordingConnector>(false));
  Decision d = decision_with({action(ActionType::kPurgeEmail, false),
                              action(ActionType::kIsolateHost), action(ActionType::kBlockIp)},
                             Classification::kTruePositive, Priority::kP1, 95);
  runner.apply(d);
  EXPECT_EQ(d.actions[0].status, ActionStatus::kPendingApproval);
  EXPECT_EQ(d.actions[1].status, ActionStatus::kPendingApproval);
  EXPECT_EQ(d.actions[2].status, ActionStatus::kExecuted);
}

TEST(Act, BusinessRuleApprovalOverridesAutonomy) {
  Config cfg;
  cfg.mode = OperatingMode::kAutonomous;
  ActionRunner runner(cfg);
  runner.add_connector(std::make_unique<RecordingConnector>(false));
  Action a = action(ActionType::kBlockIp);
  a.requires_approval = true;
  Decision d = decision_with({a});
  runner.apply(d);
  EXPECT_EQ(d.actions[0].status, ActionStatus::kPendingApproval);
}

}  // namespace
}  // namespace soc
