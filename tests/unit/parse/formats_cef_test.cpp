// CEF line parsing: header escapes, extension values with spaces and escapes, syslog prefixes,
// CEF time formats and the severity scale.
#include <gtest/gtest.h>

#include <string>

#include "core/time.hpp"
#include "parse/cef_normalizer.hpp"
#include "parse_test_support.hpp"

namespace soc {
namespace {

TEST(FormatsCefParse, HeaderFieldsAndEscapedPipes) {
  auto r = parse_cef(
      R"(CEF:0|Security \| Co|threat\\manager|1.0|100|worm successfully stopped|10|src=10.0.0.1)");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->version, "0");
  EXPECT_EQ(r->device_vendor, "Security | Co");
  EXPECT_EQ(r->device_product, "threat\\manager");
  EXPECT_EQ(r->device_version, "1.0");
  EXPECT_EQ(r->signature_id, "100");
  EXPECT_EQ(r->name, "worm successfully stopped");
  EXPECT_EQ(r->severity, "10");
  EXPECT_EQ(r->get("src"), "10.0.0.1");
}

TEST(FormatsCefParse, ExtensionValuesRunToTheNextKey) {
  auto r = parse_cef(
      R"(CEF:0|V|P|1|2|N|5|msg=Detected a threat. No action needed. fname=C:\\Program Files\\a.exe request=http://x/?a\=1&b\=2 cs1Label=Line Two cs1=first\nsecond empty= next=1 quoted="-" act=blocked)");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->get("msg"), "Detected a threat. No action needed.");
  EXPECT_EQ(r->get("fname"), "C:\\Program Files\\a.exe");
  EXPECT_EQ(r->get("request"), "http://x/?a=1&b=2");
  EXPECT_EQ(r->get("cs1Label"), "Line Two");
  EXPECT_EQ(r->get("cs1"), "first\nsecond");
  EXPECT_EQ(r->get("empty"), "");
  EXPECT_EQ(r->get("next"), "1");
  EXPECT_EQ(r->get("quoted"), "-");
  EXPECT_EQ(r->get("act"), "blocked");
  ASSERT_EQ(r->extension.size(), 9u);
  EXPECT_EQ(r->extension.front().first, "msg");  // line order is kept
}

TEST(FormatsCefParse, RealBarracudaLineQuirks) {
  const std::string text =
      parse_test::read_text(parse_test::data_file("formats/cef/barracuda_waf.log"));
  auto r = parse_cef(text.substr(0, text.find('\n')));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->syslog_host, "Barracuda");
  EXPECT_EQ(r->device_vendor, "BarracudaNetworks");
  EXPECT_EQ(r->get("msg"), "lang=en");  // an unescaped '=' inside a value
  EXPECT_EQ(r->get("requestClientApplication"),
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/99.0.4844.51 Safari/537.36");
  EXPECT_EQ(r->get("BarracudaWafCustomHeader1"), "");
  EXPECT_EQ(r->get("BarracudaWafSessionID"), "");
  EXPECT_EQ(r->get("destinationServiceName"), "app18247_561194");
  EXPECT_EQ(r->get("dst"), "-");
  EXPECT_EQ(r->get("duser"), "-");  // "-" in quotes
}

TEST(FormatsCefParse, SyslogPrefixes) {
  auto rfc5424 =
      parse_cef("<134>1 2026-03-02T02:47:03.120Z fw-01 CEF - - - CEF:0|V|P|1|2|N|5|src=10.0.0.1");
  ASSERT_TRUE(rfc5424);
  EXPECT_EQ(rfc5424->syslog_host, "fw-01");
  EXPECT_EQ(rfc5424->syslog_time, parse_time("2026-03-02T02:47:03.120Z"));
  auto rfc3164 = parse_cef("<13>Aug  3 10:49:35 waf01 CEF: 0|V|P|1|2|N|5|src=10.0.0.1");
  ASSERT_TRUE(rfc3164);
  EXPECT_EQ(rfc3164->syslog_host, "waf01");
  EXPECT_EQ(rfc3164->syslog_time, std::nullopt);  // no year in RFC 3164
  EXPECT_EQ(rfc3164->version, "0");
  // Without rt/start/end the RFC 5424 time is the alert's time.
  auto alert = normalize_cef_line(
      "<134>1 2026-03-02T02:47:03Z fw-01 CEF - - - CEF:0|V|P|1|2|N|5|src=10.0.0.1");
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->timestamp, parse_time("2026-03-02T02:47:03Z"));
}

