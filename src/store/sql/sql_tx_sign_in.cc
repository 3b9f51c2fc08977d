// SqlTx: what people sign in with — credentials, browser sessions and the
// failed attempts that lock a name (service/session_service.h).
#include <fmt/format.h>

#include "store/sql/sql_tx.h"

namespace infrashare::sql {

namespace {

std::optional<std::string> OptionalText(const Rows& rows, int i, int col) {
  if (rows.IsNull(i, col)) return std::nullopt;
  return std::string(rows.Text(i, col));
}

std::optional<Timestamp> OptionalTime(const Rows& rows, int i, int col) {
  if (rows.IsNull(i, col)) return std::nullopt;
  return FromMicros(rows.Int(i, col));
}

const std::string kGetCredentialSql =
    fmt::format("SELECT {} FROM credentials WHERE principal = $1", kCredentialColumns);

constexpr std::string_view kWebSessionColumns =
    "id_sha256, principal, csrf_token, created_at, last_seen_at, expires_at, revoked_at";
const std::string kGetWebSessionSql =
    fmt::format("SELECT {} FROM web_sessions WHERE id_sha256 = $1", kWebSessionColumns);

}  // namespace

Credential CredentialFromRow(const Rows& rows, int i) {
  return Credential{.principal = std::string(rows.Text(i, 0)),
                    .password_hash = OptionalText(rows, i, 1),
                    .setup_code_sha256 = OptionalText(rows, i, 2),
                    .setup_code_expires_at = OptionalTime(rows, i, 3),
                    .changed_at = FromMicros(rows.Int(i, 4))};
}

Result<std::optional<Credential>> SqlTx::GetCredential(const std::string& principal) {
  auto rows = INFRASHARE_TRY(session_.Exec(kGetCredentialSql, Params().Add(principal), "get credential"));
  if (rows.empty()) return std::nullopt;
  return CredentialFromRow(rows, 0);
}

Result<void> SqlTx::PutCredential(const Credential& c) {
  // The principal is checked first, so that a missing one is an answer
  // rather than a foreign-key error that aborts the transaction.
  auto principal = INFRASHARE_TRY(GetPrincipal(c.principal));
  if (!principal) return NotFound(fmt::format("principal '{}' not found", c.principal));
  return session_.Run(
      "INSERT INTO credentials "
      "(principal, password_hash, setup_code_sha256, setup_code_expires_at, changed_at) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (principal) DO UPDATE SET "
      "password_hash = excluded.password_hash, setup_code_sha256 = excluded.setup_code_sha256, "
      "setup_code_expires_at = excluded.setup_code_expires_at, changed_at = excluded.changed_at",
      Params()
          .Add(c.principal)
          .Add(c.password_hash)
          .Add(c.setup_code_sha256)
          .Add(ToMicros(c.setup_code_expires_at))
          .Add(ToMicros(c.changed_at)),
      "store credential");
}

Result<bool> SqlTx::HoldCredential(const std::string& principal, Timestamp changed_at) {
  // An update that changes nothing takes the row's lock (PostgreSQL), and
  // an update waiting for that lock sees the changed row when it gets it.
  auto r = INFRASHARE_TRY(
      session_.Exec("UPDATE credentials SET changed_at = changed_at WHERE principal = $1 AND changed_at = $2",
                    Params().Add(principal).Add(ToMicros(changed_at)), "hold credential"));
  return r.Affected() > 0;
}

Result<std::optional<WebSession>> SqlTx::GetWebSession(const std::string& id_sha256) {
  auto rows = INFRASHARE_TRY(session_.Exec(kGetWebSessionSql, Params().Add(id_sha256), "get web session"));
  if (rows.empty()) return std::nullopt;
  return WebSession{.id_sha256 = std::string(rows.Text(0, 0)),
                    .principal = std::string(rows.Text(0, 1)),
                    .csrf_token = std::string(rows.Text(0, 2)),
                    .created_at = FromMicros(rows.Int(0, 3)),
                    .last_seen_at = FromMicros(rows.Int(0, 4)),
                    .expires_at = FromMicros(rows.Int(0, 5)),
                    .revoked_at = OptionalTime(rows, 0, 6)};
}

Result<void> SqlTx::InsertWebSession(const WebSession& s) {
  auto principal = INFRASHARE_TRY(GetPrincipal(s.principal));
  if (!principal) return NotFound(fmt::format("principal '{}' not found", s.principal));
  auto rows = INFRASHARE_TRY(session_.Exec(
      "INSERT INTO web_sessions (id_sha256, principal, csrf_token, created_at, last_seen_at, expires_at, "
      "revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id_sha256) DO NOTHING",
      Params()
          .Add(s.id_sha256)
          .Add(s.principal)
          .Add(s.csrf_token)
          .Add(ToMicros(s.created_at))
          .Add(ToMicros(s.last_seen_at))
          .Add(ToMicros(s.expires_at))
          .Add(ToMicros(s.revoked_at)),
      "insert web session"));
  if (rows.Affected() == 0) return Conflict("the session already exists", "id");
  return {};
}

Result<void> SqlTx::TouchWebSession(const std::string& id_sha256, Timestamp at) {
  return session_.Run("UPDATE web_sessions SET last_seen_at = $2 WHERE id_sha256 = $1 AND last_seen_at < $2",
                      Params().Add(id_sha256).Add(ToMicros(at)), "touch web session");
}

Result<void> SqlTx::RevokeWebSession(const std::string& id_sha256, Timestamp at) {
  INFRASHARE_TRY(
      session_.Run("UPDATE web_sessions SET revoked_at = $2 WHERE id_sha256 = $1 AND revoked_at IS NULL",
                   Params().Add(id_sha256).Add(ToMicros(at)), "revoke web session"));
  return CredentialsChanged();
}

Result<void> SqlTx::RevokeWebSessions(const std::string& principal, Timestamp at) {
  INFRASHARE_TRY(
      session_.Run("UPDATE web_sessions SET revoked_at = $2 WHERE principal = $1 AND revoked_at IS NULL",
                   Params().Add(principal).Add(ToMicros(at)), "revoke web sessions"));
  return CredentialsChanged();
}

Result<int64_t> SqlTx::CountSignInFailures(const std::string& name, Timestamp since) {
  auto rows =
      INFRASHARE_TRY(session_.Exec("SELECT count(*) FROM sign_in_failures WHERE name = $1 AND at >= $2",
                                   Params().Add(name).Add(ToMicros(since)), "count sign-in failures"));
  return rows.Int(0, 0);
}

Result<void> SqlTx::AddSignInFailure(const std::string& name, Timestamp at) {
  return session_.Run("INSERT INTO sign_in_failures (name, at) VALUES ($1, $2)",
                      Params().Add(name).Add(ToMicros(at)), "record sign-in failure");
}

Result<void> SqlTx::ForgetSignInFailures(Timestamp before) {
  INFRASHARE_TRY(session_.Run("DELETE FROM sign_in_failures WHERE at < $1", Params().Add(ToMicros(before)),
                              "forget sign-in failures"));
  return session_.Run("DELETE FROM sign_in_locks WHERE locked_until < $1", Params().Add(ToMicros(before)),
                      "forget sign-in locks");
}

Result<void> SqlTx::ForgetWebSessions(Timestamp before) {
  return session_.Run("DELETE FROM web_sessions WHERE expires_at < $1 OR revoked_at < $1",
                      Params().Add(ToMicros(before)), "forget web sessions");
}

Result<std::optional<Timestamp>> SqlTx::GetSignInLock(const std::string& name) {
  auto rows = INFRASHARE_TRY(session_.Exec("SELECT locked_until FROM sign_in_locks WHERE name = $1",
                                           Params().Add(name), "get sign-in lock"));
  if (rows.empty()) return std::nullopt;
  return FromMicros(rows.Int(0, 0));
}

Result<void> SqlTx::SetSignInLock(const std::string& name, Timestamp until) {
  return session_.Run(
      "INSERT INTO sign_in_locks (name, locked_until) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET "
      "locked_until = excluded.locked_until",
      Params().Add(name).Add(ToMicros(until)), "lock sign-in");
}

}  // namespace infrashare::sql
