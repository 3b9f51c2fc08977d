// How SQLite result codes become Errors — the one place that decides.
//
//   busy, locked, I/O, full disk, cannot open, no memory, read-only,
//   protocol, interrupt                 -> kUnavailable (retry later)
//   UNIQUE / PRIMARY KEY constraint     -> kConflict (a record with that id exists)
//   FOREIGN KEY / NOT NULL / CHECK       -> kInvalidArgument (refers to a missing record)
//   corrupt, not a database, the rest   -> kInternal
//
// Messages say what failed ("insert report: database is locked") and never
// carry stored values.
//
// Thread behaviour: pure functions.
#pragma once

#include <sqlite3.h>

#include <string_view>

#include "common/error.h"

namespace infrashare::sqlite {

ErrorCode ErrorCodeFor(int extended_rc);

// `what` names the operation ("insert report"); the message adds SQLite's
// description of `rc`. For kInternal (a bug or a damaged file) it adds the
// connection's detailed message when `db` is given ("no such column: x"),
// which names schema objects but never stored values.
Error MakeSqliteError(int extended_rc, std::string_view what, sqlite3* db = nullptr);

}  // namespace infrashare::sqlite
