// The visibility invariant, generated: organizations of every kind x TLP x
// route x anonymized x audience. For each combination a report is submitted
// (and relayed where the route relays), then every viewer's answers from
// get, revisions, list, search, the event stream (replayed from the first
// event) and its webhook are compared with an oracle written here from
// DESIGN.md's rule — independently of domain/sharing — and a report a viewer
// may not see must answer exactly like a missing one.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>
#include <set>
#include <thread>

#include "integration/test_server.h"
#include "support/sse_client.h"
#include "support/webhook_receiver.h"

namespace infrashare::testing {
namespace {

struct OrgFacts {
  std::set<std::string> sectors, ceptoars, groups;
};

struct Case {
  std::string tlp, route, audience;
  bool anonymized = false;
  std::string kind = "attack_info";
  std::string id;  // once submitted
};

const char kSubmitter[] = "power_a";
const std::vector<std::string> kViewers = {
    "power_a", "power_b", "power_c", "gas_d",       "gas_e", "vendor_v",   "other_o",
    "nisc",    "meti",    "mlit",    "electricity_isac", "jga", "jpcert", "ipa",
    "npa",     "mod",     "cao_disaster", "cas_crisis"};

Json AudienceJson(const std::string& a) {
  if (a == "everyone") return {{"everyone", true}};
  if (a == "sector") return {{"sectors", {"electric_power"}}};
  if (a == "ceptoar") return {{"ceptoars", {"electricity_ceptoar"}}};
  if (a == "group") return {{"groups", {"electricity_isac"}}};
  if (a == "org") return {{"organizations", {"gas_e"}}};
  return Json::object();
}

bool Valid(const Case& c) {
  if (c.route == "direct" && c.anonymized) return false;
  if (c.audience == "everyone" && c.tlp != "clear" && c.tlp != "green") return false;
  if ((c.tlp == "amber+strict" || c.tlp == "red") &&
      (c.audience == "sector" || c.audience == "ceptoar" || c.audience == "group"))
    return false;
  return true;
}

std::string RelayOf(const Case& c) {
  if (c.route == "via_ceptoar") return "electricity_isac";
  if (c.route == "via_agency") return "jpcert";
  return "";
}

// DESIGN.md, "Visibility and anonymity", written out for this registry.
bool Expected(const Case& c, const std::string& viewer, bool released, std::map<std::string, OrgFacts>& orgs,
              const std::set<std::string>& ceptoar_secretariats) {
  if (viewer == kSubmitter || viewer == RelayOf(c)) return true;
  if (c.route == "direct" && (viewer == "meti" || viewer == "nisc")) return true;
  if (!released) return false;
  if (viewer == "nisc") return true;
  if (c.kind == "crime_report" && (viewer == "npa" || viewer == "mod")) return true;
  const OrgFacts& v = orgs[viewer];
  const bool wide = c.tlp == "clear" || c.tlp == "green" || c.tlp == "amber";
  if (c.audience == "everyone") return c.tlp == "clear" || c.tlp == "green";
  if (c.audience == "sector") return wide && v.sectors.contains("electric_power");
  if (c.audience == "ceptoar")
    return wide && (v.ceptoars.contains("electricity_ceptoar") || ceptoar_secretariats.contains(viewer));
  if (c.audience == "group") return wide && v.groups.contains("electricity_isac");
  if (c.audience == "org") return viewer == "gas_e";
  return false;
}

std::set<std::string> ExpectedTrail(const Case& c) {
  std::set<std::string> t{"nisc"};
  if (c.route == "direct") t.insert("meti");
  if (!RelayOf(c).empty()) t.insert(RelayOf(c));
  if (c.kind == "crime_report") t.insert({"npa", "mod"});
  return t;
}

TEST(VisibilityMatrixTest, EveryViewerSeesExactlyWhatTheRuleAllowsByEveryRoute) {
  TestServer server("[hotline]\nwebhook_allow = [\"127.0.0.0/8\"]\n");  // the receiver listens on loopback
  auto add = [&](std::string id, std::string kind, Json sectors, Json ceptoars, Json groups) {
    server.AddOrganization({{"id", id}, {"kind", kind}, {"name_ja", id + "社"}, {"name_en", id + " Corp"},
                            {"sectors", sectors}, {"ceptoars", ceptoars}, {"groups", groups}});
  };
  add("power_a", "operator", {"electric_power"}, {"electricity_ceptoar"}, {"electricity_isac"});
  add("power_b", "operator", {"electric_power"}, {"electricity_ceptoar"}, Json::array());
  add("power_c", "operator", {"electric_power"}, Json::array(), Json::array());
  add("gas_d", "operator", {"gas"}, Json::array(), {"electricity_isac"});
  add("gas_e", "operator", {"gas"}, Json::array(), Json::array());
  add("vendor_v", "vendor", Json::array(), Json::array(), Json::array());
  add("other_o", "other", Json::array(), Json::array(), Json::array());

  // The oracle's view of the registry, read back through the API.
  std::map<std::string, OrgFacts> orgs;
  for (const auto& o : Json(server.Call("GET", "/api/v1/registry/organizations", server.admin_token()).json()["items"])) {
    OrgFacts f;
    for (const auto& s : o["sectors"]) f.sectors.insert(s);
    for (const auto& s : o["ceptoars"]) f.ceptoars.insert(s);
    for (const auto& s : o["groups"]) f.groups.insert(s);
    orgs[o["id"]] = f;
  }
  std::set<std::string> secretariats;
  for (const auto& c : Json(server.Call("GET", "/api/v1/registry/ceptoars").json()["items"]))
    if (c["id"] == "electricity_ceptoar")
      for (const auto& s : c["secretariats"]) secretariats.insert(s);
  ASSERT_EQ(orgs.count("jga"), 1u);

  // Every viewer has a webhook: what each receives is checked below.
  WebhookReceiver receiver;
  for (const auto& viewer : kViewers) {
    const std::string admin = server.AddPrincipal(viewer + "_hooks", viewer, {"admin"});
    ASSERT_EQ(server.Call("POST", "/api/v1/webhooks", admin, Json{{"url", receiver.Url("/" + viewer)}}).status, 201);
  }

  const std::string reporter = server.TokenFor(kSubmitter);
  std::vector<Case> cases;
  for (std::string tlp : {"clear", "green", "amber", "amber+strict", "red"})
    for (std::string route : {"direct", "via_ceptoar", "via_agency"})
      for (bool anonymized : {false, true})
        for (std::string audience : {"none", "everyone", "sector", "ceptoar", "group", "org"}) {
          cases.push_back({tlp, route, audience, anonymized});
          if (audience == "none") cases.push_back({tlp, route, audience, anonymized, "crime_report"});
        }

  const std::string missing = server.Call("GET", "/api/v1/reports/rpt_00000000000000000000", reporter).body;
  const std::string missing_revisions =
      server.Call("GET", "/api/v1/reports/rpt_00000000000000000000/revisions", reporter).body;
  int submitted = 0;
  for (auto& c : cases) {
    Json body{{"kind", c.kind},
              {"title", fmt::format("matrix {} {} {} {}", c.tlp, c.route, c.audience, c.anonymized)},
              {"text", "matrixcase report written by power_a Corp"},
              {"sectors", {"electric_power"}},
              {"tlp", c.tlp},
              {"audience", AudienceJson(c.audience)},
              {"route", c.route},
              {"anonymized", c.anonymized}};
    if (c.route == "via_agency") body["agency"] = "jpcert";
    auto r = server.Call("POST", "/api/v1/reports", reporter, body);
    const std::string label = body["title"];
    if (!Valid(c)) {
      EXPECT_EQ(r.status, 400) << label << r.body;
      continue;
    }
    ASSERT_EQ(r.status, 201) << label << r.body;
    c.id = r.json()["id"];
    ++submitted;
    if (!RelayOf(c).empty()) {
      for (const auto& viewer : kViewers) {
        const bool expect = Expected(c, viewer, /*released=*/false, orgs, secretariats);
        EXPECT_EQ(server.Call("GET", "/api/v1/reports/" + c.id, server.TokenFor(viewer)).status, expect ? 200 : 404)
            << label << " before relay, viewer " << viewer;
      }
      auto relayed = server.Call("POST", "/api/v1/reports/" + c.id + "/relay", server.TokenFor(RelayOf(c)),
                                 Json::object());
      ASSERT_EQ(relayed.status, 200) << label << relayed.body;
    }
  }
  ASSERT_GT(submitted, 60);

  for (const auto& viewer : kViewers) {
    const std::string token = server.TokenFor(viewer);
    std::set<std::string> expected_ids;
    for (const auto& c : cases) {
      if (c.id.empty()) continue;
      const std::string label = fmt::format("{} {} {} anon={} {} viewer={}", c.tlp, c.route, c.audience,
                                            c.anonymized, c.kind, viewer);
      const bool expect = Expected(c, viewer, /*released=*/true, orgs, secretariats);
      if (expect) expected_ids.insert(c.id);
      auto got = server.Call("GET", "/api/v1/reports/" + c.id, token);
      auto revisions = server.Call("GET", "/api/v1/reports/" + c.id + "/revisions", token);
      if (!expect) {
        EXPECT_EQ(got.status, 404) << label;
        EXPECT_EQ(got.body, missing) << label;  // forbidden answers exactly like missing
        EXPECT_EQ(revisions.body, missing_revisions) << label;
        continue;
      }
      ASSERT_EQ(got.status, 200) << label;
      ASSERT_EQ(revisions.status, 200) << label;
      const bool hidden = c.anonymized && viewer != kSubmitter && viewer != RelayOf(c);
      for (const auto* body : {&got.body, &revisions.body}) {
        const bool names_source = body->find("power_a") != std::string::npos;
        EXPECT_EQ(names_source, !hidden) << label << " " << *body;
      }
      std::set<std::string> trail;
      for (const auto& d : Json(got.json()["deliveries"])) trail.insert(d["organization"]);
      EXPECT_EQ(trail, ExpectedTrail(c)) << label;
    }
    for (const std::string filter : {"", "&q=matrixcase"}) {
      std::set<std::string> listed;
      std::string cursor;
      for (int page = 0; page < 20; ++page) {
        auto r = server.Call("GET", "/api/v1/reports?limit=200" + filter + (cursor.empty() ? "" : "&cursor=" + cursor),
                             token);
        ASSERT_EQ(r.status, 200) << r.body;
        for (const auto& item : Json(r.json()["items"])) listed.insert(item["id"]);
        if (!r.json()["next_cursor"].is_string()) break;
        cursor = r.json()["next_cursor"];
      }
      EXPECT_EQ(listed, expected_ids) << "viewer " << viewer << " filter '" << filter << "'";
    }
  }
  // The live channels: each viewer's stream, replayed from the first event,
  // and its webhook carry exactly the reports it may see (rendered as it may
  // see them when they are sent), never naming a hidden source.
  std::map<std::string, std::set<std::string>> expected_by_viewer;
  std::set<std::string> hidden_source;  // "viewer report" pairs whose source is hidden
  for (const auto& viewer : kViewers) expected_by_viewer[viewer];
  for (const auto& viewer : kViewers)
    for (const auto& c : cases) {
      if (c.id.empty() || !Expected(c, viewer, /*released=*/true, orgs, secretariats)) continue;
      expected_by_viewer[viewer].insert(c.id);
      if (c.anonymized && viewer != kSubmitter && viewer != RelayOf(c)) hidden_source.insert(viewer + " " + c.id);
    }
  auto check_event = [&](const std::string& viewer, const Json& data, std::set<std::string>& seen,
                         const std::string& text) {
    if (!data.contains("report")) return;
    const std::string id = data["report"]["id"];
    seen.insert(id);
    if (hidden_source.contains(viewer + " " + id)) {
      EXPECT_EQ(text.find("power_a"), std::string::npos) << viewer << " learned the source: " << text;
    }
  };
  std::vector<std::pair<std::string, SseClient>> streams;
  for (const auto& viewer : kViewers) {
    auto c = SseClient::Connect(server.port(), "/api/v1/stream",
                                {{"Authorization", "Bearer " + server.TokenFor(viewer)}, {"Last-Event-ID", "0"}});
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->status(), 200) << c->body();
    streams.emplace_back(viewer, std::move(*c));
  }
  std::vector<std::thread> readers;
  for (auto& [viewer, stream] : streams)
    readers.emplace_back([&, v = viewer, s = &stream] {
      // Until 1.5 s of silence once every expected event came (an event
      // that should not come has had that long to show), or 30 s: a busy
      // machine may pause a replay longer than the silence window.
      std::set<std::string> seen;
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (std::chrono::steady_clock::now() < give_up) {
        auto m = s->Next(std::chrono::milliseconds(1500));
        if (m) {
          check_event(v, Json::parse(m->data), seen, m->data);
        } else if (std::ranges::includes(seen, expected_by_viewer.at(v))) {
          break;
        }
      }
      EXPECT_EQ(seen, expected_by_viewer.at(v)) << "stream of " << v;
    });
  for (auto& t : readers) t.join();
  EXPECT_TRUE(receiver.WaitFor(
      [&](const auto& all) {
        std::map<std::string, std::set<std::string>> got;
        for (const auto& r : all) {
          Json body = Json::parse(r.body);
          if (body["data"].contains("report")) got[r.path.substr(1)].insert(body["data"]["report"]["id"]);
        }
        return std::ranges::all_of(kViewers, [&](const std::string& v) { return got[v] == expected_by_viewer[v]; });
      },
      std::chrono::seconds(30)));
  std::map<std::string, std::set<std::string>> hooked;
  for (const auto& r : receiver.Requests()) {
    const std::string viewer = r.path.substr(1);
    check_event(viewer, Json::parse(r.body)["data"], hooked[viewer], r.body);
  }
  for (const auto& viewer : kViewers) EXPECT_EQ(hooked[viewer], expected_by_viewer[viewer]) << "webhook of " << viewer;

  // Without a token nothing is readable.
  for (const auto& c : cases) {
    if (!c.id.empty()) {
      EXPECT_EQ(server.Call("GET", "/api/v1/reports/" + c.id).status, 401);
    }
  }
}

}  // namespace
}  // namespace infrashare::testing
