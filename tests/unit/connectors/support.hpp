// Pull connector test fixtures: a store file, secrets in the environment, and local servers that
// answer like Elasticsearch/OpenSearch `_search`, Splunk's export and the Log Analytics API.
#pragma once
#include <gtest/gtest.h>
#include "../../support/temp_dir.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../intel_live/local_server.hpp"
#include "config/config.hpp"
#include "connectors/connector.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace soc::connectors::testing {

using live::testing::json_reply;
using live::testing::LocalServer;
using live::testing::Reply;
using live::testing::ServerRequest;
using nlohmann::json;

inline constexpr const char* kSecretMarker = "TEST-SECRET-5c1e77";

inline std::string fixture(const std::string& name) {
  const std::string path = std::string(SOC_TRIAGE_TEST_DATA_DIR) + "/connectors/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

inline std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

inline std::string url_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

inline std::map<std::string, std::string> form_fields(std::string_view body) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= body.size()) {
    auto end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const auto pair = body.substr(start, end - start);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos)
      out[url_decode(pair.substr(0, eq))] = url_decode(pair.substr(eq + 1));
    start = end + 1;
  }
  return out;
}

using TempDir = testing_support::TempDir;

inline std::unique_ptr<Store> open_store(const std::string& path, const Clock& clock) {
  auto store = open_sqlite_store(SqliteOptions{.path = path}, clock);
  if (!store) throw std::runtime_error("cannot open the store: " + store.error().message);
  return std::move(*store);
}

inline std::vector<PendingInbound> inbox(Store& store) {
  auto rows = store.pending_inbound(0, 1'000'000);
  if (!rows) throw std::runtime_error(rows.error().message);
  return *rows;
}

// Sets an environment variable for the test's lifetime.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::string& value) : name_(std::move(name)) {
    ::setenv(name_.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name_.c_str()); }

 private:
  std::string name_;
};

// --- Elasticsearch / OpenSearch `_search` over an in-memory index ---------------------------

struct IndexedDoc {
  std::int64_t time_ms = 0;
  std::string tiebreaker;
  std::string id;      // _id
  std::string source;  // the _source text, byte for byte
};

// Answers POST <path> like `_search` with sort [{time:asc},{tiebreaker:asc}], a range filter
// on the time field (epoch_millis), size and search_after; checks the Authorization header.
class FakeSearchIndex {
 public:
  FakeSearchIndex(LocalServer& server, std::string path, std::string authorization,
                  std::string time_field, std::string tiebreaker_field)
      : path_(std::move(path)),
        authorization_(std::move(authorization)),
        time_field_(std::move(time_field)),
        tiebreaker_field_(std::move(tiebreaker_field)) {
    server.fallback([this](const ServerRequest& request) { return answer(request); });
  }

