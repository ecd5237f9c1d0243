// The live clients' response cache, kept in the intel/ layout of contract/CONTEXT.md.
//
// A response lives where the offline providers read it (intel_cache_path: virustotal/files/<hash>
// .json, ...), beside a sidecar <id>.meta.json {"fetched_at": RFC 3339, "status": "ok" |
// "not_found"}. So a cached run and an offline run read the same files, and a not-found answer is
// cached too (negative caching) without leaving a body the offline providers would misread.
// Freshness is a TTL per observable type, and a separate one for not-found answers.
//
// Threading: read() and write() may run concurrently; writes go through a temporary file and a
// rename, so a reader sees the old file or the new one, never half of one. Failure: a cache that
// cannot be read is a miss; a write that fails is reported and otherwise ignored.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/observable.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace soc::live {

enum class CachedStatus { kOk, kNotFound };

struct CacheTtl {
  TimestampMs ip = 24 * kHour;
  TimestampMs domain = 24 * kHour;
  TimestampMs url = 24 * kHour;
  TimestampMs hash = 7 * kDay;
  TimestampMs other = 24 * kHour;
  TimestampMs not_found = 6 * kHour;
};

struct CacheEntry {
  CachedStatus status = CachedStatus::kOk;
  std::optional<std::string> body;  // not-found answers may have none
  TimestampMs fetched_at = 0;
};

class IntelCache {
 public:
  static constexpr std::uintmax_t kMaxBodyBytes = 64u << 20;

  IntelCache() = default;  // disabled: every read misses, writes do nothing
  IntelCache(std::filesystem::path dir, CacheTtl ttl) : dir_(std::move(dir)), ttl_(ttl) {}

  bool enabled() const { return !dir_.empty(); }
  const std::filesystem::path& dir() const { return dir_; }
  TimestampMs ttl(ObservableType type, CachedStatus status) const;

  // The entry at `relative` ("virustotal/files/<id>.json") when it is still fresh at `now`.
  std::optional<CacheEntry> read(std::string_view relative, ObservableType type,
                                 TimestampMs now) const;
  // Stores `body` (when given) and the sidecar. A not-found without a body removes any earlier
  // body, so the offline providers never read an answer the vendor has since withdrawn.
  Status write(std::string_view relative, const std::optional<std::string>& body,
               CachedStatus status, TimestampMs fetched_at) const;

  // Whole-file helpers shared with the MISP and RDAP bootstrap code.
  static std::optional<std::string> read_file(const std::filesystem::path& path);
  static Status write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

 private:
  std::filesystem::path dir_;
  CacheTtl ttl_;
};

// "virustotal/files/x.json" -> "virustotal/files/x.meta.json".
std::string meta_path_for(std::string_view relative);

}  // namespace soc::live
