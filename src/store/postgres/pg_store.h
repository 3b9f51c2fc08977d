// The PostgreSQL backend of Store (store/store.h), for the national
// deployment: one database server (with replicas) behind several stateless
// infrashare processes.
//
// Opening connects, applies the schema migrations (pg_migrations.h) and
// refuses a database written by a newer program.
//
// Writes are group-committed as in the SQLite backend: Write(fn) queues fn;
// one writer thread with its own connection takes every queued fn (at most
// max_batch), runs them in one transaction, commits once and only then
// wakes the callers. It tries each batch the fast way first: the
// connection in pipeline mode (pg_connection.h), no savepoints, the hot
// writes of a submission sent without waiting for their answers (pg_tx.h
// BatchState::pipelined), so a batch costs about three round trips (begin,
// take the log lock, commit) instead of several per fn. If anything in it
// fails (a statement, or a fn that returns an error or throws after it
// sent statements), nothing of it is committed and the batch runs again the
// careful way: every fn from the start (store.h: fn may run more than
// once), each inside its own SAVEPOINT, every statement answered, so a
// failing fn is rolled back alone and gets its exact error. Sessions commit
// synchronously (synchronous_commit is never off), so a Write that returned
// is durable. If the commit fails, every fn of the batch fails with
// kUnavailable. An exception thrown by fn is rethrown on the caller's
// thread, its changes rolled back. The destructor finishes every queued
// Write before it returns.
//
// Reads run on a pool of connections (pool_size - 1 of them, opened when
// first needed), each Read(fn) in one REPEATABLE READ READ ONLY transaction:
// one snapshot, concurrent with the writer and with each other. When every
// connection is busy, Read waits for one.
//
// The audit chain and the outbox are ordered across processes by a
// transaction-level advisory lock (pg_tuning.h kLogLockKey): a transaction
// appends to them only while holding it, to its end, so their seq order is
// commit order and a reader that has seen seq N never finds a later commit
// below N. The careful way takes the lock at BEGIN. The fast way keeps the
// batch's audit and outbox events aside and takes the lock only at the end
// of the batch, to link them to the chain's head and insert them just
// before the COMMIT; so the processes on one database serialize only on
// that, not on the work of whole batches. A fn that reads the logs takes
// the lock at that point instead (pg_tx.h BatchState). Report seqs need no
// such order and are reserved from their sequence without it (gaps are
// fine). Outbox wake-ups (Store::OnOutboxAppended) ride on the lock: a
// batch that appended outbox events runs NOTIFY infrashare_outbox before its
// COMMIT (delivered at commit, coalesced, to every listening session), the
// writer tells this process's listeners directly after the commit, and once
// something subscribes, a listener connection (pg_listener.h) passes on the
// notifications of every process. A notification only says "look again";
// the outbox stays the source of truth.
//
// Connection loss (server restart, network, failover): the calls in flight
// fail with kUnavailable ("database unavailable; retry"); the broken
// connection is dropped and the next call opens a new one, so the process
// recovers without a restart. A pooled connection found dead when a call
// begins is replaced at once and the call goes on. While the server cannot
// be reached, calls fail at once (one attempt per kReconnectBackoff).
// A COMMIT whose answer is lost with the connection is reported as
// kUnavailable although it may have been committed (in doubt).
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
