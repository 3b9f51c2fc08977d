// SqliteTx: export and import in the dump form (store/dump.h).
#include <fmt/format.h>

#include <algorithm>

#include "domain/report/report_json.h"
#include "store/sqlite/sqlite_tx.h"

namespace infrashare::sqlite {

namespace {

using Sink = std::function<Result<void>(std::string_view table, const Json& row)>;
// Turns the current row of a statement into the dump row.
using RowReader = Result<Json> (*)(const Statement& s);

Result<Json> Document(const Statement& s, int col, std::string_view table) {
  return ParseStoredDocument(s.Text(col), fmt::format("stored {} row '{}'", table, s.Text(0)));
}

Result<Json> MetaFromRow(const Statement& s) { return dump::MetaRow(s.Text(0), s.Text(1)); }

Result<Json> DocumentFromRow(const Statement& s) {
  auto doc = Document(s, 1, "registry");
  if (!doc) return std::unexpected(doc.error());
  return dump::DocumentRow(s.Text(0), std::move(*doc));
}

Result<Json> PrincipalFromRow(const Statement& s) {
  auto roles = Document(s, 3, "principals");
  if (!roles) return std::unexpected(roles.error());
  return Json{{"id", s.Text(0)},
              {"organization", s.Text(1)},
              {"name", s.Text(2)},
              {"roles", std::move(*roles)},
              {"created_at", s.Int(4)}};
}

Result<Json> TokenFromRow(const Statement& s) {
  ApiToken t;
  t.id = std::string(s.Text(0));
  t.principal = std::string(s.Text(1));
  t.secret_sha256 = std::string(s.Text(2));
  t.label = std::string(s.Text(3));
  t.created_at = FromMicros(s.Int(4));
  if (!s.IsNull(5)) t.revoked_at = FromMicros(s.Int(5));
  return dump::TokenRow(t);
}

Result<Json> ReportFromRow(const Statement& s) {
  auto grants = Document(s, 1, "reports");
  if (!grants) return std::unexpected(grants.error());
  auto doc = Document(s, 2, "reports");
  if (!doc) return std::unexpected(doc.error());
  return dump::ReportRow(s.Int(0), std::move(*grants), std::move(*doc));
}

Result<Json> RevisionFromRow(const Statement& s) {
  auto doc = Document(s, 2, "revisions");
  if (!doc) return std::unexpected(doc.error());
  return dump::RevisionRow(s.Text(0), s.Int(1), std::move(*doc));
}

Result<Json> AuditFromRow(const Statement& s) {
  AuditEvent e;
  e.seq = s.Int(0);
  e.at = FromMicros(s.Int(1));
  e.actor_principal = std::string(s.Text(2));
  e.actor_org = std::string(s.Text(3));
  e.action = std::string(s.Text(4));
  e.target_kind = std::string(s.Text(5));
  e.target_id = std::string(s.Text(6));
  auto detail = Document(s, 7, "audit");
  if (!detail) return std::unexpected(detail.error());
  e.detail = std::move(*detail);
  e.prev_hash = std::string(s.Text(8));
  e.hash = std::string(s.Text(9));
  return dump::AuditRow(e);
}

Result<Json> OutboxFromRow(const Statement& s) {
  return dump::OutboxRow(OutboxEvent{.seq = s.Int(0),
                                     .at = FromMicros(s.Int(1)),
                                     .space = std::string(s.Text(2)),
                                     .type = std::string(s.Text(3)),
                                     .record_id = std::string(s.Text(4)),
                                     .subject = std::string(s.Text(5))});
}

Result<Json> AlertFromRow(const Statement& s) {
  auto doc = Document(s, 1, "alerts");
  if (!doc) return std::unexpected(doc.error());
  return dump::AlertRow(s.Int(0), std::move(*doc));
}

Result<Json> AlertRecipientFromRow(const Statement& s) {
  auto doc = Document(s, 2, "alert_recipients");
  if (!doc) return std::unexpected(doc.error());
  return dump::AlertRecipientRow(s.Text(0), s.Int(1), std::move(*doc));
}

Result<Json> WebhookDeliveryFromRow(const Statement& s) {
  auto doc = Document(s, 1, "webhook_deliveries");
  if (!doc) return std::unexpected(doc.error());
  return dump::WebhookDeliveryRow(s.Int(0), std::move(*doc));
}

struct TableExport {
  std::string_view table;
  std::string_view select;  // in the table's canonical order
  RowReader read;
};

// In dump::kTables order.
constexpr TableExport kExports[] = {
    {"meta", "SELECT key, value FROM meta ORDER BY key", MetaFromRow},
    {"sectors", "SELECT id, doc FROM sectors ORDER BY rowid", DocumentFromRow},
    {"ceptoars", "SELECT id, doc FROM ceptoars ORDER BY rowid", DocumentFromRow},
    {"sharing_groups", "SELECT id, doc FROM sharing_groups ORDER BY rowid", DocumentFromRow},
    {"organizations", "SELECT id, doc FROM organizations ORDER BY rowid", DocumentFromRow},
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

std::vector<std::string> Distinct(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace

Result<void> SqliteTx::ExportRows(const Sink& sink) {
  static_assert(std::size(kExports) == dump::kTables.size());
  for (const auto& t : kExports) {
    auto s = conn_.Prepare(t.select);
    if (!s) return std::unexpected(s.error());
    const std::string what = fmt::format("export {}", t.table);
    for (;;) {
      auto row = (*s)->Step(what);
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      auto json = t.read(**s);
      if (!json) return std::unexpected(json.error());
      if (auto r = sink(t.table, *json); !r) return r;
    }
  }
  return {};
}

Result<void> SqliteTx::ImportRow(std::string_view table, const Json& row) {
  return dump::ImportRow(*this, *this, table, row);
}

Result<void> SqliteTx::InsertReportAt(int64_t seq, const Report& report,
                                      const std::vector<std::string>& grants) {
  const auto keys = Distinct(grants);
  auto s = conn_.Prepare(
      "INSERT INTO reports (seq, id, space, kind, route, tlp, created_at, updated_at, grants, doc) "
      "VALUES (:seq, :id, :space, :kind, :route, :tlp, :created_at, :updated_at, :grants, :doc)");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":seq", seq);
  (*s)->Bind(":id", report.id);
  (*s)->Bind(":space", report.space);
  (*s)->Bind(":kind", NameOf(kReportKindNames, report.content.kind));
  (*s)->Bind(":route", NameOf(kRouteNames, report.route));
  (*s)->Bind(":tlp", NameOf(kTlpNames, report.content.tlp));
  (*s)->Bind(":created_at", ToMicros(report.created_at));
  (*s)->Bind(":updated_at", ToMicros(report.updated_at));
  (*s)->Bind(":grants", DumpDocument(Json(keys)));
  (*s)->Bind(":doc", DumpDocument(ToJson(report)));
  auto r = (*s)->Run("import report");
  if (!r && r.error().code == ErrorCode::kConflict)
    return Conflict(fmt::format("report '{}' (#{}) already exists", report.id, seq), "id");
  if (!r) return r;
  return IndexReport(seq, report, keys);
}

Result<void> SqliteTx::AppendAuditAt(const AuditEvent& event) {
  auto s = conn_.Prepare(
      "INSERT INTO audit (seq, at, actor_principal, actor_org, action, target_kind, target_id, detail, "
      "prev_hash, "
      "hash) VALUES (:seq, :at, :actor_principal, :actor_org, :action, :target_kind, :target_id, :detail, "
      ":prev_hash, :hash)");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":seq", event.seq);
  (*s)->Bind(":at", ToMicros(event.at));
  (*s)->Bind(":actor_principal", event.actor_principal);
  (*s)->Bind(":actor_org", event.actor_org);
  (*s)->Bind(":action", event.action);
  (*s)->Bind(":target_kind", event.target_kind);
  (*s)->Bind(":target_id", event.target_id);
  (*s)->Bind(":detail", DumpDocument(event.detail));
  (*s)->Bind(":prev_hash", event.prev_hash);
  (*s)->Bind(":hash", event.hash);
  auto r = (*s)->Run("import audit event");
  if (!r && r.error().code == ErrorCode::kConflict)
    return Conflict(fmt::format("audit event #{} already exists", event.seq), "seq");
  return r;
}

Result<void> SqliteTx::AppendOutboxAt(const OutboxEvent& event) {
  auto s = conn_.Prepare(
      "INSERT INTO outbox (seq, at, space, type, record_id, subject) "
      "VALUES (:seq, :at, :space, :type, :record_id, :subject)");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":seq", event.seq);
  (*s)->Bind(":at", ToMicros(event.at));
  (*s)->Bind(":space", event.space);
  (*s)->Bind(":type", event.type);
  (*s)->Bind(":record_id", event.record_id);
  (*s)->Bind(":subject", event.subject);
  auto r = (*s)->Run("import outbox event");
  if (!r && r.error().code == ErrorCode::kConflict)
    return Conflict(fmt::format("outbox event #{} already exists", event.seq), "seq");
  return r;
}

}  // namespace infrashare::sqlite
