// The one migration runner: brings a database to sql::LatestSchemaVersion()
// (schema.h), applying each missing migration in its own transaction (a
// crash leaves the database at a known version) and recording it in
// `schema_migrations`; refuses a database written by a newer program.
//
// Errors: kUnavailable when the database is newer than this program ("…
// schema version 7, this program knows only up to version 4 …") or cannot
// be written.
//
// Thread behaviour: uses the session it is given, before the store starts
// its threads.
#pragma once

#include <string_view>

#include "common/error.h"
#include "store/sql/session.h"

namespace infrashare::sql {

// What a backend says around each migration.
struct MigrationSteps {
  std::string_view begin;          // opens the transaction (and serializes processes)
  std::string_view version_table;  // CREATE TABLE IF NOT EXISTS schema_migrations …
};

Result<void> Migrate(Session& session, const MigrationSteps& steps);

// The version the database is at (0 when empty). REQUIRES: schema_migrations exists.
Result<int> SchemaVersion(Session& session);

}  // namespace infrashare::sql
