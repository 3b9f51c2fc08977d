// The PostgreSQL transaction: the SQL core's (store/sql/sql_tx.h) over one
// connection on which the store has already opened a transaction (a
// REPEATABLE READ READ ONLY snapshot, or the writer's savepoint inside a
// group commit), with what only PostgreSQL has: report heads with the
// search terms (pg_tx_reports.cc), list planning (pg_report_list.cc),
// export by cursor and import (pg_tx_dump.cc), and the log lock and
// pipelined appends of BatchState (pg_tx_log.cc).
//
// Thread behaviour: used only by the thread that runs the fn it was handed
// to, while that fn runs.
#pragma once

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_session.h"
#include "store/sql/sql_tx.h"
#include "store/stored_document.h"

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

  Result<std::optional<Report>> GetReport(const Space& space, const std::string& id) override;
  Result<std::vector<Revision>> ListRevisions(const std::string& report_id) override;
  Result<std::vector<Report>> ListReports(const ReportQuery& query) override;
  Result<int64_t> CountReports() override;
  Result<int64_t> InsertReport(const Report& report, const std::vector<std::string>& grants) override;
  Result<void> UpdateReport(const Report& report, const std::vector<std::string>& grants) override;
  Result<void> InsertRevision(const Revision& revision) override;
  // The logs under BatchState's rules (pg_tx_log.cc).
  Result<std::string> LastAuditHash() override;
  Result<void> AppendAudit(AuditEvent event) override;
  Result<void> AppendOutbox(const OutboxEvent& event) override;


 private:
  Result<void> BeforeLogAccess() override;
  // dump::SeqWriter (pg_tx_dump.cc)
  Result<void> InsertReportAt(int64_t seq, const Report& report,
                              const std::vector<std::string>& grants) override;
  Result<void> AppendAuditAt(const AuditEvent& event) override;

  // Report heads by seq, in the order given (pg_report_list.cc).
  Result<std::vector<Report>> LoadReports(const std::vector<int64_t>& seqs);
  // The seqs of one page, newest first, by the cheapest plan (pg_report_list.cc).
  Result<std::vector<int64_t>> ListReportSeqs(const ReportQuery& query);
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