  void add(IndexedDoc doc) {
    std::lock_guard lock(mutex_);
    docs_.push_back(std::move(doc));
  }
  // Answered instead of the next searches, in turn.
  void inject(Reply reply) {
    std::lock_guard lock(mutex_);
    injected_.push_back(std::move(reply));
  }
  std::vector<json> bodies() const {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  std::size_t searches() const {
    std::lock_guard lock(mutex_);
    return searches_;
  }

 private:
  Reply answer(const ServerRequest& request) {
    std::lock_guard lock(mutex_);
    if (request.method != "POST" || request.path != path_)
      return json_reply(
          404,
          R"({"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index"}],"type":"index_not_found_exception","reason":"no such index"},"status":404})");
    if (request.header("authorization") != authorization_)
      return json_reply(
          401,
          R"({"error":{"root_cause":[{"type":"security_exception","reason":"unable to authenticate with provided credentials and anonymous access is not allowed for this request"}],"type":"security_exception","reason":"unable to authenticate with provided credentials and anonymous access is not allowed for this request"},"status":401})");
    ++searches_;
    if (!injected_.empty()) {
      Reply reply = injected_.front();
      injected_.pop_front();
      return reply;
    }
    json body;
    try {
      body = json::parse(request.body);
    } catch (const std::exception&) {
      return json_reply(
          400, R"({"error":{"type":"parsing_exception","reason":"bad body"},"status":400})");
    }
    bodies_.push_back(body);
    const auto& sort = body.at("sort");
    if (!sort.is_array() || sort.size() != 2 || !sort[0].contains(time_field_) ||
        !sort[1].contains(tiebreaker_field_) || sort[0][time_field_]["order"] != "asc" ||
        sort[1][tiebreaker_field_]["order"] != "asc")
      return json_reply(
          400,
          R"({"error":{"type":"illegal_argument_exception","reason":"unexpected sort"},"status":400})");
    const auto& range = body.at("query").at("bool").at("filter").at(0).at("range").at(time_field_);
    if (range.at("format") != "epoch_millis")
      return json_reply(400,
                        R"({"error":{"type":"parse_exception","reason":"format"},"status":400})");
    const std::int64_t gte = range.at("gte").get<std::int64_t>();
    const std::size_t size = body.at("size").get<std::size_t>();
    std::optional<std::pair<std::int64_t, std::string>> after;
    if (body.contains("search_after"))
      after = std::pair{body["search_after"][0].get<std::int64_t>(),
                        body["search_after"][1].get<std::string>()};
    std::vector<const IndexedDoc*> matching;
    for (const auto& doc : docs_) {
      if (doc.time_ms < gte) continue;
      if (after && std::pair{doc.time_ms, doc.tiebreaker} <= *after) continue;
      matching.push_back(&doc);
    }
    std::sort(matching.begin(), matching.end(), [](const IndexedDoc* a, const IndexedDoc* b) {
      return std::pair{a->time_ms, a->tiebreaker} < std::pair{b->time_ms, b->tiebreaker};
    });
    if (matching.size() > size) matching.resize(size);
    std::string hits;
    for (const IndexedDoc* doc : matching) {
      if (!hits.empty()) hits += ',';
      hits += R"({"_index":".internal.alerts-security.alerts-default-000001","_id":")" + doc->id +
              R"(","_score":null,"_source":)" + doc->source + R"(,"sort":[)" +
              std::to_string(doc->time_ms) + ",\"" + doc->tiebreaker + "\"]}";
    }
    return json_reply(
        200,
        R"({"took":4,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"max_score":null,"hits":[)" +
            hits + "]}}");
  }

  std::string path_, authorization_, time_field_, tiebreaker_field_;
  mutable std::mutex mutex_;
  std::vector<IndexedDoc> docs_;
  std::deque<Reply> injected_;
  std::vector<json> bodies_;
  std::size_t searches_ = 0;
};

// --- Splunk search/jobs/export over in-memory notables ----------------------------------------

struct Notable {
  std::int64_t time_ms = 0;
  std::string event_id;
  std::string result;  // the result object text
};

inline std::string splunk_time(std::int64_t ms) {
  // Splunk's JSON output: ISO 8601 with milliseconds and a numeric offset.
  std::string text = format_time(ms - ms % 1000);  // "2026-05-01T10:00:00Z"
  text.pop_back();
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>(ms % 1000));
  return text + fraction + "+00:00";
}

class FakeSplunk {
 public:
  FakeSplunk(LocalServer& server, std::string authorization)
      : authorization_(std::move(authorization)) {
    server.fallback([this](const ServerRequest& request) { return answer(request); });
  }
  void add(Notable notable) {
    std::lock_guard lock(mutex_);
    notables_.push_back(std::move(notable));
  }
  void inject(Reply reply) {
    std::lock_guard lock(mutex_);
    injected_.push_back(std::move(reply));
  }
  std::vector<std::map<std::string, std::string>> forms() const {
    std::lock_guard lock(mutex_);
    return forms_;
  }

