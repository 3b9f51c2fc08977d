// The Store interface: everything the services keep, behind one interface
// with two backends (store/sqlite, store/postgres) over one SQL core
// (store/sql). Design and measurements: docs/store.md.
//
// Write(fn) runs fn in a write transaction, group-committed with concurrent
// Writes (each in its own savepoint where the backend needs one); it returns
// once the transaction is durable. fn may run more than once for one Write:
// only its last run counts, so it must not accumulate state outside the
// transaction. Read(fn) runs fn on a consistent snapshot, concurrently with
// other reads and the writer. fn's Error is returned unchanged (its changes
// rolled back); a database failure becomes kUnavailable.
//
// OnOutboxAppended(fn): fn is called, from any thread and possibly
// spuriously, after commits that appended outbox events, by this process or
// another on the same database. A hint, not a record: readers keep a slow
// poll. fn must be quick and must not block or call the store.
//
// Thread behaviour: a Store is safe to use from many threads. ReadTx/WriteTx
// objects are valid only inside the fn they were handed to, on that thread.
#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "common/time.h"
#include "domain/alert/alert.h"
#include "domain/alert/webhook.h"
#include "domain/registry/principal.h"
#include "domain/registry/registry.h"
#include "domain/report/report.h"
#include "domain/space/space.h"
#include "store/outbox_signal.h"

namespace infrashare {

// The meta key counted up by every transaction that revokes a token or a
// browser session or changes a principal (WriteTx::RevokeToken, ...).
inline constexpr char kCredentialsVersionKey[] = "credentials.version";

// A filtered, paginated list of report heads, newest first (by seq).
struct ReportQuery {
  Space space;
  std::optional<ReportKind> kind;
  std::optional<std::string> sector;  // affected sector id
  std::optional<Route> route;
  std::optional<Tlp> tlp;
  std::optional<Timestamp> created_from;   // inclusive
  std::optional<Timestamp> created_to;     // exclusive
  std::optional<Timestamp> updated_since;  // inclusive
  std::optional<std::string> text;         // words that must all appear in title or text
  std::optional<int64_t> before_seq;       // cursor: only seq < before_seq
  int limit = 50;
  // The caller's grant keys (domain/sharing ViewerKeys). Only reports with at
  // least one grant among them are returned. Never empty.
  std::vector<std::string> grant_keys;
};

// One hash-chained audit event. seq, prev_hash and hash are assigned when it
// is appended: the store links it to the event before it (audit_chain.h).
struct AuditEvent {
  int64_t seq = 0;
  Timestamp at;
  std::string actor_principal;  // empty for the system itself
  std::string actor_org;
  std::string action;       // "report.submit", "report.relay", "token.issue", ...
  std::string target_kind;  // "report", "organization", "principal", "token"
  std::string target_id;
  Space space;  // of the record concerned; in the hash only when not live (audit_chain.h)
  Json detail = Json::object();
  std::string prev_hash;
  std::string hash;
};

// One event of the outbox that feeds the live channels (stream, webhooks).
struct OutboxEvent {
  int64_t seq = 0;
  Timestamp at;
  Space space;
  std::string type;       // "report.created", "report.updated", "report.relayed", "alert.raised", ...
  std::string record_id;  // the report (or alert) id
  std::string subject;    // alert events: the recipient organization concerned ("" for all)
};

// A page of alerts, newest first (by seq).
struct AlertQuery {
  Space space;
  // Only alerts raised by this organization or with it among the recipients;
  // nullopt: every alert (NISC).
  std::optional<std::string> organization;
  std::optional<int64_t> before_seq;  // cursor: only seq < before_seq
  int limit = 50;
};

// A report head as stored: its seq and document (the ReportToJson text, one
// line), for readers that pass it on unchanged (a page of reports the caller
// sees in full is spliced from these, not decoded and encoded again).
struct ReportRowText {
  int64_t seq = 0;
  std::string doc;
};

// A recipient row as stored: its JSON text (RecipientToJson, one line) with
// its organization and state, for readers that pass rows on unchanged (the
// event feed sends an alert to thousands of organizations without decoding
// and re-encoding every row).
struct RecipientRowText {
  std::string organization;
  DeliveryState state = DeliveryState::kQueued;
  std::string json;
};

// A recipient whose acknowledgement deadline has passed.
struct DueRecipient {
  std::string alert_id;
  Space space;
  AlertRecipient recipient;
};

class ReadTx {
 public:
  virtual ~ReadTx() = default;

