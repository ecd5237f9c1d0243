// The live lookup round: memory, disk cache, budgets, parallel transfers, single flight.
#include "intel_live/live_enricher.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace soc::live {

struct LiveEnricher::Flight {
  bool done = false;
  EnrichmentPtr answer;
};

struct LiveEnricher::SourceState {
  explicit SourceState(const SourceSettings& settings)
      : minute(settings.rate_per_minute),
        daily(settings.daily_quota),
        breaker(settings.breaker_failures, settings.breaker_cooldown_ms) {}
  MinuteBudget minute;
  DailyQuota daily;
  CircuitBreaker breaker;
  TimestampMs blocked_until = 0;  // from the vendor's Retry-After
  bool key_refused = false;       // the breaker opened on a 401/403
  SourceStats stats;
};

struct LiveEnricher::Job {
  std::size_t result = 0;  // index in the caller's results
  std::size_t source = 0;
  Observable observable;
  std::string key;
  std::shared_ptr<Flight> flight;
  std::vector<Candidate> candidates;
  std::size_t candidate = 0;
  int attempt = 0;
  std::string last_problem;  // the transient failure a retry is answering
  EnrichmentPtr answer;
};

namespace {

class Facade final : public IntelProvider {
 public:
  Facade(std::shared_ptr<LiveEnricher> enricher, std::size_t source)
      : enricher_(std::move(enricher)), source_(source) {}
  std::string_view name() const override { return enricher_->source_name(source_); }
  bool supports(ObservableType type) const override { return enricher_->supports(source_, type); }
  double reliability() const override { return enricher_->reliability(source_); }
  Enrichment lookup(const Observable& observable) const override {
    return *lookup_shared(observable);
  }
  EnrichmentPtr lookup_shared(const Observable& observable) const override {
    return enricher_->lookup(source_, observable);
  }

 private:
  std::shared_ptr<LiveEnricher> enricher_;
  std::size_t source_;
};

bool is_retryable_status(int status) {
  return status == 500 || status == 502 || status == 503 || status == 504;
}

}  // namespace

LiveEnricher::LiveEnricher(std::vector<LiveSource> sources, std::shared_ptr<HttpClient> http,
                           IntelCache cache, const Clock& clock, LiveOptions options)
    : sources_(std::move(sources)),
      http_(std::move(http)),
      cache_(std::move(cache)),
      clock_(clock),
      options_(std::move(options)) {
  const TimestampMs now = clock_.now();
  for (const LiveSource& source : sources_) {
    states_.push_back(std::make_unique<SourceState>(source.settings));
    if (options_.quota_dir.empty()) continue;
    const auto path = options_.quota_dir / fmt::format("{}.json", source.vendor->name());
    auto text = IntelCache::read_file(path);
    if (!text) continue;
    try {
      const auto saved = nlohmann::json::parse(*text);
      const std::int64_t day = saved.value("day", std::int64_t{-1});
      if (day == DailyQuota::day_of(now))
        states_.back()->daily.restore(day, saved.value("used", 0));
    } catch (const nlohmann::json::exception&) {
      // An unreadable counter starts the day over; the vendor's own 429 still protects us.
    }
  }
}

LiveEnricher::~LiveEnricher() = default;

std::string_view LiveEnricher::source_name(std::size_t source) const {
  return sources_[source].vendor->name();
}
bool LiveEnricher::supports(std::size_t source, ObservableType type) const {
  return sources_[source].vendor->supports(type);
}
double LiveEnricher::reliability(std::size_t source) const {
  return sources_[source].settings.reliability;
}

SourceStats LiveEnricher::stats(std::size_t source) const {
  std::lock_guard lock(mutex_);
  return states_[source]->stats;
}

std::vector<std::unique_ptr<IntelProvider>> LiveEnricher::providers() {
  std::vector<std::unique_ptr<IntelProvider>> out;
  for (std::size_t i = 0; i < sources_.size(); ++i)
    out.push_back(std::make_unique<Facade>(shared_from_this(), i));
  return out;
}

std::string LiveEnricher::key_of(std::size_t source, const Observable& observable) const {
  std::string key;
  key.reserve(observable.value.size() + 4);
  key.push_back(static_cast<char>('a' + source));
  key.push_back(static_cast<char>('a' + static_cast<int>(observable.type)));
  key.append(observable.value);
  return key;
}

