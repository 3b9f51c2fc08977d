// The SQLite schema, as an ordered list of migrations — the one home of every
// table and index of this backend.
//
// The database records each applied migration in `schema_migrations`. Opening
// a database applies the missing ones in order, each in its own transaction
// (so a crash leaves the database at a known version), and refuses a database
// written by a newer program.
//
// To change the schema, append a migration; never edit one that has shipped.
//
// Thread behaviour: Migrate uses the connection it is given (the writer's,
// before the writer thread starts).
#pragma once

#include <span>
#include <string_view>

#include "common/error.h"
#include "store/sqlite/sqlite_connection.h"

namespace infrashare::sqlite {

struct Migration {
  int version;            // 1, 2, 3 … without gaps
  std::string_view name;  // what it does, recorded in schema_migrations
  const char* sql;        // one or more statements
};

std::span<const Migration> Migrations();
int LatestSchemaVersion();

// Brings the database to LatestSchemaVersion().
// Errors: kUnavailable when the database is newer than this program ("…
// schema version 7, this program knows up to 3 …") or cannot be written.
Result<void> Migrate(Connection& conn);

// The version the database is at (0 when empty).
Result<int> SchemaVersion(Connection& conn);

}  // namespace infrashare::sqlite
