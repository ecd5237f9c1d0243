// Splitting deliveries into inbox records with their idempotency keys.
#include "serve/intake_gate.hpp"

#include <simdjson.h>

#include "core/sha256.hpp"
#include "parse/cef_normalizer.hpp"

namespace soc::serve {
namespace {

ErrorCode error_code_of(simdjson::error_code error) {
  switch (error) {
    case simdjson::DEPTH_ERROR:
      return ErrorCode::kTooDeep;
    case simdjson::UTF8_ERROR:
      return ErrorCode::kInvalidUtf8;
    case simdjson::CAPACITY:
      return ErrorCode::kTooLarge;
    default:
      return ErrorCode::kParseError;
  }
}

}  // namespace

IntakeGate::IntakeGate(std::shared_ptr<const NormalizerRegistry> normalizers, ReadLimits limits)
    : normalizers_(std::move(normalizers)), limits_(limits) {}

Result<std::string> IntakeGate::alert_id(const InputRecord& record,
                                         std::optional<SourceFormat> forced) const {
  if (record.error) return std::unexpected(*record.error);
  if (record.kind == RecordKind::kCef) {
    if (forced && *forced != SourceFormat::kCef)
      return fail(ErrorCode::kInvalidArgument,
                  "a CEF line, but the source's format says otherwise");
    auto alert = normalize_cef_line(record.bytes);
    if (!alert) return std::unexpected(alert.error());
    return std::move(alert->id);
  }
  if (record.kind == RecordKind::kUnknownText)
    return fail(ErrorCode::kParseError, "not JSON and not a CEF line");
  // One parser per thread: the webhook's handlers run on a pool.
  thread_local simdjson::dom::parser parser;
  if (parser.max_depth() != limits_.max_depth || parser.capacity() < record.bytes.size()) {
    if (parser.allocate(std::max(record.bytes.size(), parser.capacity()), limits_.max_depth) !=
        simdjson::SUCCESS)
      return fail(ErrorCode::kTooLarge, "cannot allocate the JSON parser");
  }
  simdjson::dom::element document;
  if (auto error = parser.parse(record.bytes).get(document); error != simdjson::SUCCESS) {
    return fail(error_code_of(error),
                std::string("invalid JSON: ") + simdjson::error_message(error));
  }
  auto alert = normalizers_->normalize(document, record.bytes, forced);
  if (!alert) return std::unexpected(alert.error());
  return std::move(alert->id);
}

GatedDelivery IntakeGate::admit(std::string_view body, std::string_view ref_prefix,
                                std::optional<SourceFormat> forced) const {
  GatedDelivery delivery;
  std::vector<InputRecord> records = split_records(body, ref_prefix, limits_);
  delivery.alerts.reserve(records.size());
  delivery.alert_ids.reserve(records.size());
  const std::string format = forced ? std::string(to_string(*forced)) : std::string();
  for (std::size_t i = 0; i < records.size(); ++i) {
    InputRecord& record = records[i];
    auto id = alert_id(record, forced);
    std::string key;
    if (id) {
      key = *id;
      delivery.alert_ids.push_back(std::move(*id));
    } else {
      key = "sha256:" + sha256_hex(record.bytes);
      delivery.alert_ids.emplace_back();
      delivery.rejected.push_back(RecordRejection{i, record.ref, id.error()});
    }
    delivery.alerts.push_back(
        InboundAlert{std::move(key), std::move(record.ref), format, std::move(record.bytes)});
  }
  return delivery;
}

}  // namespace soc::serve