EnrichmentPtr LiveEnricher::answer(const Job& job, LookupStatus status, std::string error) const {
  auto out = std::make_shared<Enrichment>();
  out->observable = job.observable.value;
  out->type = job.observable.type;
  out->provider = std::string(source_name(job.source));
  out->status = status;
  out->error = sources_[job.source].vendor->key().scrub(
      fmt::format("{}: {}", source_name(job.source), error));
  out->fetched_at = clock_.now();
  return out;
}

EnrichmentPtr LiveEnricher::lookup(std::size_t source, const Observable& observable) {
  if (!supports(source, observable.type)) {
    auto out = std::make_shared<Enrichment>();
    out->observable = observable.value;
    out->type = observable.type;
    out->provider = std::string(source_name(source));
    out->status = LookupStatus::kSkipped;
    out->error = fmt::format("{} does not hold {} indicators", source_name(source),
                             to_string(observable.type));
    return out;
  }
  {
    const std::string key = key_of(source, observable);
    std::lock_guard lock(mutex_);
    if (auto it = remembered_.find(key);
        it != remembered_.end() && it->second.expires > clock_.now()) {
      ++states_[source]->stats.memo_hits;
      return it->second.answer;
    }
  }
  const auto results = enrich(std::span<const Observable>(&observable, 1));
  std::size_t position = 0;
  for (std::size_t i = 0; i < source; ++i) position += supports(i, observable.type) ? 1 : 0;
  return results[position];
}

std::vector<EnrichmentPtr> LiveEnricher::enrich(std::span<const Observable> observables) {
  return enrich(observables, clock_.now() + options_.deadline.count());
}

std::vector<EnrichmentPtr> LiveEnricher::enrich(std::span<const Observable> observables,
                                                TimestampMs deadline) {
  const TimestampMs started = clock_.now();
  const SteadyTime steady_deadline =
      SteadyClock::now() + Milliseconds(std::max<TimestampMs>(0, deadline - started));
  std::vector<EnrichmentPtr> results;
  std::vector<Job> jobs;
  struct Wait {
    std::size_t result;
    std::size_t source;
    const Observable* observable;
    std::shared_ptr<Flight> flight;
  };
  std::vector<Wait> waits;

  {
    std::lock_guard lock(mutex_);
    for (const Observable& observable : observables) {
      for (std::size_t source = 0; source < sources_.size(); ++source) {
        if (!supports(source, observable.type)) continue;
        const std::size_t index = results.size();
        results.emplace_back();
        std::string key = key_of(source, observable);
        if (auto it = remembered_.find(key);
            it != remembered_.end() && it->second.expires > started) {
          results[index] = it->second.answer;
          ++states_[source]->stats.memo_hits;
          continue;
        }
        if (auto it = in_flight_.find(key); it != in_flight_.end()) {
          waits.push_back(Wait{index, source, &observable, it->second});
          ++states_[source]->stats.shared;
          continue;
        }
        Job job;
        job.result = index;
        job.source = source;
        job.observable = observable;
        job.flight = std::make_shared<Flight>();
        in_flight_.emplace(key, job.flight);
        job.key = std::move(key);
        jobs.push_back(std::move(job));
      }
    }
  }

  // Disk cache and request planning, outside the lock: this is where files are read.
  std::vector<std::size_t> network;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    resolve_from_cache(jobs[i], started);
    if (jobs[i].answer == nullptr) network.push_back(i);
  }

  std::vector<HttpRequest> requests;
  std::vector<std::size_t> slot_job;
  for (std::size_t i : network) {
    Job& job = jobs[i];
    if (auto refusal = admit(job.source, clock_.now())) {
      job.answer = answer(job, refusal->status, std::move(refusal->reason));
      continue;
    }
    requests.push_back(job.candidates[job.candidate].request);
    slot_job.push_back(i);
  }
  if (!requests.empty()) {
    http_->run(std::move(requests), steady_deadline, [&](std::size_t slot, HttpResponse& response) {
      return on_response(jobs[slot_job[slot]], response, steady_deadline);
    });
  }
  for (Job& job : jobs) {
    publish(job);
    results[job.result] = job.answer;
  }

  if (!waits.empty()) {
    std::unique_lock lock(mutex_);
    for (const Wait& wait : waits) {
      flight_done_.wait_until(lock, steady_deadline, [&] { return wait.flight->done; });
      if (wait.flight->done) {
        results[wait.result] = wait.flight->answer;
        continue;
      }
      // Another alert's request for the same observable is still running at our deadline.
      Job stand_in;
      stand_in.source = wait.source;
      stand_in.observable = *wait.observable;
      results[wait.result] = answer(stand_in, LookupStatus::kTimeout,
                                    "no answer before the deadline (request shared with another "
                                    "caller still running)");
    }
  }
  return results;
}

