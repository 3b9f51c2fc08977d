// Commits of other processes on the same SQLite database, noticed without
// polling: a thread watches the write-ahead log (PATH-wal) with inotify and
// calls `on_change` when it was written — which every commit does, by any
// process. SqliteStore uses it so that an outbox wake-up
// (Store::OnOutboxAppended) also follows another process's commits, as
// LISTEN/NOTIFY does on PostgreSQL.
//
// Like every wake-up it is a hint: this process's own commits and
// checkpoints call it too. A change is told at once and again after quiet
// intervals of 5, 20 and 80 ms (the commit becomes visible only after an
// fsync and a shared-memory update that inotify does not see); while writes
// go on, once per 5 ms. The listener re-reads the outbox; a change missed
// anyway costs one poll interval of the reader's safety net.
//
// Thread behaviour: on_change runs on the watcher's thread; the destructor
// stops that thread and returns only when on_change no longer runs.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/error.h"

namespace infrashare::sqlite {

class WalWatcher {
 public:
  // Errors: kUnavailable when inotify cannot watch the directory of
  // `database_path` (the caller keeps working on its polls).
  static Result<std::unique_ptr<WalWatcher>> Start(const std::string& database_path,
                                                   std::function<void()> on_change);
  ~WalWatcher();
  WalWatcher(const WalWatcher&) = delete;
  WalWatcher& operator=(const WalWatcher&) = delete;

 private:
  WalWatcher(int inotify_fd, int stop_fd, std::string wal_path, std::function<void()> on_change);
  enum class Wait { kStop, kChanged, kQuiet };
  // Sleeps `timeout_ms` (< 0: until the log changes) unless stopped, then
  // reads what inotify queued.
  Wait SleepThenDrain(int timeout_ms);
  void Run();

  const int inotify_fd_;
  const int stop_fd_;  // an eventfd: written by the destructor
  const std::string wal_path_;
  const std::function<void()> on_change_;
  bool watching_ = true;  // the watcher thread's own
  std::thread thread_;
};

}  // namespace infrashare::sqlite
