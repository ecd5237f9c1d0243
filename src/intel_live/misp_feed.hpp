// MISP feed synchronisation: a feed's manifest and events copied into intel/misp/.
//
// A MISP feed is a directory of static files: manifest.json (event uuid -> summary with a
// timestamp) and one <uuid>.json per event. Synchronising copies new and changed events into the
// offline feed layout of contract/CONTEXT.md, where the MISP provider indexes them at start-up.
// Only events whose manifest timestamp changed are fetched again. Threading: run it before the
// providers are built. Failure: returned as a Status; what was fetched stays.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "intel_live/http.hpp"

namespace soc::live {

struct FeedSyncReport {
  std::size_t listed = 0;     // events in the feed's manifest
  std::size_t fetched = 0;    // events downloaded this time
  std::size_t unchanged = 0;  // already present with the same timestamp
  std::size_t rejected = 0;   // not a MISP event, or a name that cannot be a file
};

inline constexpr std::size_t kMaxFeedEvents = 20'000;

Result<FeedSyncReport> sync_misp_feed(HttpClient& http, std::string_view feed_root,
                                      const std::filesystem::path& misp_dir, SteadyTime deadline,
                                      Milliseconds request_timeout);

}  // namespace soc::live
