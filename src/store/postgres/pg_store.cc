#include "store/postgres/pg_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>
#include <span>
#include <vector>

#include "store/connection_pool.h"
#include "store/group_commit.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_error.h"
#include "store/postgres/pg_listener.h"
#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_tuning.h"
#include "store/postgres/pg_tx.h"

namespace infrashare {

namespace {

using postgres::Connection;
using postgres::PgTx;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

// Opens connections, failing at once while the server is known to be gone
// (one attempt per kReconnectBackoff).
class Connector {
 public:
  explicit Connector(std::string url) : url_(std::move(url)) {}

  Result<std::unique_ptr<Connection>> Connect() {
    {
      std::lock_guard lock(mutex_);
      if (Clock::now() < next_attempt_)
        return std::unexpected(
            postgres::UnavailableError("connect", "the server was unreachable moments ago"));
    }
    auto conn = Connection::Open(url_);
    std::lock_guard lock(mutex_);
    if (!conn) {
      next_attempt_ = Clock::now() + postgres::kReconnectBackoff;
      return std::unexpected(postgres::UnavailableError("connect", conn.error().message));
    }
    next_attempt_ = {};
    return conn;
  }

 private:
  const std::string url_;
  std::mutex mutex_;
  Clock::time_point next_attempt_;  // protected by mutex_
};

// BEGINs `sql` on *conn and answers the rows of its last statement; a
// connection that turns out dead is replaced once (nothing has happened on
// it yet, so the caller's work is not at stake).
Result<postgres::Rows> Begin(std::unique_ptr<Connection>& conn, Connector& connector, std::string_view sql) {
  if (conn && !conn->Broken()) {
    auto b = conn->Query(sql, "begin transaction");
    if (b || !conn->Broken()) return b;
  }
  conn.reset();
  auto fresh = INFRASHARE_TRY(connector.Connect());
  conn = std::move(fresh);
  return conn->Query(sql, "begin transaction");
}

using Job = GroupCommitQueue::Job;

class PostgresStore final : public Store {
 public:
  PostgresStore(PostgresOptions options, std::unique_ptr<Connection> writer)
      : options_(std::move(options)),
        connector_(options_.url),
        writer_conn_(std::move(writer)),
        readers_(options_.pool_size - 1),
        // This process's own listeners need not wait for the NOTIFY's round trip.
        queue_(
            options_.max_batch, [this](std::span<Job*> jobs) { return RunBatch(jobs); },
            [this] { outbox_.Notify(); }) {}

  ~PostgresStore() override {
    {
      std::lock_guard lock(listener_mutex_);
      listener_.reset();
    }
    queue_.Stop();
  }

  Result<void> Write(const std::function<Result<void>(WriteTx&)>& fn) override { return queue_.Submit(fn); }
  Result<void> Read(const std::function<Result<void>(ReadTx&)>& fn) override;
  OutboxSubscription OnOutboxAppended(std::function<void()> fn) override;

 private:
  // Runs `jobs` in one transaction and sets each job's result. Returns
  // whether it committed outbox events (and NOTIFYed them). Tries
  // RunPipelined first and, when that says kRetry, RunCarefully.
  bool RunBatch(std::span<Job*> jobs);

  enum class Attempt {
    kCommitted,  // every job's result is set; `appended` says whether outbox events were
    kLost,       // the connection failed: every job failed (kUnavailable, or its own error)
    kRetry,      // nothing was committed: run the batch again the careful way
  };
  // The fast way (pg_tx.h BatchState::pipelined): one transaction in
  // pipeline mode, without savepoints, the hot writes not waited for; one
  // round trip to begin, one to take the log lock and read the chain's head
  // (when the batch appended audit events) and one to commit. Any failure
  // (a statement's, or a job's after it sent statements) undoes the whole
  // batch: kRetry.
  Attempt RunPipelined(std::span<Job*> jobs, bool& appended);
  // Begins the transaction of a pipelined batch of `jobs` jobs, reserving
  // report seqs for it (pg_tx.h BatchState), in one round trip.
  Result<postgres::BatchState> BeginPipelined(size_t jobs);
  // The careful way: every statement answered, each job in its own
  // savepoint, so that a failing job is rolled back alone.
  bool RunCarefully(std::span<Job*> jobs);
  // Ends the writer's transaction, if one is open, without committing.
  void Abandon();
  // Runs one job inside the savepoint "job" of the open transaction and
  // ends that savepoint (opening the next one unless `last`). False when
  // the transaction is lost (the connection broke, or the savepoint could
  // not be rolled back).
  bool RunJob(Job& job, postgres::BatchState& batch, bool last);

  const PostgresOptions options_;
  Connector connector_;

  // Used only by the writer thread once it runs.
  std::unique_ptr<Connection> writer_conn_;
  // Whether the last pipelined batch inserted reports: then the next one
  // reserves a seq for each of its jobs as it begins (one reservation
  // instead of one more round trip in the middle of the batch), otherwise
  // none, so that batches without reports leave no gaps.
  bool reports_last_batch_ = false;

