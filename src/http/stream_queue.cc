#include "http/stream_queue.h"

#include <utility>

namespace infrashare {

StreamQueue::StreamQueue(size_t max_buffered_bytes, std::string overflow_text, std::string initial_text)
    : max_buffered_bytes_(max_buffered_bytes),
      overflow_text_(std::move(overflow_text)),
      queued_(std::move(initial_text)) {}

StreamQueue::SendOutcome StreamQueue::Send(std::string_view text) {
  std::lock_guard lock(mutex_);
  if (ended_) return SendOutcome::kEnded;
  if (queued_counted_ + in_flight_counted_ + text.size() > max_buffered_bytes_) {
    // The client is too slow: what it has not been sent yet is lost anyway.
    ended_ = true;
    closing_ = true;
    overflowed_ = true;
    queued_ = overflow_text_;
    queued_.shrink_to_fit();
    queued_counted_ = 0;
    return SendOutcome::kOverflow;
  }
  queued_.append(text);
  queued_counted_ += text.size();
  if (flush_scheduled_) return SendOutcome::kQueued;
  flush_scheduled_ = true;
  return SendOutcome::kFlushNeeded;
}

StreamQueue::SendOutcome StreamQueue::SendNow(std::string_view text,
                                               const std::function<std::string(std::string_view)>& write_now) {
  {
    std::lock_guard lock(mutex_);
    if (!ended_ && !flush_scheduled_ && queued_.empty() && wire_prefix_.empty() && in_flight_counted_ == 0 &&
        text.size() <= max_buffered_bytes_) {
      wire_prefix_ = write_now(text);
      if (wire_prefix_.empty()) return SendOutcome::kQueued;  // nothing left to flush
      queued_counted_ = wire_prefix_.size();
      flush_scheduled_ = true;
      return SendOutcome::kFlushNeeded;
    }
  }
  return Send(text);
}

bool StreamQueue::AppendUncounted(std::string_view text) {
  std::lock_guard lock(mutex_);
  if (ended_) return false;
  queued_.append(text);
  if (flush_scheduled_) return false;
  flush_scheduled_ = true;
  return true;
}

bool StreamQueue::Close(std::string_view final_text) {
  std::lock_guard lock(mutex_);
  if (ended_) return false;
  ended_ = true;
  closing_ = true;
  queued_.append(final_text);
  if (flush_scheduled_) return false;
  flush_scheduled_ = true;
  return true;
}

void StreamQueue::Abandon() {
  std::lock_guard lock(mutex_);
  ended_ = true;
  closing_ = false;
  last_taken_ = true;
  std::string().swap(queued_);
  std::string().swap(wire_prefix_);
  queued_counted_ = 0;
}

std::optional<StreamQueue::Batch> StreamQueue::Take() {
  std::lock_guard lock(mutex_);
  if (last_taken_ || (queued_.empty() && wire_prefix_.empty() && !closing_)) {
    flush_scheduled_ = false;
    return std::nullopt;
  }
  Batch batch;
  batch.wire_prefix.swap(wire_prefix_);
  batch.bytes.swap(queued_);
  batch.last = closing_;
  batch.overflowed = overflowed_;
  last_taken_ = closing_;
  in_flight_counted_ = queued_counted_;
  queued_counted_ = 0;
  flush_scheduled_ = true;  // a write is in flight; its completion takes again
  return batch;
}

void StreamQueue::Written() {
  std::lock_guard lock(mutex_);
  in_flight_counted_ = 0;
}

bool StreamQueue::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

size_t StreamQueue::buffered() const {
  std::lock_guard lock(mutex_);
  return queued_counted_ + in_flight_counted_;
}

}  // namespace infrashare
