// The hotline in the running server: alerts raised from a report's response
// plan and by hand, acknowledged by their recipients, escalated when their
// deadline passes; the event stream (with Last-Event-ID resumption, also
// across a restart, and the cut-off of a client that does not keep up);
// signed webhooks with retries and a delivery log; and the visibility rule
// on every one of these channels.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "common/crypto.h"
#include "integration/hotline_helpers.h"
#include "integration/test_server.h"
#include "support/sse_client.h"
#include "support/webhook_receiver.h"

namespace infrashare::testing {
namespace {

using namespace std::chrono_literals;

const Json kSevereFacts = {{"service", {{"state", "stopped"}, {"lost_percent", 60}}},
                           {"outage", {{"elapsed_minutes", 200}, {"expected_minutes", 600}}},
                           {"affected", {{"people", 2000000}}},
                           {"attack", {{"status", "ongoing"}}}};

Json Operator(const std::string& id, const std::string& sector) {
  return Json{{"id", id},       {"kind", "operator"},  {"name_ja", id + "株式会社"},
              {"name_en", id + " Corporation"}, {"sectors", {sector}}};
}

class HotlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>(std::string(kFastHotline));
    server_->AddOrganization(Operator("hl_power", "electric_power"));
    server_->AddOrganization(Operator("hl_power_b", "electric_power"));
    server_->AddOrganization(Operator("hl_gas", "gas"));
    nisc_ = server_->TokenFor("nisc");
  }

