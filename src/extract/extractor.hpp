// Extract stage contract: find indicators (IOCs) in free text and normalize them.
//
// Input: one text field of an alert (attacker-controlled: any bytes, any size) and its field
// name. Output: Observables appended to `out`, each refanged and normalized, with the field name
// and the byte offset of the original text; `report` says what was capped. Threading: extract()
// is const and may be called from several threads at once (per-thread scratch inside).
// Failure: never throws, never aborts on input; time is linear in the input size.
#pragma once
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "core/observable.hpp"

namespace soc {

struct ExtractLimits {
  std::size_t max_text_bytes = 4 << 20;   // per field; beyond it the rest is not scanned
  std::size_t max_observables = 2000;     // per call; beyond it finds are counted, not kept
};

struct ExtractReport {
  std::size_t bytes_scanned = 0;
  std::size_t bytes_skipped = 0;          // over max_text_bytes: reported, never silently cut
  std::size_t observables_dropped = 0;    // over max_observables
};

class Extractor {
 public:
  virtual ~Extractor() = default;
  virtual void extract(std::string_view text, std::string_view field, std::vector<Observable>& out,
                       ExtractReport& report) const = 0;
};

std::unique_ptr<Extractor> make_extractor(const ExtractLimits& limits = {});

}  // namespace soc
