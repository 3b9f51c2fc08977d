// The server as a whole: health, the OpenAPI document, the registry, the
// administration of principals and tokens, and the audit chain.
#include <gtest/gtest.h>

#include "integration/test_server.h"

namespace infrashare::testing {
namespace {

class SystemTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server = new TestServer(); }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }
  static TestServer* server;
};
TestServer* SystemTest::server = nullptr;

TEST_F(SystemTest, HealthzAnswersOk) {
  auto r = server->Call("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["status"], "ok");
}

TEST_F(SystemTest, OpenApiDescribesEveryEndpoint) {
  auto doc = server->Call("GET", "/api/v1/openapi.json").json();
  ASSERT_TRUE(doc.contains("paths"));
  for (auto [path, method] : {std::pair{"/api/v1/reports", "post"}, {"/api/v1/reports", "get"},
                              {"/api/v1/reports/{id}", "get"}, {"/api/v1/reports/{id}", "patch"},
                              {"/api/v1/reports/{id}/relay", "post"}, {"/api/v1/reports/{id}/revisions", "get"},
                              {"/api/v1/registry/sectors", "get"}, {"/api/v1/registry/ceptoars", "get"},
                              {"/api/v1/admin/principals/{id}/tokens", "post"}, {"/api/v1/admin/tokens/{id}", "delete"}})
    EXPECT_TRUE(doc["paths"].contains(path) && doc["paths"][path].contains(method)) << method << " " << path;
}

TEST_F(SystemTest, RegistryHasThePlansSectorsAndCeptoarsInBothLanguages) {
  auto sectors = server->Call("GET", "/api/v1/registry/sectors").json()["items"];
  ASSERT_EQ(sectors.size(), 14u);
  bool power = false;
  for (const auto& s : sectors) {
    EXPECT_FALSE(s["name_ja"].get<std::string>().empty());
    EXPECT_FALSE(s["name_en"].get<std::string>().empty());
    if (s["id"] == "electric_power") {
      power = true;
      EXPECT_EQ(s["name_ja"], "電力");
      EXPECT_EQ(s["ministry"], "meti");
    }
  }
  EXPECT_TRUE(power);
  auto ceptoars = server->Call("GET", "/api/v1/registry/ceptoars").json()["items"];
  EXPECT_EQ(ceptoars.size(), 19u);
  auto ministries = server->Call("GET", "/api/v1/registry/ministries").json()["items"];
  EXPECT_EQ(ministries.size(), 5u);
}

TEST_F(SystemTest, OrganizationsNeedAToken) {
  EXPECT_EQ(server->Call("GET", "/api/v1/registry/organizations").status, 401);
  auto r = server->Call("GET", "/api/v1/registry/organizations?kind=ministry", server->admin_token());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["items"].size(), 5u);
  EXPECT_EQ(r.json()["total"], 5);
}

TEST_F(SystemTest, AnOrganizationsContactsAreReadOnlyByThoseWhoMustCallIt) {
  server->AddOrganization(
      {{"id", "contact_op"},
       {"kind", "operator"},
       {"name_ja", "連絡電力"},
       {"name_en", "Contact Power"},
       {"sectors", {"electric_power"}},
       {"ceptoars", {"electricity_ceptoar"}},
       {"contacts",
        {{{"name", "夜間 当番"}, {"email", "night@contact.example.jp"}, {"phone", "03-0000-1111"}}}}});
  server->AddOrganization({{"id", "contact_peer"},
                           {"kind", "operator"},
                           {"name_ja", "他社"},
                           {"name_en", "Other Co"},
                           {"sectors", {"gas"}}});
  auto read = [&](const std::string& token) {
    auto one = server->Call("GET", "/api/v1/registry/organizations/contact_op", token);
    EXPECT_EQ(one.status, 200) << one.body;
    auto listed = server->Call("GET", "/api/v1/registry/organizations?q=contact_op", token);
    EXPECT_EQ(listed.status, 200) << listed.body;
    return one.body + listed.body;
  };
  for (const std::string org : {"contact_op", "nisc", "meti", "electricity_isac"}) {
    const std::string seen = read(server->TokenFor(org));
    EXPECT_NE(seen.find("night@contact.example.jp"), std::string::npos) << org;
    EXPECT_NE(seen.find("03-0000-1111"), std::string::npos) << org;
  }
  for (const std::string org : {"contact_peer", "jpcert"}) {
    const std::string seen = read(server->TokenFor(org));
    EXPECT_NE(seen.find("夜間 当番"), std::string::npos) << org << ": the name is there";
    EXPECT_EQ(seen.find("night@contact.example.jp"), std::string::npos) << org;
    EXPECT_EQ(seen.find("03-0000-1111"), std::string::npos) << org;
  }
}

