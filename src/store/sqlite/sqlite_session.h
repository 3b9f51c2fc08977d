// The SQL core's Session (store/sql/session.h) over one SQLite connection:
// statements come from the connection's cache (prepared once), $n
// parameters are bound by number, rows are copied out as the statement
// steps, and an INSERT answers its key as SQLite's last insert rowid.
//
// Thread behaviour: as the connection's (one thread at a time).
#pragma once

#include "store/sql/session.h"
#include "store/sqlite/sqlite_connection.h"

namespace infrashare::sqlite {

class SqliteSession final : public sql::Session {
 public:
  explicit SqliteSession(Connection& conn) : conn_(conn) {}

  const sql::Dialect& dialect() const override { return sql::Dialect::Sqlite(); }
  Result<sql::Rows> Exec(std::string_view sql, const sql::Params& params, std::string_view what) override;

  Result<void> Script(std::string_view sql, std::string_view what) override {
    return conn_.ExecScript(std::string(sql).c_str(), what);
  }
  // Steps the statement, kStreamPageRows rows a page.
  Result<void> Stream(std::string_view sql, std::string_view what,
                      const std::function<Result<void>(const sql::Rows&)>& page) override;

 private:
  Connection& conn_;
};

}  // namespace infrashare::sqlite
