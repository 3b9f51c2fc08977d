// Commits of other processes on the same SQLite database, told without
// polling. After a commit that appended outbox events, a store rings its
// bell: it touches a small file beside the database (PATH-outbox, its
// modification time); every process listening on that file with inotify
// hears it and tells its outbox listeners (Store::OnOutboxAppended), as
// LISTEN/NOTIFY does on PostgreSQL. The ring comes after the commit, so a
// listener that reads the outbox then sees what was committed.
//
// Like every wake-up it is a hint: a process also hears its own rings, and
// rings in quick succession may be heard once. A ring missed anyway costs one
// poll interval of the reader's safety net.
//
// Thread behaviour: Ring is safe from any thread. on_ring runs on the bell's
// listening thread; the destructor stops that thread and returns only when
// on_ring no longer runs.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/error.h"

namespace infrashare::sqlite {

class CommitBell {
 public:
  // Opens PATH-outbox for `database_path`, creating it. Errors: kUnavailable.
  static Result<std::unique_ptr<CommitBell>> Open(const std::string& database_path);
  ~CommitBell();
  CommitBell(const CommitBell&) = delete;
  CommitBell& operator=(const CommitBell&) = delete;

  // Tells every listening process, this one included. One system call.
  void Ring();
  // Calls on_ring after rings of any process from now on, on a thread of
  // the bell's. Once per bell. Errors: kUnavailable when inotify cannot
  // watch the file; kInternal when already listening.
  Result<void> Listen(std::function<void()> on_ring);

 private:
  CommitBell(int file, std::string path);
  void Run();

  const int file_;  // PATH-outbox, open for its timestamps
  const std::string path_;
  std::mutex mutex_;  // Listen against itself
  int inotify_fd_ = -1;
  int stop_fd_ = -1;  // an eventfd: written by the destructor
  std::function<void()> on_ring_;
  std::thread thread_;
};

}  // namespace infrashare::sqlite
