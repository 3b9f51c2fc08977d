// The bytes waiting to be written to one streamed response (Server-Sent
// Events): the threads that call StreamWriter::Send append, the connection's
// strand takes everything queued as one batch per write. This is where the
// slow-consumer limit is decided; the socket side lives in server.cc.
//
// Accounting: "buffered" bytes are those appended by Send and not yet
// reported written (queued plus the batch in flight). Bytes appended with
// AppendUncounted (initial text, heartbeats) and the final text of Close do
// not count.
//
// Flush protocol: `Send` returns kFlushNeeded when the caller must schedule a
// Take on the strand (no write in flight and none scheduled); after that,
// until Take finds the queue empty, the strand is responsible for what is
// queued. So no wake-up is lost and at most one flush is scheduled at a time.
//
// Thread behaviour: every member takes the internal mutex; safe from any
// thread. No callbacks are made; nothing blocks beyond the mutex.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace infrashare {

class StreamQueue {
 public:
  enum class SendOutcome {
    kQueued,       // appended; a flush is already scheduled
    kFlushNeeded,  // appended; the caller must schedule a flush
    kOverflow,     // the limit was exceeded just now: the queue now holds only
                   // the overflow text and is closing; the stream must end
    kEnded,        // the stream had already ended; dropped
  };

  StreamQueue(size_t max_buffered_bytes, std::string overflow_text, std::string initial_text);

  SendOutcome Send(std::string_view text);
  // Send, written on the caller's thread when the connection is idle —
  // nothing queued, in flight or scheduled: `write_now` gets the text, writes
  // its wire form as far as the socket takes it without waiting, and returns
  // the wire bytes it did not write (empty: all of them). It runs under the
  // queue's lock, so no other write and no Abandon runs meanwhile (the
  // connection calls Abandon before it closes its socket). Unwritten wire
  // bytes go out before anything queued later: kFlushNeeded.
  SendOutcome SendNow(std::string_view text, const std::function<std::string(std::string_view)>& write_now);
  // Appends without counting against the limit (heartbeats). Returns true when
  // the caller must schedule a flush; false also when the stream has ended.
  bool AppendUncounted(std::string_view text);
  // No more Sends; what is queued plus `final_text` is written, then the last
  // chunk. Returns true when the caller must schedule a flush; false when a
  // flush is already scheduled or the stream had already ended.
  bool Close(std::string_view final_text);
  // The connection is gone: drop the queue; later Sends return kEnded.
  void Abandon();

  // The strand's side.
  struct Batch {
    std::string wire_prefix;  // bytes on the wire already (SendNow's rest): written first, as they are
    std::string bytes;        // may be empty when `last`
    bool last = false;        // the final batch: the stream ends after it
    bool overflowed = false;  // last because Send overflowed (not Close)
  };
  // Everything queued, as one batch, counted as in flight until Written().
  // nullopt when there is nothing to write (and then the next Send asks for a
  // flush again). After the last batch, always nullopt.
  std::optional<Batch> Take();
  // The batch from Take has been written (or failed).
  void Written();

  bool ended() const;
  // Bytes counted against the limit now (queued plus in flight).
  size_t buffered() const;

 private:
  const size_t max_buffered_bytes_;
  const std::string overflow_text_;

  mutable std::mutex mutex_;
  // State below is protected by mutex_.
  std::string wire_prefix_;        // what SendNow could not write, in wire form
  std::string queued_;
  size_t queued_counted_ = 0;     // bytes of queued_ and wire_prefix_ that count against the limit
  size_t in_flight_counted_ = 0;  // counted bytes of the batch being written
  bool flush_scheduled_ = true;   // the strand flushes after the header anyway
  bool ended_ = false;            // no more Sends
  bool closing_ = false;          // the next Take is the last batch
  bool last_taken_ = false;
  bool overflowed_ = false;
};

}  // namespace infrashare
