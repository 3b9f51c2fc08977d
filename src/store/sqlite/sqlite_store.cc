#include "store/sqlite/sqlite_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <span>
#include <vector>

#include "store/connection_pool.h"
#include "store/group_commit.h"
#include "store/sql/migrate.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/commit_bell.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/sqlite/sqlite_tx.h"

namespace infrashare {

namespace {

using sqlite::Connection;
using sqlite::SqliteTx;

constexpr const char* kCreateVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
))sql";

constexpr std::string_view kBatchLost =
    "the database failed to commit the transaction; nothing was written, retry";

using Job = GroupCommitQueue::Job;

class SqliteStore final : public Store {
 public:
  // REQUIRES: checkpointer is attached to writer.
  // `bell` may be null (other processes' commits are then seen by polling).
  SqliteStore(SqliteOptions options, std::unique_ptr<Connection> writer,
              std::unique_ptr<sqlite::Checkpointer> checkpointer,
              std::vector<std::unique_ptr<Connection>> readers, std::unique_ptr<sqlite::CommitBell> bell)
      : options_(std::move(options)),
        writer_conn_(std::move(writer)),
        checkpointer_(std::move(checkpointer)),
        bell_(std::move(bell)),
        readers_(std::move(readers)),
        queue_(
            options_.max_batch, [this](std::span<Job*> jobs) { return RunBatch(jobs); },
            [this] {
              outbox_.Notify();
              if (bell_) bell_->Ring();  // other processes
            }) {}

  ~SqliteStore() override {
    queue_.Stop();
    checkpointer_->Detach(*writer_conn_);
    checkpointer_.reset();
  }

  Result<void> Write(const std::function<Result<void>(WriteTx&)>& fn) override { return queue_.Submit(fn); }
  Result<void> Read(const std::function<Result<void>(ReadTx&)>& fn) override;
  OutboxSubscription OnOutboxAppended(std::function<void()> fn) override {
    WatchOtherProcesses();
    return outbox_.Add(std::move(fn));
  }

 private:
  // Runs `jobs` in as few transactions as possible (one unless SQLite rolls
  // a transaction back by itself) and sets each job's result. Returns
  // whether a transaction that appended outbox events committed.
  bool RunBatch(std::span<Job*> jobs);
  // Runs one job inside a savepoint of the open transaction.
  void RunJob(Job& job, SqliteTx& tx);

  // Listens to the commit bell once, so that listeners also hear of commits
  // by other processes on this database (they keep polling when it fails).
  void WatchOtherProcesses();

  const SqliteOptions options_;

  // Used only by the writer thread once it runs.
  std::unique_ptr<Connection> writer_conn_;
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;

  OutboxSignal outbox_;  // told by the writer thread after a commit that appended

  std::once_flag watch_once_;
  // Rung by the writer thread after a commit that appended; its listening
  // thread tells outbox_ (so it is destroyed first: declared after it).
  std::unique_ptr<sqlite::CommitBell> bell_;

  ConnectionPool<Connection> readers_;
  GroupCommitQueue queue_;  // last: its writer thread uses everything above
};

void SqliteStore::RunJob(Job& job, SqliteTx& tx) {
  Connection& conn = *writer_conn_;
  if (auto s = conn.Run("SAVEPOINT job", "begin savepoint"); !s) {
    job.result = std::unexpected(s.error());
    return;
  }
  const size_t text_mark = tx.PendingTextMark();
  const bool outbox_mark = tx.outbox_appended();
  try {
    job.result = (*job.fn)(tx);
  } catch (...) {
    job.exception = std::current_exception();
  }
  if (!conn.InTransaction()) return;  // SQLite rolled everything back; RunBatch sees it
  if (job.result && !job.exception) {
    if (auto r = conn.Run("RELEASE job", "release savepoint"); r)
      return;
    else
      job.result = std::unexpected(r.error());
  }
  // Undo this job only; the rest of the batch stays.
  tx.DropPendingTextSince(text_mark);
  tx.set_outbox_appended(outbox_mark);
  auto undo = conn.Run("ROLLBACK TO job", "roll back savepoint");
  auto release = conn.Run("RELEASE job", "release savepoint");
  if (!undo || !release) {
    spdlog::error("sqlite store: cannot roll back a failed write: {}",
                  (!undo ? undo : release).error().message);
    (void)conn.Run("ROLLBACK", "roll back transaction");  // RunBatch fails the whole batch
  }
}