  Json RaiseAlert(const Json& recipients, const std::string& title = "Early warning: ransomware campaign",
                  int ack_minutes = 15) {
    auto r = server_->Call("POST", "/api/v1/alerts", nisc_,
                           Json{{"kind", "early_warning"},
                                {"title", title},
                                {"message", "Patch the VPN gateways tonight."},
                                {"ack_minutes", ack_minutes},
                                {"recipients", recipients}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  SseClient Stream(const std::string& token, const std::string& last_event_id = "") {
    std::map<std::string, std::string> headers{{"Authorization", "Bearer " + token}};
    if (!last_event_id.empty()) headers["Last-Event-ID"] = last_event_id;
    auto c = SseClient::Connect(server_->port(), "/api/v1/stream", headers);
    if (!c) throw std::runtime_error("stream: " + c.error().message);
    EXPECT_EQ(c->status(), 200) << c->body();
    return std::move(*c);
  }

  Json GetAlert(const std::string& id, const std::string& token) {
    auto r = server_->Call("GET", "/api/v1/alerts/" + id, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }

  static const Json* Row(const Json& alert, const std::string& org) {
    for (const auto& r : alert["recipients"])
      if (r["organization"] == org) return &r;
    return nullptr;
  }

  std::unique_ptr<TestServer> server_;
  std::string nisc_;
};

TEST_F(HotlineTest, AResponsePlanRaisesAnAlertThatItsRecipientsAcknowledge) {
  const std::string reporter = server_->TokenFor("hl_power");
  auto submitted = server_->Call("POST", "/api/v1/reports", reporter,
                                 Json{{"kind", "service_outage"}, {"title", "Grid control outage"},
                                      {"sectors", {"electric_power"}}, {"facts", kSevereFacts}, {"tlp", "amber"},
                                      {"audience", {{"sectors", {"electric_power"}}}}, {"route", "direct"}});
  ASSERT_EQ(submitted.status, 201) << submitted.body;
  ASSERT_EQ(submitted.json()["assessment"]["level"], 4);
  const std::string report_id = submitted.json()["id"];

  auto list = server_->Call("GET", "/api/v1/alerts", nisc_);
  ASSERT_EQ(list.status, 200) << list.body;
  const Json items = list.json()["items"];
  ASSERT_EQ(items.size(), 1u) << list.body;
  const std::string alert_id = items[0]["id"];
  Json alert = GetAlert(alert_id, nisc_);
  EXPECT_EQ(alert["kind"], "response");
  EXPECT_EQ(alert["level"], 4);
  EXPECT_EQ(alert["report_id"], report_id);
  EXPECT_EQ(alert["raised_by_organization"], "");  // the system, from the plan
  // The generated text names the sector, never the reporting organization.
  EXPECT_EQ(alert["title"].get<std::string>().find("hl_power"), std::string::npos) << alert["title"];
  for (const std::string org : {"nisc", "meti", "electricity_isac"}) {
    const Json* row = Row(alert, org);
    ASSERT_NE(row, nullptr) << org << " missing from " << alert.dump();
    EXPECT_TRUE((*row)["must_acknowledge"].get<bool>());
    EXPECT_TRUE((*row)["deadline"].is_string());
    // NISC is a recipient too: its read just now was its inbox delivery.
    EXPECT_EQ((*row)["state"], org == "nisc" ? "delivered" : "queued") << org;
  }
  EXPECT_EQ(alert["summary"]["acknowledged"], 0);

  // The reporter is not a recipient of the system's alert: it is not there for it.
  EXPECT_EQ(server_->Call("GET", "/api/v1/alerts/" + alert_id, reporter).status, 404);
  EXPECT_TRUE(server_->Call("GET", "/api/v1/alerts", reporter).json()["items"].empty());

  // A recipient sees its own row only; reading it is the inbox delivery.
  const std::string meti = server_->TokenFor("meti");
  Json seen = GetAlert(alert_id, meti);
  ASSERT_EQ(seen["recipients"].size(), 1u) << seen.dump();
  EXPECT_EQ(seen["recipients"][0]["organization"], "meti");
  EXPECT_EQ(seen["recipients"][0]["state"], "delivered");
  EXPECT_FALSE(seen.contains("summary"));

  auto ack = server_->Call("POST", "/api/v1/alerts/" + alert_id + "/ack", meti, Json{{"note", "on it"}});
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.json()["state"], "acknowledged");
  EXPECT_TRUE(ack.json()["acknowledged_by"].is_string());
  auto again = server_->Call("POST", "/api/v1/alerts/" + alert_id + "/ack", meti, Json::object());
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_NE(again.body.find("already acknowledged"), std::string::npos) << again.body;
  // Someone who may not see the alert learns nothing; an unknown id neither.
  auto stranger = server_->Call("POST", "/api/v1/alerts/" + alert_id + "/ack", server_->TokenFor("hl_gas"),
                                Json::object());
  auto unknown = server_->Call("POST", "/api/v1/alerts/alt_nope/ack", server_->TokenFor("hl_gas"), Json::object());
  EXPECT_EQ(stranger.status, 404);
  EXPECT_EQ(stranger.body, unknown.body);

  alert = GetAlert(alert_id, nisc_);
  EXPECT_EQ(alert["summary"]["acknowledged"], 1) << alert.dump();
  EXPECT_EQ((*Row(alert, "meti"))["state"], "acknowledged");
  EXPECT_EQ((*Row(alert, "electricity_isac"))["state"], "queued");

  // A revision at the same level raises nothing new; a higher level does.
  Json worse = kSevereFacts;
  worse["other_sectors"] = {"water", "railways"};
  auto patched = server_->Call("PATCH", "/api/v1/reports/" + report_id, reporter, Json{{"facts", worse}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  ASSERT_EQ(patched.json()["assessment"]["level"], 5);
  auto after = server_->Call("GET", "/api/v1/alerts", nisc_).json()["items"];
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0]["level"], 5);
}

TEST_F(HotlineTest, HandRaisedAlertsCheckTheirInputAndChangeNothingWhenRefused) {
  const Json created = RaiseAlert({{"sectors", {"electric_power"}}});
  EXPECT_FALSE(created.contains("recipients"));  // the rows are at the Location
  Json alert = GetAlert(created["id"].get<std::string>(), nisc_);
  EXPECT_EQ(created["summary"], alert["summary"]);
  std::set<std::string> recipients;
  for (const auto& r : alert["recipients"]) recipients.insert(r["organization"]);
  EXPECT_TRUE(recipients.contains("hl_power") && recipients.contains("hl_power_b")) << alert.dump();
  EXPECT_FALSE(recipients.contains("hl_gas"));
  EXPECT_FALSE(recipients.contains("nisc"));  // never the raiser itself
  EXPECT_EQ(alert["raised_by_organization"], "nisc");

  struct Case {
    Json body;
    int status;
    std::string field;
  };
  const Json ok_recipients = {{"organizations", {"hl_gas"}}};
  const std::vector<Case> cases = {
      {{{"title", "x"}, {"recipients", ok_recipients}}, 400, "kind"},
      {{{"kind", "response"}, {"title", "x"}, {"recipients", ok_recipients}}, 400, "kind"},
      {{{"kind", "notice"}, {"title", ""}, {"recipients", ok_recipients}}, 400, "title"},
      {{{"kind", "notice"}, {"title", "x"}}, 400, "recipients"},
      {{{"kind", "notice"}, {"title", "x"}, {"recipients", {{"organizations", {"nope"}}}}}, 400,
       "recipients.organizations[0]"},
      {{{"kind", "notice"}, {"title", "x"}, {"recipients", {{"sectors", {"moon"}}}}}, 400, "recipients.sectors[0]"},
      {{{"kind", "notice"}, {"title", "x"}, {"recipients", {{"organizations", {"nisc"}}}}}, 400, "recipients"},
      {{{"kind", "notice"}, {"title", "x"}, {"recipients", ok_recipients}, {"ack_minutes", 0}}, 400, "ack_minutes"},
      {{{"kind", "notice"}, {"title", "x"}, {"recipients", ok_recipients}, {"ack_minutes", "15"}}, 400,
       "ack_minutes"},
      {{{"kind", "notice"}, {"title", "x"}, {"recipients", ok_recipients}, {"report_id", "rpt_missing"}}, 400,
       "report_id"},
      {{{"kind", "notice"}, {"title", "x"}, {"recipients", ok_recipients}, {"colour", "red"}}, 400, "colour"},
  };
  for (const auto& c : cases) {
    auto r = server_->Call("POST", "/api/v1/alerts", nisc_, c.body);
    EXPECT_EQ(r.status, c.status) << c.body.dump() << " -> " << r.body;
    EXPECT_EQ(r.json()["field"], c.field) << c.body.dump() << " -> " << r.body;
  }
  EXPECT_EQ(server_->Call("POST", "/api/v1/alerts", nisc_, std::string("{\"kind\":"), "application/json").status, 400);
  // An operator may not raise alerts.
  auto op = server_->Call("POST", "/api/v1/alerts", server_->TokenFor("hl_power"),
                          Json{{"kind", "notice"}, {"title", "x"}, {"recipients", ok_recipients}});
  EXPECT_EQ(op.status, 403) << op.body;
  EXPECT_EQ(server_->Call("POST", "/api/v1/alerts", "", Json::object()).status, 401);

  // The raiser sees its alert but is not a recipient: it is told so.
  auto self_ack = server_->Call("POST", "/api/v1/alerts/" + alert["id"].get<std::string>() + "/ack", nisc_,
                                Json::object());
  EXPECT_EQ(self_ack.status, 403) << self_ack.body;
  EXPECT_EQ(server_->Call("POST", "/api/v1/alerts/" + alert["id"].get<std::string>() + "/ack",
                          server_->TokenFor("hl_power"), Json{{"note", 5}}).status,
            400);

  auto all = server_->Call("GET", "/api/v1/alerts", nisc_).json()["items"];
  EXPECT_EQ(all.size(), 1u) << "a refused alert was stored";
  EXPECT_EQ(server_->Call("GET", "/api/v1/alerts?limit=0", nisc_).status, 400);
  EXPECT_EQ(server_->Call("GET", "/api/v1/alerts?color=red", nisc_).status, 400);
}

TEST_F(HotlineTest, TheStreamCarriesWhatTheOrganizationMaySeeAndResumesAfterARestart) {
  const std::string power = server_->TokenFor("hl_power");
  const std::string gas = server_->TokenFor("hl_gas");
  SseClient power_stream = Stream(power);
  SseClient gas_stream = Stream(gas);

  Json electric = RaiseAlert({{"sectors", {"electric_power"}}}, "Electric power alert");
  Json for_gas = RaiseAlert({{"sectors", {"gas"}}}, "Gas alert");

  auto first = NextOf(power_stream, "alert.raised");
  ASSERT_TRUE(first) << "no alert on the power stream";
  Json data = Json::parse(first->data);
  EXPECT_EQ(data["alert"]["id"], electric["id"]);
  EXPECT_EQ(data["recipient"]["organization"], "hl_power");
  EXPECT_FALSE(data.contains("summary"));
  // The gas operator's first alert event is its own; the electric one never came.
  auto gas_first = NextOf(gas_stream, "alert.raised");
  ASSERT_TRUE(gas_first);
  EXPECT_EQ(Json::parse(gas_first->data)["alert"]["id"], for_gas["id"]);

  // Leave, miss two events, come back with Last-Event-ID: both, in order, and nothing before.
  const std::string last_seen = first->id;
  power_stream.Close();
  Json missed1 = RaiseAlert({{"organizations", {"hl_power"}}}, "Missed one");
  Json missed2 = RaiseAlert({{"organizations", {"hl_power"}}}, "Missed two");
  SseClient resumed = Stream(power, last_seen);
  auto r1 = NextOf(resumed, "alert.raised");
  auto r2 = NextOf(resumed, "alert.raised");
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(Json::parse(r1->data)["alert"]["id"], missed1["id"]);
  EXPECT_EQ(Json::parse(r2->data)["alert"]["id"], missed2["id"]);
  EXPECT_LT(std::stoll(last_seen), std::stoll(r1->id));
  EXPECT_LT(std::stoll(r1->id), std::stoll(r2->id));

  // Across a restart: the log is durable.
  const std::string before_restart = r2->id;
  resumed.Close();
  Json during = RaiseAlert({{"organizations", {"hl_power"}}}, "Raised before the restart");
  server_->Terminate();
  server_->Start();
  Json after = RaiseAlert({{"organizations", {"hl_power"}}}, "Raised after the restart");
  SseClient back = Stream(power, before_restart);
  auto b1 = NextOf(back, "alert.raised");
  auto b2 = NextOf(back, "alert.raised");
  ASSERT_TRUE(b1 && b2);
  EXPECT_EQ(Json::parse(b1->data)["alert"]["id"], during["id"]);
  EXPECT_EQ(Json::parse(b2->data)["alert"]["id"], after["id"]);

  // An id the server never sent is refused with the reason.
  auto bad = SseClient::Connect(server_->port(), "/api/v1/stream",
                                {{"Authorization", "Bearer " + power}, {"Last-Event-ID", "99999999"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status(), 400) << bad->body();
  auto anonymous = SseClient::Connect(server_->port(), "/api/v1/stream", {});
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status(), 401);
}

TEST_F(HotlineTest, AcknowledgementsReachNiscLiveAndTheStreamDeliveryIsRecorded) {
  SseClient nisc_stream = Stream(nisc_);
  SseClient power_stream = Stream(server_->TokenFor("hl_power"));
  Json alert = RaiseAlert({{"organizations", {"hl_power", "hl_power_b"}}});
  const std::string id = alert["id"];
  auto raised = NextOf(nisc_stream, "alert.raised");
  ASSERT_TRUE(raised);
  EXPECT_EQ(Json::parse(raised->data)["summary"]["recipients"], 2);
  ASSERT_TRUE(NextOf(power_stream, "alert.raised"));

  ASSERT_EQ(server_->Call("POST", "/api/v1/alerts/" + id + "/ack", server_->TokenFor("hl_power"), Json::object())
                .status,
            200);
  auto acked = NextOf(nisc_stream, "alert.acknowledged");
  ASSERT_TRUE(acked);
  Json data = Json::parse(acked->data);
  EXPECT_EQ(data["recipient"]["organization"], "hl_power");
  EXPECT_EQ(data["recipient"]["state"], "acknowledged");

  // The power operator's stream received the alert: its stream channel says so.
  EXPECT_TRUE(Eventually([&] {
    const Json alert = GetAlert(id, nisc_);
    const Json* row = Row(alert, "hl_power");
    if (row == nullptr) return false;
    for (const auto& c : (*row)["channels"])
      if (c["channel"] == "stream" && c["state"] == "delivered") return true;
    return false;
  })) << GetAlert(id, nisc_).dump();
  // hl_power_b had no stream open: still queued, nothing delivered.
  const Json after = GetAlert(id, nisc_);
  EXPECT_EQ((*Row(after, "hl_power_b"))["state"], "queued");
}

TEST_F(HotlineTest, UnacknowledgedAlertsEscalateAlongTheChainAndSurviveARestart) {
  Json alert = RaiseAlert({{"organizations", {"hl_power_b"}}});
  const std::string id = alert["id"];
  // Deadlines are data: move this one into the past, then restart the server.
  server_->Terminate();
  server_->ExecSql("UPDATE alert_recipients SET deadline = 0 WHERE alert_id = '" + id + "'");
  server_->Start();
  ASSERT_TRUE(Eventually([&] {
    Json a = GetAlert(id, nisc_);
    const Json* meti = Row(a, "meti");
    return meti != nullptr && (*Row(a, "hl_power_b"))["state"] == "escalated";
  })) << GetAlert(id, nisc_).dump();
  Json a = GetAlert(id, nisc_);
  const Json& meti = *Row(a, "meti");
  EXPECT_EQ(meti["reason"], "sector_ministry");
  EXPECT_EQ(meti["escalated_from"], "hl_power_b");
  EXPECT_TRUE(meti["deadline"].is_string());
  EXPECT_TRUE((*Row(a, "hl_power_b"))["escalated_at"].is_string());

  // The ministry now sees the alert and may acknowledge it; the escalation is audited.
  auto ack = server_->Call("POST", "/api/v1/alerts/" + id + "/ack", server_->TokenFor("meti"), Json::object());
  EXPECT_EQ(ack.status, 200) << ack.body;
  auto audit = server_->Call("GET", "/api/v1/admin/audit?limit=500", server_->admin_token());
  ASSERT_EQ(audit.status, 200) << audit.body;
  int escalations = 0;
  for (const auto& e : Json(audit.json()["items"]))
    if (e["action"] == "alert.escalate" && e["target_id"] == id) ++escalations;
  EXPECT_EQ(escalations, 1) << audit.body;
  // A late acknowledgement of the escalated recipient is still taken, and marked late.
  auto late = server_->Call("POST", "/api/v1/alerts/" + id + "/ack", server_->TokenFor("hl_power_b"), Json::object());
  EXPECT_EQ(late.status, 200) << late.body;
}

std::string VerifySignature(const std::string& header, const std::string& secret, const std::string& body) {
  // t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
  const auto comma = header.find(',');
  if (!header.starts_with("t=") || comma == std::string::npos || header.substr(comma + 1, 3) != "v1=")
    return "malformed: " + header;
  const std::string t = header.substr(2, comma - 2);
  const std::string mac = header.substr(comma + 4);
  if (HmacSha256Hex(secret, t + "." + body) != mac) return "bad mac";
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  if (std::llabs(now - std::stoll(t)) > 300) return "stale timestamp";
  return "";
}

TEST_F(HotlineTest, WebhooksAreSignedRetriedUntilAcceptedAndLogged) {
  WebhookReceiver receiver;
  receiver.SetBehaviour("/failing", {.mode = WebhookReceiver::Mode::kFail, .status = 500});
  receiver.SetBehaviour("/hanging", {.mode = WebhookReceiver::Mode::kHang});
  const std::string power_admin = server_->AddPrincipal("hl_power_admin", "hl_power", {"admin"});
  const std::string b_admin = server_->AddPrincipal("hl_power_b_admin", "hl_power_b", {"admin"});
  const std::string gas_admin = server_->AddPrincipal("hl_gas_admin", "hl_gas", {"admin"});

  auto reg = [&](const std::string& token, const std::string& path) {
    auto r = server_->Call("POST", "/api/v1/webhooks", token, Json{{"url", receiver.Url(path)}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  };
  Json good = reg(power_admin, "/good");
  Json failing = reg(b_admin, "/failing");
  Json hanging = reg(gas_admin, "/hanging");
  ASSERT_TRUE(good["secret"].is_string());
  EXPECT_EQ(good["secret"].get<std::string>().size(), 64u);
  // The secret is shown once.
  auto listed = server_->Call("GET", "/api/v1/webhooks", power_admin).json()["items"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_FALSE(listed[0].contains("secret"));

  const auto raised_at = std::chrono::steady_clock::now();
  Json alert = RaiseAlert({{"organizations", {"hl_power", "hl_power_b", "hl_gas"}}});
  const std::string id = alert["id"];

  // The healthy receiver is served promptly although another one hangs.
  ASSERT_TRUE(receiver.WaitFor([](const auto& all) {
    return std::ranges::any_of(all, [](const auto& r) { return r.path == "/good"; });
  }, 10s));
  std::vector<WebhookReceiver::Request> good_requests;
  for (const auto& r : receiver.Requests())
    if (r.path == "/good") good_requests.push_back(r);
  ASSERT_EQ(good_requests.size(), 1u);
  const auto& req = good_requests[0];
  EXPECT_LT(req.at - raised_at, 3s) << "the healthy receiver waited for the hanging one";
  EXPECT_EQ(VerifySignature(req.headers.at("infrashare-signature"), good["secret"], req.body), "");
  EXPECT_NE(VerifySignature(req.headers.at("infrashare-signature"), failing["secret"], req.body), "");
  EXPECT_EQ(req.headers.at("infrashare-event"), "alert.raised");
  EXPECT_FALSE(req.headers.at("infrashare-delivery").empty());
  Json body = Json::parse(req.body);
  EXPECT_EQ(body["type"], "alert.raised");
  EXPECT_EQ(body["data"]["alert"]["id"], id);
  EXPECT_EQ(body["data"]["recipient"]["organization"], "hl_power");

  // The failing receiver is retried; the log shows why.
  ASSERT_TRUE(receiver.WaitFor([](const auto& all) {
    return std::ranges::count_if(all, [](const auto& r) { return r.path == "/failing"; }) >= 3;
  }, 15s));
  auto log = server_->Call("GET", "/api/v1/webhooks/" + failing["id"].get<std::string>() + "/deliveries", b_admin);
  ASSERT_EQ(log.status, 200) << log.body;
  Json entry = log.json()["items"][0];
  EXPECT_EQ(entry["state"], "pending");
  EXPECT_GE(entry["attempts"].get<int>(), 2);
  EXPECT_EQ(entry["last_status"], 500);
  EXPECT_EQ(entry["last_error"], "HTTP 500");
  // Once it recovers, the delivery succeeds and is recorded on the alert.
  receiver.SetBehaviour("/failing", {.mode = WebhookReceiver::Mode::kOk});
  EXPECT_TRUE(Eventually([&] {
    auto l = server_->Call("GET", "/api/v1/webhooks/" + failing["id"].get<std::string>() + "/deliveries", b_admin);
    return Json(l.json()["items"])[0]["state"] == "delivered";
  }, 15s));
  // The hanging receiver's failed attempts are visible to its organization
  // (why, in the server's log: the text is the same for every failure
  // without an HTTP answer).
  EXPECT_TRUE(Eventually([&] {
    auto l = server_->Call("GET", "/api/v1/webhooks/" + hanging["id"].get<std::string>() + "/deliveries", gas_admin);
    Json items = l.json()["items"];
    return !items.empty() && items[0]["last_error"].get<std::string>().starts_with("no HTTP answer");
  }, 15s));
  EXPECT_TRUE(Eventually([&] {
    const Json alert = GetAlert(id, nisc_);
    const Json* row = Row(alert, "hl_power");
    for (const auto& c : (*row)["channels"])
      if (c["channel"] == "webhook:" + good["id"].get<std::string>() && c["state"] == "delivered") return true;
    return false;
  })) << GetAlert(id, nisc_).dump();

  // Never twice to a receiver that answered 2xx.
  std::this_thread::sleep_for(500ms);
  size_t good_count = 0;
  for (const auto& r : receiver.Requests()) good_count += r.path == "/good";
  EXPECT_EQ(good_count, 1u);

  // Bad input, and other organizations' logs.
  for (const std::string url : {"ftp://127.0.0.1/x", "http://user@127.0.0.1/x", "http:///nohost", "not a url",
                                "http://127.0.0.1/x#frag"}) {
    auto r = server_->Call("POST", "/api/v1/webhooks", power_admin, Json{{"url", url}});
    EXPECT_EQ(r.status, 400) << url << " -> " << r.body;
    EXPECT_EQ(r.json()["field"], "url") << r.body;
  }
  EXPECT_EQ(server_->Call("POST", "/api/v1/webhooks", power_admin, Json{{"url", 5}}).status, 400);
  EXPECT_EQ(server_->Call("POST", "/api/v1/webhooks", server_->TokenFor("hl_power"),
                          Json{{"url", receiver.Url("/x")}}).status,
            403);
  EXPECT_EQ(server_->Call("GET", "/api/v1/webhooks/" + good["id"].get<std::string>() + "/deliveries", b_admin).status,
            404);
  EXPECT_EQ(server_->Call("DELETE", "/api/v1/webhooks/" + good["id"].get<std::string>(), b_admin).status, 404);
  EXPECT_EQ(server_->Call("GET", "/api/v1/webhooks", power_admin).json()["items"].size(), 1u);
  // Disabled: no more deliveries.
  ASSERT_EQ(server_->Call("DELETE", "/api/v1/webhooks/" + good["id"].get<std::string>(), power_admin).status, 200);
  EXPECT_EQ(server_->Call("DELETE", "/api/v1/webhooks/" + good["id"].get<std::string>(), power_admin).status, 409);
  RaiseAlert({{"organizations", {"hl_power"}}});
  std::this_thread::sleep_for(1s);
  good_count = 0;
  for (const auto& r : receiver.Requests()) good_count += r.path == "/good";
  EXPECT_EQ(good_count, 1u);
}

// No channel carries a report to an organization that may not see it, and an
// anonymized source stays hidden on all of them.
TEST_F(HotlineTest, NoChannelCarriesWhatItsReceiverMayNotSee) {
  server_->AddOrganization(Json{{"id", "hl_member"}, {"kind", "operator"}, {"name_ja", "秘匿電力株式会社"},
                                {"name_en", "Secret Power Corporation"}, {"sectors", {"electric_power"}},
                                {"ceptoars", {"electricity_ceptoar"}}});
  const std::string member = server_->TokenFor("hl_member");
  const std::string peer = server_->TokenFor("hl_power");
  const std::string gas = server_->TokenFor("hl_gas");
  WebhookReceiver receiver;
  for (const auto& [org, path] : std::vector<std::pair<std::string, std::string>>{{"hl_power", "/peer"},
                                                                                   {"hl_gas", "/gas"}}) {
    const std::string admin = server_->AddPrincipal(org + "_hook_admin", org, {"admin"});
    ASSERT_EQ(server_->Call("POST", "/api/v1/webhooks", admin, Json{{"url", receiver.Url(path)}}).status, 201);
  }
  SseClient peer_stream = Stream(peer);
  SseClient gas_stream = Stream(gas);

  // Anonymized via the CEPTOAR, to the electric sector: nobody but the relay sees it before the relay.
  auto anon = server_->Call("POST", "/api/v1/reports", member,
                            Json{{"kind", "attack_info"}, {"title", "Phishing against Secret Power Corporation"},
                                 {"text", "Seen at hl_member's plant"}, {"sectors", {"electric_power"}},
                                 {"tlp", "amber"}, {"audience", {{"sectors", {"electric_power"}}}},
                                 {"route", "via_ceptoar"}, {"anonymized", true}});
  ASSERT_EQ(anon.status, 201) << anon.body;
  const std::string anon_id = anon.json()["id"];
  // A RED report to NISC only.
  auto red = server_->Call("POST", "/api/v1/reports", server_->TokenFor("hl_power_b"),
                           Json{{"kind", "attack_info"}, {"title", "Red matter"}, {"sectors", {"electric_power"}},
                                {"tlp", "red"}, {"audience", {{"organizations", {"nisc"}}}}, {"route", "direct"}});
  ASSERT_EQ(red.status, 201) << red.body;
  const std::string red_id = red.json()["id"];
  // A marker event that the gas operator may see closes its window.
  Json marker = RaiseAlert({{"organizations", {"hl_gas", "hl_power"}}}, "Marker");

  // The relay releases the anonymized report to the sector.
  auto relayed = server_->Call("POST", "/api/v1/reports/" + anon_id + "/relay",
                               server_->TokenFor("electricity_isac"), Json::object());
  ASSERT_EQ(relayed.status, 200) << relayed.body;

  // The peer sees the relayed report, without its source.
  auto seen = NextOf(peer_stream, "report.relayed");
  ASSERT_TRUE(seen) << "the peer never received the relayed report";
  Json data = Json::parse(seen->data);
  EXPECT_EQ(data["report"]["id"], anon_id);
  EXPECT_FALSE(data["report"].contains("submitter_org") && data["report"]["submitter_org"] == "hl_member");

  // Gas: its marker alert arrives, nothing else before it.
  auto gas_event = gas_stream.Next(10s);
  ASSERT_TRUE(gas_event);
  EXPECT_EQ(gas_event->event, "alert.raised");
  EXPECT_EQ(Json::parse(gas_event->data)["alert"]["id"], marker["id"]);

  ASSERT_TRUE(receiver.WaitFor([](const auto& all) {
    return std::ranges::count_if(all, [](const auto& r) { return r.path == "/peer"; }) >= 2;
  }, 15s));
  std::this_thread::sleep_for(500ms);  // anything late would arrive now
  // Everything the peer's and the gas operator's channels carried: no
  // submitter of the anonymized report, no RED report, no pre-relay event.
  std::vector<std::string> carried;
  for (const auto& r : receiver.Requests()) carried.push_back(r.path + " " + r.body);
  while (auto m = peer_stream.Next(200ms)) carried.push_back("stream:peer " + m->data);
  while (auto m = gas_stream.Next(200ms)) carried.push_back("stream:gas " + m->data);
  for (const auto& text : carried) {
    for (const std::string& secret : std::vector<std::string>{"hl_member", "秘匿電力", "Secret Power", red_id}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " leaked in: " << text;
    }
    if (text.starts_with("/gas") || text.starts_with("stream:gas")) {
      EXPECT_EQ(text.find(anon_id), std::string::npos) << "gas received " << text;
    }
  }
  // (Events are rendered as the receiver may see the record when they are
  // delivered: a webhook POST made after the relay shows the released report,
  // without its source, even for the event of its creation.)
}

// A client that does not read is cut off after a bounded buffer, with the
// reason; the others keep receiving; it resumes with Last-Event-ID.
TEST(HotlineSlowConsumerTest, ASlowClientIsCutOffAndResumes) {
  TestServer server(std::string(kFastHotline) + "stream_buffer_bytes = 262144\n");
  server.AddOrganization(Operator("slow_power", "electric_power"));
  const std::string nisc = server.TokenFor("nisc");
  const std::string power = server.TokenFor("slow_power");

  // The slow client: a raw socket with a small receive buffer that reads nothing.
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket slow(ioc);
  slow.open(asio::ip::tcp::v4());
  slow.set_option(asio::socket_base::receive_buffer_size(4096));
  slow.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  const std::string request = fmt::format(
      "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nAccept: text/event-stream\r\n\r\n",
      power);
  asio::write(slow, asio::buffer(request));

  auto fast = SseClient::Connect(server.port(), "/api/v1/stream", {{"Authorization", "Bearer " + power}});
  ASSERT_TRUE(fast);
  // The fast client reads as the events come.
  std::vector<std::string> got;
  std::string fast_error;
  std::thread fast_reader([&] {
    while (got.size() < 300) {
      auto m = fast->Next(15s);
      if (!m) {
        fast_error = fmt::format("stalled after {} events (closed: {})", got.size(), fast->closed());
        return;
      }
      if (m->event == "error") fast_error = m->data;
      if (m->event == "alert.raised") got.push_back(Json::parse(m->data)["alert"]["id"]);
    }
  });
  const std::string padding(3000, 'x');
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) {
    auto r = server.Call("POST", "/api/v1/alerts", nisc,
                         Json{{"kind", "notice"}, {"title", fmt::format("Notice {}", i)}, {"message", padding},
                              {"recipients", {{"organizations", {"slow_power"}}}}});
    if (r.status != 201) {
      ADD_FAILURE() << r.body;
      break;
    }
    ids.push_back(r.json()["id"]);
  }
  fast_reader.join();
  EXPECT_EQ(fast_error, "");
  EXPECT_EQ(got, ids);

  // The slow client now reads what it was sent: the stream ends with the reason.
  std::string all;
  {
    boost::system::error_code ec;
    std::array<char, 65536> chunk;
    slow.non_blocking(false);
    struct timeval tv{10, 0};
    setsockopt(slow.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (true) {
      const size_t n = slow.read_some(asio::buffer(chunk), ec);
      if (ec) break;
      all.append(chunk.data(), n);
    }
  }
  EXPECT_NE(all.find("\"reason\":\"slow_consumer\""), std::string::npos) << all.substr(0, 300);
  // It was cut off before it got everything; the last id it saw resumes it.
  size_t last_id_pos = all.rfind("\nid: ");
  ASSERT_NE(last_id_pos, std::string::npos);
  const std::string last_id = all.substr(last_id_pos + 5, all.find('\n', last_id_pos + 5) - last_id_pos - 5);
  auto resumed = SseClient::Connect(server.port(), "/api/v1/stream",
                                    {{"Authorization", "Bearer " + power}, {"Last-Event-ID", last_id}});
  ASSERT_TRUE(resumed);
  std::set<std::string> after;
  while (auto m = resumed->Next(3s))
    if (m->event == "alert.raised") after.insert(Json::parse(m->data)["alert"]["id"]);
  EXPECT_FALSE(after.empty());
  EXPECT_TRUE(after.contains(ids.back()));
}

// The raiser of an alert reads each recipient's hotline contacts only where
// the registry lets it (ContactsVisible): a security agency alerting an
// operator sees the names of its contacts, not their e-mail addresses and
// phones — in the alert, its list and its stream alike; NISC sees them all.
TEST_F(HotlineTest, ARaiserReadsRecipientsContactsOnlyWhereTheRegistryLetsIt) {
  server_->AddOrganization(
      {{"id", "hl_water"},
       {"kind", "operator"},
       {"name_ja", "水道丙"},
       {"name_en", "Water C"},
       {"sectors", {"water"}},
       {"contacts",
        {{{"name", "Water SOC desk"}, {"email", "soc@water-c.example.jp"}, {"phone", "+81-3-5555-0101"}}}}});
  const std::string agency = server_->TokenFor("jpcert");
  SseClient agency_stream = Stream(agency);
  auto raised = server_->Call("POST", "/api/v1/alerts", agency,
                              Json{{"kind", "early_warning"},
                                   {"title", "Exploited VPN appliance"},
                                   {"message", "Patch tonight."},
                                   {"ack_minutes", 30},
                                   {"recipients", {{"organizations", {"hl_water"}}}}});
  ASSERT_EQ(raised.status, 201) << raised.body;
  const std::string id = raised.json()["id"];
  ASSERT_EQ(
      server_->Call("POST", "/api/v1/alerts/" + id + "/ack", server_->TokenFor("hl_water"), Json::object())
          .status,
      200);
  const Json* as_agency = nullptr;
  const Json alert_for_agency = GetAlert(id, agency);
  as_agency = Row(alert_for_agency, "hl_water");
  ASSERT_NE(as_agency, nullptr);
  EXPECT_EQ((*as_agency)["contacts"], Json::array({"Water SOC desk"}));
  const Json listed = server_->Call("GET", "/api/v1/alerts", agency).json();
  EXPECT_EQ(listed.dump().find("soc@water-c"), std::string::npos) << listed.dump();
  auto acked = NextOf(agency_stream, "alert.acknowledged", 10s);
  ASSERT_TRUE(acked);
  EXPECT_EQ(acked->data.find("soc@water-c"), std::string::npos) << acked->data;
  EXPECT_EQ(acked->data.find("5555"), std::string::npos) << acked->data;
  EXPECT_NE(acked->data.find("Water SOC desk"), std::string::npos) << acked->data;
  // NISC, and the organization itself, read them whole.
  const Json for_nisc = GetAlert(id, nisc_);
  EXPECT_EQ((*Row(for_nisc, "hl_water"))["contacts"][0],
            "Water SOC desk <soc@water-c.example.jp>, +81-3-5555-0101");
  const Json for_water = GetAlert(id, server_->TokenFor("hl_water"));
  EXPECT_EQ((*Row(for_water, "hl_water"))["contacts"], (*Row(for_nisc, "hl_water"))["contacts"]);
}

// A webhook cannot make the server probe its own network: the special
// address classes are refused when registered, and every failure without an
// HTTP answer reads the same in the delivery log, whatever its cause.
TEST(WebhookAddressTest, RegisteringAnInwardAddressIsRefusedByDefault) {
  TestServer server;  // no [hotline] webhook_allow
  const std::string admin = server.AddPrincipal("wa_admin", "nisc", {"admin"});
  const std::vector<std::pair<std::string, std::string>> refused{
      {"http://127.0.0.1:8080/x", "loopback"}, {"http://[::1]:22/", "loopback"},
      {"http://localhost:5432/", "loopback"},  {"http://[::ffff:127.0.0.1]/", "loopback"},
      {"http://0.0.0.0:5432/", "unspecified"}, {"http://169.254.169.254/latest/meta-data", "link-local"},
      {"http://[fe80::1]/", "link-local"},     {"http://10.1.2.3/", "private"},
      {"https://192.168.0.1/", "private"},     {"http://172.20.0.1:9200/", "private"},
      {"http://[fd00::1]/", "private"},        {"http://224.0.0.251:5353/", "multicast"},
      {"http://255.255.255.255/", "reserved"},
  };
  for (const auto& [url, kind] : refused) {
    auto r = server.Call("POST", "/api/v1/webhooks", admin, Json{{"url", url}});
    EXPECT_EQ(r.status, 400) << url << " -> " << r.body;
    EXPECT_EQ(r.json()["field"], "url") << r.body;
    EXPECT_NE(r.json()["detail"].get<std::string>().find("is a " + kind + " address"), std::string::npos)
        << r.body;
  }
  EXPECT_EQ(server.Call("GET", "/api/v1/webhooks", admin).json()["items"].size(), 0u)
      << "a refused URL was kept";
  // A host name is judged when it is resolved, at each delivery.
  auto named =
      server.Call("POST", "/api/v1/webhooks", admin, Json{{"url", "https://hooks.example.invalid/in"}});
  ASSERT_EQ(named.status, 201) << named.body;
  EXPECT_EQ(server.Call("DELETE", "/api/v1/webhooks/" + named.json()["id"].get<std::string>(), admin).status,
            200);
}

TEST(WebhookAddressTest, TheServerRefusesToStartWithABadAllowList) {
  TestServer server;
  server.Terminate();
  const std::string config = server.data_dir() + "/bad-allow.toml";
  std::ofstream(config) << "[hotline]\nwebhook_allow = [\"10.0.0.0/8\", \"intranet\"]\n";
  std::vector<std::string> args{"serve"};
  for (auto& a : server.DatabaseArgs()) args.push_back(a);
  args.insert(args.end(), {"--listen", "127.0.0.1:0", "--config", config});
  auto [code, out] = server.RunCli(args);
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("bad-allow.toml:2: hotline.webhook_allow: \"intranet\""), std::string::npos) << out;
}

TEST_F(HotlineTest, EveryFailureWithoutAnHttpAnswerReadsTheSameInTheLog) {
  WebhookReceiver receiver;
  receiver.SetBehaviour("/hanging", {.mode = WebhookReceiver::Mode::kHang});
  const std::string admin = server_->AddPrincipal("hl_power_admin", "hl_power", {"admin"});
  const uint16_t closed = ServerProcess::FreePort();  // nothing listens: refused at once
  std::vector<std::string> hooks;
  for (const std::string& url : {fmt::format("http://127.0.0.1:{}/", closed), receiver.Url("/hanging")}) {
    auto r = server_->Call("POST", "/api/v1/webhooks", admin, Json{{"url", url}});
    ASSERT_EQ(r.status, 201) << r.body;
    hooks.push_back(r.json()["id"]);
  }
  RaiseAlert({{"organizations", {"hl_power"}}});
  std::map<std::string, std::string> errors;
  EXPECT_TRUE(Eventually(
      [&] {
        for (const auto& hook : hooks) {
          Json items =
              server_->Call("GET", "/api/v1/webhooks/" + hook + "/deliveries", admin).json()["items"];
          if (items.empty() || items[0]["attempts"].get<int>() < 1) return false;
          errors[hook] = items[0]["last_error"];
        }
        return true;
      },
      15s));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[hooks[0]], errors[hooks[1]]) << "a refused connection and a timeout can be told apart";
  EXPECT_TRUE(errors[hooks[0]].starts_with("no HTTP answer")) << errors[hooks[0]];
  // The operator's log keeps the reason.
  EXPECT_NE(server_->Log().find("connection refused"), std::string::npos);
}

}  // namespace
}  // namespace infrashare::testing