TEST(FormatsCefTime, EpochMillisAndArcSightDateFormats) {
  auto time_of = [](const std::string& ext) {
    auto alert = normalize_cef_line("CEF:0|V|P|1|2|N|5|" + ext);
    EXPECT_TRUE(alert);
    return alert ? alert->timestamp : std::nullopt;
  };
  EXPECT_EQ(time_of("rt=1659523775038"), 1659523775038);
  EXPECT_EQ(time_of("rt=Mar 02 2026 02:47:03"), parse_time("2026-03-02T02:47:03Z"));
  EXPECT_EQ(time_of("rt=Mar 2 2026 02:47:03.250 UTC"), parse_time("2026-03-02T02:47:03.250Z"));
  EXPECT_EQ(time_of("rt=Mar 02 2026 02:47:03 +0100"), parse_time("2026-03-02T01:47:03Z"));
  EXPECT_EQ(time_of("start=2026-03-02T02:47:03Z"), parse_time("2026-03-02T02:47:03Z"));
  EXPECT_EQ(time_of("rt=Mar 02 2026 02:47:03 CET"), std::nullopt);    // a zone we cannot resolve
  EXPECT_EQ(time_of("rt=garbage end=1659523775038"), 1659523775038);  // falls through to end
}

TEST(FormatsCefSeverity, Scale) {
  EXPECT_EQ(severity_from_cef("0"), Severity::kLow);
  EXPECT_EQ(severity_from_cef("3"), Severity::kLow);
  EXPECT_EQ(severity_from_cef("4"), Severity::kMedium);
  EXPECT_EQ(severity_from_cef("6"), Severity::kMedium);
  EXPECT_EQ(severity_from_cef("7"), Severity::kHigh);
  EXPECT_EQ(severity_from_cef("8"), Severity::kHigh);
  EXPECT_EQ(severity_from_cef("9"), Severity::kCritical);
  EXPECT_EQ(severity_from_cef("10"), Severity::kCritical);
  EXPECT_EQ(severity_from_cef("11"), std::nullopt);
  EXPECT_EQ(severity_from_cef("Low"), Severity::kLow);
  EXPECT_EQ(severity_from_cef("Medium"), Severity::kMedium);
  EXPECT_EQ(severity_from_cef("High"), Severity::kHigh);
  EXPECT_EQ(severity_from_cef("Very-High"), Severity::kCritical);
  EXPECT_EQ(severity_from_cef("Unknown"), std::nullopt);
}

TEST(FormatsCefNormalize, RolesMailAndIds) {
  auto mail = normalize_cef_line(
      "CEF:0|Contoso|MailGuard|3|p|Phish|7|suser=a@evil.example duser=b@corp.example fname=x.xlsm "
      "fileHash=0cc175b9c0f1b6a831c399e269772661");
  ASSERT_TRUE(mail);
  EXPECT_TRUE(
      parse_test::has_observable(*mail, ObservableType::kEmail, "a@evil.example", Role::kSender));
  EXPECT_TRUE(parse_test::has_observable(*mail, ObservableType::kEmail, "b@corp.example",
                                         Role::kRecipient));
  EXPECT_TRUE(
      parse_test::has_observable(*mail, ObservableType::kFile, "x.xlsm", Role::kAttachment));
  EXPECT_TRUE(parse_test::has_observable(*mail, ObservableType::kMd5,
                                         "0cc175b9c0f1b6a831c399e269772661", Role::kAttachment));
  // Outside mail, a UPN in suser is an account.
  auto login = normalize_cef_line(
      "CEF:0|Contoso|VPN|3|l|Login|3|suser=a@corp.example src=198.51.100.7 outcome=failure");
  ASSERT_TRUE(login);
  EXPECT_TRUE(
      parse_test::has_observable(*login, ObservableType::kUser, "a@corp.example", Role::kActor));
  EXPECT_EQ(login->outcome, "failure");
  EXPECT_TRUE(login->id.starts_with("fp-"));
  auto again = normalize_cef_line(
      "CEF:0|Contoso|VPN|3|l|Login|3|suser=a@corp.example src=198.51.100.7 outcome=failure");
  EXPECT_EQ(login->id, again->id);  // the fingerprint is stable
  auto with_id = normalize_cef_line("CEF:0|V|P|1|2|N|5|externalId=abc-1");
  EXPECT_EQ(with_id->id, "abc-1");
}

TEST(FormatsCefLine, Detection) {
  EXPECT_TRUE(is_cef_line("CEF:0|a"));
  EXPECT_TRUE(is_cef_line("Aug  3 10:49:35 Barracuda CEF: 0|Barracuda"));
  EXPECT_FALSE(is_cef_line("CEF:|a"));
  EXPECT_FALSE(is_cef_line(R"({"message":"no cef here"})"));
}

}  // namespace
}  // namespace soc
