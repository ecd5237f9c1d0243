// Pull connectors: read a SIEM's alerts through its own API into the durable inbox, gap-free.
//
// Input: a product API (Elastic, Splunk, Sentinel, Wazuh indexer) and the cursor the store kept
// for the source. Output: inbox rows (Store::accept_inbound), each page committed in ONE call
// together with the cursor that follows it, so after a crash or restart the source resumes
// exactly where the last committed page ended: nothing skipped, nothing stored twice.
// Late alerts: when a source has caught up, its next pass starts `lookback` before the
// position reached; what it reads again is recognised by the store's dedup (same source, same
// product alert id) and counted as duplicates, never stored twice.
// Threading: one connector per thread (each owns a parser and a token cache); the HTTP client
// may be shared. Failure: Result values; an error leaves the stored cursor where it was.
#pragma once
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "store/store.hpp"

namespace soc {
class Clock;
struct PullSourceConfig;
namespace live {
class HttpClient;
}

namespace connectors {

struct PulledPage {
  std::vector<InboundAlert> alerts;  // in the product's order
  // Opaque JSON the connector owns: committed with `alerts`, handed back to the next fetch().
  // Empty when there is still no position to remember (nothing ever read).
  std::string next_cursor;
  bool more = false;  // the product has more right now: fetch again without waiting
};

class PullConnector {
 public:
  virtual ~PullConnector() = default;
  // The configured source name ("elastic-prod"): the store's source is "pull:<name>".
  virtual const std::string& name() const = 0;
  // One page of at most `max_alerts` alerts after `cursor` (nullopt: never pulled before).
  virtual Result<PulledPage> fetch(const std::optional<std::string>& cursor,
                                   std::size_t max_alerts) = 0;
};

// The store's source name and cursor name of a connector: "pull:<name>".
std::string pull_source_name(std::string_view connector_name);

struct PullOptions {
  std::size_t page_size = 500;
  std::size_t max_pages = 20;  // per call: a busy source cannot starve the others
};

struct PullReport {
  std::size_t pages = 0;       // pages fetched and committed
  std::size_t accepted = 0;    // new inbox rows
  std::size_t duplicates = 0;  // alerts read again (overlap, lookback) and not stored twice
  bool caught_up = false;      // the product said it had nothing more
  std::optional<Error> error;  // what stopped the pass early; the cursor stays at the last commit
};

// Reads the stored cursor, then fetches and commits pages until the product has no more, an
// error occurs, or options.max_pages pages were committed.
PullReport pull_until_caught_up(PullConnector& connector, Store& store, const PullOptions& options);

// A configured source as the serve loop runs it: pulls every `interval`, sooner while the
// product still has more, and backs off (doubling, up to 10 intervals) after failures.
class PullSource {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  PullSource(std::unique_ptr<PullConnector> connector, PullOptions options,
             std::chrono::milliseconds interval);
  const std::string& name() const { return connector_->name(); }
  SteadyTime next_due() const { return next_due_; }
  // Pulls when due (returns its report), else returns nullopt without doing anything.
  std::optional<PullReport> poll(Store& store, SteadyTime now);
  std::size_t consecutive_failures() const { return failures_; }

 private:
  std::unique_ptr<PullConnector> connector_;
  PullOptions options_;
  std::chrono::milliseconds interval_;
  SteadyTime next_due_{};
  std::size_t failures_ = 0;
};

// Builds the connector a `pull:` entry describes. Reads its secret (environment variable or
// file) now, so a missing credential is a start-up error. `http`: the client to use (tests,
// or one shared by several sources); nullptr builds one whose egress guard allows exactly the
// entry's configured roots. `clock` must outlive the connector.
Result<std::unique_ptr<PullConnector>> make_pull_connector(
    const PullSourceConfig& config, const Clock& clock,
    std::shared_ptr<live::HttpClient> http = nullptr);

// make_pull_connector() plus the entry's page size, page budget and interval.
Result<PullSource> make_pull_source(const PullSourceConfig& config, const Clock& clock,
                                    std::shared_ptr<live::HttpClient> http = nullptr);

}  // namespace connectors
}  // namespace soc
