// PgTx: the logs under the log lock (pg_tuning.h kLogLockKey; pg_tx.h
// BatchState): a write transaction appends to the audit chain and the
// outbox, and reads them, only while it holds the lock, so that across
// processes seq order is commit order and the chain has one order. A
// pipelined batch keeps its events until it takes the lock.
#include <fmt/format.h>

#include <utility>

#include "store/audit_chain.h"
#include "store/postgres/pg_tuning.h"
#include "store/postgres/pg_tx.h"

namespace infrashare::postgres {

namespace {

// Links `event` after `head` (which becomes its hash) and sends its insert.
Result<void> SendLinkedAudit(Connection& conn, std::string& head, AuditEvent event) {
  LinkAudit(event, std::move(head));
  head = event.hash;
  return conn.Send(sql::kInsertAuditSql, AuditParams(event), "append audit event");
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
    PgSession session(conn);
    auto head = INFRASHARE_TRY(sql::ReadLastAuditHash(session));
    for (auto& event : batch.audit)
      if (auto s = SendLinkedAudit(conn, head, std::move(event)); !s) return s;
    batch.last_audit_hash = std::move(head);
  }
  for (const auto& event : batch.outbox)
    if (auto s = conn.Send(sql::kInsertOutboxSql, OutboxParams(event), "append outbox event"); !s) return s;
  batch.audit.clear();
  batch.outbox.clear();
  return {};
}

Result<void> PgTx::BeforeLogAccess() {
  if (!batch_) return {};
  return postgres::HoldLogLock(conn_, *batch_);
}

Result<std::string> PgTx::LastAuditHash() {
  INFRASHARE_TRY(BeforeLogAccess());
  if (batch_ && batch_->last_audit_hash) return *batch_->last_audit_hash;
  auto hash = sql::ReadLastAuditHash(session_);
  if (hash && batch_) batch_->last_audit_hash = *hash;
  return hash;
}

Result<void> PgTx::AppendAudit(AuditEvent event) {
  if (batch_ && batch_->pipelined && !batch_->log_locked) {
    batch_->audit.push_back(std::move(event));
    return {};
  }
  auto head = INFRASHARE_TRY(LastAuditHash());
  if (auto s = SendLinkedAudit(conn_, head, std::move(event)); !s) return s;
  if (batch_) batch_->last_audit_hash = std::move(head);
  return {};
}

Result<void> PgTx::AppendOutbox(const OutboxEvent& event) {
  if (batch_ && batch_->pipelined && !batch_->log_locked) {
    batch_->outbox.push_back(event);
  } else if (auto s = SqlTx::AppendOutbox(event); !s) {
    return s;
  }
  if (batch_) batch_->outbox_appended = true;
  return {};
}

Result<void> PgTx::AppendAuditAt(const AuditEvent& event) {
  if (auto l = BeforeLogAccess(); !l) return l;
  if (batch_) batch_->last_audit_hash.reset();  // rows may come in any order
  return SqlTx::AppendAuditAt(event);
}

}  // namespace infrashare::postgres
