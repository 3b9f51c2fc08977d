// The stream hub: fans the outbox out to every open event-stream connection
// (GET /api/v1/stream), each seeing only what its organization may see.
//
// Model. Events have increasing ids (the outbox seq). A subscription belongs
// to one organization and has a position: the id of the last event it was
// sent (or skipped as not visible). One dispatcher thread asks the source
// for events after the hub's cursor when woken (Wake: the store saw a commit
// that appended outbox events, in this process or — on PostgreSQL, by
// LISTEN/NOTIFY — in another one on the same database; store.h) and at
// least every `poll` (the safety net for a wake-up lost with a connection:
// the outbox, not the wake-up, is the source of truth), renders each event
// once per
// organization that has subscribers (StreamEvent::Render decides
// visibility and never runs for an organization without subscribers), and
// queues the text on every subscription of that organization. A new
// subscription whose position is behind the cursor is first replayed from
// the source (a client reconnecting with Last-Event-ID, also after a server
// restart: the outbox is durable), then joins the live fan-out — nothing is
// missed and nothing is sent twice on one connection. A replay is paced: it
// sends while the sink holds less than `replay_budget_bytes` unwritten and
// otherwise continues `replay_poll` later, so a client catching up on much
// is not mistaken for one that does not read. While no subscription
// listens, the hub reads nothing, not even on a wake-up (with several
// processes on one database every commit of each wakes all): the first
// subscription to attach catches the cursor up to the newest event.
//
// Back-pressure is the sink's: a StreamSink whose client does not keep up
// refuses Send (the HTTP layer cuts it off after a bounded buffer and tells
// it why); the hub then forgets the subscription.
//
// Thread behaviour: every public method is thread-safe. Render and
// Delivered are called on the dispatcher thread only.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/error.h"

namespace infrashare {

// One event as the hub sees it.
class StreamEvent {
 public:
  virtual ~StreamEvent() = default;
  virtual int64_t id() const = 0;
  virtual std::string_view type() const = 0;
  // The SSE `data` (one line of JSON) for viewers of `organization`, or
  // nullopt when they may not see the event.
  virtual std::optional<std::string> Render(const std::string& organization) = 0;
  // Told once per organization when the event reached at least one of its
  // live subscriptions (replays are not reported).
  virtual void Delivered(const std::string& organization) { (void)organization; }
};

// Where events come from (service/event_feed.h implements it on the store).
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  // Events with id > after, in order, at most `limit`.
  virtual Result<std::vector<std::unique_ptr<StreamEvent>>> After(int64_t after, int limit) = 0;
  // The id of the newest event (0 when none).
  virtual Result<int64_t> Newest() = 0;
  // Called after each batch the dispatcher finished (e.g. to flush
  // delivery records).
  virtual void BatchDone() {}
};

// The sending half of one connection (api/ adapts the HTTP layer's writer).
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Queues text; false when the connection is gone or was cut off.
  virtual bool Send(std::string_view text) = 0;
  // Ends the connection after what is queued, `final_text` last.
  virtual void Close(std::string_view final_text) = 0;
  // Bytes queued and not yet written to the client.
  virtual size_t buffered_bytes() const = 0;
};

class StreamHub {
 public:
  struct Options {
    // How often the source is asked for new events without a Wake: only a
    // safety net, since every commit that appends to the outbox wakes the hub.
    std::chrono::milliseconds poll{250};
    std::chrono::milliseconds replay_poll{20};  // how soon a paused replay goes on
    int batch = 512;                            // events per source call
    size_t replay_budget_bytes = 256 * 1024;    // keep well below the sinks' slow-consumer limit
  };

  StreamHub(StreamSource& source, Options options);
  ~StreamHub();  // Stop()s

  // Starts the dispatcher at the newest event. Errors: the source's.
  Result<void> Start();
  // Stops the dispatcher and closes every subscription.
  void Stop();
  // Makes the dispatcher ask the source for new events now (or, when it is
  // busy, once more after what it is doing). Cheap, never blocks for long:
  // meant to be called from Store::OnOutboxAppended's listener.
  void Wake();

  // Where a new subscription starts: `last_event_id` when given (a replay
  // follows), else the newest event now. Errors: kInvalidArgument when
  // last_event_id is ahead of the newest event (not an id this server sent).
  Result<int64_t> StartPosition(std::optional<int64_t> last_event_id);

  // Adds a subscription of `organization` at `position`. Returns its id.
  uint64_t Attach(std::string organization, int64_t position, std::shared_ptr<StreamSink> sink);
  void Detach(uint64_t id);
  // Detaches the subscription and closes its connection, `final_text` last
  // (nothing when it is already gone). No event is sent to it after.
  void End(uint64_t id, std::string_view final_text);

  size_t subscriptions() const;

 private:
  struct Subscription {
    uint64_t id;
    std::string organization;
    int64_t position;  // last event id sent or passed
    std::shared_ptr<StreamSink> sink;
  };

  void Run();
  // One poll: replays for new subscriptions, then the live batch. Returns
  // whether more events are waiting.
  bool Step();
  // Returns false when the replay paused (the sink holds its budget) or ended
  // (the subscription was dropped); true when it reached `until`.
  bool Replay(const std::shared_ptr<Subscription>& sub, int64_t until);
  void Fan(StreamEvent& event);
  void Drop(const std::vector<uint64_t>& ids);

  StreamSource& source_;
  const Options options_;
  std::atomic<int64_t> cursor_{0};
  // Nobody listened at the last step: the cursor was left behind and wake-ups
  // are not heeded (Wake does not even wake the thread). Written by the
  // dispatcher thread only.
  std::atomic<bool> cursor_behind_{false};

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  // State below is protected by mutex_.
  bool stopping_ = false;
  bool woken_ = false;  // Wake was called since the dispatcher last looked
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::shared_ptr<Subscription>> subs_;
  std::map<std::string, std::vector<std::shared_ptr<Subscription>>, std::less<>> by_org_;  // live ones
  std::vector<std::shared_ptr<Subscription>> joining_;  // attached, not replayed yet

  // Replays paused for their sinks to drain; the dispatcher thread's own.
  std::vector<std::shared_ptr<Subscription>> paused_;

  std::thread thread_;
};

}  // namespace infrashare
