// Outbox wake-ups (Store::OnOutboxAppended): the listeners a backend tells
// when a commit appended outbox events, and the subscription that keeps one
// listener registered.
//
// A wake-up is only a hint that the outbox advanced: the outbox stays the
// source of truth, so a listener re-reads it (e.g. after its own cursor) and
// a missed or spurious wake-up costs at most one poll interval or one empty
// read. Listeners must be quick and must not block: set a flag, notify a
// condition variable. They must not call the store.
//
// Thread behaviour: OutboxSignal is thread-safe; Notify may run on any
// thread (the backend's writer or listener thread), concurrently with Add
// and Remove. A subscription is used by one thread at a time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace infrashare {

// Keeps one listener registered; destroying it (or Reset) unsubscribes, and
// once that returns the listener is not running and is never called again.
// REQUIRES: not destroyed or Reset from inside the listener itself.
class OutboxSubscription {
 public:
  OutboxSubscription() = default;
  explicit OutboxSubscription(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
  OutboxSubscription(OutboxSubscription&& other) noexcept : cancel_(std::exchange(other.cancel_, nullptr)) {}
  OutboxSubscription& operator=(OutboxSubscription&& other) noexcept {
    if (this != &other) {
      Reset();
      cancel_ = std::exchange(other.cancel_, nullptr);
    }
    return *this;
  }
  OutboxSubscription(const OutboxSubscription&) = delete;
  OutboxSubscription& operator=(const OutboxSubscription&) = delete;
  ~OutboxSubscription() { Reset(); }

  void Reset() {
    if (auto cancel = std::exchange(cancel_, nullptr)) cancel();
  }

 private:
  std::function<void()> cancel_;
};

// The listeners of one store. The backend owns it, calls Notify after a
// commit that appended outbox events, and must outlive every subscription
// Add handed out.
class OutboxSignal {
 public:
  OutboxSignal() = default;
  OutboxSignal(const OutboxSignal&) = delete;
  OutboxSignal& operator=(const OutboxSignal&) = delete;

  // Registers `fn` until the returned subscription ends.
  OutboxSubscription Add(std::function<void()> fn);
  // Calls every listener, on this thread, without holding the lock.
  void Notify();
  bool empty() const;

 private:
  void Remove(uint64_t id);

  mutable std::mutex mutex_;
  std::condition_variable idle_;  // a Notify ended
  // State below is protected by mutex_.
  std::map<uint64_t, std::shared_ptr<const std::function<void()>>> listeners_;
  uint64_t next_id_ = 1;
  int notifying_ = 0;  // Notify calls running their listeners
};

}  // namespace infrashare
