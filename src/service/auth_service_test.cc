#include "service/auth_service.h"

#include <gtest/gtest.h>

#include "service/service_test_util.h"

namespace infrashare {
namespace {

using service_test::ServiceTest;

class AuthServiceTest : public ServiceTest {
 protected:
  IssuedToken Issue() {
    const Caller system = SystemCaller(services().registry.Snapshot());
    auto p = services().registry.AddPrincipal(
        system, Json{{"id", "prn_alice"}, {"organization", "power_a"}, {"name", "Alice"}, {"roles", {"reporter"}}});
    EXPECT_TRUE(p) << p.error().message;
    auto t = services().registry.IssueToken(system, "prn_alice", Json::object());
    EXPECT_TRUE(t) << t.error().message;
    return t ? *t : IssuedToken{};
  }
};

TEST_F(AuthServiceTest, ABearerTokenBecomesItsPrincipalsCaller) {
  const IssuedToken token = Issue();
  auto caller = services().auth.Authenticate("Bearer " + token.secret_token);
  ASSERT_TRUE(caller) << caller.error().message;
  ASSERT_TRUE(caller->authenticated());
  EXPECT_EQ(caller->principal->id, "prn_alice");
  ASSERT_NE(caller->organization, nullptr);
  EXPECT_EQ(caller->organization->id, "power_a");
  EXPECT_TRUE(caller->space.is_live());
  auto cached = services().auth.AuthenticateCached("Bearer " + token.secret_token);
  ASSERT_TRUE(cached && *cached);
  EXPECT_EQ((*cached)->principal->id, "prn_alice");
}

TEST_F(AuthServiceTest, EveryBadTokenAnswersTheSame) {
  const IssuedToken token = Issue();
  auto anonymous = services().auth.Authenticate("");
  ASSERT_TRUE(anonymous);
  EXPECT_FALSE(anonymous->authenticated());
  std::optional<std::string> message;
  for (const std::string& header : {"Bearer " + token.token.id + ".wrong", std::string("Bearer tok_none.secret"),
                                   std::string("Basic abc"), std::string("Bearer nodot")}) {
    auto c = services().auth.Authenticate(header);
    ASSERT_FALSE(c) << header;
    EXPECT_EQ(c.error().code, ErrorCode::kUnauthenticated) << header;
    if (message) {
      EXPECT_EQ(c.error().message, *message) << header;
    }
    message = c.error().message;
  }
}

TEST_F(AuthServiceTest, ARevokedTokenIsRefusedAtOnce) {
  const IssuedToken token = Issue();
  ASSERT_TRUE(services().auth.Authenticate("Bearer " + token.secret_token));  // now cached
  ASSERT_TRUE(services().registry.RevokeToken(SystemCaller(services().registry.Snapshot()), token.token.id));
  auto after = services().auth.Authenticate("Bearer " + token.secret_token);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace infrashare
