// Extract stage contract: find indicators (IOCs) in free text and normalize them.
//
// Input: one text field of an alert (attacker-controlled: any bytes, any size) and its field
// name. Output: Observables appended to `out`, each refanged and normalized, with the field name
// and the byte offset of the original text; `report` says what was capped. Threading: extract()
// is const and may be called from several threads at once (per-thread scratch inside).
// Failure: never throws, never aborts on input; time is linear in the input size.
//
// Each distinct (type, value) is reported once per call, at its first offset. A URL or e-mail
// address also yields its host (domain or IP) as a separate observable. The rules for what
// counts as each type are in src/extract/README.md.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/observable.hpp"

namespace soc {

inline constexpr std::string_view kDefaultPublicSuffixPath =
    "/usr/share/publicsuffix/public_suffix_list.dat";

struct ExtractLimits {
  std::size_t max_text_bytes = 4 << 20;  // per field; beyond it the rest is not scanned
  std::size_t max_observables = 2000;    // per call; beyond it finds are counted, not kept
  std::size_t max_url_bytes = 8192;      // a longer URL is counted, not kept (its host is)
};

struct ExtractReport {
  std::size_t bytes_scanned = 0;
  std::size_t bytes_skipped = 0;          // over max_text_bytes: reported, never silently cut
  std::size_t observables_dropped = 0;    // over max_observables
  std::size_t oversize_rejected = 0;      // URLs over max_url_bytes
  std::size_t ambiguous_ip_rejected = 0;  // octal-looking IPv4 such as 010.0.0.1
  // Address-shaped tokens whose checksum was not verified (so not reported) because the text
  // already spent its budget of checksum computations (16 + one per 256 bytes).
  std::size_t checksums_skipped = 0;
};

// An observable with the length of the text it was read from (text.substr(offset, length) is
// the original, possibly defanged, spelling).
struct FoundObservable {
  Observable observable;
  std::uint32_t length = 0;
};

// Where the public suffix list came from; `builtin` is true when the file was missing and a
// small list of common suffixes is in use (callers should surface that as a degraded mode).
struct SuffixListInfo {
  std::string source;
  bool builtin = false;
  std::size_t rules = 0;
};

class Extractor {
 public:
  virtual ~Extractor() = default;
  virtual void extract(std::string_view text, std::string_view field, std::vector<Observable>& out,
                       ExtractReport& report) const = 0;
  // The same finds, with the span of their original text.
  virtual void extract_found(std::string_view text, std::string_view field,
                             std::vector<FoundObservable>& out, ExtractReport& report) const = 0;
  virtual const SuffixListInfo& suffix_list() const = 0;
};

// Builds every table once (public suffix list included); the extractor is then immutable.
std::unique_ptr<Extractor> make_extractor(
    const ExtractLimits& limits = {},
    const std::string& public_suffix_path = std::string(kDefaultPublicSuffixPath));

}  // namespace soc
