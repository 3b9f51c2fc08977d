#include "store/sqlite/sqlite_error.h"

#include <fmt/format.h>

namespace infrashare::sqlite {

ErrorCode ErrorCodeFor(int extended_rc) {
  switch (extended_rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return ErrorCode::kConflict;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_CHECK:
      return ErrorCode::kInvalidArgument;
    default:
      break;
  }
  switch (extended_rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
    case SQLITE_READONLY:
    case SQLITE_PROTOCOL:
    case SQLITE_INTERRUPT:
    case SQLITE_PERM:
    case SQLITE_NOLFS:
      return ErrorCode::kUnavailable;
    case SQLITE_CONSTRAINT:
      return ErrorCode::kConflict;
    default:
      return ErrorCode::kInternal;
  }
}

Error MakeSqliteError(int extended_rc, std::string_view what, sqlite3* db) {
  const ErrorCode code = ErrorCodeFor(extended_rc);
  if (code == ErrorCode::kInternal && db != nullptr)
    return Error{code, fmt::format("{}: {} ({})", what, sqlite3_errstr(extended_rc), sqlite3_errmsg(db)), {}};
  return Error{code, fmt::format("{}: {}", what, sqlite3_errstr(extended_rc)), {}};
}

}  // namespace infrashare::sqlite
