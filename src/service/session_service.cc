#include "service/session_service.h"

#include <fmt/format.h>

#include "common/crypto.h"
#include "common/input_limits.h"
#include "domain/registry/password_rules.h"
#include "service/change_record.h"

namespace infrashare {

namespace {

// A session's last_seen_at is written at most this often (a write a
// minute, not one a request); the idle timeout is that much less exact.
constexpr std::chrono::seconds kTouchEvery{60};

std::unexpected<Error> WrongSignIn() {
  return WithReason(MakeError(ErrorCode::kUnauthenticated, "the name, password or setup code is wrong"),
                    "sign_in_wrong");
}

// Said only to a caller who gave the right password or code.
std::unexpected<Error> PrincipalDisabled() {
  return WithReason(MakeError(ErrorCode::kUnauthenticated,
                              "this principal is disabled: ask your organization's administrator"),
                    "principal_disabled");
}

std::unexpected<Error> SessionEnded() {
  return WithReason(MakeError(ErrorCode::kUnauthenticated, "the session has ended: sign in again"),
                    "session_ended");
}

// What a sign-in needs to read, in one snapshot.
struct SignInState {
  std::optional<Timestamp> lock;
  std::optional<Credential> credential;
  std::optional<Principal> principal;
};

Result<SignInState> ReadSignInState(ReadTx& tx, const std::string& name) {
  SignInState s;
  s.lock = INFRASHARE_TRY(tx.GetSignInLock(name));
  s.credential = INFRASHARE_TRY(tx.GetCredential(name));
  s.principal = INFRASHARE_TRY(tx.GetPrincipal(name));
  return s;
}

// kUnauthenticated saying when to try again while `lock` holds.
Result<void> NotLocked(const std::optional<Timestamp>& lock, Timestamp now) {
  if (!lock || *lock <= now) return {};
  const auto minutes = std::chrono::ceil<std::chrono::minutes>(*lock - now).count();
  return WithReason(MakeError(ErrorCode::kUnauthenticated,
                              fmt::format("too many failed sign-ins with this name: try again in {} minute{}",
                                          minutes, minutes == 1 ? "" : "s")),
                    "sign_in_locked");
}

// The same credential as verified: a concurrent change (a second use of one
// setup code, a reset) makes the later sign-in fail.
bool SameCredential(const std::optional<Credential>& a, const std::optional<Credential>& b) {
  if (!a || !b) return !a && !b;
  return a->password_hash == b->password_hash && a->setup_code_sha256 == b->setup_code_sha256 &&
         a->changed_at == b->changed_at;
}

}  // namespace

SessionService::SessionService(Store& store, const Clock& clock, RegistryService& registry,
                               SessionLimits limits)
    : store_(store),
      clock_(clock),
      registry_(registry),
      limits_(limits),
      hashing_(std::clamp(limits.concurrent_hashes, 1, 1024)) {}

std::optional<std::string> SessionService::Hash(std::string_view password) {
  hashing_.acquire();
  auto hash = HashPassword(password);
  hashing_.release();
  return hash;
}

bool SessionService::Verify(std::string_view hash, std::string_view password) {
  hashing_.acquire();
  const bool right = VerifyPassword(hash, password);
  hashing_.release();
  return right;
}

std::mutex& SessionService::GuessesOf(std::string_view name) {
  return guesses_[std::hash<std::string_view>{}(name) % guesses_.size()];
}

void SessionService::VerifyNothing(std::string_view password) {
  std::call_once(dummy_once_, [this] { dummy_hash_ = Hash(RandomHex(16)).value_or(""); });
  // Without a dummy hash (no memory for it then), hashing costs the same.
  if (dummy_hash_.empty())
    (void)Hash(password);
  else
    (void)Verify(dummy_hash_, password);
}

Result<std::string> SessionService::IssueSetupCode(const Caller& caller, const std::string& principal_id,
                                                   const Json& body) {
  INFRASHARE_TRY(caller.Require(Role::kAdmin));
  INFRASHARE_TRY(ObjectReader(body, "").Finish());
  const std::string code = RandomHex(10);
  const Timestamp now = clock_.Now();
  INFRASHARE_TRY(store_.Write([&](WriteTx& tx) -> Result<void> {
    const auto missing = NotFound(fmt::format("principal '{}' not found", principal_id));
    auto p = INFRASHARE_TRY(tx.GetPrincipal(principal_id));
    if (!p) return missing;
    INFRASHARE_TRY(caller.RequireAdminOfRecord(p->organization, missing));
    INFRASHARE_TRY(tx.PutCredential(Credential{.principal = principal_id,
                                               .password_hash = std::nullopt,
                                               .setup_code_sha256 = Sha256Hex(code),
                                               .setup_code_expires_at = now + limits_.setup_code_lifetime,
                                               .changed_at = now}));
    INFRASHARE_TRY(tx.RevokeWebSessions(principal_id, now));
    return RecordChange(tx, caller.space,
                        ChangeRecord{.at = now,
                                     .actor = ChangeActor::Of(caller),
                                     .action = "principal.setup_code",
                                     .target_kind = "principal",
                                     .target_id = principal_id,
                                     .detail = {{"organization", p->organization}}});
  }));
  return code;
}

Result<SignedIn> SessionService::SignIn(const Json& body) {
  ObjectReader in(body, "");
  const std::string name = INFRASHARE_TRY(in.String("principal", kIdLimits));
  auto password = INFRASHARE_TRY(in.OptionalString("password", kPasswordFieldLimits));
  auto code = INFRASHARE_TRY(in.OptionalString("setup_code", kPasswordFieldLimits));
  auto new_password = INFRASHARE_TRY(in.OptionalString("new_password", kPasswordFieldLimits));
  INFRASHARE_TRY(in.Finish());
  if (password.has_value() == code.has_value())
    return InvalidArgument("password", "give either password, or setup_code with new_password");
  if (code && !new_password) return InvalidArgument("new_password", "is required with setup_code");
  if (password && new_password)
    return InvalidArgument("new_password", "is given with setup_code, or to PUT /api/v1/session/password");

  std::unique_lock guessing(GuessesOf(name));
  const Timestamp now = clock_.Now();
  auto state = INFRASHARE_TRY(store_.Read([&](ReadTx& tx) { return ReadSignInState(tx, name); }));
  INFRASHARE_TRY(NotLocked(state.lock, now));
  const std::optional<Credential>& cred = state.credential;
  bool right = false;
  if (password) {
    if (cred && cred->password_hash && state.principal)
      right = Verify(*cred->password_hash, *password);
    else
      VerifyNothing(*password);
  } else {
    right = cred && cred->setup_code_sha256 && cred->setup_code_expires_at &&
            *cred->setup_code_expires_at > now && state.principal &&
            ConstantTimeEquals(Sha256Hex(*code), *cred->setup_code_sha256);
  }
  if (!right) {
    INFRASHARE_TRY(RecordFailure(
        name, state.principal ? std::optional(state.principal->organization) : std::nullopt, now));
    return WrongSignIn();
  }
  guessing.unlock();  // the guess is judged; what follows is no guess
  if (password) {
    return StartSession(*state.principal, cred, std::nullopt, "session.sign_in");
  }
  // The code is right: the new password must meet the rules (no failure is
  // counted for a weak one).
  INFRASHARE_TRY(CheckNewPassword(*new_password, "new_password"));
  auto hash = Hash(*new_password);
  if (!hash) return MakeError(ErrorCode::kUnavailable, "the password could not be hashed: try again");
  const Credential updated{.principal = name, .password_hash = std::move(*hash), .changed_at = now};
  return StartSession(*state.principal, cred, updated, "session.first_sign_in");
}

Result<SignedIn> SessionService::StartSession(const Principal& principal,
                                              const std::optional<Credential>& verified,
                                              const std::optional<Credential>& replacement,
                                              std::string_view action) {
  const Timestamp now = clock_.Now();
  SignedIn out{.session_id = RandomHex(32),
               .csrf_token = RandomHex(32),
               .principal = principal,
               .expires_at = now + limits_.lifetime};
  const WebSession session{.id_sha256 = Sha256Hex(out.session_id),
                           .principal = principal.id,
                           .csrf_token = out.csrf_token,
                           .created_at = now,
                           .last_seen_at = now,
                           .expires_at = out.expires_at};
  INFRASHARE_TRY(store_.Write([&](WriteTx& tx) -> Result<void> {
    INFRASHARE_TRY(tx.ForgetWebSessions(now));
    auto current = INFRASHARE_TRY(tx.GetCredential(principal.id));
    if (!SameCredential(current, verified)) return WrongSignIn();
    // Holds the credential until this write ends: a change made meanwhile
    // by another process waits for it, or has made this one fail.
    if (!current || !INFRASHARE_TRY(tx.HoldCredential(principal.id, current->changed_at)))
      return WrongSignIn();
    auto now_principal = INFRASHARE_TRY(tx.GetPrincipal(principal.id));
    if (!now_principal || now_principal->disabled_at) return PrincipalDisabled();
    if (replacement) {
      INFRASHARE_TRY(tx.RevokeWebSessions(principal.id, now));
      INFRASHARE_TRY(tx.PutCredential(*replacement));
    }
    INFRASHARE_TRY(tx.InsertWebSession(session));
    return RecordChange(
        tx, Space::Live(),
        ChangeRecord{.at = now,
                     .actor = {.principal = principal.id, .organization = principal.organization},
                     .action = std::string(action),
                     .target_kind = "principal",
                     .target_id = principal.id});
  }));
  return out;
}

Result<void> SessionService::RecordFailure(const std::string& name,
                                           const std::optional<std::string>& organization, Timestamp now) {
  // The audit never names a name that is no principal's (it may be a
  // password typed in the wrong field; only the failure counter keeps it,
  // for the lock's window); otherwise it names the principal and its
  // organization, so that the organization's admins see it.
  const std::string target = organization ? name : "";
  const Json detail = organization ? Json{{"organization", *organization}} : Json{{"known", false}};
  return store_.Write([&](WriteTx& tx) -> Result<void> {
    INFRASHARE_TRY(tx.ForgetSignInFailures(now - limits_.window));
    INFRASHARE_TRY(tx.AddSignInFailure(name, now));
    INFRASHARE_TRY(RecordChange(tx, Space::Live(),
                                ChangeRecord{.at = now,
                                             .action = "session.sign_in_failed",
                                             .target_kind = "principal",
                                             .target_id = target,
                                             .detail = detail}));
    auto failures = INFRASHARE_TRY(tx.CountSignInFailures(name, now - limits_.window));
    if (failures < limits_.max_failures) return {};
    INFRASHARE_TRY(tx.SetSignInLock(name, now + limits_.lock));
    Json lock_detail = detail;
    lock_detail["failures"] = failures;
    return RecordChange(tx, Space::Live(),
                        ChangeRecord{.at = now,
                                     .action = "session.lock",
                                     .target_kind = "principal",
                                     .target_id = target,
                                     .detail = std::move(lock_detail)});
  });
}

namespace {

// The session and its principal while the session stands at `now`: not
// revoked, not past its lifetime, of an enabled principal (idleness aside);
// nullopt otherwise.
using StandingSession = std::optional<std::pair<WebSession, Principal>>;
Result<StandingSession> Standing(ReadTx& tx, const std::string& id_sha256, Timestamp now) {
  auto s = INFRASHARE_TRY(tx.GetWebSession(id_sha256));
  if (!s || s->revoked_at || now >= s->expires_at) return std::nullopt;
  auto p = INFRASHARE_TRY(tx.GetPrincipal(s->principal));
  if (!p || p->disabled_at) return std::nullopt;
  return std::pair{std::move(*s), std::move(*p)};
}

}  // namespace

Result<bool> SessionService::Stands(ReadTx& tx, const std::string& id_sha256, Timestamp now) {
  return INFRASHARE_TRY(Standing(tx, id_sha256, now)).has_value();
}

Result<SessionCaller> SessionService::Authenticate(std::string_view session_id) {
  if (session_id.size() != 64) return SessionEnded();
  const std::string id_sha256 = Sha256Hex(session_id);
  const Timestamp now = clock_.Now();
  auto found = INFRASHARE_TRY(store_.Read([&](ReadTx& tx) { return Standing(tx, id_sha256, now); }));
  if (!found) return SessionEnded();
  const WebSession& s = found->first;
  if (now - s.last_seen_at >= limits_.idle) return SessionEnded();
  if (now - s.last_seen_at >= kTouchEvery)
    INFRASHARE_TRY(store_.Write([&](WriteTx& tx) { return tx.TouchWebSession(id_sha256, now); }));
  SessionCaller out;
  out.caller.registry = registry_.Snapshot();
  out.caller.organization = out.caller.registry->FindOrganization(found->second.organization);
  if (out.caller.organization == nullptr) return SessionEnded();
  out.caller.principal = std::move(found->second);
  out.caller.credential = CredentialRef{.kind = CredentialRef::Kind::kSession, .id = id_sha256};
  out.csrf_token = s.csrf_token;
  return out;
}

Result<Identity> SessionService::WhoAmI(const Caller& caller, const std::optional<std::string>& session_id) {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  Identity out{.principal = *caller.principal, .organization = caller.organization};
  if (session_id) {
    auto session = INFRASHARE_TRY(Authenticate(*session_id));
    if (session.caller.principal->id != caller.principal->id) return SessionEnded();
    out.csrf_token = std::move(session.csrf_token);
  }
  return out;
}

Result<Principal> SessionService::SetLanguage(const Caller& caller, const Json& body) {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  ObjectReader in(body, "");
  const std::string language = INFRASHARE_TRY(in.String("language", {1, 8}));
  INFRASHARE_TRY(in.Finish());
  if (!IsLanguage(language)) return InvalidArgument("language", "must be ja or en");
  Principal out;
  INFRASHARE_TRY(store_.Write([&](WriteTx& tx) -> Result<void> {
    auto p = INFRASHARE_TRY(tx.GetPrincipal(caller.principal->id));
    if (!p) return SessionEnded();
    p->language = language;
    INFRASHARE_TRY(tx.UpdatePrincipal(*p));
    out = std::move(*p);
    return {};
  }));
  return out;
}

Result<void> SessionService::SignOut(const Caller& caller, std::string_view session_id) {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  const Timestamp now = clock_.Now();
  const std::string id_sha256 = Sha256Hex(session_id);
  return store_.Write([&](WriteTx& tx) -> Result<void> {
    auto s = INFRASHARE_TRY(tx.GetWebSession(id_sha256));
    if (!s || s->principal != caller.principal->id) return SessionEnded();
    INFRASHARE_TRY(tx.RevokeWebSession(id_sha256, now));
    return RecordChange(tx, Space::Live(),
                        ChangeRecord{.at = now,
                                     .actor = ChangeActor::Of(caller),
                                     .action = "session.sign_out",
                                     .target_kind = "principal",
                                     .target_id = caller.principal->id});
  });
}

Result<SignedIn> SessionService::ChangePassword(const Caller& caller, const Json& body) {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  ObjectReader in(body, "");
  const std::string current = INFRASHARE_TRY(in.String("current_password", kPasswordFieldLimits));
  const std::string next = INFRASHARE_TRY(in.String("new_password", kPasswordFieldLimits));
  INFRASHARE_TRY(in.Finish());
  const Principal& principal = *caller.principal;
  const Timestamp now = clock_.Now();
  // A wrong current password counts as a failed sign-in (a stolen cookie
  // must not give unlimited guesses), and the lock applies here too.
  std::unique_lock guessing(GuessesOf(principal.id));
  auto state = INFRASHARE_TRY(store_.Read([&](ReadTx& tx) { return ReadSignInState(tx, principal.id); }));
  INFRASHARE_TRY(NotLocked(state.lock, now));
  const std::optional<Credential>& cred = state.credential;
  if (!cred || !cred->password_hash || !Verify(*cred->password_hash, current)) {
    INFRASHARE_TRY(RecordFailure(principal.id, principal.organization, now));
    return WithReason(InvalidArgument("current_password", "is not the password of this principal"),
                      "password_current_wrong");
  }
  guessing.unlock();
  INFRASHARE_TRY(CheckNewPassword(next, "new_password"));
  if (next == current)
    return WithReason(InvalidArgument("new_password", "must differ from the current password"),
                      "password_unchanged");
  auto hash = Hash(next);
  if (!hash) return MakeError(ErrorCode::kUnavailable, "the password could not be hashed: try again");
  const Credential updated{
      .principal = principal.id, .password_hash = std::move(*hash), .changed_at = clock_.Now()};
  return StartSession(principal, cred, updated, "principal.password_change");
}

}  // namespace infrashare
