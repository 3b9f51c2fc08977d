// People sign in over HTTP (the browser UI's side of the API): the setup
// code from an administrator, the session cookie and its flags, the CSRF
// check on every change made with the cookie, the event stream opened with
// the cookie, sign-out, the lock after 10 failures, and bad bodies.
#include <gtest/gtest.h>

#include <thread>

#include "http/cookie.h"
#include "integration/test_server.h"
#include "support/http_client.h"
#include "support/sse_client.h"

namespace infrashare::testing {
namespace {

constexpr char kPassword[] = "substation night shift 0300";

class SignInTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = new TestServer();
    server->AddOrganization({{"id", "power_a"},
                             {"kind", "operator"},
                             {"name_ja", "甲電力"},
                             {"name_en", "Ko Electric"},
                             {"sectors", {"electric_power"}}});
    server->AddPrincipal("soc1", "power_a", {"reporter"}, "SOC desk");
    server->AddPrincipal("soc2", "power_a", {"reporter"}, "SOC desk 2");
    soc4_token = server->AddPrincipal("soc4", "power_a", {"reporter"}, "SOC desk 4");
  }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }

  HttpClient::Response Send(const std::string& method, const std::string& target,
                            const std::string& body = "",
                            const std::map<std::string, std::string>& headers = {}) {
    HttpClient client("127.0.0.1", server->port());
    auto r = client.Request(method, target, body, headers);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : HttpClient::Response{};
  }

  // The setup code an administrator issues for `id` over the admin API.
  std::string SetupCode(const std::string& id) {
    auto r = server->Call("POST", "/api/v1/admin/principals/" + id + "/setup-code", server->admin_token(),
                          Json::object());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("setup_code", "");
  }

  // Signs in; returns the cookie's value and the CSRF token.
  std::pair<std::string, std::string> SignIn(const Json& body) {
    auto r = Send("POST", "/api/v1/session", body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string set_cookie = r.Header("set-cookie");
    const std::string prefix = std::string(kSessionCookie) + "=";
    EXPECT_TRUE(set_cookie.starts_with(prefix)) << set_cookie;
    const std::string value = set_cookie.substr(prefix.size(), set_cookie.find(';') - prefix.size());
    auto json = r.JsonBody();
    return {value, json ? json->value("csrf_token", "") : ""};
  }

  static std::map<std::string, std::string> Cookie(const std::string& session,
                                                   const std::string& csrf = std::string()) {
    std::map<std::string, std::string> h{{"Cookie", std::string(kSessionCookie) + "=" + session}};
    if (!csrf.empty()) h[std::string(kCsrfHeader)] = csrf;
    return h;
  }

  static TestServer* server;
  static std::string soc4_token;
};
TestServer* SignInTest::server = nullptr;
std::string SignInTest::soc4_token;