void LiveEnricher::resolve_from_cache(Job& job, TimestampMs now) {
  const Vendor& vendor = *sources_[job.source].vendor;
  auto plan = vendor.plan(job.observable);
  if (!plan) {
    job.answer = answer(job, LookupStatus::kSkipped, "lookup refused: " + plan.error().message);
    return;
  }
  job.candidates = std::move(*plan);
  for (std::size_t i = 0; i < job.candidates.size(); ++i) {
    auto entry = cache_.read(job.candidates[i].cache_path, job.observable.type, now);
    if (!entry) {
      job.candidate = i;
      return;
    }
    const bool last = i + 1 == job.candidates.size();
    if (entry->status == CachedStatus::kNotFound && !last) continue;
    Enrichment out;
    if (entry->body) {
      auto parsed = vendor.interpret(*entry->body, job.observable);
      if (!parsed) {  // a damaged cache file is a miss, not an answer
        job.candidate = i;
        return;
      }
      out = std::move(*parsed);
    } else {
      out.observable = job.observable.value;
      out.type = job.observable.type;
      out.provider = std::string(vendor.name());
    }
    if (entry->status == CachedStatus::kNotFound) out.status = LookupStatus::kNotFound;
    if (out.status != LookupStatus::kOk) out.verdict = Verdict::kUnknown;
    out.fetched_at = entry->fetched_at;
    job.answer = std::make_shared<const Enrichment>(std::move(out));
    std::lock_guard lock(mutex_);
    ++states_[job.source]->stats.cache_hits;
    return;
  }
  job.candidate = 0;
}

std::optional<LiveEnricher::Refusal> LiveEnricher::admit(std::size_t source, TimestampMs now) {
  std::lock_guard lock(mutex_);
  SourceState& state = *states_[source];
  const SourceSettings& settings = sources_[source].settings;
  auto refuse = [&](LookupStatus status, std::string reason) {
    ++state.stats.budget_refusals;
    return std::optional<Refusal>(Refusal{status, std::move(reason)});
  };
  if (state.blocked_until > now)
    return refuse(LookupStatus::kRateLimited,
                  fmt::format("the vendor asked to wait until {} (Retry-After)",
                              format_time(state.blocked_until)));
  if (settings.daily_quota > 0 && state.daily.used(now) >= settings.daily_quota)
    return refuse(LookupStatus::kRateLimited,
                  fmt::format("local budget exhausted: daily quota of {} requests used",
                              settings.daily_quota));
  if (state.minute.next_free(now) > now)
    return refuse(LookupStatus::kRateLimited,
                  fmt::format("local budget exhausted: {} requests a minute, next at {}",
                              settings.rate_per_minute, format_time(state.minute.next_free(now))));
  // Checked last: in half-open state allow() hands out the single probe, which must then go.
  if (!state.breaker.allow(now))
    return refuse(LookupStatus::kError,
                  state.key_refused
                      ? fmt::format("circuit open: the API key was refused, next try at {}",
                                    format_time(state.breaker.open_until()))
                      : fmt::format("circuit open after {} consecutive failures, next try at {}",
                                    state.breaker.consecutive_failures(),
                                    format_time(state.breaker.open_until())));
  state.minute.try_take(now);
  state.daily.try_take(now);
  ++state.stats.requests;
  if (settings.daily_quota > 0) persist_quota(source);
  return std::nullopt;
}

