// The SQLite implementation of ReadTx and WriteTx: one object over one
// connection on which the store has already opened a transaction (a read
// snapshot, or the writer's savepoint inside a group commit).
//
// Implementation is split by concept:
//   sqlite_tx_registry.cc  registry documents, principals, tokens, meta
//   sqlite_tx_reports.cc   report heads, grants, sectors, text index, revisions
//   report_list.cc         ListReports (the query planner for lists)
//   sqlite_tx_log.cc       audit chain and outbox
//   sqlite_tx_alerts.cc    alerts and their recipients
//   sqlite_tx_webhooks.cc  webhooks and their deliveries
//   sqlite_tx_dump.cc      export and import (store/dump.h)
//
// Stored documents that fail to parse answer kInternal naming the record;
// they never crash the process.
//
// Full-text rows are written at the end of the batch, not inside each
// write's savepoint: FTS5 flushes a new index segment at every SAVEPOINT, and
// a segment per report makes group commit pay merge work many times over. So
// InsertReport / UpdateReport queue their text (PendingText), the store keeps
// the queue of each write that succeeds and drops that of a write rolled back,
// and FlushPendingText writes it once, just before COMMIT. Consequence: a
// text search inside a Write does not see reports written in the same batch.
//
// Thread behaviour: used only by the thread that runs the fn it was handed
// to, while that fn runs.
#pragma once

#include "store/dump.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/store.h"
#include "store/stored_alerts.h"

namespace infrashare::sqlite {

class SqliteTx final : public WriteTx, private dump::SeqWriter, private stored::RowWriter {
 public:
  explicit SqliteTx(Connection& conn) : conn_(conn) {}

  // ReadTx
  Result<RegistryData> LoadRegistry() override;
  Result<std::optional<Principal>> GetPrincipal(const std::string& id) override;
  Result<std::vector<Principal>> ListPrincipals(const std::optional<std::string>& organization) override;
  Result<std::optional<ApiToken>> GetToken(const std::string& id) override;
  Result<std::optional<Report>> GetReport(const std::string& space, const std::string& id) override;
  Result<std::vector<Revision>> ListRevisions(const std::string& report_id) override;
  Result<std::vector<Report>> ListReports(const ReportQuery& query) override;
  Result<int64_t> CountReports() override;
  Result<std::vector<AuditEvent>> ListAudit(int64_t after_seq, int limit) override;
  Result<std::vector<OutboxEvent>> ListOutbox(int64_t after_seq, int limit) override;
  Result<int64_t> NewestOutboxSeq() override;
  Result<std::optional<std::string>> GetMeta(const std::string& key) override;
  Result<std::optional<Alert>> GetAlert(const std::string& space, const std::string& id) override;
  Result<std::optional<Alert>> GetAlertHead(const std::string& space, const std::string& id) override;
  Result<std::vector<RecipientRowText>> ListAlertRecipientTexts(const std::string& alert_id) override;
  Result<std::vector<Alert>> ListAlerts(const AlertQuery& query) override;
  Result<std::optional<AlertRecipient>> GetAlertRecipient(const std::string& alert_id,
                                                          const std::string& organization) override;
  Result<std::optional<Webhook>> GetWebhook(const std::string& id) override;
  Result<std::vector<Webhook>> ListWebhooks(const std::optional<std::string>& organization) override;
  Result<std::optional<WebhookDelivery>> GetWebhookDelivery(int64_t id) override;
  Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(const std::string& webhook_id,
                                                             std::optional<int64_t> before_id,
                                                             int limit) override;

  // WriteTx
  Result<void> UpsertSector(const Sector& sector) override;
  Result<void> UpsertCeptoar(const Ceptoar& ceptoar) override;
  Result<void> UpsertGroup(const SharingGroup& group) override;
  Result<void> UpsertOrganization(const Organization& org) override;
  Result<void> InsertPrincipal(const Principal& principal) override;
  Result<void> InsertToken(const ApiToken& token) override;
  Result<void> RevokeToken(const std::string& id, Timestamp at) override;
  Result<int64_t> InsertReport(const Report& report, const std::vector<std::string>& grants) override;
  Result<void> UpdateReport(const Report& report, const std::vector<std::string>& grants) override;
  Result<void> InsertRevision(const Revision& revision) override;
  Result<std::string> LastAuditHash() override;
  Result<void> AppendAudit(AuditEvent event) override;
  Result<void> AppendOutbox(const OutboxEvent& event) override;
  Result<void> SetMeta(const std::string& key, const std::string& value) override;
  Result<int64_t> InsertAlert(const Alert& alert) override;
  Result<void> UpsertAlertRecipient(const std::string& alert_id, const AlertRecipient& recipient) override;
  Result<std::vector<DueRecipient>> ListDueRecipients(Timestamp now, int limit) override;
  Result<void> InsertWebhook(const Webhook& webhook) override;
  Result<void> UpdateWebhook(const Webhook& webhook) override;
  Result<int64_t> InsertWebhookDelivery(const WebhookDelivery& delivery) override;
  Result<void> UpdateWebhookDelivery(const WebhookDelivery& delivery) override;
  Result<std::vector<WebhookDelivery>> ListDueWebhookDeliveries(
      Timestamp now, int limit, const std::vector<std::string>& skip) override;

