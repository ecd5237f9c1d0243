// Elastic Security alerts and Wazuh indexer alerts: `_search` paged with search_after.
//
// Request: POST /<index>/_search {"size":N, "sort":[{time:asc},{tiebreaker:asc}],
// "query":{"bool":{"filter":[{"range":{time:{"gte":from,"format":"epoch_millis"}}}]}},
// "search_after":<last hit's sort values>}. The (time, tiebreaker) sort is a total order, so
// search_after never skips nor repeats a hit. Cursor: {"after":<sort values>,"caught_up":bool}.
// A caught-up cursor starts the next pass at after[0] - lookback without search_after: alerts
// that became searchable late (refresh interval, slow rule runs) are read then, and the ones
// already stored come back as duplicates. A response with failed shards or timed_out is partial
// and refused: committing its cursor could jump over hits the failed shards hold.
#include <simdjson.h>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "connectors/page_support.hpp"
#include "connectors/products.hpp"
#include "connectors/raw_json.hpp"
#include "core/sha256.hpp"
#include "core/time.hpp"

namespace soc::connectors {
namespace {

using nlohmann::json;

// Index names and patterns keep '*' and ',' (multi-target syntax); the rest is encoded.
std::string index_path(std::string_view index) {
  std::string out;
  for (char c : index) {
    if (c == '*' || c == ',') {
      out += c;
    } else {
      out += live::url_encode(std::string_view(&c, 1));
    }
  }
  return out;
}

struct Position {
  json after;  // the last committed hit's sort values
  bool caught_up = false;
  std::int64_t time_ms = 0;  // after[0]
};

class SearchAfterConnector final : public PullConnector {
 public:
  SearchAfterConnector(SearchAfterOptions options, std::shared_ptr<live::HttpClient> http,
                       const Clock& clock)
      : options_(std::move(options)),
        http_(std::move(http)),
        clock_(clock),
        who_(describe(options_.name, options_.product)) {}

  const std::string& name() const override { return options_.name; }

  Result<PulledPage> fetch(const std::optional<std::string>& cursor,
                           std::size_t max_alerts) override {
    std::optional<Position> position;
    if (cursor) {
      auto parsed = parse_cursor(*cursor);
      if (!parsed) return std::unexpected(parsed.error());
      position = std::move(*parsed);
    }
    live::HttpRequest request;
    request.method = "POST";
    request.url = options_.base_url + "/" + index_path(options_.index) + "/_search";
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    options_.credentials.apply(request);
    request.body = request_body(position, max_alerts);
    auto response = send_with_retries(*http_, std::move(request), options_.retry, who_);
    if (!response) return std::unexpected(response.error());
    if (!is_success(response->status))
      return std::unexpected(http_status_error(who_, response->status, reason(response->body)));
    return read_page(response->body, position, max_alerts);
  }

 private:
  Result<Position> parse_cursor(const std::string& text) const {
    Position position;
    try {
      const json cursor = json::parse(text);
      position.after = cursor.at("after");
      position.caught_up = cursor.value("caught_up", false);
      if (!position.after.is_array() || position.after.empty() ||
          !position.after[0].is_number_integer())
        throw std::invalid_argument("after");
      position.time_ms = position.after[0].get<std::int64_t>();
    } catch (const std::exception&) {
      return fail(ErrorCode::kIntegrityError,
                  who_ + ": the stored cursor is not one this connector wrote");
    }
    return position;
  }

  std::string request_body(const std::optional<Position>& position, std::size_t size) const {
    const auto lookback_ms = std::chrono::milliseconds(options_.window.lookback).count();
    std::int64_t from = 0;
    bool rescan = false;
    if (!position) {
      from = clock_.now() - std::chrono::milliseconds(options_.window.backfill).count();
      rescan = true;
    } else if (position->caught_up && lookback_ms > 0) {
      from = position->time_ms - lookback_ms;
      rescan = true;
    } else {
      from = position->time_ms;
    }
    json body = {
        {"size", size},
        {"track_total_hits", false},
        {"sort",
         json::array(
             {{{options_.time_field, {{"order", "asc"}, {"unmapped_type", "date"}}}},
              {{options_.tiebreaker_field, {{"order", "asc"}, {"unmapped_type", "keyword"}}}}})},
        {"query",
         {{"bool",
           {{"filter", json::array({{{"range",
                                      {{options_.time_field,
                                        {{"gte", from}, {"format", "epoch_millis"}}}}}}})}}}}}};
    if (!rescan) body["search_after"] = position->after;
    return body.dump();
  }

