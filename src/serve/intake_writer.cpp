// Group commits of deliveries into the inbox.
#include "serve/intake_writer.hpp"

#include <vector>

namespace soc::serve {

IntakeWriter::IntakeWriter(std::unique_ptr<Store> store, IntakeLimits limits, Metrics& metrics,
                           std::function<void()> on_commit)
    : store_(std::move(store)),
      limits_(limits),
      metrics_(metrics),
      on_commit_(std::move(on_commit)),
      thread_([this] { run(); }) {}

IntakeWriter::~IntakeWriter() {
  stop();
}

std::expected<std::future<Result<InboundOutcome>>, Refusal> IntakeWriter::submit(
    InboundBatch batch) {
  const auto size = static_cast<std::int64_t>(batch.alerts.size());
  std::future<Result<InboundOutcome>> future;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return std::unexpected(Refusal::kStopping);
    // An empty queue always takes one delivery, however large: a batch bigger than the queue
    // would otherwise never get in.
    const std::int64_t queued = metrics_.queued_alerts.load();
    if (queued > 0 && queued + size > limits_.queue_alerts)
      return std::unexpected(Refusal::kQueueFull);
    if (metrics_.backlog.load() + queued >= limits_.max_backlog)
      return std::unexpected(Refusal::kBacklogFull);
    metrics_.queued_alerts += size;
    Waiting& waiting = queue_.emplace_back(Waiting{std::move(batch), {}});
    future = waiting.promise.get_future();
  }
  wake_.notify_one();
  return future;
}

Result<std::optional<std::string>> IntakeWriter::read_cursor(std::string_view name) {
  std::lock_guard lock(store_mutex_);
  return store_->read_cursor(name);
}

void IntakeWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void IntakeWriter::run() {
  for (;;) {
    std::vector<Waiting> group;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to commit
      std::size_t alerts = 0;
      while (!queue_.empty() && (group.empty() || alerts + queue_.front().batch.alerts.size() <=
                                                      limits_.max_group_alerts)) {
        alerts += queue_.front().batch.alerts.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<InboundBatch> batches;
    batches.reserve(group.size());
    std::int64_t alerts = 0;
    for (Waiting& waiting : group) {
      alerts += static_cast<std::int64_t>(waiting.batch.alerts.size());
      batches.push_back(std::move(waiting.batch));
    }
    Result<std::vector<InboundOutcome>> outcomes;
    {
      std::lock_guard lock(store_mutex_);
      outcomes = store_->accept_inbound_group(batches);
    }
    metrics_.queued_alerts -= alerts;
    if (!outcomes) {
      ++metrics_.intake_commit_failures;
      for (Waiting& waiting : group) waiting.promise.set_value(std::unexpected(outcomes.error()));
      continue;
    }
    ++metrics_.intake_commits;
    std::int64_t accepted = 0;
    for (std::size_t i = 0; i < group.size(); ++i) {
      accepted += static_cast<std::int64_t>((*outcomes)[i].accepted);
      metrics_.alerts_duplicate += static_cast<std::int64_t>((*outcomes)[i].duplicates);
    }
    // Counted before anyone hears of the commit, so the backlog never reads low.
    metrics_.alerts_accepted += accepted;
    metrics_.backlog += accepted;
    for (std::size_t i = 0; i < group.size(); ++i)
      group[i].promise.set_value(std::move((*outcomes)[i]));
    if (on_commit_ && accepted > 0) on_commit_();
  }
}

}  // namespace soc::serve
