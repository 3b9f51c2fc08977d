#include "service/session_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/crypto.h"
#include "domain/registry/password_rules.h"
#include "service/service_test_util.h"

namespace infrashare::service_test {
namespace {

constexpr char kGoodPassword[] = "correct horse battery staple";

class SessionServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    const Caller system = SystemCaller(services().registry.Snapshot());
    auto p = services().registry.AddPrincipal(
        system,
        Json{{"id", "soc1"}, {"organization", "power_a"}, {"name", "SOC desk"}, {"roles", {"reporter"}}});
    ASSERT_TRUE(p) << p.error().message;
    auto code = services().sessions.IssueSetupCode(system, "soc1", Json::object());
    ASSERT_TRUE(code) << code.error().message;
    code_ = *code;
  }

  Result<SignedIn> FirstSignIn(const std::string& password = kGoodPassword) {
    return services().sessions.SignIn(
        Json{{"principal", "soc1"}, {"setup_code", code_}, {"new_password", password}});
  }

  Result<SignedIn> SignIn(const std::string& name, const std::string& password) {
    return services().sessions.SignIn(Json{{"principal", name}, {"password", password}});
  }

  // The audit actions recorded so far, oldest first.
  std::vector<std::string> AuditActions() {
    auto events = store().Read([](ReadTx& tx) { return tx.ListAudit(0, 1000); });
    EXPECT_TRUE(events);
    std::vector<std::string> out;
    for (const auto& e : *events) out.push_back(e.action);
    return out;
  }

  std::string code_;
};

TEST(PasswordRulesTest, RefusesShortCommonPaddedAndRepeatedPasswords) {
  EXPECT_FALSE(CheckNewPassword("short1!", "p"));
  EXPECT_FALSE(CheckNewPassword(std::string(kMaxPasswordBytes + 1, 'x'), "p"));
  EXPECT_TRUE(IsCommonPassword("PASSWORD"));
  EXPECT_FALSE(CheckNewPassword("Password2024!", "p"));  // a common word padded to 13
  EXPECT_FALSE(CheckNewPassword("!!dragon123456", "p"));
  EXPECT_FALSE(CheckNewPassword("qwertyqwerty", "p"));     // repeated
  EXPECT_FALSE(CheckNewPassword("qwertyqwerty1!", "p"));   // repeated, then padded
  EXPECT_FALSE(CheckNewPassword("2024!MonkeyMonkey", "p"));
  EXPECT_FALSE(CheckNewPassword("123456789012345", "p"));  // a common number padded
  EXPECT_TRUE(CheckNewPassword(kGoodPassword, "p"));
  EXPECT_TRUE(CheckNewPassword("停電復旧手順を確認しました", "p"));  // 13 characters, 39 bytes
  EXPECT_FALSE(CheckNewPassword("停電復旧手順を確認した", "p"));     // 11 characters
  auto weak = CheckNewPassword("monkey12345678", "new_password");
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().field, "new_password");
  EXPECT_EQ(weak.error().message.find("monkey"), std::string::npos);  // never echoed
}

TEST(PasswordHashTest, VerifiesOnlyTheRightPassword) {
  auto hash = HashPassword(kGoodPassword);
  ASSERT_TRUE(hash);
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword(*hash, kGoodPassword));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery stapler"));
  EXPECT_FALSE(VerifyPassword("not a hash", kGoodPassword));
}

TEST_F(SessionServiceTest, ASetupCodeIsExchangedOnceForAPasswordThatThenSignsIn) {
  auto first = FirstSignIn();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->principal.id, "soc1");
  EXPECT_EQ(first->session_id.size(), 64u);
  EXPECT_EQ(first->csrf_token.size(), 64u);
  EXPECT_FALSE(FirstSignIn()) << "a setup code is good once";

  auto again = SignIn("soc1", kGoodPassword);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_NE(again->session_id, first->session_id);
  auto caller = services().sessions.Authenticate(again->session_id);
  ASSERT_TRUE(caller) << caller.error().message;
  EXPECT_EQ(caller->caller.principal->id, "soc1");
  EXPECT_EQ(caller->caller.organization->id, "power_a");
  EXPECT_EQ(caller->csrf_token, again->csrf_token);

  // Stored as hashes only.
  auto cred = store().Read([](ReadTx& tx) { return tx.GetCredential("soc1"); });
  ASSERT_TRUE(cred && *cred);
  EXPECT_TRUE((*cred)->password_hash->starts_with("$argon2id$"));
  EXPECT_FALSE((*cred)->setup_code_sha256);
  auto stored = store().Read([&](ReadTx& tx) { return tx.GetWebSession(Sha256Hex(again->session_id)); });
  ASSERT_TRUE(stored && *stored);
  EXPECT_FALSE(store().Read([&](ReadTx& tx) { return tx.GetWebSession(again->session_id); }).value());
}

