// The server as a whole: health, the OpenAPI document, the registry, the
// administration of principals and tokens, and the audit chain.
#include <gtest/gtest.h>

#include "integration/test_server.h"

namespace infrashare::testing {
namespace {

class SystemTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer* server_;
};
TestServer* SystemTest::server_ = nullptr;

TEST_F(SystemTest, HealthzAnswersOk) {
  auto r = server_->Call("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["status"], "ok");
}

TEST_F(SystemTest, OpenApiDescribesEveryEndpoint) {
  auto doc = server_->Call("GET", "/api/v1/openapi.json").json();
  ASSERT_TRUE(doc.contains("paths"));
  for (auto [path, method] : {std::pair{"/api/v1/reports", "post"}, {"/api/v1/reports", "get"},
                              {"/api/v1/reports/{id}", "get"}, {"/api/v1/reports/{id}", "patch"},
                              {"/api/v1/reports/{id}/relay", "post"}, {"/api/v1/reports/{id}/revisions", "get"},
                              {"/api/v1/registry/sectors", "get"}, {"/api/v1/registry/ceptoars", "get"},
                              {"/api/v1/admin/principals/{id}/tokens", "post"}, {"/api/v1/admin/tokens/{id}", "delete"}})
    EXPECT_TRUE(doc["paths"].contains(path) && doc["paths"][path].contains(method)) << method << " " << path;
}

TEST_F(SystemTest, RegistryHasThePlansSectorsAndCeptoarsInBothLanguages) {
  auto sectors = server_->Call("GET", "/api/v1/registry/sectors").json()["items"];
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
  auto ceptoars = server_->Call("GET", "/api/v1/registry/ceptoars").json()["items"];
  EXPECT_EQ(ceptoars.size(), 19u);
  auto ministries = server_->Call("GET", "/api/v1/registry/ministries").json()["items"];
  EXPECT_EQ(ministries.size(), 5u);
}

TEST_F(SystemTest, OrganizationsNeedAToken) {
  EXPECT_EQ(server_->Call("GET", "/api/v1/registry/organizations").status, 401);
  auto r = server_->Call("GET", "/api/v1/registry/organizations?kind=ministry", server_->admin_token());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["items"].size(), 5u);
}

TEST_F(SystemTest, RevokedTokenStopsWorkingAtOnce) {
  server_->AddOrganization({{"id", "sys_op"}, {"kind", "operator"}, {"name_ja", "試験社"}, {"name_en", "Test Co"},
                            {"sectors", {"gas"}}});
  auto issued = server_->Call("POST", "/api/v1/admin/principals", server_->admin_token(),
                              Json{{"id", "sys_user"}, {"organization", "sys_op"}, {"name", "U"}, {"roles", {"reporter"}}});
  ASSERT_EQ(issued.status, 201) << issued.body;
  auto token = server_->Call("POST", "/api/v1/admin/principals/sys_user/tokens", server_->admin_token(),
                             Json{{"label", "t"}});
  ASSERT_EQ(token.status, 201) << token.body;
  const std::string secret = token.json()["token"];
  EXPECT_EQ(server_->Call("GET", "/api/v1/reports", secret).status, 200);
  auto revoke = server_->Call("DELETE", "/api/v1/admin/tokens/" + token.json()["id"].get<std::string>(),
                              server_->admin_token());
  EXPECT_EQ(revoke.status, 204);
  auto after = server_->Call("GET", "/api/v1/reports", secret);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.content_type, "application/problem+json");
  // A second revocation is a conflict and changes nothing.
  EXPECT_EQ(server_->Call("DELETE", "/api/v1/admin/tokens/" + token.json()["id"].get<std::string>(),
                          server_->admin_token())
                .status,
            409);
}

TEST_F(SystemTest, AdminEndpointsNeedTheAdminRole) {
  const std::string reporter = server_->AddPrincipal("sys_reporter", "nisc", {"reporter"});
  auto r = server_->Call("POST", "/api/v1/admin/organizations", reporter,
                         Json{{"id", "x1"}, {"kind", "operator"}, {"name_ja", "x"}, {"name_en", "x"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.json()["detail"], "this action needs the 'admin' role");
}

// An organization's administrator administers its own organization only:
// the registry, and other organizations' principals and tokens, are the
// platform's (NISC's administrators).
TEST_F(SystemTest, AnOrganizationsAdminCannotReachBeyondItsOrganization) {
  server_->AddOrganization({{"id", "sys_adm_op"}, {"kind", "operator"}, {"name_ja", "甲"}, {"name_en", "Op"},
                            {"sectors", {"gas"}}});
  const std::string op_admin = server_->AddPrincipal("sys_adm_op_admin", "sys_adm_op", {"admin"});
  const auto before = server_->Call("GET", "/api/v1/admin/principals", server_->admin_token()).json()["items"].size();

  auto org = server_->Call("POST", "/api/v1/admin/organizations", op_admin,
                           Json{{"id", "x2"}, {"kind", "operator"}, {"name_ja", "x"}, {"name_en", "x"}});
  EXPECT_EQ(org.status, 403) << org.body;
  auto into_nisc = server_->Call("POST", "/api/v1/admin/principals", op_admin,
                                 Json{{"id", "mole"}, {"organization", "nisc"}, {"name", "m"}, {"roles", {"admin"}}});
  EXPECT_EQ(into_nisc.status, 403) << into_nisc.body;
  auto nisc_token = server_->Call("POST", "/api/v1/admin/principals/admin/tokens", op_admin, Json::object());
  EXPECT_EQ(nisc_token.status, 403) << nisc_token.body;
  EXPECT_EQ(server_->Call("GET", "/api/v1/admin/principals?organization=nisc", op_admin).status, 403);

  // Its own organization: yes.
  auto own = server_->Call("POST", "/api/v1/admin/principals", op_admin,
                           Json{{"id", "sys_adm_desk"}, {"organization", "sys_adm_op"}, {"name", "desk"}, {"roles", {"reporter"}}});
  EXPECT_EQ(own.status, 201) << own.body;
  auto token = server_->Call("POST", "/api/v1/admin/principals/sys_adm_desk/tokens", op_admin, Json::object());
  EXPECT_EQ(token.status, 201) << token.body;
  auto mine = server_->Call("GET", "/api/v1/admin/principals", op_admin);
  ASSERT_EQ(mine.status, 200) << mine.body;
  for (const auto& p : Json(mine.json()["items"])) EXPECT_EQ(p["organization"], "sys_adm_op") << mine.body;
  EXPECT_EQ(server_->Call("GET", "/api/v1/admin/principals", server_->admin_token()).json()["items"].size(),
            before + 1);
}

TEST_F(SystemTest, AuditVerifyFindsTheFirstBrokenLink) {
  std::vector<std::string> verify{"audit", "verify"};
  for (auto& a : server_->DatabaseArgs()) verify.push_back(a);
  auto ok = server_->RunCli(verify);
  EXPECT_EQ(ok.first, 0) << ok.second;
  EXPECT_NE(ok.second.find("the chain is intact"), std::string::npos) << ok.second;

  // Alter the third event behind the server's back.
  server_->ExecSql("UPDATE audit SET action = 'forged' WHERE seq = 3");
  auto broken = server_->RunCli(verify);
  EXPECT_EQ(broken.first, 1);
  EXPECT_NE(broken.second.find("BROKEN at event 3"), std::string::npos) << broken.second;
}

}  // namespace
}  // namespace infrashare::testing
