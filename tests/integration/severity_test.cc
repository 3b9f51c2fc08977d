// Severity in the running server: every report with impact facts is
// assessed on submit and on every revision, with its response plan; analysts
// of NISC or a ministry confirm or override with a justification; the
// preview stores nothing; an invalid policy keeps the server from starting.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "common/source_tree.h"
#include "integration/test_server.h"

namespace infrashare::testing {
namespace {

const Json kSevereFacts = {{"service", {{"state", "stopped"}, {"lost_percent", 60}}},
                           {"outage", {{"elapsed_minutes", 200}, {"expected_minutes", 600}}},
                           {"affected", {{"people", 2000000}}},
                           {"attack", {{"status", "ongoing"}}}};

class SeverityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    server_->AddOrganization({{"id", "sev_power"}, {"kind", "operator"}, {"name_ja", "電力甲"}, {"name_en", "Power A"},
                              {"sectors", {"electric_power"}}, {"ceptoars", {"electricity_ceptoar"}}});
    reporter_ = server_->AddPrincipal("sev_rep", "sev_power", {"reporter"});
  }
  Json Submit(const Json& facts) {
    auto r = server_->Call("POST", "/api/v1/reports", reporter_,
                           Json{{"kind", "service_outage"}, {"title", "Grid control outage"},
                                {"sectors", {"electric_power"}}, {"facts", facts}, {"tlp", "amber"},
                                {"audience", {{"sectors", {"electric_power"}}}}, {"route", "direct"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  std::unique_ptr<TestServer> server_;
  std::string reporter_;
};

TEST_F(SeverityTest, SubmitAssessesAndPlansTheResponse) {
  Json r = Submit(kSevereFacts);
  ASSERT_TRUE(r.contains("assessment")) << r.dump();
  const Json& a = r["assessment"];
  EXPECT_EQ(a["level"], 4);
  EXPECT_EQ(a["automatic"]["level"], 4);
  EXPECT_EQ(a["automatic"]["policy"]["id"], "plan4-draft");
  EXPECT_FALSE(a["automatic"]["fired_rules"].empty());
  // Level 4: the hotline to NISC, the sector ministry and the CEPTOAR secretariat.
  std::set<std::string> told;
  for (const auto& action : a["response_plan"]["actions"])
    for (const auto& n : action["notify"]) told.insert(n["organization"]);
  EXPECT_TRUE(told.contains("nisc") && told.contains("meti") && told.contains("electricity_isac"))
      << a["response_plan"].dump();

  // A revision with worse facts (several sectors expected to be affected) is reassessed.
  Json worse = kSevereFacts;
  worse["other_sectors"] = {"water", "railways"};
  auto patched = server_->Call("PATCH", "/api/v1/reports/" + r["id"].get<std::string>(), reporter_,
                               Json{{"facts", worse}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["assessment"]["level"], 5);
  auto revisions = server_->Call("GET", "/api/v1/reports/" + r["id"].get<std::string>() + "/revisions", reporter_)
                       .json()["items"];
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions[0]["assessment"]["level"], 4);
  EXPECT_EQ(revisions[1]["assessment"]["level"], 5);
}

TEST_F(SeverityTest, BadFactsAreRefusedWithTheField) {
  auto r = server_->Call("POST", "/api/v1/reports", reporter_,
                         Json{{"kind", "service_outage"}, {"title", "x"}, {"tlp", "amber"}, {"route", "direct"},
                              {"facts", {{"service", {{"state", "melted"}}}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["field"], "facts.service.state");
  EXPECT_EQ(r.json()["detail"], "must be one of: normal, degraded, stopped");
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports", reporter_).json()["items"].size(), 0u);
}

TEST_F(SeverityTest, AnalystsConfirmOrOverrideWithAJustification) {
  const std::string id = Submit(kSevereFacts)["id"];
  const std::string nisc = server_->AddPrincipal("nisc_analyst", "nisc", {"analyst"});
  auto missing = server_->Call("POST", "/api/v1/reports/" + id + "/assessment", nisc,
                               Json{{"action", "override"}, {"level", 5}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json()["field"], "justification");
  auto out_of_scale = server_->Call("POST", "/api/v1/reports/" + id + "/assessment", nisc,
                                    Json{{"action", "override"}, {"level", 9}, {"justification", "x"}});
  EXPECT_EQ(out_of_scale.status, 400);
  EXPECT_EQ(out_of_scale.json()["detail"], "must be between 0 and 5");
  // The reporter is no analyst; an operator's analyst is not NISC or a ministry.
  EXPECT_EQ(server_->Call("POST", "/api/v1/reports/" + id + "/assessment", reporter_,
                          Json{{"action", "confirm"}, {"justification", "x"}})
                .status,
            403);
  auto overridden = server_->Call("POST", "/api/v1/reports/" + id + "/assessment", nisc,
                                  Json{{"action", "override"}, {"level", 5},
                                       {"justification", "Water treatment depends on this grid segment"}});
  ASSERT_EQ(overridden.status, 200) << overridden.body;
  const Json a = overridden.json()["assessment"];
  EXPECT_EQ(a["level"], 5);
  EXPECT_EQ(a["automatic"]["level"], 4);  // both stay visible
  EXPECT_EQ(a["review"]["by_organization"], "nisc");
  EXPECT_EQ(a["review"]["justification"], "Water treatment depends on this grid segment");
  EXPECT_EQ(a["response_plan"]["level"], 5);
}

TEST_F(SeverityTest, PreviewStoresNothing) {
  auto r = server_->Call("POST", "/api/v1/assess", reporter_, Json{{"facts", kSevereFacts}, {"policy", "nisc-2018"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["assessment"]["policy"]["id"], "nisc-2018");
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports", reporter_).json()["items"].size(), 0u);
  auto bad = server_->Call("POST", "/api/v1/assess", reporter_, Json{{"facts", kSevereFacts}, {"policy", "nope"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["field"], "policy");
}

// The preview answers on the server's network thread when the caller's token
// is in the authentication cache, and on the worker pool when it is not (a
// token's first use, an unknown one): answers and refusals are the same.
TEST_F(SeverityTest, PreviewAnswersAlikeWithTheTokenCachedOrNot) {
  const Json body{{"facts", kSevereFacts}};
  auto first = server_->Call("POST", "/api/v1/assess", reporter_, body);  // not cached yet
  ASSERT_EQ(first.status, 200) << first.body;
  auto cached = server_->Call("POST", "/api/v1/assess", reporter_, body);
  ASSERT_EQ(cached.status, 200) << cached.body;
  EXPECT_EQ(cached.json(), first.json());
  EXPECT_EQ(cached.json()["assessment"]["level"], 4);

  auto bad_json = server_->Call("POST", "/api/v1/assess", reporter_, std::string("{\"facts\": "));
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(bad_json.json()["detail"], "body is not valid JSON (syntax error at byte 11)");
  auto xml = server_->Call("POST", "/api/v1/assess", reporter_, std::string("<facts/>"), "application/xml");
  EXPECT_EQ(xml.status, 400);
  EXPECT_EQ(xml.json()["detail"], "the body must be application/json");
  auto no_facts = server_->Call("POST", "/api/v1/assess", reporter_, Json{{"sector", "electric_power"}});
  EXPECT_EQ(no_facts.status, 400);
  EXPECT_EQ(no_facts.json()["field"], "facts");
  auto too_large = server_->Call("POST", "/api/v1/assess", reporter_,
                                 Json{{"facts", kSevereFacts}, {"note", std::string(2 << 20, 'a')}});
  EXPECT_EQ(too_large.status, 413);
  EXPECT_EQ(too_large.content_type, "application/problem+json");

  const std::string token_id = reporter_.substr(0, reporter_.find('.'));
  for (const std::string& token : {std::string(), token_id + ".wrong-secret", std::string("tok_unknown.secret"),
                                  std::string("not a token")}) {
    auto refused = server_->Call("POST", "/api/v1/assess", token, body);
    EXPECT_EQ(refused.status, 401) << token << ": " << refused.body;
    EXPECT_EQ(refused.content_type, "application/problem+json") << token;
  }
  // A revocation takes effect at once, although the token was cached.
  EXPECT_EQ(server_->Call("DELETE", "/api/v1/admin/tokens/" + token_id, server_->admin_token()).status, 204);
  EXPECT_EQ(server_->Call("POST", "/api/v1/assess", reporter_, body).status, 401);
}

TEST_F(SeverityTest, CommandLineAssessPrintsTheSameAssessment) {
  const std::string file = server_->data_dir() + "/facts.json";
  std::ofstream(file) << kSevereFacts.dump();
  auto [code, out] = server_->RunCli({"assess", file, "--sector", "electric_power"});
  ASSERT_EQ(code, 0) << out;
  Json printed = Json::parse(out);
  auto preview = server_->Call("POST", "/api/v1/assess", reporter_,
                               Json{{"facts", kSevereFacts}, {"sector", "electric_power"}});
  EXPECT_EQ(printed["assessment"], preview.json()["assessment"]);
}

TEST(SeverityPolicyTest, TheServerRefusesToStartWithAnInvalidPolicy) {
  TestServer server;
  server.Terminate();
  const std::string dir = server.data_dir() + "/policies";
  std::filesystem::create_directories(dir);
  std::filesystem::copy(infrashare::testing::RepoRoot() + "/data/severity/plan4-draft.toml", dir);
  std::ofstream(dir + "/broken.toml") << "id = \"broken\"\nversion = \"1\"\nsurprise = true\n";
  std::vector<std::string> args{"serve"};
  for (auto& a : server.DatabaseArgs()) args.push_back(a);
  args.insert(args.end(), {"--listen", "127.0.0.1:0", "--severity-dir", dir});
  auto [code, out] = server.RunCli(args);
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("broken.toml:"), std::string::npos) << out;
}

}  // namespace
}  // namespace infrashare::testing
