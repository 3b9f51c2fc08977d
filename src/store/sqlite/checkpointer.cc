#include "store/sqlite/checkpointer.h"

#include <spdlog/spdlog.h>

#include "store/sqlite/sqlite_error.h"
#include "store/sqlite/sqlite_tuning.h"

namespace infrashare::sqlite {

namespace {
constexpr std::chrono::milliseconds kCheckpointDelay{200};
}  // namespace

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(const ConnectionOptions& options) {
  auto conn = INFRASHARE_TRY(Connection::Open(options));
  return std::make_unique<Checkpointer>(std::move(conn));
}

Checkpointer::Checkpointer(std::unique_ptr<Connection> conn) : conn_(std::move(conn)) {
  thread_ = std::thread([this] { Run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

Result<void> Checkpointer::Attach(Connection& writer) {
  if (auto r = writer.ExecScript("PRAGMA wal_autocheckpoint = 0", "configure checkpoints"); !r) return r;
  if (auto r = writer.ExecScript(kWalSizeLimitPragma, "configure checkpoints"); !r) return r;
  sqlite3_wal_hook(writer.handle(), &Checkpointer::OnCommit, this);
  return {};
}

void Checkpointer::Detach(Connection& writer) { sqlite3_wal_hook(writer.handle(), nullptr, nullptr); }

int Checkpointer::OnCommit(void* self, sqlite3*, const char*, int frames) {
  auto* c = static_cast<Checkpointer*>(self);
  if (frames < kCheckpointFrames) return SQLITE_OK;
  {
    std::lock_guard lock(c->mutex_);
    c->pending_ = true;
  }
  c->cv_.notify_one();
  return SQLITE_OK;
}

void Checkpointer::Run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || pending_; });
      // A moment later: a burst of commits is checkpointed once, and a large
      // transaction's readers (the live channels sending what it wrote) get
      // the cores first. The WAL holds the data meanwhile.
      cv_.wait_for(lock, kCheckpointDelay, [&] { return stopping_; });
      if (stopping_) return;
      pending_ = false;
    }
    int log = 0, done = 0;
    const int rc = sqlite3_wal_checkpoint_v2(conn_->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      spdlog::warn("sqlite store: checkpoint failed: {}",
                   MakeSqliteError(sqlite3_extended_errcode(conn_->handle()), "checkpoint").message);
  }
}

}  // namespace infrashare::sqlite
