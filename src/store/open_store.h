// Opens the database a user names, on the command line or in the
// configuration: a postgresql:// (or postgres://) URL opens the PostgreSQL
// backend; anything else is a data directory holding the SQLite database
// (DIR/infrashare.db).
//
// Example:
//   auto store = OpenStore(config.database, {.create = false});
//
// Thread behaviour: as the backends' Open functions.
#pragma once

#include <memory>
#include <string>

#include "common/error.h"
#include "store/store.h"

namespace infrashare {

struct OpenStoreOptions {
  // false: the database must already hold infrashare's schema (`infrashare
  // init` made it); true: create it (a data directory and its file, or the
  // schema in an existing PostgreSQL database).
  bool create = false;
  int pool_size = 8;  // PostgreSQL: connections of this process
};

// Errors: kInvalidArgument (field "database") when there is no database to
// open and create is false, or the directory cannot be made; the backends'
// errors otherwise (kUnavailable when the database cannot be reached).
Result<std::unique_ptr<Store>> OpenStore(const std::string& database, const OpenStoreOptions& options = {});

// The SQLite file of a data directory.
std::string SqliteDatabasePath(const std::string& data_dir);

// How to name the database to a person: the SQLite file, or the URL without
// its password ("postgresql://infrashare:***@db/infrashare").
std::string DescribeDatabase(const std::string& database);

// The command-line flag that names this database: "--data DIR" or
// "--database URL" (password hidden).
std::string DatabaseFlag(const std::string& database);

}  // namespace infrashare
