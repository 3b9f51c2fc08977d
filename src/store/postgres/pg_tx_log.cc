// PgTx: the audit chain and the outbox, both append-only logs in seq order.
// AppendAudit links each event to the one before it (audit_chain.h). A
// write transaction appends to them, and reads them, only while it holds
// the log lock (pg_tuning.h kLogLockKey; pg_tx.h BatchState), so that
// across processes seq order is commit order and the chain has one order.
#include <fmt/format.h>

#include <utility>

#include "store/audit_chain.h"
#include "store/postgres/pg_tuning.h"
#include "store/postgres/pg_tx.h"

namespace infrashare::postgres {

namespace {

Result<void> CheckPage(int64_t after_seq, int limit) {
  if (after_seq < 0) return InvalidArgument("after", "must not be negative");
  if (limit < 1 || limit > kMaxLogPage)
    return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxLogPage));
  return {};
}

constexpr std::string_view kAuditColumns =
    "at, actor_principal, actor_org, action, target_kind, target_id, detail, prev_hash, hash";

}  // namespace

Params AuditParams(const AuditEvent& event) {
  Params p;
  p.Add(ToMicros(event.at))
      .Add(event.actor_principal)
      .Add(event.actor_org)
      .Add(event.action)
      .Add(event.target_kind)
      .Add(event.target_id)
      .Add(DumpDocument(event.detail))
      .Add(event.prev_hash)
      .Add(event.hash);
  return p;
}

Params OutboxParams(const OutboxEvent& event) {
  Params p;
  p.Add(ToMicros(event.at)).Add(event.space).Add(event.type).Add(event.record_id).Add(event.subject);
  return p;
}

namespace {

// Seqs come from the sequences (nextval), under the log lock.
const std::string kInsertAuditSql =
    fmt::format("INSERT INTO audit ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", kAuditColumns);
constexpr std::string_view kInsertOutboxSql =
    "INSERT INTO outbox (at, space, type, record_id, subject) VALUES ($1, $2, $3, $4, $5)";
constexpr std::string_view kLastAuditHashSql = "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1";

Result<std::string> ReadLastAuditHash(Connection& conn) {
  auto rows = conn.Exec(kLastAuditHashSql, "read last audit hash");
  if (!rows) return std::unexpected(rows.error());
  return rows->empty() ? std::string() : std::string(rows->Text(0, 0));
}

// Links `event` after `head` (which becomes its hash) and sends its insert.
Result<void> SendLinkedAudit(Connection& conn, std::string& head, AuditEvent event) {
  LinkAudit(event, std::move(head));
  head = event.hash;
  return conn.Send(kInsertAuditSql, AuditParams(event), "append audit event");
}

}  // namespace

// The lock is a statement of its own: the reads after it take their
// snapshots once it is held (READ COMMITTED), so they see the commit of
// whoever held it before.
Result<void> HoldLogLock(Connection& conn, BatchState& batch) {
  if (batch.log_locked) return {};
  static const std::string lock = fmt::format("SELECT pg_advisory_xact_lock({})", kLogLockKey);
  if (auto l = conn.Send(lock, {}, "take the log lock"); !l) return l;
  batch.log_locked = true;
  if (!batch.audit.empty()) {
    auto head = ReadLastAuditHash(conn);
    if (!head) return std::unexpected(head.error());
    for (auto& event : batch.audit)
      if (auto s = SendLinkedAudit(conn, *head, std::move(event)); !s) return s;
    batch.last_audit_hash = std::move(*head);
  }
  for (const auto& event : batch.outbox)
    if (auto s = conn.Send(kInsertOutboxSql, OutboxParams(event), "append outbox event"); !s) return s;
  batch.audit.clear();
  batch.outbox.clear();
  return {};
}

Result<void> PgTx::HoldLogLock() {
  if (!batch_) return {};
  return postgres::HoldLogLock(conn_, *batch_);
}

