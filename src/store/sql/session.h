// The SQL core's view of a database connection: a Session executes one
// statement with bound parameters and answers its rows; a Dialect names the
// few places where SQLite's and PostgreSQL's SQL differ. Every statement of
// the store is written once against these (sql_tx.h); a backend supplies a
// Session over its connection and nothing else that both share.
//
// Statements are constant texts with $1, $2 … placeholders (values are
// bound, never spliced in); a backend prepares each text once per
// connection. Text built from dialect fragments is built once per dialect
// (Once below), so the hot path never formats SQL.
//
// Thread behaviour: a Session belongs to one connection and is used by the
// one thread that holds it; Dialects are immutable singletons.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace infrashare::sql {

// The bound values of one statement, $1 first. nullopt is SQL NULL. Every
// value travels as text (PostgreSQL's form); integers are marked so that
// SQLite binds them as integers.
class Params {
 public:
  Params& Add(std::string_view text) { return Push(std::string(text), false); }
  Params& Add(const std::string& text) { return Push(text, false); }
  Params& Add(const char* text) { return Push(std::string(text), false); }
  Params& Add(int64_t value) { return Push(std::to_string(value), true); }
  Params& Add(std::nullopt_t) { return Push(std::nullopt, false); }
  Params& Add(const std::optional<std::string>& text) { return Push(text, false); }
  Params& Add(std::optional<int64_t> value) {
    if (value) return Add(*value);
    return Add(std::nullopt);
  }
  // A PostgreSQL text[] or bigint[] literal (bind as $n::text[] / $n::bigint[]).
  Params& AddArray(const std::vector<std::string>& items);
  Params& AddArray(const std::vector<int64_t>& items);
  // The placeholder of the value added last: "$3".
  std::string Last() const { return "$" + std::to_string(values_.size()); }
  size_t size() const { return values_.size(); }
  const std::vector<std::optional<std::string>>& values() const { return values_; }
  bool IsInteger(size_t i) const { return integer_[i]; }

 private:
  Params& Push(std::optional<std::string> value, bool integer) {
    values_.push_back(std::move(value));
    integer_.push_back(integer);
    return *this;
  }

  std::vector<std::optional<std::string>> values_;
  std::vector<bool> integer_;
};

// The answer of one statement: its rows, read as text or integers, and how
// many rows it changed. A backend fills it (RowSource).
class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual int size() const = 0;
  virtual bool IsNull(int row, int col) const = 0;
  virtual std::string_view Text(int row, int col) const = 0;
  virtual int64_t Int(int row, int col) const = 0;
};

class Rows {
 public:
  Rows(std::unique_ptr<RowSource> source, int64_t affected, int64_t last_insert_id = 0)
      : source_(std::move(source)), affected_(affected), last_insert_id_(last_insert_id) {}

  int size() const { return source_->size(); }
  bool empty() const { return size() == 0; }
  bool IsNull(int row, int col) const { return source_->IsNull(row, col); }
  std::string_view Text(int row, int col) const { return source_->Text(row, col); }
  int64_t Int(int row, int col) const { return source_->Int(row, col); }
  // Rows changed by an INSERT / UPDATE / DELETE.
  int64_t Affected() const { return affected_; }
  // The key an INSERT assigned: its RETURNING row (Dialect::Returning), or
  // the backend's own last insert id when it returns none (SQLite).
  // REQUIRES: Affected() > 0.
  int64_t InsertedKey() const { return empty() ? last_insert_id_ : Int(0, 0); }

 private:
  std::unique_ptr<RowSource> source_;
  int64_t affected_;
  int64_t last_insert_id_;
};

enum class DialectKind { kSqlite, kPostgres };

// What differs in the SQL text itself.
class Dialect {
 public:
  static const Dialect& Sqlite();
  static const Dialect& Postgres();

  DialectKind kind() const { return kind_; }
  // The column that orders a registry table by insertion.
  std::string_view InsertionOrder() const;
  // " RETURNING <column>" where an INSERT must answer its key (PostgreSQL);
  // "" where the backend knows it anyway (SQLite: RETURNING grows slower
  // with the transaction in 3.40, 7,000 rows took 4 s instead of 60 ms).
  std::string Returning(std::string_view column) const;
  // The text value of a top-level member of a JSON document column.
  std::string JsonMember(std::string_view column, std::string_view member) const;
  // `column` is one of the JSON array of integers bound at `placeholder`.
  std::string InJsonIntList(std::string_view column, std::string_view placeholder) const;
  // `column` is none of the JSON array of strings bound at `placeholder`.
  std::string NotInJsonList(std::string_view column, std::string_view placeholder) const;
  // Appended to a SELECT that claims rows: other processes skip them
  // (PostgreSQL; SQLite's one writer needs nothing). `of`: the table whose
  // rows are locked ("" for the only one).
  std::string SkipLocked(std::string_view of = "") const;
  // " INDEXED BY <index>" (SQLite: a planner hint where its statistics
  // mislead it); "" for PostgreSQL.
  std::string IndexedBy(std::string_view index) const;
  // Appended to a SELECT whose rows the transaction is about to update.
  std::string_view ForUpdate() const;
  // After a row was inserted with its key given (import): the statement that
  // moves the key's sequence past it (PostgreSQL), or nullopt (SQLite keys
  // follow the largest one by themselves).
  std::optional<std::string> AdvanceSequence(std::string_view table, std::string_view column) const;

 private:
  explicit Dialect(DialectKind kind) : kind_(kind) {}
  DialectKind kind_;
};

// SQL text built once for each dialect by `build` (a lambda: each call site
// has its own). For statements with dialect fragments on hot paths.
template <class Build>
const std::string& Once(const Dialect& d, Build build) {
  static const std::string texts[2] = {build(Dialect::Sqlite()), build(Dialect::Postgres())};
  return texts[d.kind() == DialectKind::kSqlite ? 0 : 1];
}

class Session {
 public:
  virtual ~Session() = default;
  virtual const Dialect& dialect() const = 0;
  // Runs `sql` (prepared once per connection) with `params`. `what` names
  // the operation in error messages ("insert report"). Errors: kConflict
  // for a uniqueness violation, kInvalidArgument for a foreign key,
  // kUnavailable when the database is busy or gone, kInternal otherwise.
  virtual Result<Rows> Exec(std::string_view sql, const Params& params, std::string_view what) = 0;
  Result<Rows> Exec(std::string_view sql, std::string_view what) { return Exec(sql, Params{}, what); }
  // Runs SQL without parameters and without preparing it, possibly several
  // statements (DDL, transaction control). For migrations and setup.
  virtual Result<void> Script(std::string_view sql, std::string_view what) = 0;
  // Runs a SELECT and hands its rows to `page` a page at a time (a cursor,
  // or steps), holding little in memory; stops at the first error of `page`.
  virtual Result<void> Stream(std::string_view sql, std::string_view what,
                              const std::function<Result<void>(const Rows&)>& page) = 0;
  // Runs a statement whose rows nobody needs.
  Result<void> Run(std::string_view sql, const Params& params, std::string_view what) {
    INFRASHARE_TRY(Exec(sql, params, what));
    return {};
  }
  // As Run, but a backend may queue it and answer its failure with a later
  // statement (PostgreSQL's pipeline mode).
  virtual Result<void> Send(std::string_view sql, const Params& params, std::string_view what) {
    return Run(sql, params, what);
  }
};

}  // namespace infrashare::sql
