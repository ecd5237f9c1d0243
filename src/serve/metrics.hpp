// Counters of the running service, shown at GET /metrics in the Prometheus text format.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace soc::serve {

// Every refusal and rejection is counted here: overload is never silent.
class Metrics {
 public:
  std::atomic<std::int64_t> requests{0};
  std::atomic<std::int64_t> alerts_received{0};   // records in accepted bodies
  std::atomic<std::int64_t> alerts_accepted{0};   // new rows in the inbox
  std::atomic<std::int64_t> alerts_duplicate{0};  // already in the inbox (retries, overlaps)
  std::atomic<std::int64_t> refused_unauthorized{0};
  std::atomic<std::int64_t> refused_bad_signature{0};
  std::atomic<std::int64_t> refused_too_large{0};
  std::atomic<std::int64_t> refused_queue_full{0};   // 429: intake queue
  std::atomic<std::int64_t> refused_backlog{0};      // 429: untriaged backlog
  std::atomic<std::int64_t> refused_unavailable{0};  // 503: store failing or stopping
  std::atomic<std::int64_t> intake_commits{0};
  std::atomic<std::int64_t> intake_commit_failures{0};
  std::atomic<std::int64_t> queued_alerts{0};  // waiting for the intake commit
  std::atomic<std::int64_t> backlog{0};        // in the inbox, not yet triaged
  std::atomic<std::int64_t> triaged{0};
  std::atomic<std::int64_t> quarantined{0};
  std::atomic<std::int64_t> triage_failures{0};  // store commit failures of the triage worker
  std::atomic<std::int64_t> watch_errors{0};
  std::atomic<std::int64_t> pull_errors{0};

  // Records refused as not an alert, by error id ("invalid_utf8") and source.
  void count_rejected(const std::string& source, const std::string& reason);
  std::string prometheus_text() const;

 private:
  mutable std::mutex rejected_mutex_;
  std::map<std::pair<std::string, std::string>, std::int64_t> rejected_;
};

}  // namespace soc::serve
