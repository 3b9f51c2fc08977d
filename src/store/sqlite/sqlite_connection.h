// One SQLite connection (RAII) with its cache of prepared statements.
//
// Every connection runs with busy_timeout, foreign keys on and a bounded page
// cache. The writer connection also switches the database to WAL with
// synchronous=FULL (a commit is on disk when COMMIT returns, across kill -9
// and power loss) and has a larger cache; the checkpointer's connection
// syncs as fully; reader connections are opened read-only.
//
// Statements are prepared once per connection and kept for its lifetime:
// hot paths never re-prepare. The cache is keyed by the SQL text, which is
// always a constant of the backend (values are bound, never spliced in).
//
// Thread behaviour: a Connection is used by one thread at a time (the writer
// thread, or whichever reader holds it from the pool); it is not locked.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/error.h"
#include "store/sqlite/sqlite_statement.h"

namespace infrashare::sqlite {

enum class ConnectionRole { kWriter, kReader, kCheckpointer };

struct ConnectionOptions {
  std::string path;
  ConnectionRole role = ConnectionRole::kReader;
  std::string vfs;  // empty: SQLite's default VFS (tests plug in failing ones)
};

class Connection {
 public:
  // Opens (creating when writable) the database at options.path and applies
  // the pragmas above. Errors: kUnavailable (cannot open, locked, not WAL).
  static Result<std::unique_ptr<Connection>> Open(const ConnectionOptions& options);

  // Takes ownership of an open handle. Use Open().
  explicit Connection(sqlite3* db) : db_(db) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL that returns no rows, possibly several statements (DDL,
  // pragmas). Not cached: for migrations and setup only.
  Result<void> ExecScript(const char* sql, std::string_view what);

  // The cached statement for `sql`, prepared on first use.
  // Errors: kInternal if the SQL does not compile, or if the statement is
  // already leased (a bug: one statement used twice at once).
  Result<StatementLease> Prepare(std::string_view sql);

  // Runs a cached statement that returns no rows (BEGIN, COMMIT, SAVEPOINT…).
  Result<void> Run(std::string_view sql, std::string_view what);

  // True while a transaction is open. SQLite rolls a transaction back by
  // itself after some errors (full disk, I/O error); this tells.
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

  int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const { return sqlite3_changes64(db_); }
  sqlite3* handle() const { return db_; }

 private:
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>, TextHash, std::equal_to<>> statements_;
};

}  // namespace infrashare::sqlite
