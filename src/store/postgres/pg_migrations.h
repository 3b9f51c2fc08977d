// The PostgreSQL schema, as an ordered list of migrations — the one home of
// every table and index of this backend.
//
// The database records each applied migration in `schema_migrations` (as
// the SQLite backend does). Opening a database applies the missing ones in
// order, each in its own transaction under an advisory lock (several
// processes starting at once apply each migration once), and refuses a
// database written by a newer program.
//
// To change the schema, append a migration; never edit one that has shipped.
//
// Thread behaviour: Migrate uses the connection it is given, before the
// store starts its threads.
#pragma once

#include <span>
#include <string_view>

#include "common/error.h"
#include "store/postgres/pg_connection.h"

namespace infrashare::postgres {

struct Migration {
  int version;            // 1, 2, 3 … without gaps
  std::string_view name;  // what it does, recorded in schema_migrations
  const char* sql;        // one or more statements
};

std::span<const Migration> Migrations();
int LatestSchemaVersion();

// Brings the database to LatestSchemaVersion().
// Errors: kUnavailable when the database is newer than this program, is not
// UTF8, or cannot be written.
// With create false, a database without the schema is refused
// (kInvalidArgument, field "database") and left as it is.
Result<void> Migrate(Connection& conn, bool create = true);

// The version the database is at (0 when empty).
Result<int> SchemaVersion(Connection& conn);

}  // namespace infrashare::postgres