 private:
  Reply answer(const ServerRequest& request) {
    std::lock_guard lock(mutex_);
    if (request.path != "/services/search/jobs/export" || request.method != "POST")
      return json_reply(404, R"({"messages":[{"type":"ERROR","text":"Not Found"}]})");
    if (request.header("authorization") != authorization_)
      return json_reply(
          401, R"({"messages":[{"type":"WARN","text":"call not properly authenticated"}]})");
    if (!injected_.empty()) {
      Reply reply = injected_.front();
      injected_.pop_front();
      return reply;
    }
    auto form = form_fields(request.body);
    forms_.push_back(form);
    static const std::regex paging(R"(^(search .*) \| sort 0 _time \| head (\d+)$)");
    std::smatch match;
    const std::string search = form["search"];
    if (form["output_mode"] != "json" || !std::regex_match(search, match, paging))
      return json_reply(400, R"({"messages":[{"type":"FATAL","text":"Unknown search command"}]})");
    const std::size_t head = std::stoul(match[2]);
    const auto earliest =
        static_cast<std::int64_t>(std::llround(std::stod(form["earliest_time"]) * 1000));
    std::vector<const Notable*> matching;
    for (const auto& n : notables_)
      if (n.time_ms >= earliest) matching.push_back(&n);
    std::stable_sort(matching.begin(), matching.end(),
                     [](const Notable* a, const Notable* b) { return a->time_ms < b->time_ms; });
    if (matching.size() > head) matching.resize(head);
    std::string lines;
    for (std::size_t i = 0; i < matching.size(); ++i) {
      lines += R"({"preview":false,"offset":)" + std::to_string(i) +
               (i + 1 == matching.size() ? R"(,"lastrow":true)" : "") + R"(,"result":)" +
               matching[i]->result + "}\n";
    }
    Reply reply;
    reply.status = 200;
    reply.body = lines;
    reply.headers = {{"Content-Type", "application/json; charset=UTF-8"}};
    return reply;
  }

  std::string authorization_;
  mutable std::mutex mutex_;
  std::vector<Notable> notables_;
  std::deque<Reply> injected_;
  std::vector<std::map<std::string, std::string>> forms_;
};

// --- Azure AD token endpoint and the Log Analytics query API ----------------------------------

struct SentinelRow {
  std::string time;  // TimeGenerated, 7 fractional digits
  std::string id;    // SystemAlertId
  std::string row;   // the row array text
};

// TimeGenerated text to 100 ns ticks since the epoch.
inline std::int64_t ticks(const std::string& text) {
  const auto dot = text.find('.');
  std::string whole = dot == std::string::npos ? text : text.substr(0, dot) + "Z";
  std::int64_t fraction = 0;
  if (dot != std::string::npos) {
    std::string digits = text.substr(dot + 1, text.size() - dot - 2);
    digits.resize(7, '0');
    fraction = std::stoll(digits);
  }
  return *parse_time(whole) * 10000 + fraction;
}

class FakeSentinel {
 public:
  FakeSentinel(LocalServer& server, std::string tenant, std::string client_id,
               std::string client_secret, std::string workspace)
      : tenant_(std::move(tenant)),
        client_id_(std::move(client_id)),
        client_secret_(std::move(client_secret)),
        workspace_(std::move(workspace)),
        columns_(json::parse(fixture("sentinel_security_alert.json"))["columns"].dump()) {
    server.fallback([this](const ServerRequest& request) { return answer(request); });
  }
  void add(SentinelRow row) {
    std::lock_guard lock(mutex_);
    rows_.push_back(std::move(row));
  }
  void inject(Reply reply) {
    std::lock_guard lock(mutex_);
    injected_.push_back(std::move(reply));
  }
  void revoke_tokens() {
    std::lock_guard lock(mutex_);
    valid_tokens_.clear();
  }
  std::size_t token_requests() const {
    std::lock_guard lock(mutex_);
    return token_requests_;
  }
  std::vector<std::string> queries() const {
    std::lock_guard lock(mutex_);
    return queries_;
  }
  std::string scope_seen() const {
    std::lock_guard lock(mutex_);
    return scope_;
  }

 private:
  Reply answer(const ServerRequest& request) {
    std::lock_guard lock(mutex_);
    if (request.path == "/" + tenant_ + "/oauth2/v2.0/token") return token(request);
    if (request.path == "/v1/workspaces/" + workspace_ + "/query") return query(request);
    return json_reply(404, R"({"error":{"code":"PathNotFoundError","message":"not found"}})");
  }