TEST_F(SessionServiceTest, AWeakNewPasswordIsRefusedByNameAndTheCodeStaysGood) {
  auto weak = FirstSignIn("password1234");
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(weak.error().field, "new_password");
  EXPECT_TRUE(FirstSignIn());
}

TEST_F(SessionServiceTest, WrongNamesPasswordsAndCodesGetOneAnswer) {
  ASSERT_TRUE(FirstSignIn());
  auto wrong_password = SignIn("soc1", "not the password at all");
  auto unknown_name = SignIn("nobody", "not the password at all");
  auto wrong_code = services().sessions.SignIn(
      Json{{"principal", "soc1"}, {"setup_code", "00000000000000000000"}, {"new_password", kGoodPassword}});
  for (const auto* r : {&wrong_password, &unknown_name, &wrong_code}) {
    ASSERT_FALSE(*r);
    EXPECT_EQ(r->error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(r->error().message, wrong_password.error().message);
  }
}

TEST_F(SessionServiceTest, TenFailuresLockTheNameForFifteenMinutesAcrossARestartOfTheService) {
  ASSERT_TRUE(FirstSignIn());
  for (int i = 0; i < 10; ++i) ASSERT_FALSE(SignIn("soc1", "not the password at all"));
  auto locked = SignIn("soc1", kGoodPassword);
  ASSERT_FALSE(locked) << "the right password is refused while locked";
  EXPECT_NE(locked.error().message.find("try again in 15 minutes"), std::string::npos)
      << locked.error().message;

  // A new service over the same store (a restart) keeps the lock.
  SessionService restarted(store(), clock(), services().registry);
  EXPECT_FALSE(restarted.SignIn(Json{{"principal", "soc1"}, {"password", kGoodPassword}}));
  // A name that does not exist locks the same way.
  for (int i = 0; i < 10; ++i) ASSERT_FALSE(SignIn("nobody", "x"));
  auto nobody = SignIn("nobody", "x");
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().message, locked.error().message);

  clock().Advance(std::chrono::minutes(15));
  EXPECT_TRUE(SignIn("soc1", kGoodPassword));
  auto actions = AuditActions();
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "session.sign_in_failed"), 20);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "session.lock"), 2);
}

// Thirty guesses at once: each is judged after the one before was counted,
// so exactly ten are checked and counted before the lock refuses the rest.
TEST_F(SessionServiceTest, ParallelGuessesDoNotOvershootTheLock) {
  ASSERT_TRUE(FirstSignIn());
  std::vector<std::thread> guessers;
  std::atomic<int> refused_locked = 0;
  for (int i = 0; i < 30; ++i)
    guessers.emplace_back([&, i] {
      auto r = SignIn("soc1", "wrong guess number " + std::to_string(i));
      if (!r && r.error().reason == "sign_in_locked") ++refused_locked;
    });
  for (auto& g : guessers) g.join();
  EXPECT_EQ(refused_locked.load(), 20);
  auto actions = AuditActions();
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "session.sign_in_failed"), 10);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "session.lock"), 1);
}