bool SqliteStore::RunBatch(std::span<Job*> jobs) {
  Connection& conn = *writer_conn_;
  SqliteTx tx(conn);
  bool appended = false;  // by a transaction that committed
  size_t next = 0;
  while (next < jobs.size()) {
    tx.set_outbox_appended(false);
    if (auto b = conn.Run("BEGIN IMMEDIATE", "begin transaction"); !b) {
      spdlog::warn("sqlite store: {}", b.error().message);
      for (; next < jobs.size(); ++next) jobs[next]->result = Unavailable(b.error().message);
      return appended;
    }
    const size_t first = next;
    bool lost = false;
    for (; next < jobs.size(); ++next) {
      RunJob(*jobs[next], tx);
      if (!conn.InTransaction()) {  // an I/O error or full disk ended the transaction
        lost = true;
        ++next;
        break;
      }
    }
    Result<void> commit;
    if (lost) {
      tx.DropPendingTextSince(0);
    } else {
      commit = tx.FlushPendingText();
      if (commit) commit = conn.Run("COMMIT", "commit transaction");
      if (!commit && conn.InTransaction()) (void)conn.Run("ROLLBACK", "roll back transaction");
    }
    if (lost || !commit) {
      spdlog::warn("sqlite store: a batch of {} writes failed: {}", next - first,
                   lost ? "the transaction was rolled back" : commit.error().message);
      // A job that failed on its own keeps its error; the others were undone.
      GroupCommitQueue::FailAll(jobs.subspan(first, next - first),
                                Error{ErrorCode::kUnavailable, std::string(kBatchLost), {}});
    } else {
      appended = appended || tx.outbox_appended();
    }
  }
  return appended;
}

void SqliteStore::WatchOtherProcesses() {
  std::call_once(watch_once_, [this] {
    if (!bell_) return;
    if (auto l = bell_->Listen([this] { outbox_.Notify(); }); !l)
      spdlog::warn("sqlite store: commits of other processes are noticed by polling only: {}",
                   l.error().message);
  });
}

Result<void> SqliteStore::Read(const std::function<Result<void>(ReadTx&)>& fn) {
  // Returns the connection to the pool however fn ends, its snapshot closed.
  struct Lease {
    SqliteStore& store;
    std::unique_ptr<Connection> conn;
    ~Lease() {
      if (conn->InTransaction()) (void)conn->Run("ROLLBACK", "end read");
      store.readers_.Release(std::move(conn));
    }
  } lease{*this, readers_.Acquire()};

  if (auto b = lease.conn->Run("BEGIN", "begin read"); !b) return b;
  SqliteTx tx(*lease.conn);
  auto result = fn(tx);
  if (auto c = lease.conn->Run("COMMIT", "end read"); !c && result) return c;
  return result;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  if (options.path.empty()) return InvalidArgument("path", "the database path must not be empty");
  if (options.read_connections < 1) return InvalidArgument("read_connections", "must be at least 1");
  if (options.max_batch < 1) return InvalidArgument("max_batch", "must be at least 1");

  auto writer = INFRASHARE_TRY(
      Connection::Open({.path = options.path, .role = sqlite::ConnectionRole::kWriter, .vfs = options.vfs}));
  sqlite::SqliteSession session(*writer);
  INFRASHARE_TRY(sql::Migrate(session, {.begin = "BEGIN IMMEDIATE", .version_table = kCreateVersionTable}));

  auto checkpointer = INFRASHARE_TRY(sqlite::Checkpointer::Start(
      {.path = options.path, .role = sqlite::ConnectionRole::kCheckpointer, .vfs = options.vfs}));
  INFRASHARE_TRY(checkpointer->Attach(*writer));

  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = 0; i < options.read_connections; ++i) {
    auto reader =
        Connection::Open({.path = options.path, .role = sqlite::ConnectionRole::kReader, .vfs = options.vfs});
    if (!reader) {
      checkpointer->Detach(*writer);
      return std::unexpected(reader.error());
    }
    readers.push_back(std::move(*reader));
  }
  auto bell = sqlite::CommitBell::Open(options.path);
  if (!bell)
    spdlog::warn("sqlite store: other processes will notice this one's commits by polling only: {}",
                 bell.error().message);
  return std::make_unique<SqliteStore>(options, std::move(writer), std::move(checkpointer),
                                       std::move(readers), bell ? std::move(*bell) : nullptr);
}

}  // namespace infrashare
