// Names of lookup statuses and verdicts, as they appear in JSON.
#include "core/enrichment.hpp"

namespace soc {

std::string_view to_string(LookupStatus status) {
  switch (status) {
    case LookupStatus::kOk:
      return "ok";
    case LookupStatus::kNotFound:
      return "not_found";
    case LookupStatus::kError:
      return "error";
    case LookupStatus::kTimeout:
      return "timeout";
    case LookupStatus::kRateLimited:
      return "rate_limited";
    case LookupStatus::kSkipped:
      return "skipped";
  }
  return "error";
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kUnknown:
      return "unknown";
    case Verdict::kBenign:
      return "benign";
    case Verdict::kSuspicious:
      return "suspicious";
    case Verdict::kMalicious:
      return "malicious";
  }
  return "unknown";
}

}  // namespace soc
