// Moves WAL checkpoints off the writer thread.
//
// The writer connection runs with wal_autocheckpoint = 0 and reports the WAL
// size after each commit (Attach installs a wal hook). When the WAL holds
// kCheckpointFrames or more, the checkpointer's thread runs a PASSIVE
// checkpoint on its own connection 200 ms later, concurrently with the
// writer and the readers. Checkpoint errors are logged and retried after the next commit:
// the data is safe in the WAL meanwhile.
//
// Thread behaviour: the wal hook runs on the writer thread and only signals;
// checkpoints run on the checkpointer's own thread. The destructor stops the
// thread (the last connection to close checkpoints the rest).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "store/sqlite/sqlite_connection.h"

namespace infrashare::sqlite {

class Checkpointer {
 public:
  // Opens the checkpointer's connection to the same database.
  static Result<std::unique_ptr<Checkpointer>> Start(const ConnectionOptions& options);
  explicit Checkpointer(std::unique_ptr<Connection> conn);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Turns off the writer's own checkpoints and routes its WAL size here.
  // REQUIRES: `writer` outlives this Checkpointer's use of it (the hook is
  // removed by Detach or when the writer closes).
  Result<void> Attach(Connection& writer);
  void Detach(Connection& writer);

 private:
  static int OnCommit(void* self, sqlite3* db, const char* name, int frames);
  void Run();

  std::unique_ptr<Connection> conn_;  // used only by thread_

  // State below is protected by mutex_.
  std::mutex mutex_;
  std::condition_variable cv_;
  bool pending_ = false;  // a commit left kCheckpointFrames or more in the WAL
  bool stopping_ = false;

  std::thread thread_;
};

}  // namespace infrashare::sqlite
