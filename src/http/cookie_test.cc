#include "http/cookie.h"

#include <gtest/gtest.h>

namespace infrashare {
namespace {

HttpRequest WithCookie(const std::string& cookie, const std::string& csrf = "") {
  HttpRequest r;
  r.method = "POST";
  if (!cookie.empty()) r.headers["cookie"] = cookie;
  if (!csrf.empty()) r.headers["x-csrf-token"] = csrf;
  return r;
}

TEST(CookieTest, FindsTheSessionCookieByItsExactNameAndRefusesTwo) {
  EXPECT_EQ(CookieValue(WithCookie("a=1; infrashare_session=abc; b=2"), kSessionCookie), "abc");
  EXPECT_EQ(CookieValue(WithCookie("infrashare_session=abc"), kSessionCookie), "abc");
  EXPECT_FALSE(CookieValue(WithCookie("xinfrashare_session=abc; infrashare_sessionx=d"), kSessionCookie));
  EXPECT_FALSE(CookieValue(WithCookie(""), kSessionCookie));
  // Twice (one planted with a narrower Path): neither counts.
  EXPECT_EQ(CookieValue(WithCookie("infrashare_session=evil; infrashare_session=abc"), kSessionCookie), "");
  // Two Cookie fields arrive joined with ", ".
  EXPECT_EQ(CookieValue(WithCookie("a=1, infrashare_session=abc"), kSessionCookie), "abc");
}

TEST(CookieTest, WritesTheFlagsAndDeletes) {
  EXPECT_EQ(SessionCookie("v", std::chrono::hours(12), false),
            "infrashare_session=v; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict");
  EXPECT_EQ(SessionCookie("", std::chrono::seconds(0), true),
            "infrashare_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
}

TEST(CookieTest, OnlyTheSessionsOwnTokenPassesTheCsrfCheck) {
  const std::string token(64, 'c');
  EXPECT_TRUE(CheckCsrf(WithCookie("x", token), token));
  for (const std::string& sent :
       {std::string(), std::string(64, 'd'), token.substr(1), token + ", " + token}) {
    auto r = CheckCsrf(WithCookie("x", sent), token);
    ASSERT_FALSE(r) << sent;
    EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
    EXPECT_EQ(r.error().reason, "csrf_token_missing");
  }
  EXPECT_FALSE(CheckCsrf(WithCookie("x", ""), ""));
  EXPECT_FALSE(ChangesState("GET"));
  EXPECT_FALSE(ChangesState("HEAD"));
  EXPECT_TRUE(ChangesState("POST"));
  EXPECT_TRUE(ChangesState("DELETE"));
  EXPECT_TRUE(ChangesState("get")) << "any other spelling is a change (the router refuses it anyway)";
}

}  // namespace
}  // namespace infrashare
