// Small pieces the product connectors share when they read a page and write its cursor.
#pragma once
#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace soc::connectors {

// "pull source 'elastic-prod' (elastic)": how errors name a connector.
std::string describe(std::string_view name, std::string_view product);

// A response that cannot be read safely: the page is refused and the cursor stays.
std::unexpected<Error> malformed(std::string_view who, std::string_view what);

// A member by dotted path, as a flattened key ("kibana.alert.uuid"), nested objects, or a mix.
std::optional<simdjson::dom::element> find_dotted(simdjson::dom::element root,
                                                  std::string_view path);

// A string or number as text; empty for anything else.
std::string scalar_text(simdjson::dom::element element);

// "pull:<name>/<key>", the inbox row's input reference.
std::string pull_input_ref(std::string_view name, std::string_view key);

// Time (UTC epoch milliseconds) as Splunk's earliest_time wants it: "1704880800.123".
std::string epoch_seconds_text(std::int64_t ms);

}  // namespace soc::connectors
