// Several server processes on one PostgreSQL database (DESIGN.md, Scale):
// what one process commits reaches the stream clients of another at once
// (LISTEN/NOTIFY wake-ups, store.h), a process killed in the middle of its
// work costs the others nothing and delivers nothing twice, and an
// escalation deadline fires once however many processes watch it.
//
// The first test also runs on SQLite (two processes on one data directory,
// woken by the commit bell, store/sqlite/commit_bell.h); the others need
// PostgreSQL, the national deployment's database, and are skipped on SQLite.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "integration/hotline_helpers.h"
#include "integration/test_server.h"
#include "support/http_client.h"
#include "support/sse_client.h"
#include "support/webhook_receiver.h"

namespace infrashare::testing {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// How soon a commit of one process must reach a stream of another.
constexpr auto kPromptly = 2s;

Json Operator(const std::string& id, const std::string& sector) {
  return Json{{"id", id},
              {"kind", "operator"},
              {"name_ja", id + "株式会社"},
              {"name_en", id + " Corporation"},
              {"sectors", {sector}}};
}

Json AlertTo(const std::string& organization, const std::string& title) {
  return Json{{"kind", "early_warning"},
              {"title", title},
              {"message", "Patch the VPN gateways tonight."},
              {"ack_minutes", 15},
              {"recipients", {{"organizations", {organization}}}}};
}

class MultiProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = std::make_unique<TestServer>(std::string(kFastHotline));
    a_->AddOrganization(Operator("mp_power", "electric_power"));
    a_->AddOrganization(Operator("mp_power_b", "electric_power"));
    nisc_ = a_->TokenFor("nisc");
    power_ = a_->TokenFor("mp_power");
    b_ = std::make_unique<ServerProcess>(a_->StartAnother());
  }

  SseClient StreamAt(uint16_t port, const std::string& token) {
    auto c = SseClient::Connect(port, "/api/v1/stream", {{"Authorization", "Bearer " + token}});
    if (!c) throw std::runtime_error("stream: " + c.error().message);
    EXPECT_EQ(c->status(), 200) << c->body();
    return std::move(*c);
  }

  static double Millis(SteadyClock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

  std::unique_ptr<TestServer> a_;     // process A (the TestServer's own)
  std::unique_ptr<ServerProcess> b_;  // process B on the same database
  std::string nisc_, power_;
};

TEST_F(MultiProcessTest, WhatOneProcessCommitsReachesTheStreamsOfAnotherPromptly) {
  // An alert raised through A, on a stream of B.
  SseClient on_b = StreamAt(b_->port(), power_);
  std::vector<double> latencies;
  for (int i = 0; i < 5; ++i) {
    const auto raised_at = SteadyClock::now();
    auto r = a_->Call("POST", "/api/v1/alerts", nisc_, AlertTo("mp_power", fmt::format("Cross-process {}", i)));
    ASSERT_EQ(r.status, 201) << r.body;
    auto event = NextOf(on_b, "alert.raised", 10s);
    const auto latency = SteadyClock::now() - raised_at;
    ASSERT_TRUE(event) << "the alert raised through A never reached B's stream";
    EXPECT_EQ(Json::parse(event->data)["alert"]["id"], r.json()["id"]);
    EXPECT_LT(latency, kPromptly) << "alert " << i << " took " << Millis(latency) << " ms";
    latencies.push_back(Millis(latency));
  }
  std::ranges::sort(latencies);
  std::printf("alert through A -> stream on B (POST sent to event received): median %.1f ms, max %.1f ms\n",
              latencies[latencies.size() / 2], latencies.back());

  // A report submitted on B, on a stream of A.
  SseClient on_a = StreamAt(a_->port(), a_->TokenFor("mp_power_b"));
  const auto submitted_at = SteadyClock::now();
  auto report = a_->CallAt(b_->port(), "POST", "/api/v1/reports", power_,
                           Json{{"kind", "attack_info"},
                                {"title", "Phishing wave against the grid"},
                                {"sectors", {"electric_power"}},
                                {"tlp", "green"},
                                {"audience", {{"sectors", {"electric_power"}}}},
                                {"route", "direct"}});
  ASSERT_EQ(report.status, 201) << report.body;
  auto created = NextOf(on_a, "report.created", 10s);
  const auto latency = SteadyClock::now() - submitted_at;
  ASSERT_TRUE(created) << "the report submitted on B never reached A's stream";
  EXPECT_EQ(Json::parse(created->data)["report"]["id"], report.json()["id"]);
  EXPECT_LT(latency, kPromptly);
  std::printf("report on B -> stream on A: %.1f ms\n", Millis(latency));
}

