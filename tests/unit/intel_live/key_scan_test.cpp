// No API key in anything the live tests wrote: cache, quota files, stdout/stderr, answers.
#include <gtest/gtest.h>

#include <filesystem>

#include "intel_live/intel_hub.hpp"
#include "support.hpp"

namespace soc::live {
namespace {
using testing::Fault;
using testing::json_reply;
using testing::LocalServer;
using testing::ManualClock;
using testing::Reply;
using testing::ServerRequest;

// Files under `root` (and texts) holding the key marker.
std::vector<std::string> leaks_under(const std::filesystem::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec || !it->is_regular_file(ec)) continue;
    auto text = IntelCache::read_file(it->path());
    if (text && text->find(testing::kKeyMarker) != std::string::npos)
      out.push_back(it->path().string());
  }
  return out;
}
std::vector<std::string> leaks_in_outputs() {
  std::vector<std::string> out;
  std::lock_guard lock(testing::outputs_mutex());
  for (const auto& text : testing::outputs())
    if (text.find(testing::kKeyMarker) != std::string::npos) out.push_back(text);
  return out;
}

// Runs after the whole suite: everything the tests wrote is scanned once more.
class SuiteKeyScan final : public ::testing::Environment {
 public:
  void TearDown() override {
    const auto files = leaks_under(testing::suite_root());
    for (const auto& file : files) ADD_FAILURE() << "API key found in " << file;
    const auto texts = leaks_in_outputs();
    for (const auto& text : texts) ADD_FAILURE() << "API key found in an answer: " << text;
    if (files.empty() && texts.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(testing::suite_root(), ec);
    }
  }
};
[[maybe_unused]] auto* const kSuiteKeyScan = ::testing::AddGlobalTestEnvironment(new SuiteKeyScan);

TEST(KeyScan, NoKeyInCacheQuotaOutputsOrAnswersAfterEveryVendorAndFault) {
  // A hostile or careless vendor: echoes the key in bodies, in errors and in headers.
  LocalServer server;
  int call = 0;
  server.fallback([&](const ServerRequest& r) {
    const std::string key = r.header("x-apikey") + r.header("key") + r.header("authorization") +
                            (r.query.find("key=") != std::string::npos ? r.query : "");
    switch (call++ % 6) {
      case 0:
        return json_reply(200, R"({"data":{"abuseConfidenceScore":80,"totalReports":1,"isp":")" +
                                   key + R"("}, "ip_str":"x","error_echo":")" + key + R"("})");
      case 1:
        return json_reply(401, R"({"error":"Invalid API key )" + key + R"("})");
      case 2: {
        Reply r429 = json_reply(429, R"({"message":")" + key + R"("})");
        r429.headers.emplace_back("Retry-After", "1");
        return r429;
      }
      case 3:
        return json_reply(500, key);
      case 4:
        return json_reply(200, "{\"broken\": \"" + key);
      default: {
        Reply truncated = json_reply(200, "{\"data\": \"" + key + "\"}");
        truncated.fault = Fault::kTruncate;
        return truncated;
      }
    }
  });

  const auto dir = testing::fresh_dir("key-scan");
  Config config;
  config.providers.cache_dir = dir.string();
  config.providers.deadline_ms = 3000;
  auto enable = [&](ProviderSettings& p, const std::string& root, const std::string& env) {
    p.enabled = true;
    p.base_url = server.root(root);
    p.api_key_env = env;
    p.daily_quota = 1000;
    p.rate_per_minute = 10'000;
    p.retry_backoff_ms = 5;
    p.breaker_failures = 1000;
    p.breaker_cooldown_seconds = 1;
    ::setenv(env.c_str(), testing::test_key(env).c_str(), 1);
  };
  enable(config.providers.virustotal, "/vt", "SOC_SCAN_VT");
  enable(config.providers.abuseipdb, "/abuse", "SOC_SCAN_ABUSE");
  enable(config.providers.greynoise, "/gn", "SOC_SCAN_GN");
  enable(config.providers.shodan, "/shodan", "SOC_SCAN_SHODAN");
  enable(config.providers.misp, "/misp", "SOC_SCAN_MISP");
  enable(config.providers.opencti, "/opencti", "SOC_SCAN_OPENCTI");
  config.providers.greynoise.edition = "enterprise";
  ManualClock clock;

  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  auto hub = make_intel_hub(config, clock);
  ASSERT_TRUE(hub) << hub.error().message;
  std::vector<EnrichmentPtr> answers;
  for (int i = 1; i <= 12; ++i) {
    const std::vector<Observable> alert{
        testing::ipv4("192.0.2." + std::to_string(i)),
        testing::observable(ObservableType::kDomain, "d" + std::to_string(i) + ".example"),
        testing::observable(ObservableType::kSha256,
                            std::string(63, 'a') + std::to_string(i % 10))};
    for (auto& a : (*hub)->live()->enrich(alert)) answers.push_back(std::move(a));
    clock.advance(2'000);
  }
  const std::string out = ::testing::internal::GetCapturedStdout();
  const std::string err = ::testing::internal::GetCapturedStderr();

  // The keys were really used, so the scan below can fail.
  std::size_t keyed_requests = 0;
  for (const auto& r : server.requests())
    if ((r.header("x-apikey") + r.header("key") + r.header("authorization") + r.query)
            .find(testing::kKeyMarker) != std::string::npos)
      ++keyed_requests;
  EXPECT_GT(keyed_requests, 50u);
  std::size_t ok = 0;
  for (const auto& a : answers) {
    testing::remember(a);
    EXPECT_EQ(testing::describe(*a).find(testing::kKeyMarker), std::string::npos)
        << testing::describe(*a);
    ok += a->status == LookupStatus::kOk;
  }
  EXPECT_GT(ok, 0u);
  EXPECT_EQ(out.find(testing::kKeyMarker), std::string::npos);
  EXPECT_EQ(err.find(testing::kKeyMarker), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / ".quota"));
  const auto leaked = leaks_under(dir);
  EXPECT_TRUE(leaked.empty()) << leaked.front();
  std::size_t files = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir);
       it != std::filesystem::recursive_directory_iterator(); ++it)
    files += it->is_regular_file();
  // The scan looked at real cache files. How many depends on which scripted fault met which
  // parallel request (the replies rotate in arrival order): 10 to 20 here, so not an exact count.
  EXPECT_GE(files, 5u);
  for (const char* env : {"SOC_SCAN_VT", "SOC_SCAN_ABUSE", "SOC_SCAN_GN", "SOC_SCAN_SHODAN",
                          "SOC_SCAN_MISP", "SOC_SCAN_OPENCTI"})
    ::unsetenv(env);
}

}  // namespace
}  // namespace soc::live
