// No loss on the hotline: kill -9 the server while alerts are being raised,
// fanned out and acknowledged; after the restart every recipient has every
// alert exactly once per channel (the stream by Last-Event-ID replay, the
// webhook by its durable delivery rows) and no acknowledgement is lost.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "integration/test_server.h"
#include "support/http_client.h"
#include "support/sse_client.h"
#include "support/webhook_receiver.h"

namespace infrashare::testing {
namespace {

using namespace std::chrono_literals;

TEST(HotlineDurabilityTest, Kill9DuringFanOutLosesNoAlertAndNoAcknowledgement) {
  TestServer server(R"toml(
[hotline]
escalation_tick_ms = 100
webhook_timeout_ms = 1000
webhook_retry_base_ms = 100
webhook_retry_cap_ms = 500
webhook_max_attempts = 100
webhook_allow = ["127.0.0.0/8"]
)toml");
  server.AddOrganization({{"id", "dur_power"}, {"kind", "operator"}, {"name_ja", "耐久電力"},
                          {"name_en", "Durable Power"}, {"sectors", {"electric_power"}}});
  const std::string nisc = server.TokenFor("nisc");
  const std::string power = server.TokenFor("dur_power");
  WebhookReceiver receiver;
  const std::string admin = server.AddPrincipal("dur_admin", "dur_power", {"admin"});
  ASSERT_EQ(server.Call("POST", "/api/v1/webhooks", admin, Json{{"url", receiver.Url("/dur")}}).status, 201);

  std::atomic<uint16_t> port{server.port()};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::map<std::string, int> streamed;  // alert id -> times received on the stream
  std::set<std::string> raised, acked;
  std::string reader_state;  // protected by mutex: what the stream reader did last

  // The stream client: reconnects with Last-Event-ID whenever its stream ends.
  std::thread reader([&] {
    std::string last_id = "0";  // from the first event: nothing raised before the stream opens is missed
    while (!stop) {
      std::map<std::string, std::string> headers{{"Authorization", "Bearer " + power}};
      if (!last_id.empty()) headers["Last-Event-ID"] = last_id;
      auto c = SseClient::Connect(port.load(), "/api/v1/stream", headers, 2s);
      {
        std::lock_guard lock(mutex);
        reader_state = !c ? "connect failed: " + c.error().message
                          : "connected, status " + std::to_string(c->status()) + ", from " + last_id;
      }
      if (!c || c->status() != 200) {
        std::this_thread::sleep_for(100ms);
        continue;
      }
      while (!stop && !c->closed()) {
        auto m = c->Next(200ms);
        if (!m) continue;
        if (!m->id.empty()) last_id = m->id;
        if (m->event != "alert.raised") continue;
        std::lock_guard lock(mutex);
        ++streamed[Json::parse(m->data)["alert"]["id"].get<std::string>()];
      }
    }
  });
  // The raiser and the acknowledger.
  std::thread raiser([&] {
    HttpClient client("127.0.0.1", port.load(), 5s);
    client.SetBearerToken(nisc);
    HttpClient acker("127.0.0.1", port.load(), 5s);
    acker.SetBearerToken(power);
    for (int i = 0; !stop && i < 2000; ++i) {
      const Json body{{"kind", "notice"}, {"title", "Durability " + std::to_string(i)},
                      {"recipients", {{"organizations", {"dur_power"}}}}};
      auto r = client.Request("POST", "/api/v1/alerts", body.dump());
      if (!r || r->status != 201) break;  // the server is gone
      const std::string id = Json::parse(r->body)["id"];
      {
        std::lock_guard lock(mutex);
        raised.insert(id);
      }
      if (i % 2 == 0) {
        auto a = acker.Request("POST", "/api/v1/alerts/" + id + "/ack", "{}");
        if (!a) break;
        if (a->status == 200) {
          std::lock_guard lock(mutex);
          acked.insert(id);
        }
      }
    }
  });
  // Kill once enough is in flight.
  for (int i = 0; i < 400; ++i) {
    {
      std::lock_guard lock(mutex);
      if (raised.size() >= 60) break;
    }
    std::this_thread::sleep_for(25ms);
  }
  server.Kill9();
  raiser.join();
  std::set<std::string> raised_copy, acked_copy;
  {
    std::lock_guard lock(mutex);
    raised_copy = raised;
    acked_copy = acked;
  }
  ASSERT_GE(raised_copy.size(), 20u);
  server.Start();
  port = server.port();

  // Every acknowledged POST's alert arrives on the stream, exactly once.
  bool complete = false;
  for (int i = 0; i < 300 && !complete; ++i) {
    std::this_thread::sleep_for(100ms);
    std::lock_guard lock(mutex);
    complete = std::ranges::all_of(raised_copy, [&](const std::string& id) { return streamed.contains(id); });
  }
  stop = true;
  reader.join();
  {
    std::lock_guard lock(mutex);
    std::vector<std::string> missing;
    for (const auto& id : raised_copy)
      if (!streamed.contains(id)) missing.push_back(id);
    EXPECT_TRUE(complete) << "alerts missing from the stream: " << missing.size() << " of " << raised_copy.size()
                          << ", e.g. " << (missing.empty() ? "" : missing.front()) << "; streamed " << streamed.size()
                          << "; reader " << reader_state;
  }
  for (const auto& [id, times] : streamed) EXPECT_EQ(times, 1) << id << " streamed " << times << " times";

  // Every alert reaches the webhook: one delivery per alert (repeats, if a
  // receiver's answer was lost in the crash, carry the same delivery id).
  EXPECT_TRUE(receiver.WaitFor([&](const auto& all) {
    std::set<std::string> got;
    for (const auto& r : all) {
      Json body = Json::parse(r.body);
      if (body["type"] == "alert.raised") got.insert(body["data"]["alert"]["id"].template get<std::string>());
    }
    return std::ranges::all_of(raised_copy, [&](const std::string& id) { return got.contains(id); });
  }, 30s));
  std::map<std::string, std::set<std::string>> deliveries_per_alert;
  for (const auto& r : receiver.Requests()) {
    Json body = Json::parse(r.body);
    if (body["type"] != "alert.raised") continue;
    deliveries_per_alert[body["data"]["alert"]["id"]].insert(r.headers.at("infrashare-delivery"));
  }
  for (const auto& [id, ids] : deliveries_per_alert) EXPECT_EQ(ids.size(), 1u) << id;

  // No acknowledgement is lost.
  for (const auto& id : acked_copy) {
    auto r = server.Call("GET", "/api/v1/alerts/" + id, power);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["recipients"][0]["state"], "acknowledged") << id;
  }
  auto verify = server.RunCli({"audit", "verify", server.DatabaseArgs()[0], server.DatabaseArgs()[1]});
  EXPECT_EQ(verify.first, 0) << verify.second;
}

}  // namespace
}  // namespace infrashare::testing
