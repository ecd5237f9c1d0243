// Prometheus text exposition of the service counters.
#include "serve/metrics.hpp"

#include <fmt/format.h>

namespace soc::serve {
namespace {

// Label values come from configuration and error ids; escaped anyway (exposition format rules).
std::string label_value(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '\\' || ch == '"') out += '\\';
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out += ch;
  }
  return out;
}

}  // namespace

void Metrics::count_rejected(const std::string& source, const std::string& reason) {
  std::lock_guard lock(rejected_mutex_);
  ++rejected_[{source, reason}];
}

std::string Metrics::prometheus_text() const {
  std::string out;
  auto counter = [&](const char* name, const char* help, const std::atomic<std::int64_t>& v,
                     const char* type = "counter") {
    out += fmt::format("# HELP soc_triage_{} {}\n# TYPE soc_triage_{} {}\nsoc_triage_{} {}\n", name,
                       help, name, type, name, v.load());
  };
  counter("http_requests_total", "Requests to the alert intake API.", requests);
  counter("alerts_received_total", "Records in intake bodies that passed authentication.",
          alerts_received);
  counter("alerts_accepted_total", "Alerts committed to the inbox.", alerts_accepted);
  counter("alerts_duplicate_total", "Alerts already in the inbox (retries, re-reads).",
          alerts_duplicate);
  counter("refused_unauthorized_total", "Requests without a valid bearer token.",
          refused_unauthorized);
  counter("refused_bad_signature_total", "Requests whose HMAC signature did not verify.",
          refused_bad_signature);
  counter("refused_too_large_total", "Requests over the body or batch limit (413).",
          refused_too_large);
  counter("refused_queue_full_total", "Requests refused with 429: intake queue full.",
          refused_queue_full);
  counter("refused_backlog_total", "Requests refused with 429: untriaged backlog full.",
          refused_backlog);
  counter("refused_unavailable_total", "Requests refused with 503: store failing or stopping.",
          refused_unavailable);
  counter("intake_commits_total", "Inbox transactions committed.", intake_commits);
  counter("intake_commit_failures_total", "Inbox transactions that failed.",
          intake_commit_failures);
  counter("intake_queue_alerts", "Alerts waiting for the inbox commit.", queued_alerts, "gauge");
  counter("backlog_alerts", "Alerts in the inbox not yet triaged.", backlog, "gauge");
  counter("triaged_total", "Alerts triaged and recorded.", triaged);
  counter("quarantined_total", "Inbox records quarantined as not an alert.", quarantined);
  counter("triage_store_failures_total", "Failed commits of the triage worker.", triage_failures);
  counter("watch_errors_total", "Errors reading watched directories.", watch_errors);
  counter("pull_errors_total", "Errors of pull connectors.", pull_errors);
  out +=
      "# HELP soc_triage_records_rejected_total Records that are not a valid alert, quarantined.\n"
      "# TYPE soc_triage_records_rejected_total counter\n";
  std::lock_guard lock(rejected_mutex_);
  for (const auto& [key, count] : rejected_) {
    out += fmt::format("soc_triage_records_rejected_total{{source=\"{}\",reason=\"{}\"}} {}\n",
                       label_value(key.first), label_value(key.second), count);
  }
  return out;
}

}  // namespace soc::serve
