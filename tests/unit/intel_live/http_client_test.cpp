// The libcurl-multi client against a local server: parallelism, deadlines, faults, egress guard.
#include <gtest/gtest.h>

#include "support.hpp"

namespace soc::live {
namespace {
using testing::Fault;
using testing::json_reply;
using testing::LocalServer;
using testing::Reply;

struct Outcome {
  std::vector<HttpResponse> responses;
  Milliseconds took{0};
};

Outcome run(HttpClient& client, std::vector<HttpRequest> requests, Milliseconds budget,
            HttpClient::Continue next = {}) {
  Outcome out;
  out.responses.resize(requests.size());
  const auto start = SteadyClock::now();
  client.run(std::move(requests), start + budget, [&](std::size_t slot, HttpResponse& response) {
    if (next) {
      auto follow = next(slot, response);
      if (follow) return follow;
    }
    out.responses[slot] = response;
    return std::optional<HttpRequest>();
  });
  out.took = std::chrono::duration_cast<Milliseconds>(SteadyClock::now() - start);
  return out;
}

HttpRequest get(const std::string& url, Milliseconds timeout = Milliseconds(2000)) {
  HttpRequest request;
  request.url = url;
  request.timeout = timeout;
  return request;
}

TEST(CurlClient, RunsABatchInParallel) {
  LocalServer server;
  Reply slow = json_reply(200, R"({"ok":true})");
  slow.delay_ms = 300;
  server.on("/slow", slow);
  auto client = make_curl_client(testing::allow(server));
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 4; ++i) requests.push_back(get(server.root("/slow")));
  auto out = run(*client, std::move(requests), Milliseconds(3000));
  for (const auto& r : out.responses) {
    EXPECT_EQ(r.transfer, Transfer::kCompleted);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"ok":true})");
  }
  EXPECT_LT(out.took.count(), 800) << "four 300 ms requests took " << out.took.count() << " ms";
  EXPECT_EQ(server.count("/slow"), 4u);
}