void LiveEnricher::persist_quota(std::size_t source) {
  if (options_.quota_dir.empty()) return;
  const DailyQuota& daily = states_[source]->daily;
  const nlohmann::json saved = {{"day", daily.day()}, {"used", daily.count()}};
  (void)IntelCache::write_file_atomically(
      options_.quota_dir / fmt::format("{}.json", source_name(source)), saved.dump());
}

std::optional<HttpRequest> LiveEnricher::on_response(Job& job, HttpResponse& response,
                                                     SteadyTime deadline) {
  const LiveSource& source = sources_[job.source];
  const Vendor& vendor = *source.vendor;
  const TimestampMs now = clock_.now();
  auto record = [&](bool success) {
    std::lock_guard lock(mutex_);
    SourceState& state = *states_[job.source];
    if (success) {
      state.breaker.record_success();
      state.key_refused = false;
    } else {
      state.breaker.record_failure(now);
      ++state.stats.failures;
    }
  };
  auto again = [&](std::string problem, Milliseconds delay) -> std::optional<HttpRequest> {
    if (SteadyClock::now() + delay >= deadline) return std::nullopt;
    if (admit(job.source, now)) return std::nullopt;
    job.last_problem = std::move(problem);
    HttpRequest request = job.candidates[job.candidate].request;
    request.start_delay = delay;
    return request;
  };

  if (response.transfer == Transfer::kDeadline) {
    job.answer = answer(job, LookupStatus::kTimeout,
                        job.last_problem.empty()
                            ? std::string("no answer before the alert's deadline")
                            : fmt::format("no answer before the alert's deadline (retrying after "
                                          "{})",
                                          job.last_problem));
    record(false);
    return std::nullopt;
  }
  if (response.transfer == Transfer::kTimedOut) {
    job.answer = answer(job, LookupStatus::kTimeout,
                        fmt::format("no answer within {} ms",
                                    job.candidates[job.candidate].request.timeout.count()));
    record(false);
    return std::nullopt;
  }
  const bool transient =
      is_transient(response.transfer) ||
      (response.transfer == Transfer::kCompleted && is_retryable_status(response.status));
  if (transient) {
    std::string problem =
        response.transfer == Transfer::kCompleted
            ? fmt::format("HTTP {}", response.status)
            : fmt::format("{} ({})", to_string(response.transfer), response.error);
    if (job.attempt < source.settings.max_retries) {
      const Milliseconds delay = source.settings.retry_backoff * (1 << job.attempt);
      if (auto retry = again(problem, delay)) {
        ++job.attempt;
        return retry;
      }
    }
    job.answer = answer(job, LookupStatus::kError,
                        fmt::format("{} after {} attempt(s)", problem, job.attempt + 1));
    record(false);
    return std::nullopt;
  }
  if (response.transfer != Transfer::kCompleted) {
    job.answer = answer(job, LookupStatus::kError, response.error);
    record(false);
    return std::nullopt;
  }

  const std::string& cache_path = job.candidates[job.candidate].cache_path;
  const int status = response.status;
  // A vendor may echo the key anywhere in a body; what is parsed and stored has it removed.
  response.body = vendor.key().scrub(std::move(response.body));
  if (status == 200) {
    auto parsed = vendor.interpret(response.body, job.observable);
    if (!parsed) {
      job.answer = answer(job, LookupStatus::kError,
                          "malformed response: " + vendor.key().scrub(parsed.error().message));
      record(false);
      return std::nullopt;
    }
    Enrichment out = std::move(*parsed);
    out.fetched_at = now;
    out.error = vendor.key().scrub(std::move(out.error));
    if (out.status == LookupStatus::kOk || out.status == LookupStatus::kNotFound) {
      const std::string& body = response.body;
      (void)cache_.write(
          cache_path, body,
          out.status == LookupStatus::kOk ? CachedStatus::kOk : CachedStatus::kNotFound, now);
      if (out.status == LookupStatus::kOk) vendor.after_store(body, cache_);
      record(true);
    } else if (out.status == LookupStatus::kRateLimited) {
      std::lock_guard lock(mutex_);
      SourceState& state = *states_[job.source];
      state.blocked_until =
          std::max(state.blocked_until, now + source.settings.default_retry_after_ms);
    } else {
      record(false);
    }
    if (out.status != LookupStatus::kOk) out.verdict = Verdict::kUnknown;
    job.answer = std::make_shared<const Enrichment>(std::move(out));
    return std::nullopt;
  }
  if (status == 404) {
    record(true);
    if (job.candidate + 1 < job.candidates.size()) {
      (void)cache_.write(cache_path, std::nullopt, CachedStatus::kNotFound, now);
      ++job.candidate;
      job.attempt = 0;
      job.last_problem.clear();
      if (auto next = again("", Milliseconds(0))) return next;
      job.answer = answer(job, LookupStatus::kRateLimited,
                          "local budget exhausted before the parent name could be asked");
      return std::nullopt;
    }
    Enrichment out;
    std::optional<std::string> body;
    if (auto parsed = vendor.interpret(response.body, job.observable);
        parsed && parsed->status == LookupStatus::kNotFound) {
      out = std::move(*parsed);  // GreyNoise explains a 404 with facts worth keeping
      body = response.body;
    } else {
      out.observable = job.observable.value;
      out.type = job.observable.type;
      out.provider = std::string(vendor.name());
    }
    out.status = LookupStatus::kNotFound;
    out.verdict = Verdict::kUnknown;
    out.error = vendor.key().scrub(std::move(out.error));
    out.fetched_at = now;
    (void)cache_.write(cache_path, body, CachedStatus::kNotFound, now);
    job.answer = std::make_shared<const Enrichment>(std::move(out));
    return std::nullopt;
  }
  if (status == 401 || status == 403) {
    job.answer = answer(job, LookupStatus::kError,
                        fmt::format("unauthorized (HTTP {}): the API key was refused", status));
    std::lock_guard lock(mutex_);
    states_[job.source]->breaker.trip(now);
    states_[job.source]->key_refused = true;
    ++states_[job.source]->stats.failures;
    return std::nullopt;
  }
  if (status == 429) {
    // A day at most: a broken or hostile header must not silence a provider for good.
    const TimestampMs until = std::min(retry_after_until(response.retry_after, now)
                                           .value_or(now + source.settings.default_retry_after_ms),
                                       now + kDay);
    {
      std::lock_guard lock(mutex_);
      SourceState& state = *states_[job.source];
      state.blocked_until = std::max(state.blocked_until, until);
      state.breaker.record_success();  // the vendor is up; it is only pacing us
      state.key_refused = false;
    }
    job.answer =
        answer(job, LookupStatus::kRateLimited,
               fmt::format("HTTP 429: the vendor asks to retry after {}", format_time(until)));
    return std::nullopt;
  }
  if (status >= 300 && status < 400) {
    job.answer =
        answer(job, LookupStatus::kError, fmt::format("redirect refused (HTTP {})", status));
    record(false);
    return std::nullopt;
  }
  job.answer = answer(job, LookupStatus::kError, fmt::format("HTTP {}", status));
  record(status < 500 ? true : false);
  return std::nullopt;
}

