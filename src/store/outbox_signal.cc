#include "store/outbox_signal.h"

#include <vector>

namespace infrashare {

OutboxSubscription OutboxSignal::Add(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  const uint64_t id = next_id_++;
  listeners_.emplace(id, std::make_shared<const std::function<void()>>(std::move(fn)));
  return OutboxSubscription([this, id] { Remove(id); });
}

void OutboxSignal::Remove(uint64_t id) {
  std::unique_lock lock(mutex_);
  listeners_.erase(id);
  // A Notify that copied the listener before the erase may still be calling
  // it: wait until none runs, so the listener's owner may go away.
  idle_.wait(lock, [this] { return notifying_ == 0; });
}

void OutboxSignal::Notify() {
  std::vector<std::shared_ptr<const std::function<void()>>> listeners;
  {
    std::lock_guard lock(mutex_);
    if (listeners_.empty()) return;
    listeners.reserve(listeners_.size());
    for (const auto& [id, fn] : listeners_) listeners.push_back(fn);
    ++notifying_;
  }
  for (const auto& fn : listeners) (*fn)();
  {
    std::lock_guard lock(mutex_);
    --notifying_;
  }
  idle_.notify_all();
}

bool OutboxSignal::empty() const {
  std::lock_guard lock(mutex_);
  return listeners_.empty();
}

}  // namespace infrashare
