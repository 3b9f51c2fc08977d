// PgTx: export and import in the dump form (store/dump.h). Export reads each
// table through a cursor, kExportFetchRows at a time.
#include <fmt/format.h>

#include "store/postgres/pg_tuning.h"
#include "store/postgres/pg_tx.h"

namespace infrashare::postgres {

namespace {

using Sink = std::function<Result<void>(std::string_view table, const Json& row)>;
// Turns row i of a fetched page into the dump row.
using RowReader = Result<Json> (*)(const Rows& rows, int i);

Result<Json> Document(const Rows& rows, int i, int col, std::string_view table) {
  return ParseStoredDocument(rows.Text(i, col), fmt::format("stored {} row '{}'", table, rows.Text(i, 0)));
}

Result<Json> MetaFromRow(const Rows& rows, int i) { return dump::MetaRow(rows.Text(i, 0), rows.Text(i, 1)); }

Result<Json> DocumentFromRow(const Rows& rows, int i) {
  auto doc = Document(rows, i, 1, "registry");
  if (!doc) return std::unexpected(doc.error());
  return dump::DocumentRow(rows.Text(i, 0), std::move(*doc));
}

Result<Json> PrincipalFromRow(const Rows& rows, int i) {
  auto roles = Document(rows, i, 3, "principals");
  if (!roles) return std::unexpected(roles.error());
  return Json{{"id", rows.Text(i, 0)},
              {"organization", rows.Text(i, 1)},
              {"name", rows.Text(i, 2)},
              {"roles", std::move(*roles)},
              {"created_at", rows.Int(i, 4)}};
}

Result<Json> TokenFromRow(const Rows& rows, int i) {
  ApiToken t;
  t.id = std::string(rows.Text(i, 0));
  t.principal = std::string(rows.Text(i, 1));
  t.secret_sha256 = std::string(rows.Text(i, 2));
  t.label = std::string(rows.Text(i, 3));
  t.created_at = FromMicros(rows.Int(i, 4));
  if (!rows.IsNull(i, 5)) t.revoked_at = FromMicros(rows.Int(i, 5));
  return dump::TokenRow(t);
}

Result<Json> ReportFromRow(const Rows& rows, int i) {
  auto grants = Document(rows, i, 1, "reports");
  if (!grants) return std::unexpected(grants.error());
  auto doc = Document(rows, i, 2, "reports");
  if (!doc) return std::unexpected(doc.error());
  return dump::ReportRow(rows.Int(i, 0), std::move(*grants), std::move(*doc));
}

Result<Json> RevisionFromRow(const Rows& rows, int i) {
  auto doc = Document(rows, i, 2, "revisions");
  if (!doc) return std::unexpected(doc.error());
  return dump::RevisionRow(rows.Text(i, 0), rows.Int(i, 1), std::move(*doc));
}

Result<Json> AuditFromRow(const Rows& rows, int i) {
  AuditEvent e;
  e.seq = rows.Int(i, 0);
  e.at = FromMicros(rows.Int(i, 1));
  e.actor_principal = std::string(rows.Text(i, 2));
  e.actor_org = std::string(rows.Text(i, 3));
  e.action = std::string(rows.Text(i, 4));
  e.target_kind = std::string(rows.Text(i, 5));
  e.target_id = std::string(rows.Text(i, 6));
  auto detail = Document(rows, i, 7, "audit");
  if (!detail) return std::unexpected(detail.error());
  e.detail = std::move(*detail);
  e.prev_hash = std::string(rows.Text(i, 8));
  e.hash = std::string(rows.Text(i, 9));
  return dump::AuditRow(e);
}

Result<Json> OutboxFromRow(const Rows& rows, int i) {
  return dump::OutboxRow(OutboxEvent{.seq = rows.Int(i, 0),
                                     .at = FromMicros(rows.Int(i, 1)),
                                     .space = std::string(rows.Text(i, 2)),
                                     .type = std::string(rows.Text(i, 3)),
                                     .record_id = std::string(rows.Text(i, 4)),
                                     .subject = std::string(rows.Text(i, 5))});
}

Result<Json> AlertFromRow(const Rows& rows, int i) {
  auto doc = Document(rows, i, 1, "alerts");
  if (!doc) return std::unexpected(doc.error());
  return dump::AlertRow(rows.Int(i, 0), std::move(*doc));
}

Result<Json> AlertRecipientFromRow(const Rows& rows, int i) {
  auto doc = Document(rows, i, 2, "alert_recipients");
  if (!doc) return std::unexpected(doc.error());
  return dump::AlertRecipientRow(rows.Text(i, 0), rows.Int(i, 1), std::move(*doc));
}

Result<Json> WebhookDeliveryFromRow(const Rows& rows, int i) {
  auto doc = Document(rows, i, 1, "webhook_deliveries");
  if (!doc) return std::unexpected(doc.error());
  return dump::WebhookDeliveryRow(rows.Int(i, 0), std::move(*doc));
}

struct TableExport {
  std::string_view table;
  const char* select;  // in the table's canonical order
  RowReader read;
};

// In dump::kTables order.
constexpr TableExport kExports[] = {
    {"meta", "SELECT key, value FROM meta ORDER BY key", MetaFromRow},
    {"sectors", "SELECT id, doc FROM sectors ORDER BY ord", DocumentFromRow},
    {"ceptoars", "SELECT id, doc FROM ceptoars ORDER BY ord", DocumentFromRow},
    {"sharing_groups", "SELECT id, doc FROM sharing_groups ORDER BY ord", DocumentFromRow},
    {"organizations", "SELECT id, doc FROM organizations ORDER BY ord", DocumentFromRow},
    {"principals", "SELECT id, organization, name, roles, created_at FROM principals ORDER BY id",
     PrincipalFromRow},
    {"tokens", "SELECT id, principal, secret_sha256, label, created_at, revoked_at FROM tokens ORDER BY id",
     TokenFromRow},
    {"reports", "SELECT seq, grants, doc FROM reports ORDER BY seq", ReportFromRow},
    {"revisions", "SELECT report_id, number, doc FROM revisions ORDER BY report_id, number", RevisionFromRow},
    {"audit",
     "SELECT seq, at, actor_principal, actor_org, action, target_kind, target_id, detail, prev_hash, hash "
     "FROM audit ORDER BY seq",
     AuditFromRow},
    {"outbox", "SELECT seq, at, space, type, record_id, subject FROM outbox ORDER BY seq", OutboxFromRow},
    {"alerts", "SELECT seq, doc FROM alerts ORDER BY seq", AlertFromRow},
    {"alert_recipients", "SELECT alert_id, ord, doc FROM alert_recipients ORDER BY alert_id, ord",
     AlertRecipientFromRow},
    {"webhooks", "SELECT id, doc FROM webhooks ORDER BY id", DocumentFromRow},
    {"webhook_deliveries", "SELECT id, doc FROM webhook_deliveries ORDER BY id", WebhookDeliveryFromRow},
};

Result<void> ExportTable(Connection& conn, const TableExport& t, const Sink& sink) {
  const std::string what = fmt::format("export {}", t.table);
  if (auto d = conn.Run(fmt::format("DECLARE dump_rows NO SCROLL CURSOR FOR {}", t.select), what); !d)
    return d;
  const std::string fetch = fmt::format("FETCH {} FROM dump_rows", kExportFetchRows);
  for (;;) {
    auto rows = conn.Query(fetch, what);
    if (!rows) return std::unexpected(rows.error());
    for (int i = 0; i < rows->size(); ++i) {
      auto row = t.read(*rows, i);
      if (!row) return std::unexpected(row.error());
      if (auto s = sink(t.table, *row); !s) return s;
    }
    if (rows->size() < kExportFetchRows) break;
  }
  return conn.Run("CLOSE dump_rows", what);
}

}  // namespace

Result<void> PgTx::ExportRows(const Sink& sink) {
  static_assert(std::size(kExports) == dump::kTables.size());
  if (auto l = HoldLogLock(); !l) return l;
  for (const auto& t : kExports)
    if (auto e = ExportTable(conn_, t, sink); !e) return e;
  return {};
}

Result<void> PgTx::ImportRow(std::string_view table, const Json& row) {
  return dump::ImportRow(*this, *this, table, row);
}

Result<void> PgTx::AppendAuditAt(const AuditEvent& event) {
  if (auto l = HoldLogLock(); !l) return l;
  if (batch_) batch_->last_audit_hash.reset();  // rows may come in any order
  auto rows = conn_.Exec(
      "WITH a AS ("
      "  INSERT INTO audit (at, actor_principal, actor_org, action, target_kind, target_id, detail, "
      "prev_hash, "
      "hash, seq)"
      "  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING seq) "
      "SELECT setval(pg_get_serial_sequence('audit', 'seq'), greatest(a.seq, (SELECT coalesce(max(seq), 0) "
      "FROM audit))) "
      "FROM a",
      AuditParams(event).Add(event.seq), "import audit event");
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return Conflict(fmt::format("audit event #{} already exists", event.seq), "seq");
  return {};
}

Result<void> PgTx::AppendOutboxAt(const OutboxEvent& event) {
  if (auto l = HoldLogLock(); !l) return l;
  auto rows = conn_.Exec(
      "WITH o AS ("
      "  INSERT INTO outbox (at, space, type, record_id, subject, seq) VALUES ($1, $2, $3, $4, $5, $6)"
      "  ON CONFLICT DO NOTHING RETURNING seq) "
      "SELECT setval(pg_get_serial_sequence('outbox', 'seq'), greatest(o.seq, (SELECT coalesce(max(seq), 0) "
      "FROM outbox))) "
      "FROM o",
      OutboxParams(event).Add(event.seq), "import outbox event");
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return Conflict(fmt::format("outbox event #{} already exists", event.seq), "seq");
  return {};
}

}  // namespace infrashare::postgres
