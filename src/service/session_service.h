// People sign in (the browser UI; machines keep their API tokens,
// auth_service.h). A principal gets a one-time setup code from an
// administrator, exchanges it at its first sign-in for a password of its
// own (domain/registry/password_rules.h), and signs in with that password
// into a session: a random 256-bit id in an HttpOnly cookie, stored only as
// its SHA-256, with a CSRF token that every change made with the cookie
// sends back (the api gate checks it). A session ends at sign-out, after
// SessionLimits::idle without a request, after SessionLimits::lifetime, and
// when its principal's password changes or is reset, or the principal is
// disabled (RegistryService::UpdatePrincipal). A disabled principal's right
// password is answered "disabled"; a wrong one as any wrong one.
//
// Brute force: SessionLimits::max_failures failed sign-ins for one name
// within SessionLimits::window lock that name for SessionLimits::lock,
// stored, whether or not the name exists. Guesses at one name are judged
// one after another in a process (the lock is read after the one before
// was counted), so parallel guesses do not overshoot the limit; several
// processes on one database overshoot it by at most one guess each. A failed sign-in never says
// whether the name exists, and costs the same time either way. Each
// sign-in, failure, lock, sign-out, setup code and password change is an
// audit event.
//
// Passwords are hashed and verified here (argon2id, about 0.1 s and 64 MiB
// each): call only from worker threads, never a network thread.
//
// Thread behaviour: thread-safe.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>
#include <thread>

#include "common/error.h"
#include "common/json.h"
#include "common/time.h"
#include "service/caller.h"
#include "service/registry_service.h"
#include "store/store.h"

namespace infrashare {

struct SessionLimits {
  std::chrono::minutes idle{30};
  std::chrono::hours lifetime{12};
  int max_failures = 10;
  std::chrono::minutes window{15};
  std::chrono::minutes lock{15};
  std::chrono::hours setup_code_lifetime{72};
  // Password hashes computed or verified at once (argon2id: about 0.1 s of
  // a core and 64 MiB each); more wait on their worker thread, so that a
  // burst of sign-ins leaves the other cores to everything else.
  int concurrent_hashes = std::max(1, int(std::thread::hardware_concurrency() / 2));
};

// A new session: the cookie's value and the CSRF token (both shown once).
struct SignedIn {
  std::string session_id;
  std::string csrf_token;
  Principal principal;
  Timestamp expires_at;
};

// Who a caller is, for the browser: its principal and organization, and
// the CSRF token of its session when it signed in with the cookie.
struct Identity {
  Principal principal;
  const Organization* organization = nullptr;  // in the caller's registry
  std::optional<std::string> csrf_token;
};

// The caller a session cookie stands for, and the CSRF token its changes
// must carry.
struct SessionCaller {
  Caller caller;
  std::string csrf_token;
};

class SessionService {
 public:
  SessionService(Store& store, const Clock& clock, RegistryService& registry, SessionLimits limits = {});

  // A one-time setup code for `principal_id` (its organization's admin or
  // the platform's), valid for limits.setup_code_lifetime; shown once. A
  // reset: the principal's password is cleared and its sessions end.
  // `body` is {} (no options yet).
  Result<std::string> IssueSetupCode(const Caller& caller, const std::string& principal_id, const Json& body);

  // {"principal", "password"} or, at the first sign-in or after a reset,
  // {"principal", "setup_code", "new_password"}. A wrong name, password or
  // code: kUnauthenticated "the name, password or setup code is wrong"; a
  // locked name: kUnauthenticated saying when to try again; a weak new
  // password (with the right code): kInvalidArgument naming new_password.
  Result<SignedIn> SignIn(const Json& body);

  // The caller of a session cookie's value; kUnauthenticated "the session
  // has ended: sign in again" for an unknown, revoked, idle or expired one.
  Result<SessionCaller> Authenticate(std::string_view session_id);

  // Whether the session (by the SHA-256 of its id) still stands at `now`:
  // not revoked or signed out, within its lifetime, of an enabled principal.
  // Idleness does not count: an event stream open on the session is use.
  static Result<bool> Stands(ReadTx& tx, const std::string& id_sha256, Timestamp now);

  // The caller (authenticated by token or cookie); `session_id` is the
  // cookie's value when there is one.
  Result<Identity> WhoAmI(const Caller& caller, const std::optional<std::string>& session_id);

  // {"language": "ja" | "en"}: the caller's own, answered in WhoAmI.
  Result<Principal> SetLanguage(const Caller& caller, const Json& body);

  // Ends the session (the caller's own).
  Result<void> SignOut(const Caller& caller, std::string_view session_id);

  // {"current_password", "new_password"}: the caller's own password. Every
  // session of the principal ends; the answer is a new one for the browser
  // that asked.
  Result<SignedIn> ChangePassword(const Caller& caller, const Json& body);

  const SessionLimits& limits() const { return limits_; }

 private:
  // A new session for `principal` whose sign-in checked `verified`, in one
  // write that refuses it when the credential changed meanwhile (a second
  // use of one setup code, a password change or reset during the check);
  // with `replacement` stored in its place, ending the principal's other
  // sessions. The audit action names why.
  Result<SignedIn> StartSession(const Principal& principal, const std::optional<Credential>& verified,
                                const std::optional<Credential>& replacement, std::string_view action);
  // Records a failed sign-in of `name` (a principal of `organization`, or
  // nullopt for no principal), locking the name at the limit.
  Result<void> RecordFailure(const std::string& name, const std::optional<std::string>& organization,
                             Timestamp now);
  // A verification as slow as a real one, for names without a password.
  void VerifyNothing(std::string_view password);
  // HashPassword and VerifyPassword, at most limits_.concurrent_hashes at once.
  std::optional<std::string> Hash(std::string_view password);
  bool Verify(std::string_view hash, std::string_view password);

  Store& store_;
  const Clock& clock_;
  RegistryService& registry_;
  const SessionLimits limits_;
  std::counting_semaphore<1024> hashing_;

  // The names whose guesses are judged one after another: a mutex per
  // stripe of names (a name's stripe is its hash's).
  std::mutex& GuessesOf(std::string_view name);
  std::array<std::mutex, 64> guesses_;

  std::once_flag dummy_once_;
  std::string dummy_hash_;  // set once under dummy_once_
};

}  // namespace infrashare
