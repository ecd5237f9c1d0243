// `soc-triage serve` assembled: one intake writer and one triage worker on the store file, the
// webhook, the watched directories, and the pull connectors, sharing one bounded queue.
// Threading: create() starts the writer, worker and watchers; run() serves HTTP on the calling
// thread until stop() (safe from any thread). Failure: start-up problems are returned; at run
// time every failure is counted in the metrics and logged, and the service goes on.
#pragma once
#include <memory>

#include "config/config.hpp"
#include "core/time.hpp"
#include "serve/metrics.hpp"

namespace soc::serve {

class Service {
 public:
  static Result<std::unique_ptr<Service>> create(const Config& config, const Clock& clock);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  int port() const;  // the bound port (the configured one, or the one port 0 got)
  Status run();
  // Stops taking deliveries, commits what was acknowledged-in-flight and the triage batch in
  // hand; what is still pending in the inbox is triaged at the next start.
  void stop();
  const Metrics& metrics() const;

 private:
  Service();
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace soc::serve
