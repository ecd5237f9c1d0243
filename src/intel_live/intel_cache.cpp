// Reading and writing cached vendor responses and their fetch-time sidecars.
#include "intel_live/intel_cache.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace soc::live {
namespace {

constexpr std::string_view kJson = ".json";

std::atomic<unsigned> temp_counter{0};

}  // namespace

std::string meta_path_for(std::string_view relative) {
  if (relative.ends_with(kJson)) relative.remove_suffix(kJson.size());
  return fmt::format("{}.meta.json", relative);
}

TimestampMs IntelCache::ttl(ObservableType type, CachedStatus status) const {
  if (status == CachedStatus::kNotFound) return ttl_.not_found;
  if (is_ip(type)) return ttl_.ip;
  if (is_hash(type) || type == ObservableType::kSha512) return ttl_.hash;
  if (type == ObservableType::kDomain || type == ObservableType::kHost) return ttl_.domain;
  if (type == ObservableType::kUrl) return ttl_.url;
  return ttl_.other;
}

std::optional<std::string> IntelCache::read_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxBodyBytes) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Status IntelCache::write_file_atomically(const std::filesystem::path& path,
                                         std::string_view bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return fail(ErrorCode::kIoError, "cannot create " + path.parent_path().string());
  const std::filesystem::path temp =
      path.string() + fmt::format(".tmp{}-{}", static_cast<long>(::getpid()), ++temp_counter);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return fail(ErrorCode::kIoError, "cannot write " + temp.string());
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::filesystem::remove(temp, ec);
      return fail(ErrorCode::kIoError, "cannot write " + temp.string());
    }
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    return fail(ErrorCode::kIoError, "cannot rename into " + path.string());
  }
  return {};
}

std::optional<CacheEntry> IntelCache::read(std::string_view relative, ObservableType type,
                                           TimestampMs now) const {
  if (!enabled()) return std::nullopt;
  auto meta_text = read_file(dir_ / meta_path_for(relative));
  if (!meta_text) return std::nullopt;
  CacheEntry entry;
  try {
    const auto meta = nlohmann::json::parse(*meta_text);
    const auto fetched = parse_time(meta.value("fetched_at", std::string()));
    if (!fetched) return std::nullopt;  // no fetch time: freshness unknown, so not fresh
    entry.fetched_at = *fetched;
    const std::string status = meta.value("status", std::string("ok"));
    if (status == "not_found") {
      entry.status = CachedStatus::kNotFound;
    } else if (status != "ok") {
      return std::nullopt;
    }
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  if (now - entry.fetched_at >= ttl(type, entry.status) || entry.fetched_at > now + kMinute)
    return std::nullopt;
  entry.body = read_file(dir_ / std::string(relative));
  if (entry.status == CachedStatus::kOk && !entry.body) return std::nullopt;
  return entry;
}

Status IntelCache::write(std::string_view relative, const std::optional<std::string>& body,
                         CachedStatus status, TimestampMs fetched_at) const {
  if (!enabled()) return {};
  const std::filesystem::path body_path = dir_ / std::string(relative);
  if (body) {
    if (auto written = write_file_atomically(body_path, *body); !written) return written;
  } else {
    std::error_code ec;
    std::filesystem::remove(body_path, ec);
  }
  const nlohmann::json meta = {
      {"fetched_at", format_time(fetched_at)},
      {"status", status == CachedStatus::kOk ? "ok" : "not_found"},
  };
  return write_file_atomically(dir_ / meta_path_for(relative), meta.dump());
}

}  // namespace soc::live
