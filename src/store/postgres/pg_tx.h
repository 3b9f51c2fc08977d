// The PostgreSQL transaction: the SQL core's (store/sql/sql_tx.h) over one
// connection on which the store has already opened a transaction (a
// REPEATABLE READ READ ONLY snapshot, or the writer's savepoint inside a
// group commit), with what only PostgreSQL has: report heads with the
// search terms, written also on import (pg_tx_reports.cc), list planning
// (pg_report_list.cc), and the log lock and pipelined appends of
// BatchState (pg_tx_log.cc). Export and the rest of import are the core's
// (sql/sql_tx_dump.cc).
//
// Thread behaviour: used only by the thread that runs the fn it was handed
// to, while that fn runs.
#pragma once

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_session.h"
#include "store/sql/sql_tx.h"
#include "store/stored_document.h"

namespace infrashare::postgres {

// What the writer knows across the jobs of one batch transaction
// (docs/store.md, "the log lock and pipelined batches"):
//   log_locked: this transaction holds the log lock (kLogLockKey); the
//     chain's head is then known (last_audit_hash). A job rolled back
//     forgets the head it read or wrote.
//   outbox_appended: a job appended outbox events (restored for a job rolled
//     back); the store NOTIFYs as the transaction commits.
//   pipelined: the hot writes are sent without waiting; report seqs come
//     from report_seqs (reserved as the batch begins, again when they run
//     out), the logs' events wait in `audit` and `outbox` until HoldLogLock.
//     A duplicate fails the whole batch, which then runs the careful way.
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

// Pipelined batches (pg_store.cc). The statements that begin one, reserving
// `reports` report seqs, and its state from their rows.
std::string BeginPipelinedSql(size_t reports);
BatchState PipelinedBatch(const Rows& rows);
// Takes the log lock unless `batch` holds it, and appends the events it
// kept (linked to the chain's head, read once the lock is held), in order.
// Sent in pipeline mode: one round trip when audit events were kept (to
// read the head), none otherwise.
Result<void> HoldLogLock(Connection& conn, BatchState& batch);

class PgTx final : public sql::SqlTx {
 public:
  // `batch` is the writer's (nullptr for reads).
  explicit PgTx(Connection& conn, BatchState* batch = nullptr)
      : SqlTx(session_storage_), session_storage_(conn), conn_(conn), batch_(batch) {}

  Result<int64_t> InsertReport(const Report& report, const std::vector<std::string>& grants) override;
  Result<void> UpdateReport(const Report& report, const std::vector<std::string>& grants) override;
  // Sent without waiting in a pipelined batch.
  Result<void> InsertRevision(const Revision& revision) override;
  // The logs under BatchState's rules (pg_tx_log.cc).
  Result<std::string> LastAuditHash() override;
  Result<void> AppendAudit(AuditEvent event) override;
  Result<void> AppendOutbox(const OutboxEvent& event) override;

 private:
  Result<void> BeforeLogAccess() override;
  // Import: a report head keeping its seq (pg_tx_reports.cc)
  Result<void> InsertReportAt(int64_t seq, const Report& report,
                              const std::vector<std::string>& grants) override;
  Result<void> AppendAuditAt(const AuditEvent& event) override;

  // The seqs of one page, newest first, by the cheapest plan (pg_report_list.cc).
  Result<std::vector<int64_t>> ListReportSeqs(const ReportQuery& query) override;
  // Writes the rows that make a report findable: grants and sectors.
  Result<void> IndexReport(int64_t seq, const Report& report, const std::vector<std::string>& grants);

  PgSession session_storage_;
  Connection& conn_;
  BatchState* batch_;
};

using sql::AuditParams;
using sql::OutboxParams;
using stored::DecodeStored;
using stored::DumpDocument;
using stored::ParseStoredDocument;
using stored::ReportFromStored;

}  // namespace infrashare::postgres
