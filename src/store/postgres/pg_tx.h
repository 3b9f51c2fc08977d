// The PostgreSQL implementation of ReadTx and WriteTx: one object over one
// connection on which the store has already opened a transaction (a
// REPEATABLE READ READ ONLY snapshot, or the writer's savepoint inside a
// group commit).
//
// Implementation is split by concept, as the SQLite backend's:
//   pg_tx_registry.cc  registry documents, principals, tokens, meta
//   pg_tx_reports.cc   report heads, grants, sectors, search text, revisions
//   pg_report_list.cc  ListReports (the query planner for lists)
//   pg_tx_log.cc       audit chain and outbox
//   pg_tx_alerts.cc    alerts and their recipients
//   pg_tx_webhooks.cc  webhooks and their deliveries
//   pg_tx_dump.cc      export and import (store/dump.h)
//
// A statement that fails aborts a PostgreSQL transaction (unlike SQLite), so
// the expected failures are not errors in SQL: inserts use ON CONFLICT DO
// NOTHING and answer kConflict when nothing was inserted, and a token's
// principal is checked before the insert. The write's savepoint stays usable
// after them, as in the SQLite backend. (A pipelined batch is the exception:
// see BatchState::pipelined below.)
//
// Stored documents that fail to parse answer kInternal naming the record;
// they never crash the process.
//
// Thread behaviour: used only by the thread that runs the fn it was handed
// to, while that fn runs.
#pragma once

#include "store/dump.h"
#include "store/postgres/pg_connection.h"
#include "store/sqlite/sqlite_tx.h"
#include "store/store.h"
#include "store/stored_alerts.h"

namespace infrashare::postgres {

// What the writer knows across the jobs of one batch transaction.
//
// The log lock (pg_tuning.h kLogLockKey) orders the audit chain and the
// outbox across processes: a transaction appends to them only while it
// holds the lock, and holds it until it ends, so their seq order (nextval,
// under the lock) is commit order and the chain's head, once read or
// written, stays known. log_locked: this transaction holds it. The careful
// way takes it at BEGIN; a pipelined batch as late as it can (below). A
// job rolled back forgets the head it read or wrote.
//
// outbox_appended: a job of the batch appended outbox events (a job rolled
// back restores what it was before): the store then NOTIFYs the listeners
// of every process as the transaction commits (pg_listener.h).
//
// pipelined (pg_store.cc RunPipelined): the connection is in pipeline mode
// and the hot writes of a submission (InsertReport, InsertRevision,
// AppendAudit, AppendOutbox) are sent without waiting for their answers:
//   * Report seqs come from report_seqs, reserved from the sequence
//     (nextval) as the batch begins and, when they run out, again for the
//     jobs left (at least as many as the batch had: a bulk load doubles).
//     Reports need no order across processes (their lists are newest-first
//     pages, not followed by seq), so no lock: a gap is fine.
//   * The logs' events wait in `audit` and `outbox` until the log lock is
//     taken (HoldLogLock): at the end of the batch, so that the lock is held
//     only while the events are linked, inserted and committed, or earlier
//     when a job reads the logs (LastAuditHash, ListAudit, ListOutbox,
//     NewestOutboxSeq, export, import) — the events kept so far are then
//     appended first, in order, and the batch appends at once from there
//     on. A job that fails before it sent a statement forgets its own kept
//     events (the store cuts them off at its marks).
//   * A duplicate fails the statement instead of answering kConflict: the
//     batch then fails as a whole and the store runs it again the careful
//     way (every statement answered, a savepoint per job), where each job
//     gets its exact answer.
// A batch that waits for the lock may hold row locks that the holder waits
// for (rows both update, e.g. a meta key, when the holder took the lock
// early: a write that reads the logs, or the careful way's BEGIN).
// PostgreSQL finds such a deadlock (deadlock_timeout) and fails one
// statement: a fast batch then runs the careful way, a careful write
// answers kUnavailable ("retry"). Before the lock moved to the end of a
// batch every batch took it first; the cycle needs two rare things at once.
struct BatchState {
  bool pipelined = false;
  bool log_locked = false;
  std::optional<std::string> last_audit_hash;  // known only while log_locked
  bool outbox_appended = false;
  // pipelined only:
  std::vector<AuditEvent> audit;     // kept, not yet linked: log lock not taken
  std::vector<OutboxEvent> outbox;   // kept: log lock not taken
  std::vector<int64_t> report_seqs;  // reserved, ascending; handed out from next_report
  size_t next_report = 0;
  size_t jobs_left = 1;  // this job and those after it: how many seqs to reserve when they run out
};

// The columns of an audit event ($1 … $9: at, actor_principal, actor_org,
// action, target_kind, target_id, detail, prev_hash, hash) and of an outbox
// event ($1 … $5: at, space, type, record_id, subject), for every insert
// of them (pg_tx_log.cc, and import in pg_tx_dump.cc, which adds the seq).
Params AuditParams(const AuditEvent& event);
Params OutboxParams(const OutboxEvent& event);

// Pipelined batches (pg_store.cc). The statements that begin one, reserving
// `reports` report seqs, and its state from their rows.
std::string BeginPipelinedSql(size_t reports);
BatchState PipelinedBatch(const Rows& rows);
// Takes the log lock unless `batch` holds it, and appends the events it
// kept (linked to the chain's head, read once the lock is held), in order.
// Sent in pipeline mode: one round trip when audit events were kept (to
// read the head), none otherwise.
Result<void> HoldLogLock(Connection& conn, BatchState& batch);

class PgTx final : public WriteTx, private dump::SeqWriter, private stored::RowWriter {
 public:
  // `batch` is the writer's (nullptr for reads).
  explicit PgTx(Connection& conn, BatchState* batch = nullptr) : conn_(conn), batch_(batch) {}

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

