#include "service/audit_service.h"

#include <gtest/gtest.h>

#include <set>

#include "service/service_test_util.h"

namespace infrashare::service_test {
namespace {

class AuditServiceTest : public ServiceTest {
 protected:
  // The principals and tokens each audit viewer is shown: "action target".
  std::set<std::string> SeenBy(const Caller& admin) {
    auto events = services().audit.List(admin, 0, AuditService::kMaxPage);
    EXPECT_TRUE(events) << events.error().message;
    std::set<std::string> out;
    for (const auto& e : events ? *events : std::vector<AuditEvent>{})
      if (e.target_kind == "principal" || e.target_kind == "token") out.insert(e.action + " " + e.target_id);
    return out;
  }
};

TEST_F(AuditServiceTest, AnAdministratorSeesItsOwnOrganizationsPrincipalsAndTokensAndNiscSeesAll) {
  const Caller nisc = SystemCaller(services().registry.Snapshot());
  for (const auto& [id, org] : {std::pair{"a_desk", "power_a"}, std::pair{"b_desk", "power_b"}})
    ASSERT_TRUE(services().registry.AddPrincipal(
        nisc, Json{{"id", id}, {"organization", org}, {"name", id}, {"roles", {"reporter"}}}));
  // NISC issues power_a's token (the event's actor is NISC, its subject
  // power_a's); power_b's admin issues and revokes its own.
  auto a_token = services().registry.IssueToken(nisc, "a_desk", Json::object());
  ASSERT_TRUE(a_token);
  const Caller b_admin = As("power_b", {Role::kAdmin});
  auto b_token = services().registry.IssueToken(b_admin, "b_desk", Json::object());
  ASSERT_TRUE(b_token);
  ASSERT_TRUE(services().registry.RevokeToken(b_admin, b_token->token.id));
  ASSERT_TRUE(services().registry.UpdatePrincipal(nisc, "a_desk", Json{{"disabled", true}}));

  const std::set<std::string> a_events{"principal.add a_desk", "token.issue " + a_token->token.id,
                                       "principal.disable a_desk"};
  const std::set<std::string> b_events{"principal.add b_desk", "token.issue " + b_token->token.id,
                                       "token.revoke " + b_token->token.id};
  EXPECT_EQ(SeenBy(As("power_a", {Role::kAdmin})), a_events);
  EXPECT_EQ(SeenBy(b_admin), b_events);
  std::set<std::string> all = a_events;
  all.insert(b_events.begin(), b_events.end());
  EXPECT_EQ(SeenBy(As("nisc", {Role::kAdmin})), all);
  EXPECT_TRUE(SeenBy(As("gas_c", {Role::kAdmin})).empty());
}

}  // namespace
}  // namespace infrashare::service_test
