// SqliteTx: the audit chain and the outbox, both append-only logs in seq
// order. AppendAudit links each event to the last one (audit_chain.h); the
// one writer of the database makes seq order commit order.
#include <fmt/format.h>

#include "store/audit_chain.h"
#include "store/sqlite/sqlite_tuning.h"
#include "store/sqlite/sqlite_tx.h"

namespace infrashare::sqlite {

namespace {

Result<void> CheckPage(int64_t after_seq, int limit) {
  if (after_seq < 0) return InvalidArgument("after", "must not be negative");
  if (limit < 1 || limit > kMaxLogPage)
    return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxLogPage));
  return {};
}

}  // namespace

Result<std::string> SqliteTx::LastAuditHash() {
  auto s = conn_.Prepare("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1");
  if (!s) return std::unexpected(s.error());
  auto row = (*s)->Step("read last audit hash");
  if (!row) return std::unexpected(row.error());
  return *row ? std::string((*s)->Text(0)) : std::string();
}

Result<void> SqliteTx::AppendAudit(AuditEvent event) {
  auto prev = LastAuditHash();
  if (!prev) return std::unexpected(prev.error());
  LinkAudit(event, std::move(*prev));
  auto s = conn_.Prepare(
      "INSERT INTO audit (at, actor_principal, actor_org, action, target_kind, target_id, detail, prev_hash, "
      "hash) "
      "VALUES (:at, :actor_principal, :actor_org, :action, :target_kind, :target_id, :detail, :prev_hash, "
      ":hash)");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":at", ToMicros(event.at));
  (*s)->Bind(":actor_principal", event.actor_principal);
  (*s)->Bind(":actor_org", event.actor_org);
  (*s)->Bind(":action", event.action);
  (*s)->Bind(":target_kind", event.target_kind);
  (*s)->Bind(":target_id", event.target_id);
  (*s)->Bind(":detail", DumpDocument(event.detail));
  (*s)->Bind(":prev_hash", event.prev_hash);
  (*s)->Bind(":hash", event.hash);
  return (*s)->Run("append audit event");
}

Result<std::vector<AuditEvent>> SqliteTx::ListAudit(int64_t after_seq, int limit) {
  if (auto c = CheckPage(after_seq, limit); !c) return std::unexpected(c.error());
  auto s = conn_.Prepare(
      "SELECT seq, at, actor_principal, actor_org, action, target_kind, target_id, detail, prev_hash, hash "
      "FROM audit WHERE seq > :after ORDER BY seq LIMIT :limit");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":after", after_seq);
  (*s)->Bind(":limit", int64_t{limit});
  std::vector<AuditEvent> out;
  for (;;) {
    auto row = (*s)->Step("list audit events");
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    AuditEvent e;
    e.seq = (*s)->Int(0);
    e.at = FromMicros((*s)->Int(1));
    e.actor_principal = std::string((*s)->Text(2));
    e.actor_org = std::string((*s)->Text(3));
    e.action = std::string((*s)->Text(4));
    e.target_kind = std::string((*s)->Text(5));
    e.target_id = std::string((*s)->Text(6));
    auto detail = ParseStoredDocument((*s)->Text(7), fmt::format("stored audit event #{}", e.seq));
    if (!detail) return std::unexpected(detail.error());
    e.detail = std::move(*detail);
    e.prev_hash = std::string((*s)->Text(8));
    e.hash = std::string((*s)->Text(9));
    out.push_back(std::move(e));
  }
}

Result<void> SqliteTx::AppendOutbox(const OutboxEvent& event) {
  auto s = conn_.Prepare(
      "INSERT INTO outbox (at, space, type, record_id, subject) "
      "VALUES (:at, :space, :type, :record_id, :subject)");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":at", ToMicros(event.at));
  (*s)->Bind(":space", event.space);
  (*s)->Bind(":type", event.type);
  (*s)->Bind(":record_id", event.record_id);
  (*s)->Bind(":subject", event.subject);
  if (auto r = (*s)->Run("append outbox event"); !r) return r;
  outbox_appended_ = true;
  return {};
}

Result<std::vector<OutboxEvent>> SqliteTx::ListOutbox(int64_t after_seq, int limit) {
  if (auto c = CheckPage(after_seq, limit); !c) return std::unexpected(c.error());
  auto s = conn_.Prepare(
      "SELECT seq, at, space, type, record_id, subject FROM outbox WHERE seq > :after ORDER BY seq "
      "LIMIT :limit");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":after", after_seq);
  (*s)->Bind(":limit", int64_t{limit});
  std::vector<OutboxEvent> out;
  for (;;) {
    auto row = (*s)->Step("list outbox events");
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    OutboxEvent e;
    e.seq = (*s)->Int(0);
    e.at = FromMicros((*s)->Int(1));
    e.space = std::string((*s)->Text(2));
    e.type = std::string((*s)->Text(3));
    e.record_id = std::string((*s)->Text(4));
    e.subject = std::string((*s)->Text(5));
    out.push_back(std::move(e));
  }
}

Result<int64_t> SqliteTx::NewestOutboxSeq() {
  auto s = conn_.Prepare("SELECT coalesce(max(seq), 0) FROM outbox");
  if (!s) return std::unexpected(s.error());
  auto row = (*s)->Step("read newest outbox seq");
  if (!row) return std::unexpected(row.error());
  return *row ? (*s)->Int(0) : 0;
}

}  // namespace infrashare::sqlite
