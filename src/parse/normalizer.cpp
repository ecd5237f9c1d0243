// Normalizer registry and helpers shared by the format normalizers.
#include "parse/normalizer.hpp"

#include <algorithm>

#include "core/sha256.hpp"
#include "core/strings.hpp"

namespace soc {

void NormalizerRegistry::add(std::unique_ptr<Normalizer> normalizer) {
  normalizers_.push_back(std::move(normalizer));
}

const Normalizer* NormalizerRegistry::find(SourceFormat format) const {
  for (const auto& n : normalizers_)
    if (n->format() == format) return n.get();
  return nullptr;
}

Result<Alert> NormalizerRegistry::normalize(simdjson::dom::element document, std::string_view raw,
                                            std::optional<SourceFormat> forced) const {
  if (!document.is_object()) return fail(ErrorCode::kNotAnAlert, "an alert must be a JSON object");
  std::vector<std::pair<int, const Normalizer*>> candidates;
  if (forced) {
    const Normalizer* chosen = find(*forced);
    if (!chosen)
      return fail(ErrorCode::kUnsupported,
                  std::string("no normalizer for format ") + std::string(to_string(*forced)));
    candidates.emplace_back(100, chosen);
  } else {
    for (const auto& n : normalizers_)
      if (const int confidence = n->detect(document); confidence > 0)
        candidates.emplace_back(confidence, n.get());
    if (candidates.empty())
      return fail(ErrorCode::kNotAnAlert, "no supported alert format recognised this JSON object");
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
  }
  // The most confident format first; if it cannot read the document, the next one tries.
  Result<Alert> alert =
      fail(ErrorCode::kNotAnAlert, "no supported alert format could read this JSON object");
  for (const auto& [confidence, normalizer] : candidates) {
    alert = normalizer->normalize(document);
    // A format that is certain (a configured mapping whose conditions hold, or a forced one)
    // has the last word: its error is the alert's, not a guess by a looser format.
    if (alert || confidence >= 100) break;
  }
  if (!alert) return alert;
  alert->raw.assign(raw);
  if (alert->id.empty()) alert->id = "fp-" + sha256_hex(raw).substr(0, 32);
  return alert;
}

ObservableType classify_address(std::string_view v) {
  if (v.find('@') != std::string_view::npos) return ObservableType::kEmail;
  if (v.find(':') != std::string_view::npos) return ObservableType::kIpv6;
  bool digits_and_dots = !v.empty();
  int dots = 0;
  for (char c : v) {
    if (c == '.')
      ++dots;
    else if (c < '0' || c > '9')
      digits_and_dots = false;
  }
  if (digits_and_dots && dots == 3) return ObservableType::kIpv4;
  if (dots >= 1) {
    // A dotted name whose last label is alphabetic is a domain (FQDN); otherwise a host.
    const auto last = v.substr(v.rfind('.') + 1);
    const bool alpha = !last.empty() && std::all_of(last.begin(), last.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    });
    if (alpha && last.size() >= 2) return ObservableType::kDomain;
  }
  return ObservableType::kHost;
}

void add_observable(Alert& alert, ObservableType type, std::string value, Role role,
                    std::string_view field) {
  std::string_view trimmed = trim(value);
  if (trimmed.empty() || trimmed == "-" || trimmed.size() > 2048) return;
  std::string normalized(trimmed);
  switch (type) {
    case ObservableType::kDomain:
    case ObservableType::kEmail:
    case ObservableType::kMd5:
    case ObservableType::kSha1:
    case ObservableType::kSha256:
    case ObservableType::kSha512:
    case ObservableType::kIpv6:
    case ObservableType::kHost:
    case ObservableType::kUser:
      normalized = to_lower(normalized);
      break;
    default:
      break;
  }
  for (const auto& existing : alert.observables)
    if (existing.type == type && existing.value == normalized && existing.role == role) return;
  Observable o;
  o.type = type;
  o.value = std::move(normalized);
  o.role = role;
  o.field.assign(field);
  alert.observables.push_back(std::move(o));
}

}  // namespace soc
