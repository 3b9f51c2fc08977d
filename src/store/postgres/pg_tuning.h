// Every tuning constant of the PostgreSQL backend, each with its reason.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "store/store_limits.h"

namespace infrashare::postgres {

// Connecting to a server that does not answer fails after this long (a
// refused connection fails at once). Bounded so that a request waits at most
// this long for a database that is gone.
inline constexpr int kConnectTimeoutSeconds = 5;

// After a connection attempt failed, calls fail at once with kUnavailable
// for this long instead of each trying again: a database that is down costs
// callers nothing, and one call per interval probes whether it is back.
inline constexpr auto kReconnectBackoff = std::chrono::milliseconds(250);

// The outbox listener (pg_listener.h) reconnects after a lost connection
// first after this long, doubling up to the cap: a restarting server is
// found again quickly, one that is down costs a connection attempt per cap.
inline constexpr auto kListenBackoff = std::chrono::milliseconds(250);
inline constexpr auto kListenBackoffCap = std::chrono::milliseconds(5000);
// An idle listener checks its connection this often (a connection that died
// without a word from the network, e.g. a failover behind a proxy, would
// otherwise go unnoticed until TCP keepalive gives up).
inline constexpr auto kListenIdleCheck = std::chrono::seconds(30);

// Run on every new connection. Durability is part of the contract (Write
// returns after the commit is durable), so a server configured with
// synchronous_commit = off is overridden for our sessions; stronger server
// settings (remote_write, remote_apply) are kept.
inline constexpr const char* kSessionSetup =
    "SET TIME ZONE 'UTC';"
    "SET client_min_messages = warning;"
    "SELECT set_config('synchronous_commit', 'on', false) WHERE current_setting('synchronous_commit') = "
    "'off';";

// The key of the transaction-level advisory lock that orders the audit chain
// and the outbox across processes: a transaction that appends to either (or
// reads them in a write) holds it until it commits, so seq order is commit
// order and every event's prev_hash is the hash of the event committed
// before it. A pipelined batch takes it as late as it can (pg_tx.h
// BatchState). ("infr" "audt")
inline constexpr int64_t kLogLockKey = 0x696e6672'61756474;

// The writer pipelines a batch's statements (pg_connection.h): at most this
// many wait for their answers at once, then it reads them (one round trip).
// The answers of a few hundred statements fit in the socket buffers, so
// neither side ever blocks writing while the other is not reading.
inline constexpr size_t kPipelineDepth = 512;

// The report list (ListReportSeqs) walks the caller's grant keys over windows of seq, newest
// first, doubling the window until a page is full (as the SQLite backend).
inline constexpr int64_t kSeqWindowPerRow = 4;
inline constexpr int64_t kMinSeqWindow = 256;

// A text search first walks this many of the newest seqs (where common
// words fill a page at once), then asks the terms index for the rest (where
// rare words are found without reading every report).
inline constexpr int64_t kTextWalkSpan = 4096;

// Export reads tables through a cursor, this many rows at a time, so that a
// table of millions of reports never sits in memory at once.
inline constexpr int kExportFetchRows = 1000;

}  // namespace infrashare::postgres
