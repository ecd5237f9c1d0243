// The triage loop of the service.
#include "serve/triage_worker.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <vector>

namespace soc::serve {

TriageWorker::TriageWorker(std::unique_ptr<Engine> engine, Metrics& metrics, std::size_t batch_size,
                           std::function<void(const TriageOutcome&)> on_decision)
    : engine_(std::move(engine)),
      metrics_(metrics),
      batch_size_(batch_size),
      on_decision_(std::move(on_decision)),
      thread_([this] { run(); }) {}

TriageWorker::~TriageWorker() {
  stop();
}

void TriageWorker::notify() {
  {
    std::lock_guard lock(mutex_);
    work_ = true;
  }
  wake_.notify_one();
}

void TriageWorker::stop() {
  stopping_ = true;
  notify();
  if (thread_.joinable()) thread_.join();
}

std::size_t TriageWorker::drain_once() {
  auto rows = engine_->store()->pending_inbound(after_id_, batch_size_);
  if (!rows) {
    spdlog::error("reading the inbox: {}", rows.error().message);
    return 0;
  }
  std::vector<TriageOutcome> outcomes;
  outcomes.reserve(rows->size());
  for (PendingInbound& row : *rows) {
    InputRecord record;
    record.ref = std::move(row.input_ref);
    record.kind = kind_of_record(row.bytes);
    record.bytes = std::move(row.bytes);
    record.inbox_id = row.id;
    const auto forced = row.format.empty() ? std::nullopt : source_format_from_string(row.format);
    TriageOutcome outcome = engine_->triage(record, forced);
    if (!outcome.recorded) {
      // The store refused it: the row stays pending and is taken again next round.
      spdlog::error("recording {}: {}", outcome.ref,
                    outcome.error ? outcome.error->message : "refused");
      ++metrics_.triage_failures;
      break;
    }
    after_id_ = row.id;
    outcomes.push_back(std::move(outcome));
  }
  if (outcomes.empty()) return 0;
  // Done means committed: the decisions and the inbox marks go to disk together.
  for (int backoff_ms = 50;; backoff_ms = std::min(backoff_ms * 2, 5000)) {
    auto flushed = engine_->flush();
    if (flushed) break;
    ++metrics_.triage_failures;
    spdlog::error("committing triaged alerts (retrying in {} ms): {}", backoff_ms,
                  flushed.error().message);
    if (stopping_) return rows->size();  // the rows stay pending in the inbox for next start
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
  }
  for (const TriageOutcome& outcome : outcomes) {
    if (outcome.decision) {
      ++metrics_.triaged;
    } else {
      ++metrics_.quarantined;
    }
    if (on_decision_) on_decision_(outcome);
  }
  metrics_.backlog -= static_cast<std::int64_t>(outcomes.size());
  return outcomes.size() == rows->size() ? rows->size() : 0;
}

void TriageWorker::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      // The timeout also picks up rows another process put in the inbox.
      wake_.wait_for(lock, std::chrono::seconds(1), [&] { return work_ || stopping_.load(); });
      work_ = false;
    }
    while (drain_once() == batch_size_ && !stopping_) {
    }
    if (stopping_) {
      // Rows committed after the last round are picked up at the next start.
      return;
    }
  }
}

}  // namespace soc::serve
