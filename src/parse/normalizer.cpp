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
  const Normalizer* chosen = nullptr;
  if (forced) {
    chosen = find(*forced);
    if (!chosen) return fail(ErrorCode::kUnsupported, std::string("no normalizer for format ") + std::string(to_string(*forced)));
  } else {
    int best = 0;
    for (const auto& n : normalizers_) {
      const int confidence = n->detect(document);
      if (confidence > best) {
        best = confidence;
        chosen = n.get();
      }
    }
    if (!chosen) return fail(ErrorCode::kNotAnAlert, "no supported alert format recognised this JSON object");
  }
  auto alert = chosen->normalize(document);
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
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') digits_and_dots = false;
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

void add_observable(Alert& alert, ObservableType type, std::string value, Role role, std::string_view field) {
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
