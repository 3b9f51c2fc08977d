// SqlTx: the audit chain and the outbox, both append-only logs in seq
// order. AppendAudit links each event to the one before it (audit_chain.h).
// How seq order becomes commit order across writers is the backend's
// (BeforeLogAccess).
#include <fmt/format.h>

#include "store/audit_chain.h"
#include "store/sql/sql_tx.h"
#include "store/store_limits.h"
#include "store/stored_document.h"

namespace infrashare::sql {

namespace {

Result<void> CheckPage(int64_t after_seq, int limit) {
  if (after_seq < 0) return InvalidArgument("after", "must not be negative");
  if (limit < 1 || limit > kMaxLogPage)
    return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxLogPage));
  return {};
}

}  // namespace

const std::string_view kInsertAuditSql =
    "INSERT INTO audit (at, actor_principal, actor_org, action, target_kind, target_id, detail, prev_hash, "
    "hash, space) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
const std::string_view kInsertOutboxSql =
    "INSERT INTO outbox (at, space, type, record_id, subject) VALUES ($1, $2, $3, $4, $5)";
const std::string_view kLastAuditHashSql = "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1";

Params AuditParams(const AuditEvent& event) {
  Params p;
  p.Add(ToMicros(event.at))
      .Add(event.actor_principal)
      .Add(event.actor_org)
      .Add(event.action)
      .Add(event.target_kind)
      .Add(event.target_id)
      .Add(stored::DumpDocument(event.detail))
      .Add(event.prev_hash)
      .Add(event.hash)
      .Add(event.space.id());
  return p;
}

Params OutboxParams(const OutboxEvent& event) {
  Params p;
  p.Add(ToMicros(event.at)).Add(event.space.id()).Add(event.type).Add(event.record_id).Add(event.subject);
  return p;
}

Result<std::string> ReadLastAuditHash(Session& session) {
  auto rows = INFRASHARE_TRY(session.Exec(kLastAuditHashSql, "read last audit hash"));
  return rows.empty() ? std::string() : std::string(rows.Text(0, 0));
}

Result<std::string> SqlTx::LastAuditHash() {
  INFRASHARE_TRY(BeforeLogAccess());
  return ReadLastAuditHash(session_);
}

Result<void> SqlTx::AppendAudit(AuditEvent event) {
  auto head = INFRASHARE_TRY(LastAuditHash());
  LinkAudit(event, std::move(head));
  return session_.Send(kInsertAuditSql, AuditParams(event), "append audit event");
}

Result<void> SqlTx::AppendOutbox(const OutboxEvent& event) {
  if (auto l = BeforeLogAccess(); !l) return l;
  if (auto s = session_.Send(kInsertOutboxSql, OutboxParams(event), "append outbox event"); !s) return s;
  outbox_appended_ = true;
  return {};
}

Result<AuditEvent> AuditEventFromRow(const Rows& rows, int i) {
  AuditEvent e;
  e.seq = rows.Int(i, 0);
  e.at = FromMicros(rows.Int(i, 1));
  e.actor_principal = std::string(rows.Text(i, 2));
  e.actor_org = std::string(rows.Text(i, 3));
  e.action = std::string(rows.Text(i, 4));
  e.target_kind = std::string(rows.Text(i, 5));
  e.target_id = std::string(rows.Text(i, 6));
  const std::string what = fmt::format("stored audit event #{}", e.seq);
  e.detail = INFRASHARE_TRY(stored::ParseStoredDocument(rows.Text(i, 7), what));
  e.prev_hash = std::string(rows.Text(i, 8));
  e.hash = std::string(rows.Text(i, 9));
  auto space = Space::Parse(rows.Text(i, 10));
  if (!space) return Internal(what + " has an unreadable space");
  e.space = std::move(*space);
  return e;
}

Result<std::vector<AuditEvent>> SqlTx::ListAudit(int64_t after_seq, int limit) {
  INFRASHARE_TRY(CheckPage(after_seq, limit));
  INFRASHARE_TRY(BeforeLogAccess());
  auto rows = INFRASHARE_TRY(
      session_.Exec(fmt::format("SELECT {} FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2", kAuditColumns),
                    Params().Add(after_seq).Add(int64_t{limit}), "list audit events"));
  std::vector<AuditEvent> out;
  for (int i = 0; i < rows.size(); ++i) out.push_back(INFRASHARE_TRY(AuditEventFromRow(rows, i)));
  return out;
}

Result<std::vector<OutboxEvent>> SqlTx::ListOutbox(int64_t after_seq, int limit) {
  INFRASHARE_TRY(CheckPage(after_seq, limit));
  INFRASHARE_TRY(BeforeLogAccess());
  auto rows = INFRASHARE_TRY(session_.Exec(
      "SELECT seq, at, space, type, record_id, subject FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2",
      Params().Add(after_seq).Add(int64_t{limit}), "list outbox events"));
  std::vector<OutboxEvent> out;
  for (int i = 0; i < rows.size(); ++i) {
    OutboxEvent e;
    e.seq = rows.Int(i, 0);
    e.at = FromMicros(rows.Int(i, 1));
    auto space = Space::Parse(rows.Text(i, 2));
    if (!space) return Internal(fmt::format("stored outbox event #{} has an unreadable space", e.seq));
    e.space = std::move(*space);
    e.type = std::string(rows.Text(i, 3));
    e.record_id = std::string(rows.Text(i, 4));
    e.subject = std::string(rows.Text(i, 5));
    out.push_back(std::move(e));
  }
  return out;
}

Result<int64_t> SqlTx::NewestOutboxSeq() {
  INFRASHARE_TRY(BeforeLogAccess());
  auto rows =
      INFRASHARE_TRY(session_.Exec("SELECT coalesce(max(seq), 0) FROM outbox", "read newest outbox seq"));
  return rows.Int(0, 0);
}

Result<void> SqlTx::AppendAuditAt(const AuditEvent& event) {
  if (auto l = BeforeLogAccess(); !l) return l;
  auto rows = INFRASHARE_TRY(session_.Exec(
      "INSERT INTO audit (at, actor_principal, actor_org, action, target_kind, target_id, detail, prev_hash, "
      "hash, space, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
      AuditParams(event).Add(event.seq), "import audit event"));
  if (rows.Affected() == 0) return Conflict(fmt::format("audit event #{} already exists", event.seq), "seq");
  return AdvanceSequence("audit", "seq");
}

Result<void> SqlTx::AppendOutboxAt(const OutboxEvent& event) {
  if (auto l = BeforeLogAccess(); !l) return l;
  auto rows = INFRASHARE_TRY(session_.Exec(
      "INSERT INTO outbox (at, space, type, record_id, subject, seq) VALUES ($1, $2, $3, $4, $5, $6) "
      "ON CONFLICT DO NOTHING",
      OutboxParams(event).Add(event.seq), "import outbox event"));
  if (rows.Affected() == 0) return Conflict(fmt::format("outbox event #{} already exists", event.seq), "seq");
  return AdvanceSequence("outbox", "seq");
}

}  // namespace infrashare::sql
