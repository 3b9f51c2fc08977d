// Opening a PostgreSQL database: checks it, then applies the schema's
// missing migrations (store/sql/migrate.h), each in its own transaction
// under an advisory lock (several processes starting at once apply each
// migration once).
//
// Thread behaviour: uses the connection it is given, before the store starts
// its threads.
#pragma once

#include <string_view>

#include "common/error.h"
#include "store/postgres/pg_connection.h"

namespace infrashare::postgres {

// Brings the database to sql::LatestSchemaVersion().
// Errors: kUnavailable when the database is newer than this program, is not
// UTF8, or cannot be written.
// With create false, a database without the schema is refused
// (kInvalidArgument, field "database") and left as it is.
Result<void> Migrate(Connection& conn, bool create = true);

}  // namespace infrashare::postgres
