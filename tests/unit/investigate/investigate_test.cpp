// Investigation: categories, the correlation memory, and the planner's tool calls.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "investigate/correlation_index.hpp"
#include "investigate/entities.hpp"
#include "investigate/tools.hpp"

namespace soc {
namespace {

std::string data_dir() {
  return std::string(SOC_TRIAGE_TEST_DATA_DIR) + "/../../data";
}

struct Fixture {
  std::shared_ptr<const AttackCatalog> catalog =
      *AttackCatalog::load(data_dir() + "/attack/techniques.tsv");
  std::shared_ptr<const AttackMapper> mapper =
      *AttackMapper::load(catalog, data_dir() + "/knowledge");
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

Alert titled(std::string title) {
  Alert a;
  a.id = "x";
  a.rule_name = std::move(title);
  a.timestamp = 1'773'000'000'000;
  return a;
}

TEST(Categorize, FromTechniquesAndObservables) {
  auto category_of = [](Alert a) { return categorize(a, fixture().mapper->map(a)); };
  EXPECT_EQ(category_of(titled("Failed SSH login attempts > 50 in 5 min")),
            AlertCategory::kBruteForce);
  EXPECT_EQ(category_of(titled("Unusual SMB/RPC activity")), AlertCategory::kLateralMovement);
  EXPECT_EQ(category_of(titled("Suspicious PowerShell execution")), AlertCategory::kExecution);
  Alert mail = titled("Message reported by user");
  mail.observables.push_back({ObservableType::kEmail, "x@y.test", Role::kSender, "from", 0});
  EXPECT_EQ(category_of(mail), AlertCategory::kPhishing);
  EXPECT_EQ(category_of(titled("Disk almost full")), AlertCategory::kOther);
}

CorrelationEntry entry(std::string id, TimestampMs t, std::vector<std::string> entities) {
  CorrelationEntry e;
  e.alert_id = std::move(id);
  e.time = t;
  e.entities = std::move(entities);
  return e;
}

TEST(CorrelationIndex, WindowsAreInclusiveAndOrderedByTime) {
  CorrelationIndex index;
  index.add(entry("b", 200, {"host:a"}));
  index.add(entry("a", 100, {"host:a", "user:u"}));  // out of order on purpose
  index.add(entry("c", 300, {"user:u"}));
  auto hits = index.on_entities({"host:a", "user:u"}, 100, 300);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0]->alert_id, "a");
  EXPECT_EQ(hits[2]->alert_id, "c");
  EXPECT_EQ(index.on_entities({"host:a"}, 101, 199).size(), 0u);
  EXPECT_EQ(index.count("host:a", 100, 200), 2u);
  EXPECT_EQ(index.count("nobody", 0, 1000), 0u);
}

TEST(CorrelationIndex, HotEntitiesAreCappedToTheMostRecent) {
  CorrelationIndex index;
  for (int i = 0; i < 1000; ++i) index.add(entry("e" + std::to_string(i), i, {"host:hot"}));
  auto hits = index.on_entities({"host:hot"}, 0, 2000, 10);
  ASSERT_EQ(hits.size(), 10u);
  EXPECT_EQ(hits.back()->alert_id, "e999");
  EXPECT_EQ(hits.front()->alert_id, "e990");
  EXPECT_EQ(index.count("host:hot", 0, 2000), 1000u);
}

TEST(CorrelationIndex, WindowsMatchACountOfEveryEntry) {
  // Windows are searched from the back of each list: check them against brute force, with
  // repeated times and late arrivals.
  CorrelationIndex index;
  std::vector<TimestampMs> times;
  for (int i = 0; i < 700; ++i) {
    const TimestampMs t = (i % 7 == 3) ? (i * 10) - 500 : (i / 2) * 10;
    times.push_back(t);
    index.add(entry("e" + std::to_string(i), t, {"host:hot"}));
  }
  for (TimestampMs from : {-600, 0, 5, 1000, 3000, 3490, 3500}) {
    for (TimestampMs to : {-1, 0, 10, 2999, 3490, 3500, 10000}) {
      const auto expected = std::count_if(times.begin(), times.end(),
                                          [&](TimestampMs t) { return t >= from && t <= to; });
      EXPECT_EQ(index.count("host:hot", from, to), static_cast<std::size_t>(expected))
          << from << " " << to;
      const auto capped = index.on_entities({"host:hot"}, from, to, 25);
      EXPECT_EQ(capped.size(), std::min<std::size_t>(25, static_cast<std::size_t>(expected)));
      for (std::size_t k = 1; k < capped.size(); ++k)
        EXPECT_LE(capped[k - 1]->time, capped[k]->time);
    }
  }
}

TEST(CorrelationIndex, TheAlertItselfIsLeftOutAfterTheCap) {
  CorrelationIndex index;
  index.add(entry("old", 100, {"host:a"}));
  index.add(entry("again", 200, {"host:a", "user:u"}));
  index.add(entry("new", 300, {"host:a"}));
  index.add(entry("", 150, {"host:a"}));
  auto hits = index.on_entities({"host:a", "user:u"}, 0, 1000, 2, "again");
  ASSERT_EQ(hits.size(), 1u);  // the two most recent of host:a were "again" and "new"
  EXPECT_EQ(hits[0]->alert_id, "new");
  EXPECT_EQ(index.on_entities({"host:a"}, 0, 1000, 10, "").size(), 3u);  // empty ids match too
  EXPECT_EQ(index.on_entities({"host:a"}, 0, 1000, 10).size(), 4u);
}

TEST(CorrelationIndex, RuleHistoryCountsTheSameRuleByClosure) {
  CorrelationIndex index;
  auto closed = [](std::string id, TimestampMs t, std::string rule, std::string classification) {
    CorrelationEntry e = entry(std::move(id), t, {"host:a"});
    e.rule_name = std::move(rule);
    e.classification = std::move(classification);
    return e;
  };
  index.add(closed("1", 10, "Brute force", "TRUE_POSITIVE"));
  index.add(closed("2", 20, "Brute force", "FALSE_POSITIVE"));
  index.add(closed("3", 30, "Brute force", "NEEDS_REVIEW"));
  index.add(closed("4", 40, "Port scan", "TRUE_POSITIVE"));
  index.add(closed("5", 50, "Brute force", "TRUE_POSITIVE"));
  auto all = index.rule_history({"host:a"}, "Brute force", 0, 100, 50, "x");
  EXPECT_EQ(all.true_positive, 2);
  EXPECT_EQ(all.false_positive, 1);
  auto without_5 = index.rule_history({"host:a"}, "Brute force", 0, 100, 50, "5");
  EXPECT_EQ(without_5.true_positive, 1);
  auto recent = index.rule_history({"host:a"}, "Brute force", 0, 100, 2);  // 4 and 5 only
  EXPECT_EQ(recent.true_positive, 1);
  EXPECT_EQ(recent.false_positive, 0);
  EXPECT_EQ(index.rule_history({"host:a"}, "Unknown rule", 0, 100, 50).true_positive, 0);
  EXPECT_EQ(index.rule_history({"host:b"}, "Brute force", 0, 100, 50).true_positive, 0);
}

TEST(RelatedAlert, WholeHoursAreWhatFixedFormattingWrites) {
  // Alert times two seconds apart give exact ties (0.5 h, 1.5 h...): rounded to even, as fmt does.
  for (TimestampMs delta = 0; delta < 200 * kHour; delta += 2000) {
    RelatedAlert r{nullptr, "", static_cast<double>(delta) / static_cast<double>(kHour)};
    ASSERT_EQ(fmt::format("{}", r.whole_hours_before()), fmt::format("{:.0f}", r.hours_before))
        << delta;
  }
  EXPECT_EQ((RelatedAlert{nullptr, "", 2.5}).whole_hours_before(), 2);
  EXPECT_EQ((RelatedAlert{nullptr, "", 3.5}).whole_hours_before(), 4);
}

TEST(Entities, InventoriedAddressesBecomeTheirHost) {
  auto empty = Context::empty();
  auto keys = entity_keys({{ObservableType::kHost, "WKS-1", Role::kSource, "", 0},
                           {ObservableType::kIpv4, "203.0.113.5", Role::kSource, "", 0},
                           {ObservableType::kUser, "CORP\\Alice", Role::kActor, "", 0},
                           {ObservableType::kEmail, "bad@evil.test", Role::kSender, "", 0}},
                          *empty);
  EXPECT_EQ(keys, (std::vector<std::string>{"host:wks-1", "ip:203.0.113.5", "user:alice"}));
}

TEST(Planner, EveryToolCallIsAReasoningStep) {
  Config cfg;
  auto context = Context::empty();
  EnrichmentCache cache({});
  CorrelationIndex history;
  ToolEnvironment env{cfg, *context, *fixture().mapper, cache, history};
  Alert a = titled("Failed SSH login attempts > 50 in 5 min");
  a.observables.push_back({ObservableType::kIpv4, "203.0.113.9", Role::kSource, "source.ip", 0});
  a.observables.push_back({ObservableType::kHost, "web-1", Role::kTarget, "host.name", 0});
  const Evidence ev = DeterministicPlanner().investigate(a, env);
  EXPECT_EQ(ev.category, AlertCategory::kBruteForce);
  auto called = [&](std::string_view prefix) {
    return std::any_of(ev.steps.begin(), ev.steps.end(),
                       [&](const ReasoningStep& s) { return s.action.starts_with(prefix); });
  };
  EXPECT_TRUE(called("attack_lookup"));
  EXPECT_TRUE(called("asset_lookup"));
  EXPECT_TRUE(called("enrich(ipv4 203.0.113.9)"));
  EXPECT_TRUE(called("history"));
  for (const auto& s : ev.steps) {
    EXPECT_FALSE(s.thought.empty());
    EXPECT_FALSE(s.observation.empty());
  }
  // Nothing could be asked of the SIEM: the evidence says so instead of guessing.
  EXPECT_FALSE(ev.unknowns.empty());
}

TEST(Planner, BurstCountsEarlierAlertsOnTheSameHost) {
  Config cfg;
  auto context = Context::empty();
  EnrichmentCache cache({});
  CorrelationIndex history;
  Alert a = titled("Suspicious PowerShell execution");
  a.observables.push_back({ObservableType::kHost, "wks-9", Role::kTarget, "host.name", 0});
  for (int i = 1; i <= 4; ++i)
    history.add(entry("p" + std::to_string(i), *a.timestamp - i * kMinute, {"host:wks-9"}));
  history.add(entry("old", *a.timestamp - kHour, {"host:wks-9"}));
  ToolEnvironment env{cfg, *context, *fixture().mapper, cache, history};
  const Evidence ev = DeterministicPlanner().investigate(a, env);
  EXPECT_EQ(ev.correlation.burst_count, 5);
  EXPECT_EQ(ev.correlation.burst_entity, "host:wks-9");
}

}  // namespace
}  // namespace soc