TEST_F(SessionServiceTest, SessionsEndAtSignOutIdleTimeoutLifetimeAndPasswordChange) {
  auto s = FirstSignIn();
  ASSERT_TRUE(s);
  auto caller = services().sessions.Authenticate(s->session_id);
  ASSERT_TRUE(caller);

  // Idle: a request every 20 minutes keeps it; 30 minutes of silence ends it.
  for (int i = 0; i < 3; ++i) {
    clock().Advance(std::chrono::minutes(20));
    ASSERT_TRUE(services().sessions.Authenticate(s->session_id)) << i;
  }
  clock().Advance(std::chrono::minutes(30));
  EXPECT_FALSE(services().sessions.Authenticate(s->session_id));

  // Lifetime: 12 hours even when used every 20 minutes.
  auto t = SignIn("soc1", kGoodPassword);
  ASSERT_TRUE(t);
  for (int i = 0; i < 35; ++i) {
    clock().Advance(std::chrono::minutes(20));
    ASSERT_TRUE(services().sessions.Authenticate(t->session_id)) << i;
  }
  clock().Advance(std::chrono::minutes(20));
  EXPECT_FALSE(services().sessions.Authenticate(t->session_id)) << "past 12 h";

  // Sign-out.
  auto u = SignIn("soc1", kGoodPassword);
  ASSERT_TRUE(u);
  auto as_u = services().sessions.Authenticate(u->session_id);
  ASSERT_TRUE(as_u);
  ASSERT_TRUE(services().sessions.SignOut(as_u->caller, u->session_id));
  EXPECT_FALSE(services().sessions.Authenticate(u->session_id));

  // A password change ends every session and answers a new one.
  auto v = SignIn("soc1", kGoodPassword);
  auto w = SignIn("soc1", kGoodPassword);
  ASSERT_TRUE(v && w);
  auto as_v = services().sessions.Authenticate(v->session_id);
  ASSERT_TRUE(as_v);
  auto bad = services().sessions.ChangePassword(
      as_v->caller,
      Json{{"current_password", "wrong wrong wrong"}, {"new_password", "a new long passphrase"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "current_password");
  auto changed = services().sessions.ChangePassword(
      as_v->caller, Json{{"current_password", kGoodPassword}, {"new_password", "a new long passphrase"}});
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_FALSE(services().sessions.Authenticate(v->session_id));
  EXPECT_FALSE(services().sessions.Authenticate(w->session_id));
  EXPECT_TRUE(services().sessions.Authenticate(changed->session_id));
  EXPECT_FALSE(SignIn("soc1", kGoodPassword));
  EXPECT_TRUE(SignIn("soc1", "a new long passphrase"));
}

TEST_F(SessionServiceTest, AResetByAnAdminEndsSessionsAndOnlyAdminsOfTheOrganizationMayIssueCodes) {
  auto s = FirstSignIn();
  ASSERT_TRUE(s);
  auto other_admin =
      services().sessions.IssueSetupCode(As("power_b", {Role::kAdmin}), "soc1", Json::object());
  ASSERT_FALSE(other_admin);
  EXPECT_EQ(other_admin.error().code, ErrorCode::kNotFound) << "as for an unknown principal";
  EXPECT_EQ(other_admin.error().message, "principal 'soc1' not found");
  EXPECT_FALSE(services().sessions.IssueSetupCode(As("power_a", {Role::kReporter}), "soc1", Json::object()));
  EXPECT_FALSE(services().sessions.IssueSetupCode(As("power_a", {Role::kAdmin}), "nobody", Json::object()));

  auto code = services().sessions.IssueSetupCode(As("power_a", {Role::kAdmin}), "soc1", Json::object());
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_FALSE(services().sessions.Authenticate(s->session_id));
  EXPECT_FALSE(SignIn("soc1", kGoodPassword)) << "a reset clears the password";
  code_ = *code;
  EXPECT_TRUE(FirstSignIn("another fine passphrase"));

  // A code expires after 72 hours.
  code = services().sessions.IssueSetupCode(As("power_a", {Role::kAdmin}), "soc1", Json::object());
  ASSERT_TRUE(code);
  code_ = *code;
  clock().Advance(std::chrono::hours(72));
  EXPECT_FALSE(FirstSignIn());
}

TEST_F(SessionServiceTest, SignInEventsAreSeenByTheOrganizationsAdminsAndNisc_UnknownNamesAreNotWrittenDown) {
  ASSERT_TRUE(FirstSignIn());
  ASSERT_FALSE(SignIn("soc1", "not the password at all"));
  ASSERT_FALSE(SignIn("my secret passphrase typed here", "x"));
  auto actions_seen_by = [&](const Caller& admin) {
    auto events = services().audit.List(admin, 0, 500);
    EXPECT_TRUE(events) << events.error().message;
    std::vector<std::string> out;
    for (const auto& e : *events)
      if (e.action.starts_with("session.") || e.action == "principal.setup_code")
        out.push_back(e.action + " " + e.target_id);
    return out;
  };
  const std::vector<std::string> own{"principal.setup_code soc1", "session.first_sign_in soc1",
                                     "session.sign_in_failed soc1"};
  EXPECT_EQ(actions_seen_by(As("power_a", {Role::kAdmin})), own);
  EXPECT_TRUE(actions_seen_by(As("power_b", {Role::kAdmin})).empty());
  auto nisc = actions_seen_by(SystemCaller(services().registry.Snapshot()));
  ASSERT_EQ(nisc.size(), 4u);
  EXPECT_EQ(nisc.back(), "session.sign_in_failed ") << "an unknown name is not stored";
}

TEST_F(SessionServiceTest, WrongCurrentPasswordsCountAsFailuresAndLockTheName) {
  auto s = FirstSignIn();
  ASSERT_TRUE(s);
  auto as = services().sessions.Authenticate(s->session_id);
  ASSERT_TRUE(as);
  for (int i = 0; i < 10; ++i) {
    auto r = services().sessions.ChangePassword(
        as->caller, Json{{"current_password", "guess number " + std::to_string(i)}, {"new_password", "x"}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().field, "current_password");
  }
  auto locked = services().sessions.ChangePassword(
      as->caller, Json{{"current_password", kGoodPassword}, {"new_password", "a new long passphrase"}});
  ASSERT_FALSE(locked) << "the right password is refused while locked";
  EXPECT_NE(locked.error().message.find("try again in"), std::string::npos);
  EXPECT_FALSE(SignIn("soc1", kGoodPassword));
}

TEST_F(SessionServiceTest, MalformedBodiesNameTheFieldAndChangeNothing) {
  const auto before = AuditActions().size();
  struct Case {
    Json body;
    std::string field;
  };
  const Case cases[] = {
      {Json::array(), ""},
      {Json{{"password", "x"}}, "principal"},
      {Json{{"principal", 5}, {"password", "x"}}, "principal"},
      {Json{{"principal", "soc1"}}, "password"},
      {Json{{"principal", "soc1"}, {"password", "x"}, {"setup_code", "y"}}, "password"},
      {Json{{"principal", "soc1"}, {"setup_code", "y"}}, "new_password"},
      {Json{{"principal", "soc1"}, {"password", std::string(kMaxPasswordBytes + 1, 'x')}}, "password"},
      {Json{{"principal", "soc1"}, {"password", "x"}, {"remember", true}}, "remember"},
  };
  for (const auto& c : cases) {
    auto r = services().sessions.SignIn(c.body);
    ASSERT_FALSE(r) << c.body.dump();
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << c.body.dump();
    EXPECT_EQ(r.error().field, c.field) << c.body.dump() << ": " << r.error().message;
  }
  EXPECT_EQ(AuditActions().size(), before) << "no failure is counted for a malformed body";
  EXPECT_FALSE(services().sessions.Authenticate("short"));
  EXPECT_FALSE(services().sessions.Authenticate(std::string(64, 'a')));
}

TEST_F(SessionServiceTest, DisablingAPrincipalEndsItsSessionsRefusesItsTokensAndItsSignIn) {
  auto s = FirstSignIn();
  ASSERT_TRUE(s);
  const Caller system = SystemCaller(services().registry.Snapshot());
  auto token = services().registry.IssueToken(system, "soc1", Json::object());
  ASSERT_TRUE(token) << token.error().message;
  ASSERT_TRUE(services().auth.Authenticate("Bearer " + token->secret_token)) << "cached now";

  // Only the organization's admins (or the platform's) may; not by itself.
  const Json disable{{"disabled", true}};
  auto other = services().registry.UpdatePrincipal(As("power_b", {Role::kAdmin}), "soc1", disable);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kNotFound) << "as for an unknown principal";
  EXPECT_FALSE(services().registry.UpdatePrincipal(As("power_a", {Role::kReporter}), "soc1", disable));
  auto unknown = services().registry.UpdatePrincipal(As("power_a", {Role::kAdmin}), "nobody", disable);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(services().sessions.Authenticate(s->session_id)) << "nothing changed yet";

  auto disabled = services().registry.UpdatePrincipal(As("power_a", {Role::kAdmin}), "soc1", disable);
  ASSERT_TRUE(disabled) << disabled.error().message;
  EXPECT_TRUE(disabled->disabled_at);
  EXPECT_FALSE(services().sessions.Authenticate(s->session_id));
  EXPECT_FALSE(services().auth.Authenticate("Bearer " + token->secret_token))
      << "the cached token is forgotten at once";
  auto right = SignIn("soc1", kGoodPassword);
  ASSERT_FALSE(right);
  EXPECT_EQ(right.error().reason, "principal_disabled") << "said only with the right password";
  auto wrong = SignIn("soc1", "not the password at all");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().reason, "sign_in_wrong");
  const auto actions = AuditActions();
  EXPECT_NE(std::ranges::find(actions, "principal.disable"), actions.end());

  // Enabled again: the password and the token work again.
  auto enabled =
      services().registry.UpdatePrincipal(As("power_a", {Role::kAdmin}), "soc1", Json{{"disabled", false}});
  ASSERT_TRUE(enabled) << enabled.error().message;
  EXPECT_FALSE(enabled->disabled_at);
  EXPECT_TRUE(SignIn("soc1", kGoodPassword));
  EXPECT_TRUE(services().auth.Authenticate("Bearer " + token->secret_token));
}

TEST_F(SessionServiceTest, RolesChangeAndAnAdminCannotLockItselfOut) {
  const Caller admin = As("power_a", {Role::kAdmin});
  auto changed = services().registry.UpdatePrincipal(admin, "soc1", Json{{"roles", {"reporter", "analyst"}}});
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_TRUE(changed->HasRole(Role::kAnalyst));
  auto stored = store().Read([](ReadTx& tx) { return tx.GetPrincipal("soc1"); });
  ASSERT_TRUE(stored && *stored);
  EXPECT_TRUE((*stored)->HasRole(Role::kAnalyst));

  // The admin "power_a_user" as stored, acting on itself.
  ASSERT_TRUE(services().registry.AddPrincipal(
      SystemCaller(services().registry.Snapshot()),
      Json{{"id", "power_a_user"}, {"organization", "power_a"}, {"name", "admin"}, {"roles", {"admin"}}}));
  auto self_disable = services().registry.UpdatePrincipal(admin, "power_a_user", Json{{"disabled", true}});
  ASSERT_FALSE(self_disable);
  EXPECT_EQ(self_disable.error().field, "disabled");
  auto self_demote =
      services().registry.UpdatePrincipal(admin, "power_a_user", Json{{"roles", {"reporter"}}});
  ASSERT_FALSE(self_demote);
  EXPECT_EQ(self_demote.error().field, "roles");

  struct Case {
    Json body;
    std::string field;
  };
  const Case cases[] = {
      {Json::object(), ""},
      {Json{{"disabled", "yes"}}, "disabled"},
      {Json{{"roles", Json::array()}}, "roles"},
      {Json{{"roles", {"king"}}}, "roles[0]"},
      {Json{{"disabled", true}, {"name", "x"}}, "name"},
  };
  for (const auto& c : cases) {
    auto r = services().registry.UpdatePrincipal(admin, "soc1", c.body);
    ASSERT_FALSE(r) << c.body.dump();
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << c.body.dump();
    EXPECT_EQ(r.error().field, c.field) << c.body.dump() << ": " << r.error().message;
  }
  stored = store().Read([](ReadTx& tx) { return tx.GetPrincipal("soc1"); });
  ASSERT_TRUE(stored && *stored);
  EXPECT_FALSE((*stored)->disabled_at) << "a refused change changed nothing";
}

TEST_F(SessionServiceTest, ThePersonsLanguageIsKeptAndAnsweredInWhoAmI) {
  auto s = FirstSignIn();
  ASSERT_TRUE(s);
  auto as = services().sessions.Authenticate(s->session_id);
  ASSERT_TRUE(as);
  auto who = services().sessions.WhoAmI(as->caller, s->session_id);
  ASSERT_TRUE(who);
  EXPECT_FALSE(who->principal.language) << "nothing chosen yet";
  auto bad = services().sessions.SetLanguage(as->caller, Json{{"language", "fr"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "language");
  ASSERT_TRUE(services().sessions.SetLanguage(as->caller, Json{{"language", "en"}}));
  as = services().sessions.Authenticate(s->session_id);
  ASSERT_TRUE(as);
  who = services().sessions.WhoAmI(as->caller, s->session_id);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->principal.language, "en");
}

TEST_F(SessionServiceTest, ASignInFailsWhenTheCredentialChangedSinceItWasChecked) {
  auto s = FirstSignIn();
  ASSERT_TRUE(s);
  auto cred = store().Read([](ReadTx& tx) { return tx.GetCredential("soc1"); });
  ASSERT_TRUE(cred && *cred);
  auto held = store().Write([&](WriteTx& tx) { return tx.HoldCredential("soc1", (*cred)->changed_at); });
  ASSERT_TRUE(held);
  EXPECT_TRUE(*held);
  clock().Advance(std::chrono::seconds(1));
  ASSERT_TRUE(services().sessions.IssueSetupCode(As("power_a", {Role::kAdmin}), "soc1", Json::object()));
  held = store().Write([&](WriteTx& tx) { return tx.HoldCredential("soc1", (*cred)->changed_at); });
  ASSERT_TRUE(held);
  EXPECT_FALSE(*held) << "the reset changed it";
}

}  // namespace
}  // namespace infrashare::service_test
