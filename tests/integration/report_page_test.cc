// A page of reports is spliced from the stored documents of the reports its
// caller sees in full, and decoded and presented only where the view changes
// them (an anonymized report seen by anyone but its submitter and relay).
// Whatever the path, the page must be byte for byte what rendering each
// report alone gives (GET /api/v1/reports/{id}, which decodes, presents and
// encodes every time), and must never name an anonymized report's source to
// another organization.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "integration/test_server.h"

namespace infrashare::testing {
namespace {

TEST(ReportPageTest, APageIsByteForByteItsReportsAsEachAloneIsRendered) {
  TestServer server;
  server.AddOrganization({{"id", "hidden_power"},
                          {"kind", "operator"},
                          {"name_ja", "秘匿電力株式会社"},
                          {"name_en", "Secretive Power KK"},
                          {"sectors", {"electric_power"}},
                          {"ceptoars", {"electricity_ceptoar"}}});
  server.AddOrganization({{"id", "peer_power"},
                          {"kind", "operator"},
                          {"name_ja", "同業電力"},
                          {"name_en", "Peer Power"},
                          {"sectors", {"electric_power"}},
                          {"ceptoars", {"electricity_ceptoar"}}});
  const std::string reporter =
      server.AddPrincipal("source_4410", "hidden_power", {"reporter"}, "Hanako Source");
  const std::vector<std::string> secrets{"hidden_power", "秘匿電力", "Secretive Power", "source_4410",
                                         "Hanako Source"};

  struct Mix {
    std::string route, tlp;
    Json audience;
    bool anonymized, relay;
  };
  const Json everyone{{"everyone", true}};
  const Json sector{{"sectors", {"electric_power"}}};
  const Json peer{{"organizations", {"peer_power"}}};
  const std::vector<Mix> mix{
      {"direct", "green", everyone, false, false},         {"direct", "red", peer, false, false},
      {"direct", "clear", everyone, false, false},         {"via_ceptoar", "amber", sector, false, true},
      {"via_ceptoar", "green", everyone, true, true},      {"via_ceptoar", "clear", everyone, true, true},
      {"via_ceptoar", "amber", sector, true, true},        {"via_agency", "amber+strict", peer, true, true},
      {"via_ceptoar", "red", Json::object(), true, false}, {"via_agency", "green", everyone, false, true},
  };
  for (size_t i = 0; i < mix.size(); ++i) {
    const Mix& m = mix[i];
    Json body{{"kind", "near_miss"},
              {"title", fmt::format("page mix {} at Secretive Power KK", i)},
              {"text", "秘匿電力株式会社 staff (Hanako Source) found malware on an HMI"},
              {"sectors", {"electric_power"}},
              {"services", {"hidden_power generation"}},
              {"tlp", m.tlp},
              {"audience", m.audience},
              {"route", m.route},
              {"anonymized", m.anonymized}};
    if (m.route == "via_agency") body["agency"] = "jpcert";
    auto submitted = server.Call("POST", "/api/v1/reports", reporter, body);
    ASSERT_EQ(submitted.status, 201) << submitted.body;
    if (!m.relay) continue;
    const std::string relay = m.route == "via_agency" ? "jpcert" : "electricity_isac";
    const std::string id = submitted.json()["id"];
    ASSERT_EQ(server.Call("POST", "/api/v1/reports/" + id + "/relay", server.TokenFor(relay), Json::object())
                  .status,
              200);
  }

  struct Viewer {
    std::string name, token;
    int at_least;  // items its pages hold
  };
  const std::vector<Viewer> viewers{
      {"submitter", reporter, 10},
      {"electricity_isac", server.TokenFor("electricity_isac"), 5},
      {"jpcert", server.TokenFor("jpcert"), 2},
      {"nisc", server.TokenFor("nisc"), 8},
      {"meti", server.TokenFor("meti"), 3},
      {"peer_power", server.TokenFor("peer_power"), 7},
  };
  for (const auto& viewer : viewers) {
    int items = 0, anonymized = 0;
    std::string target = "/api/v1/reports?limit=3";
    for (int pages = 0; pages < 10; ++pages) {
      auto page = server.Call("GET", target, viewer.token);
      ASSERT_EQ(page.status, 200) << viewer.name << page.body;
      // The old rendering: each report as GET renders it, in a page built
      // as a tree and dumped.
      Json expected_items = Json::array();
      for (const auto& item : Json(page.json()["items"])) {
        auto alone = server.Call("GET", "/api/v1/reports/" + item["id"].get<std::string>(), viewer.token);
        ASSERT_EQ(alone.status, 200) << viewer.name << alone.body;
        expected_items.push_back(alone.json());
        ++items;
        if (!item["anonymized"].get<bool>()) continue;
        ++anonymized;
        // Only the submitter and the report's relay see its source.
        if (viewer.name == "submitter" || item.value("relay_organization", "") == viewer.name) {
          EXPECT_TRUE(item.contains("submitter_organization")) << viewer.name << item.dump();
          continue;
        }
        // Searched in the page's own text, not in a tree parsed from it.
        const std::string id = item["id"];
        const size_t at = page.body.find(R"("id":")" + id + '"');
        ASSERT_NE(at, std::string::npos);
        const size_t begin = page.body.rfind(R"({"anonymized":)", at);
        const size_t end = page.body.find(R"({"anonymized":)", at);
        const std::string text = page.body.substr(begin, end == std::string::npos ? end : end - begin);
        for (const auto& secret : secrets)
          EXPECT_EQ(text.find(secret), std::string::npos)
              << secret << " seen by " << viewer.name << ": " << text;
      }
      const Json cursor = page.json()["next_cursor"];
      EXPECT_EQ(page.body, Json({{"items", expected_items}, {"next_cursor", cursor}}).dump()) << viewer.name;
      if (cursor.is_null()) break;
      target = "/api/v1/reports?limit=3&cursor=" + cursor.get<std::string>();
    }
    EXPECT_GE(items, viewer.at_least) << viewer.name;
    EXPECT_GT(anonymized, 0) << viewer.name << " saw no anonymized report";
  }
}

}  // namespace
}  // namespace infrashare::testing