Result<std::string> PgTx::LastAuditHash() {
  if (auto l = HoldLogLock(); !l) return std::unexpected(l.error());
  if (batch_ && batch_->last_audit_hash) return *batch_->last_audit_hash;
  auto hash = ReadLastAuditHash(conn_);
  if (hash && batch_) batch_->last_audit_hash = *hash;
  return hash;
}

Result<void> PgTx::AppendAudit(AuditEvent event) {
  if (batch_ && batch_->pipelined && !batch_->log_locked) {
    batch_->audit.push_back(std::move(event));
    return {};
  }
  auto head = LastAuditHash();
  if (!head) return std::unexpected(head.error());
  if (auto s = SendLinkedAudit(conn_, *head, std::move(event)); !s) return s;
  if (batch_) batch_->last_audit_hash = std::move(*head);
  return {};
}

Result<std::vector<AuditEvent>> PgTx::ListAudit(int64_t after_seq, int limit) {
  if (auto c = CheckPage(after_seq, limit); !c) return std::unexpected(c.error());
  if (auto l = HoldLogLock(); !l) return std::unexpected(l.error());
  auto rows = conn_.Exec(
      "SELECT seq, at, actor_principal, actor_org, action, target_kind, target_id, detail, prev_hash, hash "
      "FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
      Params().Add(after_seq).Add(int64_t{limit}), "list audit events");
  if (!rows) return std::unexpected(rows.error());
  std::vector<AuditEvent> out;
  for (int i = 0; i < rows->size(); ++i) {
    AuditEvent e;
    e.seq = rows->Int(i, 0);
    e.at = FromMicros(rows->Int(i, 1));
    e.actor_principal = std::string(rows->Text(i, 2));
    e.actor_org = std::string(rows->Text(i, 3));
    e.action = std::string(rows->Text(i, 4));
    e.target_kind = std::string(rows->Text(i, 5));
    e.target_id = std::string(rows->Text(i, 6));
    auto detail = ParseStoredDocument(rows->Text(i, 7), fmt::format("stored audit event #{}", e.seq));
    if (!detail) return std::unexpected(detail.error());
    e.detail = std::move(*detail);
    e.prev_hash = std::string(rows->Text(i, 8));
    e.hash = std::string(rows->Text(i, 9));
    out.push_back(std::move(e));
  }
  return out;
}

Result<void> PgTx::AppendOutbox(const OutboxEvent& event) {
  if (batch_ && batch_->pipelined && !batch_->log_locked) {
    batch_->outbox.push_back(event);
  } else if (auto s = conn_.Send(kInsertOutboxSql, OutboxParams(event), "append outbox event"); !s) {
    return s;
  }
  if (batch_) batch_->outbox_appended = true;
  return {};
}

Result<std::vector<OutboxEvent>> PgTx::ListOutbox(int64_t after_seq, int limit) {
  if (auto c = CheckPage(after_seq, limit); !c) return std::unexpected(c.error());
  if (auto l = HoldLogLock(); !l) return std::unexpected(l.error());
  auto rows = conn_.Exec(
      "SELECT seq, at, space, type, record_id, subject FROM outbox WHERE seq > $1 ORDER BY seq "
      "LIMIT $2",
      Params().Add(after_seq).Add(int64_t{limit}), "list outbox events");
  if (!rows) return std::unexpected(rows.error());
  std::vector<OutboxEvent> out;
  for (int i = 0; i < rows->size(); ++i) {
    OutboxEvent e;
    e.seq = rows->Int(i, 0);
    e.at = FromMicros(rows->Int(i, 1));
    e.space = std::string(rows->Text(i, 2));
    e.type = std::string(rows->Text(i, 3));
    e.record_id = std::string(rows->Text(i, 4));
    e.subject = std::string(rows->Text(i, 5));
    out.push_back(std::move(e));
  }
  return out;
}

Result<int64_t> PgTx::NewestOutboxSeq() {
  if (auto l = HoldLogLock(); !l) return std::unexpected(l.error());
  auto rows = conn_.Exec("SELECT coalesce(max(seq), 0) FROM outbox", "read newest outbox seq");
  if (!rows) return std::unexpected(rows.error());
  return rows->Int(0, 0);
}

}  // namespace infrashare::postgres
