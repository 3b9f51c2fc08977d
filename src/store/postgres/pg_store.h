// The PostgreSQL backend of Store (store/store.h), for the national
// deployment: one database server (with replicas) behind several stateless
// infrashare processes. How it works — the pipelined batch and its careful
// rerun, the log lock, NOTIFY — is in docs/store.md.
//
// Opening connects, applies the schema migrations (pg_migrations.h) and
// refuses a database written by a newer program.
//
// Writes are group-committed: a Write that returned is committed and
// durable (synchronous_commit is never off); fn may run more than once, and
// a failing fn is rolled back alone and gets its own error. If the commit
// fails, every fn of its batch fails with kUnavailable; an exception thrown
// by fn is rethrown on the caller's thread, its changes rolled back. The
// destructor finishes every queued Write. Reads run on a pool of
// pool_size - 1 connections, each Read(fn) in one REPEATABLE READ snapshot;
// when every connection is busy, Read waits for one.
//
// Across processes on one database: audit and outbox seqs are in commit
// order (a reader that has seen seq N never finds a later commit below N);
// OnOutboxAppended hears the appends of every process.
//
// Connection loss (server restart, network, failover): the calls in flight
// fail with kUnavailable ("database unavailable; retry") and the next call
// opens a new connection, so the process recovers without a restart; while
// the server cannot be reached, calls fail at once (one attempt per
// kReconnectBackoff). A COMMIT whose answer is lost with the connection is
// reported as kUnavailable although it may have been committed (in doubt).
//
// Example:
//   auto store = OpenPostgresStore({.url = "postgresql://infrashare@db/infrashare"});
//   if (!store) return fail(store.error());
//
// Thread behaviour: safe to use from many threads. Calling Write from inside
// a Write fn answers kInternal (it would wait for itself). Read from inside a
// Read fn takes a second connection and may wait if the pool is exhausted.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "common/error.h"
#include "store/store.h"

namespace infrashare {

struct PostgresOptions {
  std::string url;    // postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?…] (or a libpq conninfo)
  int pool_size = 8;  // connections of this process: 1 writer + pool_size - 1 readers (at least 2)
  // false: refuse a database without infrashare's schema (`infrashare init`
  // creates it); newer migrations are applied either way.
  bool create = true;
  size_t max_batch = 256;  // most Write fns committed in one transaction
};

// Errors: kUnavailable when the server cannot be reached, the database is
// not UTF8 or is from a newer schema version; kInvalidArgument for bad
// options, or (field "database") a database without the schema when
// options.create is false.
Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options);

// True for the URLs OpenPostgresStore takes: postgresql:// or postgres://.
bool IsPostgresUrl(const std::string& database);

}  // namespace infrashare
