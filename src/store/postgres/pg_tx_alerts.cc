// PgTx: alerts and their recipient rows (store/stored_alerts.h).
// ListDueRecipients locks the rows it answers and skips rows that another
// process holds (FOR UPDATE SKIP LOCKED), so that escalators sharing the
// database never take the same recipient twice.
#include <fmt/format.h>

#include "store/postgres/pg_tx.h"
#include "store/stored_alerts.h"

namespace infrashare::postgres {

namespace {

// Column `col` of every row as a recipient of alert `alert_id`.
Result<std::vector<AlertRecipient>> ReadRecipients(const Rows& rows, std::string_view alert_id, int col) {
  std::vector<AlertRecipient> out;
  for (int i = 0; i < rows.size(); ++i) {
    auto recipient = stored::RecipientFromStored(alert_id, rows.Text(i, col));
    if (!recipient) return std::unexpected(recipient.error());
    out.push_back(std::move(*recipient));
  }
  return out;
}

// Every alert of space $1 with seq < $2, newest first, at most $3.
constexpr std::string_view kListAlertsSql =
    "SELECT seq, doc, NULL FROM alerts WHERE space = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3";

// As kListAlertsSql, of one organization ($4): raised by it, or with a row
// of it among the recipients; each with that row (NULL when it only raised
// the alert).
constexpr std::string_view kListAlertsOfOrgSql = R"sql(
WITH mine (seq) AS (
  SELECT seq FROM alerts WHERE raised_by_org = $4 AND space = $1 AND seq < $2
  UNION
  SELECT a.seq FROM alert_recipients r JOIN alerts a ON a.id = r.alert_id
  WHERE r.organization = $4 AND a.space = $1 AND a.seq < $2)
SELECT a.seq, a.doc, r.doc FROM mine JOIN alerts a ON a.seq = mine.seq
LEFT JOIN alert_recipients r ON r.alert_id = a.id AND r.organization = $4
ORDER BY a.seq DESC LIMIT $3)sql";

}  // namespace

Result<bool> PgTx::AlertExists(const std::string& alert_id) {
  auto rows = conn_.Exec("SELECT 1 FROM alerts WHERE id = $1", Params().Add(alert_id), "find alert");
  if (!rows) return std::unexpected(rows.error());
  return !rows->empty();
}

Result<int64_t> PgTx::InsertAlertRow(const Alert& alert, std::optional<int64_t> seq) {
  Params p;
  p.Add(alert.id)
      .Add(alert.space)
      .Add(ToMicros(alert.created_at))
      .Add(alert.raised_by_org)
      .Add(stored::AlertDocument(alert));
  if (!seq) {
    auto rows = conn_.Exec(
        "INSERT INTO alerts (id, space, created_at, raised_by_org, doc) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (id) DO NOTHING RETURNING seq",
        p, "insert alert");
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return Conflict(fmt::format("alert '{}' already exists", alert.id), "id");
    return rows->Int(0, 0);
  }
  // Import: the seq given; the sequence moves past it.
  p.Add(*seq);
  auto rows = conn_.Exec(
      "WITH a AS ("
      "  INSERT INTO alerts (seq, id, space, created_at, raised_by_org, doc) VALUES ($6, $1, $2, $3, $4, $5)"
      "  ON CONFLICT DO NOTHING RETURNING seq) "
      "SELECT setval(pg_get_serial_sequence('alerts', 'seq'), greatest(a.seq, (SELECT coalesce(max(seq), 0) "
      "FROM alerts))) "
      "FROM a",
      p, "import alert");
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return Conflict(fmt::format("alert '{}' (#{}) already exists", alert.id, *seq), "id");
  return *seq;
}

Result<void> PgTx::InsertRecipientRow(const std::string& alert_id, int64_t ord,
                                      const AlertRecipient& recipient) {
  auto rows = conn_.Exec(
      "INSERT INTO alert_recipients (alert_id, organization, ord, deadline, doc) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT DO NOTHING",
      Params()
          .Add(alert_id)
          .Add(recipient.organization)
          .Add(ord)
          .Add(stored::DeadlineMicros(recipient))
          .Add(stored::RecipientDocument(recipient)),
      "insert alert recipient");
  if (!rows) return std::unexpected(rows.error());
  if (rows->Affected() == 0)
    return Conflict(
        fmt::format("'{}' is already a recipient of alert '{}'", recipient.organization, alert_id),
        "organization");
  return {};
}

Result<int64_t> PgTx::InsertAlert(const Alert& alert) { return stored::InsertAlert(*this, alert); }

