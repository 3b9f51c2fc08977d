// The outbox listener of the PostgreSQL backend: a connection of its own
// that LISTENs on kOutboxChannel, so that a commit of any process that
// appended outbox events (the writer NOTIFYs inside such a transaction,
// pg_store.cc) wakes this process's readers of the outbox at once instead of
// at their next poll (store.h, "Outbox wake-ups").
//
// The thread waits with poll() on the connection's socket and on an eventfd
// that Stop writes, takes what arrived (PQconsumeInput), and calls
// `on_notify` once for every burst of notifications (PostgreSQL coalesces
// them; the payload is empty: the outbox says what is new). A lost
// connection is replaced with backoff (pg_tuning.h kListenBackoff, doubling
// to kListenBackoffCap), and on_notify is called after every (re)connection,
// in case something was committed while nobody listened. An idle
// connection is checked every kListenIdleCheck.
//
// Stopping is prompt: the destructor wakes the thread and joins it; only a
// connection attempt under way is waited for (bounded by
// kConnectTimeoutSeconds when the server does not answer).
//
// Thread behaviour: on_notify runs on the listener's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "common/error.h"
#include "store/postgres/pg_connection.h"

namespace infrashare::postgres {

// The LISTEN/NOTIFY channel that says "the outbox advanced".
inline constexpr std::string_view kOutboxChannel = "infrashare_outbox";

class OutboxListener {
 public:
  // Starts the thread, which connects to `url` on its own (a database that
  // is down now is retried). Errors: kUnavailable when the thread's wake-up
  // descriptor cannot be made.
  static Result<std::unique_ptr<OutboxListener>> Start(std::string url, std::function<void()> on_notify);

  OutboxListener(std::string url, std::function<void()> on_notify, int stop_fd);
  ~OutboxListener();  // stops and joins the thread
  OutboxListener(const OutboxListener&) = delete;
  OutboxListener& operator=(const OutboxListener&) = delete;

 private:
  enum class End { kLost, kStopping };

  void Run();
  // Passes on notifications until the connection is lost or Stop.
  End Listen(Connection& conn);
  // Waits `wait` or until stopped; false when stopped.
  bool Sleep(std::chrono::milliseconds wait);

  const std::string url_;
  const std::function<void()> on_notify_;
  const int stop_fd_;  // an eventfd: readable once stopping
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace infrashare::postgres
