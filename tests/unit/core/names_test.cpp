// Names as they appear in JSON and logs: observable types, roles, formats, severities, error ids.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/alert.hpp"
#include "core/enrichment.hpp"
#include "core/observable.hpp"
#include "core/result.hpp"

namespace soc {
namespace {

constexpr int kLastObservableType = static_cast<int>(ObservableType::kMonero);
constexpr int kLastErrorCode = static_cast<int>(ErrorCode::kUnsupported);

TEST(ObservableNames, EveryTypeRoundTripsAndNamesAreUnique) {
  std::set<std::string> names;
  for (int i = 0; i <= kLastObservableType; ++i) {
    const auto type = static_cast<ObservableType>(i);
    const std::string name(to_string(type));
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name, "unknown");
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
    EXPECT_EQ(observable_type_from_string(name), type) << name;
  }
  EXPECT_EQ(names.size(), 20u);
}

TEST(ObservableNames, SchemaSpellings) {
  EXPECT_EQ(to_string(ObservableType::kIpv4), "ipv4");
  EXPECT_EQ(to_string(ObservableType::kSha256), "sha256");
  EXPECT_EQ(to_string(ObservableType::kAttackId), "attack_id");
  EXPECT_EQ(observable_type_from_string("email"), ObservableType::kEmail);
  EXPECT_EQ(observable_type_from_string("IPV4"), std::nullopt);  // names are exact
  EXPECT_EQ(observable_type_from_string("ip"), std::nullopt);
  EXPECT_EQ(observable_type_from_string(""), std::nullopt);
}

TEST(ObservableNames, Predicates) {
  for (auto t : {ObservableType::kMd5, ObservableType::kSha1, ObservableType::kSha256,
                 ObservableType::kSha512})
    EXPECT_TRUE(is_hash(t)) << to_string(t);
  EXPECT_FALSE(is_hash(ObservableType::kFile));
  EXPECT_TRUE(is_ip(ObservableType::kIpv4));
  EXPECT_TRUE(is_ip(ObservableType::kIpv6));
  EXPECT_FALSE(is_ip(ObservableType::kCidr));
  for (auto t : {ObservableType::kCidr, ObservableType::kAttackId, ObservableType::kAsn,
                 ObservableType::kBitcoin, ObservableType::kMonero, ObservableType::kSha512})
    EXPECT_FALSE(is_decision_type(t)) << to_string(t);
  for (auto t : {ObservableType::kIpv4, ObservableType::kDomain, ObservableType::kUrl,
                 ObservableType::kEmail, ObservableType::kSha256, ObservableType::kUser,
                 ObservableType::kHost})
    EXPECT_TRUE(is_decision_type(t)) << to_string(t);
}

TEST(ObservableNames, SameIndicatorIgnoresRoleAndField) {
  Observable a{ObservableType::kIpv4, "185.220.101.34", Role::kSource, "source.ip", 0};
  Observable b{ObservableType::kIpv4, "185.220.101.34", Role::kRelated, "related.ip", 7};
  Observable c{ObservableType::kDomain, "185.220.101.34", Role::kSource, "source.ip", 0};
  EXPECT_TRUE(a.same_indicator(b));
  EXPECT_FALSE(a.same_indicator(c));
}

TEST(RoleNames, AllRoles) {
  EXPECT_EQ(to_string(Role::kNone), "");
  EXPECT_EQ(to_string(Role::kSource), "source");
  EXPECT_EQ(to_string(Role::kDestination), "destination");
  EXPECT_EQ(to_string(Role::kSender), "sender");
  EXPECT_EQ(to_string(Role::kRecipient), "recipient");
  EXPECT_EQ(to_string(Role::kAttachment), "attachment");
  EXPECT_EQ(to_string(Role::kTarget), "target");
  EXPECT_EQ(to_string(Role::kActor), "actor");
  EXPECT_EQ(to_string(Role::kRelated), "related");
}

TEST(SourceFormatNames, RoundTrip) {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(SourceFormat::kGeneric); ++i) {
    const auto format = static_cast<SourceFormat>(i);
    const std::string name(to_string(format));
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(source_format_from_string(name), format) << name;
  }
  EXPECT_EQ(to_string(SourceFormat::kEcs), "ecs");
  EXPECT_EQ(to_string(SourceFormat::kCef), "cef");
  EXPECT_EQ(source_format_from_string("elastic"), std::nullopt);
  EXPECT_EQ(source_format_from_string(""), std::nullopt);
}

TEST(SeverityNames, RoundTripAndOrdering) {
  for (auto s : {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical})
    EXPECT_EQ(severity_from_string(to_string(s)), s);
  EXPECT_LT(Severity::kLow, Severity::kMedium);
  EXPECT_LT(Severity::kMedium, Severity::kHigh);
  EXPECT_LT(Severity::kHigh, Severity::kCritical);
}