  Reply token(const ServerRequest& request) {
    ++token_requests_;
    auto form = form_fields(request.body);
    scope_ = form["scope"];
    if (form["grant_type"] != "client_credentials" || form["client_id"] != client_id_)
      return json_reply(
          400,
          R"({"error":"unauthorized_client","error_description":"AADSTS700016: Application not found in the directory."})");
    if (form["client_secret"] != client_secret_)
      return json_reply(
          401,
          R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.","error_codes":[7000215],"timestamp":"2026-05-01 10:00:00Z","trace_id":"0c6e2f3a-1b2c-4d5e-8f9a-0b1c2d3e4f5a","correlation_id":"1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5b"})");
    const std::string value =
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.token-" + std::to_string(++issued_);
    valid_tokens_.insert(value);
    return json_reply(
        200, R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":")" +
                 value + "\"}");
  }

  Reply query(const ServerRequest& request) {
    const std::string auth = request.header("authorization");
    if (auth.rfind("Bearer ", 0) != 0 || !valid_tokens_.contains(auth.substr(7)))
      return json_reply(
          401,
          R"({"error":{"message":"Valid authentication was not provided","code":"AuthorizationRequiredError","correlationId":"5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"}})");
    if (!injected_.empty()) {
      Reply reply = injected_.front();
      injected_.pop_front();
      return reply;
    }
    const std::string kql = json::parse(request.body).at("query").get<std::string>();
    queries_.push_back(kql);
    static const std::regex first(
        R"(^SecurityAlert \| where TimeGenerated >= datetime\(([^)]+)\)( - (\d+)s)? \| order by TimeGenerated asc, SystemAlertId asc \| take (\d+)$)");
    static const std::regex keyset(
        R"(^SecurityAlert \| where TimeGenerated > datetime\(([^)]+)\) or \(TimeGenerated == datetime\(([^)]+)\) and strcmp\(SystemAlertId, '([^']*)'\) > 0\) \| order by TimeGenerated asc, SystemAlertId asc \| take (\d+)$)");
    std::smatch m;
    std::int64_t from = 0;
    std::optional<std::string> after_id;
    std::size_t take = 0;
    if (std::regex_match(kql, m, first)) {
      from = ticks(m[1]) - (m[3].matched ? std::stoll(m[3]) * 10'000'000 : 0);
      take = std::stoul(m[4]);
    } else if (std::regex_match(kql, m, keyset)) {
      from = ticks(m[1]);
      after_id = m[3];
      take = std::stoul(m[4]);
    } else {
      return json_reply(
          400,
          R"({"error":{"message":"The request had some invalid properties","code":"BadArgumentError","innererror":{"code":"SyntaxError","message":"A recognition error occurred in the query."}}})");
    }
    std::vector<const SentinelRow*> matching;
    for (const auto& row : rows_) {
      const auto t = ticks(row.time);
      if (after_id ? (t > from || (t == from && row.id > *after_id)) : t >= from)
        matching.push_back(&row);
    }
    std::sort(matching.begin(), matching.end(), [](const SentinelRow* a, const SentinelRow* b) {
      return std::pair{ticks(a->time), a->id} < std::pair{ticks(b->time), b->id};
    });
    if (matching.size() > take) matching.resize(take);
    std::string rows;
    for (const auto* row : matching) rows += (rows.empty() ? "" : ",") + row->row;
    return json_reply(200, R"({"tables":[{"name":"PrimaryResult","columns":)" + columns_ +
                               R"(,"rows":[)" + rows + "]}]}");
  }

  std::string tenant_, client_id_, client_secret_, workspace_, columns_;
  mutable std::mutex mutex_;
  std::vector<SentinelRow> rows_;
  std::deque<Reply> injected_;
  std::set<std::string> valid_tokens_;
  std::size_t token_requests_ = 0;
  int issued_ = 0;
  std::vector<std::string> queries_;
  std::string scope_;
};

}  // namespace soc::connectors::testing