TEST_F(SignInTest, FirstSignInWithASetupCodeThenTheCookieActsForThePrincipal) {
  const std::string code = SetupCode("soc1");
  ASSERT_EQ(code.size(), 20u);
  auto first = Send("POST", "/api/v1/session",
                    Json{{"principal", "soc1"}, {"setup_code", code}, {"new_password", kPassword}}.dump());
  ASSERT_EQ(first.status, 201) << first.body;
  // The cookie's flags: HttpOnly, SameSite=Strict, Path=/, a 12 h lifetime.
  const std::string set_cookie = first.Header("set-cookie");
  EXPECT_NE(set_cookie.find("; HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("; SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("; Path=/"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("; Max-Age=43200"), std::string::npos) << set_cookie;
  EXPECT_EQ(first.Header("cache-control"), "no-store");
  auto body = first.JsonBody();
  ASSERT_TRUE(body);
  EXPECT_EQ((*body)["principal"]["id"], "soc1");
  EXPECT_EQ((*body)["organization"]["id"], "power_a");
  EXPECT_EQ((*body)["csrf_token"].get<std::string>().size(), 64u);
  EXPECT_EQ(body->dump().find(code), std::string::npos);

  auto [session, csrf] = SignIn({{"principal", "soc1"}, {"password", kPassword}});
  auto who = Send("GET", "/api/v1/session", "", Cookie(session));
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(who.JsonBody()->at("principal").at("id"), "soc1");
  EXPECT_EQ(who.JsonBody()->at("csrf_token"), csrf);

  // The cookie is a caller like a token: it submits a report (with the CSRF
  // token) and reads it back.
  const Json report{{"kind", "near_miss"},
                    {"title", "Relay trip at night"},
                    {"sectors", {"electric_power"}},
                    {"tlp", "green"},
                    {"route", "direct"},
                    {"audience", {{"everyone", true}}}};
  auto submitted = Send("POST", "/api/v1/reports", report.dump(), Cookie(session, csrf));
  ASSERT_EQ(submitted.status, 201) << submitted.body;
  const std::string id = submitted.JsonBody()->at("id");
  EXPECT_EQ(Send("GET", "/api/v1/reports/" + id, "", Cookie(session)).status, 200);

  // The event stream opens with the cookie (a browser's EventSource cannot
  // send an Authorization header).
  auto stream = SseClient::Connect(server->port(), "/api/v1/stream?last_event_id=0", Cookie(session));
  ASSERT_TRUE(stream) << stream.error().message;
  ASSERT_EQ(stream->status(), 200) << stream->body();
  bool seen = false;
  while (auto m = stream->Next(std::chrono::seconds(5)))
    if (m->data.find(id) != std::string::npos) {
      seen = true;
      break;
    }
  EXPECT_TRUE(seen) << "the report's event on the cookie's stream";
}

// Reads `stream` until it ends or `within` passes; the reason of its last
// `error` event ("" when none) and whether it ended.
std::pair<bool, std::string> EndOf(SseClient& stream, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  std::string reason;
  while (!stream.closed() && std::chrono::steady_clock::now() < deadline) {
    auto m = stream.Next(std::chrono::milliseconds(100));
    if (m && m->event == "error") reason = Json::parse(m->data).value("reason", "");
  }
  return {stream.closed(), reason};
}

TEST_F(SignInTest, SigningOutOrChangingThePasswordEndsTheSessionsStreams) {
  server->AddPrincipal("soc7", "power_a", {"reporter"});
  auto [first, first_csrf] =
      SignIn({{"principal", "soc7"}, {"setup_code", SetupCode("soc7")}, {"new_password", kPassword}});
  auto [second, second_csrf] = SignIn({{"principal", "soc7"}, {"password", kPassword}});
  auto open = [&](const std::string& session) {
    auto s = SseClient::Connect(server->port(), "/api/v1/stream", Cookie(session));
    EXPECT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->status(), 200) << s->body();
    return std::move(*s);
  };
  SseClient a = open(first), b = open(second);

  ASSERT_EQ(Send("DELETE", "/api/v1/session", "", Cookie(first, first_csrf)).status, 204);
  auto [ended, reason] = EndOf(a, std::chrono::seconds(1));
  EXPECT_TRUE(ended) << "the signed-out session's stream stayed open a second";
  EXPECT_EQ(reason, "credential_ended");
  EXPECT_FALSE(EndOf(b, std::chrono::milliseconds(600)).first) << "the other session's stream was ended";

  // A password change ends every session of the principal but the one it
  // answers with.
  auto changed =
      Send("PUT", "/api/v1/session/password",
           Json{{"current_password", kPassword}, {"new_password", std::string(kPassword) + " 2"}}.dump(),
           Cookie(second, second_csrf));
  ASSERT_EQ(changed.status, 200) << changed.body;
  auto [ended_b, reason_b] = EndOf(b, std::chrono::seconds(1));
  EXPECT_TRUE(ended_b);
  EXPECT_EQ(reason_b, "credential_ended");
}

TEST_F(SignInTest, AChangeWithTheCookieButWithoutItsCsrfTokenIsRefusedAndChangesNothing) {
  const std::string code = SetupCode("soc2");
  auto [session, csrf] = SignIn({{"principal", "soc2"}, {"setup_code", code}, {"new_password", kPassword}});
  const Json report{{"kind", "near_miss"}, {"title", "Forged"}, {"sectors", {"electric_power"}},
                    {"tlp", "green"},      {"route", "direct"}, {"audience", {{"everyone", true}}}};
  const size_t before =
      Send("GET", "/api/v1/reports?q=Forged", "", Cookie(session)).JsonBody()->at("items").size();
  for (const std::string& forged : {std::string(), std::string(64, '0'), csrf.substr(0, 63)}) {
    auto r = Send("POST", "/api/v1/reports", report.dump(), Cookie(session, forged));
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  }
  auto signout = Send("DELETE", "/api/v1/session", "", Cookie(session));
  EXPECT_EQ(signout.status, 403) << "sign-out is a change too";
  EXPECT_EQ(Send("GET", "/api/v1/reports?q=Forged", "", Cookie(session)).JsonBody()->at("items").size(),
            before);

  // Sign-out ends the session and deletes the cookie.
  // A second session cookie (planted by a sibling site) makes neither count.
  const std::string planted = std::string(kSessionCookie) + "=" + std::string(64, 'b');
  for (const std::string& both :
       {planted + "; " + Cookie(session)["Cookie"], Cookie(session)["Cookie"] + "; " + planted})
    EXPECT_EQ(Send("GET", "/api/v1/session", "", {{"Cookie", both}}).status, 401) << both;

  signout = Send("DELETE", "/api/v1/session", "", Cookie(session, csrf));
  EXPECT_EQ(signout.status, 204) << signout.body;
  EXPECT_NE(signout.Header("set-cookie").find("Max-Age=0"), std::string::npos);
  auto after = Send("GET", "/api/v1/session", "", Cookie(session));
  EXPECT_EQ(after.status, 401) << after.body;
}

TEST_F(SignInTest, TenFailuresLockANameWhetherOrNotItExistsWithTheSameAnswers) {
  server->AddPrincipal("soc3", "power_a", {"reporter"});
  auto [session, csrf] =
      SignIn({{"principal", "soc3"}, {"setup_code", SetupCode("soc3")}, {"new_password", kPassword}});
  std::string wrong_existing, wrong_missing;
  for (int i = 0; i < 10; ++i) {
    auto a =
        Send("POST", "/api/v1/session", Json{{"principal", "soc3"}, {"password", "wrong password!"}}.dump());
    auto b = Send("POST", "/api/v1/session",
                  Json{{"principal", "ghost9"}, {"password", "wrong password!"}}.dump());
    ASSERT_EQ(a.status, 401);
    ASSERT_EQ(b.status, 401);
    EXPECT_EQ(a.body, b.body) << "the answer never says whether the name exists";
    EXPECT_EQ(a.Header("set-cookie"), "");
  }
  auto locked = Send("POST", "/api/v1/session", Json{{"principal", "soc3"}, {"password", kPassword}}.dump());
  EXPECT_EQ(locked.status, 401);
  EXPECT_NE(locked.body.find("try again in 15 minutes"), std::string::npos) << locked.body;
  auto ghost = Send("POST", "/api/v1/session", Json{{"principal", "ghost9"}, {"password", kPassword}}.dump());
  EXPECT_EQ(ghost.body, locked.body);

  // The lock survives a restart (it is stored).
  server->Terminate();
  server->Start();
  locked = Send("POST", "/api/v1/session", Json{{"principal", "soc3"}, {"password", kPassword}}.dump());
  EXPECT_EQ(locked.status, 401);
  EXPECT_NE(locked.body.find("try again in"), std::string::npos) << locked.body;
  // Sessions survive it too.
  EXPECT_EQ(Send("GET", "/api/v1/session", "", Cookie(session)).status, 200);

  // Each failure and the locks are audit events.
  int failures = 0, locks = 0;
  for (int64_t after = 0;;) {
    auto page = server->Call("GET", "/api/v1/admin/audit?limit=500&after=" + std::to_string(after),
                             server->admin_token());
    ASSERT_EQ(page.status, 200) << page.body;
    const Json items = page.json()["items"];
    if (items.empty()) break;
    for (const auto& e : items) {
      failures += e["action"] == "session.sign_in_failed";
      locks += e["action"] == "session.lock";
      after = e["seq"].get<int64_t>();
    }
  }
  EXPECT_EQ(failures, 20);
  EXPECT_EQ(locks, 2);
}

TEST_F(SignInTest, BadBodiesAndBadCookiesGetClearErrors) {
  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  const Case cases[] = {
      {"{", 400, ""},
      {"[]", 400, ""},
      {R"({"principal":"soc1"})", 400, "password"},
      {R"({"principal":7,"password":"x"})", 400, "principal"},
      {R"({"principal":"soc1","password":"x","extra":1})", 400, "extra"},
      {R"({"principal":"soc1","setup_code":"abc"})", 400, "new_password"},
      {Json{{"principal", "soc1"}, {"password", std::string(2000, 'x')}}.dump(), 400, "password"},
  };
  for (const auto& c : cases) {
    auto r = Send("POST", "/api/v1/session", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/problem+json") << c.body;
    auto json = r.JsonBody();
    if (!c.field.empty() && json) {
      EXPECT_EQ(json->value("field", ""), c.field) << c.body << " -> " << r.body;
    }
    EXPECT_EQ(r.Header("set-cookie"), "") << c.body;
  }
  // Without a type (a cross-site page can send that with no preflight).
  auto untyped =
      Send("POST", "/api/v1/session", R"({"principal":"soc1","password":"x"})", {{"Content-Type", ""}});
  EXPECT_EQ(untyped.status, 400) << untyped.body;
  auto plain = Send("POST", "/api/v1/session", R"({"principal":"soc1","password":"x"})",
                    {{"Content-Type", "text/plain"}});
  EXPECT_EQ(plain.status, 400) << plain.body;
  for (const std::string& cookie : {std::string(64, 'a'), std::string("x"), std::string(5000, 'z')}) {
    auto r = Send("GET", "/api/v1/reports", "", Cookie(cookie));
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_NE(r.body.find("the session has ended"), std::string::npos) << r.body;
  }
  // A setup code is an administrator's to give.
  auto reporter = server->Call("POST", "/api/v1/admin/principals/soc1/setup-code",
                               server->TokenFor("power_a"), Json::object());
  EXPECT_EQ(reporter.status, 403) << reporter.body;
  auto unknown = server->Call("POST", "/api/v1/admin/principals/nobody/setup-code", server->admin_token(),
                              Json::object());
  EXPECT_EQ(unknown.status, 404) << unknown.body;
}

TEST_F(SignInTest, TheCommandLineIssuesASetupCode) {
  server->AddPrincipal("desk9", "power_a", {"reporter"});
  std::vector<std::string> cli{"admin"};
  // infrashare admin --data DIR principal setup-code --id desk9
  for (const auto& a : server->DatabaseArgs()) cli.push_back(a);
  cli.insert(cli.end(), {"principal", "setup-code", "--id", "desk9"});
  auto [status, out] = server->RunCli(cli);
  ASSERT_EQ(status, 0) << out;
  const std::string code = out.substr(out.rfind('\n', out.size() - 2) + 1, 20);
  auto r = Send("POST", "/api/v1/session",
                Json{{"principal", "desk9"}, {"setup_code", code}, {"new_password", kPassword}}.dump());
  EXPECT_EQ(r.status, 201) << out << " / " << r.body;
}

TEST_F(SignInTest, ADisabledPrincipalsSessionAndTokenAreRefusedAndEnablingRestoresThem) {
  const std::string code = SetupCode("soc4");
  auto [session, csrf] = SignIn({{"principal", "soc4"}, {"setup_code", code}, {"new_password", kPassword}});
  ASSERT_EQ(server->Call("GET", "/api/v1/session", soc4_token).status, 200);

  // The person's language, chosen with the cookie (a change: CSRF token).
  const std::string english = Json{{"language", "en"}}.dump();
  EXPECT_EQ(Send("PUT", "/api/v1/session/language", english, Cookie(session)).status, 403);
  auto chosen = Send("PUT", "/api/v1/session/language", english, Cookie(session, csrf));
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  EXPECT_EQ(Send("GET", "/api/v1/session", "", Cookie(session)).JsonBody()->at("principal").at("language"),
            "en");
  auto french =
      Send("PUT", "/api/v1/session/language", Json{{"language", "fr"}}.dump(), Cookie(session, csrf));
  EXPECT_EQ(french.status, 400) << french.body;
  EXPECT_EQ(french.JsonBody()->value("field", ""), "language");

  // Another organization's admin may not; soc4's organization's may.
  server->AddOrganization({{"id", "power_b"},
                           {"kind", "operator"},
                           {"name_ja", "乙電力"},
                           {"name_en", "Otsu Electric"},
                           {"sectors", {"electric_power"}}});
  const std::string other_admin = server->AddPrincipal("admin_b", "power_b", {"admin"});
  auto refused =
      server->Call("PATCH", "/api/v1/admin/principals/soc4", other_admin, Json{{"disabled", true}});
  EXPECT_EQ(refused.status, 404) << refused.body;  // as for an unknown principal
  EXPECT_EQ(Send("GET", "/api/v1/session", "", Cookie(session)).status, 200);
  auto disabled =
      server->Call("PATCH", "/api/v1/admin/principals/soc4", server->admin_token(), Json{{"disabled", true}});
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_TRUE(disabled.json().contains("disabled_at"));

  auto ended = Send("GET", "/api/v1/session", "", Cookie(session));
  EXPECT_EQ(ended.status, 401) << ended.body;
  EXPECT_EQ(ended.JsonBody()->value("reason", ""), "session_ended");
  EXPECT_EQ(server->Call("GET", "/api/v1/reports", soc4_token).status, 401) << "its token, at once";
  auto again = Send("POST", "/api/v1/session", Json{{"principal", "soc4"}, {"password", kPassword}}.dump());
  EXPECT_EQ(again.status, 401) << again.body;
  EXPECT_EQ(again.JsonBody()->value("reason", ""), "principal_disabled");

  // Enabled again from the command line (another process): the password
  // and the token work again.
  std::vector<std::string> cli{"admin"};
  for (const auto& a : server->DatabaseArgs()) cli.push_back(a);
  cli.insert(cli.end(), {"principal", "enable", "--id", "soc4"});
  auto [status, out] = server->RunCli(cli);
  ASSERT_EQ(status, 0) << out;
  SignIn({{"principal", "soc4"}, {"password", kPassword}});
  EXPECT_EQ(server->Call("GET", "/api/v1/session", soc4_token).status, 200);
}

}  // namespace
}  // namespace infrashare::testing
