// The store's transaction methods, written once over a Session (session.h):
// registry, principals, tokens, meta, the audit chain and the outbox, alerts
// and their recipients, webhooks and their deliveries. A backend derives its
// transaction from SqlTx and adds what truly differs: reports (text index,
// list planning, a report kept with its seq on import) and how it orders the
// logs across processes (BeforeLogAccess).
//
// Expected failures are answers, not failed statements (a failed statement
// aborts a PostgreSQL transaction): inserts use ON CONFLICT DO NOTHING and
// answer kConflict when nothing was inserted; references are checked first.
// Stored documents that fail to parse answer kInternal naming the record.
//
// Thread behaviour: used only by the thread that runs the fn it was handed
// to, while that fn runs.
#pragma once

#include "store/sql/session.h"
#include "store/store.h"
#include "store/stored_alerts.h"

namespace infrashare::sql {

// The statements and parameters of the logs, for every writer of them
// (sql_tx_log.cc, a backend's batched appends, import).
// Audit: $1 … $10 = at, actor_principal, actor_org, action, target_kind,
// target_id, detail, prev_hash, hash, space; outbox: $1 … $5 = at, space,
// type, record_id, subject.
extern const std::string_view kInsertAuditSql;
extern const std::string_view kInsertOutboxSql;
extern const std::string_view kLastAuditHashSql;
Params AuditParams(const AuditEvent& event);
// Revisions: $1 … $3 = report_id, number, doc.
extern const std::string_view kInsertRevisionSql;
Params RevisionParams(const Revision& revision);
Params OutboxParams(const OutboxEvent& event);
// The hash of the newest audit event, "" when there is none.
Result<std::string> ReadLastAuditHash(Session& session);

class SqlTx : public WriteTx {
 public:
  explicit SqlTx(Session& session) : session_(session) {}

  // ReadTx (reports: sql_tx_reports.cc; the backend lists them)
  Result<std::optional<Report>> GetReport(const Space& space, const std::string& id) override;
  Result<std::vector<Revision>> ListRevisions(const std::string& report_id) override;
  Result<std::vector<ReportRowText>> ListReportTexts(const ReportQuery& query) override;
  Result<RegistryData> LoadRegistry() override;
  Result<std::optional<Principal>> GetPrincipal(const std::string& id) override;
  Result<std::vector<Principal>> ListPrincipals(const std::optional<std::string>& organization) override;
  Result<std::optional<ApiToken>> GetToken(const std::string& id) override;
  Result<std::optional<Credential>> GetCredential(const std::string& principal) override;
  Result<std::optional<WebSession>> GetWebSession(const std::string& id_sha256) override;
  Result<int64_t> CountSignInFailures(const std::string& name, Timestamp since) override;
  Result<std::optional<Timestamp>> GetSignInLock(const std::string& name) override;
  Result<std::vector<AuditEvent>> ListAudit(int64_t after_seq, int limit) override;
  Result<std::vector<OutboxEvent>> ListOutbox(int64_t after_seq, int limit) override;
  Result<int64_t> NewestOutboxSeq() override;
  Result<std::optional<std::string>> GetMeta(const std::string& key) override;
  Result<std::optional<Alert>> GetAlert(const Space& space, const std::string& id) override;
  Result<std::optional<Alert>> GetAlertHead(const Space& space, const std::string& id) override;
  Result<std::vector<RecipientRowText>> ListAlertRecipientTexts(const std::string& alert_id) override;
  Result<std::vector<Alert>> ListAlerts(const AlertQuery& query) override;
  Result<std::optional<AlertRecipient>> GetAlertRecipient(const std::string& alert_id,
                                                          const std::string& organization) override;
  Result<std::optional<Webhook>> GetWebhook(const std::string& id) override;
  Result<std::vector<Webhook>> ListWebhooks(const std::optional<std::string>& organization) override;
  Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(const std::string& webhook_id,
                                                             std::optional<int64_t> before_id,
                                                             int limit) override;

  // WriteTx
  Result<void> InsertRevision(const Revision& revision) override;
  Result<void> UpsertSector(const Sector& sector) override;
  Result<void> UpsertCeptoar(const Ceptoar& ceptoar) override;
  Result<void> UpsertGroup(const SharingGroup& group) override;
  Result<void> UpsertOrganization(const Organization& org) override;
  Result<void> InsertPrincipal(const Principal& principal) override;
  Result<void> UpdatePrincipal(const Principal& principal) override;
  Result<void> InsertToken(const ApiToken& token) override;
  Result<void> RevokeToken(const std::string& id, Timestamp at) override;
  Result<void> PutCredential(const Credential& credential) override;
  Result<bool> HoldCredential(const std::string& principal, Timestamp changed_at) override;
  Result<void> InsertWebSession(const WebSession& session) override;
  Result<void> TouchWebSession(const std::string& id_sha256, Timestamp at) override;
  Result<void> RevokeWebSession(const std::string& id_sha256, Timestamp at) override;
  Result<void> RevokeWebSessions(const std::string& principal, Timestamp at) override;
  Result<void> AddSignInFailure(const std::string& name, Timestamp at) override;
  Result<void> ForgetSignInFailures(Timestamp before) override;
  Result<void> ForgetWebSessions(Timestamp before) override;
  Result<void> SetSignInLock(const std::string& name, Timestamp until) override;
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