  // Export and import (sqlite_tx_dump.cc)
  Result<void> ExportRows(
      const std::function<Result<void>(std::string_view table, const Json& row)>& sink) override;
  Result<void> ImportRow(std::string_view table, const Json& row) override;

  // The store's side of the deferred full-text rows (see above).
  size_t PendingTextMark() const { return pending_text_.size(); }
  void DropPendingTextSince(size_t mark) { pending_text_.resize(mark); }
  // Writes the queued rows in order and empties the queue (also on error).
  Result<void> FlushPendingText();

  // Whether AppendOutbox ran since the flag was last set (the store keeps it
  // across a write that succeeds, restores it for one rolled back, and wakes
  // the outbox's listeners after a commit that appended: store.h).
  bool outbox_appended() const { return outbox_appended_; }
  void set_outbox_appended(bool appended) { outbox_appended_ = appended; }

 private:
  // dump::SeqWriter (sqlite_tx_dump.cc; alerts and deliveries beside their
  // other rows)
  Result<void> InsertReportAt(int64_t seq, const Report& report,
                              const std::vector<std::string>& grants) override;
  Result<void> AppendAuditAt(const AuditEvent& event) override;
  Result<void> AppendOutboxAt(const OutboxEvent& event) override;
  Result<void> InsertAlertAt(const Alert& alert) override;
  Result<void> InsertAlertRecipientAt(const std::string& alert_id, int64_t ord,
                                      const AlertRecipient& recipient) override;
  Result<void> InsertWebhookDeliveryAt(const WebhookDelivery& delivery) override;

  // stored::RowWriter (sqlite_tx_alerts.cc, sqlite_tx_webhooks.cc)
  Result<int64_t> InsertAlertRow(const Alert& alert, std::optional<int64_t> seq) override;
  Result<void> InsertRecipientRow(const std::string& alert_id, int64_t ord,
                                  const AlertRecipient& recipient) override;
  Result<int64_t> InsertDeliveryRow(const WebhookDelivery& delivery) override;
  Result<bool> AlertExists(const std::string& alert_id) override;
  Result<bool> WebhookExists(const std::string& webhook_id) override;

  struct PendingText {
    int64_t seq;
    bool remove;              // FTS5 'delete' of what was indexed before
    std::string title, text;  // as FtsIndexText wrote them
  };

  // Report heads by seq, in the order given (report_list.cc).
  Result<std::vector<Report>> LoadReports(const std::vector<int64_t>& seqs);
  // The seqs of one page, newest first, by the cheapest plan (report_list.cc).
  Result<std::vector<int64_t>> ListReportSeqs(const ReportQuery& query);
  // Adds the rows that make a report findable: grants, sectors, text.
  Result<void> IndexReport(int64_t seq, const Report& report, const std::vector<std::string>& grants);

  Connection& conn_;
  std::vector<PendingText> pending_text_;
  bool outbox_appended_ = false;
};

// A report head from its stored document; kInternal if unreadable.
Result<Report> ReportFromStored(int64_t seq, std::string_view doc);
// A stored document, parsed; kInternal naming `what` if it is not JSON.
Result<Json> ParseStoredDocument(std::string_view text, std::string_view what);

// Parses a stored document and decodes it with `from_json` (a domain
// *FromJson). Whatever is wrong with the document — not JSON, rejected by
// the decoder, a member of the wrong type that makes the JSON library throw —
// answers kInternal naming `what`: a damaged row never takes the process down.
template <class T>
Result<T> DecodeStored(std::string_view text, const std::string& what, Result<T> (*from_json)(const Json&)) {
  auto json = ParseStoredDocument(text, what);
  if (!json) return std::unexpected(json.error());
  try {
    auto value = from_json(*json);
    if (!value) return Internal(what + " is unreadable: " + value.error().message);
    return value;
  } catch (const Json::exception& e) {
    return Internal(what + " is unreadable: " + e.what());
  }
}
// JSON text for storing; invalid UTF-8 is replaced, never thrown.
std::string DumpDocument(const Json& json);

}  // namespace infrashare::sqlite
