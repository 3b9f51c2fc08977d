// When a credential ends, what it opened ends with it: an event stream opened
// with a token closes within a second of the token's revocation (by the API
// or by the command line beside the running server) or of its principal
// being disabled, and streams opened with other credentials go on. Changes
// the command line makes to the registry show at once.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "integration/hotline_helpers.h"
#include "integration/test_server.h"
#include "support/sse_client.h"

namespace infrashare::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// How a stream ended: whether it did within the time given, the reason of
// its last `error` event, and when it closed after `since`.
struct Ending {
  bool ended = false;
  std::string reason;
  std::chrono::milliseconds after{};
};

Ending AwaitEnd(SseClient& stream, Clock::time_point since, std::chrono::milliseconds within) {
  Ending out;
  const auto deadline = since + within;
  while (!stream.closed() && Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto m = stream.Next(std::max(left, 1ms));
    if (m && m->event == "error") out.reason = Json::parse(m->data).value("reason", "");
  }
  out.ended = stream.closed();
  out.after = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
  return out;
}

std::string TokenId(const std::string& token) { return token.substr(0, token.find('.')); }

Json Outage(const std::string& title) {
  return Json{{"kind", "service_outage"},
              {"title", title},
              {"sectors", {"electric_power"}},
              {"facts", {{"service", {{"state", "degraded"}}}}},
              {"tlp", "amber"},
              {"audience", {{"sectors", {"electric_power"}}}},
              {"route", "direct"}};
}

class CredentialEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.AddOrganization({{"id", "ce_power"},
                             {"kind", "operator"},
                             {"name_ja", "終電力"},
                             {"name_en", "End Power"},
                             {"sectors", {"electric_power"}}});
    first_ = server_.AddPrincipal("ce_soc", "ce_power", {"reporter"});
    auto t =
        server_.Call("POST", "/api/v1/admin/principals/ce_soc/tokens", server_.admin_token(), Json::object());
    ASSERT_EQ(t.status, 201) << t.body;
    second_ = t.json()["token"];
    other_ = server_.AddPrincipal("ce_soc2", "ce_power", {"reporter"});
  }

  SseClient Open(const std::string& token, uint16_t port = 0) {
    auto s = SseClient::Connect(port == 0 ? server_.port() : port, "/api/v1/stream",
                                {{"Authorization", "Bearer " + token}});
    EXPECT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->status(), 200) << s->body();
    return std::move(*s);
  }

  // Whether `stream` receives the event of a report submitted now.
  bool Receives(SseClient& stream, const std::string& title) {
    auto r = server_.Call("POST", "/api/v1/reports", other_, Outage(title));
    EXPECT_EQ(r.status, 201) << r.body;
    const auto until = Clock::now() + 5s;
    while (Clock::now() < until)
      if (auto m = stream.Next(1s); m && m->data.find(title) != std::string::npos) return true;
    return false;
  }

  TestServer server_;
  std::string first_, second_, other_;
};

TEST_F(CredentialEndTest, RevokingATokenEndsItsStreamsWithinASecondAndNoOthers) {
  SseClient a = Open(first_);
  SseClient a2 = Open(first_);
  SseClient b = Open(second_);  // the same principal's other token
  ASSERT_TRUE(Receives(a, "Before the revocation"));

  ASSERT_EQ(server_.Call("DELETE", "/api/v1/admin/tokens/" + TokenId(first_), server_.admin_token()).status,
            204);
  const auto revoked = Clock::now();
  for (SseClient* s : {&a, &a2}) {
    Ending end = AwaitEnd(*s, revoked, 3s);
    EXPECT_TRUE(end.ended);
    EXPECT_LT(end.after, 1000ms) << "the revoked token's stream stayed open";
    EXPECT_EQ(end.reason, "credential_ended");
  }
  EXPECT_TRUE(Receives(b, "After the revocation")) << "another token's stream was ended";
  EXPECT_FALSE(b.closed());
  // Reconnecting with it is refused, as every use of it is.
  auto again = SseClient::Connect(server_.port(), "/api/v1/stream", {{"Authorization", "Bearer " + first_}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status(), 401);
}

TEST_F(CredentialEndTest, ARevocationByTheCommandLineTakesEffectOnTheRunningServerAtOnce) {
  SseClient a = Open(first_);
  ASSERT_EQ(server_.Call("GET", "/api/v1/reports", first_).status, 200);  // the token is in the cache
  std::vector<std::string> args{"admin"};  // infrashare admin --data DIR token revoke --id ID
  for (auto& arg : server_.DatabaseArgs()) args.push_back(arg);
  args.insert(args.end(), {"token", "revoke", "--id", TokenId(first_)});
  auto [code, out] = server_.RunCli(args);
  ASSERT_EQ(code, 0) << out;
  const auto revoked = Clock::now();
  Ending end = AwaitEnd(a, revoked, 3s);
  EXPECT_TRUE(end.ended);
  EXPECT_LT(end.after, 1000ms);
  EXPECT_EQ(end.reason, "credential_ended");
  // The API refuses it too, well before the token cache's own 2 s.
  EXPECT_TRUE(Eventually([&] { return server_.Call("GET", "/api/v1/reports", first_).status == 401; }, 1s));
  EXPECT_LT(Clock::now() - revoked, 1500ms);
  EXPECT_EQ(server_.Call("GET", "/api/v1/reports", second_).status, 200);
}

TEST_F(CredentialEndTest, DisablingAPrincipalEndsTheStreamsOfEachOfItsTokens) {
  SseClient a = Open(first_);
  SseClient b = Open(second_);
  SseClient other = Open(other_);
  auto r = server_.Call("PATCH", "/api/v1/admin/principals/ce_soc", server_.admin_token(),
                        Json{{"disabled", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto disabled = Clock::now();
  for (SseClient* s : {&a, &b}) {
    Ending end = AwaitEnd(*s, disabled, 3s);
    EXPECT_TRUE(end.ended);
    EXPECT_LT(end.after, 1000ms);
    EXPECT_EQ(end.reason, "credential_ended");
  }
  EXPECT_TRUE(Receives(other, "Another principal goes on"));
}

TEST_F(CredentialEndTest, AnOrganizationAddedByTheCommandLineIsVisibleAtOnce) {
  std::vector<std::string> args{"admin"};
  for (auto& arg : server_.DatabaseArgs()) args.push_back(arg);
  args.insert(args.end(), {"org", "add", "--id", "ce_water", "--kind", "operator", "--name-ja", "終水道",
                           "--name-en", "End Water", "--sector", "water"});
  auto [code, out] = server_.RunCli(args);
  ASSERT_EQ(code, 0) << out;
  const auto added = Clock::now();
  EXPECT_TRUE(Eventually(
      [&] { return server_.Call("GET", "/api/v1/registry/organizations/ce_water", other_).status == 200; },
      2s));
  EXPECT_LT(Clock::now() - added, 1000ms) << "the registry was refreshed only by its own 2 s check";
}

}  // namespace
}  // namespace infrashare::testing