  // The vendor's own words for a refused request: error.type and error.reason.
  std::string reason(const std::string& body) const {
    try {
      const json parsed = json::parse(body);
      if (parsed.contains("error") && parsed["error"].is_object()) {
        const auto& error = parsed["error"];
        return options_.credentials.scrub(short_detail(
            fmt::format("{}: {}", error.value("type", "error"), error.value("reason", ""))));
      }
    } catch (const std::exception&) {
    }
    return {};
  }

  std::string dedup_key(simdjson::dom::element source, simdjson::dom::element hit,
                        std::string_view bytes) const {
    for (const auto& field : options_.id_fields)
      if (auto found = find_dotted(source, field)) {
        std::string key = scalar_text(*found);
        if (!key.empty()) return key;
      }
    std::string_view id;
    if (hit["_id"].get_string().get(id) == simdjson::SUCCESS && !id.empty()) return std::string(id);
    return "sha256:" + sha256_hex(bytes);
  }

  Result<PulledPage> read_page(const std::string& body, const std::optional<Position>& position,
                               std::size_t max_alerts) {
    simdjson::dom::element root;
    if (parser_.parse(body).get(root) != simdjson::SUCCESS)
      return malformed(who_, "the body is not JSON");
    bool timed_out = false;
    if (root["timed_out"].get_bool().get(timed_out) == simdjson::SUCCESS && timed_out)
      return fail(ErrorCode::kUpstreamError,
                  who_ + ": the search timed out with partial results; cursor kept");
    std::int64_t failed_shards = 0;
    if (root["_shards"]["failed"].get_int64().get(failed_shards) == simdjson::SUCCESS &&
        failed_shards > 0)
      return fail(ErrorCode::kUpstreamError,
                  fmt::format("{}: {} shard(s) failed, the page may miss alerts; cursor kept", who_,
                              failed_shards));
    simdjson::dom::array hits;
    if (root["hits"]["hits"].get_array().get(hits) != simdjson::SUCCESS)
      return malformed(who_, "no hits.hits array");
    const auto raw_hits_span = raw_json::path(body, {"hits", "hits"});
    const auto raw_hits = raw_hits_span ? raw_json::items(*raw_hits_span) : std::nullopt;
    if (!raw_hits || raw_hits->size() != hits.size())
      return malformed(who_, "hits.hits could not be delimited");

    PulledPage page;
    page.alerts.reserve(hits.size());
    std::string_view last_sort;
    std::size_t index = 0;
    for (simdjson::dom::element hit : hits) {
      const std::string_view raw_hit = (*raw_hits)[index++];
      simdjson::dom::element source;
      const auto raw_source = raw_json::member(raw_hit, "_source");
      if (hit["_source"].get(source) != simdjson::SUCCESS || !source.is_object() || !raw_source)
        return malformed(who_, "a hit without its _source document");
      const auto raw_sort = raw_json::member(raw_hit, "sort");
      simdjson::dom::array sort;
      if (hit["sort"].get_array().get(sort) != simdjson::SUCCESS || sort.size() != 2 || !raw_sort)
        return malformed(who_, "a hit without its two sort values");
      std::int64_t time_ms = 0;
      if (sort.at(0).get_int64().get(time_ms) != simdjson::SUCCESS)
        return malformed(
            who_, "a hit whose " + options_.time_field + " sort value is not epoch milliseconds");
      InboundAlert alert;
      alert.bytes = std::string(*raw_source);
      alert.dedup_key = dedup_key(source, hit, alert.bytes);
      alert.input_ref = pull_input_ref(options_.name, alert.dedup_key);
      alert.format = options_.format;
      page.alerts.push_back(std::move(alert));
      last_sort = *raw_sort;
    }
    page.more = hits.size() >= max_alerts;
    json next;
    if (!page.alerts.empty()) {
      try {
        next["after"] = json::parse(last_sort);
      } catch (const std::exception&) {
        return malformed(who_, "unreadable sort values");
      }
    } else if (position) {
      next["after"] = position->after;
    } else {
      return page;  // nothing ever read: no position to remember yet
    }
    next["caught_up"] = !page.more;
    page.next_cursor = next.dump();
    return page;
  }

  SearchAfterOptions options_;
  std::shared_ptr<live::HttpClient> http_;
  const Clock& clock_;
  std::string who_;
  simdjson::dom::parser parser_;
};

}  // namespace

std::unique_ptr<PullConnector> make_search_after_connector(SearchAfterOptions options,
                                                           std::shared_ptr<live::HttpClient> http,
                                                           const Clock& clock) {
  return std::make_unique<SearchAfterConnector>(std::move(options), std::move(http), clock);
}

}  // namespace soc::connectors
