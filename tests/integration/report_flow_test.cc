// Reports end to end: submit on each route, relay, revise, list with filters
// and pagination, and the delivery trail.
#include <gtest/gtest.h>

#include <set>

#include "integration/test_server.h"

namespace infrashare::testing {
namespace {

class ReportFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    server_->AddOrganization({{"id", "power_a"}, {"kind", "operator"}, {"name_ja", "甲電力"},
                              {"name_en", "Kou Electric"}, {"sectors", {"electric_power"}},
                              {"ceptoars", {"electricity_ceptoar"}}});
    server_->AddOrganization({{"id", "gas_b"}, {"kind", "operator"}, {"name_ja", "乙ガス"}, {"name_en", "Otsu Gas"},
                              {"sectors", {"gas"}}});
    reporter_ = server_->AddPrincipal("alice", "power_a", {"reporter"});
  }

  Json Submit(const Json& body, int expect = 201) {
    auto r = server_->Call("POST", "/api/v1/reports", reporter_, body);
    EXPECT_EQ(r.status, expect) << r.body;
    return r.json();
  }

  static Json Outage(std::string title, std::string route = "direct") {
    return Json{{"kind", "service_outage"},
                {"title", std::move(title)},
                {"text", "Control system at substation 4 lost; operators switched to manual."},
                {"sectors", {"electric_power"}},
                {"services", {"power supply"}},
                {"systems", {"ot"}},
                {"facts", {{"service", {{"state", "degraded"}}}}},
                {"indicators", {{{"type", "ipv4-addr"}, {"value", "203.0.113.9"}}}},
                {"tlp", "amber"},
                {"audience", {{"sectors", {"electric_power"}}}},
                {"route", std::move(route)}};
  }

  std::unique_ptr<TestServer> server_;
  std::string reporter_;
};

TEST_F(ReportFlowTest, DirectReachesMinistryAndNiscWithTheTrail) {
  Json r = Submit(Outage("Substation 4 control loss"));
  EXPECT_EQ(r["revision"], 1);
  EXPECT_EQ(r["released"], true);
  std::set<std::string> trail;
  for (const auto& d : r["deliveries"]) trail.insert(d["organization"].get<std::string>() + "/" + d["role"].get<std::string>());
  EXPECT_EQ(trail, (std::set<std::string>{"meti/ministry", "nisc/coordination_center"}));

  const std::string id = r["id"];
  for (const auto& org : {"meti", "nisc"}) {
    auto seen = server_->Call("GET", "/api/v1/reports/" + id, server_->TokenFor(org));
    EXPECT_EQ(seen.status, 200) << org;
    EXPECT_EQ(seen.json()["submitter_organization"], "power_a");
    EXPECT_EQ(seen.json()["deliveries"].size(), 2u);
  }
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports/" + id, server_->TokenFor("gas_b")).status, 404);
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports/" + id, server_->TokenFor("mlit")).status, 404);
}

TEST_F(ReportFlowTest, ViaCeptoarWaitsForTheSecretariatToRelay) {
  Json r = Submit(Outage("Relayed outage", "via_ceptoar"));
  const std::string id = r["id"];
  EXPECT_EQ(r["released"], false);
  EXPECT_EQ(r["relay_organization"], "electricity_isac");
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports/" + id, server_->TokenFor("nisc")).status, 404);

  // Only the relay role of the secretariat may relay.
  EXPECT_EQ(server_->Call("POST", "/api/v1/reports/" + id + "/relay", server_->TokenFor("meti"), Json::object()).status,
            404);
  auto relay = server_->Call("POST", "/api/v1/reports/" + id + "/relay", server_->TokenFor("electricity_isac"),
                             Json{{"anonymized", true}, {"note", "relayed to NISC"}});
  ASSERT_EQ(relay.status, 200) << relay.body;
  EXPECT_EQ(relay.json()["revision"], 2);
  auto again = server_->Call("POST", "/api/v1/reports/" + id + "/relay", server_->TokenFor("electricity_isac"),
                             Json::object());
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json()["detail"], "this report has already been relayed");

  auto nisc = server_->Call("GET", "/api/v1/reports/" + id, server_->TokenFor("nisc"));
  ASSERT_EQ(nisc.status, 200);
  EXPECT_FALSE(nisc.json().contains("submitter_organization"));
  EXPECT_EQ(nisc.json()["relay_organization"], "electricity_isac");
  EXPECT_EQ(nisc.json()["anonymized"], true);
  // Same sector, audience electric_power: another power operator sees it, without the source.
  server_->AddOrganization({{"id", "power_c"}, {"kind", "operator"}, {"name_ja", "丙電力"}, {"name_en", "Hei Electric"},
                            {"sectors", {"electric_power"}}});
  auto peer = server_->Call("GET", "/api/v1/reports/" + id, server_->TokenFor("power_c"));
  ASSERT_EQ(peer.status, 200);
  EXPECT_EQ(peer.body.find("power_a"), std::string::npos);
}

