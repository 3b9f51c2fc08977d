// The reader pool both backends share: at most `slots` connections handed
// out at once; a caller waits for a free slot. The pool keeps the idle
// connections it is given back; a slot whose connection was dropped (or
// never opened) is handed out as nullptr, and the caller opens one.
//
// Thread behaviour: safe from many threads; Acquire blocks while every slot
// is taken.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace infrashare {

template <class Connection>
class ConnectionPool {
 public:
  // `slots` slots, none with a connection yet.
  explicit ConnectionPool(int slots) : slots_(slots) {}
  // A slot for each of `idle`.
  explicit ConnectionPool(std::vector<std::unique_ptr<Connection>> idle)
      : idle_(std::move(idle)), slots_(static_cast<int>(idle_.size())) {}

  // An idle connection, or nullptr for a slot without one.
  std::unique_ptr<Connection> Acquire() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return slots_ > 0; });
    --slots_;
    if (idle_.empty()) return nullptr;
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return conn;
  }

  // Gives the slot back, and `conn` to the next caller unless it is null.
  void Release(std::unique_ptr<Connection> conn) {
    {
      std::lock_guard lock(mutex_);
      if (conn) idle_.push_back(std::move(conn));
      ++slots_;
    }
    cv_.notify_one();
  }

 private:
  // State below is protected by mutex_.
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int slots_;  // not handed out
};

}  // namespace infrashare