  // Registry: sectors, CEPTOARs, groups and organizations as stored.
  virtual Result<RegistryData> LoadRegistry() = 0;
  virtual Result<std::optional<Principal>> GetPrincipal(const std::string& id) = 0;
  virtual Result<std::vector<Principal>> ListPrincipals(const std::optional<std::string>& organization) = 0;
  virtual Result<std::optional<ApiToken>> GetToken(const std::string& id) = 0;
  // Sign-in (service/session_service.h). GetWebSession: by the SHA-256 of
  // the cookie's id, revoked or not. CountSignInFailures: of `name` at or
  // after `since`. GetSignInLock: when a lock of `name` ends, nullopt when
  // none was ever set.
  virtual Result<std::optional<Credential>> GetCredential(const std::string& principal) = 0;
  virtual Result<std::optional<WebSession>> GetWebSession(const std::string& id_sha256) = 0;
  virtual Result<int64_t> CountSignInFailures(const std::string& name, Timestamp since) = 0;
  virtual Result<std::optional<Timestamp>> GetSignInLock(const std::string& name) = 0;

  // Reports. Get* return nullopt when the id is unknown; callers decide
  // visibility with domain/sharing.
  virtual Result<std::optional<Report>> GetReport(const Space& space, const std::string& id) = 0;
  virtual Result<std::vector<Revision>> ListRevisions(const std::string& report_id) = 0;
  // One page of reports as stored, newest first.
  virtual Result<std::vector<ReportRowText>> ListReportTexts(const ReportQuery& query) = 0;

  // Alerts. GetAlert returns the alert with every recipient (named first,
  // then escalations, in the order they were added); ListAlerts returns
  // alerts whose `recipients` hold only the row of query.organization (none
  // when it is nullopt). GetAlertRecipient: one recipient row, or nullopt.
  virtual Result<std::optional<Alert>> GetAlert(const Space& space, const std::string& id) = 0;
  // The alert without its recipients (cheap for alerts to thousands).
  virtual Result<std::optional<Alert>> GetAlertHead(const Space& space, const std::string& id) = 0;
  virtual Result<std::vector<Alert>> ListAlerts(const AlertQuery& query) = 0;
  virtual Result<std::optional<AlertRecipient>> GetAlertRecipient(const std::string& alert_id,
                                                                  const std::string& organization) = 0;
  // Every recipient row of an alert as stored, in no particular order (none
  // for an unknown alert).
  virtual Result<std::vector<RecipientRowText>> ListAlertRecipientTexts(const std::string& alert_id) = 0;

  // Webhooks. ListWebhooks: of one organization, or every one (nullopt),
  // ordered by id. ListWebhookDeliveries: one webhook's log, newest first
  // (id < before_id when given).
  virtual Result<std::optional<Webhook>> GetWebhook(const std::string& id) = 0;
  virtual Result<std::vector<Webhook>> ListWebhooks(const std::optional<std::string>& organization) = 0;
  virtual Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(const std::string& webhook_id,
                                                                     std::optional<int64_t> before_id,
                                                                     int limit) = 0;

  virtual Result<std::vector<AuditEvent>> ListAudit(int64_t after_seq, int limit) = 0;
  virtual Result<std::vector<OutboxEvent>> ListOutbox(int64_t after_seq, int limit) = 0;
  // The seq of the newest outbox event; 0 when there is none.
  virtual Result<int64_t> NewestOutboxSeq() = 0;
  virtual Result<std::optional<std::string>> GetMeta(const std::string& key) = 0;