TEST_F(MultiProcessTest, ARevocationThroughOneProcessEndsTheTokensStreamOnAnotherWithinASecond) {
  if (!TestServer::OnPostgres()) GTEST_SKIP() << "runs on PostgreSQL (INFRASHARE_TEST_DATABASE=postgres)";
  const std::string token = a_->AddPrincipal("mp_power_soc", "mp_power", {"reporter"});
  SseClient on_b = StreamAt(b_->port(), token);
  ASSERT_EQ(a_->CallAt(b_->port(), "GET", "/api/v1/reports", token).status, 200);  // cached on B
  const std::string id = token.substr(0, token.find('.'));
  ASSERT_EQ(a_->Call("DELETE", "/api/v1/admin/tokens/" + id, a_->admin_token()).status, 204);
  const auto revoked = SteadyClock::now();
  while (!on_b.closed() && SteadyClock::now() - revoked < 3s) (void)on_b.Next(100ms);
  const auto ended = SteadyClock::now() - revoked;
  EXPECT_TRUE(on_b.closed()) << "B kept the revoked token's stream open";
  EXPECT_LT(ended, 1s) << Millis(ended) << " ms";
  std::printf("revoked through A -> stream on B ended: %.1f ms\n", Millis(ended));
  // B refuses the token too, before its token cache would have expired.
  EXPECT_EQ(a_->CallAt(b_->port(), "GET", "/api/v1/reports", token).status, 401);
  EXPECT_EQ(a_->CallAt(b_->port(), "GET", "/api/v1/reports", power_).status, 200);
}

