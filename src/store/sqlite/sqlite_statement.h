// A prepared SQLite statement, owned (RAII), and the lease through which code
// uses a statement from a connection's cache.
//
// Example:
//   auto s = INFRASHARE_TRY(conn.Prepare("SELECT doc FROM reports WHERE id = :id"));
//   s->Bind(":id", id);
//   bool row = INFRASHARE_TRY(s->Step());  // true: a row is ready
//   if (row) doc = s->Text(0);             // valid until the next Step or Reset
//   // the lease resets the statement and clears its bindings when it ends
//
// Binding errors (unknown parameter name, value too big) are remembered and
// returned by the next Step/Run, so call sites check one Result.
// Text is bound as a copy (SQLITE_TRANSIENT): the caller's string may die
// before Step.
//
// Thread behaviour: a Statement belongs to its connection and is used by one
// thread at a time, as the connection is.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace infrashare::sqlite {

class Statement {
 public:
  // Takes ownership of `stmt`. `db` is the connection it was prepared on.
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters by name (":space"). Binding std::nullopt binds NULL.
  void Bind(const char* name, int64_t value);
  void Bind(const char* name, std::string_view value);
  void Bind(const char* name, const std::string& value) { Bind(name, std::string_view(value)); }
  void Bind(const char* name, const char* value) { Bind(name, std::string_view(value)); }
  void Bind(const char* name, std::nullopt_t);
  template <class T>
  void Bind(const char* name, const std::optional<T>& value) {
    if (value)
      Bind(name, *value);
    else
      Bind(name, std::nullopt);
  }

  // Parameters by number: `n` is the n of "$n" in the SQL text (1-based),
  // as the SQL core writes them (store/sql/session.h).
  void BindNumbered(int n, int64_t value);
  void BindNumbered(int n, std::string_view value);
  void BindNumbered(int n, std::nullopt_t);

  // Whether the statement changes the database (sqlite3_stmt_readonly).
  bool ReadOnly() const { return sqlite3_stmt_readonly(stmt_) != 0; }
  int ColumnCount() const { return sqlite3_column_count(stmt_); }

  // Runs one step. true: a row is ready to read; false: done.
  // `what` names the operation in an error message.
  Result<bool> Step(std::string_view what);
  // Steps to completion, ignoring rows (INSERT, UPDATE, DELETE, DDL).
  Result<void> Run(std::string_view what);

  // Columns of the current row (0-based). Text is valid until the next
  // Step or Reset.
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string_view Text(int column) const;
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

  // Back to the start, bindings cleared, bind errors forgotten.
  void Reset();

  bool leased() const { return leased_; }
  void set_leased(bool leased) { leased_ = leased; }

 private:
  int IndexOf(const char* name);
  // The index of "$n", 0 (and a bind error) when the SQL has none.
  int IndexOfNumber(int n);
  void Check(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;
  bool leased_ = false;
  std::vector<int> numbered_;  // index of "$n" at [n - 1]; filled on first use
};

// The use of one cached statement for one operation. Resets the statement
// when it ends, so the next user starts clean and no read stays open.
class StatementLease {
 public:
  explicit StatementLease(Statement& statement) : statement_(&statement) { statement_->set_leased(true); }
  StatementLease(StatementLease&& other) noexcept : statement_(other.statement_) {
    other.statement_ = nullptr;
  }
  StatementLease& operator=(StatementLease&&) = delete;
  StatementLease(const StatementLease&) = delete;
  ~StatementLease() {
    if (statement_) {
      statement_->Reset();
      statement_->set_leased(false);
    }
  }

  Statement* operator->() const { return statement_; }
  Statement& operator*() const { return *statement_; }

 private:
  Statement* statement_;
};

}  // namespace infrashare::sqlite