  // Every row of every table, in the backend-neutral form of store/dump.h
  // (table by table in dump::kTables order, each in its canonical order),
  // handed to `sink` one at a time; stops at the first error of `sink` and
  // returns it. For infrashare export / migrate: reads the one snapshot of
  // this transaction, holding little in memory.
  virtual Result<void> ExportRows(
      const std::function<Result<void>(std::string_view table, const Json& row)>& sink) = 0;
};

class WriteTx : public ReadTx {
 public:
  virtual Result<void> UpsertSector(const Sector& sector) = 0;
  virtual Result<void> UpsertCeptoar(const Ceptoar& ceptoar) = 0;
  virtual Result<void> UpsertGroup(const SharingGroup& group) = 0;
  virtual Result<void> UpsertOrganization(const Organization& org) = 0;
  virtual Result<void> InsertPrincipal(const Principal& principal) = 0;
  // Replaces the principal's name, roles, disabled_at and language (by id;
  // kNotFound for an unknown one). Its organization never changes.
  virtual Result<void> UpdatePrincipal(const Principal& principal) = 0;
  virtual Result<void> InsertToken(const ApiToken& token) = 0;
  // RevokeToken, UpdatePrincipal and RevokeWebSession(s) also count up the
  // meta value kCredentialsVersionKey in the same transaction: every process
  // watches it to end what a credential opened (service/credential_watch.h).
  virtual Result<void> RevokeToken(const std::string& id, Timestamp at) = 0;
  // Sign-in. PutCredential inserts or replaces the principal's (kNotFound
  // for an unknown principal). TouchWebSession moves last_seen_at.
  // RevokeWebSessions: every unrevoked session of the principal.
  // ForgetSignInFailures drops failures before `before` and locks that
  // ended before it; ForgetWebSessions drops sessions that expired or were
  // revoked before it.
  virtual Result<void> PutCredential(const Credential& credential) = 0;
  // Holds the principal's credential, changed at `changed_at`, until the
  // write ends (a concurrent change from another process waits); false
  // when it has changed since (or is gone).
  virtual Result<bool> HoldCredential(const std::string& principal, Timestamp changed_at) = 0;
  virtual Result<void> InsertWebSession(const WebSession& session) = 0;
  virtual Result<void> TouchWebSession(const std::string& id_sha256, Timestamp at) = 0;
  virtual Result<void> RevokeWebSession(const std::string& id_sha256, Timestamp at) = 0;
  virtual Result<void> RevokeWebSessions(const std::string& principal, Timestamp at) = 0;
  virtual Result<void> AddSignInFailure(const std::string& name, Timestamp at) = 0;
  virtual Result<void> ForgetSignInFailures(Timestamp before) = 0;
  virtual Result<void> ForgetWebSessions(Timestamp before) = 0;
  virtual Result<void> SetSignInLock(const std::string& name, Timestamp until) = 0;

  // Inserts a new report head; assigns and returns its seq. `grants` are the
  // keys that may see it (domain/sharing GrantKeys), indexed for ListReportTexts.
  virtual Result<int64_t> InsertReport(const Report& report, const std::vector<std::string>& grants) = 0;
  // Replaces the head of an existing report (by id) and its grants.
  virtual Result<void> UpdateReport(const Report& report, const std::vector<std::string>& grants) = 0;
  virtual Result<void> InsertRevision(const Revision& revision) = 0;

  // Inserts an alert with all its recipients; assigns and returns its seq.
  // kConflict when the id exists.
  virtual Result<int64_t> InsertAlert(const Alert& alert) = 0;
  // Inserts or replaces one recipient row of an existing alert (by alert id
  // and organization); a new row goes after the existing ones.
  virtual Result<void> UpsertAlertRecipient(const std::string& alert_id, const AlertRecipient& recipient) = 0;
  // Recipients whose deadline is set and <= now, earliest deadline first.
  // (PostgreSQL: rows are locked, skipping rows another process holds.)
  virtual Result<std::vector<DueRecipient>> ListDueRecipients(Timestamp now, int limit) = 0;

