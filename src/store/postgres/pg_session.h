// The SQL core's Session (store/sql/session.h) over one PostgreSQL
// connection: Exec runs the connection's prepared statement; Send queues it
// in pipeline mode (pg_connection.h).
//
// Thread behaviour: as the connection's (one thread at a time).
#pragma once

#include "store/postgres/pg_connection.h"
#include "store/sql/session.h"

namespace infrashare::postgres {

class PgSession final : public sql::Session {
 public:
  explicit PgSession(Connection& conn) : conn_(conn) {}

  const sql::Dialect& dialect() const override { return sql::Dialect::Postgres(); }
  Result<sql::Rows> Exec(std::string_view sql, const sql::Params& params, std::string_view what) override;
  Result<void> Script(std::string_view sql, std::string_view what) override { return conn_.Run(sql, what); }
  // Through a cursor, kExportFetchRows at a time.
  Result<void> Stream(std::string_view sql, std::string_view what,
                      const std::function<Result<void>(const sql::Rows&)>& page) override;
  Result<void> Send(std::string_view sql, const sql::Params& params, std::string_view what) override {
    return conn_.Send(sql, params, what);
  }

 private:
  Connection& conn_;
};

}  // namespace infrashare::postgres
