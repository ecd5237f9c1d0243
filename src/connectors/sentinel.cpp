// Microsoft Sentinel: SecurityAlert rows through the Log Analytics query API, keyset-paged.
//
// Token: POST <authority>/<tenant>/oauth2/v2.0/token (client credentials, scope
// "<api root>/.default"), cached until shortly before it expires; a 401 from the query API
// drops it and fetches a new one once. Query: POST /v1/workspaces/<id>/query {"query": "<query>
// | where TimeGenerated > datetime(T) or (TimeGenerated == datetime(T) and strcmp(SystemAlertId,
// 'ID') > 0) | order by TimeGenerated asc, SystemAlertId asc | take N"}. T is the service's own
// TimeGenerated text (100 ns precision): a rounded value could re-read or skip a row forever.
// Each row becomes a JSON object column name -> cell (cells kept byte for byte), which the
// Sentinel normalizer reads like a SecurityAlert export. A 200 that carries "error" (a
// PartialError) is refused: its rows may be incomplete. Cursor: {"time":T,"id":ID,
// "caught_up":bool}; a caught-up pass starts at datetime(T) - lookback.
#include <simdjson.h>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "connectors/page_support.hpp"
#include "connectors/products.hpp"
#include "connectors/raw_json.hpp"
#include "core/json_writer.hpp"
#include "core/time.hpp"

namespace soc::connectors {
namespace {

using nlohmann::json;

struct Position {
  std::string time;  // TimeGenerated as the service wrote it
  std::string id;    // SystemAlertId
  bool caught_up = false;
};

// A KQL datetime literal's content: only what an ISO 8601 time contains, so a cursor can never
// smuggle query text.
bool is_kql_datetime(std::string_view text) {
  if (text.empty() || text.size() > 40) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '-' || c == ':' || c == '.' || c == 'T' || c == 'Z' ||
          c == '+'))
      return false;
  return true;
}

