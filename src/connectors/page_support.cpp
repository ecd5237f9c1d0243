// Naming, dotted lookups and small conversions shared by the product connectors.
#include "connectors/page_support.hpp"

#include <fmt/format.h>

namespace soc::connectors {

std::string describe(std::string_view name, std::string_view product) {
  return fmt::format("pull source '{}' ({})", name, product);
}

std::unexpected<Error> malformed(std::string_view who, std::string_view what) {
  return fail(ErrorCode::kParseError,
              fmt::format("{}: unreadable response, page refused and cursor kept: {}", who, what));
}

std::optional<simdjson::dom::element> find_dotted(simdjson::dom::element root,
                                                  std::string_view path) {
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::element value;
  if (object.at_key(path).get(value) == simdjson::SUCCESS) return value;
  // Try every split point: "a.b.c" as a -> "b.c", "a.b" -> c, ...
  for (std::size_t dot = path.find('.'); dot != std::string_view::npos;
       dot = path.find('.', dot + 1)) {
    simdjson::dom::element head;
    if (object.at_key(path.substr(0, dot)).get(head) != simdjson::SUCCESS) continue;
    if (auto found = find_dotted(head, path.substr(dot + 1))) return found;
  }
  return std::nullopt;
}

std::string scalar_text(simdjson::dom::element element) {
  std::string_view text;
  if (element.get_string().get(text) == simdjson::SUCCESS) return std::string(text);
  std::int64_t integer = 0;
  if (element.get_int64().get(integer) == simdjson::SUCCESS) return std::to_string(integer);
  std::uint64_t unsigned_integer = 0;
  if (element.get_uint64().get(unsigned_integer) == simdjson::SUCCESS)
    return std::to_string(unsigned_integer);
  double real = 0;
  if (element.get_double().get(real) == simdjson::SUCCESS) return fmt::format("{}", real);
  return {};
}

std::string pull_input_ref(std::string_view name, std::string_view key) {
  return fmt::format("pull:{}/{}", name, key);
}

std::string epoch_seconds_text(std::int64_t ms) {
  const bool negative = ms < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(ms + 1)) + 1 : static_cast<std::uint64_t>(ms);
  return fmt::format("{}{}.{:03}", negative ? "-" : "", magnitude / 1000, magnitude % 1000);
}

}  // namespace soc::connectors
