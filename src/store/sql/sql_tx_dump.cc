// SqlTx: export in the dump form (store/dump.h), table by table in
// dump::kTables order, each read by Session::Stream (a page at a time).
// Import is dump::ImportRow over WriteTx and dump::SeqWriter.
#include <fmt/format.h>

#include "store/sql/sql_tx.h"
#include "store/stored_document.h"

namespace infrashare::sql {

namespace {

using Sink = std::function<Result<void>(std::string_view table, const Json& row)>;
// Turns row i of a fetched page into the dump row.
using RowReader = Result<Json> (*)(const Rows& rows, int i);

Result<Json> Document(const Rows& rows, int i, int col, std::string_view table) {
  return stored::ParseStoredDocument(rows.Text(i, col), fmt::format("stored {} row '{}'", table, rows.Text(i, 0)));
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
  auto space = Space::Parse(rows.Text(i, 10));
  if (!space) return Internal(fmt::format("stored audit event #{} has an unreadable space", e.seq));
  e.space = std::move(*space);
  return dump::AuditRow(e);
}

Result<Json> OutboxFromRow(const Rows& rows, int i) {
  auto space = Space::Parse(rows.Text(i, 2));
  if (!space) return Internal(fmt::format("stored outbox event #{} has an unreadable space", rows.Int(i, 0)));
  return dump::OutboxRow(OutboxEvent{.seq = rows.Int(i, 0),
                                     .at = FromMicros(rows.Int(i, 1)),
                                     .space = std::move(*space),
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
  const char* select;  // in the table's canonical order ({order}: Dialect::InsertionOrder)
  RowReader read;
};

// In dump::kTables order.
constexpr TableExport kExports[] = {
    {"meta", "SELECT key, value FROM meta ORDER BY key", MetaFromRow},
    {"sectors", "SELECT id, doc FROM sectors ORDER BY {order}", DocumentFromRow},
    {"ceptoars", "SELECT id, doc FROM ceptoars ORDER BY {order}", DocumentFromRow},
    {"sharing_groups", "SELECT id, doc FROM sharing_groups ORDER BY {order}", DocumentFromRow},
    {"organizations", "SELECT id, doc FROM organizations ORDER BY {order}", DocumentFromRow},
    {"principals", "SELECT id, organization, name, roles, created_at FROM principals ORDER BY id",
     PrincipalFromRow},
    {"tokens", "SELECT id, principal, secret_sha256, label, created_at, revoked_at FROM tokens ORDER BY id",
     TokenFromRow},
    {"reports", "SELECT seq, grants, doc FROM reports ORDER BY seq", ReportFromRow},
    {"revisions", "SELECT report_id, number, doc FROM revisions ORDER BY report_id, number", RevisionFromRow},
    {"audit",
     "SELECT seq, at, actor_principal, actor_org, action, target_kind, target_id, detail, prev_hash, hash, space "
     "FROM audit ORDER BY seq",
     AuditFromRow},
    {"outbox", "SELECT seq, at, space, type, record_id, subject FROM outbox ORDER BY seq", OutboxFromRow},
    {"alerts", "SELECT seq, doc FROM alerts ORDER BY seq", AlertFromRow},
    {"alert_recipients", "SELECT alert_id, ord, doc FROM alert_recipients ORDER BY alert_id, ord",
     AlertRecipientFromRow},
    {"webhooks", "SELECT id, doc FROM webhooks ORDER BY id", DocumentFromRow},
    {"webhook_deliveries", "SELECT id, doc FROM webhook_deliveries ORDER BY id", WebhookDeliveryFromRow},
};

}  // namespace

Result<void> SqlTx::ExportRows(const Sink& sink) {
  static_assert(std::size(kExports) == std::size(dump::kTables));
  if (auto l = BeforeLogAccess(); !l) return l;
  for (const auto& t : kExports) {
    const std::string select = fmt::format(fmt::runtime(t.select), fmt::arg("order", session_.dialect().InsertionOrder()));
    auto e = session_.Stream(select, fmt::format("export {}", t.table), [&](const Rows& rows) -> Result<void> {
      for (int i = 0; i < rows.size(); ++i) {
        auto row = t.read(rows, i);
        if (!row) return std::unexpected(row.error());
        if (auto s = sink(t.table, *row); !s) return s;
      }
      return {};
    });
    if (!e) return e;
  }
  return {};
}

Result<void> SqlTx::ImportRow(std::string_view table, const Json& row) {
  return dump::ImportRow(*this, *this, table, row);
}

}  // namespace infrashare::sql
