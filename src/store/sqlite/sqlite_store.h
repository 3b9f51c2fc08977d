// The embedded SQLite backend of Store (store/store.h).
//
// One database file (WAL mode, synchronous=FULL, foreign keys on): the
// application passes DATA_DIR/infrashare.db. Opening applies the schema
// migrations (store/sql/migrate.h) and refuses a database written by a
// newer program.
//
// Writes are group-committed by one writer thread: Write(fn) queues fn; the
// writer takes every queued fn (at most max_batch), opens one transaction,
// runs each fn inside its own savepoint (a failing fn is rolled back alone),
// commits once — one fsync for the batch — and only then wakes the callers.
// If the commit fails, every fn of the batch fails with kUnavailable and none
// of their changes is kept. An exception thrown by fn is rethrown on the
// caller's thread, its changes rolled back. The destructor finishes every
// queued Write before it returns.
//
// Reads run on a pool of read-only connections, concurrently with the writer
// and with each other; each Read(fn) sees one snapshot (BEGIN … COMMIT). When
// every connection is busy, Read waits for one.
//
// Example:
//   auto store = OpenSqliteStore({.path = (data_dir / "infrashare.db").string()});
//   if (!store) return fail(store.error());
//   auto w = (*store)->Write([&](WriteTx& tx) { return tx.SetMeta("k", "v"); });
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

struct SqliteOptions {
  std::string path;          // the database file; created when missing
  int read_connections = 4;  // size of the reader pool (at least 1)
  size_t max_batch = 256;    // most Write fns committed in one transaction
  std::string vfs;           // SQLite VFS name; empty = the default (tests inject failures)
};

// Errors: kUnavailable when the file cannot be opened or written, or is from
// a newer schema version; kInvalidArgument for bad options.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace infrashare
