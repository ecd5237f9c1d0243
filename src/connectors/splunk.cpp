// Splunk (Enterprise Security notables): the REST search export endpoint, paged by time.
//
// Request: POST /services/search/jobs/export, form fields search="<search> | sort 0 _time |
// head K", output_mode=json, earliest_time=<epoch seconds>, latest_time=now. The answer is one
// JSON object per line, {"preview":false,"offset":N,"result":{...}}, possibly with
// {"messages":[...]} lines; a FATAL or ERROR message fails the page (the export can fail after
// a 200). Cursor: {"time_ms":T,"seen":[ids read at T],"caught_up":bool}. The next page starts at
// T inclusive and skips the ids already read at T, so alerts sharing one timestamp across a
// page boundary are neither skipped nor repeated; K = page size + |seen| so the skipped ones
// never use up the page. Dedup key: the notable's event_id, else its _bkt and _cd (bucket and
// offset: unique per indexed event), else a hash of the bytes.
#include <simdjson.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "connectors/page_support.hpp"
#include "connectors/products.hpp"
#include "connectors/raw_json.hpp"
#include "core/sha256.hpp"
#include "core/strings.hpp"
#include "core/time.hpp"

namespace soc::connectors {
namespace {

using nlohmann::json;

struct Position {
  std::int64_t time_ms = 0;
  std::set<std::string> seen;
  bool caught_up = false;
};

class SplunkConnector final : public PullConnector {
 public:
  SplunkConnector(SplunkOptions options, std::shared_ptr<live::HttpClient> http, const Clock& clock)
      : options_(std::move(options)),
        http_(std::move(http)),
        clock_(clock),
        who_(describe(options_.name, "splunk")) {
    const std::string_view search = trim(options_.search);
    // The REST API runs a search string only when it starts with a command.
    options_.search = (search.starts_with("search ") || search.starts_with("|"))
                          ? std::string(search)
                          : "search " + std::string(search);
  }

  const std::string& name() const override { return options_.name; }

  Result<PulledPage> fetch(const std::optional<std::string>& cursor,
                           std::size_t max_alerts) override {
    std::optional<Position> position;
    if (cursor) {
      auto parsed = parse_cursor(*cursor);
      if (!parsed) return std::unexpected(parsed.error());
      position = std::move(*parsed);
    }
    std::int64_t earliest = 0;
    const auto lookback_ms = std::chrono::milliseconds(options_.window.lookback).count();
    if (!position) {
      earliest = clock_.now() - std::chrono::milliseconds(options_.window.backfill).count();
    } else if (position->caught_up) {
      earliest = position->time_ms - lookback_ms;
    } else {
      earliest = position->time_ms;
    }
    const std::size_t limit = max_alerts + (position ? position->seen.size() : 0);
    live::HttpRequest request;
    request.method = "POST";
    request.url = options_.base_url + "/services/search/jobs/export";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    options_.credentials.apply(request);
    request.body = form_encode({
        {"search", fmt::format("{} | sort 0 _time | head {}", options_.search, limit)},
        {"output_mode", "json"},
        {"earliest_time", epoch_seconds_text(earliest)},
        {"latest_time", "now"},
    });
    auto response = send_with_retries(*http_, std::move(request), options_.retry, who_);
    if (!response) return std::unexpected(response.error());
    if (!is_success(response->status))
      return std::unexpected(
          http_status_error(who_, response->status, messages_text(response->body)));
    return read_page(response->body, position, limit);
  }

 private:
  Result<Position> parse_cursor(const std::string& text) const {
    Position position;
    try {
      const json cursor = json::parse(text);
      position.time_ms = cursor.at("time_ms").get<std::int64_t>();
      for (const auto& id : cursor.at("seen")) position.seen.insert(id.get<std::string>());
      position.caught_up = cursor.value("caught_up", false);
    } catch (const std::exception&) {
      return fail(ErrorCode::kIntegrityError,
                  who_ + ": the stored cursor is not one this connector wrote");
    }
    return position;
  }

  // Splunk's own message texts ({"messages":[{"type":..,"text":..}]}), for an error.
  std::string messages_text(std::string_view body) {
    simdjson::dom::element root;
    simdjson::dom::array messages;
    if (parser_.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS ||
        root["messages"].get_array().get(messages) != simdjson::SUCCESS)
      return {};
    std::string text;
    for (simdjson::dom::element message : messages) {
      std::string_view part;
      if (message["text"].get_string().get(part) != simdjson::SUCCESS) continue;
      if (!text.empty()) text += "; ";
      text += part;
    }
    return options_.credentials.scrub(short_detail(text));
  }