  // Told by the writer after its commits that appended outbox events, and by
  // the listener for every process's (started with the first subscription).
  OutboxSignal outbox_;
  std::mutex listener_mutex_;
  std::unique_ptr<postgres::OutboxListener> listener_;  // protected by listener_mutex_

  // Reader connections, opened as they are first needed (nullptr slots).
  ConnectionPool<Connection> readers_;
  GroupCommitQueue queue_;  // last: its writer thread uses everything above
};

bool PostgresStore::RunJob(Job& job, postgres::BatchState& batch, bool last) {
  Connection& conn = *writer_conn_;
  const bool outbox_mark = batch.outbox_appended;
  {
    // A transaction object per job, over the savepoint "job" that is open.
    PgTx tx(conn, &batch);
    try {
      job.result = (*job.fn)(tx);
    } catch (...) {
      job.exception = std::current_exception();
    }
  }
  if (conn.Broken()) return false;
  // Ending one job's savepoint and opening the next one's is one round trip.
  if (job.result && !job.exception) {
    auto release = conn.Run(last ? "RELEASE job" : "RELEASE job; SAVEPOINT job", "release savepoint");
    if (release) return true;
    if (conn.Broken()) return false;
    // A statement of this job failed and fn went on as if not: PostgreSQL
    // refuses the rest of the job. Undo it; the batch goes on.
    job.result = std::unexpected(release.error());
  }
  batch.last_audit_hash.reset();
  batch.outbox_appended = outbox_mark;
  auto undo = conn.Run(last ? "ROLLBACK TO job; RELEASE job" : "ROLLBACK TO job; RELEASE job; SAVEPOINT job",
                       "roll back savepoint");
  if (!undo) {
    spdlog::error("postgres store: cannot roll back a failed write: {}", undo.error().message);
    return false;
  }
  return true;
}

void PostgresStore::Abandon() {
  if (!writer_conn_ || writer_conn_->Broken()) return;
  (void)writer_conn_->EndPipeline();
  if (writer_conn_->InTransaction()) (void)writer_conn_->Run("ROLLBACK", "roll back transaction");
}

bool PostgresStore::RunBatch(std::span<Job*> jobs) {
  bool appended = false;
  switch (RunPipelined(jobs, appended)) {
    case Attempt::kCommitted:
      return appended;
    case Attempt::kLost:
      return false;
    case Attempt::kRetry:
      break;
  }
  // Each fn runs again from the start (store.h: fn may run more than once).
  for (Job* job : jobs) {
    job->result = {};
    job->exception = nullptr;
  }
  return RunCarefully(jobs);
}

Result<postgres::BatchState> PostgresStore::BeginPipelined(size_t jobs) {
  auto rows = INFRASHARE_TRY(
      Begin(writer_conn_, connector_, postgres::BeginPipelinedSql(reports_last_batch_ ? jobs : 0)));
  return postgres::PipelinedBatch(rows);
}

PostgresStore::Attempt PostgresStore::RunPipelined(std::span<Job*> jobs, bool& appended) {
  const Error unavailable{ErrorCode::kUnavailable, std::string(postgres::kUnavailableMessage), {}};
  auto begun = BeginPipelined(jobs.size());
  if (!begun) {
    if (writer_conn_ && !writer_conn_->Broken()) {
      Abandon();
      return Attempt::kRetry;
    }
    GroupCommitQueue::FailAll(jobs, begun.error());
    return Attempt::kLost;
  }
  postgres::BatchState batch = std::move(*begun);
  Connection& conn = *writer_conn_;
  conn.BeginPipeline();
  bool clean = true;
  for (size_t i = 0; i < jobs.size(); ++i) {
    Job* job = jobs[i];
    const uint64_t sent = conn.statements_sent();
    const size_t audit_mark = batch.audit.size(), outbox_mark = batch.outbox.size();
    const bool appended_mark = batch.outbox_appended;
    batch.jobs_left = jobs.size() - i;
    {
      PgTx tx(conn, &batch);
      try {
        job->result = (*job->fn)(tx);
      } catch (...) {
        job->exception = std::current_exception();
      }
    }
    // A job that failed before it sent anything changed nothing but the
    // events it kept: it forgets them, keeps its answer, and the batch goes
    // on.
    const bool failed = !job->result || job->exception;
    if (conn.Broken() || (failed && conn.statements_sent() != sent)) {
      clean = false;
      break;
    }
    if (failed) {
      batch.audit.resize(audit_mark);
      batch.outbox.resize(outbox_mark);
      batch.outbox_appended = appended_mark;
    }
  }
  reports_last_batch_ = batch.next_report > 0;
  // A failure that a job was told of and went on as if not leaves the
  // transaction failed; its COMMIT would answer ROLLBACK.
  if (clean && PQtransactionStatus(conn.handle()) != PQTRANS_INERROR) {
    static const std::string kNotify = fmt::format("NOTIFY {}", postgres::kOutboxChannel);
    // The log lock only now, and only for the events the jobs kept.
    Result<void> sent;
    if (!batch.audit.empty() || !batch.outbox.empty()) sent = postgres::HoldLogLock(conn, batch);
    if (sent && batch.outbox_appended) sent = conn.Send(kNotify, {}, "notify listeners");
    if (sent) {
      auto commit = conn.Exec("COMMIT", "commit transaction");
      if (commit && commit->Command() == "COMMIT") {
        (void)conn.EndPipeline();
        appended = batch.outbox_appended;
        return Attempt::kCommitted;
      }
    }
  }
  if (!conn.Broken()) Abandon();
  if (conn.Broken()) {  // maybe in doubt: the COMMIT may have been lost on its way back
    spdlog::warn("postgres store: a pipelined batch of {} writes was lost with its connection", jobs.size());
    GroupCommitQueue::FailAll(jobs, unavailable);
    return Attempt::kLost;
  }
  return Attempt::kRetry;
}

bool PostgresStore::RunCarefully(std::span<Job*> jobs) {
  const Error unavailable{ErrorCode::kUnavailable, std::string(postgres::kUnavailableMessage), {}};
  // The log lock is taken first, outside every job's savepoint, and held to
  // the end of the transaction (pg_tx.h BatchState).
  static const std::string kBegin =
      fmt::format("BEGIN; SELECT pg_advisory_xact_lock({}); SAVEPOINT job", postgres::kLogLockKey);
  if (auto b = Begin(writer_conn_, connector_, kBegin); !b) {
    Abandon();
    GroupCommitQueue::FailAll(jobs, b.error());
    return false;
  }
  postgres::BatchState batch{.log_locked = true};
  bool lost = false;
  for (size_t i = 0; i < jobs.size() && !lost; ++i) lost = !RunJob(*jobs[i], batch, i + 1 == jobs.size());
  if (lost) {
    spdlog::warn("postgres store: a batch of {} writes was lost with its transaction", jobs.size());
    Abandon();
    GroupCommitQueue::FailAll(jobs, unavailable);
    return false;
  }
  // NOTIFY is sent when (and only if) the transaction commits; PostgreSQL
  // folds identical notifications of one transaction into one.
  static const std::string kNotifyCommit = fmt::format("NOTIFY {}; COMMIT", postgres::kOutboxChannel);
  const bool appended = batch.outbox_appended;
  if (auto c = writer_conn_->Run(appended ? std::string_view(kNotifyCommit) : "COMMIT", "commit transaction");
      !c) {
    spdlog::warn("postgres store: a batch of {} writes failed to commit: {}", jobs.size(), c.error().message);
    Abandon();
    GroupCommitQueue::FailAll(jobs, unavailable);
    return false;
  }
  return appended;
}

OutboxSubscription PostgresStore::OnOutboxAppended(std::function<void()> fn) {
  auto subscription = outbox_.Add(std::move(fn));
  std::lock_guard lock(listener_mutex_);
  if (!listener_) {
    auto listener = postgres::OutboxListener::Start(options_.url, [this] { outbox_.Notify(); });
    if (listener)
      listener_ = std::move(*listener);
    else  // the polls still find every event, later
      spdlog::warn("postgres store: {}", listener.error().message);
  }
  return subscription;
}

Result<void> PostgresStore::Read(const std::function<Result<void>(ReadTx&)>& fn) {
  // Returns the connection to the pool however fn ends, its snapshot closed;
  // a broken one is dropped and its slot reopens on a later call.
  struct Lease {
    PostgresStore& store;
    std::unique_ptr<Connection> conn;
    ~Lease() {
      if (conn && !conn->Broken() && conn->InTransaction()) (void)conn->Run("ROLLBACK", "end read");
      store.readers_.Release(conn && !conn->Broken() ? std::move(conn) : nullptr);
    }
  } lease{*this, readers_.Acquire()};

  INFRASHARE_TRY(Begin(lease.conn, connector_, kBeginRead));
  PgTx tx(*lease.conn);
  auto result = fn(tx);
  if (lease.conn->Broken()) {  // fn saw the failure, or ignored it
    if (result)
      return std::unexpected(Error{ErrorCode::kUnavailable, std::string(postgres::kUnavailableMessage), {}});
    return result;
  }
  if (auto c = lease.conn->Run("COMMIT", "end read"); !c && result) return c;
  return result;
}

}  // namespace

bool IsPostgresUrl(const std::string& database) {
  return database.starts_with("postgresql://") || database.starts_with("postgres://");
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options) {
  if (options.url.empty()) return InvalidArgument("url", "the database URL must not be empty");
  if (options.pool_size < 2)
    return InvalidArgument("pool_size", "must be at least 2 (one writer and one reader connection)");
  if (options.max_batch < 1) return InvalidArgument("max_batch", "must be at least 1");
  auto writer = INFRASHARE_TRY(Connection::Open(options.url));
  INFRASHARE_TRY(postgres::Migrate(*writer, options.create));
  return std::make_unique<PostgresStore>(options, std::move(writer));
}

}  // namespace infrashare