Result<void> PgTx::UpsertAlertRecipient(const std::string& alert_id, const AlertRecipient& recipient) {
  if (auto a = stored::RequireAlert(*this, alert_id); !a) return a;
  auto rows = conn_.Exec(
      "INSERT INTO alert_recipients (alert_id, organization, ord, deadline, doc) "
      "VALUES ($1, $2, (SELECT coalesce(max(ord) + 1, 0) FROM alert_recipients WHERE alert_id = $1), $3, $4) "
      "ON CONFLICT (alert_id, organization) DO UPDATE SET deadline = excluded.deadline, doc = excluded.doc",
      Params()
          .Add(alert_id)
          .Add(recipient.organization)
          .Add(stored::DeadlineMicros(recipient))
          .Add(stored::RecipientDocument(recipient)),
      "store alert recipient");
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<std::optional<Alert>> PgTx::GetAlertHead(const std::string& space, const std::string& id) {
  auto rows = conn_.Exec("SELECT seq, doc FROM alerts WHERE id = $1 AND space = $2",
                         Params().Add(id).Add(space), "get alert");
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::nullopt;
  auto alert = stored::AlertFromStored(rows->Int(0, 0), rows->Text(0, 1));
  if (!alert) return std::unexpected(alert.error());
  return std::move(*alert);
}

Result<std::optional<Alert>> PgTx::GetAlert(const std::string& space, const std::string& id) {
  auto alert = GetAlertHead(space, id);
  if (!alert || !*alert) return alert;
  auto rows = conn_.Exec("SELECT doc FROM alert_recipients WHERE alert_id = $1 ORDER BY ord",
                         Params().Add(id), "get alert recipients");
  if (!rows) return std::unexpected(rows.error());
  auto recipients = ReadRecipients(*rows, id, 0);
  if (!recipients) return std::unexpected(recipients.error());
  (*alert)->recipients = std::move(*recipients);
  return alert;
}

Result<std::vector<RecipientRowText>> PgTx::ListAlertRecipientTexts(const std::string& alert_id) {
  auto rows = conn_.Exec(
      "SELECT organization, doc::json->>'state', doc FROM alert_recipients WHERE alert_id = $1",
      Params().Add(alert_id), "list alert recipient texts");
  if (!rows) return std::unexpected(rows.error());
  std::vector<RecipientRowText> out;
  out.reserve(rows->size());
  for (int i = 0; i < rows->size(); ++i) {
    auto text = stored::RecipientTextFromStored(alert_id, rows->Text(i, 0), rows->Text(i, 1), rows->Text(i, 2));
    if (!text) return std::unexpected(text.error());
    out.push_back(std::move(*text));
  }
  return out;
}

Result<std::vector<Alert>> PgTx::ListAlerts(const AlertQuery& query) {
  if (auto c = stored::CheckAlertQuery(query); !c) return std::unexpected(c.error());
  Params p;
  p.Add(query.space).Add(stored::CursorBound(query.before_seq)).Add(int64_t{query.limit});
  if (query.organization) p.Add(*query.organization);
  auto rows = conn_.Exec(query.organization ? kListAlertsOfOrgSql : kListAlertsSql, p, "list alerts");
  if (!rows) return std::unexpected(rows.error());
  std::vector<Alert> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto alert = stored::AlertFromStored(rows->Int(i, 0), rows->Text(i, 1));
    if (!alert) return std::unexpected(alert.error());
    if (!rows->IsNull(i, 2)) {
      auto recipient = stored::RecipientFromStored(alert->id, rows->Text(i, 2));
      if (!recipient) return std::unexpected(recipient.error());
      alert->recipients.push_back(std::move(*recipient));
    }
    out.push_back(std::move(*alert));
  }
  return out;
}

Result<std::optional<AlertRecipient>> PgTx::GetAlertRecipient(const std::string& alert_id,
                                                              const std::string& organization) {
  auto rows = conn_.Exec("SELECT doc FROM alert_recipients WHERE alert_id = $1 AND organization = $2",
                         Params().Add(alert_id).Add(organization), "get alert recipient");
  if (!rows) return std::unexpected(rows.error());
  auto recipients = ReadRecipients(*rows, alert_id, 0);
  if (!recipients) return std::unexpected(recipients.error());
  if (recipients->empty()) return std::nullopt;
  return std::move(recipients->front());
}

Result<std::vector<DueRecipient>> PgTx::ListDueRecipients(Timestamp now, int limit) {
  if (auto c = stored::CheckLimit(limit); !c) return std::unexpected(c.error());
  auto rows = conn_.Exec(
      "SELECT r.alert_id, a.space, r.doc FROM alert_recipients r JOIN alerts a ON a.id = r.alert_id "
      "WHERE r.deadline IS NOT NULL AND r.deadline <= $1 "
      "ORDER BY r.deadline, a.seq, r.ord LIMIT $2 "
      "FOR UPDATE OF r SKIP LOCKED",
      Params().Add(ToMicros(now)).Add(int64_t{limit}), "list due recipients");
  if (!rows) return std::unexpected(rows.error());
  std::vector<DueRecipient> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto recipient = stored::RecipientFromStored(rows->Text(i, 0), rows->Text(i, 2));
    if (!recipient) return std::unexpected(recipient.error());
    out.push_back({std::string(rows->Text(i, 0)), std::string(rows->Text(i, 1)), std::move(*recipient)});
  }
  return out;
}

Result<void> PgTx::InsertAlertAt(const Alert& alert) { return stored::InsertAlertAt(*this, alert); }

Result<void> PgTx::InsertAlertRecipientAt(const std::string& alert_id, int64_t ord,
                                          const AlertRecipient& recipient) {
  return stored::InsertRecipientAt(*this, alert_id, ord, recipient);
}

}  // namespace infrashare::postgres