  std::string dedup_key(simdjson::dom::element row, std::string_view bytes) const {
    std::string_view event_id;
    if (row["event_id"].get_string().get(event_id) == simdjson::SUCCESS && !event_id.empty())
      return std::string(event_id);
    std::string_view bucket, offset;
    if (row["_bkt"].get_string().get(bucket) == simdjson::SUCCESS &&
        row["_cd"].get_string().get(offset) == simdjson::SUCCESS && !bucket.empty())
      return fmt::format("{}|{}", bucket, offset);
    return "sha256:" + sha256_hex(bytes);
  }

  Result<PulledPage> read_page(std::string_view body, const std::optional<Position>& position,
                               std::size_t limit) {
    PulledPage page;
    std::size_t rows = 0;
    std::optional<std::int64_t> last_time;
    std::set<std::string> seen_at_last;
    std::size_t line_number = 0;
    for (std::size_t start = 0; start < body.size();) {
      std::size_t end = body.find('\n', start);
      if (end == std::string_view::npos) end = body.size();
      const std::string_view line = trim(body.substr(start, end - start));
      start = end + 1;
      ++line_number;
      if (line.empty()) continue;
      simdjson::dom::element root;
      if (parser_.parse(line.data(), line.size()).get(root) != simdjson::SUCCESS)
        return malformed(who_, fmt::format("line {} is not JSON", line_number));
      simdjson::dom::array messages;
      if (root["messages"].get_array().get(messages) == simdjson::SUCCESS) {
        for (simdjson::dom::element message : messages) {
          std::string_view type, text;
          if (message["type"].get_string().get(type) != simdjson::SUCCESS) continue;
          if (message["text"].get_string().get(text) != simdjson::SUCCESS) text = {};
          if (type == "FATAL" || type == "ERROR")
            return fail(ErrorCode::kUpstreamError,
                        fmt::format("{}: the search failed: {}", who_,
                                    options_.credentials.scrub(short_detail(text))));
        }
      }
      bool preview = false;
      if (root["preview"].get_bool().get(preview) != simdjson::SUCCESS) preview = false;
      simdjson::dom::element row;
      if (preview || root["result"].get(row) != simdjson::SUCCESS) continue;
      const auto raw_row = raw_json::member(line, "result");
      if (!row.is_object() || !raw_row)
        return malformed(who_, fmt::format("line {} has no result object", line_number));
      std::string_view time_text;
      if (row["_time"].get_string().get(time_text) != simdjson::SUCCESS)
        return malformed(who_, fmt::format("the result on line {} has no _time", line_number));
      const auto time_ms = parse_time(time_text);
      if (!time_ms)
        return malformed(who_,
                         fmt::format("the result on line {} has an unreadable _time", line_number));
      if (last_time && *time_ms < *last_time)
        return malformed(who_, "results are not in _time order");
      ++rows;
      const std::string bytes(*raw_row);
      std::string key = dedup_key(row, bytes);
      if (!last_time || *time_ms != *last_time) seen_at_last.clear();
      last_time = *time_ms;
      seen_at_last.insert(key);
      // Read on the previous page at the cursor's own time: not handed over again.
      if (position && *time_ms == position->time_ms && position->seen.contains(key)) continue;
      InboundAlert alert;
      alert.input_ref = pull_input_ref(options_.name, key);
      alert.dedup_key = std::move(key);
      alert.format = "splunk";
      alert.bytes = bytes;
      page.alerts.push_back(std::move(alert));
    }
    page.more = rows >= limit;
    json next;
    if (last_time) {
      if (position && *last_time == position->time_ms)
        seen_at_last.insert(position->seen.begin(), position->seen.end());
      next["time_ms"] = *last_time;
      next["seen"] = seen_at_last;
    } else if (position) {
      next["time_ms"] = position->time_ms;
      next["seen"] = position->seen;
    } else {
      return page;
    }
    next["caught_up"] = !page.more;
    page.next_cursor = next.dump();
    return page;
  }

  SplunkOptions options_;
  std::shared_ptr<live::HttpClient> http_;
  const Clock& clock_;
  std::string who_;
  simdjson::dom::parser parser_;
};

}  // namespace

std::unique_ptr<PullConnector> make_splunk_connector(SplunkOptions options,
                                                     std::shared_ptr<live::HttpClient> http,
                                                     const Clock& clock) {
  return std::make_unique<SplunkConnector>(std::move(options), std::move(http), clock);
}

}  // namespace soc::connectors
