// Store test fixtures: temporary files, realistic records, a raw connection for tampering.
#pragma once
#include <sqlite3.h>
#include "../../support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "store/store.hpp"

namespace soc::store_test {

using TempDir = testing_support::TempDir;

// A second connection to the database file, as an operator or attacker with sqlite3 would have.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) ADD_FAILURE() << sqlite3_errmsg(db_);
    sqlite3_busy_timeout(db_, 2000);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  sqlite3* get() { return db_; }

  void exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      ADD_FAILURE() << "SQL failed: " << sql << ": " << (error ? error : "?");
    }
    sqlite3_free(error);
  }
  std::int64_t integer(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::int64_t value = -1;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      value = sqlite3_column_int64(stmt, 0);
    } else {
      ADD_FAILURE() << "query failed: " << sql << ": " << sqlite3_errmsg(db_);
    }
    sqlite3_finalize(stmt);
    return value;
  }
  // First column of the first row as bytes (text or blob), "" when there is no row.
  std::string bytes(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "query failed: " << sql << ": " << sqlite3_errmsg(db_);
    } else if (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, 0));
      value.assign(data ? data : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0)));
    }
    sqlite3_finalize(stmt);
    return value;
  }
  // Runs a statement with one blob parameter (?1).
  void exec_with_blob(const std::string& sql, const std::string& blob) {
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db_);
    sqlite3_bind_blob(stmt, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
  }

 private:
  sqlite3* db_ = nullptr;
};

// A record shaped like the engine's: a few KB of alert JSON, stage states and a decision.
inline TriageRecord sample_record(int n, const std::string& alert_id = "") {
  TriageRecord r;
  r.alert_id = alert_id.empty() ? "alert-" + std::to_string(n) : alert_id;
  r.format = "ecs";
  r.alert_time = 1'772'419'620'000 + n * 1000;
  std::string events;
  for (int i = 0; i < 20; ++i) {
    events += R"({"process":{"command_line":"powershell -enc SQBFAFgA)" +
              std::to_string(n * 31 + i) + R"(","pid":)" + std::to_string(4000 + i) +
              R"(},"host":{"name":"wks-)" + std::to_string(n % 7) + R"("}},)";
  }
  r.raw = R"({"@timestamp":"2026-03-02T02:47:00Z","event":{"id":")" + r.alert_id +
          R"("},"rule":{"name":"Suspicious PowerShell"},"events":[)" + events + "{}]}";
  r.stage_states_json = R"({"normalize":{"rule":"Suspicious PowerShell","n":)" + std::to_string(n) +
                        R"(},"extract":[{"type":"host","value":"wks-01"}]})";
  r.decision_json =
      R"({"alert_id":")" + r.alert_id + R"(","classification":"TRUE_POSITIVE","risk_score":)" +
      std::to_string(50 + n % 50) + R"(,"reasoning":"step )" + std::to_string(n) + R"("})";
  r.classification = "TRUE_POSITIVE";
  r.severity = "high";
  r.priority = "P2";
  r.risk_score = 50 + n % 50;
  r.correlation.alert_id = r.alert_id;
  r.correlation.time = *r.alert_time;
  r.correlation.rule_name = "Suspicious PowerShell";
  r.correlation.entities = {"host:wks-0" + std::to_string(n % 7), "user:alice"};
  r.correlation.tactics = {"execution"};
  r.correlation.techniques = {"T1059.001"};
  r.correlation.classification = r.classification;
  r.correlation.closed_by = "agent";
  r.correlation.risk_score = r.risk_score;
  return r;
}

inline constexpr TimestampMs kNow = 1'772'500'000'000;

inline SqliteOptions file_options(const std::string& path, int batch_size = 1000) {
  SqliteOptions options;
  options.path = path;
  options.batch_size = batch_size;
  return options;
}

inline std::unique_ptr<Store> open_or_fail(const SqliteOptions& options, const Clock& clock) {
  auto store = open_sqlite_store(options, clock);
  EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().message);
  return store ? std::move(*store) : nullptr;
}

}  // namespace soc::store_test