TEST_F(MultiProcessTest, KillingAProcessMidStreamLosesAndRepeatsNothingElsewhere) {
  if (!TestServer::OnPostgres()) GTEST_SKIP() << "runs on PostgreSQL (INFRASHARE_TEST_DATABASE=postgres)";
  WebhookReceiver receiver;
  const std::string hook_admin = a_->AddPrincipal("mp_power_hook_admin", "mp_power", {"admin"});
  ASSERT_EQ(a_->Call("POST", "/api/v1/webhooks", hook_admin, Json{{"url", receiver.Url("/power")}}).status, 201);
  // No pause: B's dispatcher re-checks the stored list of webhooks in the
  // transaction that moves its cursor, so it never passes this one by.
  SseClient on_b = StreamAt(b_->port(), power_);

  // Alerts raised through A, one after another, until A dies.
  std::mutex mutex;
  std::vector<std::string> acknowledged;  // ids A answered 201 for; protected by mutex
  std::atomic<bool> stop{false};
  std::thread raiser([&, port = a_->port()] {
    HttpClient client("127.0.0.1", port, 10s);
    client.SetBearerToken(nisc_);
    for (int i = 0; i < 5000 && !stop; ++i) {
      auto r = client.Request("POST", "/api/v1/alerts", AlertTo("mp_power", fmt::format("Raised on A {}", i)).dump());
      if (!r) return;  // A is gone
      if (r->status != 201) continue;
      auto body = r->JsonBody();
      if (!body) continue;
      std::lock_guard lock(mutex);
      acknowledged.push_back((*body)["id"].get<std::string>());
    }
  });
  const bool started = Eventually([&] {
    std::lock_guard lock(mutex);
    return acknowledged.size() >= 20;
  }, 20s);
  a_->Kill9();
  stop = true;
  raiser.join();
  ASSERT_TRUE(started) << "A raised fewer than 20 alerts in 20 s";
  const std::set<std::string> expected(acknowledged.begin(), acknowledged.end());
  ASSERT_EQ(expected.size(), acknowledged.size());

  // B's stream: every alert A acknowledged, each once (A may have committed
  // one more whose answer it did not live to send: that one may come too).
  std::map<std::string, int> seen;
  auto missing = [&] {
    return std::ranges::count_if(expected, [&](const std::string& id) { return !seen.contains(id); });
  };
  const auto until = SteadyClock::now() + 15s;
  while (missing() > 0 && SteadyClock::now() < until) {
    auto m = NextOf(on_b, "alert.raised", std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now()));
    if (!m) break;
    ++seen[Json::parse(m->data)["alert"]["id"].get<std::string>()];
  }
  while (auto m = NextOf(on_b, "alert.raised", 500ms)) ++seen[Json::parse(m->data)["alert"]["id"].get<std::string>()];
  EXPECT_EQ(missing(), 0) << "of " << expected.size() << " acknowledged alerts";
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id << " arrived " << n << " times";
  EXPECT_LE(seen.size(), expected.size() + 1);

  // B's stream goes on undisturbed.
  EXPECT_FALSE(on_b.closed());
  auto after = a_->CallAt(b_->port(), "POST", "/api/v1/alerts", nisc_, AlertTo("mp_power", "Raised on B"));
  ASSERT_EQ(after.status, 201) << after.body;
  auto next = NextOf(on_b, "alert.raised", 10s);
  ASSERT_TRUE(next) << "B's stream stopped after A died";
  EXPECT_EQ(Json::parse(next->data)["alert"]["id"], after.json()["id"]);

  // The webhook: each acknowledged alert, under exactly one delivery id (a
  // post A leased and died on comes due again on B, under the same id).
  auto deliveries = [](const std::vector<WebhookReceiver::Request>& requests) {
    std::map<std::string, std::set<std::string>> ids;  // alert id -> delivery ids
    for (const auto& r : requests) {
      Json body = Json::parse(r.body, nullptr, false);
      if (body.is_discarded() || body["type"] != "alert.raised") continue;
      auto header = r.headers.find("infrashare-delivery");
      ids[body["data"]["alert"]["id"].get<std::string>()].insert(header == r.headers.end() ? "" : header->second);
    }
    return ids;
  };
  EXPECT_TRUE(receiver.WaitFor([&](const auto& requests) {
    auto ids = deliveries(requests);
    return std::ranges::all_of(expected, [&](const std::string& id) { return ids.contains(id); });
  }, 30s)) << deliveries(receiver.Requests()).size() << " alerts delivered of " << expected.size();
  std::this_thread::sleep_for(1s);  // a repeat under another id would come now
  std::printf("A acknowledged %zu alerts before it was killed; B's stream carried %zu; the webhook got %zu posts\n",
              expected.size(), seen.size(), receiver.Count());
  for (const auto& [alert, ids] : deliveries(receiver.Requests())) {
    EXPECT_EQ(ids.size(), 1u) << alert << " came under " << ids.size() << " delivery ids";
    EXPECT_FALSE(ids.contains("")) << alert << " came without a delivery id";
  }
}

TEST_F(MultiProcessTest, AnEscalationDeadlineFiresOnceWithTwoProcessesWatching) {
  if (!TestServer::OnPostgres()) GTEST_SKIP() << "runs on PostgreSQL (INFRASHARE_TEST_DATABASE=postgres)";
  auto raised = a_->Call("POST", "/api/v1/alerts", nisc_, AlertTo("mp_power_b", "Escalate me"));
  ASSERT_EQ(raised.status, 201) << raised.body;
  const std::string id = raised.json()["id"];
  // Both processes tick every 100 ms; the deadline passes under both.
  a_->ExecSql("UPDATE alert_recipients SET deadline = 0 WHERE alert_id = '" + id + "'");

  auto rows_of = [&](const std::string& org) {
    auto alert = a_->CallAt(b_->port(), "GET", "/api/v1/alerts/" + id, nisc_);
    EXPECT_EQ(alert.status, 200) << alert.body;
    const Json body = alert.json();
    int n = 0;
    for (const auto& row : body["recipients"]) n += row["organization"] == org;
    return n;
  };
  ASSERT_TRUE(Eventually([&] { return rows_of("meti") > 0; })) << "no escalation within 10 s";
  std::this_thread::sleep_for(1s);  // ten more ticks of each process

  EXPECT_EQ(rows_of("meti"), 1);
  auto audit = a_->Call("GET", "/api/v1/admin/audit?limit=500", a_->admin_token());
  ASSERT_EQ(audit.status, 200) << audit.body;
  int escalations = 0;
  for (const auto& e : Json(audit.json()["items"]))
    if (e["action"] == "alert.escalate" && e["target_id"] == id) ++escalations;
  EXPECT_EQ(escalations, 1) << audit.body;
}

}  // namespace
}  // namespace infrashare::testing
