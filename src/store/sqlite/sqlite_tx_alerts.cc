// SqliteTx: alerts and their recipient rows (store/stored_alerts.h).
#include <fmt/format.h>

#include "store/sqlite/sqlite_tx.h"
#include "store/stored_alerts.h"

namespace infrashare::sqlite {

namespace {

// Reads every row of `s` (columns: alert_id, doc) as recipients.
Result<std::vector<AlertRecipient>> ReadRecipients(Statement& s, std::string_view what) {
  std::vector<AlertRecipient> out;
  for (;;) {
    auto row = s.Step(what);
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    auto recipient = stored::RecipientFromStored(s.Text(0), s.Text(1));
    if (!recipient) return std::unexpected(recipient.error());
    out.push_back(std::move(*recipient));
  }
}

// The alerts of one organization: raised by it, or with a row of it among
// the recipients; each with that row (NULL when it only raised the alert).
constexpr std::string_view kListAlertsOfOrgSql = R"sql(
WITH mine (seq) AS (
  SELECT seq FROM alerts WHERE raised_by_org = :org AND space = :space AND seq < :before
  UNION
  SELECT a.seq FROM alert_recipients r JOIN alerts a ON a.id = r.alert_id
  WHERE r.organization = :org AND a.space = :space AND a.seq < :before)
SELECT a.seq, a.doc, r.doc FROM mine JOIN alerts a ON a.seq = mine.seq
LEFT JOIN alert_recipients r ON r.alert_id = a.id AND r.organization = :org
ORDER BY a.seq DESC LIMIT :limit)sql";

}  // namespace

Result<bool> SqliteTx::AlertExists(const std::string& alert_id) {
  auto s = conn_.Prepare("SELECT 1 FROM alerts WHERE id = :id");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", alert_id);
  return (*s)->Step("find alert");
}

Result<int64_t> SqliteTx::InsertAlertRow(const Alert& alert, std::optional<int64_t> seq) {
  auto s = conn_.Prepare(
      "INSERT INTO alerts (seq, id, space, created_at, raised_by_org, doc) "
      "VALUES (:seq, :id, :space, :created_at, :raised_by_org, :doc)");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":seq", seq);  // NULL: the next seq
  (*s)->Bind(":id", alert.id);
  (*s)->Bind(":space", alert.space);
  (*s)->Bind(":created_at", ToMicros(alert.created_at));
  (*s)->Bind(":raised_by_org", alert.raised_by_org);
  (*s)->Bind(":doc", stored::AlertDocument(alert));
  auto r = (*s)->Run(seq ? "import alert" : "insert alert");
  if (!r && r.error().code == ErrorCode::kConflict)
    return Conflict(seq ? fmt::format("alert '{}' (#{}) already exists", alert.id, *seq)
                        : fmt::format("alert '{}' already exists", alert.id),
                    "id");
  if (!r) return std::unexpected(r.error());
  return conn_.LastInsertRowid();
}

Result<void> SqliteTx::InsertRecipientRow(const std::string& alert_id, int64_t ord,
                                          const AlertRecipient& recipient) {
  auto s = conn_.Prepare(
      "INSERT INTO alert_recipients (alert_id, organization, ord, deadline, doc) "
      "VALUES (:alert_id, :organization, :ord, :deadline, :doc)");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":alert_id", alert_id);
  (*s)->Bind(":organization", recipient.organization);
  (*s)->Bind(":ord", ord);
  (*s)->Bind(":deadline", stored::DeadlineMicros(recipient));
  (*s)->Bind(":doc", stored::RecipientDocument(recipient));
  auto r = (*s)->Run("insert alert recipient");
  if (!r && r.error().code == ErrorCode::kConflict)
    return Conflict(
        fmt::format("'{}' is already a recipient of alert '{}'", recipient.organization, alert_id),
        "organization");
  return r;
}

Result<int64_t> SqliteTx::InsertAlert(const Alert& alert) { return stored::InsertAlert(*this, alert); }

Result<void> SqliteTx::UpsertAlertRecipient(const std::string& alert_id, const AlertRecipient& recipient) {
  if (auto a = stored::RequireAlert(*this, alert_id); !a) return a;
  auto s = conn_.Prepare(
      "INSERT INTO alert_recipients (alert_id, organization, ord, deadline, doc) "
      "VALUES (:alert_id, :organization, "
      "        (SELECT coalesce(max(ord) + 1, 0) FROM alert_recipients WHERE alert_id = :alert_id), "
      "        :deadline, :doc) "
      "ON CONFLICT (alert_id, organization) DO UPDATE SET deadline = excluded.deadline, doc = excluded.doc");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":alert_id", alert_id);
  (*s)->Bind(":organization", recipient.organization);
  (*s)->Bind(":deadline", stored::DeadlineMicros(recipient));
  (*s)->Bind(":doc", stored::RecipientDocument(recipient));
  return (*s)->Run("store alert recipient");
}

