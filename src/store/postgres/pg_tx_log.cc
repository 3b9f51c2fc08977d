// PgTx: the audit chain and the outbox, both append-only logs in seq order.
// The store keeps exactly what the caller gives; service/audit computes the
// hashes. Every write transaction holds the log lock (pg_tuning.h
// kLogLockKey) from its start, so that across processes seq order is commit
// order and the chain has one order.
#include <fmt/format.h>

#include <iterator>
#include <utility>

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

// The next seq of a sequence is one past its last value (1 when it was
// never used: pg_sequence_last_value is then null).
const std::string_view kPipelinedBatchSql =
    "SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('reports', 'seq')::regclass), 0) + 1, "
    "coalesce(pg_sequence_last_value(pg_get_serial_sequence('audit', 'seq')::regclass), 0) + 1, "
    "coalesce(pg_sequence_last_value(pg_get_serial_sequence('outbox', 'seq')::regclass), 0) + 1, "
    "coalesce((SELECT hash FROM audit ORDER BY seq DESC LIMIT 1), '')";

BatchState PipelinedBatch(const Rows& row) {
  BatchState batch;
  batch.next = NextSeqs{.report = row.Int(0, 0), .audit = row.Int(0, 1), .outbox = row.Int(0, 2)};
  batch.last_audit_hash = std::string(row.Text(0, 3));
  return batch;
}

Result<void> SendSeqsUsed(Connection& conn, const NextSeqs& start, const BatchState& batch) {
  const std::pair<const char*, int64_t> used[] = {{"reports", batch.next->report - start.report},
                                                  {"audit", batch.next->audit - start.audit},
                                                  {"outbox", batch.next->outbox - start.outbox}};
  const int64_t last[] = {batch.next->report - 1, batch.next->audit - 1, batch.next->outbox - 1};
  for (size_t i = 0; i < std::size(used); ++i) {
    if (used[i].second == 0) continue;
    auto s = conn.Send(
        "SELECT setval(pg_get_serial_sequence($1, 'seq'), "
        "greatest($2::bigint, pg_sequence_last_value(pg_get_serial_sequence($1, 'seq')::regclass)))",
        Params().Add(used[i].first).Add(last[i]), "move a sequence past the seqs used");
    if (!s) return s;
  }
  return {};
}

Result<std::string> PgTx::LastAuditHash() {
  if (batch_ && batch_->last_audit_hash) return *batch_->last_audit_hash;
  auto rows = conn_.Exec("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1", "read last audit hash");
  if (!rows) return std::unexpected(rows.error());
  std::string hash = rows->empty() ? std::string() : std::string(rows->Text(0, 0));
  if (batch_) batch_->last_audit_hash = hash;
  return hash;
}

Result<int64_t> PgTx::AppendAudit(const AuditEvent& event) {
  Params p = AuditParams(event);
  if (batch_ && batch_->next) {
    const int64_t seq = batch_->next->audit++;
    static const std::string sql = fmt::format(
        "INSERT INTO audit (seq, {}) VALUES ($10, $1, $2, $3, $4, $5, $6, $7, $8, $9)", kAuditColumns);
    if (auto s = conn_.Send(sql, p.Add(seq), "append audit event"); !s) return std::unexpected(s.error());
    batch_->last_audit_hash = event.hash;
    return seq;
  }
  static const std::string sql = fmt::format(
      "INSERT INTO audit ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq", kAuditColumns);
  auto rows = conn_.Exec(sql, p, "append audit event");
  if (!rows) return std::unexpected(rows.error());
  if (batch_) batch_->last_audit_hash = event.hash;
  return rows->Int(0, 0);
}

Result<std::vector<AuditEvent>> PgTx::ListAudit(int64_t after_seq, int limit) {
  if (auto c = CheckPage(after_seq, limit); !c) return std::unexpected(c.error());
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

Result<int64_t> PgTx::AppendOutbox(const OutboxEvent& event) {
  Params p = OutboxParams(event);
  if (batch_ && batch_->next) {
    const int64_t seq = batch_->next->outbox++;
    if (auto s = conn_.Send("INSERT INTO outbox (seq, at, space, type, record_id, subject) "
                            "VALUES ($6, $1, $2, $3, $4, $5)",
                            p.Add(seq), "append outbox event");
        !s)
      return std::unexpected(s.error());
    batch_->outbox_appended = true;
    return seq;
  }
  auto rows = conn_.Exec(
      "INSERT INTO outbox (at, space, type, record_id, subject) VALUES ($1, $2, $3, $4, $5) RETURNING seq", p,
      "append outbox event");
  if (!rows) return std::unexpected(rows.error());
  if (batch_) batch_->outbox_appended = true;
  return rows->Int(0, 0);
}

Result<std::vector<OutboxEvent>> PgTx::ListOutbox(int64_t after_seq, int limit) {
  if (auto c = CheckPage(after_seq, limit); !c) return std::unexpected(c.error());
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
  auto rows = conn_.Exec("SELECT coalesce(max(seq), 0) FROM outbox", "read newest outbox seq");
  if (!rows) return std::unexpected(rows.error());
  return rows->Int(0, 0);
}

}  // namespace infrashare::postgres
