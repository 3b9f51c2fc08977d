#include "store/postgres/pg_migrations.h"

#include <fmt/format.h>

#include <string>

#include "store/postgres/pg_session.h"
#include "store/sql/migrate.h"

namespace infrashare::postgres {

namespace {

// Serializes migrations across processes ("infr" "migr").
constexpr int64_t kMigrationLockKey = 0x696e6672'6d696772;
const std::string kBegin = fmt::format("BEGIN; SELECT pg_advisory_xact_lock({})", kMigrationLockKey);

constexpr const char* kCreateVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";

}  // namespace

Result<void> Migrate(Connection& conn, bool create) {
  auto encoding =
      INFRASHARE_TRY(conn.Exec("SELECT current_setting('server_encoding')", "read the database encoding"));
  if (encoding.Text(0, 0) != "UTF8")
    return Unavailable(
        fmt::format("the database's encoding is {}; infrashare needs a UTF8 database "
                    "(CREATE DATABASE … ENCODING 'UTF8')",
                    encoding.Text(0, 0)));
  if (!create) {
    auto exists = INFRASHARE_TRY(
        conn.Exec("SELECT to_regclass('schema_migrations') IS NOT NULL", "look for the schema"));
    if (exists.Text(0, 0) != "t")
      return InvalidArgument("database",
                             fmt::format("the database '{}' has no infrashare schema; run `infrashare "
                                         "init --database URL` first",
                                         PQdb(conn.handle())));
  }
  PgSession session(conn);
  return sql::Migrate(session, {.begin = kBegin, .version_table = kCreateVersionTable});
}

}  // namespace infrashare::postgres