  // Export and import (pg_tx_dump.cc)
  Result<void> ExportRows(
      const std::function<Result<void>(std::string_view table, const Json& row)>& sink) override;
  Result<void> ImportRow(std::string_view table, const Json& row) override;

 private:
  // dump::SeqWriter (pg_tx_dump.cc; alerts and deliveries beside their other
  // rows)
  Result<void> InsertReportAt(int64_t seq, const Report& report,
                              const std::vector<std::string>& grants) override;
  Result<void> AppendAuditAt(const AuditEvent& event) override;
  Result<void> AppendOutboxAt(const OutboxEvent& event) override;
  Result<void> InsertAlertAt(const Alert& alert) override;
  Result<void> InsertAlertRecipientAt(const std::string& alert_id, int64_t ord,
                                      const AlertRecipient& recipient) override;
  Result<void> InsertWebhookDeliveryAt(const WebhookDelivery& delivery) override;

  // stored::RowWriter (pg_tx_alerts.cc, pg_tx_webhooks.cc)
  Result<int64_t> InsertAlertRow(const Alert& alert, std::optional<int64_t> seq) override;
  Result<void> InsertRecipientRow(const std::string& alert_id, int64_t ord,
                                  const AlertRecipient& recipient) override;
  Result<int64_t> InsertDeliveryRow(const WebhookDelivery& delivery) override;
  Result<bool> AlertExists(const std::string& alert_id) override;
  Result<bool> WebhookExists(const std::string& webhook_id) override;

  // Report heads by seq, in the order given (pg_report_list.cc).
  Result<std::vector<Report>> LoadReports(const std::vector<int64_t>& seqs);
  // The seqs of one page, newest first, by the cheapest plan (pg_report_list.cc).
  Result<std::vector<int64_t>> ListReportSeqs(const ReportQuery& query);
  // Before a write transaction reads or writes the logs the slow way: see
  // BatchState (nothing to do in a read transaction).
  Result<void> HoldLogLock();
  // Writes the rows that make a report findable: grants and sectors.
  Result<void> IndexReport(int64_t seq, const Report& report, const std::vector<std::string>& grants);

  Connection& conn_;
  BatchState* batch_;
};

// Stored documents are the same JSON text in both backends; their readers
// and writer live with the SQLite backend (sqlite_tx.h).
using sqlite::DecodeStored;
using sqlite::DumpDocument;
using sqlite::ParseStoredDocument;
using sqlite::ReportFromStored;

}  // namespace infrashare::postgres
