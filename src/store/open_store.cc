#include "store/open_store.h"

#include <fmt/format.h>

#include <filesystem>

#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace infrashare {

namespace {

constexpr char kDatabaseFile[] = "infrashare.db";

}  // namespace

std::string SqliteDatabasePath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / kDatabaseFile).string();
}

std::string DescribeDatabase(const std::string& database) {
  if (!IsPostgresUrl(database)) return SqliteDatabasePath(database);
  // scheme://user:password@host… -> scheme://user:***@host…
  const size_t start = database.find("://") + 3;
  const size_t at = database.find('@', start);
  const size_t colon = database.find(':', start);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return database;
  return database.substr(0, colon + 1) + "***" + database.substr(at);
}

std::string DatabaseFlag(const std::string& database) {
  if (IsPostgresUrl(database)) return "--database " + DescribeDatabase(database);
  return "--data " + database;
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& database, const OpenStoreOptions& options) {
  if (database.empty())
    return InvalidArgument("database", "no database given (a data directory or a postgresql:// URL)");
  if (IsPostgresUrl(database))
    return OpenPostgresStore({.url = database, .pool_size = options.pool_size, .create = options.create});
  std::error_code ec;
  if (options.create) std::filesystem::create_directories(database, ec);
  if (ec) return InvalidArgument("database", fmt::format("cannot create {}: {}", database, ec.message()));
  const std::string path = SqliteDatabasePath(database);
  if (!options.create && !std::filesystem::exists(path))
    return InvalidArgument(
        "database", fmt::format("no database at {}; run `infrashare init --data {}` first", path, database));
  return OpenSqliteStore(SqliteOptions{.path = path});
}

}  // namespace infrashare
