#include "store/sqlite/sqlite_connection.h"

#include <fmt/format.h>

#include "store/sqlite/sqlite_error.h"
#include "store/sqlite/sqlite_tuning.h"

namespace infrashare::sqlite {

namespace {

// Runs a pragma that answers one value and returns it as text.
Result<std::string> PragmaValue(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(MakeSqliteError(sqlite3_extended_errcode(db), sql, db));
  Statement owned(db, stmt);
  auto row = INFRASHARE_TRY(owned.Step(sql));
  return row ? std::string(owned.Text(0)) : std::string();
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const ConnectionOptions& options) {
  const bool read_only = options.role == ConnectionRole::kReader;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(options.path.c_str(), &db, flags, options.vfs.empty() ? nullptr : options.vfs.c_str());
  if (rc != SQLITE_OK) {
    const int ext = db ? sqlite3_extended_errcode(db) : rc;
    sqlite3_close_v2(db);
    Error e = MakeSqliteError(ext, fmt::format("open database {}", options.path));
    e.code = ErrorCode::kUnavailable;
    return std::unexpected(std::move(e));
  }
  auto conn = std::make_unique<Connection>(db);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);

  INFRASHARE_TRY(conn->ExecScript(kConnectionPragmas, "configure connection"));
  if (options.role == ConnectionRole::kWriter) {
    auto mode = INFRASHARE_TRY(PragmaValue(db, "PRAGMA journal_mode = WAL"));
    if (mode != "wal")
      return Unavailable(fmt::format("database {} cannot use write-ahead logging (journal mode is '{}')",
                                     options.path, mode));
    INFRASHARE_TRY(conn->ExecScript(kWriterCachePragma, "configure cache"));
  }
  if (!read_only) {
    INFRASHARE_TRY(conn->ExecScript("PRAGMA synchronous = FULL", "configure durability"));
  }
  return conn;
}

Connection::~Connection() {
  statements_.clear();  // finalize before close
  sqlite3_close_v2(db_);
}

Result<void> Connection::ExecScript(const char* sql, std::string_view what) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) return std::unexpected(MakeSqliteError(sqlite3_extended_errcode(db_), what, db_));
  return {};
}

Result<StatementLease> Connection::Prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      Error e = MakeSqliteError(sqlite3_extended_errcode(db_), "prepare statement", db_);
      if (e.code != ErrorCode::kUnavailable) e.code = ErrorCode::kInternal;
      return std::unexpected(std::move(e));
    }
    it = statements_.emplace(std::string(sql), std::make_unique<Statement>(db_, stmt)).first;
  }
  if (it->second->leased()) return Internal("store bug: a prepared statement is used twice at once");
  return StatementLease(*it->second);
}

Result<void> Connection::Run(std::string_view sql, std::string_view what) {
  auto s = INFRASHARE_TRY(Prepare(sql));
  return s->Run(what);
}

}  // namespace infrashare::sqlite