  // Export and import (sql_tx_dump.cc)
  Result<void> ExportRows(
      const std::function<Result<void>(std::string_view table, const Json& row)>& sink) override;
  Result<void> ImportRow(std::string_view table, const Json& row) override;

  // What an import (store/dump.cc) writes beyond WriteTx: rows of the logs,
  // reports, alerts and webhook deliveries keep their seq or id (and the
  // database's counters move past it); recipient rows keep their order.
  virtual Result<void> InsertReportAt(int64_t seq, const Report& report,
                                      const std::vector<std::string>& grants) = 0;
  virtual Result<void> AppendAuditAt(const AuditEvent& event);  // event.seq is set
  Result<void> AppendOutboxAt(const OutboxEvent& event);        // event.seq is set
  // The alert without its recipients (they come as their own rows); alert.seq is set.
  Result<void> InsertAlertAt(const Alert& alert);
  // kNotFound when the alert is not there.
  Result<void> InsertAlertRecipientAt(const std::string& alert_id, int64_t ord,
                                      const AlertRecipient& recipient);
  // kNotFound when the webhook is not there; delivery.id is set.
  Result<void> InsertWebhookDeliveryAt(const WebhookDelivery& delivery);

  // For tests and benchmarks, which reach them through Inspect (below); the
  // services read pages of reports as text (ListReportTexts).
  Result<int64_t> CountReports();
  Result<std::vector<Report>> ListReports(const ReportQuery& query);
  Result<std::optional<WebhookDelivery>> GetWebhookDelivery(int64_t id);

  // Whether AppendOutbox ran since the flag was last set (the store keeps it
  // across a write that succeeds, restores it for one rolled back, and wakes
  // the outbox's listeners after a commit that appended: store.h).
  bool outbox_appended() const { return outbox_appended_; }
  void set_outbox_appended(bool appended) { outbox_appended_ = appended; }

 protected:
  // The seqs of one page of reports, newest first: the backend's list
  // planning. REQUIRES: query.limit in [1, kMaxListLimit], grant keys given.
  virtual Result<std::vector<int64_t>> ListReportSeqs(const ReportQuery& query) = 0;

  // Before the logs are read or appended to (PostgreSQL: the log lock).
  virtual Result<void> BeforeLogAccess() { return {}; }

  // The rows of alerts and deliveries. seq nullopt: the database assigns
  // it (and answers it); kConflict when the id (or the seq) is there.
  Result<int64_t> InsertAlertRow(const Alert& alert, std::optional<int64_t> seq);
  // kConflict when the organization is already on the alert.
  Result<void> InsertRecipientRow(const std::string& alert_id, int64_t ord, const AlertRecipient& recipient);
  // kNotFound when the alert is not there.
  Result<void> RequireAlert(const std::string& alert_id);
  // kNotFound when the webhook is not there. delivery.id 0: the database
  // assigns it. Answers the id, or 0 when (webhook_id, event_seq) (or the
  // id) is there.
  Result<int64_t> InsertDeliveryRow(const WebhookDelivery& delivery);

  // Counts up kCredentialsVersionKey (store.h): after every revocation.
  Result<void> CredentialsChanged();

  // Moves `table`'s key sequence past a key given on import (dialect).
  Result<void> AdvanceSequence(std::string_view table, std::string_view column);

  Session& session_;
  bool outbox_appended_ = false;
};

// The columns every read of the audit log selects, in order, and the event
// from one row of them; kInternal naming the event when it is damaged.
inline constexpr std::string_view kAuditColumns =
    "seq, at, actor_principal, actor_org, action, target_kind, target_id, detail, prev_hash, hash, space";
Result<AuditEvent> AuditEventFromRow(const Rows& rows, int i);
// The same for principals and tokens.
inline constexpr std::string_view kPrincipalColumns =
    "id, organization, name, roles, created_at, disabled_at, language";
Result<Principal> PrincipalFromRow(const Rows& rows, int i);
inline constexpr std::string_view kTokenColumns =
    "id, principal, secret_sha256, label, created_at, revoked_at";
Result<ApiToken> TokenFromRow(const Rows& rows, int i);
inline constexpr std::string_view kCredentialColumns =
    "principal, password_hash, setup_code_sha256, setup_code_expires_at, changed_at";
Credential CredentialFromRow(const Rows& rows, int i);

// The SqlTx behind a store's transaction (every backend's is one), for
// tests and benchmarks that need more than ReadTx offers.
inline SqlTx& Inspect(ReadTx& tx) { return dynamic_cast<SqlTx&>(tx); }

}  // namespace infrashare::sql