std::string kql_string(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

bool has_control(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

class SentinelConnector final : public PullConnector {
 public:
  SentinelConnector(SentinelOptions options, std::shared_ptr<live::HttpClient> http,
                    const Clock& clock)
      : options_(std::move(options)),
        http_(std::move(http)),
        clock_(clock),
        who_(describe(options_.name, "sentinel")) {}

  const std::string& name() const override { return options_.name; }

  Result<PulledPage> fetch(const std::optional<std::string>& cursor,
                           std::size_t max_alerts) override {
    std::optional<Position> position;
    if (cursor) {
      auto parsed = parse_cursor(*cursor);
      if (!parsed) return std::unexpected(parsed.error());
      position = std::move(*parsed);
    }
    const std::string query = build_query(position, max_alerts);
    auto response = query_once(query);
    if (response && response->status == 401) {
      token_.reset();  // expired or revoked early: one fresh token, one more try
      response = query_once(query);
    }
    if (!response) return std::unexpected(response.error());
    if (!is_success(response->status))
      return std::unexpected(http_status_error(who_, response->status, error_text(response->body)));
    return read_page(response->body, position, max_alerts);
  }

 private:
  struct Token {
    live::Secret value;
    TimestampMs refresh_at = 0;
  };

  Result<Position> parse_cursor(const std::string& text) const {
    Position position;
    try {
      const json cursor = json::parse(text);
      position.time = cursor.at("time").get<std::string>();
      position.id = cursor.at("id").get<std::string>();
      position.caught_up = cursor.value("caught_up", false);
    } catch (const std::exception&) {
      position.time.clear();
    }
    if (!is_kql_datetime(position.time) || has_control(position.id))
      return fail(ErrorCode::kIntegrityError,
                  who_ + ": the stored cursor is not one this connector wrote");
    return position;
  }

  std::string build_query(const std::optional<Position>& position, std::size_t take) const {
    std::string where;
    if (!position) {
      where = fmt::format(
          "TimeGenerated >= datetime({})",
          format_time(clock_.now() - std::chrono::milliseconds(options_.window.backfill).count()));
    } else if (position->caught_up && options_.window.lookback.count() > 0) {
      where = fmt::format("TimeGenerated >= datetime({}) - {}s", position->time,
                          options_.window.lookback.count());
    } else {
      where = fmt::format(
          "TimeGenerated > datetime({0}) or (TimeGenerated == datetime({0}) and "
          "strcmp(SystemAlertId, {1}) > 0)",
          position->time, kql_string(position->id));
    }
    return fmt::format("{} | where {} | order by TimeGenerated asc, SystemAlertId asc | take {}",
                       options_.query, where, take);
  }

  Result<live::HttpResponse> query_once(const std::string& query) {
    auto token = access_token();
    if (!token) return std::unexpected(token.error());
    live::HttpRequest request;
    request.method = "POST";
    request.url =
        options_.api_url + "/v1/workspaces/" + live::url_encode(options_.workspace) + "/query";
    request.headers = {{"Content-Type", "application/json"},
                       {"Authorization", "Bearer " + (*token)->value.reveal()}};
    request.body = json{{"query", query}}.dump();
    return send_with_retries(*http_, std::move(request), options_.retry, who_);
  }

  Result<const Token*> access_token() {
    if (token_ && clock_.now() < token_->refresh_at) return &*token_;
    token_.reset();
    live::HttpRequest request;
    request.method = "POST";
    request.url =
        options_.authority_url + "/" + live::url_encode(options_.tenant) + "/oauth2/v2.0/token";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    request.body = form_encode({{"grant_type", "client_credentials"},
                                {"client_id", options_.client_id},
                                {"client_secret", options_.client_secret.reveal()},
                                {"scope", options_.api_url + "/.default"}});
    auto response = send_with_retries(*http_, std::move(request), options_.retry, who_);
    if (!response) return std::unexpected(response.error());
    json body;
    try {
      body = json::parse(response->body);
    } catch (const std::exception&) {
      body = json::object();
    }
    if (!is_success(response->status)) {
      // The identity platform answers 400 invalid_client for a wrong secret, 401 for others.
      const std::string code = body.is_object() ? body.value("error", "") : "";
      const bool refused = response->status == 401 || response->status == 403 ||
                           code == "invalid_client" || code == "unauthorized_client" ||
                           code == "invalid_grant";
      const std::string detail = options_.client_secret.scrub(short_detail(
          code + (body.is_object() ? ": " + body.value("error_description", "") : "")));
      if (refused)
        return fail(ErrorCode::kUnauthorized,
                    fmt::format("{}: Azure AD refused the client credentials (HTTP {}) ({})", who_,
                                response->status, detail));
      return std::unexpected(http_status_error(who_, response->status, detail));
    }
    if (!body.is_object() || !body.contains("access_token") || !body["access_token"].is_string() ||
        body["access_token"].get<std::string>().empty())
      return fail(ErrorCode::kUpstreamError, who_ + ": the token response has no access_token");
    std::int64_t expires_in = 3599;
    if (body.contains("expires_in")) {
      // The v2 endpoint sends a number; older ones sent a string.
      const auto& value = body["expires_in"];
      if (value.is_number_integer()) expires_in = value.get<std::int64_t>();
      if (value.is_string()) expires_in = std::atoll(value.get<std::string>().c_str());
    }
    Token token;
    token.value = live::Secret(body["access_token"].get<std::string>());
    // Renewed five minutes early (or halfway through a short token): never used while expiring.
    const std::int64_t margin = std::min<std::int64_t>(300, expires_in / 2);
    token.refresh_at = clock_.now() + (expires_in - margin) * 1000;
    token_ = std::move(token);
    return &*token_;
  }

  std::string scrub(std::string text) const {
    text = options_.client_secret.scrub(std::move(text));
    if (token_) text = token_->value.scrub(std::move(text));
    return text;
  }

  // The OneAPI error object: {"error":{"message":..,"code":..}}.
  std::string error_text(const std::string& body) const {
    try {
      const json parsed = json::parse(body);
      if (parsed.contains("error") && parsed["error"].is_object()) {
        const auto& error = parsed["error"];
        return scrub(short_detail(error.value("code", "") + ": " + error.value("message", "")));
      }
    } catch (const std::exception&) {
    }
    return {};
  }

  Result<PulledPage> read_page(const std::string& body, const std::optional<Position>& position,
                               std::size_t take) {
    simdjson::dom::element root;
    if (parser_.parse(body).get(root) != simdjson::SUCCESS)
      return malformed(who_, "the body is not JSON");
    simdjson::dom::element error;
    if (root["error"].get(error) == simdjson::SUCCESS && !error.is_null())
      return fail(ErrorCode::kUpstreamError,
                  fmt::format("{}: the query returned partial results ({}); cursor kept", who_,
                              error_text(body)));
    simdjson::dom::array tables;
    if (root["tables"].get_array().get(tables) != simdjson::SUCCESS || tables.size() == 0)
      return malformed(who_, "no tables");
    simdjson::dom::element table = tables.at(0);
    simdjson::dom::array columns, rows;
    if (table["columns"].get_array().get(columns) != simdjson::SUCCESS ||
        table["rows"].get_array().get(rows) != simdjson::SUCCESS)
      return malformed(who_, "the first table has no columns or rows");
    std::vector<std::string> names;
    std::optional<std::size_t> time_column, id_column;
    for (simdjson::dom::element column : columns) {
      std::string_view name;
      if (column["name"].get_string().get(name) != simdjson::SUCCESS)
        return malformed(who_, "a column without a name");
      if (name == "TimeGenerated") time_column = names.size();
      if (name == "SystemAlertId") id_column = names.size();
      names.emplace_back(name);
    }
    if (!time_column || !id_column)
      return fail(ErrorCode::kConfigError,
                  who_ + ": the query must keep the TimeGenerated and SystemAlertId columns");
    const auto raw_tables_span = raw_json::member(body, "tables");
    const auto raw_tables = raw_tables_span ? raw_json::items(*raw_tables_span) : std::nullopt;
    const auto raw_rows_span = raw_tables && !raw_tables->empty()
                                   ? raw_json::member(raw_tables->front(), "rows")
                                   : std::nullopt;
    const auto raw_rows = raw_rows_span ? raw_json::items(*raw_rows_span) : std::nullopt;
    if (!raw_rows || raw_rows->size() != rows.size())
      return malformed(who_, "the rows could not be delimited");

    PulledPage page;
    Position last;
    for (std::size_t r = 0; r < raw_rows->size(); ++r) {
      const auto cells = raw_json::items((*raw_rows)[r]);
      if (!cells || cells->size() != names.size())
        return malformed(who_, fmt::format("row {} does not match the columns", r));
      simdjson::dom::array row = rows.at(r).get_array();
      std::string_view time, id;
      if (row.at(*time_column).get_string().get(time) != simdjson::SUCCESS ||
          !is_kql_datetime(time))
        return malformed(who_, fmt::format("row {} has no usable TimeGenerated", r));
      if (row.at(*id_column).get_string().get(id) != simdjson::SUCCESS || id.empty() ||
          has_control(id))
        return malformed(who_, fmt::format("row {} has no SystemAlertId", r));
      InboundAlert alert;
      alert.bytes.reserve((*raw_rows)[r].size() + names.size() * 24);
      alert.bytes += '{';
      for (std::size_t c = 0; c < names.size(); ++c) {
        if (c > 0) alert.bytes += ',';
        append_json_string(alert.bytes, names[c]);
        alert.bytes += ':';
        alert.bytes += (*cells)[c];
      }
      alert.bytes += '}';
      alert.dedup_key = std::string(id);
      alert.input_ref = pull_input_ref(options_.name, id);
      alert.format = "sentinel";
      page.alerts.push_back(std::move(alert));
      last.time = std::string(time);
      last.id = std::string(id);
    }
    page.more = rows.size() >= take;
    if (page.alerts.empty()) {
      if (!position) return page;
      last = *position;
    }
    page.next_cursor = json{{"time", last.time}, {"id", last.id}, {"caught_up", !page.more}}.dump();
    return page;
  }

  SentinelOptions options_;
  std::shared_ptr<live::HttpClient> http_;
  const Clock& clock_;
  std::string who_;
  std::optional<Token> token_;
  simdjson::dom::parser parser_;
};

}  // namespace

std::unique_ptr<PullConnector> make_sentinel_connector(SentinelOptions options,
                                                       std::shared_ptr<live::HttpClient> http,
                                                       const Clock& clock) {
  return std::make_unique<SentinelConnector>(std::move(options), std::move(http), clock);
}

}  // namespace soc::connectors
