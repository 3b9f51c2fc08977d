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
// Thread behaviour: a Connection is used by one thread at a time (the writer
// thread, or whichever reader holds it from the pool); it is not locked.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"

namespace infrashare::postgres {

// The bound values of one statement, $1 first. nullopt is SQL NULL.
class Params {
 public:
  Params& Add(std::string_view text) {
    values_.emplace_back(std::string(text));
    return *this;
  }
  Params& Add(const std::string& text) {
    values_.emplace_back(text);
    return *this;
  }
  Params& Add(const char* text) {
    values_.emplace_back(std::string(text));
    return *this;
  }
  Params& Add(int64_t value) {
    values_.emplace_back(std::to_string(value));
    return *this;
  }
  Params& Add(std::nullopt_t) {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  Params& Add(const std::optional<std::string>& text) {
    values_.push_back(text);
    return *this;
  }
  Params& Add(std::optional<int64_t> value) {
    if (value) return Add(*value);
    return Add(std::nullopt);
  }
  // A text[] or bigint[] literal (bind as $n::text[] / $n::bigint[]).
  Params& AddArray(const std::vector<std::string>& items);
  Params& AddArray(const std::vector<int64_t>& items);
  // The placeholder of the value added last: "$3".
  std::string Last() const { return "$" + std::to_string(values_.size()); }
  size_t size() const { return values_.size(); }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

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

  // True while a transaction (or a failed one) is open.
  bool InTransaction() const;
  // True once the server is gone: the connection must be replaced.
  bool Broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }

  PGconn* handle() const { return conn_; }

 private:
  // Turns a finished PGresult into Rows or an Error; marks the connection
  // broken when the failure was the connection's.
  Result<Rows> Finish(PGresult* result, std::string_view what);

  PGconn* conn_;
  bool broken_ = false;
  std::unordered_map<std::string, std::string> statements_;  // SQL text -> prepared statement name
};

}  // namespace infrashare::postgres
