// The pull loop: stored cursor in, pages committed with their cursors, and its periodic schedule.
#include <algorithm>

#include "connectors/connector.hpp"

namespace soc::connectors {

std::string pull_source_name(std::string_view connector_name) {
  return "pull:" + std::string(connector_name);
}

PullReport pull_until_caught_up(PullConnector& connector, Store& store,
                                const PullOptions& options) {
  PullReport report;
  const std::string source = pull_source_name(connector.name());
  auto stored = store.read_cursor(source);
  if (!stored) {
    report.error = stored.error();
    return report;
  }
  std::optional<std::string> cursor = std::move(*stored);
  const std::size_t page_size = std::max<std::size_t>(1, options.page_size);
  while (report.pages < std::max<std::size_t>(1, options.max_pages)) {
    auto page = connector.fetch(cursor, page_size);
    if (!page) {
      report.error = page.error();
      return report;
    }
    std::optional<CursorUpdate> update;
    if (!page->next_cursor.empty() && page->next_cursor != cursor)
      update = CursorUpdate{source, page->next_cursor};
    if (!page->alerts.empty() || update) {
      // One transaction for the page and the cursor after it: a crash either keeps both or
      // neither, so the next start re-reads exactly this page or starts after it.
      auto outcome = store.accept_inbound(source, page->alerts, update);
      if (!outcome) {
        report.error = outcome.error();
        return report;
      }
      report.accepted += outcome->accepted;
      report.duplicates += outcome->duplicates;
    }
    ++report.pages;
    if (update) cursor = std::move(update->value);
    if (!page->more) {
      report.caught_up = true;
      return report;
    }
  }
  return report;
}

PullSource::PullSource(std::unique_ptr<PullConnector> connector, PullOptions options,
                       std::chrono::milliseconds interval)
    : connector_(std::move(connector)),
      options_(options),
      interval_(std::max(interval, std::chrono::milliseconds(1))) {}

std::optional<PullReport> PullSource::poll(Store& store, SteadyTime now) {
  if (now < next_due_) return std::nullopt;
  PullReport report = pull_until_caught_up(*connector_, store, options_);
  if (report.error) {
    ++failures_;
    // Doubling keeps a down SIEM (or a revoked key) from being hammered; ten intervals at most
    // so a recovered one is read again soon.
    const auto factor =
        std::min<std::size_t>(std::size_t{1} << std::min<std::size_t>(failures_, 4), 10);
    next_due_ = now + interval_ * static_cast<long>(factor);
  } else {
    failures_ = 0;
    // A page budget spent with more waiting: come back at once, after the other sources.
    next_due_ = report.caught_up ? now + interval_ : now;
  }
  return report;
}

}  // namespace soc::connectors