TEST_F(ReportFlowTest, ViaAgencyNeedsAnAgencyAndRelays) {
  Json bad = Submit(Outage("x", "via_agency"), 400);
  EXPECT_EQ(bad["field"], "agency");
  Json body = Outage("Phishing wave", "via_agency");
  body["agency"] = "jpcert";
  body["kind"] = "crime_report";
  Json r = Submit(body);
  const std::string id = r["id"];
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports/" + id, server_->TokenFor("npa")).status, 404);
  ASSERT_EQ(server_->Call("POST", "/api/v1/reports/" + id + "/relay", server_->TokenFor("jpcert"), Json::object()).status,
            200);
  // A crime report reaches the incident-handling agencies once released.
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports/" + id, server_->TokenFor("npa")).status, 200);
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports/" + id, server_->TokenFor("mod")).status, 200);
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports/" + id, server_->TokenFor("nisc")).status, 200);
}

TEST_F(ReportFlowTest, PatchMakesANewRevisionAndKeepsTheOld) {
  const std::string id = Submit(Outage("First title"))["id"];
  auto patched = server_->Call("PATCH", "/api/v1/reports/" + id, reporter_,
                               Json{{"title", "Second title"}, {"note", "more facts"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["revision"], 2);
  auto revisions = server_->Call("GET", "/api/v1/reports/" + id + "/revisions", reporter_).json()["items"];
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions[0]["content"]["title"], "First title");
  EXPECT_EQ(revisions[1]["content"]["title"], "Second title");
  EXPECT_EQ(revisions[1]["note"], "more facts");
  // Route cannot change; a non-submitter cannot revise.
  auto route = server_->Call("PATCH", "/api/v1/reports/" + id, reporter_, Json{{"route", "via_ceptoar"}});
  EXPECT_EQ(route.status, 400);
  EXPECT_EQ(route.json()["field"], "route");
  const std::string nisc_reporter = server_->AddPrincipal("nisc_rep", "nisc", {"reporter"});
  EXPECT_EQ(server_->Call("PATCH", "/api/v1/reports/" + id, nisc_reporter, Json{{"title", "x"}}).status, 403);
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports/" + id + "/revisions", reporter_).json()["items"].size(), 2u);
}

TEST_F(ReportFlowTest, ListFiltersSearchesAndPaginates) {
  for (int i = 0; i < 7; ++i) Submit(Outage("Outage number " + std::to_string(i)));
  Json precursor = Outage("Port scan against historian");
  precursor["kind"] = "precursor";
  precursor["text"] = "停電の予兆 scanning from abroad";
  Submit(precursor);

  auto kinds = server_->Call("GET", "/api/v1/reports?kind=precursor", reporter_).json()["items"];
  ASSERT_EQ(kinds.size(), 1u);
  EXPECT_EQ(kinds[0]["title"], "Port scan against historian");
  auto search = server_->Call("GET", "/api/v1/reports?q=historian", reporter_).json()["items"];
  EXPECT_EQ(search.size(), 1u);
  auto ja = server_->Call("GET", "/api/v1/reports?q=%E5%81%9C%E9%9B%BB", reporter_).json()["items"];  // 停電
  EXPECT_EQ(ja.size(), 1u);
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports?sector=gas", reporter_).json()["items"].size(), 0u);
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports?tlp=amber&route=direct", reporter_).json()["items"].size(), 8u);
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports?created_to=2000-01-01T00:00:00Z", reporter_).json()["items"].size(), 0u);

  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = server_->Call("GET", "/api/v1/reports?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor), reporter_)
                    .json();
    for (const auto& r : page["items"]) EXPECT_TRUE(seen.insert(r["id"]).second) << "duplicate " << r["id"];
    cursor = page["next_cursor"].is_string() ? page["next_cursor"].get<std::string>() : "";
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_GE(pages, 3);
}

}  // namespace
}  // namespace infrashare::testing
