// SqlTx: alerts and their recipient rows (store/stored_alerts.h). An alert
// is stored with its recipients in order, after CheckRecipientsDistinct.
// ListDueRecipients claims the rows it answers: on PostgreSQL other
// processes skip them (Dialect::SkipLocked), so that escalators sharing the
// database never take the same recipient twice.
#include <fmt/format.h>

#include "domain/alert/alert_json.h"
#include "store/sql/sql_tx.h"
#include "store/stored_alerts.h"

namespace infrashare::sql {

namespace {

// Column `col` of every row as a recipient of alert `alert_id`.
Result<std::vector<AlertRecipient>> ReadRecipients(const Rows& rows, std::string_view alert_id, int col) {
  std::vector<AlertRecipient> out;
  for (int i = 0; i < rows.size(); ++i) {
    auto recipient = INFRASHARE_TRY(stored::RecipientFromStored(alert_id, rows.Text(i, col)));
    out.push_back(std::move(recipient));
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

Result<void> SqlTx::RequireAlert(const std::string& alert_id) {
  auto rows = INFRASHARE_TRY(
      session_.Exec("SELECT 1 FROM alerts WHERE id = $1", Params().Add(alert_id), "find alert"));
  if (rows.empty()) return NotFound(fmt::format("alert '{}' not found", alert_id));
  return {};
}

Result<int64_t> SqlTx::InsertAlertRow(const Alert& alert, std::optional<int64_t> seq) {
  // The database assigns the seq ($6) unless an import gives it.
  const std::string& insert =
      seq ? Once(session_.dialect(),
                 [](const Dialect&) {
                   return std::string(
                       "INSERT INTO alerts (id, space, created_at, raised_by_org, doc, seq) "
                       "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING");
                 })
          : Once(session_.dialect(), [](const Dialect& d) {
              return "INSERT INTO alerts (id, space, created_at, raised_by_org, doc) "
                     "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING" +
                     d.Returning("seq");
            });
  Params p;
  p.Add(alert.id).Add(alert.space.id()).Add(ToMicros(alert.created_at)).Add(alert.raised_by_org);
  p.Add(stored::AlertDocument(alert));
  if (seq) p.Add(*seq);
  auto rows = INFRASHARE_TRY(session_.Exec(insert, p, seq ? "import alert" : "insert alert"));
  if (rows.Affected() == 0)
    return Conflict(seq ? fmt::format("alert '{}' (#{}) already exists", alert.id, *seq)
                        : fmt::format("alert '{}' already exists", alert.id),
                    "id");
  if (!seq) return rows.InsertedKey();
  INFRASHARE_TRY(AdvanceSequence("alerts", "seq"));
  return *seq;
}

Result<void> SqlTx::InsertRecipientRow(const std::string& alert_id, int64_t ord,
                                       const AlertRecipient& recipient) {
  auto rows = INFRASHARE_TRY(session_.Exec(
      "INSERT INTO alert_recipients (alert_id, organization, ord, deadline, doc) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT DO NOTHING",
      Params()
          .Add(alert_id)
          .Add(recipient.organization)
          .Add(ord)
          .Add(stored::DeadlineMicros(recipient))
          .Add(stored::RecipientDocument(recipient)),
      "insert alert recipient"));
  if (rows.Affected() == 0)
    return Conflict(
        fmt::format("'{}' is already a recipient of alert '{}'", recipient.organization, alert_id),
        "organization");
  return {};
}

Result<int64_t> SqlTx::InsertAlert(const Alert& alert) {
  INFRASHARE_TRY(CheckRecipientsDistinct(alert));
  auto seq = INFRASHARE_TRY(InsertAlertRow(alert, std::nullopt));
  for (size_t i = 0; i < alert.recipients.size(); ++i)
    INFRASHARE_TRY(InsertRecipientRow(alert.id, static_cast<int64_t>(i), alert.recipients[i]));
  return seq;
}

Result<void> SqlTx::UpsertAlertRecipient(const std::string& alert_id, const AlertRecipient& recipient) {
  INFRASHARE_TRY(RequireAlert(alert_id));
  return session_.Run(
      "INSERT INTO alert_recipients (alert_id, organization, ord, deadline, doc) "
      "VALUES ($1, $2, (SELECT coalesce(max(ord) + 1, 0) FROM alert_recipients WHERE alert_id = $1), $3, $4) "
      "ON CONFLICT (alert_id, organization) DO UPDATE SET deadline = excluded.deadline, doc = excluded.doc",
      Params()
          .Add(alert_id)
          .Add(recipient.organization)
          .Add(stored::DeadlineMicros(recipient))
          .Add(stored::RecipientDocument(recipient)),
      "store alert recipient");
}

Result<std::optional<Alert>> SqlTx::GetAlertHead(const Space& space, const std::string& id) {
  auto rows = INFRASHARE_TRY(session_.Exec("SELECT seq, doc FROM alerts WHERE id = $1 AND space = $2",
                                           Params().Add(id).Add(space.id()), "get alert"));
  if (rows.empty()) return std::nullopt;
  auto alert = INFRASHARE_TRY(stored::AlertFromStored(rows.Int(0, 0), rows.Text(0, 1)));
  return alert;
}

Result<std::optional<Alert>> SqlTx::GetAlert(const Space& space, const std::string& id) {
  auto alert = GetAlertHead(space, id);
  if (!alert || !*alert) return alert;
  auto rows =
      INFRASHARE_TRY(session_.Exec("SELECT doc FROM alert_recipients WHERE alert_id = $1 ORDER BY ord",
                                   Params().Add(id), "get alert recipients"));
  auto recipients = INFRASHARE_TRY(ReadRecipients(rows, id, 0));
  (*alert)->recipients = std::move(recipients);
  return alert;
}

Result<std::vector<RecipientRowText>> SqlTx::ListAlertRecipientTexts(const std::string& alert_id) {
  const std::string& sql = Once(session_.dialect(), [](const Dialect& d) {
    return fmt::format("SELECT organization, {}, doc FROM alert_recipients WHERE alert_id = $1",
                       d.JsonMember("doc", "state"));
  });
  auto rows = INFRASHARE_TRY(session_.Exec(sql, Params().Add(alert_id), "list alert recipient texts"));
  std::vector<RecipientRowText> out;
  out.reserve(rows.size());
  for (int i = 0; i < rows.size(); ++i) {
    auto text = INFRASHARE_TRY(
        stored::RecipientTextFromStored(alert_id, rows.Text(i, 0), rows.Text(i, 1), rows.Text(i, 2)));
    out.push_back(std::move(text));
  }
  return out;
}

Result<std::vector<Alert>> SqlTx::ListAlerts(const AlertQuery& query) {
  INFRASHARE_TRY(stored::CheckAlertQuery(query));
  Params p;
  p.Add(query.space.id()).Add(stored::CursorBound(query.before_seq)).Add(int64_t{query.limit});
  if (query.organization) p.Add(*query.organization);
  auto rows = INFRASHARE_TRY(
      session_.Exec(query.organization ? kListAlertsOfOrgSql : kListAlertsSql, p, "list alerts"));
  std::vector<Alert> out;
  for (int i = 0; i < rows.size(); ++i) {
    auto alert = INFRASHARE_TRY(stored::AlertFromStored(rows.Int(i, 0), rows.Text(i, 1)));
    if (!rows.IsNull(i, 2)) {
      auto recipient = INFRASHARE_TRY(stored::RecipientFromStored(alert.id, rows.Text(i, 2)));
      alert.recipients.push_back(std::move(recipient));
    }
    out.push_back(std::move(alert));
  }
  return out;
}

Result<std::optional<AlertRecipient>> SqlTx::GetAlertRecipient(const std::string& alert_id,
                                                               const std::string& organization) {
  auto rows = INFRASHARE_TRY(
      session_.Exec("SELECT doc FROM alert_recipients WHERE alert_id = $1 AND organization = $2",
                    Params().Add(alert_id).Add(organization), "get alert recipient"));
  auto recipients = INFRASHARE_TRY(ReadRecipients(rows, alert_id, 0));
  if (recipients.empty()) return std::nullopt;
  return std::move(recipients.front());
}

Result<std::vector<DueRecipient>> SqlTx::ListDueRecipients(Timestamp now, int limit) {
  INFRASHARE_TRY(stored::CheckLimit(limit));
  const std::string& sql = Once(session_.dialect(), [](const Dialect& d) {
    return "SELECT r.alert_id, a.space, r.doc FROM alert_recipients r JOIN alerts a ON a.id = r.alert_id "
           "WHERE r.deadline IS NOT NULL AND r.deadline <= $1 "
           "ORDER BY r.deadline, a.seq, r.ord LIMIT $2" +
           d.SkipLocked("r");
  });
  auto rows = INFRASHARE_TRY(
      session_.Exec(sql, Params().Add(ToMicros(now)).Add(int64_t{limit}), "list due recipients"));
  std::vector<DueRecipient> out;
  for (int i = 0; i < rows.size(); ++i) {
    auto recipient = INFRASHARE_TRY(stored::RecipientFromStored(rows.Text(i, 0), rows.Text(i, 2)));
    auto space = Space::Parse(rows.Text(i, 1));
    if (!space) return Internal(fmt::format("stored alert '{}' has an unreadable space", rows.Text(i, 0)));
    out.push_back({std::string(rows.Text(i, 0)), std::move(*space), std::move(recipient)});
  }
  return out;
}

Result<void> SqlTx::InsertAlertAt(const Alert& alert) {
  INFRASHARE_TRY(InsertAlertRow(alert, alert.seq));
  return {};
}

Result<void> SqlTx::InsertAlertRecipientAt(const std::string& alert_id, int64_t ord,
                                           const AlertRecipient& recipient) {
  INFRASHARE_TRY(RequireAlert(alert_id));
  return InsertRecipientRow(alert_id, ord, recipient);
}

}  // namespace infrashare::sql
