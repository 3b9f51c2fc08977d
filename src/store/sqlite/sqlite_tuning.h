// Every tuning constant of the SQLite backend, each with its reason.
#pragma once

#include <cstddef>
#include <cstdint>

#include "store/store_limits.h"

namespace infrashare::sqlite {

// How long a connection waits for a lock held by another process (an
// `infrashare admin` command next to the server) before the operation fails
// with kUnavailable. Within one process the writer thread never contends.
inline constexpr int kBusyTimeoutMs = 5000;

// Applied to every connection. cache_size is per connection (negative = KiB):
// 16 MiB keeps the upper levels of the report indexes hot for list queries
// while the whole process stays far below the 300 MB resident budget.
// Temporary b-trees (ORDER BY of a time-window scan) stay in memory: they are
// bounded by kTimeScanCap rows.
inline constexpr const char* kConnectionPragmas =
    "PRAGMA foreign_keys = ON;"
    "PRAGMA cache_size = -16384;"
    "PRAGMA temp_store = MEMORY;";
// The writer's cache is larger: a batch dirties a leaf page per report in
// the id index and in each organization's grant range (random positions),
// and a cache too small for the batch spills pages to the WAL mid-transaction
// and reads them back.
inline constexpr const char* kWriterCachePragma = "PRAGMA cache_size = -65536";

// The writer does not checkpoint (wal_autocheckpoint = 0): a checkpoint
// copies pages into the database file and fsyncs it, which would stall every
// caller of the batch behind it. A checkpointer thread with its own
// connection runs a PASSIVE checkpoint (never blocks the writer or readers)
// whenever a commit leaves at least this many frames (4 KiB pages) in the
// WAL — SQLite's own default threshold.
inline constexpr int kCheckpointFrames = 1000;
// A long read pins old frames and lets the WAL grow; once the checkpoint
// catches up the WAL starts over, and its file is truncated to this size so
// one burst does not leave a huge file behind.
inline constexpr const char* kWalSizeLimitPragma = "PRAGMA journal_size_limit = 67108864";

// The report list (ListReportSeqs) walks the caller's grant keys over windows of seq, newest
// first, doubling the window until a page is full. The first window is this
// many times the page size (at least kMinSeqWindow): with ~80% of reports
// visible to a member, one window usually fills the page.
inline constexpr int64_t kSeqWindowPerRow = 4;
inline constexpr int64_t kMinSeqWindow = 256;

}  // namespace infrashare::sqlite