TEST(CurlClient, TheDeadlineCutsAHangingRequestAndKeepsTheOthers) {
  LocalServer server;
  server.on("/fast", json_reply(200, "{}"));
  Reply hang;
  hang.fault = Fault::kHang;
  server.on("/hang", hang);
  auto client = make_curl_client(testing::allow(server));
  auto out =
      run(*client, {get(server.root("/fast")), get(server.root("/hang"), Milliseconds(10'000))},
          Milliseconds(400));
  EXPECT_EQ(out.responses[0].transfer, Transfer::kCompleted);
  EXPECT_EQ(out.responses[1].transfer, Transfer::kDeadline);
  EXPECT_GE(out.took.count(), 390);
  EXPECT_LT(out.took.count(), 700);
}

TEST(CurlClient, ARequestTimeoutIsReportedAsSuch) {
  LocalServer server;
  Reply slow = json_reply(200, "{}");
  slow.delay_ms = 1000;
  server.on("/slow", slow);
  auto client = make_curl_client(testing::allow(server));
  auto out = run(*client, {get(server.root("/slow"), Milliseconds(150))}, Milliseconds(3000));
  EXPECT_EQ(out.responses[0].transfer, Transfer::kTimedOut);
  EXPECT_LT(out.took.count(), 700);
}

TEST(CurlClient, TruncatedDroppedAndOversizedBodiesAreTransferFailures) {
  LocalServer server;
  Reply truncated = json_reply(200, std::string(4000, 'x'));
  truncated.fault = Fault::kTruncate;
  server.on("/truncated", truncated);
  Reply dropped;
  dropped.fault = Fault::kDrop;
  server.on("/dropped", dropped);
  server.on("/big", json_reply(200, std::string(100'000, 'y')));
  auto client = make_curl_client(testing::allow(server));
  HttpRequest big = get(server.root("/big"));
  big.max_response_bytes = 10'000;
  auto out = run(*client, {get(server.root("/truncated")), get(server.root("/dropped")), big},
                 Milliseconds(3000));
  EXPECT_EQ(out.responses[0].transfer, Transfer::kInterrupted);
  EXPECT_EQ(out.responses[1].transfer, Transfer::kInterrupted);
  EXPECT_EQ(out.responses[2].transfer, Transfer::kTooLarge);
  EXPECT_TRUE(out.responses[2].body.empty());
}

TEST(CurlClient, RedirectsAreHandedBackNeverFollowed) {
  LocalServer server;
  LocalServer elsewhere;
  Reply redirect;
  redirect.status = 302;
  redirect.headers = {{"Location", elsewhere.root("/stolen")}};
  server.on("/moved", redirect);
  Reply same_host = redirect;
  same_host.headers = {{"Location", server.root("/other")}};
  server.on("/moved-here", same_host);
  auto client = make_curl_client(testing::allow(server));
  auto out = run(*client, {get(server.root("/moved")), get(server.root("/moved-here"))},
                 Milliseconds(2000));
  EXPECT_EQ(out.responses[0].status, 302);
  EXPECT_EQ(out.responses[1].status, 302);
  EXPECT_EQ(elsewhere.count(), 0u);
  EXPECT_EQ(server.count("/other"), 0u);
}

TEST(CurlClient, TheEgressGuardRefusesEveryOtherOrigin) {
  LocalServer allowed;
  LocalServer other;
  other.on("/x", json_reply(200, "{}"));
  auto client = make_curl_client(testing::allow(allowed));
  auto out = run(
      *client,
      {get(other.root("/x")), get("http://localhost:" + std::to_string(allowed.port()) + "/x"),
       get("https://127.0.0.1:" + std::to_string(allowed.port()) + "/x"), get("file:///etc/passwd"),
       get("http://user:pw@127.0.0.1:" + std::to_string(allowed.port()) + "/x")},
      Milliseconds(2000));
  for (const auto& r : out.responses) EXPECT_EQ(r.transfer, Transfer::kRefused);
  EXPECT_EQ(other.count(), 0u);
  EXPECT_EQ(allowed.count(), 0u);
}

TEST(EgressPolicy, OriginsAreSchemeHostAndPort) {
  EgressPolicy policy;
  ASSERT_TRUE(policy.allow_root("https://WWW.VirusTotal.com/api/v3"));
  EXPECT_TRUE(policy.allows("https://www.virustotal.com/api/v3/files/abc"));
  EXPECT_TRUE(policy.allows("https://www.virustotal.com:443/other"));
  EXPECT_FALSE(policy.allows("http://www.virustotal.com/api/v3/files/abc"));
  EXPECT_FALSE(policy.allows("https://www.virustotal.com.evil.example/api/v3"));
  EXPECT_FALSE(policy.allows("https://www.virustotal.com:8443/api/v3"));
  EXPECT_FALSE(policy.allows("https://evil.example/?https://www.virustotal.com/"));
  EXPECT_FALSE(policy.allow_root("ftp://mirror.example/"));
  EXPECT_FALSE(policy.allow_root("https://user:secret@mirror.example/"));
  EXPECT_FALSE(policy.allow_root("not a url"));
}

TEST(CurlClient, FollowUpsRunOnTheSameSlotAfterTheirDelay) {
  LocalServer server;
  server.script("/flaky", {json_reply(503, "{}"), json_reply(200, R"({"second":true})")});
  auto client = make_curl_client(testing::allow(server));
  int attempts = 0;
  auto out = run(*client, {get(server.root("/flaky"))}, Milliseconds(3000),
                 [&](std::size_t, HttpResponse& response) -> std::optional<HttpRequest> {
                   ++attempts;
                   if (response.status != 503) return std::nullopt;
                   HttpRequest retry = get(server.root("/flaky"));
                   retry.start_delay = Milliseconds(100);
                   return retry;
                 });
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(out.responses[0].status, 200);
  EXPECT_GE(out.took.count(), 100);
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_GE(std::chrono::duration_cast<Milliseconds>(seen[1].received - seen[0].received).count(),
            95);
}

TEST(CurlClient, KeepsOnlyRetryAfterAndContentTypeAndSendsHeadersAndBodies) {
  LocalServer server;
  Reply limited = json_reply(429, "{}");
  limited.headers.emplace_back("Retry-After", "17");
  limited.headers.emplace_back("Set-Cookie", "session=abc");
  server.on("/limited", limited);
  auto client = make_curl_client(testing::allow(server));
  HttpRequest post = get(server.root("/limited"));
  post.method = "POST";
  post.body = R"({"value":"x"})";
  post.headers = {{"Authorization", "k"}, {"Content-Type", "application/json"}};
  auto out = run(*client, {post}, Milliseconds(2000));
  EXPECT_EQ(out.responses[0].status, 429);
  EXPECT_EQ(out.responses[0].retry_after, "17");
  EXPECT_EQ(out.responses[0].content_type, "application/json");
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].body, R"({"value":"x"})");
  EXPECT_EQ(seen[0].header("authorization"), "k");
}

}  // namespace
}  // namespace soc::live
