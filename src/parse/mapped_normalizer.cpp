// Alerts in a format declared by a configured field mapping, read through precompiled paths.
#include "parse/mapped_normalizer.hpp"

#include <array>
#include <charconv>

#include "core/strings.hpp"
#include "parse/format_support.hpp"
#include "parse/tags.hpp"

namespace soc {
namespace {

// Below a "*" text path: deeper than this is refused rather than walked (the parser's own
// depth limit is a deployment setting and may be far higher).
constexpr int kMaxTextDepth = 32;
// Free text taken from one alert's text paths, as the generic guesser bounds it.
constexpr std::size_t kMaxTextBytes = 256 * 1024;

using Buffer = std::array<char, 32>;

// A scalar as text without allocating (numbers are rendered into `buffer`); nullopt for objects,
// arrays and null.
std::optional<std::string_view> scalar_view(simdjson::dom::element element, Buffer& buffer) {
  const auto render = [&](auto value) -> std::string_view {
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    if (ec != std::errc()) return {};
    return {buffer.data(), static_cast<std::size_t>(end - buffer.data())};
  };
  switch (element.type()) {
    case simdjson::dom::element_type::STRING:
      return element.get_string().value_unsafe();
    case simdjson::dom::element_type::INT64:
      return render(element.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return render(element.get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE:
      return render(element.get_double().value_unsafe());
    case simdjson::dom::element_type::BOOL:
      return element.get_bool().value_unsafe() ? "true" : "false";
    default:
      return std::nullopt;
  }
}

std::string_view kind_of(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::OBJECT:
      return "an object";
    case simdjson::dom::element_type::ARRAY:
      return "an array";
    case simdjson::dom::element_type::STRING:
      return "text";
    case simdjson::dom::element_type::BOOL:
      return "true/false";
    case simdjson::dom::element_type::NULL_VALUE:
      return "null";
    default:
      return "a number";
  }
}

// A value quoted in an error message: short, so a hostile value cannot flood the logs.
std::string quoted(std::string_view value) {
  constexpr std::size_t kShown = 64;
  std::size_t take = std::min(value.size(), kShown);
  while (take < value.size() && take > 0 &&
         (static_cast<unsigned char>(value[take]) & 0xC0) == 0x80)
    --take;
  return "\"" + std::string(value.substr(0, take)) + (take < value.size() ? "...\"" : "\"");
}

Result<json::Path> compile_path(const std::string& text, const FormatMapping& mapping,
                                std::string_view what, bool one_value, bool texts) {
  auto path = json::Path::compile(text);
  auto bad = [&](std::string_view why) {
    return fail(ErrorCode::kConfigError, "formats.mappings '" + mapping.name +
                                             "': " + std::string(what) + ": " + std::string(why));
  };
  if (!path) return bad(path.error().message);
  if (one_value && path->has_fan_out()) return bad("'" + text + "' takes one value: no '[]'");
  if (!texts && path->ends_with_wildcard()) return bad("'" + text + "': only texts may end in '*'");
  return path;
}

Result<std::optional<json::Path>> compile_optional(const std::string& text,
                                                   const FormatMapping& mapping,
                                                   std::string_view what) {
  if (text.empty()) return std::optional<json::Path>{};
  auto path = compile_path(text, mapping, what, true, false);
  if (!path) return std::unexpected(path.error());
  return std::optional<json::Path>(std::move(*path));
}

Result<std::vector<json::Path>> compile_list(const std::vector<std::string>& texts,
                                             const FormatMapping& mapping, std::string_view what,
                                             bool text_paths) {
  std::vector<json::Path> paths;
  for (const auto& text : texts) {
    auto path = compile_path(text, mapping, what, false, text_paths);
    if (!path) return std::unexpected(path.error());
    paths.push_back(std::move(*path));
  }
  return paths;
}

void add_mapped_observable(Alert& alert, std::string_view value, MappedValueKind kind,
                           ObservableType type, Role role, std::string_view field) {
  switch (kind) {
    case MappedValueKind::kText:
      formats::add_text(alert, field, value);
      return;
    case MappedValueKind::kHash:
      formats::add_hash(alert, value, role, field);
      return;
    case MappedValueKind::kAddress:
      formats::add_address(alert, value, role, field);
      return;
    case MappedValueKind::kIp:
      break;
    case MappedValueKind::kFixed:
      // A declared hash type is a hint: the digest's length says which one it is.
      if (is_hash(type)) return formats::add_hash(alert, value, role, field);
      if (type == ObservableType::kUser) return formats::add_user(alert, value, role, field);
      if (!is_ip(type)) return add_observable(alert, type, std::string(value), role, field);
      break;
  }
  value = trim(value);
  const ObservableType shape = classify_address(value);
  if (is_ip(shape)) add_observable(alert, shape, std::string(value), role, field);
}

// One text for the extractor, cut (on a character boundary) to what is left of the budget. No
// de-duplication: with thousands of texts, scanning the earlier ones would cost quadratic time.
void add_text_within(Alert& alert, std::string_view field, std::string_view text,
                     std::size_t& budget) {
  if (budget == 0 || trim(text).empty()) return;
  std::size_t take = std::min(text.size(), budget);
  while (take < text.size() && take > 0 && (static_cast<unsigned char>(text[take]) & 0xC0) == 0x80)
    --take;
  alert.texts.push_back({std::string(field), std::string(text.substr(0, take))});
  budget -= take;
}

// Every string below `element` as a text for the extractor, named by its path.
Status collect_texts_below(simdjson::dom::element element, std::string& field, int depth,
                           std::size_t& budget, Alert& alert) {
  if (budget == 0) return {};
  if (depth > kMaxTextDepth)
    return fail(ErrorCode::kTooDeep, "'" + field + "' is nested more than " +
                                         std::to_string(kMaxTextDepth) + " levels deep");
  switch (element.type()) {
    case simdjson::dom::element_type::OBJECT: {
      const simdjson::dom::object fields = element.get_object().value_unsafe();
      for (auto [key, value] : fields) {
        const std::size_t before = field.size();
        if (!field.empty()) field.push_back('.');
        field.append(key);
        auto status = collect_texts_below(value, field, depth + 1, budget, alert);
        field.resize(before);
        if (!status) return status;
      }
      return {};
    }
    case simdjson::dom::element_type::ARRAY: {
      const simdjson::dom::array items = element.get_array().value_unsafe();
      if (items.size() > json::kMaxPathArrayItems)
        return fail(ErrorCode::kTooLarge, "'" + field + "' has " + std::to_string(items.size()) +
                                              " items, more than " +
                                              std::to_string(json::kMaxPathArrayItems));
      for (simdjson::dom::element item : items)
        if (auto status = collect_texts_below(item, field, depth + 1, budget, alert); !status)
          return status;
      return {};
    }
    case simdjson::dom::element_type::STRING: {
      // Two-letter codes and flags below a wildcard are not worth the extractor's time.
      const std::string_view text = element.get_string().value_unsafe();
      if (trim(text).size() >= 3) add_text_within(alert, field, text, budget);
      return {};
    }
    default:
      return {};
  }
}

}  // namespace

Result<std::unique_ptr<MappedNormalizer>> MappedNormalizer::compile(const FormatMapping& mapping,
                                                                    Claim claim) {
  std::unique_ptr<MappedNormalizer> n(new MappedNormalizer());
  n->name_ = mapping.name;
  n->claim_ = claim;
  auto bad = [&](std::string_view why) {
    return fail(ErrorCode::kConfigError,
                "formats.mappings '" + mapping.name + "': " + std::string(why));
  };
  if (mapping.name.empty()) return bad("a mapping needs a name");
  if (mapping.time.empty()) return bad("fields.time is required");
  if (mapping.rule_name.empty()) return bad("fields.rule_name is required");
  for (const auto& condition : mapping.match) {
    auto path = compile_path(condition.field, mapping, "match", false, false);
    if (!path) return std::unexpected(path.error());
    n->match_.push_back({std::move(*path), condition.equals});
  }
  const std::pair<const std::string*, std::optional<json::Path>*> single[] = {
      {&mapping.id, &n->id_},
      {&mapping.time, &n->time_},
      {&mapping.rule_name, &n->rule_name_},
      {&mapping.rule_id, &n->rule_id_},
      {&mapping.description, &n->description_},
      {&mapping.severity, &n->severity_},
      {&mapping.outcome, &n->outcome_},
      {&mapping.event_count, &n->event_count_},
      {&mapping.source_country, &n->source_country_}};
  for (const auto& [text, out] : single) {
    auto path = compile_optional(*text, mapping, "fields");
    if (!path) return std::unexpected(path.error());
    *out = std::move(*path);
  }
  n->severity_map_ = mapping.severity_map;
  const std::pair<const std::vector<std::string>*, std::vector<json::Path>*> lists[] = {
      {&mapping.techniques, &n->techniques_},
      {&mapping.tactics, &n->tactics_},
      {&mapping.categories, &n->categories_}};
  for (const auto& [texts, out] : lists) {
    auto paths = compile_list(*texts, mapping, "fields", false);
    if (!paths) return std::unexpected(paths.error());
    *out = std::move(*paths);
  }
  for (const auto& o : mapping.observables) {
    auto path = compile_path(o.path, mapping, "observables", false, false);
    if (!path) return std::unexpected(path.error());
    n->observables_.push_back({std::move(*path), o.kind, o.type, o.role});
  }
  auto texts = compile_list(mapping.texts, mapping, "texts", true);
  if (!texts) return std::unexpected(texts.error());
  n->texts_ = std::move(*texts);
  return n;
}

bool MappedNormalizer::holds(simdjson::dom::element document, const Condition& condition) const {
  bool holds = false;
  Buffer buffer;
  const auto equal = [&](simdjson::dom::element value) {
    const auto text = scalar_view(value, buffer);
    return text && *text == *condition.equals;
  };
  // A walk error (an array too long, an array in the way) means "not this format".
  (void)condition.path.visit(document, [&](simdjson::dom::element value) -> Status {
    if (holds || value.is_null()) return {};
    if (!condition.equals) {
      holds = true;
      return {};
    }
    simdjson::dom::array items;
    if (value.get_array().get(items) == simdjson::SUCCESS) {
      if (items.size() > json::kMaxPathArrayItems) return {};
      for (simdjson::dom::element item : items) holds = holds || equal(item);
      return {};
    }
    holds = equal(value);
    return {};
  });
  return holds;
}

int MappedNormalizer::detect(simdjson::dom::element document) const {
  if (!document.is_object()) return 0;
  if (claim_ == Claim::kEveryDocument) return 100;
  if (match_.empty()) return 0;
  for (const auto& condition : match_)
    if (!holds(document, condition)) return 0;
  return 100;
}

Error MappedNormalizer::field_error(ErrorCode code, std::string_view what, const json::Path& path,
                                    std::string_view problem) const {
  return Error{code,
               name_ + ": " + std::string(what) + " '" + path.text() + "' " + std::string(problem)};
}

Error MappedNormalizer::wrap(const Error& error, std::string_view what) const {
  return Error{error.code, name_ + ": " + std::string(what) + ": " + error.message};
}

Result<std::optional<simdjson::dom::element>> MappedNormalizer::one_value(
    simdjson::dom::element document, const json::Path& path, std::string_view what) const {
  std::optional<simdjson::dom::element> found;
  auto walked = path.visit(document, [&](simdjson::dom::element value) -> Status {
    if (!value.is_null()) found = value;
    return {};
  });
  if (!walked) return std::unexpected(wrap(walked.error(), what));
  if (found && (found->is_object() || found->is_array()))
    return std::unexpected(
        field_error(ErrorCode::kInvalidArgument, what, path,
                    "is " + std::string(kind_of(*found)) + ", expected text or a number"));
  return found;
}

Result<std::string> MappedNormalizer::required_text(simdjson::dom::element document,
                                                    const json::Path& path,
                                                    std::string_view what) const {
  auto value = one_value(document, path, what);
  if (!value) return std::unexpected(value.error());
  Buffer buffer;
  const auto text = *value ? scalar_view(**value, buffer) : std::nullopt;
  if (!text) return std::unexpected(field_error(ErrorCode::kNotAnAlert, what, path, "is missing"));
  if (trim(*text).empty())
    return std::unexpected(field_error(ErrorCode::kNotAnAlert, what, path, "is empty"));
  return std::string(*text);
}

Result<std::string> MappedNormalizer::optional_text(simdjson::dom::element document,
                                                    const std::optional<json::Path>& path,
                                                    std::string_view what) const {
  if (!path) return std::string();
  auto value = one_value(document, *path, what);
  if (!value) return std::unexpected(value.error());
  Buffer buffer;
  const auto text = *value ? scalar_view(**value, buffer) : std::nullopt;
  return text ? std::string(*text) : std::string();
}

// Calls fn(text) for every scalar the path reaches: a scalar, or each item of an array of
// scalars; null is absence. An object (or an array inside an array) is a type error.
template <class Fn>
Status MappedNormalizer::each_value(simdjson::dom::element document, const json::Path& path,
                                    std::string_view what, Fn&& fn) const {
  Buffer buffer;
  std::size_t values = 0;
  std::optional<Error> error;
  const auto take = [&](simdjson::dom::element value) -> bool {
    if (value.is_null()) return true;
    const auto text = scalar_view(value, buffer);
    if (!text) {
      error = field_error(ErrorCode::kInvalidArgument, what, path,
                          "holds " + std::string(kind_of(value)) + ", expected text or numbers");
      return false;
    }
    if (++values > json::kMaxPathValues) {
      error = field_error(ErrorCode::kTooLarge, what, path,
                          "holds more than " + std::to_string(json::kMaxPathValues) + " values");
      return false;
    }
    fn(*text);
    return true;
  };
  auto walked = path.visit(document, [&](simdjson::dom::element value) -> Status {
    simdjson::dom::array items;
    if (value.get_array().get(items) != simdjson::SUCCESS) {
      if (!take(value)) return std::unexpected(*error);
      return {};
    }
    if (items.size() > json::kMaxPathArrayItems)
      return std::unexpected(field_error(ErrorCode::kTooLarge, what, path,
                                         "has " + std::to_string(items.size()) +
                                             " items, more than " +
                                             std::to_string(json::kMaxPathArrayItems)));
    for (simdjson::dom::element item : items)
      if (!take(item)) return std::unexpected(*error);
    return {};
  });
  if (!walked) return std::unexpected(error ? *error : wrap(walked.error(), what));
  return {};
}

Status MappedNormalizer::read_time(simdjson::dom::element document, Alert& alert) const {
  auto value = one_value(document, *time_, "time");
  if (!value) return std::unexpected(value.error());
  if (!*value)
    return std::unexpected(field_error(ErrorCode::kNotAnAlert, "time", *time_, "is missing"));
  Buffer buffer;
  const auto text = (*value)->is_bool() ? std::nullopt : scalar_view(**value, buffer);
  if (!text)
    return std::unexpected(field_error(ErrorCode::kInvalidArgument, "time", *time_,
                                       "is true/false, expected a timestamp"));
  alert.timestamp = formats::parse_any_time(*text);
  if (!alert.timestamp)
    return std::unexpected(field_error(ErrorCode::kInvalidArgument, "time", *time_,
                                       "is not a timestamp (RFC 3339, epoch seconds or "
                                       "milliseconds): " +
                                           quoted(*text)));
  return {};
}

Status MappedNormalizer::read_severity(simdjson::dom::element document, Alert& alert) const {
  if (!severity_) return {};
  auto value = one_value(document, *severity_, "severity");
  if (!value) return std::unexpected(value.error());
  Buffer buffer;
  const auto text = *value ? scalar_view(**value, buffer) : std::nullopt;
  if (!text) return {};
  const std::string_view source = trim(*text);
  for (const auto& [from, to] : severity_map_) {
    if (iequals(from, source)) {
      alert.source_severity = to;
      return {};
    }
  }
  // Values the map does not list are read as names ("high", "informational") or numbers.
  alert.source_severity = severity_from_string(source);
  return {};
}

Status MappedNormalizer::read_event_count(simdjson::dom::element document, Alert& alert) const {
  if (!event_count_) return {};
  auto value = one_value(document, *event_count_, "event_count");
  if (!value) return std::unexpected(value.error());
  if (!*value) return {};
  std::int64_t count = -1;
  std::string_view digits;
  if ((*value)->get_string().get(digits) == simdjson::SUCCESS) {
    digits = trim(digits);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (ec != std::errc() || end != digits.data() + digits.size()) count = -1;
  } else if ((*value)->get_int64().get(count) != simdjson::SUCCESS) {
    double d = -1;
    if ((*value)->get_double().get(d) == simdjson::SUCCESS && d >= 0 && d <= 9.0e18 &&
        d == static_cast<double>(static_cast<std::int64_t>(d)))
      count = static_cast<std::int64_t>(d);
  }
  if (count < 0)
    return std::unexpected(
        field_error(ErrorCode::kInvalidArgument, "event_count", *event_count_, "is not a count"));
  alert.event_count = count;
  return {};
}

Status MappedNormalizer::read_lists(simdjson::dom::element document, Alert& alert) const {
  for (const auto& path : techniques_) {
    auto status = each_value(document, path, "techniques", [&](std::string_view value) {
      // "T1059.001", "attack.t1059.001", "T1003, T1550", "Brute Force (T1110)".
      formats::add_techniques_from_list(alert, value);
      formats::add_techniques_in_text(alert, value);
    });
    if (!status) return status;
  }
  for (const auto& path : tactics_) {
    auto status = each_value(document, path, "tactics", [&](std::string_view value) {
      formats::add_tactics_from_list(alert, value);
    });
    if (!status) return status;
  }
  for (const auto& path : categories_) {
    auto status = each_value(document, path, "categories",
                             [&](std::string_view value) { formats::add_category(alert, value); });
    if (!status) return status;
  }
  return {};
}

Status MappedNormalizer::read_observables(simdjson::dom::element document, Alert& alert) const {
  for (const auto& o : observables_) {
    auto status = each_value(document, o.path, "observables", [&](std::string_view value) {
      add_mapped_observable(alert, value, o.kind, o.type, o.role, o.path.text());
    });
    if (!status) return status;
  }
  return {};
}

Status MappedNormalizer::read_texts(simdjson::dom::element document, Alert& alert) const {
  std::size_t budget = kMaxTextBytes;
  std::string field;
  for (const auto& path : texts_) {
    auto walked = path.visit(document, [&](simdjson::dom::element value) -> Status {
      if (value.is_null()) return {};
      if (path.ends_with_wildcard()) {
        // The path as written, less its "*": the prefix of every text's field name.
        std::string_view prefix = path.text();
        prefix.remove_suffix(prefix == "*" ? 1 : 2);
        field.assign(prefix);
        return collect_texts_below(value, field, 0, budget, alert);
      }
      if (value.is_object())
        return std::unexpected(
            Error{ErrorCode::kInvalidArgument, "'" + path.text() + "' is an object (write '" +
                                                   path.text() + ".*' to take every text inside)"});
      Buffer buffer;
      simdjson::dom::array items;
      if (value.get_array().get(items) != simdjson::SUCCESS) {
        if (auto text = scalar_view(value, buffer))
          add_text_within(alert, path.text(), *text, budget);
        return {};
      }
      if (items.size() > json::kMaxPathArrayItems)
        return std::unexpected(
            Error{ErrorCode::kTooLarge, "'" + path.text() + "' has " +
                                            std::to_string(items.size()) + " items, more than " +
                                            std::to_string(json::kMaxPathArrayItems)});
      for (simdjson::dom::element item : items)
        if (auto text = scalar_view(item, buffer))
          add_text_within(alert, path.text(), *text, budget);
      return {};
    });
    if (!walked) return std::unexpected(wrap(walked.error(), "texts"));
  }
  return {};
}

Result<Alert> MappedNormalizer::normalize(simdjson::dom::element document) const {
  if (!document.is_object())
    return fail(ErrorCode::kNotAnAlert, name_ + ": an alert must be a JSON object");
  Alert alert;
  alert.format = SourceFormat::kGeneric;
  auto rule_name = required_text(document, *rule_name_, "rule_name");
  if (!rule_name) return std::unexpected(rule_name.error());
  alert.rule_name = std::move(*rule_name);
  if (id_) {
    auto id = required_text(document, *id_, "id");
    if (!id) return std::unexpected(id.error());
    alert.id = std::move(*id);
  }
  if (auto status = read_time(document, alert); !status) return std::unexpected(status.error());
  const std::pair<const std::optional<json::Path>*, std::string*> texts[] = {
      {&rule_id_, &alert.rule_id},
      {&description_, &alert.description},
      {&outcome_, &alert.outcome},
      {&source_country_, &alert.source_country}};
  static constexpr std::string_view kWhat[] = {"rule_id", "description", "outcome",
                                               "source_country"};
  for (std::size_t i = 0; i < std::size(texts); ++i) {
    auto text = optional_text(document, *texts[i].first, kWhat[i]);
    if (!text) return std::unexpected(text.error());
    *texts[i].second = std::move(*text);
  }
  alert.outcome = to_lower(trim(alert.outcome));
  if (alert.outcome != "success" && alert.outcome != "failure") alert.outcome.clear();
  if (auto status = read_severity(document, alert); !status) return std::unexpected(status.error());
  if (auto status = read_event_count(document, alert); !status)
    return std::unexpected(status.error());
  if (auto status = read_lists(document, alert); !status) return std::unexpected(status.error());
  if (auto status = read_observables(document, alert); !status)
    return std::unexpected(status.error());
  // The rule name and description are free text too, as every format offers them.
  formats::add_text(alert, rule_name_->text(), alert.rule_name);
  if (description_) formats::add_text(alert, description_->text(), alert.description);
  if (auto status = read_texts(document, alert); !status) return std::unexpected(status.error());
  return alert;
}

Status register_mapped_normalizers(NormalizerRegistry& registry, const FormatsConfig& formats) {
  const std::string& forced = formats.forced_mapping;
  std::vector<std::unique_ptr<MappedNormalizer>> compiled;
  for (const auto& mapping : formats.mappings) {
    const bool is_forced = !forced.empty() && mapping.name == forced;
    auto normalizer =
        MappedNormalizer::compile(mapping, is_forced ? MappedNormalizer::Claim::kEveryDocument
                                                     : MappedNormalizer::Claim::kWhenMatched);
    if (!normalizer) return std::unexpected(normalizer.error());
    // The forced mapping first: it must win over another mapping whose match also holds.
    compiled.insert(is_forced ? compiled.begin() : compiled.end(), std::move(*normalizer));
  }
  if (!forced.empty() && (compiled.empty() || compiled.front()->name() != forced))
    return fail(ErrorCode::kConfigError,
                "--format mapping:" + forced + ": no formats.mappings entry has that name");
  for (auto& normalizer : compiled) registry.add(std::move(normalizer));
  return {};
}

Result<NormalizerRegistries> build_normalizer_registries(const FormatsConfig& formats) {
  auto inputs = std::make_shared<NormalizerRegistry>();
  register_builtin_normalizers(*inputs);
  if (auto added = register_mapped_normalizers(*inputs, formats); !added)
    return std::unexpected(added.error());
  NormalizerRegistries registries{inputs, inputs};
  if (!formats.forced_mapping.empty()) {
    FormatsConfig detected = formats;
    detected.forced_mapping.clear();
    auto history = std::make_shared<NormalizerRegistry>();
    register_builtin_normalizers(*history);
    if (auto added = register_mapped_normalizers(*history, detected); !added)
      return std::unexpected(added.error());
    registries.history = history;
  }
  return registries;
}

std::optional<std::string_view> forced_mapping_name(std::string_view format_option) {
  constexpr std::string_view kPrefix = "mapping:";
  if (!format_option.starts_with(kPrefix)) return std::nullopt;
  return format_option.substr(kPrefix.size());
}

}  // namespace soc