  virtual Result<void> InsertWebhook(const Webhook& webhook) = 0;
  // Replaces a webhook (by id): activation and disabled_at change.
  virtual Result<void> UpdateWebhook(const Webhook& webhook) = 0;
  // Inserts a delivery; assigns and returns its id. Returns 0 and inserts
  // nothing when (webhook_id, event_seq) is already there.
  virtual Result<int64_t> InsertWebhookDelivery(const WebhookDelivery& delivery) = 0;
  // Replaces a delivery's state fields (by id).
  virtual Result<void> UpdateWebhookDelivery(const WebhookDelivery& delivery) = 0;
  // Pending deliveries with next_attempt_at <= now, earliest first, at most
  // `limit`, none of the webhooks in `skip` (those with enough in flight).
  // (PostgreSQL: rows are locked, skipping rows another process holds.)
  virtual Result<std::vector<WebhookDelivery>> ListDueWebhookDeliveries(
      Timestamp now, int limit, const std::vector<std::string>& skip) = 0;

  // The audit chain and the outbox are logs in commit order across
  // processes (a reader that has seen seq N never finds a later commit
  // below N). Appends answer no seq; what this transaction appended is
  // visible to its own later reads of the logs, and from such a read on
  // nobody else appends until it ends.
  //
  // The hash of the last audit event ("" when there is none).
  virtual Result<std::string> LastAuditHash() = 0;
  // Appends an audit event linked to the one before it: the store sets its
  // prev_hash and hash (audit_chain.h LinkAudit); the caller's seq,
  // prev_hash and hash are ignored.
  virtual Result<void> AppendAudit(AuditEvent event) = 0;
  // Appends an outbox event (its seq is ignored).
  virtual Result<void> AppendOutbox(const OutboxEvent& event) = 0;
  virtual Result<void> SetMeta(const std::string& key, const std::string& value) = 0;

  // Stores one row that ExportRows produced, as it was (seq values kept;
  // indexes rebuilt). For infrashare import into an empty database.
  // Errors: kInvalidArgument naming the table and field of a bad row;
  // kConflict when the row is already there.
  virtual Result<void> ImportRow(std::string_view table, const Json& row) = 0;
};

class Store {
 public:
  using WriteFn = std::function<Result<void>(WriteTx&)>;
  using ReadFn = std::function<Result<void>(ReadTx&)>;

  virtual ~Store() = default;
  virtual Result<void> Write(const WriteFn& fn) = 0;
  virtual Result<void> Read(const ReadFn& fn) = 0;

  // Write(fn) / Read(fn) for an fn that returns a Result<T>: answers the
  // value of the run that committed (fn may run more than once; each run
  // starts from an empty result, so nothing a discarded run produced leaks
  // out). Callers take their answer from here, never from a variable their
  // fn assigns.
  template <class F>
    requires std::invocable<F&, WriteTx&>
  auto Write(F&& fn) -> std::invoke_result_t<F&, WriteTx&> {
    return RunKeepingLast<WriteTx>(fn, [this](const WriteFn& once) { return Write(once); });
  }
  template <class F>
    requires std::invocable<F&, ReadTx&>
  auto Read(F&& fn) -> std::invoke_result_t<F&, ReadTx&> {
    return RunKeepingLast<ReadTx>(fn, [this](const ReadFn& once) { return Read(once); });
  }

  // Calls fn after commits that appended outbox events (see above) until the
  // returned subscription ends. REQUIRES: the store outlives the subscription.
  [[nodiscard]] virtual OutboxSubscription OnOutboxAppended(std::function<void()> fn) = 0;

 private:
  template <class Tx, class F, class Call>
  static auto RunKeepingLast(F& fn, const Call& call) -> std::invoke_result_t<F&, Tx&> {
    using R = std::invoke_result_t<F&, Tx&>;
    using T = typename R::value_type;
    static_assert(std::is_same_v<R, Result<T>>, "a transaction function returns a Result");
    if constexpr (std::is_void_v<T>) {
      return call(std::function<Result<void>(Tx&)>(std::ref(fn)));
    } else {
      std::optional<T> last;
      auto done = call(std::function<Result<void>(Tx&)>([&](Tx& tx) -> Result<void> {
        last.reset();
        R r = fn(tx);
        if (!r) return std::unexpected(std::move(r).error());
        last.emplace(std::move(*r));
        return {};
      }));
      if (!done) return std::unexpected(std::move(done).error());
      if (!last) return Internal("the store reported a commit without running the transaction");
      return std::move(*last);
    }
  }
};

}  // namespace infrashare
