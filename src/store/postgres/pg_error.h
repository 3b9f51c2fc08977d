// How PostgreSQL failures become Errors, defined once for the backend.
//
//   unique_violation (23505)                      -> kConflict
//   foreign key, not null, check (23503/2/14),
//   text that is not valid UTF-8 (22021, 22P05)   -> kInvalidArgument
//   the connection or the server going away (08…, 57P01-57P03, no SQLSTATE
//   on a dead connection), too many connections, disk full, out of memory
//   (53…), serialization failure or deadlock (40001, 40P01), lock or
//   statement timeout (55P03, 57014), a read-only standby (25006),
//   I/O errors (58…)                              -> kUnavailable
//   anything else (a bug: bad SQL, a damaged row) -> kInternal
//
// kUnavailable answers "database unavailable; retry": the caller (and so
// the HTTP client) learns nothing about the database server; the details go
// to the log. Other messages name the operation and PostgreSQL's own words.
//
// Thread behaviour: pure functions.
#pragma once

#include <libpq-fe.h>

#include <string_view>

#include "common/error.h"

namespace infrashare::postgres {

inline constexpr std::string_view kUnavailableMessage = "database unavailable; retry";

ErrorCode ErrorCodeFor(std::string_view sqlstate);

// True when the SQLSTATE (or its absence) means the connection is unusable.
bool IsConnectionLoss(std::string_view sqlstate);

// The Error for a failed statement; `result` may be null. Logs what the
// caller does not see.
Error MakePgError(const PGresult* result, PGconn* conn, std::string_view what);

// kUnavailable with the standard message; logs `detail`.
Error UnavailableError(std::string_view what, std::string_view detail);

}  // namespace infrashare::postgres