void LiveEnricher::publish(Job& job) {
  if (job.answer == nullptr)  // a transfer that never reported back: treat as cut by the deadline
    job.answer = answer(job, LookupStatus::kTimeout, "no answer before the alert's deadline");
  const LookupStatus status = job.answer->status;
  const TimestampMs now = clock_.now();
  TimestampMs expires = now + options_.failure_hold_ms;
  if (status == LookupStatus::kOk || status == LookupStatus::kNotFound) {
    const TimestampMs fetched = job.answer->fetched_at.value_or(now);
    expires = fetched + cache_.ttl(job.observable.type, status == LookupStatus::kOk
                                                            ? CachedStatus::kOk
                                                            : CachedStatus::kNotFound);
  } else if (status == LookupStatus::kSkipped) {
    expires = now + cache_.ttl(job.observable.type, CachedStatus::kOk);
  }
  std::lock_guard lock(mutex_);
  if (remembered_.size() >= options_.max_remembered) {
    std::erase_if(remembered_, [&](const auto& entry) { return entry.second.expires <= now; });
    if (remembered_.size() >= options_.max_remembered) remembered_.clear();
  }
  if (expires > now) remembered_.insert_or_assign(job.key, Remembered{job.answer, expires});
  job.flight->done = true;
  job.flight->answer = job.answer;
  in_flight_.erase(job.key);
  flight_done_.notify_all();
}

}  // namespace soc::live
