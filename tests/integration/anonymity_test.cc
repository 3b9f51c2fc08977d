// Anonymity: for an anonymized report the submitting organization, its
// principal and their names never appear in anything another organization
// receives — answers, errors, search results, revisions, the registry's
// report-related views — nor in the server's log.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cctype>

#include "integration/test_server.h"

namespace infrashare::testing {
namespace {

// A query string value, percent-encoded (every byte but letters and digits).
std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) {
      out += char(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

TEST(AnonymityTest, TheSourceOfAnAnonymizedReportNeverLeaks) {
  TestServer server;
  server.AddOrganization({{"id", "hidden_power"}, {"kind", "operator"}, {"name_ja", "秘匿電力株式会社"},
                          {"name_en", "Secretive Power KK"}, {"sectors", {"electric_power"}},
                          {"ceptoars", {"electricity_ceptoar"}}});
  server.AddOrganization({{"id", "peer_power"}, {"kind", "operator"}, {"name_ja", "同業電力"},
                          {"name_en", "Peer Power"}, {"sectors", {"electric_power"}}, {"ceptoars", {"electricity_ceptoar"}}});
  const std::string reporter = server.AddPrincipal("whistle_7781", "hidden_power", {"reporter"}, "Taro Whistleblower");
  const std::vector<std::string> secrets{"hidden_power", "秘匿電力", "Secretive Power", "whistle_7781",
                                         "Taro Whistleblower"};

  auto submitted = server.Call("POST", "/api/v1/reports", reporter,
                               Json{{"kind", "near_miss"},
                                    {"title", "Near miss at Secretive Power KK plant"},
                                    {"text", "秘匿電力株式会社 staff (Taro Whistleblower) found malware on an HMI"},
                                    {"sectors", {"electric_power"}},
                                    {"services", {"hidden_power generation"}},
                                    {"tlp", "green"},
                                    {"audience", {{"everyone", true}}},
                                    {"route", "via_ceptoar"},
                                    {"anonymized", true}});
  ASSERT_EQ(submitted.status, 201) << submitted.body;
  const std::string id = submitted.json()["id"];
  ASSERT_EQ(server.Call("POST", "/api/v1/reports/" + id + "/relay", server.TokenFor("electricity_isac"),
                        Json{{"audience", {{"everyone", true}}}})
                .status,
            200);
  ASSERT_EQ(server.Call("PATCH", "/api/v1/reports/" + id, reporter, Json{{"text", "update from hidden_power"}}).status,
            200);
  const size_t before = server.Bodies().size();

  // Every other organization, by every route it has.
  for (const std::string org : {"nisc", "meti", "peer_power", "jpcert", "mlit"}) {
    const std::string token = server.TokenFor(org);
    server.Call("GET", "/api/v1/reports/" + id, token);
    server.Call("GET", "/api/v1/reports/" + id + "/revisions", token);
    server.Call("GET", "/api/v1/reports/" + id + "/as-others-see", token);
    server.Call("GET", "/api/v1/reports", token);
    server.Call("GET", "/api/v1/reports?q=malware", token);
    server.Call("GET", "/api/v1/reports?q=Whistleblower", token);
    server.Call("GET", "/api/v1/reports?kind=near_miss&sector=electric_power", token);
    server.Call("POST", "/api/v1/reports/" + id + "/relay", token, Json::object());  // errors too
    server.Call("PATCH", "/api/v1/reports/" + id, token, Json{{"title", "x"}});
  }
  const auto bodies = server.Bodies();
  int seen = 0;
  for (size_t i = before; i < bodies.size(); ++i) {
    if (bodies[i].find(id) != std::string::npos) ++seen;
    for (const auto& secret : secrets) EXPECT_EQ(bodies[i].find(secret), std::string::npos) << secret << " in " << bodies[i];
  }
  EXPECT_GT(seen, 10);  // the report was really seen, with its source hidden

  // The audit view of another organization's administrator: the report's
  // events are there, without the source.
  auto audit = server.Call("GET", "/api/v1/admin/audit?limit=500", server.admin_token());
  ASSERT_EQ(audit.status, 200) << audit.body;
  int report_events = 0;
  for (const auto& e : Json(audit.json()["items"])) {
    if (e["target_id"] != id) continue;
    ++report_events;
    for (const auto& secret : secrets) EXPECT_EQ(e.dump().find(secret), std::string::npos) << secret << " in " << e.dump();
  }
  EXPECT_EQ(report_events, 3);  // submit, relay, update

  // The submitter and the relay still see the source.
  EXPECT_NE(server.Call("GET", "/api/v1/reports/" + id, reporter).body.find("hidden_power"), std::string::npos);
  EXPECT_NE(server.Call("GET", "/api/v1/reports/" + id, server.TokenFor("electricity_isac")).body.find("hidden_power"),
            std::string::npos);
  // And they can see exactly what the others are shown.
  const Json peer_sees = server.Call("GET", "/api/v1/reports/" + id, server.TokenFor("peer_power")).json();
  for (const std::string& who : {reporter, server.TokenFor("electricity_isac")}) {
    auto outside = server.Call("GET", "/api/v1/reports/" + id + "/as-others-see", who);
    ASSERT_EQ(outside.status, 200) << outside.body;
    EXPECT_EQ(outside.json(), peer_sees);
    for (const auto& secret : secrets) EXPECT_EQ(outside.body.find(secret), std::string::npos) << secret;
  }
  // Before submitting, too: the preview shows the text as the audience would
  // receive it.
  auto preview = server.Call("POST", "/api/v1/reports/preview", reporter,
                             Json{{"kind", "near_miss"},
                                  {"title", "Second near miss at Secretive Power KK"},
                                  {"text", "Taro Whistleblower of 秘匿電力株式会社 saw it again"},
                                  {"sectors", {"electric_power"}},
                                  {"tlp", "green"},
                                  {"audience", {{"everyone", true}}},
                                  {"route", "via_ceptoar"},
                                  {"anonymized", true}});
  ASSERT_EQ(preview.status, 200) << preview.body;
  const Json shown = preview.json()["as_others_see"];
  EXPECT_EQ(shown["title"], "Second near miss at [anonymized]");
  EXPECT_EQ(shown["text"], "[anonymized] of [anonymized] saw it again");
  for (const auto& secret : secrets) EXPECT_EQ(shown.dump().find(secret), std::string::npos) << secret;
  EXPECT_EQ(server.Call("GET", "/api/v1/reports/rpt_nonexistent/as-others-see", reporter).status, 404);
  for (const std::string query : {"?anonymized=maybe", "?anonymized=", "?colour=red"})
    EXPECT_EQ(server.Call("GET", "/api/v1/reports/" + id + "/as-others-see" + query, reporter).status, 400)
        << query;

  // A report not anonymized: the others read its source, unless a relay is
  // about to hide it (anonymized=true shows that, and never less hidden).
  auto open = server.Call("POST", "/api/v1/reports", reporter,
                          Json{{"kind", "near_miss"},
                               {"title", "Open near miss at Secretive Power KK"},
                               {"sectors", {"electric_power"}},
                               {"tlp", "green"},
                               {"audience", {{"everyone", true}}},
                               {"route", "via_ceptoar"}});
  ASSERT_EQ(open.status, 201) << open.body;
  const std::string open_path = "/api/v1/reports/" + open.json()["id"].get<std::string>() + "/as-others-see";
  EXPECT_EQ(server.Call("GET", open_path, reporter).json()["title"], "Open near miss at Secretive Power KK");
  EXPECT_EQ(server.Call("GET", open_path + "?anonymized=true", reporter).json()["title"],
            "Open near miss at [anonymized]");
  EXPECT_EQ(server.Call("GET", "/api/v1/reports/" + id + "/as-others-see?anonymized=false", reporter).json(),
            peer_sees);

  // Nothing in the log names the source.
  server.Terminate();
  const std::string log = server.Log();
  EXPECT_FALSE(log.empty());
  for (const auto& secret : secrets) EXPECT_EQ(log.find(secret), std::string::npos) << secret << " in the log";
}

// Search is no oracle for the source: another organization that searches
// for the source's name, in any spelling, or for a person of the source,
// finds nothing, while a word of the report finds it; the text it receives
// names the source in no spelling. The submitter finds its own report by
// its own name.
TEST(AnonymityTest, SearchFindsNothingByTheSourceAndNoSpellingOfItIsShown) {
  TestServer server;
  server.AddOrganization(
      {{"id", "kanto_grid"},
       {"kind", "operator"},
       {"name_ja", "関東送電株式会社"},
       {"name_en", "Kanto Grid Co., Inc."},
       {"sectors", {"electric_power"}},
       {"ceptoars", {"electricity_ceptoar"}},
       {"aliases", {"関送グリッド"}},
       {"domains", {"kg-net.example.jp"}},
       {"contacts",
        {{{"name", "夜間 当番"}, {"email", "soc@kanto-grid.example.jp"}, {"phone", "03-1234-5678"}}}}});
  server.AddOrganization({{"id", "peer_grid"},
                          {"kind", "operator"},
                          {"name_ja", "同業送電"},
                          {"name_en", "Peer Grid"},
                          {"sectors", {"electric_power"}}});
  const std::string reporter = server.AddPrincipal("kg_soc", "kanto_grid", {"reporter"}, "Hanako Sato");
  const std::string lead = server.AddPrincipal("kg_lead", "kanto_grid", {"reporter"}, "Jiro Tanaka");
  auto submitted = server.Call(
      "POST", "/api/v1/reports", reporter,
      Json{{"kind", "near_miss"},
           {"title", "ＫＡＮＴＯ－ＧＲＩＤ 変電所で不審な通信"},
           {"text",
            "関東送電 の保守端末 (kanto grid) から malware。連絡先 soc@kanto-grid.example.jp / 03-1234-5678"},
           {"sectors", {"electric_power"}},
           {"indicators",
            {{{"type", "domain-name"}, {"value", "mail.kanto-grid.example.jp"}},
             {{"type", "url"}, {"value", "https://vpn.KG-NET.example.jp/login"}}}},
           {"services", {"関送グリッド 送電"}},
           {"tlp", "green"},
           {"audience", {{"everyone", true}}},
           {"route", "via_ceptoar"},
           {"anonymized", true}});
  ASSERT_EQ(submitted.status, 201) << submitted.body;
  const std::string id = submitted.json()["id"];
  // A second person of the source writes revision 2; then the relay.
  ASSERT_EQ(server
                .Call("PATCH", "/api/v1/reports/" + id, lead,
                      Json{{"text", "Jiro Tanaka (kg_lead): 関東送電の malware は隔離済み"},
                           {"note", "Jiro Tanaka が更新"}})
                .status,
            200);
  ASSERT_EQ(server
                .Call("POST", "/api/v1/reports/" + id + "/relay", server.TokenFor("electricity_isac"),
                      Json::object())
                .status,
            200);

  // What the source's identity looks like in any spelling, as a search and
  // as a substring of what is received.
  const std::vector<std::string> searches{
      "kanto_grid", "関東送電", "関東送電株式会社", "Kanto Grid", "KANTO GRID", "kanto-grid",  "ｋａｎｔｏ",
      "Hanako",     "Jiro",     "Tanaka",           "kg_lead",    "kg_soc",     "03-1234-5678"};
  const std::vector<std::string> spellings{"kanto",     "ＫＡＮＴＯ", "関東送電", "Hanako",
                                           "Jiro",      "Tanaka",     "kg_lead",  "kg_soc",
                                           "1234-5678", "関送",       "KG-NET",   "kg-net"};
  for (const std::string org : {"peer_grid", "nisc", "meti"}) {
    const std::string token = server.TokenFor(org);
    for (const auto& q : searches) {
      auto r = server.Call("GET", "/api/v1/reports?q=" + UrlEncode(q), token);
      ASSERT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(r.json()["items"].size(), 0u) << org << " found the report by '" << q << "'";
    }
    auto found = server.Call("GET", "/api/v1/reports?q=malware", token);
    ASSERT_EQ(found.json()["items"].size(), 1u) << org << ": " << found.body;
    std::string received = found.body + server.Call("GET", "/api/v1/reports/" + id, token).body +
                           server.Call("GET", "/api/v1/reports/" + id + "/revisions", token).body;
    for (const auto& s : spellings)
      EXPECT_EQ(received.find(s), std::string::npos) << org << " received " << s;
    EXPECT_NE(received.find("[anonymized]"), std::string::npos);
  }
  // The submitter's organization finds it by its own name.
  auto own = server.Call("GET", "/api/v1/reports?q=" + UrlEncode("関東送電"), lead);
  EXPECT_EQ(own.json()["items"].size(), 1u) << own.body;
}

}  // namespace
}  // namespace infrashare::testing
