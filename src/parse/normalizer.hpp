// Parse stage contract: turn one JSON alert of any supported SIEM format into a normalized Alert.
//
// Input: one parsed JSON document (simdjson DOM) and its raw bytes. Output: an Alert whose
// observables carry roles, whose time is the alert's own, and whose raw bytes are kept whole.
// Threading: normalizers are immutable and shareable; the simdjson parser is per thread.
// Failure: Result errors (kNotAnAlert when no normalizer recognises the document). Adding a
// format means one class here and one line in register_builtin_normalizers().
#pragma once
#include <simdjson.h>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/alert.hpp"
#include "core/result.hpp"

namespace soc {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual SourceFormat format() const = 0;
  // How sure this normalizer is that the document is in its format: 0 = not at all, 100 = certain.
  virtual int detect(simdjson::dom::element document) const = 0;
  virtual Result<Alert> normalize(simdjson::dom::element document) const = 0;
};

class NormalizerRegistry {
 public:
  void add(std::unique_ptr<Normalizer> normalizer);
  // Picks the most confident normalizer (or the forced one) and fills in what every alert needs:
  // raw bytes, an id (a fingerprint of the bytes when the source has none).
  Result<Alert> normalize(simdjson::dom::element document, std::string_view raw,
                          std::optional<SourceFormat> forced = std::nullopt) const;
  const Normalizer* find(SourceFormat format) const;

 private:
  std::vector<std::unique_ptr<Normalizer>> normalizers_;
};

// Every built-in format, in one list (no static self-registration).
void register_builtin_normalizers(NormalizerRegistry& registry);

// Shared by normalizers: adds an observable from a structured field if the value is non-empty,
// normalizing case for the types where case does not matter.
void add_observable(Alert& alert, ObservableType type, std::string value, Role role,
                    std::string_view field);
// Guesses the type of an address-like value (IP, e-mail, domain, host name).
ObservableType classify_address(std::string_view value);

}  // namespace soc
