// The SQLite transaction: the SQL core's (store/sql/sql_tx.h) over one
// connection on which the store has already opened a transaction (a read
// snapshot, or the writer's savepoint inside a group commit), with what
// only SQLite has: report heads with the FTS5 text index
// (sqlite_tx_reports.cc, also on import) and list planning
// (report_list.cc). Export and the rest of import are the core's
// (sql/sql_tx_dump.cc).
//
// Full-text rows are written at the end of the batch, not inside each
// write's savepoint (FTS5 flushes a segment at every SAVEPOINT:
// docs/store.md). InsertReport / UpdateReport queue their text
// (PendingText); the store keeps the queue of each write that succeeds,
// drops that of a write rolled back, and FlushPendingText writes it just
// before COMMIT. A text search inside a Write does not see reports written
// in the same batch.
//
// Thread behaviour: used only by the thread that runs the fn it was handed
// to, while that fn runs.
#pragma once

#include "store/sql/sql_tx.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/sqlite/sqlite_session.h"
#include "store/stored_document.h"

namespace infrashare::sqlite {

class SqliteTx final : public sql::SqlTx {
 public:
  explicit SqliteTx(Connection& conn) : SqlTx(session_storage_), session_storage_(conn), conn_(conn) {}

  Result<int64_t> InsertReport(const Report& report, const std::vector<std::string>& grants) override;
  Result<void> UpdateReport(const Report& report, const std::vector<std::string>& grants) override;

  // The store's side of the deferred full-text rows (see above).
  size_t PendingTextMark() const { return pending_text_.size(); }
  void DropPendingTextSince(size_t mark) { pending_text_.resize(mark); }
  // Writes the queued rows in order and empties the queue (also on error).
  Result<void> FlushPendingText();

 private:
  // Import: a report head keeping its seq (sqlite_tx_reports.cc)
  Result<void> InsertReportAt(int64_t seq, const Report& report,
                              const std::vector<std::string>& grants) override;
  struct PendingText {
    int64_t seq;
    bool remove;              // FTS5 'delete' of what was indexed before
    std::string title, text;  // as FtsIndexText wrote them
  };

  // The seqs of one page, newest first, by the cheapest plan (report_list.cc).
  Result<std::vector<int64_t>> ListReportSeqs(const ReportQuery& query) override;
  // Adds the rows that make a report findable: grants, sectors, text.
  Result<void> IndexReport(int64_t seq, const Report& report, const std::vector<std::string>& grants);

  SqliteSession session_storage_;
  Connection& conn_;
  std::vector<PendingText> pending_text_;
};

using stored::DecodeStored;
using stored::DumpDocument;
using stored::ParseStoredDocument;
using stored::ReportFromStored;

}  // namespace infrashare::sqlite
