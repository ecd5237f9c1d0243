// OpenCTI GraphQL response parser: observable/indicator score, labels and containing reports.
#include <algorithm>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "enrich/json_fields.hpp"
#include "enrich/parsers.hpp"

namespace soc {
namespace {
using enrich_detail::array_member;
using enrich_detail::Json;
using enrich_detail::member;
using enrich_detail::object_member;
using enrich_detail::string_at;

constexpr std::string_view kProvider = "opencti";

// Connections come as {"edges":[{"node":{...}}]} in the GraphQL schema; newer servers return
// some lists (objectLabel) as plain arrays. Both are walked.
template <class Visit>
void for_each_node(const Json* connection, Visit visit) {
  if (connection == nullptr) return;
  if (connection->is_array()) {
    for (const Json& node : *connection)
      if (node.is_object()) visit(node);
    return;
  }
  const Json* edges = array_member(connection, "edges");
  if (edges == nullptr) return;
  for (const Json& edge : *edges)
    if (const Json* node = object_member(&edge, "node")) visit(*node);
}

struct Match {
  std::optional<int> score;
  std::vector<std::string> labels;
  std::vector<std::string> reports;
};

void raise_score(Match& match, const Json& node) {
  if (enrich_detail::bool_at(&node, "revoked").value_or(false)) return;
  if (auto score = enrich_detail::small_int_at(&node, "x_opencti_score"))
    match.score = std::max(match.score.value_or(*score), *score);
}

void collect_context(Match& match, const Json& node) {
  for_each_node(member(&node, "objectLabel"), [&](const Json& label) {
    enrich_detail::push_unique(match.labels, string_at(&label, "value"));
  });
  for_each_node(member(&node, "reports"), [&](const Json& report) {
    enrich_detail::push_unique(match.reports, string_at(&report, "name"));
  });
}

bool observable_matches(const Json& node, std::string_view value) {
  std::string node_value = string_at(&node, "observable_value");
  if (node_value.empty()) node_value = string_at(&node, "value");
  return iequals(node_value, value);
}

// An indicator matches when it is named after the value or its STIX pattern compares to it.
bool indicator_matches(const Json& node, std::string_view value) {
  if (iequals(string_at(&node, "name"), value)) return true;
  const std::string pattern = string_at(&node, "pattern");
  return icontains(pattern, fmt::format("'{}'", value));
}

void add_observable(Match& match, const Json& node) {
  raise_score(match, node);
  collect_context(match, node);
  for_each_node(member(&node, "indicators"), [&](const Json& indicator) {
    raise_score(match, indicator);
    collect_context(match, indicator);
  });
}

}  // namespace

Verdict opencti_verdict(int score) {
  using namespace verdict_rules;
  if (score >= kOpenCtiMalicious) return Verdict::kMalicious;
  if (score >= kOpenCtiSuspicious) return Verdict::kSuspicious;
  return Verdict::kUnknown;
}

Result<Enrichment> parse_opencti_response(std::string_view body, const Observable& observable) {
  auto parsed = enrich_detail::parse_body(body, kProvider);
  if (!parsed) return std::unexpected(parsed.error());
  const Json& root = *parsed;
  if (!root.is_object())
    return fail(ErrorCode::kParseError, "opencti: response is not a JSON object");
  const Json* data = object_member(&root, "data");
  if (data == nullptr) {
    const Json* errors = array_member(&root, "errors");
    if (errors == nullptr)
      return fail(ErrorCode::kParseError, "opencti: neither \"data\" nor \"errors\" in the body");
    const std::string message = errors->empty() ? "" : string_at(&errors->front(), "message");
    const LookupStatus status = icontains(message, "rate") || icontains(message, "too many")
                                    ? LookupStatus::kRateLimited
                                    : LookupStatus::kError;
    return enrich_detail::make_status(observable, kProvider, status,
                                      fmt::format("opencti: {}", message));
  }

  Match match;
  bool matched = false;
  bool recognised = false;
  const std::string_view value = observable.value;
  auto visit_observable = [&](const Json& node) {
    if (!observable_matches(node, value)) return;
    matched = true;
    add_observable(match, node);
  };
  auto visit_indicator = [&](const Json& node) {
    if (!indicator_matches(node, value)) return;
    matched = true;
    raise_score(match, node);
    collect_context(match, node);
  };
  if (const Json* list = member(data, "stixCyberObservables")) {
    recognised = true;
    for_each_node(list, visit_observable);
  }
  if (const Json* single = object_member(data, "stixCyberObservable")) {
    recognised = true;
    visit_observable(*single);
  }
  if (const Json* list = member(data, "indicators")) {
    recognised = true;
    for_each_node(list, visit_indicator);
  }
  if (const Json* single = object_member(data, "indicator")) {
    recognised = true;
    visit_indicator(*single);
  }
  if (!recognised) {
    // {"data": {"stixCyberObservables": null}} is GraphQL's "nothing": keys present, value null.
    const bool null_answer = data->contains("stixCyberObservables") ||
                             data->contains("indicators") ||
                             data->contains("stixCyberObservable") || data->contains("indicator");
    if (!null_answer)
      return fail(ErrorCode::kParseError,
                  "opencti: data holds no stixCyberObservables or indicators answer");
  }
  if (!matched)
    return enrich_detail::make_status(observable, kProvider, LookupStatus::kNotFound,
                                      "opencti: no observable or indicator with this value");

  Enrichment out = enrich_detail::make_enrichment(observable, kProvider);
  out.facts.tags = std::move(match.labels);
  out.facts.events = std::move(match.reports);
  if (match.score) out.verdict = opencti_verdict(*match.score);
  return out;
}

}  // namespace soc
