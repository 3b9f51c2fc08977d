// Durability: every report answered 201 survives kill -9 of the server at
// any moment during a concurrent submission burst, and no partial report
// exists afterwards.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "integration/test_server.h"
#include "support/http_client.h"

namespace infrashare::testing {
namespace {

TEST(DurabilityTest, AcknowledgedReportsSurviveKillNine) {
  TestServer server;
  server.AddOrganization({{"id", "dur_op"}, {"kind", "operator"}, {"name_ja", "耐久"}, {"name_en", "Durable"},
                          {"sectors", {"water"}}});
  const std::string token = server.AddPrincipal("dur_rep", "dur_op", {"reporter"});
  const uint16_t port = server.port();

  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      HttpClient client("127.0.0.1", port, std::chrono::seconds(5));
      client.SetBearerToken(token);
      for (int i = 0; i < 2000 && !stop; ++i) {
        Json body{{"kind", "service_outage"}, {"title", "burst " + std::to_string(t) + "-" + std::to_string(i)},
                  {"tlp", "amber"}, {"route", "direct"}, {"audience", {{"sectors", {"water"}}}}};
        auto r = client.Request("POST", "/api/v1/reports", body.dump());
        if (!r) break;  // the server is gone
        if (r->status == 201) {
          auto j = r->JsonBody();
          std::lock_guard lock(mutex);
          acknowledged.insert((*j)["id"].get<std::string>());
        }
      }
    });
  }
  // Let the burst run, then crash the server mid-flight.
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::lock_guard lock(mutex);
    if (acknowledged.size() > 300) break;
  }
  server.Kill9();
  stop = true;
  for (auto& c : clients) c.join();
  ASSERT_GT(acknowledged.size(), 50u);

  server.Start();
  std::set<std::string> stored;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    auto r = server.Call("GET", "/api/v1/reports?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor), token);
    ASSERT_EQ(r.status, 200);
    for (const auto& item : Json(r.json()["items"])) {
      stored.insert(item["id"]);
      EXPECT_EQ(item["revision"], 1);
    }
    if (!r.json()["next_cursor"].is_string()) break;
    cursor = r.json()["next_cursor"];
  }
  for (const auto& id : acknowledged) EXPECT_TRUE(stored.contains(id)) << id << " was acknowledged and lost";
  // Nothing half-written: every stored report has its revision, and the audit chain is whole.
  int checked = 0;
  for (const auto& id : stored) {
    if (++checked > 50) break;
    auto revs = server.Call("GET", "/api/v1/reports/" + id + "/revisions", token).json()["items"];
    EXPECT_EQ(revs.size(), 1u) << id;
  }
  std::vector<std::string> args{"audit", "verify"};
  for (auto& a : server.DatabaseArgs()) args.push_back(a);
  auto verify = server.RunCli(args);
  EXPECT_EQ(verify.first, 0) << verify.second;
}

}  // namespace
}  // namespace infrashare::testing