TEST_F(SystemTest, AnOrganizationsAliasesAndDomainsAreCheckedAndSearchable) {
  auto bad = server->Call("POST", "/api/v1/admin/organizations", server->admin_token(),
                          Json{{"id", "alias_op"},
                               {"kind", "operator"},
                               {"name_ja", "別名電力"},
                               {"name_en", "Alias Power"},
                               {"domains", {"alias-power.jp", "Not_A_Domain"}}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json()["field"], "domains[1]");
  EXPECT_EQ(server->Call("GET", "/api/v1/registry/organizations/alias_op", server->admin_token()).status, 404)
      << "nothing was added";
  auto good = server->Call("POST", "/api/v1/admin/organizations", server->admin_token(),
                           Json{{"id", "alias_op"},
                                {"kind", "operator"},
                                {"name_ja", "別名電力"},
                                {"name_en", "Alias Power"},
                                {"aliases", {"ベツデン"}},
                                {"domains", {"alias-power.jp"}}});
  ASSERT_EQ(good.status, 201) << good.body;
  const Json found =
      server
          ->Call("GET", "/api/v1/registry/organizations?q=%E3%83%99%E3%83%84%E3%83%87%E3%83%B3",
                 server->admin_token())
          .json();
  ASSERT_EQ(found["items"].size(), 1u) << found.dump();
  EXPECT_EQ(found["items"][0]["domains"], Json::array({"alias-power.jp"}));
}

TEST_F(SystemTest, OrganizationsAreSearchedByPartOfANameAndCutToALimit) {
  // "経済産業省" searched as a person might type a part of it, in full width
  // or with a space; the English name in another case.
  for (const std::string q : {"%E7%B5%8C%E6%B8%88", "METI", "economy%2C%20trade", "Economy,Trade"}) {
    auto r = server->Call("GET", "/api/v1/registry/organizations?q=" + q, server->admin_token());
    ASSERT_EQ(r.status, 200) << r.body;
    const Json body = r.json();
    bool meti = false;
    for (const auto& o : body["items"]) meti = meti || o["id"] == "meti";
    EXPECT_TRUE(meti) << q << ": " << r.body;
  }
  auto all = server->Call("GET", "/api/v1/registry/organizations", server->admin_token()).json();
  auto cut = server->Call("GET", "/api/v1/registry/organizations?limit=3", server->admin_token()).json();
  ASSERT_EQ(cut["items"].size(), 3u);
  EXPECT_EQ(cut["total"], all["items"].size());
  EXPECT_EQ(cut["items"][0]["id"], all["items"][0]["id"]);
  auto none = server->Call("GET", "/api/v1/registry/organizations?q=zzzz-nothing", server->admin_token());
  EXPECT_EQ(none.json()["items"].size(), 0u);
  EXPECT_EQ(none.json()["total"], 0);
  for (const std::string& bad : std::vector<std::string>{"limit=0", "limit=x", "limit=10001", "kind=planet",
                                                         "q=" + std::string(201, 'a')}) {
    auto r = server->Call("GET", "/api/v1/registry/organizations?" + bad, server->admin_token());
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_EQ(r.json()["field"], bad.substr(0, bad.find('='))) << bad;
  }
}

TEST_F(SystemTest, RevokedTokenStopsWorkingAtOnce) {
  server->AddOrganization({{"id", "sys_op"},
                           {"kind", "operator"},
                           {"name_ja", "試験社"},
                           {"name_en", "Test Co"},
                           {"sectors", {"gas"}}});
  auto issued = server->Call(
      "POST", "/api/v1/admin/principals", server->admin_token(),
      Json{{"id", "sys_user"}, {"organization", "sys_op"}, {"name", "U"}, {"roles", {"reporter"}}});
  ASSERT_EQ(issued.status, 201) << issued.body;
  auto token = server->Call("POST", "/api/v1/admin/principals/sys_user/tokens", server->admin_token(),
                            Json{{"label", "t"}});
  ASSERT_EQ(token.status, 201) << token.body;
  const std::string secret = token.json()["token"];
  EXPECT_EQ(server->Call("GET", "/api/v1/reports", secret).status, 200);
  auto revoke = server->Call("DELETE", "/api/v1/admin/tokens/" + token.json()["id"].get<std::string>(),
                             server->admin_token());
  EXPECT_EQ(revoke.status, 204);
  auto after = server->Call("GET", "/api/v1/reports", secret);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.content_type, "application/problem+json");
  // A second revocation is a conflict and changes nothing.
  EXPECT_EQ(server
                ->Call("DELETE", "/api/v1/admin/tokens/" + token.json()["id"].get<std::string>(),
                       server->admin_token())
                .status,
            409);
}

