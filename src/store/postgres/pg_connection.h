// One PostgreSQL connection (libpq, RAII) with its prepared statements.
//
// Every statement the backend runs is a constant SQL text with $n
// parameters; Exec prepares it once per connection (PQprepare, named by a
// counter) and runs it with PQexecPrepared afterwards, so hot paths never
// re-parse or re-plan. Values travel as text and are always bound, never
// spliced into SQL.
//
// Failures become Errors (pg_error.h). When the server goes away (restart,
// network, administrator), the connection marks itself Broken(): the store
// drops it and opens a new one on the next call.
//
// Pipeline mode (libpq's, PQenterPipelineMode) is how the writer saves round
// trips: between BeginPipeline and EndPipeline, Send queues a statement
// without waiting for it; Exec still answers its rows (it waits for every
// statement queued before it); Sync waits for all of them. A statement
// that fails makes the server skip everything queued after it, up to the
// next Sync or Exec, which answers the first failure. Run, Query and
// ExecPlannedEachTime (no pipeline form) first Sync and leave pipeline mode:
// from there on statements run one at a time.
//
// Thread behaviour: a Connection is used by one thread at a time (the writer
// thread, or whichever reader holds it from the pool); it is not locked.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "store/sql/session.h"

namespace infrashare::postgres {

// The bound values of one statement, $1 first (the SQL core's).
using Params = sql::Params;

// The rows of one statement (RAII over PGresult). Columns are read as text.
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result) {}
  Rows(Rows&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  Rows& operator=(Rows&&) = delete;
  ~Rows() { PQclear(result_); }

  int size() const { return PQntuples(result_); }
  bool empty() const { return size() == 0; }
  bool IsNull(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }
  std::string_view Text(int row, int col) const {
    return {PQgetvalue(result_, row, col), static_cast<size_t>(PQgetlength(result_, row, col))};
  }
  int64_t Int(int row, int col) const;
  // Rows changed by an INSERT / UPDATE / DELETE.
  int64_t Affected() const;
  // The command tag: "INSERT 0 1", "COMMIT" (or "ROLLBACK" for the COMMIT
  // of a failed transaction).
  std::string_view Command() const { return PQcmdStatus(result_); }

 private:
  PGresult* result_;
};

class Connection {
 public:
  // Connects to `url` (a postgresql:// URL or a conninfo string) and sets
  // the session up (UTC, no statement-level surprises).
  // Errors: kUnavailable when the server cannot be reached or refuses;
  // the message names the target without its password.
  static Result<std::unique_ptr<Connection>> Open(const std::string& url);

  explicit Connection(PGconn* conn) : conn_(conn) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs a prepared (cached) statement. `what` names the operation in
  // error messages ("insert report").
  Result<Rows> Exec(std::string_view sql, const Params& params, std::string_view what);
  Result<Rows> Exec(std::string_view sql, std::string_view what) { return Exec(sql, Params{}, what); }

  // Runs a statement without keeping it prepared: planned for these very
  // values every time. For statements whose best plan depends on the
  // values so much that a generic plan would be a trap (a text search for
  // a rare word must use the terms index; one for a common word need not).
  Result<Rows> ExecPlannedEachTime(std::string_view sql, const Params& params, std::string_view what);

  // Runs SQL without parameters and without preparing it: transaction
  // control (BEGIN, SAVEPOINT, COMMIT …), DDL, cursors, several statements
  // at once. Query answers the rows of the last statement.
  Result<void> Run(std::string_view sql, std::string_view what);
  Result<Rows> Query(std::string_view sql, std::string_view what);

  // Enters pipeline mode. REQUIRES: no statement is in flight.
  void BeginPipeline();
  // Queues a prepared (cached) statement whose rows nobody needs; without
  // pipeline mode it runs at once. Its failure is answered by the next
  // Exec, Sync or Send (then the statement is not queued).
  Result<void> Send(std::string_view sql, const Params& params, std::string_view what);
  // Waits for every queued statement; answers the first failure among them
  // (everything queued after it was skipped). Nothing to do outside
  // pipeline mode.
  Result<void> Sync();
  // Syncs and leaves pipeline mode, answering the Sync's failure; nothing
  // to do outside it.
  Result<void> EndPipeline();
  bool Pipelined() const { return PQpipelineStatus(conn_) != PQ_PIPELINE_OFF; }
  // How many statements were sent on this connection: a caller that sent
  // none in a stretch changed nothing in it.
  uint64_t statements_sent() const { return statements_sent_; }

  // True while a transaction (or a failed one) is open.
  bool InTransaction() const;
  // True once the server is gone: the connection must be replaced.
  bool Broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }

  PGconn* handle() const { return conn_; }

 private:
  // Turns a finished PGresult into Rows or an Error; marks the connection
  // broken when the failure was the connection's.
  Result<Rows> Finish(PGresult* result, std::string_view what);

  // The prepared statement for `sql`, prepared now (or, in pipeline mode,
  // queued to be prepared).
  Result<std::string> Prepared(std::string_view sql, std::string_view what);
  // Sends an execution of a prepared statement (pipeline mode: queues it).
  Result<void> SendPrepared(const std::string& name, const Params& params, std::string_view what);
  // Pipeline mode: reads the results of the oldest queued statement.
  // Answers its rows, or its error (PIPELINE_ABORTED: the earlier failure).
  Result<Rows> ReadQueued();
  // Pipeline mode: sends a Sync and reads every queued statement's result
  // and the Sync's; answers the rows of the last one queued when `keep_last`.
  Result<std::optional<Rows>> SyncAndRead(bool keep_last);

  // A statement queued in pipeline mode, waiting for its result.
  struct Queued {
    std::string what;
    std::string prepared_sql;  // a PQsendPrepare: forgotten again if it fails
  };

  PGconn* conn_;
  bool broken_ = false;
  uint64_t statements_sent_ = 0;
  std::deque<Queued> queued_;                                // oldest first; only in pipeline mode
  std::unordered_map<std::string, std::string> statements_;  // SQL text -> prepared statement name
  uint64_t next_statement_ = 0;                              // names the next prepared statement
};

}  // namespace infrashare::postgres
