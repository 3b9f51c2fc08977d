#include "store/sql/migrate.h"

#include <fmt/format.h>

#include "store/sql/schema.h"

namespace infrashare::sql {

namespace {

// Applies the next missing migration, if any, in one transaction.
// Returns true when the database is already at the latest version.
Result<bool> MigrateOneStep(Session& session, const MigrationSteps& steps) {
  INFRASHARE_TRY(session.Script(steps.begin, "begin migration"));
  auto body = [&]() -> Result<bool> {
    INFRASHARE_TRY(session.Script(steps.version_table, "create schema_migrations"));
    auto current = INFRASHARE_TRY(SchemaVersion(session));
    const int latest = LatestSchemaVersion();
    if (current > latest)
      return Unavailable(
          fmt::format("the database has schema version {}, but this program knows only up to version {}: "
                      "it was written by a newer infrashare; run that version or restore a backup",
                      current, latest));
    if (current == latest) return true;
    const Migration& m = Migrations()[static_cast<size_t>(current)];
    const std::string_view ddl = session.dialect().kind() == DialectKind::kSqlite ? m.sqlite : m.postgres;
    INFRASHARE_TRY(session.Script(ddl, fmt::format("schema migration {} ({})", m.version, m.name)));
    INFRASHARE_TRY(session.Run("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                               Params().Add(int64_t{m.version}).Add(m.name), "record schema migration"));
    return false;
  };
  auto done = body();
  if (done) {
    auto c = session.Script("COMMIT", "commit migration");
    if (c) return done;
    done = std::unexpected(c.error());
  }
  (void)session.Script("ROLLBACK", "roll back migration");  // nothing to do when none is open
  return done;
}

}  // namespace

Result<int> SchemaVersion(Session& session) {
  auto rows = INFRASHARE_TRY(
      session.Exec("SELECT coalesce(max(version), 0) FROM schema_migrations", "read schema version"));
  return static_cast<int>(rows.Int(0, 0));
}

Result<void> Migrate(Session& session, const MigrationSteps& steps) {
  for (;;) {
    auto done = INFRASHARE_TRY(MigrateOneStep(session, steps));
    if (done) return {};
  }
}

}  // namespace infrashare::sql
