// Fetching a MISP feed's manifest and changed events into the intel/misp/ feed layout.
#include "intel_live/misp_feed.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/strings.hpp"
#include "enrich/offline.hpp"
#include "enrich/parsers.hpp"
#include "intel_live/intel_cache.hpp"

namespace soc::live {
namespace {

constexpr std::size_t kParallelFetches = 16;

bool is_uuid_like(std::string_view id) {
  return !id.empty() && id.size() <= 64 && is_safe_file_id(id) &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
         });
}

std::string timestamp_of(const nlohmann::json& entry) {
  if (!entry.is_object() || !entry.contains("timestamp")) return "";
  const auto& value = entry["timestamp"];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

Result<FeedSyncReport> sync_misp_feed(HttpClient& http, std::string_view feed_root,
                                      const std::filesystem::path& misp_dir, SteadyTime deadline,
                                      Milliseconds request_timeout) {
  std::string root(feed_root);
  while (!root.empty() && root.back() == '/') root.pop_back();
  FeedSyncReport report;

  HttpRequest manifest_request;
  manifest_request.url = root + "/manifest.json";
  manifest_request.timeout = request_timeout;
  manifest_request.max_response_bytes = 64u << 20;
  HttpResponse manifest_response;
  http.run({manifest_request}, deadline, [&](std::size_t, HttpResponse& response) {
    manifest_response = std::move(response);
    return std::optional<HttpRequest>();
  });
  if (manifest_response.transfer != Transfer::kCompleted || manifest_response.status != 200)
    return fail(
        ErrorCode::kUpstreamError,
        fmt::format("misp feed manifest: {}", manifest_response.transfer == Transfer::kCompleted
                                                  ? fmt::format("HTTP {}", manifest_response.status)
                                                  : manifest_response.error));
  nlohmann::json remote;
  try {
    remote = nlohmann::json::parse(manifest_response.body);
  } catch (const nlohmann::json::exception&) {
    return fail(ErrorCode::kParseError, "misp feed manifest: not JSON");
  }
  if (!remote.is_object()) return fail(ErrorCode::kParseError, "misp feed manifest: not an object");

  nlohmann::json local = nlohmann::json::object();
  if (auto text = IntelCache::read_file(misp_dir / "manifest.json")) {
    try {
      local = nlohmann::json::parse(*text);
      if (!local.is_object()) local = nlohmann::json::object();
    } catch (const nlohmann::json::exception&) {
      local = nlohmann::json::object();
    }
  }

  std::vector<std::string> wanted;
  std::map<std::string, const nlohmann::json*> current;  // events now as the manifest says
  for (auto it = remote.begin(); it != remote.end(); ++it) {
    ++report.listed;
    const std::string id = to_lower(it.key());
    if (!is_uuid_like(id)) {
      ++report.rejected;
      continue;
    }
    std::error_code ec;
    const bool present = std::filesystem::exists(misp_dir / (id + ".json"), ec);
    if (present && local.contains(id) && timestamp_of(local[id]) == timestamp_of(it.value())) {
      ++report.unchanged;
      current.emplace(id, &it.value());
      continue;
    }
    if (wanted.size() < kMaxFeedEvents) wanted.push_back(id);
  }

  std::vector<std::string> problems;
  for (std::size_t start = 0; start < wanted.size(); start += kParallelFetches) {
    if (SteadyClock::now() >= deadline) {
      problems.push_back("deadline reached before every event was fetched");
      break;
    }
    const std::size_t end = std::min(wanted.size(), start + kParallelFetches);
    std::vector<HttpRequest> requests;
    for (std::size_t i = start; i < end; ++i) {
      HttpRequest request;
      request.url = fmt::format("{}/{}.json", root, wanted[i]);
      request.timeout = request_timeout;
      request.max_response_bytes = 64u << 20;
      requests.push_back(std::move(request));
    }
    http.run(std::move(requests), deadline, [&](std::size_t slot, HttpResponse& response) {
      const std::string& id = wanted[start + slot];
      if (response.transfer != Transfer::kCompleted || response.status != 200) {
        problems.push_back(fmt::format("{}: {}", id,
                                       response.transfer == Transfer::kCompleted
                                           ? fmt::format("HTTP {}", response.status)
                                           : response.error));
        return std::optional<HttpRequest>();
      }
      if (!parse_misp_event(response.body)) {
        ++report.rejected;
        return std::optional<HttpRequest>();
      }
      if (IntelCache::write_file_atomically(misp_dir / (id + ".json"), response.body)) {
        ++report.fetched;
        current.emplace(id, nullptr);
      }
      return std::optional<HttpRequest>();
    });
  }
  for (auto it = remote.begin(); it != remote.end(); ++it) {
    const std::string id = to_lower(it.key());
    if (current.contains(id)) local[id] = it.value();
  }
  if (auto written = IntelCache::write_file_atomically(misp_dir / "manifest.json", local.dump());
      !written)
    return std::unexpected(written.error());
  if (!problems.empty())
    return fail(ErrorCode::kUpstreamError, fmt::format("misp feed: {} event(s) not fetched ({})",
                                                       problems.size(), problems.front()));
  return report;
}

}  // namespace soc::live