TEST_F(SystemTest, AdminEndpointsNeedTheAdminRole) {
  const std::string reporter = server->AddPrincipal("sys_reporter", "nisc", {"reporter"});
  auto r = server->Call("POST", "/api/v1/admin/organizations", reporter,
                        Json{{"id", "x1"}, {"kind", "operator"}, {"name_ja", "x"}, {"name_en", "x"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.json()["detail"], "this action needs the 'admin' role");
}

// An organization's administrator administers its own organization only:
// the registry, and other organizations' principals and tokens, are the
// platform's (NISC's administrators).
TEST_F(SystemTest, AnOrganizationsAdminCannotReachBeyondItsOrganization) {
  server->AddOrganization({{"id", "sys_adm_op"},
                           {"kind", "operator"},
                           {"name_ja", "甲"},
                           {"name_en", "Op"},
                           {"sectors", {"gas"}}});
  const std::string op_admin = server->AddPrincipal("sys_adm_op_admin", "sys_adm_op", {"admin"});
  const auto before =
      server->Call("GET", "/api/v1/admin/principals", server->admin_token()).json()["items"].size();

  auto org = server->Call("POST", "/api/v1/admin/organizations", op_admin,
                          Json{{"id", "x2"}, {"kind", "operator"}, {"name_ja", "x"}, {"name_en", "x"}});
  EXPECT_EQ(org.status, 403) << org.body;
  auto into_nisc =
      server->Call("POST", "/api/v1/admin/principals", op_admin,
                   Json{{"id", "mole"}, {"organization", "nisc"}, {"name", "m"}, {"roles", {"admin"}}});
  EXPECT_EQ(into_nisc.status, 403) << into_nisc.body;
  // Another organization's principal is answered as an unknown one: no
  // answer tells which ids exist elsewhere.
  auto nisc_token = server->Call("POST", "/api/v1/admin/principals/admin/tokens", op_admin, Json::object());
  auto ghost_token =
      server->Call("POST", "/api/v1/admin/principals/admin_ghost/tokens", op_admin, Json::object());
  EXPECT_EQ(nisc_token.status, 404) << nisc_token.body;
  EXPECT_EQ(ghost_token.status, 404) << ghost_token.body;
  auto same_shape = [](std::string body, const std::string& id) {
    return body.replace(body.find(id), id.size(), "ID");
  };
  EXPECT_EQ(same_shape(nisc_token.body, "'admin'"), same_shape(ghost_token.body, "'admin_ghost'"));
  for (const std::string path : {"/api/v1/admin/principals/admin/setup-code"}) {
    auto r = server->Call("POST", path, op_admin, Json::object());
    EXPECT_EQ(r.status, 404) << path << ": " << r.body;
  }
  auto patch = server->Call("PATCH", "/api/v1/admin/principals/admin", op_admin, Json{{"disabled", true}});
  EXPECT_EQ(patch.status, 404) << patch.body;
  EXPECT_EQ(server->Call("GET", "/api/v1/admin/principals?organization=nisc", op_admin).status, 403);

  // Adding a principal: its id is in the organization's own part of the
  // namespace, so an id taken elsewhere ("admin", NISC's) is answered as a
  // free one outside it, never 409.
  auto add = [&](const std::string& token, const std::string& id, const std::string& org = "sys_adm_op") {
    return server->Call("POST", "/api/v1/admin/principals", token,
                        Json{{"id", id}, {"organization", org}, {"name", "desk"}, {"roles", {"reporter"}}});
  };
  auto taken = add(op_admin, "admin");
  auto free = add(op_admin, "admin_ghost");
  EXPECT_EQ(taken.status, 400) << taken.body;
  EXPECT_EQ(free.status, 400) << free.body;
  EXPECT_EQ(taken.json()["field"], "id");
  EXPECT_EQ(taken.json()["detail"], free.json()["detail"]);
  EXPECT_EQ(add(op_admin, "sys_adm_op.").status, 400);
  EXPECT_EQ(add(op_admin, "nisc.mole").status, 400);
  // The platform's administrators never name into another's part either.
  auto misplaced = add(server->admin_token(), "sys_adm_op.intruder", "nisc");
  EXPECT_EQ(misplaced.status, 400) << misplaced.body;
  EXPECT_NE(misplaced.json()["detail"].get<std::string>().find("'sys_adm_op.'"), std::string::npos);
  // Its own organization: yes; twice: 409, about its own principal.
  auto own = add(op_admin, "sys_adm_op.desk");
  EXPECT_EQ(own.status, 201) << own.body;
  EXPECT_EQ(add(op_admin, "sys_adm_op.desk").status, 409);
  auto token =
      server->Call("POST", "/api/v1/admin/principals/sys_adm_op.desk/tokens", op_admin, Json::object());
  EXPECT_EQ(token.status, 201) << token.body;
  auto mine = server->Call("GET", "/api/v1/admin/principals", op_admin);
  ASSERT_EQ(mine.status, 200) << mine.body;
  for (const auto& p : Json(mine.json()["items"])) EXPECT_EQ(p["organization"], "sys_adm_op") << mine.body;
  EXPECT_EQ(server->Call("GET", "/api/v1/admin/principals", server->admin_token()).json()["items"].size(),
            before + 1);
}

TEST_F(SystemTest, AuditVerifyFindsTheFirstBrokenLink) {
  std::vector<std::string> verify{"audit", "verify"};
  for (auto& a : server->DatabaseArgs()) verify.push_back(a);
  auto ok = server->RunCli(verify);
  EXPECT_EQ(ok.first, 0) << ok.second;
  EXPECT_NE(ok.second.find("the chain is intact"), std::string::npos) << ok.second;

  // Alter the third event behind the server's back.
  server->ExecSql("UPDATE audit SET action = 'forged' WHERE seq = 3");
  auto broken = server->RunCli(verify);
  EXPECT_EQ(broken.first, 1);
  EXPECT_NE(broken.second.find("BROKEN at event 3"), std::string::npos) << broken.second;
}

}  // namespace
}  // namespace infrashare::testing
