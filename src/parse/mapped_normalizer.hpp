// Home-grown JSON alert formats declared in the configuration (formats.mappings): each mapping
// becomes a normalizer whose field paths are compiled once, at start-up.
//
// Input: one JSON document. Output: an Alert as precise as a built-in format's (entities with
// roles, severity mapped to ours, ATT&CK tags, rule name and id, the alert's own time); fields
// the mapping does not name stay in the raw bytes. Detection: 100 (certain) when every `match`
// condition holds, so a mapping outranks the built-in formats (at most 95) and the generic
// guesser; `--format generic` still picks the guesser, registered first under kGeneric.
// Failure: a declared field of the wrong JSON type, a missing time / rule name / declared id, an
// unreadable time, or a walk past the array, value or depth bounds gives an error naming the
// mapping and the field. Threading: immutable after compile(); shareable.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "parse/json_path.hpp"
#include "parse/normalizer.hpp"

namespace soc {

class MappedNormalizer final : public Normalizer {
 public:
  // Which documents the mapping reads: those its match conditions recognise, or every JSON
  // alert (the mapping forced with --format mapping:<name>).
  enum class Claim : std::uint8_t { kWhenMatched, kEveryDocument };

  // Errors (kConfigError) name the mapping and the field whose path does not compile.
  static Result<std::unique_ptr<MappedNormalizer>> compile(const FormatMapping& mapping,
                                                           Claim claim = Claim::kWhenMatched);

  SourceFormat format() const override { return SourceFormat::kGeneric; }
  const std::string& name() const { return name_; }
  int detect(simdjson::dom::element document) const override;
  Result<Alert> normalize(simdjson::dom::element document) const override;

 private:
  struct Condition {
    json::Path path;
    std::optional<std::string> equals;
  };
  struct MappedObservable {
    json::Path path;
    MappedValueKind kind;
    ObservableType type;
    Role role;
  };

  MappedNormalizer() = default;
  bool holds(simdjson::dom::element document, const Condition& condition) const;
  Result<std::optional<simdjson::dom::element>> one_value(simdjson::dom::element document,
                                                          const json::Path& path,
                                                          std::string_view what) const;
  Result<std::string> required_text(simdjson::dom::element document, const json::Path& path,
                                    std::string_view what) const;
  Result<std::string> optional_text(simdjson::dom::element document,
                                    const std::optional<json::Path>& path,
                                    std::string_view what) const;
  template <class Fn>
  Status each_value(simdjson::dom::element document, const json::Path& path, std::string_view what,
                    Fn&& fn) const;
  Status read_time(simdjson::dom::element document, Alert& alert) const;
  Status read_severity(simdjson::dom::element document, Alert& alert) const;
  Status read_event_count(simdjson::dom::element document, Alert& alert) const;
  Status read_lists(simdjson::dom::element document, Alert& alert) const;
  Status read_observables(simdjson::dom::element document, Alert& alert) const;
  Status read_texts(simdjson::dom::element document, Alert& alert) const;
  Error field_error(ErrorCode code, std::string_view what, const json::Path& path,
                    std::string_view problem) const;
  Error wrap(const Error& error, std::string_view what) const;

  std::string name_;
  Claim claim_ = Claim::kWhenMatched;
  std::vector<Condition> match_;
  std::optional<json::Path> id_;
  std::optional<json::Path> time_;
  std::optional<json::Path> rule_name_;
  std::optional<json::Path> rule_id_;
  std::optional<json::Path> description_;
  std::optional<json::Path> severity_;
  std::vector<std::pair<std::string, Severity>> severity_map_;
  std::optional<json::Path> outcome_;
  std::optional<json::Path> event_count_;
  std::optional<json::Path> source_country_;
  std::vector<json::Path> techniques_;
  std::vector<json::Path> tactics_;
  std::vector<json::Path> categories_;
  std::vector<MappedObservable> observables_;
  std::vector<json::Path> texts_;
};

// Adds one normalizer per formats.mappings entry. Call after register_builtin_normalizers(), so
// that the guesser stays the normalizer `--format generic` finds. The forced mapping
// (formats.forced_mapping) goes first, so it wins over another mapping that also matches.
Status register_mapped_normalizers(NormalizerRegistry& registry, const FormatsConfig& formats);

// The registries a run needs: built-ins plus mappings. They differ only under a forced mapping,
// which applies to the alerts triaged, never to the context's history (read as auto-detected).
struct NormalizerRegistries {
  std::shared_ptr<const NormalizerRegistry> inputs;
  std::shared_ptr<const NormalizerRegistry> history;
};
Result<NormalizerRegistries> build_normalizer_registries(const FormatsConfig& formats);

// "mapping:acme-edr" -> "acme-edr": the --format value that forces a configured mapping.
std::optional<std::string_view> forced_mapping_name(std::string_view format_option);

}  // namespace soc