Result<std::optional<Alert>> SqliteTx::GetAlertHead(const std::string& space, const std::string& id) {
  auto s = conn_.Prepare("SELECT seq, doc FROM alerts WHERE id = :id AND space = :space");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", id);
  (*s)->Bind(":space", space);
  auto row = (*s)->Step("get alert");
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::nullopt;
  auto alert = stored::AlertFromStored((*s)->Int(0), (*s)->Text(1));
  if (!alert) return std::unexpected(alert.error());
  return std::move(*alert);
}

Result<std::optional<Alert>> SqliteTx::GetAlert(const std::string& space, const std::string& id) {
  auto alert = GetAlertHead(space, id);
  if (!alert || !*alert) return alert;
  auto s = conn_.Prepare("SELECT alert_id, doc FROM alert_recipients WHERE alert_id = :id ORDER BY ord");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", id);
  auto recipients = ReadRecipients(**s, "get alert recipients");
  if (!recipients) return std::unexpected(recipients.error());
  (*alert)->recipients = std::move(*recipients);
  return alert;
}

Result<std::vector<Alert>> SqliteTx::ListAlerts(const AlertQuery& query) {
  if (auto c = stored::CheckAlertQuery(query); !c) return std::unexpected(c.error());
  auto s = conn_.Prepare(query.organization ? kListAlertsOfOrgSql
                                            : "SELECT seq, doc, NULL FROM alerts WHERE space = :space AND "
                                              "seq < :before ORDER BY seq DESC LIMIT :limit");
  if (!s) return std::unexpected(s.error());
  if (query.organization) (*s)->Bind(":org", *query.organization);
  (*s)->Bind(":space", query.space);
  (*s)->Bind(":before", stored::CursorBound(query.before_seq));
  (*s)->Bind(":limit", int64_t{query.limit});
  std::vector<Alert> out;
  for (;;) {
    auto row = (*s)->Step("list alerts");
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    auto alert = stored::AlertFromStored((*s)->Int(0), (*s)->Text(1));
    if (!alert) return std::unexpected(alert.error());
    if (!(*s)->IsNull(2)) {
      auto recipient = stored::RecipientFromStored(alert->id, (*s)->Text(2));
      if (!recipient) return std::unexpected(recipient.error());
      alert->recipients.push_back(std::move(*recipient));
    }
    out.push_back(std::move(*alert));
  }
}

Result<std::optional<AlertRecipient>> SqliteTx::GetAlertRecipient(const std::string& alert_id,
                                                                  const std::string& organization) {
  auto s = conn_.Prepare(
      "SELECT alert_id, doc FROM alert_recipients WHERE alert_id = :alert_id AND organization = :org");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":alert_id", alert_id);
  (*s)->Bind(":org", organization);
  auto recipients = ReadRecipients(**s, "get alert recipient");
  if (!recipients) return std::unexpected(recipients.error());
  if (recipients->empty()) return std::nullopt;
  return std::move(recipients->front());
}

Result<std::vector<RecipientRowText>> SqliteTx::ListAlertRecipientTexts(const std::string& alert_id) {
  auto s = conn_.Prepare(
      "SELECT organization, json_extract(doc, '$.state'), doc FROM alert_recipients WHERE alert_id = :id");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", alert_id);
  std::vector<RecipientRowText> out;
  for (;;) {
    auto row = (*s)->Step("list alert recipient texts");
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    auto text = stored::RecipientTextFromStored(alert_id, (*s)->Text(0), (*s)->Text(1), (*s)->Text(2));
    if (!text) return std::unexpected(text.error());
    out.push_back(std::move(*text));
  }
}

Result<std::vector<DueRecipient>> SqliteTx::ListDueRecipients(Timestamp now, int limit) {
  if (auto c = stored::CheckLimit(limit); !c) return std::unexpected(c.error());
  auto s = conn_.Prepare(
      "SELECT r.alert_id, a.space, r.doc FROM alert_recipients r JOIN alerts a ON a.id = r.alert_id "
      "WHERE r.deadline IS NOT NULL AND r.deadline <= :now "
      "ORDER BY r.deadline, a.seq, r.ord LIMIT :limit");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":now", ToMicros(now));
  (*s)->Bind(":limit", int64_t{limit});
  std::vector<DueRecipient> out;
  for (;;) {
    auto row = (*s)->Step("list due recipients");
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    auto recipient = stored::RecipientFromStored((*s)->Text(0), (*s)->Text(2));
    if (!recipient) return std::unexpected(recipient.error());
    out.push_back({std::string((*s)->Text(0)), std::string((*s)->Text(1)), std::move(*recipient)});
  }
}

Result<void> SqliteTx::InsertAlertAt(const Alert& alert) { return stored::InsertAlertAt(*this, alert); }

Result<void> SqliteTx::InsertAlertRecipientAt(const std::string& alert_id, int64_t ord,
                                              const AlertRecipient& recipient) {
  return stored::InsertRecipientAt(*this, alert_id, ord, recipient);
}

}  // namespace infrashare::sqlite
