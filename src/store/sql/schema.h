// The schema: every table and index of both backends, as one ordered list
// of migrations (schema.cc), each with its DDL for SQLite and PostgreSQL.
//
// Thread behaviour: constant data.
#pragma once

#include <span>
#include <string_view>

namespace infrashare::sql {

struct Migration {
  int version;                // 1, 2, 3 … without gaps
  std::string_view name;      // what it does, recorded in schema_migrations
  std::string_view sqlite;    // one or more statements
  std::string_view postgres;  // the same for PostgreSQL (the same text where they agree)
};

std::span<const Migration> Migrations();
int LatestSchemaVersion();

}  // namespace infrashare::sql