TEST(SeverityNames, VendorVariants) {
  EXPECT_EQ(severity_from_string("CRITICAL"), Severity::kCritical);
  EXPECT_EQ(severity_from_string(" crit "), Severity::kCritical);
  EXPECT_EQ(severity_from_string("very-high"), Severity::kCritical);
  EXPECT_EQ(severity_from_string("fatal"), Severity::kCritical);
  EXPECT_EQ(severity_from_string("4"), Severity::kCritical);
  EXPECT_EQ(severity_from_string("5"), Severity::kCritical);
  EXPECT_EQ(severity_from_string("High"), Severity::kHigh);
  EXPECT_EQ(severity_from_string("3"), Severity::kHigh);
  EXPECT_EQ(severity_from_string("error"), Severity::kHigh);
  EXPECT_EQ(severity_from_string("severe"), Severity::kHigh);
  EXPECT_EQ(severity_from_string("Medium"), Severity::kMedium);
  EXPECT_EQ(severity_from_string("moderate"), Severity::kMedium);
  EXPECT_EQ(severity_from_string("warning"), Severity::kMedium);
  EXPECT_EQ(severity_from_string("2"), Severity::kMedium);
  EXPECT_EQ(severity_from_string("Informational"), Severity::kLow);
  EXPECT_EQ(severity_from_string("info"), Severity::kLow);
  EXPECT_EQ(severity_from_string("information"), Severity::kLow);
  EXPECT_EQ(severity_from_string("minor"), Severity::kLow);
  EXPECT_EQ(severity_from_string("unknown"), Severity::kLow);
  EXPECT_EQ(severity_from_string("0"), Severity::kLow);
  EXPECT_EQ(severity_from_string("1"), Severity::kLow);
}

TEST(SeverityNames, UnrecognisedIsNullopt) {
  EXPECT_EQ(severity_from_string(""), std::nullopt);
  EXPECT_EQ(severity_from_string("urgent-ish"), std::nullopt);
  EXPECT_EQ(severity_from_string("6"), std::nullopt);
  EXPECT_EQ(severity_from_string("highest"), std::nullopt);
}

TEST(ErrorCodes, EveryCodeHasAUniqueIdAndADescription) {
  std::set<std::string> ids, descriptions;
  for (int i = 1; i <= kLastErrorCode; ++i) {
    const auto code = static_cast<ErrorCode>(i);
    const std::string id(error_code_id(code));
    const std::string description(error_code_description(code));
    EXPECT_FALSE(id.empty()) << i;
    EXPECT_NE(id, "unknown") << i;
    EXPECT_FALSE(description.empty()) << i;
    EXPECT_NE(description, "unknown error") << i;
    EXPECT_TRUE(ids.insert(id).second) << "duplicate id " << id;
    EXPECT_TRUE(descriptions.insert(description).second) << "duplicate description " << description;
    for (char c : id)
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << id;
  }
  EXPECT_EQ(ids.size(), 15u);
}

TEST(ErrorCodes, StableIdsThatAppearInTheAuditTrail) {
  EXPECT_EQ(static_cast<int>(ErrorCode::kParseError), 3);
  EXPECT_EQ(error_code_id(ErrorCode::kParseError), "parse_error");
  EXPECT_EQ(error_code_id(ErrorCode::kNotAnAlert), "not_an_alert");
  EXPECT_EQ(error_code_id(ErrorCode::kTooLarge), "too_large");
  EXPECT_EQ(error_code_id(ErrorCode::kTooDeep), "too_deep");
  EXPECT_EQ(error_code_id(ErrorCode::kInvalidUtf8), "invalid_utf8");
  EXPECT_EQ(error_code_id(ErrorCode::kConfigError), "config_error");
}

TEST(ErrorCodes, FailBuildsAnUnexpectedWithCodeAndMessage) {
  Result<int> r = fail(ErrorCode::kNotFound, "no such host");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().message, "no such host");
  Status ok{};
  EXPECT_TRUE(ok);
}

TEST(EnrichmentNames, StatusesAndVerdicts) {
  EXPECT_EQ(to_string(LookupStatus::kOk), "ok");
  EXPECT_EQ(to_string(LookupStatus::kNotFound), "not_found");
  EXPECT_EQ(to_string(LookupStatus::kError), "error");
  EXPECT_EQ(to_string(LookupStatus::kTimeout), "timeout");
  EXPECT_EQ(to_string(LookupStatus::kRateLimited), "rate_limited");
  EXPECT_EQ(to_string(LookupStatus::kSkipped), "skipped");
  EXPECT_EQ(to_string(Verdict::kUnknown), "unknown");
  EXPECT_EQ(to_string(Verdict::kBenign), "benign");
  EXPECT_EQ(to_string(Verdict::kSuspicious), "suspicious");
  EXPECT_EQ(to_string(Verdict::kMalicious), "malicious");
}

}  // namespace
}  // namespace soc
